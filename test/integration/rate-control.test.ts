/**
 * Adaptive rate control over real sockets: pooled clients (as the synth-time batch and the fleet
 * gate use them) against the emulator process with an account-level rate limit and with a
 * throttled instance. Behaviour only: request counts, statuses, concurrency, the order of
 * requests in the emulator's log, and the controller's state.
 */
import { RetryEvent } from '../../lib/client/client';
import { DcsClientPool, PooledClientOptions } from '../../lib/client/client-pool';
import { DcsApiError, DcsConfigError, DcsThrottledError, errorFacts } from '../../lib/client/errors';
import { EmulatorProcess } from '../../lib/emulator';
import { mapWithConcurrency } from '../../lib/util/concurrency';
import { DEMO, startDemoEmulator } from '../support/emulator-fixture';

const PROJECT = 'a7e10000a7e10000a7e10000a7e10000';
const instance = (i: number) => `a7e10000-0000-4000-8000-${String(i).padStart(12, '0')}`;
const N = 240;
const CONCURRENCY = 16;

let emulator: EmulatorProcess;

beforeAll(async () => {
  emulator = await startDemoEmulator();
  await mapWithConcurrency(Array.from({ length: N }, (_, i) => i), 16, (i) => emulator.admin.putInstance(instance(i), { project_id: PROJECT, tasks: [] }));
}, 60_000);
afterAll(async () => {
  await emulator?.stop();
});
beforeEach(async () => {
  await emulator.admin.clearFaults();
  await emulator.admin.resetStats();
});

function options(extra: Partial<PooledClientOptions> = {}): PooledClientOptions {
  return { endpoint: emulator.url, projectId: PROJECT, accessKey: DEMO.accessKey, secretKey: DEMO.secretKey, env: {}, retry: { maxRetries: 10 }, ...extra };
}

/** Reads instances [from, to) `concurrency` at a time, each through pool.get, as batch.ts and the gate do. */
async function readFleet(pool: DcsClientPool, clientOptions: PooledClientOptions, from: number, to: number, concurrency = CONCURRENCY) {
  const ids = Array.from({ length: to - from }, (_, k) => instance(from + k));
  return mapWithConcurrency(ids, concurrency, (id) => pool.get(clientOptions).listAllBigKeyTasks(id));
}

async function statusShare(status: string): Promise<{ share: number; requests: number }> {
  const stats = await emulator.admin.stats();
  return { share: (stats.statuses[status] ?? 0) / stats.requests, requests: stats.requests };
}

it('an account-level limit slows every lookup of the pool to about the limit: few 429s, none lost, in flight within the bound; the rate recovers after', async () => {
  await emulator.admin.addFaults([
    { kind: 'rate_limit', rate: 80, burst: 4, retry_after_s: 0 },
    { kind: 'latency', ms: 5 },
  ]);
  const pool = new DcsClientPool();
  const on = options({ rateControl: { recoveryMs: 200 } });
  let ours = { share: 1, requests: 0 };
  try {
    const listings = await readFleet(pool, on, 0, 160);
    expect(listings.map((l) => l.instance_id)).toEqual(Array.from({ length: 160 }, (_, i) => instance(i)));
    const stats = await emulator.admin.stats();
    // none lost, none read twice: every instance answered 200 exactly once
    expect(Object.keys(stats.by_instance)).toHaveLength(160);
    for (const s of Object.values(stats.by_instance)) expect(s.statuses['200']).toBe(1);
    expect(stats.max_in_flight).toBeLessThanOrEqual(CONCURRENCY);
    ours = await statusShare('429');
    const state = pool.get(on).rateControlState()!;
    expect(state.cuts).toBeGreaterThanOrEqual(1);
    expect(state.ratePerSecond).toBeLessThan(160); // slowed to about the limit (80/s)
    expect(state.throttled).toBe(stats.statuses['429']); // the one controller saw every 429 of the pool

    // The limit is lifted: the same pooled client speeds up again.
    await emulator.admin.clearFaults();
    await emulator.admin.addFaults({ kind: 'latency', ms: 5 });
    await emulator.admin.resetStats();
    await readFleet(pool, on, 160, N);
    expect((await emulator.admin.stats()).statuses).toEqual({ '200': N - 160 });
    expect(pool.get(on).rateControlState()!.ratePerSecond).toBeGreaterThan(state.ratePerSecond * 1.5);
  } finally {
    await pool.closeAll();
  }

  // The same limit without rate control: every lookup finds the throttling on its own.
  await emulator.admin.clearFaults();
  await emulator.admin.addFaults([
    { kind: 'rate_limit', rate: 80, burst: 4, retry_after_s: 0 },
    { kind: 'latency', ms: 5 },
  ]);
  await emulator.admin.resetStats();
  const baselinePool = new DcsClientPool();
  try {
    await readFleet(baselinePool, options({ rateControl: false }), 0, 160).catch(() => undefined); // some may run out of retries
  } finally {
    await baselinePool.closeAll();
  }
  const baseline = await statusShare('429');
  expect(baseline.share).toBeGreaterThan(0.3);
  // The token bucket runs on real time, so a loaded machine moves both shares: ours is compared
  // with the baseline of the same run (and bounded), not with a fixed figure (the bench measures that).
  expect(ours.share).toBeLessThan(Math.min(0.25, baseline.share / 2));
}, 60_000);

it("a 429's Retry-After pauses the whole pool, not only the throttled lookup", async () => {
  const throttledIndex = 8;
  const pausedWindow = async (clientOptions: PooledClientOptions) => {
    await emulator.admin.clearFaults();
    // 30 ms per request: the other 39 lookups, 3 at a time, would take longer than the pause
    await emulator.admin.addFaults([
      { kind: 'throttle', instance_id: instance(throttledIndex), count: 1, retry_after_s: 1 },
      { kind: 'latency', ms: 30 },
    ]);
    await emulator.admin.resetStats();
    const pool = new DcsClientPool();
    try {
      await readFleet(pool, clientOptions, 0, 40, 4);
    } finally {
      await pool.closeAll();
    }
    const { log } = await emulator.admin.stats();
    expect(log).toHaveLength(41); // 40 lookups, one retried
    const refused = log.find((entry) => entry.status === 429)!;
    // requests that started while the pool should be paused (after the 429 was answered and any
    // request already on its way had arrived)
    return log.filter((entry) => entry.started_ms > refused.ended_ms + 100 && entry.started_ms < refused.ended_ms + 900).length;
  };
  const events: RetryEvent[] = [];
  expect(await pausedWindow(options({ onRetry: (event) => events.push(event) }))).toBe(0);
  // the throttled lookup's retry, and the lookups that waited for the pause, are all reported
  expect(events.filter((e) => e.instanceId === instance(throttledIndex))).toEqual([expect.objectContaining({ reason: 'HTTP 429', throttled: true, delayMs: expect.any(Number) })]);
  const waited = events.filter((e) => e.instanceId !== instance(throttledIndex));
  expect(waited.length).toBeGreaterThan(0);
  for (const event of waited) expect(event).toMatchObject({ operation: 'ListBigkeyScanTasks', reason: 'HTTP 429', throttled: true });
  for (const event of events) expect(event.delayMs).toBeLessThanOrEqual(1100);
  expect(await pausedWindow(options({ rateControl: false }))).toBeGreaterThan(0);
}, 60_000);

it('a request that would wait for the pause past its deadline fails at once, unsent, with DcsThrottledError', async () => {
  await emulator.admin.addFaults([
    { kind: 'throttle', instance_id: instance(0), count: 1, retry_after_s: 30 },
    { kind: 'latency', ms: 20 },
  ]);
  const pool = new DcsClientPool();
  let outcomes: PromiseSettledResult<unknown>[];
  try {
    const client = pool.get(options({ deadlineMs: 5000 }));
    const first = client.listAllBigKeyTasks(instance(0));
    await expect(first).rejects.toThrow(DcsApiError); // its own Retry-After ends past the deadline: not retried
    outcomes = await Promise.allSettled(Array.from({ length: 6 }, (_, k) => client.listAllBigKeyTasks(instance(1 + k))));
  } finally {
    await pool.closeAll();
  }
  for (const outcome of outcomes) {
    expect(outcome.status).toBe('rejected');
    const error = (outcome as PromiseRejectedResult).reason;
    expect(error).toBeInstanceOf(DcsThrottledError);
    expect(error.message).toMatch(/^ListBigkeyScanTasks for instance a7e10000-\S+ was not sent: the API is throttling this account and the request would have had to wait \d+ ms, past its deadline\. retry later, lower the concurrency, or raise deadlineMs$/);
    expect(errorFacts(error)).toEqual({ name: 'DcsThrottledError', code: 'ERR_DCS_THROTTLED', attempts: 0 });
  }
  expect((await emulator.admin.stats()).requests).toBe(1); // nothing was sent during the pause
});

it('rejects bad rate control settings before any request', () => {
  const pool = new DcsClientPool();
  expect(() => pool.get(options({ rateControl: { minRatePerSecond: 0 } }))).toThrow(DcsConfigError);
  expect(() => pool.get(options({ rateControl: { minRatePerSecond: 0 } }))).toThrow('invalid rateControl.minRatePerSecond 0: expected a number > 0');
  expect(() => pool.get(options({ rateControl: { recoveryMs: -5 } }))).toThrow('invalid rateControl.recoveryMs -5: expected a number > 0');
  expect(() => pool.get(options({ rateControl: { maxRatePerSecond: Number.NaN } }))).toThrow(/invalid rateControl\.maxRatePerSecond NaN/);
  expect(() => pool.get(options({ rateControl: { minRatePerSecond: 10, maxRatePerSecond: 5 } }))).toThrow('invalid rateControl: minRatePerSecond 10 is above maxRatePerSecond 5');
});
