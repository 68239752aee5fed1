/**
 * The client against the emulator, over real sockets, in a separate process.
 */
import { DcsBigKeyClient } from '../../lib/client/client';
import { DcsApiError, DcsConfigError, DcsConsistencyError, DcsMalformedResponseError, DcsNetworkError } from '../../lib/client/errors';
import { DEMO, demoClientOptions, newInstanceId, SECRETS, useDemoClient, TEMP } from '../support/emulator-fixture';

const demo = useDemoClient();

/** An instance with `count` generated tasks; the same `seed` generates the same statuses. */
async function instanceWith(count: number, seed?: string): Promise<string> {
  const id = newInstanceId();
  await demo.emulator.admin.putInstance(id, { project_id: DEMO.projectId, generate: { count, start: '2026-01-01T00:00:00.000Z', interval_seconds: 60, seed: seed ?? id } });
  return id;
}

async function listRequests(instanceId: string): Promise<number> {
  return (await demo.emulator.admin.stats()).by_instance[instanceId]?.list_requests ?? 0;
}

function expectNoSecrets(text: string) {
  for (const secret of SECRETS) expect(text).not.toContain(secret);
}

describe('listing', () => {
  it('reads one page with the API defaults (limit 10) and the API field names', async () => {
    const id = await instanceWith(25);
    const page = await demo.client.listBigKeyTasks(id);
    expect(page.instance_id).toBe(id);
    expect(page.count).toBe(25);
    expect(page.records).toHaveLength(10);
    expect(page.meta.source).toBe('emulator');
    expect(page.meta.requestIds[0]).toMatch(/\S+/);
    expect(Object.keys(page.records[0]).sort()).toEqual(['created_at', 'finished_at', 'id', 'scan_type', 'started_at', 'status']);
  });

  it('honours offset, limit and status', async () => {
    // A fixed seed: some of its 30 generated tasks are failed (a random one has none about 7% of the time).
    const id = await instanceWith(30, 'offset-limit-status');
    const all = await demo.client.listAllBigKeyTasks(id);
    const page = await demo.client.listBigKeyTasks(id, { offset: 3, limit: 5 });
    expect(page.records.map((r) => r.id)).toEqual(all.records.slice(3, 8).map((r) => r.id));
    const failed = await demo.client.listAllBigKeyTasks(id, { status: 'failed' });
    expect(failed.records.length).toBeGreaterThan(0);
    expect(failed.records.every((r) => r.status === 'failed')).toBe(true);
    expect(failed.count).toBe(all.records.filter((r) => r.status === 'failed').length);
  });

  it.each([
    [0, 1],
    [1, 1],
    [999, 1],
    [1000, 2], // exactly full: one record beyond count is asked for
    [1001, 2],
    [2537, 3],
  ])('lists all of %i tasks in %i request(s), newest first, no duplicates', async (n, requests) => {
    const id = await instanceWith(n);
    const listing = await demo.client.listAllBigKeyTasks(id);
    expect(listing.count).toBe(n);
    expect(listing.records).toHaveLength(n);
    expect(new Set(listing.records.map((r) => r.id)).size).toBe(n);
    const times = listing.records.map((r) => Date.parse(r.created_at));
    expect(times).toEqual([...times].sort((a, b) => b - a));
    expect(listing.meta.requests).toBe(requests);
    expect(await listRequests(id)).toBe(requests);
  });

  it('fetches the pages after the first concurrently, bounded by pageConcurrency', async () => {
    const id = await instanceWith(5000);
    await demo.emulator.admin.addFaults({ kind: 'latency', ms: 40, instance_id: id });
    const bounded = new DcsBigKeyClient({ ...demoClientOptions(demo.emulator), pageConcurrency: 3 });
    try {
      const listing = await bounded.listAllBigKeyTasks(id);
      expect(listing.records).toHaveLength(5000);
      const stats = (await demo.emulator.admin.stats()).by_instance[id];
      expect(stats.list_requests).toBe(6);
      expect(stats.max_in_flight).toBe(3);
    } finally {
      await bounded.close();
    }
  });

  it('reads at most 8 pages at once by default (README, How it works)', async () => {
    const id = await instanceWith(12_000); // page 0, then 12 more pages: more than 8 to read at once
    await demo.emulator.admin.addFaults({ kind: 'latency', ms: 40, instance_id: id });
    const plain = new DcsBigKeyClient(demoClientOptions(demo.emulator));
    try {
      expect((await plain.listAllBigKeyTasks(id)).records).toHaveLength(12_000);
      const stats = (await demo.emulator.admin.stats()).by_instance[id];
      expect(stats.list_requests).toBe(13);
      expect(stats.max_in_flight).toBe(8);
    } finally {
      await plain.close();
    }
  });

  it('reads all the demo instance tasks with temporary credentials (signed security token)', async () => {
    const temp = new DcsBigKeyClient({ endpoint: demo.emulator.url, projectId: DEMO.projectId, ...TEMP, env: {} });
    try {
      const listing = await temp.listAllBigKeyTasks(DEMO.instances.ordersCache);
      expect(listing.count).toBeGreaterThan(5);
    } finally {
      await temp.close();
    }
  });
});

describe('errors', () => {
  async function failure(promise: Promise<unknown>): Promise<Error> {
    const error = await promise.then(() => undefined, (e) => e as Error);
    if (!error) throw new Error('expected a failure');
    expectNoSecrets(error.message);
    return error;
  }

  it('401 for a wrong secret key: not retried, error_code, request id and advice', async () => {
    const wrong = new DcsBigKeyClient({ ...demoClientOptions(demo.emulator), secretKey: 'wrong-secret-key-123456' });
    const before = await listRequests(DEMO.instances.ordersCache);
    const error = (await failure(wrong.listAllBigKeyTasks(DEMO.instances.ordersCache))) as DcsApiError;
    await wrong.close();
    expect(error).toBeInstanceOf(DcsApiError);
    expect(error.status).toBe(401);
    expect(error.errorCode).toBe('APIGW.0301');
    expect(error.requestId).toMatch(/\S+/);
    expect(error.message).toContain(`request id ${error.requestId}`);
    expect(error.message).toMatch(/check the access key and secret key .* clock/);
    expect(error.message).not.toContain('wrong-secret-key-123456');
    expect(await listRequests(DEMO.instances.ordersCache)).toBe(before + 1);
  });

  it('401 when the clock is more than 15 minutes off', async () => {
    const skewed = new DcsBigKeyClient({ ...demoClientOptions(demo.emulator), now: () => new Date(Date.now() - 20 * 60_000) });
    const error = (await failure(skewed.listBigKeyTasks(DEMO.instances.ordersCache))) as DcsApiError;
    await skewed.close();
    expect(error.status).toBe(401);
    expect(error.errorCode).toBe('APIGW.0301');
  });

  it('401 when the temporary credentials omit their token', async () => {
    const noToken = new DcsBigKeyClient({ endpoint: demo.emulator.url, projectId: DEMO.projectId, accessKey: TEMP.accessKey, secretKey: TEMP.secretKey, env: {} });
    const error = (await failure(noToken.listBigKeyTasks(DEMO.instances.ordersCache))) as DcsApiError;
    await noToken.close();
    expect(error.status).toBe(401);
  });

  it('404 for an unknown instance and an unknown project, with what to check', async () => {
    const unknown = (await failure(demo.client.listAllBigKeyTasks(newInstanceId()))) as DcsApiError;
    expect(unknown.status).toBe(404);
    expect(unknown.message).toMatch(/check the project id and the instance id/);
    const other = new DcsBigKeyClient({ ...demoClientOptions(demo.emulator), projectId: 'ffffffffffffffffffffffffffffffff' });
    const project = (await failure(other.listAllBigKeyTasks(DEMO.instances.ordersCache))) as DcsApiError;
    await other.close();
    expect(project.status).toBe(404);
  });

  it('403 is not retried and says which permission to grant', async () => {
    const id = await instanceWith(3);
    await demo.emulator.admin.addFaults({ kind: 'error', instance_id: id, status: 403 });
    const error = (await failure(demo.client.listAllBigKeyTasks(id))) as DcsApiError;
    expect(error.status).toBe(403);
    expect(error.errorCode).toBe('DCS.4003');
    expect(error.attempts).toBe(1);
    expect(error.message).toMatch(/grant the IAM user DCS read permission/);
    expect(await listRequests(id)).toBe(1);
  });

  it('400 DCS.4919 for an instance that cannot run big key analysis', async () => {
    const error = (await failure(demo.client.listAllBigKeyTasks(DEMO.instances.legacyCache))) as DcsApiError;
    expect(error.status).toBe(400);
    expect(error.errorCode).toBe('DCS.4919');
    expect(error.message).toMatch(/does not support big key analysis/);
    expect(error.attempts).toBe(1);
  });

  it('rejects bad input before any request', async () => {
    const before = (await demo.emulator.admin.stats()).requests;
    await expect(demo.client.listAllBigKeyTasks('not-a-uuid')).rejects.toThrow(DcsConfigError);
    await expect(demo.client.listBigKeyTasks(DEMO.instances.ordersCache, { limit: 0 })).rejects.toThrow(/invalid limit 0/);
    await expect(demo.client.listBigKeyTasks(DEMO.instances.ordersCache, { offset: -1 })).rejects.toThrow(/invalid offset -1/);
    await expect(demo.client.listBigKeyTasks(DEMO.instances.ordersCache, { status: 'done' as never })).rejects.toThrow(/invalid status "done"/);
    expect(() => new DcsBigKeyClient({ ...demoClientOptions(demo.emulator), endpoint: 'ftp://x' })).toThrow(/invalid endpoint/);
    expect((await demo.emulator.admin.stats()).requests).toBe(before);
  });
});

describe('faults', () => {
  it.each([
    ['429 honouring Retry-After', { kind: 'throttle' as const, count: 2, retry_after_s: 0 }, '429'],
    ['503', { kind: 'error' as const, count: 2, status: 503 as const }, '503'],
    ['502', { kind: 'error' as const, count: 1, status: 502 as const }, '502'],
  ])('recovers from %s', async (_name, fault, status) => {
    const id = await instanceWith(12);
    await demo.emulator.admin.addFaults({ ...fault, instance_id: id });
    const listing = await demo.client.listAllBigKeyTasks(id);
    expect(listing.records).toHaveLength(12);
    expect(listing.meta.requests).toBe(fault.count + 1);
    const statuses = (await demo.emulator.admin.stats()).by_instance[id].statuses;
    expect(statuses[status]).toBe(fault.count);
    expect(statuses['200']).toBe(1);
  });

  it('recovers from a connection reset', async () => {
    const id = await instanceWith(3);
    await demo.emulator.admin.addFaults({ kind: 'reset', instance_id: id, count: 1 });
    const listing = await demo.client.listAllBigKeyTasks(id);
    expect(listing.records).toHaveLength(3);
    expect(listing.meta.requests).toBe(2);
  });

  it('retries a request that timed out waiting for the response headers', async () => {
    const id = await instanceWith(4);
    await demo.emulator.admin.addFaults({ kind: 'latency', instance_id: id, ms: 1500, count: 1 });
    const impatient = new DcsBigKeyClient({ ...demoClientOptions(demo.emulator), requestTimeoutMs: 300, retry: { minDelayMs: 10, maxDelayMs: 50 } });
    try {
      const listing = await impatient.listAllBigKeyTasks(id);
      expect(listing.records).toHaveLength(4);
      expect(listing.meta.requests).toBe(2);
    } finally {
      await impatient.close();
    }
  });

  it('signs every retry anew, with a fresh X-Sdk-Date', async () => {
    const id = await instanceWith(3);
    await demo.emulator.admin.addFaults({ kind: 'error', instance_id: id, count: 2, status: 500 });
    const signedAt: Date[] = [];
    const counting = new DcsBigKeyClient({ ...demoClientOptions(demo.emulator), retry: { minDelayMs: 600, maxDelayMs: 1200 }, now: () => {
      signedAt.push(new Date());
      return signedAt[signedAt.length - 1];
    } });
    try {
      const listing = await counting.listAllBigKeyTasks(id);
      expect(listing.meta.requests).toBe(3);
      expect(signedAt).toHaveLength(3); // one signature per attempt
      // backoff of at least 300 ms between attempts: each X-Sdk-Date (whole seconds) is taken anew
      expect(signedAt[2].getTime() - signedAt[0].getTime()).toBeGreaterThanOrEqual(600);
    } finally {
      await counting.close();
    }
  });

  it('fails closed after the retries with the last status, error_code and request id', async () => {
    const id = await instanceWith(3);
    await demo.emulator.admin.addFaults({ kind: 'error', instance_id: id, status: 500 });
    const few = new DcsBigKeyClient({ ...demoClientOptions(demo.emulator), retry: { maxRetries: 2, minDelayMs: 5, maxDelayMs: 20 } });
    const error = (await few.listAllBigKeyTasks(id).catch((e) => e)) as DcsApiError;
    await few.close();
    expect(error).toBeInstanceOf(DcsApiError);
    expect(error.status).toBe(500);
    expect(error.attempts).toBe(3);
    expect(error.requestId).toMatch(/\S+/);
    expect(error.message).toMatch(/after 3 attempts/);
    expect(await listRequests(id)).toBe(3);
  });

  it.each(['truncated', 'schema'] as const)('fails closed on a %s body, naming what is wrong', async (mode) => {
    const id = await instanceWith(3);
    await demo.emulator.admin.addFaults({ kind: 'malformed', instance_id: id, mode, count: 1 });
    const error = (await demo.client.listAllBigKeyTasks(id).catch((e) => e)) as DcsMalformedResponseError;
    expect(error).toBeInstanceOf(DcsMalformedResponseError);
    expect(error.requestId).toMatch(/\S+/);
    expect(error.message).toMatch(mode === 'truncated' ? /not JSON/ : /records\[\d+\]\.(status|created_at)/);
  });

  it('re-reads a list that changed between page reads and returns a consistent one', async () => {
    const id = await instanceWith(2500);
    await demo.emulator.admin.addFaults({ kind: 'mutate', instance_id: id, count: 1, keep_count: true });
    const listing = await demo.client.listAllBigKeyTasks(id);
    expect(listing.meta.rereads).toBe(1);
    expect(listing.records).toHaveLength(2500);
    expect(new Set(listing.records.map((r) => r.id)).size).toBe(2500);
    // the re-read sees the task the mutation created
    const fresh = await demo.client.listAllBigKeyTasks(id);
    expect(fresh.records.map((r) => r.id)).toEqual(listing.records.map((r) => r.id));
  });

  it('fails closed when the list keeps changing while paging', async () => {
    const id = await instanceWith(2500);
    await demo.emulator.admin.addFaults({ kind: 'mutate', instance_id: id, keep_count: true });
    const error = (await demo.client.listAllBigKeyTasks(id).catch((e) => e)) as DcsConsistencyError;
    expect(error).toBeInstanceOf(DcsConsistencyError);
    expect(error.message).toMatch(/could not get a consistent list/);
    expect(error.attempts).toBe(3);
  });

  it('fails at once, not after retries, when nothing listens', async () => {
    const dead = new DcsBigKeyClient({ ...demoClientOptions(demo.emulator), endpoint: 'http://127.0.0.1:9' });
    const error = (await dead.listAllBigKeyTasks(DEMO.instances.ordersCache).catch((e) => e)) as DcsNetworkError;
    await dead.close();
    expect(error).toBeInstanceOf(DcsNetworkError);
    expect(error.code).toBe('ECONNREFUSED');
    expect(error.attempts).toBe(1);
    expect(error.message).toMatch(/check the endpoint or region/);
  });
});
