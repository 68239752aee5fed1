/**
 * lib/policy: every gate policy with a fixed clock. The construct and `dcs-bigkey gate` both
 * rely on these findings and messages, so the messages are checked for what people need:
 * the instance, the task, its status and times, and what to do.
 */
import { DcsConfigError } from '../../lib/client/errors';
import { BigKeyTask } from '../../lib/client/types';
import {
  describeTask,
  evaluateGate,
  Finding,
  formatDuration,
  GatePolicies,
  label,
  lookupFailureFinding,
  parseDuration,
  resolveGatePolicies,
  summarizeTasks,
  verdictOf,
} from '../../lib/policy';

const NOW = new Date('2026-11-29T12:00:00.000Z');
const INSTANCE = '5560df16-cebf-4473-95c4-d1b573c16e79';
const SUBJECT = { instanceId: INSTANCE, name: 'orders-cache' };
const H = 3_600_000;
const D = 24 * H;

let seq = 0;
/** A task created `agoMs` before NOW; finished tasks ran 2 minutes. */
function task(scan_type: 'auto' | 'manual', status: BigKeyTask['status'], agoMs: number, extra: Partial<BigKeyTask> = {}): BigKeyTask {
  const created = NOW.getTime() - agoMs;
  const id = `00000000-0000-4000-8000-${String(++seq).padStart(12, '0')}`;
  const started = status === 'waiting' ? undefined : new Date(created + 2_000).toISOString();
  const finished = status === 'success' || status === 'failed' ? new Date(created + 120_000).toISOString() : undefined;
  return {
    id,
    scan_type,
    status,
    created_at: new Date(created).toISOString(),
    ...(started ? { started_at: started } : {}),
    ...(finished ? { finished_at: finished } : status === 'running' ? { finished_at: null } : {}),
    ...extra,
  };
}

/** Newest first, as the client returns them. */
const newestFirst = (...tasks: BigKeyTask[]) => [...tasks].sort((a, b) => Date.parse(b.created_at) - Date.parse(a.created_at));

function gate(records: BigKeyTask[], policies: GatePolicies): Finding[] {
  return evaluateGate(SUBJECT, summarizeTasks(newestFirst(...records)), resolveGatePolicies(policies), NOW);
}

/** One policy alone: the headline policy turned off, so the test sees only this one. */
function only(records: BigKeyTask[], policies: GatePolicies): Finding[] {
  return gate(records, { latestAutoFailed: 'off', ...policies });
}

describe('summarizeTasks', () => {
  it('picks the latest task of each kind from a newest-first list', () => {
    const runningAuto = task('auto', 'running', 1 * H);
    const failedAuto = task('auto', 'failed', 1 * D);
    const manualOk = task('manual', 'success', 2 * D);
    const oldAuto = task('auto', 'success', 3 * D);
    const s = summarizeTasks(newestFirst(oldAuto, manualOk, runningAuto, failedAuto));
    expect(s.count).toBe(4);
    expect(s.latest).toBe(runningAuto);
    expect(s.latestAuto).toBe(runningAuto);
    expect(s.latestManual).toBe(manualOk);
    expect(s.latestSuccessful).toBe(manualOk);
    expect(s.latestFinishedAuto).toBe(failedAuto);
  });

  it('is empty for no tasks', () => {
    expect(summarizeTasks([])).toEqual({ count: 0, records: [], latest: undefined, latestAuto: undefined, latestManual: undefined, latestSuccessful: undefined, latestFinishedAuto: undefined });
  });
});

describe('latestAutoFailed', () => {
  it('blocks when the newest automatic scan failed, naming instance, task, status, times and what to do', () => {
    const failed = task('auto', 'failed', 10 * H);
    const findings = gate([failed, task('manual', 'success', 5 * H), task('auto', 'success', 34 * H)], { latestAutoFailed: 'error' });
    expect(findings).toHaveLength(1);
    const [f] = findings;
    expect(f).toMatchObject({ policy: 'latest-auto-failed', severity: 'error', instanceId: INSTANCE, taskId: failed.id });
    expect(f.message).toContain(`instance ${INSTANCE} (orders-cache)`);
    expect(f.message).toContain(`task ${failed.id} (auto, status failed, created ${failed.created_at}, started ${failed.started_at}, finished ${failed.finished_at})`);
    expect(f.message).toMatch(/fix it, and run a new scan/);
    expect(verdictOf(findings)).toBe('blocked');
  });

  it('passes when the newest automatic scan succeeded, even if an older one failed or a manual one failed later', () => {
    expect(gate([task('auto', 'success', 10 * H), task('auto', 'failed', 34 * H), task('manual', 'failed', 1 * H)], { latestAutoFailed: 'error' })).toEqual([]);
  });

  it('passes when there is no automatic scan at all', () => {
    expect(gate([task('manual', 'failed', 1 * H)], { latestAutoFailed: 'error' })).toEqual([]);
    expect(gate([], { latestAutoFailed: 'error' })).toEqual([]);
  });

  it('judges the newest automatic scan with a result: a running one after a failed one does not clear it, a success does', () => {
    expect(gate([task('auto', 'running', 1 * H), task('auto', 'failed', 25 * H)], { latestAutoFailed: 'error' }).map((f) => f.policy)).toEqual(['latest-auto-failed']);
    expect(gate([task('auto', 'running', 1 * H), task('auto', 'success', 5 * H), task('auto', 'failed', 25 * H)], { latestAutoFailed: 'error' })).toEqual([]);
  });

  it('as a warning it reports without blocking', () => {
    const findings = gate([task('auto', 'failed', 10 * H)], { latestAutoFailed: 'warning' });
    expect(findings[0].severity).toBe('warning');
    expect(verdictOf(findings)).toBe('warn');
  });

  it('is on unless turned off, in every layering: the other policies add to it', () => {
    const failed = task('auto', 'failed', 10 * H);
    expect(gate([failed], {}).map((f) => [f.policy, f.severity])).toEqual([['latest-auto-failed', 'error']]);
    expect(gate([failed], { stuckTask: { maxDuration: '6h' } }).map((f) => f.policy)).toEqual(['latest-auto-failed']);
    expect(gate([failed], { maxAutoScanAge: { maxAge: '7d' }, requireSuccessfulScan: 'warning' }).map((f) => f.policy)).toEqual(['latest-auto-failed', 'require-successful-scan']);
    expect(gate([failed], { latestAutoFailed: 'off' })).toEqual([]);
    expect(gate([failed], { latestAutoFailed: 'off', stuckTask: { maxDuration: '6h' } })).toEqual([]);
  });
});

describe('maxAutoScanAge', () => {
  it('passes when an automatic scan finished within the maximum age (failed ones count as finished)', () => {
    expect(only([task('auto', 'success', 6 * D)], { maxAutoScanAge: { maxAge: '7d' } })).toEqual([]);
    expect(only([task('auto', 'failed', 1 * D)], { maxAutoScanAge: { maxAge: '7d' } })).toEqual([]);
  });

  it('blocks when the latest finished automatic scan is older, with its id, times, age and advice', () => {
    const old = task('auto', 'success', 8 * D);
    const findings = only([old, task('manual', 'success', 1 * H), task('auto', 'running', 2 * H)], { maxAutoScanAge: { maxAge: '7d' } });
    expect(findings).toHaveLength(1);
    const [f] = findings;
    expect(f).toMatchObject({ policy: 'max-auto-scan-age', severity: 'error', taskId: old.id });
    expect(f.message).toContain(`no automatic big key scan of instance ${INSTANCE} (orders-cache) finished in the last 7d`);
    expect(f.message).toContain(`task ${old.id} (auto, status success`);
    expect(f.message).toContain(`finished ${old.finished_at}`);
    expect(f.message).toContain('7d 23h ago'); // 8 days minus the 2 minutes the task ran
    expect(f.message).toMatch(/automatic analysis is enabled and scheduled .* or raise the maximum age/);
  });

  it('blocks when no automatic scan has finished at all, saying how many tasks were read', () => {
    const findings = only([task('auto', 'running', 1 * H), task('manual', 'success', 2 * H)], { maxAutoScanAge: { maxAge: '36h' } });
    expect(findings).toHaveLength(1);
    expect(findings[0].taskId).toBeUndefined();
    expect(findings[0].message).toContain(`no automatic big key scan of instance ${INSTANCE} (orders-cache) has finished (maximum age 1d 12h; 2 tasks read)`);
  });

  it('takes the severity given, error by default', () => {
    const old = [task('auto', 'success', 30 * D)];
    expect(gate(old, { maxAutoScanAge: { maxAge: '7d', severity: 'warning' } })[0].severity).toBe('warning');
    expect(gate(old, { maxAutoScanAge: { maxAge: 7 * D } })[0].severity).toBe('error');
  });
});

describe('requireSuccessfulScan', () => {
  it('passes when any scan, manual or automatic, succeeded', () => {
    expect(only([task('auto', 'failed', 1 * H), task('manual', 'success', 30 * D)], { requireSuccessfulScan: 'error' })).toEqual([]);
  });

  it('blocks when none did, naming the latest task and what to do', () => {
    const latest = task('manual', 'running', 1 * H);
    const findings = only([latest, task('auto', 'failed', 1 * D)], { requireSuccessfulScan: 'error' });
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({ policy: 'require-successful-scan', severity: 'error', taskId: latest.id });
    expect(findings[0].message).toContain(`instance ${INSTANCE} (orders-cache) has no successful big key scan (2 tasks read, the latest is task ${latest.id} (manual, status running`);
    expect(findings[0].message).toMatch(/run one .* and wait for it to succeed/);
  });

  it('blocks an instance without any task', () => {
    const findings = only([], { requireSuccessfulScan: 'warning' });
    expect(findings).toEqual([expect.objectContaining({ policy: 'require-successful-scan', severity: 'warning', taskId: undefined })]);
    expect(findings[0].message).toContain('(0 tasks read)');
  });
});

describe('stuckTask', () => {
  it('flags a task waiting longer than the limit (since created)', () => {
    const waiting = task('manual', 'waiting', 3 * H);
    const findings = only([waiting], { stuckTask: { maxDuration: '2h' } });
    expect(findings).toEqual([expect.objectContaining({ policy: 'stuck-task', severity: 'error', taskId: waiting.id })]);
    expect(findings[0].message).toContain(`a big key scan of instance ${INSTANCE} (orders-cache) has been waiting for 3h, longer than 2h: task ${waiting.id} (manual, status waiting, created ${waiting.created_at})`);
    expect(findings[0].message).toMatch(/delete the task if it will not finish/);
  });

  it('flags a task running longer than the limit (since started, not created)', () => {
    const longRunning = task('auto', 'running', 5 * H, { started_at: new Date(NOW.getTime() - 4 * H).toISOString() });
    const recentlyStarted = task('manual', 'running', 5 * H, { started_at: new Date(NOW.getTime() - 1 * H).toISOString() });
    const findings = only([longRunning, recentlyStarted], { stuckTask: { maxDuration: '2h' } });
    expect(findings.map((f) => f.taskId)).toEqual([longRunning.id]);
    expect(findings[0].message).toContain('has been running for 4h, longer than 2h');
  });

  it('ignores tasks within the limit and finished tasks', () => {
    expect(only([task('manual', 'waiting', 1 * H), task('auto', 'success', 30 * D), task('auto', 'failed', 30 * D)], { stuckTask: { maxDuration: '2h' } })).toEqual([]);
  });

  it('reports every stuck task, with the severity given', () => {
    const findings = only([task('manual', 'waiting', 3 * H), task('auto', 'running', 4 * H)], { stuckTask: { maxDuration: '90m', severity: 'warning' } });
    expect(findings).toHaveLength(2);
    expect(findings.every((f) => f.severity === 'warning')).toBe(true);
    expect(verdictOf(findings)).toBe('warn');
  });
});

describe('policies together', () => {
  it('reports the findings of every enabled policy; one error-severity finding blocks', () => {
    const failed = task('auto', 'failed', 10 * D);
    const findings = gate([failed], {
      latestAutoFailed: 'warning',
      maxAutoScanAge: { maxAge: '7d' },
      requireSuccessfulScan: 'warning',
    });
    expect(findings.map((f) => [f.policy, f.severity])).toEqual([
      ['latest-auto-failed', 'warning'],
      ['max-auto-scan-age', 'error'],
      ['require-successful-scan', 'warning'],
    ]);
    expect(verdictOf(findings)).toBe('blocked');
  });
});

describe('resolveGatePolicies', () => {
  it('normalizes durations and default severities; a failed lookup is an error unless chosen otherwise', () => {
    expect(resolveGatePolicies({ maxAutoScanAge: { maxAge: '1d12h' }, stuckTask: { maxDuration: 60_000, severity: 'warning' } })).toEqual({
      latestAutoFailed: 'error',
      maxAutoScanAge: { maxAgeMs: 36 * H, severity: 'error' },
      requireSuccessfulScan: undefined,
      stuckTask: { maxDurationMs: 60_000, severity: 'warning' },
      onLookupFailure: 'error',
    });
    expect(resolveGatePolicies({ onLookupFailure: 'warning' }).onLookupFailure).toBe('warning');
  });

  it.each([
    [{ latestAutoFailed: 'fatal' }, /invalid gates\.latestAutoFailed "fatal": expected "error", "warning" or "off"/],
    [{ maxAutoScanAge: { maxAge: '7 days' } }, /invalid gates\.maxAutoScanAge\.maxAge "7 days": expected a duration such as 90m, 36h, 7d, 1d12h or 1w/],
    [{ maxAutoScanAge: '7d' }, /invalid gates\.maxAutoScanAge "7d": expected an object such as \{ maxAge: '7d' \}/],
    [{ stuckTask: null }, /invalid gates\.stuckTask null: expected an object such as \{ maxDuration: '6h' \}/],
    [{ stuckTask: { maxDuration: '2h', severity: 'off' } }, /invalid gates\.stuckTask\.severity "off": expected "error" or "warning"/],
    ['error', /invalid gates "error": expected an object such as \{ latestAutoFailed: 'error' \}/],
    [['latestAutoFailed'], /invalid gates an array: expected an object/],
    [null, /invalid gates null: expected an object/],
    [{ maxAutoScanAge: { maxAge: '0d' } }, /invalid gates\.maxAutoScanAge\.maxAge "0d"/],
    [{ stuckTask: { maxDuration: -5 } }, /invalid gates\.stuckTask\.maxDuration -5/],
    [{ stuckTask: { maxDuration: '2h', severity: 'info' } }, /invalid gates\.stuckTask\.severity "info"/],
    [{ requireSuccessfulScan: true }, /invalid gates\.requireSuccessfulScan true/],
    [{ onLookupFailure: 'ignore' }, /invalid gates\.onLookupFailure "ignore"/],
    [{ maxAge: '7d' }, /unknown gates policy "maxAge": expected one of latestAutoFailed, maxAutoScanAge, requireSuccessfulScan, stuckTask, bigKeys, autoScanEnabled, onLookupFailure/],
  ])('rejects %j with a DcsConfigError naming the value', (policies, message) => {
    expect(() => resolveGatePolicies(policies as unknown as GatePolicies)).toThrow(DcsConfigError);
    expect(() => resolveGatePolicies(policies as unknown as GatePolicies)).toThrow(message);
  });

  it('names the place the policies came from', () => {
    expect(() => resolveGatePolicies({ latestAutoFailed: 'nope' as never }, 'instances[2].policies')).toThrow(/invalid instances\[2\]\.policies\.latestAutoFailed "nope"/);
  });
});

describe('lookup failures and verdicts', () => {
  it('a failed lookup is a finding that says the gate cannot pass and carries the error message', () => {
    const error = new Error('ListBigkeyScanTasks for instance x failed: HTTP 400 DCS.4919 (request id abc)');
    const finding = lookupFailureFinding(SUBJECT, error, resolveGatePolicies({}));
    expect(finding).toEqual({
      policy: 'lookup-failed',
      severity: 'error',
      instanceId: INSTANCE,
      message: `big key scan tasks of instance ${INSTANCE} (orders-cache) could not be read, so the gate cannot pass: ${error.message}`,
    });
    expect(verdictOf([finding])).toBe('error');
    const warned = lookupFailureFinding(SUBJECT, error, resolveGatePolicies({ onLookupFailure: 'warning' }));
    expect(verdictOf([warned])).toBe('warn');
    // a warning by choice does not claim the gate cannot pass
    expect(warned.message).toBe(`big key scan tasks of instance ${INSTANCE} (orders-cache) could not be read (reported as a warning, by choice): ${error.message}`);
  });

  it('verdictOf: pass, warn, blocked, error (a failed lookup wins over a block)', () => {
    const f = (policy: Finding['policy'], severity: Finding['severity']): Finding => ({ policy, severity, instanceId: INSTANCE, message: 'm' });
    expect(verdictOf([])).toBe('pass');
    expect(verdictOf([f('stuck-task', 'warning'), f('latest-auto-failed', 'warning')])).toBe('warn');
    expect(verdictOf([f('stuck-task', 'warning'), f('latest-auto-failed', 'error')])).toBe('blocked');
    expect(verdictOf([f('latest-auto-failed', 'error'), f('lookup-failed', 'error')])).toBe('error');
    expect(verdictOf([f('latest-auto-failed', 'error'), f('lookup-failed', 'warning')])).toBe('blocked');
  });
});

describe('durations and labels', () => {
  it('parseDuration reads 90m, 36h, 7d, 1d12h, 2w, 45s, 60s and whole milliseconds', () => {
    expect(parseDuration('90m')).toBe(90 * 60_000);
    expect(parseDuration('36h')).toBe(36 * H);
    expect(parseDuration('7d')).toBe(7 * D);
    expect(parseDuration('1d12h')).toBe(36 * H);
    expect(parseDuration('2w')).toBe(14 * D);
    expect(parseDuration('1w1d1h1m1s')).toBe(8 * D + H + 61_000);
    expect(parseDuration('45s')).toBe(45_000);
    expect(parseDuration('60s')).toBe(60_000);
    expect(parseDuration('3650d')).toBe(3650 * D);
    expect(parseDuration(1500)).toBe(1500);
    for (const bad of ['', '7', '7 d', ' 7d', '7d ', 'd7', '-1d', '1.5h', '0s', '1d1d', '12h1d', '1m1h', '7D', '1e3s']) {
      expect(() => parseDuration(bad, '--max-auto-age')).toThrow(DcsConfigError);
      expect(() => parseDuration(bad, '--max-auto-age')).toThrow(/invalid --max-auto-age/);
    }
    for (const bad of [0, -1, 999, 1.5, Number.NaN, Number.POSITIVE_INFINITY, 1e308, 2 ** 53]) expect(() => parseDuration(bad)).toThrow(DcsConfigError);
    expect(() => parseDuration(60_000, '--stuck-after', { milliseconds: false })).toThrow(/invalid --stuck-after 60000: expected a duration such as/);
  });

  it('bounds every duration: at least 1s, at most 10 years, overflow is an error naming the value', () => {
    expect(() => parseDuration('3651d', 'gates.stuckTask.maxDuration')).toThrow('invalid gates.stuckTask.maxDuration "3651d": a duration must be from 1s to 3650d (10 years)');
    expect(() => parseDuration('99999999999d', 'x')).toThrow('invalid x "99999999999d": a duration must be from 1s to 3650d');
    expect(() => parseDuration(`1${'0'.repeat(400)}d`, 'x')).toThrow(/^invalid x "10000000000.*\.\.\.": a duration must be from 1s to 3650d/);
    expect(() => parseDuration(1e308, 'maxAge')).toThrow('invalid maxAge 1e+308: a duration must be from 1s to 3650d');
    expect(() => parseDuration(1.5, 'maxAge')).toThrow('invalid maxAge 1.5: milliseconds must be a whole number from 1000 to 315360000000');
  });

  it('formatDuration shows the two largest units', () => {
    expect(formatDuration(0)).toBe('0s');
    expect(formatDuration(45_000)).toBe('45s');
    expect(formatDuration(90 * 60_000)).toBe('1h 30m');
    expect(formatDuration(D + H + 60_000)).toBe('1d 1h');
    expect(formatDuration(7 * D)).toBe('7d');
    expect(formatDuration(-2 * H)).toBe('-2h');
  });

  it('label and describeTask', () => {
    expect(label({ instanceId: INSTANCE })).toBe(`instance ${INSTANCE}`);
    expect(label(SUBJECT)).toBe(`instance ${INSTANCE} (orders-cache)`);
    const t: BigKeyTask = { id: 'abc', scan_type: 'manual', status: 'waiting', created_at: '2026-11-28T09:31:05.120Z', started_at: null, finished_at: null };
    expect(describeTask(t)).toBe('task abc (manual, status waiting, created 2026-11-28T09:31:05.120Z)');
  });
});
