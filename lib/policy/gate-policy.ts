/**
 * Deployment gate policies over a task list: one implementation, used by the cdktf construct
 * (as annotations) and by `dcs-bigkey gate` (as exit codes and reports). Pure: the clock is a
 * parameter.
 *
 * One rule everywhere: the headline policy (`latestAutoFailed`: the latest automatic scan must
 * not have failed) is on unless explicitly turned off, and every other policy adds to it.
 *
 * Every finding names the instance, the task, its status and times, and what to do. A lookup
 * that failed is a finding too, of severity `error` unless the user chose `warning`: a gate
 * never passes for want of data.
 */
import { DcsConfigError } from '../client/errors';
import { show } from '../client/validation';
import { Duration, durationText, formatDuration, parseDuration } from './duration';
import { ageMs, describeTask, IN_PROGRESS, TaskSummary } from './task-summary';

/** `error` blocks (synth exits non-zero, the command exits 1); `warning` is reported only. */
export type Severity = 'error' | 'warning';
export const SEVERITIES: readonly Severity[] = ['error', 'warning'];

export type PolicyName = 'latest-auto-failed' | 'max-auto-scan-age' | 'require-successful-scan' | 'stuck-task' | 'lookup-failed';

export interface GatePolicies {
  /**
   * The headline policy: block when the newest automatic scan (`scan_type: auto`) has status
   * `failed`. On unless turned off with `'off'`, in the construct and in `dcs-bigkey gate`
   * alike; the other policies add to it.
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
   * What a failed lookup (network, 401/403/404, DCS.4919, malformed data) is.
   * @default 'error' — fail closed
   */
  readonly onLookupFailure?: Severity;
}

/** The policies over the tasks, in the order they are checked. */
export const GATE_POLICY_KEYS = ['latestAutoFailed', 'maxAutoScanAge', 'requireSuccessfulScan', 'stuckTask'] as const;

export interface ResolvedGatePolicies {
  readonly latestAutoFailed?: Severity;
  readonly maxAutoScanAge?: { readonly maxAgeMs: number; readonly severity: Severity };
  readonly requireSuccessfulScan?: Severity;
  readonly stuckTask?: { readonly maxDurationMs: number; readonly severity: Severity };
  readonly onLookupFailure: Severity;
}

export interface GateSubject {
  readonly instanceId: string;
  /** A name people know the instance by (a construct id, a fleet entry name). */
  readonly name?: string;
}

export interface Finding {
  readonly policy: PolicyName;
  readonly severity: Severity;
  readonly instanceId: string;
  readonly message: string;
  /** The task the finding is based on, when there is one. */
  readonly taskId?: string;
}

/** Checks and normalizes policies; throws DcsConfigError naming the bad value. */
export function resolveGatePolicies(policies: GatePolicies = {}, where = 'gates'): ResolvedGatePolicies {
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
  const known: readonly string[] = [...GATE_POLICY_KEYS, 'onLookupFailure'];
  for (const key of Object.keys(p)) {
    if (!known.includes(key)) throw new DcsConfigError(`unknown ${where} policy ${show(key)}: expected one of ${known.join(', ')}`);
  }
  const age = p.maxAutoScanAge === undefined ? undefined : limited('maxAutoScanAge', 'maxAge', "{ maxAge: '7d' }");
  const stuck = p.stuckTask === undefined ? undefined : limited('stuckTask', 'maxDuration', "{ maxDuration: '6h' }");
  return {
    // The headline policy is on unless explicitly turned off.
    latestAutoFailed: p.latestAutoFailed === 'off' ? undefined : severity(p.latestAutoFailed ?? 'error', 'latestAutoFailed', true),
    maxAutoScanAge: age && { maxAgeMs: age.ms, severity: age.severity },
    requireSuccessfulScan: p.requireSuccessfulScan === undefined ? undefined : severity(p.requireSuccessfulScan, 'requireSuccessfulScan'),
    stuckTask: stuck && { maxDurationMs: stuck.ms, severity: stuck.severity },
    onLookupFailure: severity(p.onLookupFailure ?? 'error', 'onLookupFailure'),
  };
}

/**
 * The policies of a lookup that may be filtered by status. A filtered list has no "latest
 * automatic scan" (its newest auto task is only the newest of that status), so it cannot gate:
 * without explicit gates it evaluates none (only a failed lookup is still reported), and gates
 * that would evaluate anything are a configuration error.
 */
export function resolveLookupPolicies(gates: GatePolicies | undefined, status: string | undefined, where = 'gates'): ResolvedGatePolicies {
  if (status === undefined) return resolveGatePolicies(gates, where);
  if (gates === undefined) return { onLookupFailure: 'error' };
  const policies = resolveGatePolicies(gates, where);
  if (hasTaskPolicy(policies)) {
    throw new DcsConfigError(
      `${where} cannot be checked on tasks filtered by status "${status}" (the latest automatic scan of that list is only the latest ${status} one, ` +
        `and latestAutoFailed is on unless set to 'off'); remove status, or remove ${where} and use a second DcsBigKeyScanTasks without status for the gates`,
    );
  }
  return policies;
}

/** The task policies a gate evaluates, in the order they are checked, with their limits. */
export interface EnabledPolicy {
  readonly policy: Exclude<PolicyName, 'lookup-failed'>;
  readonly severity: Severity;
  /** The duration limit, in the duration grammar (e.g. `7d`), for the policies that have one. */
  readonly limit?: string;
}

export function enabledPolicies(policies: ResolvedGatePolicies): EnabledPolicy[] {
  const out: EnabledPolicy[] = [];
  if (policies.latestAutoFailed) out.push({ policy: 'latest-auto-failed', severity: policies.latestAutoFailed });
  if (policies.maxAutoScanAge) out.push({ policy: 'max-auto-scan-age', severity: policies.maxAutoScanAge.severity, limit: durationText(policies.maxAutoScanAge.maxAgeMs) });
  if (policies.requireSuccessfulScan) out.push({ policy: 'require-successful-scan', severity: policies.requireSuccessfulScan });
  if (policies.stuckTask) out.push({ policy: 'stuck-task', severity: policies.stuckTask.severity, limit: durationText(policies.stuckTask.maxDurationMs) });
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

export function label(subject: GateSubject): string {
  return `instance ${subject.instanceId}${subject.name ? ` (${subject.name})` : ''}`;
}

/** The findings of every enabled policy; empty means the gate passes. */
export function evaluateGate(subject: GateSubject, summary: TaskSummary, policies: ResolvedGatePolicies, now: Date): Finding[] {
  const findings: Finding[] = [];
  const who = label(subject);
  const add = (policy: PolicyName, severity: Severity, message: string, taskId?: string) =>
    findings.push({ policy, severity, instanceId: subject.instanceId, message, taskId });

  const auto = summary.latestAuto;
  if (policies.latestAutoFailed && auto?.status === 'failed') {
    add('latest-auto-failed', policies.latestAutoFailed,
      `the latest automatic big key scan of ${who} failed: ${describeTask(auto)}. ` +
      'find the cause under Cache Analysis > Big Key Analysis in the DCS console, fix it, and run a new scan; the gate passes once the latest automatic scan has not failed',
      auto.id);
  }

  if (policies.maxAutoScanAge) {
    const { maxAgeMs, severity } = policies.maxAutoScanAge;
    const finished = summary.latestFinishedAuto;
    const age = ageMs(finished?.finished_at, now);
    const advice = 'check that automatic analysis is enabled and scheduled for this instance (PUT .../bigkey/autoscan), or raise the maximum age';
    if (!finished) {
      add('max-auto-scan-age', severity, `no automatic big key scan of ${who} has finished (maximum age ${formatDuration(maxAgeMs)}; ${summary.count} tasks read). ${advice}`);
    } else if (age !== undefined && age > maxAgeMs) {
      add('max-auto-scan-age', severity,
        `no automatic big key scan of ${who} finished in the last ${formatDuration(maxAgeMs)}: the latest finished is ${describeTask(finished)}, ${formatDuration(age)} ago. ${advice}`,
        finished.id);
    }
  }

  if (policies.requireSuccessfulScan && !summary.latestSuccessful) {
    add('require-successful-scan', policies.requireSuccessfulScan,
      `${who} has no successful big key scan (${summary.count} tasks read${summary.latest ? `, the latest is ${describeTask(summary.latest)}` : ''}). ` +
      'run one (dcs-bigkey scan, or POST .../bigkey-task) and wait for it to succeed',
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
          `a big key scan of ${who} has been ${task.status} for ${formatDuration(age)}, longer than ${formatDuration(maxDurationMs)}: ${describeTask(task)}. ` +
          'check the instance\'s load and the task in the DCS console; delete the task if it will not finish',
          task.id);
      }
    }
  }
  return findings;
}

/** A lookup that failed, as a finding: the error's own message says what and what to do. */
export function lookupFailureFinding(subject: GateSubject, error: Error, policies: Pick<ResolvedGatePolicies, 'onLookupFailure'>): Finding {
  return {
    policy: 'lookup-failed',
    severity: policies.onLookupFailure,
    instanceId: subject.instanceId,
    message: `big key scan tasks of ${label(subject)} could not be read${policies.onLookupFailure === 'error' ? ', so the gate cannot pass' : ' (reported as a warning, by choice)'}: ${error.message}`,
  };
}

export type Verdict = 'pass' | 'warn' | 'blocked' | 'error';

/** `error`: a lookup failed (fail closed); `blocked`: an error-severity policy finding. */
export function verdictOf(findings: readonly Finding[]): Verdict {
  if (findings.some((f) => f.policy === 'lookup-failed' && f.severity === 'error')) return 'error';
  if (findings.some((f) => f.severity === 'error')) return 'blocked';
  return findings.length > 0 ? 'warn' : 'pass';
}
