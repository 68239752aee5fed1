/**
 * The Terraform outputs other stacks and pipelines read. Names are `<prefix>_<suffix>`, the
 * prefix being the construct id unless set: stable across synths (staticId, no hash suffix).
 * Values hold task data only — never credentials — and nothing from the synth's clock, so two
 * synths of unchanged data are byte-identical.
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
  gate_message: 'why a consuming stack must not deploy (the latest automatic scan failed, the lookup failed, or it was filtered by status), or "" when it may',
} as const;

export type OutputSuffix = keyof typeof OUTPUT_SUFFIXES;

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
