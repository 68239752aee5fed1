/**
 * What every gate policy produces: findings about an instance, each with a severity. Shared by
 * the task policies (gate-policy.ts) and the key and autoscan policies (key-policy.ts).
 */

/** `error` blocks (synth exits non-zero, the command exits 1); `warning` is reported only. */
export type Severity = 'error' | 'warning';
export const SEVERITIES: readonly Severity[] = ['error', 'warning'];

export type PolicyName =
  | 'latest-auto-failed'
  | 'max-auto-scan-age'
  | 'require-successful-scan'
  | 'stuck-task'
  | 'big-keys'
  | 'hot-keys'
  | 'auto-scan-enabled'
  | 'lookup-failed';

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
  /** A few words for a table cell (e.g. `string key of 20 MB, limit 10 MB`), where the policy has more to say than its name. */
  readonly short?: string;
}

/** `instance <id> (<name>)`: how messages name an instance. */
export function label(subject: GateSubject): string {
  return `instance ${subject.instanceId}${subject.name ? ` (${subject.name})` : ''}`;
}
