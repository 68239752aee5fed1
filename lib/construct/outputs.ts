/**
 * The Terraform outputs other stacks and pipelines read. Names are `<prefix>_<suffix>`, the
 * prefix being the construct id unless set: stable across synths (staticId, no hash suffix).
 * Values hold task data only — never credentials, never key names unless exposeKeyNames — and
 * nothing from the synth's clock, so two synths of unchanged data are byte-identical.
 */
import { DcsConfigError } from '../client/errors';
import { show } from '../client/validation';

/** Output suffixes and what each holds. When the lookup failed, statuses are `unknown`. */
export const OUTPUT_SUFFIXES = {
  instance_id: 'the instance id',
  count: 'number of tasks read (-1 when the lookup failed)',
  latest_id: 'id of the newest task, or ""',
  latest_status: 'status of the newest task, "" when there is none, "unknown" when the lookup failed',
  latest_auto_id: 'id of the newest automatic scan, or ""',
  latest_auto_status: 'status of the newest automatic scan: waiting|running|success|failed, "" when there is none, "unknown" when the lookup failed',
  latest_auto_created_at: 'created_at of the newest automatic scan, or ""',
  latest_auto_finished_at: 'finished_at of the newest automatic scan, or ""',
  latest_successful_id: 'id of the newest successful task, or ""',
  latest_successful_finished_at: 'finished_at of the newest successful task, or ""',
  records: 'all tasks as a JSON array, newest first, with the API\'s field names',
  gate_message: 'why a consuming stack must not deploy (the latest automatic scan with a result failed, the lookup failed, or it was filtered by status), or "" when it may',
} as const;

/**
 * Outputs of a DcsBigKeyScanTasks that reads the keys of its latest successful scan (readBigKeys,
 * or a bigKeys gate): created only then, so a configuration's set of outputs never changes with
 * the data. Sizes are -1 when unknown (the lookup failed, or no scan succeeded).
 */
export const BIG_KEY_OUTPUT_SUFFIXES = {
  big_key_scan_id: 'id of the latest successful big key scan, or "" (none, or the lookup failed)',
  big_key_count: 'big keys that scan found (-1 when unknown: no successful scan, or the lookup failed)',
  largest_string_bytes: 'size of the largest string key it found, in bytes (0 when none; -1 when unknown)',
  largest_collection_members: 'members of the largest list, set, zset or hash it found (0 when none; -1 when unknown)',
  big_keys: 'the keys it found as a JSON array (type, size, unit, shard, db; name only with exposeKeyNames), "[]" when none or unknown',
} as const;

/** Outputs of a DcsHotKeyScanTasks that reads the keys of its latest successful scan (readHotKeys, or a hotKeys gate). */
export const HOT_KEY_OUTPUT_SUFFIXES = {
  hot_key_scan_id: 'id of the latest successful hot key scan, or "" (none, or the lookup failed)',
  hot_key_count: 'hot keys that scan found (-1 when unknown: no successful scan, or the lookup failed)',
  max_hot_key_freq: 'the highest LFU counter (freq, 0-255) among them (0 when none; -1 when unknown)',
  hot_keys: 'the keys it found as a JSON array (type, size, unit, shard, db, freq; name only with exposeKeyNames), "[]" when none or unknown',
} as const;

/** Outputs of a lookup that reads the automatic analysis settings (readAutoScan, or an autoScanEnabled gate). */
export const AUTO_SCAN_OUTPUT_SUFFIXES = {
  auto_scan_enabled: 'whether automatic analysis is enabled: "true", "false", or "unknown" when the lookup failed',
  auto_scan_schedule_at: 'its UTC schedule times as a JSON array, e.g. ["02:00"] ("[]" when none or unknown)',
} as const;

export type OutputSuffix = keyof typeof OUTPUT_SUFFIXES | keyof typeof BIG_KEY_OUTPUT_SUFFIXES | keyof typeof HOT_KEY_OUTPUT_SUFFIXES | keyof typeof AUTO_SCAN_OUTPUT_SUFFIXES;

const OUTPUT_NAME = /^[A-Za-z_][A-Za-z0-9_-]*$/;

export function validateOutputPrefix(prefix: string, name = 'outputPrefix', fix = 'pass outputPrefix (it defaults to the construct id)'): string {
  if (!OUTPUT_NAME.test(prefix)) {
    throw new DcsConfigError(`invalid ${name} ${show(prefix)}: Terraform output names start with a letter or _ and hold only letters, digits, _ and -; ${fix}`);
  }
  return prefix;
}

export function outputName(prefix: string, suffix: OutputSuffix): string {
  return `${prefix}_${suffix}`;
}
