/**
 * Deployment gate policies over a task list (big key or hot key analysis), the keys of its
 * latest successful analysis and the automatic analysis settings: one implementation, used by
 * the cdktf constructs (as annotations) and by `dcs-bigkey gate` (as exit codes and reports).
 * Pure: the clock is a parameter.
 *
 * One rule everywhere: the headline policy (`latestAutoFailed`: the latest automatic scan with a
 * result must not have failed — a newer one still waiting or running does not clear it)
 * is on unless explicitly turned off, and every other policy adds to it.
 *
 * Every finding names the instance, the task, its status and times, and what to do. A lookup
 * that failed is a finding too, of severity `error` unless the user chose `warning`: a gate
 * never passes for want of data. The key and autoscan policies are evaluated in key-policy.ts.
 */
import { DcsConfigError } from '../client/errors';
import { AutoscanConfig, SCAN_API, ScanKind } from '../client/types';
import { show } from '../client/validation';
import { Duration, durationText, formatDuration, parseDuration } from './duration';
import { evaluateAutoScanEnabled, evaluateKeyLimits, keyLimitsText, resolveKeyLimits } from './key-policy';
import type { BigKeyLimits, HotKeyLimits, ResolvedBigKeyLimits, ResolvedHotKeyLimits } from './key-policy';
import type { KeyScan } from './key-scan';
import { Finding, GateSubject, label, PolicyName, SEVERITIES, Severity } from './finding';

export { label, SEVERITIES } from './finding';
export type { Finding, GateSubject, PolicyName, Severity } from './finding';
import { ageMs, CLOCK_SKEW_MS, describeTask, IN_PROGRESS, TaskSummary } from './task-summary';

export type { BigKeyLimits, HotKeyLimits, ResolvedBigKeyLimits, ResolvedHotKeyLimits } from './key-policy';

export interface GatePolicies {
  /**
   * The headline policy: block when the newest automatic scan (`scan_type: auto`) with a result
   * has status `failed` — a newer one still `waiting` or `running` does not clear it. On unless
   * turned off with `'off'`, in the construct and in `dcs-bigkey gate` alike; the other policies
   * add to it.
   * @default 'error'
   */
  readonly latestAutoFailed?: Severity | 'off';
  /**
   * Block when no automatic scan finished (success or failed) within `maxAge` of now.
   * @default - off
   */
  readonly maxAutoScanAge?: { readonly maxAge: Duration; readonly severity?: Severity };
  /**
   * Block when no task (manual or automatic) has ever succeeded.
   * @default - off
   */
  readonly requireSuccessfulScan?: Severity;
  /**
   * Block when a task has been `waiting` (since created) or `running` (since started) longer than `maxDuration`.
   * @default - off
   */
  readonly stuckTask?: { readonly maxDuration: Duration; readonly severity?: Severity };
  /**
   * Big key analysis only: block when the latest successful big key scan found more keys than
   * `maxCount`, a string key over `maxStringBytes` (bytes, or text such as `10MB`, 1024-based) or a
   * collection over `maxMembers`. Reads that scan's keys (one more request per instance). No
   * successful scan is a finding at this severity, never a pass.
   * @default - off
   */
  readonly bigKeys?: BigKeyLimits;
  /**
   * Hot key analysis only: block when the latest successful hot key scan found more keys than
   * `maxCount`, or a key whose LFU counter is over `maxFreq` (0-255). No successful scan is a
   * finding at this severity, never a pass.
   * @default - off
   */
  readonly hotKeys?: HotKeyLimits;
  /**
   * Block when automatic analysis (of this kind) is disabled, or enabled with no schedule time
   * (it would never run). Reads the autoscan settings (one more request, sent with the list).
   * @default - off
   */
  readonly autoScanEnabled?: Severity;
  /**
   * What a failed lookup (network, 401/403/404, DCS.4919, malformed data) is.
   * @default 'error' — fail closed
   */
  readonly onLookupFailure?: Severity;
}

/** The policies (each but onLookupFailure checks something), in the order they are checked. */
export const GATE_POLICY_KEYS = ['latestAutoFailed', 'maxAutoScanAge', 'requireSuccessfulScan', 'stuckTask', 'bigKeys', 'hotKeys', 'autoScanEnabled'] as const;
export type GatePolicyKey = (typeof GATE_POLICY_KEYS)[number];

/** The policies of each kind of analysis: the key policy of the other kind does not apply. */
export const POLICY_KEYS_OF: Readonly<Record<ScanKind, readonly GatePolicyKey[]>> = {
  bigkey: GATE_POLICY_KEYS.filter((k) => k !== 'hotKeys'),
  hotkey: GATE_POLICY_KEYS.filter((k) => k !== 'bigKeys'),
};

export interface ResolvedGatePolicies {
  readonly latestAutoFailed?: Severity;
  readonly maxAutoScanAge?: { readonly maxAgeMs: number; readonly severity: Severity };
  readonly requireSuccessfulScan?: Severity;
  readonly stuckTask?: { readonly maxDurationMs: number; readonly severity: Severity };
  readonly bigKeys?: ResolvedBigKeyLimits;
  readonly hotKeys?: ResolvedHotKeyLimits;
  readonly autoScanEnabled?: Severity;
  readonly onLookupFailure: Severity;
}

/** What the gate looks at beyond the task list: the kind of analysis, and what the lookup read. */
export interface GateFacts {
  /** @default 'bigkey' */
  readonly kind?: ScanKind;
  /** The keys of the latest successful scan; null: there is none; undefined: not read. */
  readonly keys?: KeyScan | null;
  /** The automatic analysis settings; undefined: not read. */
  readonly autoscan?: AutoscanConfig;
}

/** Checks and normalizes policies (of the big key analysis unless `kind` says otherwise); throws DcsConfigError naming the bad value. */
export function resolveGatePolicies(policies: GatePolicies = {}, where = 'gates', kind: ScanKind = 'bigkey'): ResolvedGatePolicies {
  const object = (value: unknown, name: string, example: string): Record<string, unknown> => {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      throw new DcsConfigError(`invalid ${name} ${show(value)}: expected an object such as ${example}`);
    }
    return value as Record<string, unknown>;
  };
  const severity = (value: unknown, name: string, off = false): Severity => {
    if (!SEVERITIES.includes(value as Severity)) {
      throw new DcsConfigError(`invalid ${where}.${name} ${show(value)}: expected "error"${off ? ', "warning" or "off"' : ' or "warning"'}`);
    }
    return value as Severity;
  };
  const limited = (key: 'maxAutoScanAge' | 'stuckTask', field: 'maxAge' | 'maxDuration', example: string) => {
    const raw = object(p[key], `${where}.${key}`, example);
    return { ms: parseDuration(raw[field], `${where}.${key}.${field}`), severity: severity(raw.severity ?? 'error', `${key}.severity`) };
  };
  const p = object(policies, where, "{ latestAutoFailed: 'error' }") as GatePolicies;
  const known: readonly string[] = [...POLICY_KEYS_OF[kind], 'onLookupFailure'];
  for (const key of Object.keys(p)) {
    if (known.includes(key)) continue;
    const other = key === 'bigKeys' ? 'big key' : key === 'hotKeys' ? 'hot key' : undefined;
    if (other) throw new DcsConfigError(`${where}.${key} checks the ${other} analysis, not the ${SCAN_API[kind].noun} analysis of this lookup: use ${key === 'bigKeys' ? 'DcsBigKeyScanTasks' : 'DcsHotKeyScanTasks'} for it`);
    throw new DcsConfigError(`unknown ${where} policy ${show(key)}: expected one of ${known.join(', ')}`);
  }
  const age = p.maxAutoScanAge === undefined ? undefined : limited('maxAutoScanAge', 'maxAge', "{ maxAge: '7d' }");
  const stuck = p.stuckTask === undefined ? undefined : limited('stuckTask', 'maxDuration', "{ maxDuration: '6h' }");
  return {
    // The headline policy is on unless explicitly turned off.
    latestAutoFailed: p.latestAutoFailed === 'off' ? undefined : severity(p.latestAutoFailed ?? 'error', 'latestAutoFailed', true),
    maxAutoScanAge: age && { maxAgeMs: age.ms, severity: age.severity },
    requireSuccessfulScan: p.requireSuccessfulScan === undefined ? undefined : severity(p.requireSuccessfulScan, 'requireSuccessfulScan'),
    stuckTask: stuck && { maxDurationMs: stuck.ms, severity: stuck.severity },
    bigKeys: p.bigKeys === undefined ? undefined : (resolveKeyLimits('bigkey', object(p.bigKeys, `${where}.bigKeys`, "{ maxStringBytes: '10MB' }"), `${where}.bigKeys`) as ResolvedBigKeyLimits),
    hotKeys: p.hotKeys === undefined ? undefined : (resolveKeyLimits('hotkey', object(p.hotKeys, `${where}.hotKeys`, '{ maxCount: 10 }'), `${where}.hotKeys`) as ResolvedHotKeyLimits),
    autoScanEnabled: p.autoScanEnabled === undefined ? undefined : severity(p.autoScanEnabled, 'autoScanEnabled'),
    onLookupFailure: severity(p.onLookupFailure ?? 'error', 'onLookupFailure'),
  };
}

/**
 * The policies of a lookup that may be filtered by status. A filtered list has no "latest
 * automatic scan" (its newest auto task is only the newest of that status), so it cannot gate:
 * without explicit gates it evaluates none (only a failed lookup is still reported), and gates
 * that would evaluate anything are a configuration error.
 */
export function resolveLookupPolicies(gates: GatePolicies | undefined, status: string | undefined, where = 'gates', kind: ScanKind = 'bigkey'): ResolvedGatePolicies {
  if (status === undefined) return resolveGatePolicies(gates, where, kind);
  if (gates === undefined) return { onLookupFailure: 'error' };
  const policies = resolveGatePolicies(gates, where, kind);
  if (hasTaskPolicy(policies)) {
    throw new DcsConfigError(
      `${where} cannot be checked on tasks filtered by status "${status}" (the latest automatic scan of that list is only the latest ${status} one, ` +
        `and latestAutoFailed is on unless set to 'off'); remove status, or remove ${where} and use a second construct without status for the gates`,
    );
  }
  return policies;
}

/** The task policies a gate evaluates, in the order they are checked, with their limits. */
export interface EnabledPolicy {
  readonly policy: Exclude<PolicyName, 'lookup-failed'>;
  readonly severity: Severity;
  /** The limit, for the policies that have one: a duration (e.g. `7d`), or key limits (e.g. `string 10MB members 5000`). */
  readonly limit?: string;
}

export function enabledPolicies(policies: ResolvedGatePolicies): EnabledPolicy[] {
  const out: EnabledPolicy[] = [];
  if (policies.latestAutoFailed) out.push({ policy: 'latest-auto-failed', severity: policies.latestAutoFailed });
  if (policies.maxAutoScanAge) out.push({ policy: 'max-auto-scan-age', severity: policies.maxAutoScanAge.severity, limit: durationText(policies.maxAutoScanAge.maxAgeMs) });
  if (policies.requireSuccessfulScan) out.push({ policy: 'require-successful-scan', severity: policies.requireSuccessfulScan });
  if (policies.stuckTask) out.push({ policy: 'stuck-task', severity: policies.stuckTask.severity, limit: durationText(policies.stuckTask.maxDurationMs) });
  if (policies.bigKeys) out.push({ policy: 'big-keys', severity: policies.bigKeys.severity, limit: keyLimitsText(policies.bigKeys) });
  if (policies.hotKeys) out.push({ policy: 'hot-keys', severity: policies.hotKeys.severity, limit: keyLimitsText(policies.hotKeys) });
  if (policies.autoScanEnabled) out.push({ policy: 'auto-scan-enabled', severity: policies.autoScanEnabled });
  return out;
}

/** `max-auto-scan-age 7d`, `stuck-task 1h (warning)`: one enabled policy, for reports people read. */
export function policyText(p: EnabledPolicy): string {
  return `${p.policy}${p.limit ? ` ${p.limit}` : ''}${p.severity === 'warning' ? ' (warning)' : ''}`;
}

/** True when any policy over the tasks is on (onLookupFailure alone checks nothing). */
export function hasTaskPolicy(policies: ResolvedGatePolicies): boolean {
  return GATE_POLICY_KEYS.some((key) => policies[key] !== undefined);
}

/** The DCS console's page of each kind of analysis, for advice. */
export const CONSOLE_PAGE: Readonly<Record<ScanKind, string>> = { bigkey: 'Cache Analysis > Big Key Analysis', hotkey: 'Cache Analysis > Hot Key Analysis' };

/** The findings of every enabled policy; empty means the gate passes. */
export function evaluateGate(subject: GateSubject, summary: TaskSummary, policies: ResolvedGatePolicies, now: Date, facts: GateFacts = {}): Finding[] {
  const kind = facts.kind ?? 'bigkey';
  const { noun, taskPath, autoscanPath } = SCAN_API[kind];
  const findings: Finding[] = [];
  const who = label(subject);
  const add = (policy: PolicyName, severity: Severity, message: string, taskId?: string, short?: string) =>
    findings.push({ policy, severity, instanceId: subject.instanceId, message, taskId, ...(short !== undefined ? { short } : {}) });

  // The evidence is the latest automatic scan with a result: one still waiting or running says
  // nothing yet, so it neither clears a failure before it nor passes on its own behalf.
  const auto = summary.latestAuto;
  const settled = summary.latestSettledAuto;
  if (policies.latestAutoFailed && settled?.status === 'failed') {
    const advice = `find the cause under ${CONSOLE_PAGE[kind]} in the DCS console, fix it, and run a new scan; the gate passes once a newer automatic scan has succeeded`;
    // A newer scan still waiting or running: named too, and in the short form, beside a table's "latest auto: running".
    const newer = auto !== undefined && auto !== settled ? auto : undefined;
    add('latest-auto-failed', policies.latestAutoFailed,
      newer === undefined
        ? `the latest automatic ${noun} scan of ${who} failed: ${describeTask(settled)}. ${advice}`
        : `the latest automatic ${noun} scan of ${who} with a result failed: ${describeTask(settled)}; the newer one has none yet: ${describeTask(newer)}. ${advice}`,
      settled.id,
      newer && `latest automatic scan with a result failed (a newer one is ${newer.status})`);
  }

  if (policies.maxAutoScanAge) {
    const { maxAgeMs, severity } = policies.maxAutoScanAge;
    const finished = summary.latestFinishedAuto;
    const age = ageMs(finished?.finished_at, now);
    const advice = `check that automatic analysis is enabled and scheduled for this instance (PUT .../${autoscanPath}), or raise the maximum age`;
    if (!finished) {
      add('max-auto-scan-age', severity, `no automatic ${noun} scan of ${who} has finished (maximum age ${formatDuration(maxAgeMs)}; ${summary.count} tasks read). ${advice}`);
    } else if (age !== undefined && age < -CLOCK_SKEW_MS) {
      // A scan "finished" in the future has no knowable age; read as fresh, it would pass forever.
      add('max-auto-scan-age', severity,
        `the latest finished automatic ${noun} scan of ${who} has no knowable age: ${describeTask(finished)} finished ${formatDuration(-age)} ahead of this machine's clock, ` +
        `so the maximum age ${formatDuration(maxAgeMs)} cannot be checked. check this machine's clock, and report the task to Huawei Cloud support if the clock is right`,
        finished.id);
    } else if (age !== undefined && age > maxAgeMs) {
      add('max-auto-scan-age', severity,
        `no automatic ${noun} scan of ${who} finished in the last ${formatDuration(maxAgeMs)}: the latest finished is ${describeTask(finished)}, ${formatDuration(age)} ago. ${advice}`,
        finished.id);
    }
  }

  if (policies.requireSuccessfulScan && !summary.latestSuccessful) {
    add('require-successful-scan', policies.requireSuccessfulScan,
      `${who} has no successful ${noun} scan (${summary.count} tasks read${summary.latest ? `, the latest is ${describeTask(summary.latest)}` : ''}). ` +
      `run one (POST .../${taskPath}) and wait for it to succeed`,
      summary.latest?.id);
  }

  if (policies.stuckTask) {
    const { maxDurationMs, severity } = policies.stuckTask;
    for (const task of summary.records) {
      if (!IN_PROGRESS.includes(task.status)) continue;
      const since = task.status === 'running' ? (task.started_at ?? task.created_at) : task.created_at;
      const age = ageMs(since, now) ?? 0;
      if (age > maxDurationMs) {
        add('stuck-task', severity,
          `a ${noun} scan of ${who} has been ${task.status} for ${formatDuration(age)}, longer than ${formatDuration(maxDurationMs)}: ${describeTask(task)}. ` +
          'check the instance\'s load and the task in the DCS console; delete the task if it will not finish',
          task.id);
      }
    }
  }

  const keyLimits = kind === 'hotkey' ? policies.hotKeys : policies.bigKeys;
  if (keyLimits) findings.push(...evaluateKeyLimits(subject, kind, keyLimits, facts.keys, summary));
  if (policies.autoScanEnabled) findings.push(...evaluateAutoScanEnabled(subject, kind, policies.autoScanEnabled, facts.autoscan));
  return findings;
}

/** A lookup that failed, as a finding: the error's own message says what and what to do. */
export function lookupFailureFinding(subject: GateSubject, error: Error, policies: Pick<ResolvedGatePolicies, 'onLookupFailure'>, kind: ScanKind = 'bigkey'): Finding {
  return {
    policy: 'lookup-failed',
    severity: policies.onLookupFailure,
    instanceId: subject.instanceId,
    message: `${SCAN_API[kind].noun} scan tasks of ${label(subject)} could not be read${policies.onLookupFailure === 'error' ? ', so the gate cannot pass' : ' (reported as a warning, by choice)'}: ${error.message}`,
  };
}

export type Verdict = 'pass' | 'warn' | 'blocked' | 'error';

/** `error`: a lookup failed (fail closed); `blocked`: an error-severity policy finding. */
export function verdictOf(findings: readonly Finding[]): Verdict {
  if (findings.some((f) => f.policy === 'lookup-failed' && f.severity === 'error')) return 'error';
  if (findings.some((f) => f.severity === 'error')) return 'blocked';
  return findings.length > 0 ? 'warn' : 'pass';
}
