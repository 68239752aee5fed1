/**
 * The key policies (`bigKeys`, `hotKeys`: limits on the keys the latest successful analysis
 * found) and the autoscan policy (`autoScanEnabled`: automatic analysis must be on and
 * scheduled), beside the task policies of gate-policy.ts and evaluated with them. Pure.
 *
 * What makes them pass, and nothing else: a successful analysis whose keys are all within every
 * limit; automatic analysis enabled with at least one schedule time. No successful analysis, keys
 * that were not read, settings that were not read: each is a finding at the policy's severity,
 * never a pass. A policy with no limit at all is refused (it would check nothing).
 */
import { DcsConfigError } from '../client/errors';
import { AutoscanConfig, BigKey, HotKey, MAX_FREQ, SCAN_API, ScanKind } from '../client/types';
import { show } from '../client/validation';
import { Finding, GateSubject, label, SEVERITIES, Severity } from './finding';
import { describeKey, KeyScan } from './key-scan';
import { describeSize, formatSize, MAX_STRING_BYTES, parseSize, shortSize } from './size';
import { describeTask, TaskSummary } from './task-summary';

/** Limits on the keys of the latest successful big key analysis; at least one is required. */
export interface BigKeyLimits {
  /** At most this many big keys (0 allows none). */
  readonly maxCount?: number;
  /** No string key larger than this: bytes, or text such as `10MB` or `512KB` (1024-based). At most 512MB. */
  readonly maxStringBytes?: number | string;
  /** No list, set, zset or hash with more members than this. */
  readonly maxMembers?: number;
  /** @default 'error' */
  readonly severity?: Severity;
}

/** Limits on the keys of the latest successful hot key analysis; at least one is required. */
export interface HotKeyLimits {
  /** At most this many hot keys (0 allows none). */
  readonly maxCount?: number;
  /** No key whose LFU counter (`freq`, 0-255) is above this. */
  readonly maxFreq?: number;
  /** @default 'error' */
  readonly severity?: Severity;
}

export interface ResolvedBigKeyLimits {
  readonly maxCount?: number;
  readonly maxStringBytes?: number;
  readonly maxMembers?: number;
  readonly severity: Severity;
}

export interface ResolvedHotKeyLimits {
  readonly maxCount?: number;
  readonly maxFreq?: number;
  readonly severity: Severity;
}

export type ResolvedKeyLimits = ResolvedBigKeyLimits & ResolvedHotKeyLimits;

/** Redis collections hold at most 2^32 - 1 members: a higher limit could never block. */
export const MAX_MEMBERS = 4_294_967_295;
/** An analysis keeps at most 100 keys, so counts are small; this bounds typos. */
export const MAX_KEY_COUNT = 1_000_000;

const LIMIT_FIELDS: Readonly<Record<ScanKind, readonly string[]>> = {
  bigkey: ['maxCount', 'maxStringBytes', 'maxMembers'],
  hotkey: ['maxCount', 'maxFreq'],
};

/** Checks a key policy's object; throws DcsConfigError naming the field and the value. */
export function resolveKeyLimits(kind: ScanKind, raw: Record<string, unknown>, where: string): ResolvedKeyLimits {
  const fields = LIMIT_FIELDS[kind];
  for (const key of Object.keys(raw)) {
    if (!fields.includes(key) && key !== 'severity') throw new DcsConfigError(`unknown ${where} field ${show(key)}: expected ${[...fields, 'severity'].join(', ')}`);
  }
  if (!fields.some((f) => raw[f] !== undefined)) {
    throw new DcsConfigError(`${where} sets no limit, so it would check nothing: give ${fields.join(', ').replace(/, (?=[^,]*$)/, ' or ')}`);
  }
  const integer = (field: string, max: number): number | undefined => {
    const value = raw[field];
    if (value === undefined) return undefined;
    if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > max) {
      throw new DcsConfigError(`invalid ${where}.${field} ${show(value)}: expected an integer from 0 to ${max}`);
    }
    return value;
  };
  const severity = raw.severity ?? 'error';
  if (!SEVERITIES.includes(severity as Severity)) throw new DcsConfigError(`invalid ${where}.severity ${show(severity)}: expected "error" or "warning"`);
  const limits = {
    maxCount: integer('maxCount', MAX_KEY_COUNT),
    ...(kind === 'bigkey'
      ? {
          maxStringBytes: raw.maxStringBytes === undefined ? undefined : parseSize(raw.maxStringBytes, `${where}.maxStringBytes`, { max: MAX_STRING_BYTES }),
          maxMembers: integer('maxMembers', MAX_MEMBERS),
        }
      : { maxFreq: integer('maxFreq', MAX_FREQ) }),
    severity: severity as Severity,
  };
  // Only the limits set: `undefined` fields would show up in JSON and equality checks.
  return Object.fromEntries(Object.entries(limits).filter(([, v]) => v !== undefined)) as unknown as ResolvedKeyLimits;
}

/** `count 10 string 10MB members 5000`, `freq 200`: the limits of a key policy, for reports. */
export function keyLimitsText(limits: ResolvedKeyLimits): string {
  const parts: string[] = [];
  if (limits.maxCount !== undefined) parts.push(`count ${limits.maxCount}`);
  if (limits.maxStringBytes !== undefined) parts.push(`string ${formatSize(limits.maxStringBytes)}`);
  if (limits.maxMembers !== undefined) parts.push(`members ${limits.maxMembers}`);
  if (limits.maxFreq !== undefined) parts.push(`freq ${limits.maxFreq}`);
  return parts.join(' ');
}

/** At most this many offending keys are described in one finding; `dcs-bigkey keys` lists them all. */
const KEYS_NAMED = 3;

/**
 * The findings of a key policy over the keys of the latest successful scan: one per limit
 * broken, naming the largest offenders (type, size, shard, db; the name only when the key
 * carries it). `keys` null (no successful scan) or undefined (not read) is a finding too.
 */
export function evaluateKeyLimits(subject: GateSubject, kind: ScanKind, limits: ResolvedKeyLimits, keys: KeyScan | null | undefined, summary: TaskSummary): Finding[] {
  const policy = kind === 'hotkey' ? 'hot-keys' : 'big-keys';
  const noun = SCAN_API[kind].noun;
  const who = label(subject);
  const finding = (message: string, short: string, taskId?: string): Finding => ({ policy, severity: limits.severity, instanceId: subject.instanceId, message, ...(taskId ? { taskId } : {}), short });
  const listAll = `\`dcs-bigkey keys --instance-id ${subject.instanceId}${kind === 'hotkey' ? ' --hot' : ''}\` lists every key`;

  if (keys === undefined) {
    return [finding(`the keys of the latest successful ${noun} scan of ${who} were not read, so the ${policy} gate cannot pass; this is a bug in the caller, please report it`, 'keys not read')];
  }
  if (keys === null) {
    const latest = summary.latest ? `, the latest is ${describeTask(summary.latest)}` : '';
    return [finding(
      `${who} has no successful ${noun} scan (${summary.count} tasks read${latest}), so the ${policy} gate (${keyLimitsText(limits)}) cannot check its keys and does not pass. ` +
        `run a ${noun} analysis (POST .../${SCAN_API[kind].taskPath}) and wait for it to succeed`,
      'no successful scan to check the keys of',
      summary.latest?.id,
    )];
  }

  const scan = `the latest successful ${noun} scan of ${who} (task ${keys.task_id}, ${keys.scan_type}, finished ${keys.finished_at ?? 'at an unknown time'})`;
  const findings: Finding[] = [];
  if (limits.maxCount !== undefined && keys.num > limits.maxCount) {
    findings.push(finding(`${scan} found ${keys.num} ${noun}s, more than the limit of ${limits.maxCount}. reduce them, or raise maxCount; ${listAll}`, `${keys.num} ${noun}s, limit ${limits.maxCount}`, keys.task_id));
  }
  /** One finding for the keys over one limit: the worst first, by `measure`. */
  const over = (keyFilter: (k: BigKey) => boolean, what: string, limit: string, advice: string, short: (worst: BigKey) => string, measure: (k: BigKey) => number = (k) => k.size) => {
    const offenders = keys.keys.filter(keyFilter).sort((a, b) => measure(b) - measure(a));
    if (offenders.length === 0) return;
    const named = offenders.slice(0, KEYS_NAMED).map(describeKey).join('; ');
    const more = offenders.length > KEYS_NAMED ? ` (and ${offenders.length - KEYS_NAMED} more)` : '';
    findings.push(finding(`${scan} found ${offenders.length === 1 ? `a ${what}` : `${offenders.length} ${what}s`} over the limit of ${limit}: ${named}${more}. ${advice}; ${listAll}`, short(offenders[0]), keys.task_id));
  };
  if (limits.maxStringBytes !== undefined) {
    const max = limits.maxStringBytes;
    over((k) => k.type === 'string' && k.size > max, 'string key', describeSize(max), 'split or compress the value, or delete the key', (k) => `string key of ${shortSize(k.size)}, limit ${shortSize(max)}`);
  }
  if (limits.maxMembers !== undefined) {
    const max = limits.maxMembers;
    const members = (n: number) => n.toLocaleString('en-US');
    over((k) => k.type !== 'string' && k.size > max, 'collection key', `${members(max)} members`, 'split the collection (e.g. by hash of a member), or delete old members', (k) => `${k.type} of ${members(k.size)} members, limit ${members(max)}`);
  }
  if (limits.maxFreq !== undefined) {
    const max = limits.maxFreq;
    const freq = (k: BigKey) => (k as HotKey).freq;
    over((k) => freq(k) > max, 'hot key', `LFU counter ${max}`, 'spread its reads (a local cache, or copies of the key on several shards)', (k) => `hot key at LFU ${freq(k)}, limit ${max}`, freq);
  }
  return findings;
}

/**
 * The autoscan policy: automatic analysis must be enabled and have a schedule time. Settings
 * that were not read are a finding too.
 */
export function evaluateAutoScanEnabled(subject: GateSubject, kind: ScanKind, severity: Severity, settings: AutoscanConfig | undefined): Finding[] {
  const { noun, autoscanPath } = SCAN_API[kind];
  const who = label(subject);
  const finding = (message: string, short = 'automatic scan disabled'): Finding[] => [{ policy: 'auto-scan-enabled', severity, instanceId: subject.instanceId, message, short }];
  const enable = `enable it in the DCS console (${kind === 'hotkey' ? 'Hot' : 'Big'} Key Analysis > automatic analysis) or with PUT .../${autoscanPath} {"enable_auto_scan": true, "schedule_at": ["02:00"]} (UTC times)`;
  if (settings === undefined) return finding(`the automatic ${noun} analysis settings of ${who} were not read, so the auto-scan-enabled gate cannot pass; this is a bug in the caller, please report it`, 'settings not read');
  const changed = settings.updated_at ? `, last changed ${settings.updated_at}` : '';
  if (!settings.enable_auto_scan) return finding(`automatic ${noun} analysis of ${who} is disabled (enable_auto_scan false${changed}), so no scheduled scan will find new ${noun}s. ${enable}`);
  if (settings.schedule_at.length === 0) return finding(`automatic ${noun} analysis of ${who} is enabled but has no schedule time (schedule_at is empty${changed}), so it never runs. ${enable}`, 'automatic scan has no schedule');
  return [];
}
