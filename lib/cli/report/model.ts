/**
 * What `dcs-bigkey gate` found, independent of how it is printed: one result per instance,
 * in input order, and the overall verdict and exit code. Every renderer reads only this.
 */
import { ErrorFacts } from '../../client/errors';
import { AutoscanConfig, BigKeyTask } from '../../client/types';
import { EnabledPolicy, Finding, policyText, Verdict } from '../../policy/gate-policy';
import { formatDuration } from '../../policy/duration';
import { KeyScan, largestCollection, largestString, shortKeySize } from '../../policy/key-scan';
import { EXIT } from '../io';


export interface InstanceResult {
  readonly name?: string;
  readonly instanceId: string;
  readonly projectId: string;
  readonly verdict: Verdict;
  /** The task policies evaluated for this instance (for a failed lookup: those that would have been). Never empty. */
  readonly policies: readonly EnabledPolicy[];
  /** The newest automatic scan; undefined when there is none or the lookup failed. */
  readonly latestAuto?: BigKeyTask;
  /** Milliseconds from latestAuto.finished_at to the evaluation; undefined when it has not finished. */
  readonly latestAutoAgeMs?: number;
  /** Tasks read; undefined when the lookup failed. */
  readonly tasksRead?: number;
  /**
   * The keys of the latest successful scan (never their names), read when a key policy is on;
   * null: no successful scan; undefined: not read (or the lookup failed).
   */
  readonly keyScan?: KeyScan | null;
  /** The automatic analysis settings, read when the autoscan policy is on. */
  readonly autoscan?: AutoscanConfig;
  readonly findings: readonly Finding[];
  /** What a failed lookup's error says, for machines (the JSON report's `lookup_error`). */
  readonly lookupError?: ErrorFacts;
}

export interface GateSummary {
  readonly pass: number;
  readonly warn: number;
  readonly blocked: number;
  readonly error: number;
  readonly total: number;
}

export interface GateReport {
  readonly generatedAt: Date;
  readonly verdict: Verdict;
  readonly exitCode: number;
  readonly summary: GateSummary;
  readonly instances: readonly InstanceResult[];
}

export const MARKS: Readonly<Record<Verdict, string>> = { pass: '✅', warn: '⚠️', blocked: '⛔', error: '❌' };

/** The worst verdict: error (a lookup failed) > blocked > warn > pass. */
export function overallVerdict(verdicts: readonly Verdict[]): Verdict {
  for (const v of ['error', 'blocked', 'warn'] as const) if (verdicts.includes(v)) return v;
  return 'pass';
}

const SEVERITY_ORDER: readonly Verdict[] = ['error', 'blocked', 'warn', 'pass'];

/** Instances worst first (error, blocked, warn, pass), input order within a verdict: what reviewers read first. */
export function worstFirst(instances: readonly InstanceResult[]): InstanceResult[] {
  return SEVERITY_ORDER.flatMap((verdict) => instances.filter((r) => r.verdict === verdict));
}

/** 3 when any lookup failed (even if others are blocked), else 1 when any is blocked, else 0. */
export function exitCodeOf(verdict: Verdict): number {
  return verdict === 'error' ? EXIT.LOOKUP_FAILED : verdict === 'blocked' ? EXIT.FAILURE : EXIT.OK;
}

export function buildReport(instances: readonly InstanceResult[], generatedAt: Date): GateReport {
  const summary = { pass: 0, warn: 0, blocked: 0, error: 0, total: instances.length };
  for (const r of instances) summary[r.verdict]++;
  const verdict = overallVerdict(instances.map((r) => r.verdict));
  return { generatedAt, verdict, exitCode: exitCodeOf(verdict), summary, instances };
}

export function summaryLine(report: GateReport): string {
  const s = report.summary;
  return `${s.total} instance${s.total === 1 ? '' : 's'}: ${s.pass} pass, ${s.warn} warn, ${s.blocked} blocked, ${s.error} error`;
}

/** A few words for a table cell; the findings' full messages go in the details. */
export function shortReason(result: InstanceResult): string {
  if (result.findings.length === 0) return '';
  // One phrase per policy (several stuck tasks are one reason).
  const phrases = new Map<string, number>();
  for (const f of result.findings) {
    const phrase = shortFinding(f, result);
    phrases.set(phrase, (phrases.get(phrase) ?? 0) + 1);
  }
  return [...phrases].map(([phrase, n]) => (n > 1 ? `${phrase} (${n} tasks)` : phrase)).join('; ');
}

function shortFinding(f: Finding, result: InstanceResult): string {
  if (f.short !== undefined) return f.short;
  switch (f.policy) {
    case 'latest-auto-failed':
      return 'latest automatic scan failed';
    case 'max-auto-scan-age':
      return f.taskId ? `latest finished automatic scan is too old` : 'no automatic scan has finished';
    case 'require-successful-scan':
      return 'no successful scan';
    case 'stuck-task':
      return 'scan stuck waiting or running';
    case 'big-keys':
    case 'hot-keys':
      return 'keys over a limit';
    case 'auto-scan-enabled':
      return 'automatic scan disabled';
    case 'lookup-failed': {
      const e = result.lookupError;
      if (!e) return 'lookup failed';
      if (e.status !== undefined) return `lookup failed: HTTP ${e.status}${e.errorCode ? ` ${e.errorCode}` : ''}`;
      if (e.name === 'DcsNetworkError') return `lookup failed: no answer${e.code ? ` (${e.code})` : ''}`;
      if (e.name === 'DcsMalformedResponseError') return 'lookup failed: malformed response';
      if (e.name === 'DcsConsistencyError') return 'lookup failed: list changed while paging';
      return `lookup failed (${e.name})`;
    }
  }
}

/** Whether any instance had its keys read: only then do reports show the largest keys. */
export function anyKeysRead(report: { readonly instances: readonly InstanceResult[] }): boolean {
  return report.instances.some((r) => r.keyScan !== undefined);
}

/**
 * `string 20 MB; set 684,210 members`: the largest string and the largest collection of the
 * latest successful scan (no names); `no successful scan`, `no big keys`; '' when not read.
 */
export function largestKeysText(result: InstanceResult): string {
  const scan = result.keyScan;
  if (scan === undefined) return '';
  if (scan === null) return 'no successful scan';
  const text = [largestString(scan.keys), largestCollection(scan.keys)]
    .filter((k) => k !== undefined)
    .map((k) => `${k!.type} ${shortKeySize(k!)}`);
  return text.length > 0 ? text.join('; ') : 'no big keys';
}

/** `latest-auto-failed, stuck-task 1h (warning)`: the policies evaluated, for reports people read. */
export function policiesText(result: InstanceResult): string {
  return result.policies.map(policyText).join(', ');
}

export function ageText(ms: number | undefined): string {
  return ms === undefined ? '' : `${formatDuration(ms)} ago`;
}
