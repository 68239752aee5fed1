/**
 * The emulator's account-level rate limit (`rate_limit` fault): a token bucket per access key,
 * over real sockets to the emulator process; its validation in the admin API and the data file.
 */
import { DEMO, EmulatorData, EmulatorProcess, FaultSpec, spawnEmulator, validateEmulatorData } from '../../lib/emulator';
import { demoData, startDemoEmulator, TEMP } from '../support/emulator-fixture';
import { EmulatorResponse, SignedRequester, listPath, taskPath } from '../support/emulator-requests';

let emulator: EmulatorProcess;
let demo: SignedRequester;
let temp: SignedRequester;

beforeAll(async () => {
  emulator = await startDemoEmulator();
  demo = new SignedRequester(emulator.url, { accessKey: DEMO.accessKey, secretKey: DEMO.secretKey });
  temp = new SignedRequester(emulator.url, { accessKey: TEMP.accessKey, secretKey: TEMP.secretKey });
});
afterAll(async () => {
  await demo?.close();
  await temp?.close();
  await emulator?.stop();
});
beforeEach(async () => {
  await emulator.admin.clearFaults();
  await emulator.admin.resetStats();
});

const listOrders = (requester = demo, securityToken?: string): Promise<EmulatorResponse> =>
  requester.send({ path: listPath(DEMO.projectId, DEMO.instances.ordersCache), securityToken });

/** `n` requests one after another. */
async function inSeries(n: number, send: () => Promise<EmulatorResponse>): Promise<EmulatorResponse[]> {
  const out: EmulatorResponse[] = [];
  for (let i = 0; i < n; i++) out.push(await send());
  return out;
}

describe('rate_limit fault', () => {
  it('admits the burst, then answers 429 APIGW.0308 with the Retry-After until the next token; the stats count it', async () => {
    // one token per 20 s: the burst of 3 is all a test of a few seconds can use
    const [ruleId] = await emulator.admin.addFaults({ kind: 'rate_limit', rate: 0.05, burst: 3 });
    const answers = await inSeries(10, () => listOrders());
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 429, 429, 429, 429, 429, 429, 429]);
    const refused = answers[3];
    expect(refused.json()).toMatchObject({ error_code: 'APIGW.0308', error_msg: 'The throttling threshold has been reached' });
    expect(refused.json().request_id).toBe(refused.headers['x-request-id']);
    // default Retry-After: the whole seconds until the next token (up to 20 s), rounded up
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(15);
    expect(Number(refused.headers['retry-after'])).toBeLessThanOrEqual(20);

    const stats = await emulator.admin.stats();
    expect(stats.requests).toBe(10);
    expect(stats.statuses).toEqual({ '200': 3, '429': 7 });
    expect((await emulator.admin.listFaults()).find((f) => f.id === ruleId)).toMatchObject({ matched: 10, hits: 7, spent: false, spec: { kind: 'rate_limit', rate: 0.05, burst: 3, instance_id: '*', route: 'list' } });
  });

  it('keeps one bucket per access key (the emulator\'s account) and honours an explicit Retry-After', async () => {
    await emulator.admin.addFaults({ kind: 'rate_limit', rate: 0.05, burst: 2, retry_after_s: 0 });
    const demoAnswers = await inSeries(3, () => listOrders());
    const tempAnswers = await inSeries(3, () => listOrders(temp, TEMP.securityToken));
    expect(demoAnswers.map((a) => a.status)).toEqual([200, 200, 429]);
    expect(tempAnswers.map((a) => a.status)).toEqual([200, 200, 429]);
    expect(demoAnswers[2].headers['retry-after']).toBe('0');
  });

  it('refills at its rate: a bucket of 1 at 20/s admits a request again after a pause', async () => {
    await emulator.admin.addFaults({ kind: 'rate_limit', rate: 20, burst: 1, retry_after_s: 0 });
    const first = await inSeries(2, () => listOrders());
    expect(first[0].status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 120)); // > 50 ms: a token is back
    expect((await listOrders()).status).toBe(200);
  });

  it('limits only the routes it names, on every instance by default', async () => {
    await emulator.admin.addFaults({ kind: 'rate_limit', rate: 0.05, burst: 1 });
    expect((await listOrders()).status).toBe(200);
    expect((await demo.send({ path: listPath(DEMO.projectId, DEMO.instances.sessionsCache) })).status).toBe(429);
    // route "list" (the default): task details are not limited
    const detail = await demo.send({ path: taskPath(DEMO.projectId, DEMO.instances.ordersCache, '00000000-0000-4000-8000-000000000000') });
    expect(detail.status).toBe(404);
  });

  it.each([
    [{ kind: 'rate_limit' }, /body\.rate must be a number of requests per second, > 0/],
    [{ kind: 'rate_limit', rate: 0 }, /body\.rate must be a number of requests per second, > 0/],
    [{ kind: 'rate_limit', rate: 10, burst: 0 }, /body\.burst must be an integer from 1/],
    [{ kind: 'rate_limit', rate: 10, retry_after_s: -1 }, /body\.retry_after_s must be an integer from 0/],
    [{ kind: 'rate_limit', rate: 10, count: 3 }, /rate_limit rule takes no count: its token bucket decides/],
    [{ kind: 'rate_limit', rate: 10, every: 2 }, /rate_limit rule takes no every: its token bucket decides/],
    [{ kind: 'rate_limit', rate: 10, ms: 3 }, /body\.ms is not a known field \(known: kind, instance_id, route, rate, burst, retry_after_s\)/],
  ])('rejects the rule %j before it applies to anything', async (rule, message) => {
    await expect(emulator.admin.addFaults(rule as unknown as FaultSpec)).rejects.toThrow(message);
    expect(await emulator.admin.listFaults()).toEqual([]);
  });

  it('applies from the data file the emulator starts with', async () => {
    const limited = await spawnEmulator({ data: { ...demoData(), faults: [{ kind: 'rate_limit', rate: 0.05, burst: 1, retry_after_s: 0 }] }, quiet: true });
    const requester = new SignedRequester(limited.url, { accessKey: DEMO.accessKey, secretKey: DEMO.secretKey });
    try {
      const answers = await inSeries(2, () => requester.send({ path: listPath(DEMO.projectId, DEMO.instances.ordersCache) }));
      expect(answers.map((a) => a.status)).toEqual([200, 429]);
      expect((await limited.admin.stats()).statuses).toEqual({ '200': 1, '429': 1 });
    } finally {
      await requester.close();
      await limited.stop();
    }
  });

  it('is accepted from a data file, with the same validation', () => {
    const base = demoData();
    const ok = validateEmulatorData({ ...base, faults: [{ kind: 'rate_limit', rate: 200, burst: 10, retry_after_s: 0 }] } as EmulatorData);
    expect(ok.faults).toEqual([{ kind: 'rate_limit', instance_id: '*', route: 'list', rate: 200, burst: 10, retry_after_s: 0 }]);
    const defaults = validateEmulatorData({ ...base, faults: [{ kind: 'rate_limit', rate: 2.5 }] } as EmulatorData);
    expect(defaults.faults).toEqual([{ kind: 'rate_limit', instance_id: '*', route: 'list', rate: 2.5, burst: 3 }]);
    expect(() => validateEmulatorData({ ...base, faults: [{ kind: 'rate_limit', rate: 'fast' }] } as unknown as EmulatorData)).toThrow(/faults\[0\]\.rate must be a number/);
  });
});
