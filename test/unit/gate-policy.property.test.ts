/**
 * The policy evaluator and its layering, for every input (fast-check): whatever policies are
 * layered on, a failed latest automatic scan with the headline policy on is always blocked;
 * layering never loses a finding of a policy a later layer does not touch; and the headline
 * policy is on unless a layer turns it off.
 */
import fc from 'fast-check';
import { PolicyLayer } from '../../lib/cli/fleet-file';
import { resolveLayers } from '../../lib/cli/gate-command';
import { BigKeyTask } from '../../lib/client/types';
import { evaluateGate, Finding, GATE_POLICY_KEYS, GatePolicies, resolveGatePolicies, summarizeTasks, verdictOf } from '../../lib/policy';
import { sortNewestFirst } from '../../lib/client/paging';

const NOW = new Date('2026-11-29T12:00:00.000Z');
const SUBJECT = { instanceId: '5560df16-cebf-4473-95c4-d1b573c16e79', name: 'orders-cache' };
const H = 3_600_000;

const severity = fc.constantFrom('error', 'warning') as fc.Arbitrary<'error' | 'warning'>;
const duration = fc.oneof(fc.constantFrom('90m', '6h', '1d12h', '7d', '1w', '60s'), fc.integer({ min: 1000, max: 400 * 24 * H }));

const taskArb = fc
  .record({
    n: fc.nat(1_000_000),
    scan_type: fc.constantFrom('auto', 'manual'),
    status: fc.constantFrom('waiting', 'running', 'success', 'failed'),
    agoMs: fc.integer({ min: 0, max: 60 * 24 * H }),
    runMs: fc.integer({ min: 0, max: 12 * H }),
  })
  .map(({ n, scan_type, status, agoMs, runMs }): BigKeyTask => {
    const created = NOW.getTime() - agoMs;
    return {
      id: `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`,
      scan_type: scan_type as BigKeyTask['scan_type'],
      status: status as BigKeyTask['status'],
      created_at: new Date(created).toISOString(),
      started_at: status === 'waiting' ? null : new Date(created + 1000).toISOString(),
      finished_at: status === 'success' || status === 'failed' ? new Date(created + 1000 + runMs).toISOString() : null,
    };
  });

/** A task list, newest first, unique ids; optionally with a failed automatic scan newer than every other automatic one. */
const tasksArb = (latestAutoFailed: boolean) =>
  fc.tuple(fc.uniqueArray(taskArb, { selector: (t) => t.id, maxLength: 12 }), taskArb).map(([tasks, extra]) => {
    if (!latestAutoFailed) return sortNewestFirst(tasks);
    const newestAuto = Math.max(0, ...tasks.filter((t) => t.scan_type === 'auto').map((t) => Date.parse(t.created_at)));
    const created = Math.max(newestAuto + 1000, Date.parse(extra.created_at));
    const failed: BigKeyTask = { ...extra, id: 'ffffffff-0000-4000-8000-000000000000', scan_type: 'auto', status: 'failed', created_at: new Date(created).toISOString(), started_at: new Date(created + 1).toISOString(), finished_at: new Date(created + 2).toISOString() };
    return sortNewestFirst([...tasks, failed]);
  });

/** One layer of a fleet file or the flags: each policy absent, turned off ("off" or null), or set. */
const layerArb: fc.Arbitrary<PolicyLayer> = fc.record(
  {
    latestAutoFailed: fc.constantFrom('error', 'warning', 'off', null),
    maxAutoScanAge: fc.oneof(fc.constantFrom('off', null), fc.record({ maxAge: duration, severity }, { requiredKeys: ['maxAge'] })),
    requireSuccessfulScan: fc.oneof(fc.constantFrom('off', null), severity),
    stuckTask: fc.oneof(fc.constantFrom('off', null), fc.record({ maxDuration: duration, severity }, { requiredKeys: ['maxDuration'] })),
    onLookupFailure: severity,
  },
  { requiredKeys: [] },
) as fc.Arbitrary<PolicyLayer>;

function findings(records: readonly BigKeyTask[], layers: readonly PolicyLayer[]): Finding[] {
  return evaluateGate(SUBJECT, summarizeTasks(records), resolveLayers(layers, [], 'policies'), NOW);
}

const key = (f: Finding) => `${f.policy} ${f.severity} ${f.taskId ?? ''} ${f.message}`;

describe('gate policies (property-based)', () => {
  it('the headline policy is on unless a layer turns it off, whatever else is layered on', () => {
    fc.assert(
      fc.property(fc.array(layerArb, { maxLength: 4 }), (layers) => {
        const last = [...layers].reverse().find((l) => l.latestAutoFailed !== undefined)?.latestAutoFailed;
        const expected = last === undefined ? 'error' : last === 'off' || last === null ? undefined : last;
        expect(resolveLayers(layers, [], 'policies').latestAutoFailed).toBe(expected);
      }),
      { numRuns: 1000 },
    );
  });

  it('a failed latest automatic scan with the headline on (error) is always blocked, whatever policies are added', () => {
    fc.assert(
      fc.property(fc.array(layerArb, { maxLength: 4 }), tasksArb(true), (layers, records) => {
        fc.pre(resolveLayers(layers, [], 'policies').latestAutoFailed === 'error');
        const found = findings(records, layers);
        expect(found.some((f) => f.policy === 'latest-auto-failed' && f.severity === 'error' && f.taskId === 'ffffffff-0000-4000-8000-000000000000')).toBe(true);
        expect(verdictOf(found)).toBe('blocked');
      }),
      { numRuns: 1000 },
    );
    // The construct's props: any gates that do not say latestAutoFailed keep it on.
    fc.assert(
      fc.property(layerArb, tasksArb(true), (layer, records) => {
        const { latestAutoFailed: _ignored, ...others } = layer;
        const gates = Object.fromEntries(Object.entries(others).filter(([, v]) => v !== null && v !== 'off')) as GatePolicies;
        expect(verdictOf(evaluateGate(SUBJECT, summarizeTasks(records), resolveGatePolicies(gates), NOW))).toBe('blocked');
      }),
      { numRuns: 500 },
    );
  });

  it('layering never loses a finding of a policy the later layer does not touch', () => {
    fc.assert(
      fc.property(fc.array(layerArb, { maxLength: 3 }), layerArb, fc.boolean().chain(tasksArb), (layers, added, records) => {
        const before = findings(records, layers);
        const after = new Set(findings(records, [...layers, added]).map(key));
        const touched = new Set(Object.keys(added));
        const policyKey: Record<string, string> = { 'latest-auto-failed': 'latestAutoFailed', 'max-auto-scan-age': 'maxAutoScanAge', 'require-successful-scan': 'requireSuccessfulScan', 'stuck-task': 'stuckTask' };
        for (const f of before) if (!touched.has(policyKey[f.policy])) expect(after.has(key(f))).toBe(true);
      }),
      { numRuns: 1000 },
    );
  });

  it('a layer that only adds policies (never turns one off) loses no finding at all', () => {
    const adding = layerArb.map((l) => Object.fromEntries(Object.entries(l).filter(([k, v]) => v !== null && v !== 'off' && k !== 'onLookupFailure')) as PolicyLayer);
    fc.assert(
      fc.property(adding, adding, fc.boolean().chain(tasksArb), (base, added, records) => {
        // The base with the added layer's policies filled in where the base has none: every finding of the base stays.
        const merged: Record<string, unknown> = { ...base };
        for (const k of GATE_POLICY_KEYS) if (added[k] !== undefined && merged[k] === undefined) merged[k] = added[k];
        const policiesOf = (fs: Finding[]) => new Set(fs.map((f) => `${f.policy} ${f.taskId ?? ''}`));
        const union = policiesOf(findings(records, [merged as PolicyLayer]));
        for (const p of policiesOf(findings(records, [base]))) expect(union.has(p)).toBe(true);
      }),
      { numRuns: 500 },
    );
  });
});

describe('time-based policies on times ahead of the clock (property-based)', () => {
  const M = 60_000;
  const maxAgeMs = 7 * 24 * H;
  const auto = (finishedAt: number, over: Partial<BigKeyTask> = {}): BigKeyTask => ({
    id: '00000000-0000-4000-8000-000000000001', scan_type: 'auto', status: 'success',
    created_at: new Date(finishedAt - 2 * M).toISOString(), started_at: new Date(finishedAt - M).toISOString(), finished_at: new Date(finishedAt).toISOString(), ...over,
  });
  const ageFindings = (records: BigKeyTask[]) =>
    evaluateGate(SUBJECT, summarizeTasks(sortNewestFirst(records)), resolveGatePolicies({ latestAutoFailed: 'off', maxAutoScanAge: { maxAge: maxAgeMs } }), NOW);

  it('max-auto-scan-age passes only for a scan that finished within maxAge, never for one "finished" ahead of the clock (past 5 minutes of skew)', () => {
    // A finished_at in the future (a server's or recorder's clock, a bad record) has no knowable
    // age: a negative age must not pass the check forever.
    fc.assert(
      fc.property(fc.integer({ min: -30 * 24 * H, max: 10 * 365 * 24 * H }), (ageMs) => {
        const found = ageFindings([auto(NOW.getTime() - ageMs)]);
        const passes = ageMs >= -5 * M && ageMs <= maxAgeMs;
        expect({ ageMs, passes: found.length === 0 }).toEqual({ ageMs, passes });
        if (!passes) expect(found).toEqual([expect.objectContaining({ policy: 'max-auto-scan-age', severity: 'error' })]);
      }),
      { numRuns: 1000 },
    );
  });

  it('says why when the latest finished automatic scan finished ahead of the clock', () => {
    const [finding] = ageFindings([auto(NOW.getTime() + 400 * 24 * H)]);
    expect(finding.message).toMatch(/^the latest finished automatic big key scan of instance 5560df16-cebf-4473-95c4-d1b573c16e79 \(orders-cache\) has no knowable age: task 00000000-0000-4000-8000-000000000001 \(auto, status success, .*finished 2028-01-03T12:00:00\.000Z\) finished 400d ahead of this machine's clock, so the maximum age 7d cannot be checked\. check this machine's clock/);
  });
});

describe('automatic scans created at the same moment (property-based)', () => {
  it('a failed one among the newest automatic scans blocks, whatever the ids (which one is "latest" cannot be known)', () => {
    // The list's order breaks ties on created_at by id; the id of a failed scan must not decide whether the gate passes.
    const tie = fc.uniqueArray(fc.tuple(fc.nat(1_000_000), fc.constantFrom('waiting', 'running', 'success', 'failed')), { selector: ([n]) => n, minLength: 2, maxLength: 5 });
    fc.assert(
      fc.property(tasksArb(false), tie, fc.nat(4), (others, tied, failedAt) => {
        const newestAuto = Math.max(NOW.getTime() - 30 * 24 * H, ...others.filter((t) => t.scan_type === 'auto').map((t) => Date.parse(t.created_at))) + 1000;
        const created = new Date(newestAuto).toISOString();
        const ties: BigKeyTask[] = tied.map(([n, status], i) => ({
          id: `eeeeeeee-0000-4000-8000-${String(n).padStart(12, '0')}`, scan_type: 'auto', created_at: created,
          status: (i === failedAt % tied.length ? 'failed' : status) as BigKeyTask['status'],
          started_at: status === 'waiting' ? null : created, finished_at: status === 'success' || status === 'failed' || i === failedAt % tied.length ? created : null,
        }));
        const summary = summarizeTasks(sortNewestFirst([...others, ...ties]));
        expect(summary.latestAuto?.status).toBe('failed');
        const found = evaluateGate(SUBJECT, summary, resolveGatePolicies({}), NOW);
        expect(found.filter((f) => f.policy === 'latest-auto-failed')).toEqual([expect.objectContaining({ severity: 'error', taskId: summary.latestAuto!.id })]);
      }),
      { numRuns: 1000 },
    );
  });
});

describe('automatic scans without a result yet (property-based)', () => {
  const headline = (records: readonly BigKeyTask[]) => evaluateGate(SUBJECT, summarizeTasks(records), resolveGatePolicies({}), NOW).filter((f) => f.policy === 'latest-auto-failed');
  const task = (n: number, status: BigKeyTask['status'], agoH: number): BigKeyTask => {
    const created = new Date(NOW.getTime() - agoH * H).toISOString();
    const done = status === 'success' || status === 'failed';
    return { id: `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`, scan_type: 'auto', status, created_at: created, started_at: status === 'waiting' ? null : created, finished_at: done ? created : null };
  };

  it('blocks exactly when the newest automatic scan with a result failed: scans still waiting or running clear nothing', () => {
    fc.assert(
      fc.property(tasksArb(false), (records) => {
        // The oracle, from the list alone: the newest automatic scans that have a result; a failed one among them blocks.
        const settled = records.filter((t) => t.scan_type === 'auto' && (t.status === 'success' || t.status === 'failed'));
        const newest = Math.max(-Infinity, ...settled.map((t) => Date.parse(t.created_at)));
        const blocks = settled.some((t) => t.status === 'failed' && Date.parse(t.created_at) === newest);
        const found = headline(records);
        expect(found.length).toBe(blocks ? 1 : 0);
        if (blocks) expect(found[0]).toMatchObject({ severity: 'error', taskId: expect.any(String) });
      }),
      { numRuns: 2000 },
    );
  });

  it('a newer automatic scan still running after a failed one does not let the gate pass, and the message names both', () => {
    const [finding] = headline([task(2, 'running', 1), task(1, 'failed', 25)]);
    expect(finding).toMatchObject({ severity: 'error', taskId: '00000000-0000-4000-8000-000000000001' });
    expect(finding.message).toMatch(/^the latest automatic big key scan of instance 5560df16-cebf-4473-95c4-d1b573c16e79 \(orders-cache\) with a result failed: task 00000000-0000-4000-8000-000000000001 \(auto, status failed, .*\); the newer one has none yet: task 00000000-0000-4000-8000-000000000002 \(auto, status running, .*\)\. find the cause .*; the gate passes once a newer automatic scan has succeeded$/);
    // A table shows the running scan as the latest automatic one: the short reason says why that still blocks.
    expect(finding.short).toBe('latest automatic scan with a result failed (a newer one is running)');
    expect(headline([task(1, 'failed', 25)])[0].short).toBeUndefined();
    expect(headline([task(3, 'waiting', 0), task(2, 'running', 1), task(1, 'failed', 25)])).toEqual([expect.objectContaining({ short: 'latest automatic scan with a result failed (a newer one is waiting)' })]);
  });

  it('passes when the newest automatic scan with a result succeeded, whatever is still waiting or running after it, or when none has a result', () => {
    expect(headline([task(3, 'waiting', 0), task(2, 'success', 2), task(1, 'failed', 25)])).toEqual([]);
    expect(headline([task(2, 'running', 0), task(1, 'waiting', 1)])).toEqual([]);
    expect(headline([])).toEqual([]);
  });
});
