/**
 * The client's calls beyond the big key list, against the emulator in its own process, over real
 * sockets: task details (big and hot keys), the hot key task list (the same paging, consistency,
 * caps and retries as the big key list), and both automatic analysis settings. Same signing,
 * errors and validation: malformed data is never returned.
 */
import { DcsBigKeyClient } from '../../lib/client/client';
import { DcsApiError, DcsConfigError, DcsConsistencyError, DcsMalformedResponseError } from '../../lib/client/errors';
import { DEMO, demoClientOptions, newInstanceId, SECRETS, useDemoClient, TEMP } from '../support/emulator-fixture';

const demo = useDemoClient();
const FEED = DEMO.instances.feedCache;
const FEED_LATEST = '6e2d4f8a-1b3c-4d5e-9f60-7a8b9c0d1e2f';
const FEED_HOT = '9d8c7b6a-5f4e-4d3c-8b2a-1f0e9d8c7b6a';

async function hotInstance(count: number): Promise<string> {
  const id = newInstanceId();
  await demo.emulator.admin.putInstance(id, { project_id: DEMO.projectId, hotkey_generate: { count, start: '2026-01-01T00:00:00.000Z', interval_seconds: 60, seed: id } });
  return id;
}

async function routeRequests(instanceId: string, route: string): Promise<number> {
  return (await demo.emulator.admin.stats()).by_instance[instanceId]?.routes[route] ?? 0;
}

async function failure(promise: Promise<unknown>): Promise<Error> {
  const error = await promise.then(() => undefined, (e) => e as Error);
  if (!error) throw new Error('expected a failure');
  for (const secret of SECRETS) expect(error.message).not.toContain(secret);
  return error;
}

describe('task details', () => {
  it('reads the keys a big key analysis found, typed, with how they were read', async () => {
    const details = await demo.client.showBigKeyTaskDetails(FEED, FEED_LATEST);
    expect(details).toMatchObject({ id: FEED_LATEST, instance_id: FEED, status: 'success', scan_type: 'auto', num: 4 });
    expect(details.keys[0]).toEqual({ name: 'feed:timeline:render-cache', type: 'string', shard: '192.168.3.21:6379', db: 0, size: 20_971_520, unit: 'byte' });
    expect(details.keys[1]).toMatchObject({ type: 'set', unit: 'count', size: 684_210 });
    expect(details.meta).toMatchObject({ requests: 1, source: 'emulator' });
    expect(details.meta.requestIds[0]).toMatch(/\S+/);
  });

  it('reads hot keys with their LFU counter', async () => {
    const details = await demo.client.showHotKeyTaskDetails(FEED, FEED_HOT);
    expect(details.keys.map((k) => [k.type, k.freq])).toEqual([['zset', 255], ['string', 243], ['hash', 198]]);
  });

  it('signs with temporary credentials too', async () => {
    const temp = new DcsBigKeyClient({ endpoint: demo.emulator.url, projectId: DEMO.projectId, ...TEMP, env: {} });
    try {
      expect((await temp.showBigKeyTaskDetails(FEED, FEED_LATEST)).num).toBe(4);
      expect((await temp.showHotKeyAutoscanConfig(FEED)).enable_auto_scan).toBe(true);
    } finally {
      await temp.close();
    }
  });

  it('404 for a task that is not there says it may have been deleted', async () => {
    const error = (await failure(demo.client.showBigKeyTaskDetails(FEED, newInstanceId()))) as DcsApiError;
    expect(error).toBeInstanceOf(DcsApiError);
    expect(error.operation).toBe('ShowBigkeyScanTaskDetails');
    expect(error.status).toBe(404);
    expect(error.message).toMatch(/check the task id \(it may have been deleted since it was listed\)/);
  });

  it.each([
    ['big', 'show', () => demo.client.showBigKeyTaskDetails(FEED, FEED_LATEST), /keys\[0\]\.size is -1 \(task 6e2d4f8a-1b3c-4d5e-9f60-7a8b9c0d1e2f\), not an integer >= 0/],
    ['hot', 'hotkey_show', () => demo.client.showHotKeyTaskDetails(FEED, FEED_HOT), /^ShowHotkeyTaskDetails for instance .*keys\[0\]\.size is -1/],
  ] as const)('fails closed on malformed %s keys, never returning them', async (_kind, route, call, message) => {
    await demo.emulator.admin.addFaults({ kind: 'malformed', mode: 'keys', route, instance_id: FEED });
    const error = (await failure(call())) as DcsMalformedResponseError;
    expect(error).toBeInstanceOf(DcsMalformedResponseError);
    expect(error.message).toMatch(message);
    expect(error.requestId).toMatch(/\S+/);
    expect(error.message).toMatch(/the data was not used/);
    // the key's name (customer data) is never quoted in the message
    expect(error.message).not.toContain('feed:');
  });

  it('fails closed on a truncated body and on one that is too large', async () => {
    await demo.emulator.admin.addFaults({ kind: 'malformed', mode: 'truncated', route: 'show', instance_id: FEED, count: 1 });
    expect((await failure(demo.client.showBigKeyTaskDetails(FEED, FEED_LATEST))).message).toMatch(/ShowBigkeyScanTaskDetails .* malformed body: the body is not JSON/);
    await demo.emulator.admin.addFaults({ kind: 'huge', mib: 2, route: 'show', instance_id: FEED, count: 1 });
    const small = new DcsBigKeyClient({ ...demoClientOptions(demo.emulator), maxResponseBytes: 1024 * 1024 });
    try {
      expect((await failure(small.showBigKeyTaskDetails(FEED, FEED_LATEST))).message).toMatch(/more than the 1048576 bytes allowed/);
    } finally {
      await small.close();
    }
  });

  it('retries 429 and 5xx on the details call like on the list', async () => {
    // (rules count requests independently: the first two requests are hit by the throttle, the first by the 503 too)
    await demo.emulator.admin.addFaults([
      { kind: 'throttle', count: 2, retry_after_s: 0, route: 'show', instance_id: FEED },
      { kind: 'error', status: 503, count: 3, route: 'hotkey_show', instance_id: FEED },
    ]);
    expect((await demo.client.showBigKeyTaskDetails(FEED, FEED_LATEST)).meta.requests).toBe(3);
    expect((await demo.client.showHotKeyTaskDetails(FEED, FEED_HOT)).meta.requests).toBe(4);
  });

  it('rejects a bad task id or kind before any request', async () => {
    const before = (await demo.emulator.admin.stats()).requests;
    await expect(demo.client.showBigKeyTaskDetails(FEED, '../bigkey-tasks')).rejects.toThrow(/invalid task id "..\/bigkey-tasks": expected a task id/);
    await expect(demo.client.showTaskDetails('warmkey' as never, FEED, FEED_LATEST)).rejects.toThrow(DcsConfigError);
    await expect(demo.client.showAutoscanConfig('bigkey', 'feed-cache')).rejects.toThrow(/invalid instance id "feed-cache"/);
    expect((await demo.emulator.admin.stats()).requests).toBe(before);
  });
});

describe('the hot key task list', () => {
  it.each([
    [0, 1],
    [999, 1],
    [1000, 2],
    [2537, 3],
  ])('lists all of %i hot key tasks in %i request(s), newest first, like the big key list', async (n, requests) => {
    const id = await hotInstance(n);
    const listing = await demo.client.listAllHotKeyTasks(id);
    expect(listing.count).toBe(n);
    expect(new Set(listing.records.map((r) => r.id)).size).toBe(n);
    const times = listing.records.map((r) => Date.parse(r.created_at));
    expect(times).toEqual([...times].sort((a, b) => b - a));
    expect(listing.meta.requests).toBe(requests);
    expect(await routeRequests(id, 'hotkey_list')).toBe(requests);
    expect(await routeRequests(id, 'list')).toBe(0);
  });

  it('reads one page exactly as the API returns it', async () => {
    const id = await hotInstance(25);
    const page = await demo.client.listHotKeyTasks(id, { offset: 20, limit: 10 });
    expect(page).toMatchObject({ instance_id: id, count: 25 });
    expect(page.records).toHaveLength(5);
  });

  it('re-reads a hot key list that changed while paged, and fails closed when it keeps changing', async () => {
    const once = await hotInstance(2500);
    await demo.emulator.admin.addFaults({ kind: 'mutate', route: 'hotkey_list', instance_id: once, count: 1, keep_count: true });
    expect((await demo.client.listAllHotKeyTasks(once)).meta.rereads).toBe(1);
    const always = await hotInstance(2500);
    await demo.emulator.admin.addFaults({ kind: 'mutate', route: 'hotkey_list', instance_id: always, keep_count: true });
    const error = (await failure(demo.client.listAllHotKeyTasks(always))) as DcsConsistencyError;
    expect(error).toBeInstanceOf(DcsConsistencyError);
    expect(error.message).toMatch(/^ListHotKeyScanTasks for instance .* could not get a consistent list/);
  });

  it('refuses a lying count after one request and a count over maxTasks', async () => {
    const id = await hotInstance(5);
    await demo.emulator.admin.addFaults({ kind: 'bad_count', value: 1e15, route: 'hotkey_list', instance_id: id });
    const error = (await failure(demo.client.listAllHotKeyTasks(id))) as DcsMalformedResponseError;
    expect(error).toBeInstanceOf(DcsMalformedResponseError);
    expect(error.operation).toBe('ListHotKeyScanTasks');
    expect(await routeRequests(id, 'hotkey_list')).toBe(1);
    const capped = new DcsBigKeyClient({ ...demoClientOptions(demo.emulator), maxTasks: 10 });
    try {
      const big = await hotInstance(20);
      expect((await failure(capped.listAllHotKeyTasks(big))).message).toMatch(/count is 20, more than the 10 tasks/);
    } finally {
      await capped.close();
    }
  });

  it('400 DCS.4919 on an instance that cannot analyse says what hot key analysis needs', async () => {
    const error = (await failure(demo.client.listAllHotKeyTasks(DEMO.instances.legacyCache))) as DcsApiError;
    expect(error.errorCode).toBe('DCS.4919');
    expect(error.message).toMatch(/does not support hot key analysis \(it needs Redis 4\.0 or later with maxmemory-policy allkeys-lfu or volatile-lfu\)/);
  });
});

describe('automatic analysis settings', () => {
  it('reads both kinds', async () => {
    const big = await demo.client.showBigKeyAutoscanConfig(DEMO.instances.ordersCache);
    expect(big).toMatchObject({ instance_id: DEMO.instances.ordersCache, enable_auto_scan: true, schedule_at: ['02:00'], updated_at: '2026-10-02T08:15:27.000Z' });
    expect(big.meta.source).toBe('emulator');
    expect(await demo.client.showHotKeyAutoscanConfig(DEMO.instances.ordersCache)).toMatchObject({ enable_auto_scan: true, schedule_at: ['12:00'] });
    expect(await demo.client.showBigKeyAutoscanConfig(DEMO.instances.reportsCache)).toMatchObject({ enable_auto_scan: false, schedule_at: [] });
  });

  it('fails closed on a malformed body, and retries a reset', async () => {
    await demo.emulator.admin.addFaults({ kind: 'malformed', mode: 'schema', route: 'autoscan', count: 1 });
    const error = (await failure(demo.client.showBigKeyAutoscanConfig(FEED))) as DcsMalformedResponseError;
    expect(error).toBeInstanceOf(DcsMalformedResponseError);
    expect(error.message).toMatch(/^ShowBigkeyAutoscanConfig for instance .* enable_auto_scan is "yes", not true or false/);
    await demo.emulator.admin.addFaults({ kind: 'reset', route: 'hotkey_autoscan', count: 1 });
    expect((await demo.client.showHotKeyAutoscanConfig(FEED)).meta.requests).toBe(2);
  });

  it('fails closed after the retries, with the operation name and request id', async () => {
    await demo.emulator.admin.addFaults({ kind: 'error', status: 500, route: 'autoscan', instance_id: FEED });
    const few = new DcsBigKeyClient({ ...demoClientOptions(demo.emulator), retry: { maxRetries: 1, minDelayMs: 5, maxDelayMs: 10 } });
    try {
      const error = (await failure(few.showBigKeyAutoscanConfig(FEED))) as DcsApiError;
      expect(error).toMatchObject({ operation: 'ShowBigkeyAutoscanConfig', status: 500, attempts: 2 });
      expect(error.requestId).toMatch(/\S+/);
    } finally {
      await few.close();
    }
  });
});
