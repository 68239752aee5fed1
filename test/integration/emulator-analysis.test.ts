/**
 * The emulator's cache analysis routes beyond the big key list, over real sockets, the emulator
 * in its own process: task details with keys (from the data file, generated, or found by a
 * created task), the hot key routes (list, create, show, delete), both automatic analysis
 * settings, and faults aimed at each route by name.
 */
import { readFileSync } from 'node:fs';
import { parseAutoscanResponse, parseDetailsResponse } from '../../lib/client/response';
import { BUNDLED_DEMO_DATA_FILE, DEMO, EmulatorData } from '../../lib/emulator';
import { autoscanPath, hotListPath, listPath, sleep, taskPath, useSignedEmulator } from '../support/emulator-requests';

const P: string = DEMO.projectId;
const ORDERS = DEMO.instances.ordersCache;
const FEED = DEMO.instances.feedCache;
const REPORTS = DEMO.instances.reportsCache;
const LEGACY = DEMO.instances.legacyCache;
const TP = 'c1b2c3d4e5f60718293a4b5c6d7e8f91';
const id = (n: number): string => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
const FEED_LATEST = '6e2d4f8a-1b3c-4d5e-9f60-7a8b9c0d1e2f';

const ctx = useSignedEmulator(() => JSON.parse(readFileSync(BUNDLED_DEMO_DATA_FILE, 'utf8')) as EmulatorData);

const get = (path: string) => ctx.dcs.send({ path });
const generate = (seed: string, count = 40) => ({ count, start: '2026-10-01T00:00:00.000Z', interval_seconds: 3600, seed });

describe('task details', () => {
  it('serves the keys a data-file task lists, in the API field order, with instance_id and num', async () => {
    const response = await get(taskPath(P, FEED, FEED_LATEST));
    expect(response.status).toBe(200);
    const body = response.json();
    expect(Object.keys(body)).toEqual(['id', 'instance_id', 'status', 'scan_type', 'created_at', 'started_at', 'finished_at', 'num', 'keys']);
    expect(body).toMatchObject({ id: FEED_LATEST, instance_id: FEED, status: 'success', num: 4 });
    expect(body.keys[0]).toEqual({ name: 'feed:timeline:render-cache', type: 'string', shard: '192.168.3.21:6379', db: 0, size: 20 * 1024 * 1024, unit: 'byte' });
    // what the library's client accepts
    expect(parseDetailsResponse(response.text, { kind: 'bigkey', taskId: FEED_LATEST, instanceId: FEED }).keys).toHaveLength(4);
  });

  it('serves a data-file task without keys as having found none', async () => {
    const body = (await get(taskPath(P, FEED, 'c5d6e7f8-0a1b-4c2d-8e3f-4a5b6c7d8e9f'))).json();
    expect(body).toMatchObject({ status: 'success', num: 0, keys: [] });
  });

  it('generates keys for generated successful tasks, the same every time, and none for failed ones', async () => {
    await ctx.emulator.admin.putInstance(id(1), { project_id: TP, generate: generate('details-seed') });
    const records = (await ctx.dcs.send({ path: listPath(TP, id(1)), query: { limit: 1000 } })).json().records as { id: string; status: string }[];
    const succeeded = records.filter((r) => r.status === 'success');
    const failed = records.filter((r) => r.status === 'failed');
    expect(failed.length).toBeGreaterThan(0);
    const first = await Promise.all(succeeded.map((r) => get(taskPath(TP, id(1), r.id))));
    const bodies = first.map((r) => parseDetailsResponse(r.text, { kind: 'bigkey', taskId: r.json().id, instanceId: id(1) }));
    expect(bodies.some((b) => b.num > 0)).toBe(true);
    expect(bodies.every((b) => b.num === b.keys.length && b.keys.length <= 5)).toBe(true);
    // replacing the instance with the same seed serves identical keys
    await ctx.emulator.admin.putInstance(id(1), { project_id: TP, generate: generate('details-seed') });
    const again = await Promise.all(succeeded.map((r) => get(taskPath(TP, id(1), r.id))));
    expect(again.map((r) => r.json())).toEqual(first.map((r) => r.json()));
    for (const r of failed) expect((await get(taskPath(TP, id(1), r.id))).json()).toMatchObject({ num: 0, keys: [] });
  });

  it('answers 404 for a task of the other kind', async () => {
    const response = await get(taskPath(P, FEED, FEED_LATEST, 'hotkey'));
    expect(response.status).toBe(404);
    expect(response.json().error_msg).toContain(`hot key analysis task ${FEED_LATEST}`);
  });
});

describe('hot key tasks', () => {
  it('lists them with the same query, paging and record shape as big key tasks', async () => {
    const page = await ctx.dcs.send({ path: hotListPath(P, ORDERS), query: { limit: 1 } });
    expect(page.status).toBe(200);
    const body = page.json();
    expect(body).toMatchObject({ instance_id: ORDERS, count: 2 });
    expect(body.records).toEqual([{ id: '4d3c2b1a-6f5e-4a9b-8c7d-1e2f3a4b5c6d', status: 'success', scan_type: 'auto', created_at: '2026-11-28T12:00:00.318Z', started_at: '2026-11-28T12:00:02.904Z', finished_at: '2026-11-28T12:01:11.526Z' }]);
    expect((await ctx.dcs.send({ path: hotListPath(P, FEED), query: { status: 'failed' } })).json().count).toBe(1);
    const bad = await ctx.dcs.send({ path: hotListPath(P, ORDERS), query: { limit: 0 } });
    expect(bad.status).toBe(400);
    expect(bad.json().error_msg).toContain('limit');
  });

  it('serves hot keys with their LFU counter', async () => {
    const response = await get(taskPath(P, FEED, '9d8c7b6a-5f4e-4d3c-8b2a-1f0e9d8c7b6a', 'hotkey'));
    const details = parseDetailsResponse(response.text, { kind: 'hotkey', taskId: '9d8c7b6a-5f4e-4d3c-8b2a-1f0e9d8c7b6a', instanceId: FEED });
    expect(details.keys.map((k) => (k as unknown as { freq: number }).freq)).toEqual([255, 243, 198]);
  });

  it('creates, shows and deletes them like big key tasks, each kind in its own list', async () => {
    await ctx.emulator.admin.putInstance(id(2), { project_id: TP, lifecycle: { waiting_ms: 100, running_ms: 200, outcome: 'success' }, hotkey_generate: generate('hot-seed', 3) });
    const created = (await ctx.dcs.send({ method: 'POST', path: taskPath(TP, id(2), undefined, 'hotkey') })).json();
    expect(created).toMatchObject({ status: 'waiting', scan_type: 'manual', started_at: null, finished_at: null });
    expect((await get(hotListPath(TP, id(2)))).json().count).toBe(4);
    expect((await get(listPath(TP, id(2)))).json().count).toBe(0);
    await sleep(350);
    const final = parseDetailsResponse((await get(taskPath(TP, id(2), created.id, 'hotkey'))).text, { kind: 'hotkey', taskId: created.id, instanceId: id(2) });
    expect(final.status).toBe('success');
    expect(final.keys.length).toBeGreaterThan(0);
    expect(final.keys.every((k) => typeof (k as { freq?: number }).freq === 'number')).toBe(true);
    expect((await ctx.dcs.send({ method: 'DELETE', path: taskPath(TP, id(2), created.id, 'hotkey') })).status).toBe(204);
    expect((await get(taskPath(TP, id(2), created.id, 'hotkey'))).status).toBe(404);
    expect((await get(hotListPath(TP, id(2)))).json().count).toBe(3);
  });
});

describe('automatic analysis settings', () => {
  it('serves both kinds from the data file, in the API field order', async () => {
    const big = await get(autoscanPath(P, ORDERS));
    expect(big.status).toBe(200);
    expect(big.text).toBe(JSON.stringify({ instance_id: ORDERS, enable_auto_scan: true, schedule_at: ['02:00'], updated_at: '2026-10-02T08:15:27.000Z' }));
    expect(parseAutoscanResponse((await get(autoscanPath(P, ORDERS, 'hotkey'))).text, ORDERS)).toEqual({ instance_id: ORDERS, enable_auto_scan: true, schedule_at: ['12:00'], updated_at: '2026-10-02T08:16:03.000Z' });
    expect((await get(autoscanPath(P, REPORTS))).json()).toEqual({ instance_id: REPORTS, enable_auto_scan: false, schedule_at: [], updated_at: '2026-09-14T10:02:51.000Z' });
  });

  it('is read-only: PUT …/autoscan is not served (settings come from the data file or the admin API)', async () => {
    const response = await ctx.dcs.send({ method: 'PUT', path: autoscanPath(P, ORDERS) });
    expect(response.status).toBe(404);
    expect(response.json().error_code).toBe('APIGW.0101');
  });

  it('is disabled with no times where the data file says nothing', async () => {
    await ctx.emulator.admin.putInstance(id(3), { project_id: TP });
    expect((await get(autoscanPath(TP, id(3), 'hotkey'))).json()).toEqual({ instance_id: id(3), enable_auto_scan: false, schedule_at: [] });
  });

  it('is checked like every route: signature, unknown instance, an engine without analysis', async () => {
    const unsigned = await ctx.dcs.send({ path: autoscanPath(P, ORDERS), unsigned: true });
    expect(unsigned.status).toBe(401);
    expect(unsigned.json().error_code).toBe('APIGW.0301');
    expect((await get(autoscanPath(P, id(404), 'hotkey'))).status).toBe(404);
    for (const path of [autoscanPath(P, LEGACY), hotListPath(P, LEGACY), taskPath(P, LEGACY, id(5), 'hotkey')]) {
      const response = await get(path);
      expect(response.status).toBe(400);
      expect(response.json().error_code).toBe('DCS.4919');
    }
  });
});

describe('faults by route', () => {
  it('aims a rule at one route, several, or any; the default stays the big key list', async () => {
    await ctx.emulator.admin.addFaults([
      { kind: 'error', status: 503, route: 'show', instance_id: FEED },
      { kind: 'error', status: 502, route: ['autoscan', 'hotkey_list'], instance_id: FEED },
      { kind: 'error', status: 504, instance_id: REPORTS },
    ]);
    expect((await get(taskPath(P, FEED, FEED_LATEST))).status).toBe(503);
    expect((await get(listPath(P, FEED))).status).toBe(200);
    expect((await get(autoscanPath(P, FEED))).status).toBe(502);
    expect((await get(hotListPath(P, FEED))).status).toBe(502);
    expect((await get(autoscanPath(P, FEED, 'hotkey'))).status).toBe(200);
    expect((await get(listPath(P, REPORTS))).status).toBe(504);
    expect((await get(autoscanPath(P, REPORTS))).status).toBe(200);
    const stats = await ctx.emulator.admin.stats();
    expect(stats.by_instance[FEED].routes).toEqual({ show: 1, list: 1, autoscan: 1, hotkey_list: 1, hotkey_autoscan: 1 });
    expect(stats.routes).toMatchObject({ list: 2, autoscan: 2 });
  });

  it('malformed "keys" breaks a key of the details; "schema" breaks the autoscan settings', async () => {
    await ctx.emulator.admin.addFaults([
      { kind: 'malformed', mode: 'keys', route: ['show', 'hotkey_show'] },
      { kind: 'malformed', mode: 'schema', route: 'autoscan' },
    ]);
    const big = (await get(taskPath(P, FEED, FEED_LATEST))).json();
    expect(big.keys[0].size).toBe(-1);
    expect(big.num).toBe(4);
    const hot = (await get(taskPath(P, FEED, '9d8c7b6a-5f4e-4d3c-8b2a-1f0e9d8c7b6a', 'hotkey'))).json();
    expect(hot.keys[0]).toMatchObject({ size: -1, freq: 256 });
    const none = (await get(taskPath(P, FEED, 'c5d6e7f8-0a1b-4c2d-8e3f-4a5b6c7d8e9f'))).json();
    expect(none.keys).toHaveLength(1);
    expect((await get(autoscanPath(P, ORDERS))).json().enable_auto_scan).toBe('yes');
    expect(() => parseDetailsResponse(JSON.stringify(big), { kind: 'bigkey', taskId: FEED_LATEST, instanceId: FEED })).toThrow(/keys\[0\]\.size is -1/);
  });

  it('mutate changes the hot key list between page reads when aimed at it', async () => {
    await ctx.emulator.admin.putInstance(id(4), { project_id: TP, hotkey_generate: generate('mutate-hot', 5) });
    await ctx.emulator.admin.addFaults({ kind: 'mutate', route: 'hotkey_list', count: 1 });
    expect((await get(hotListPath(TP, id(4)))).json().count).toBe(5);
    expect((await get(hotListPath(TP, id(4)))).json().count).toBe(6);
    expect((await get(listPath(TP, id(4)))).json().count).toBe(0);
  });
});
