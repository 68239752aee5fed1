/**
 * The emulator's data file: validation messages that name the bad field, deterministic task
 * generation, and scale (hundreds of instances with thousands of tasks), served in-process
 * (fine here: these tests only make asynchronous requests).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import {
  BUNDLED_DEMO_DATA_FILE,
  DEMO,
  EmulatorData,
  EmulatorDataError,
  RunningEmulator,
  generateTasks,
  loadEmulatorData,
  startEmulatorServer,
  validateEmulatorData,
} from '../../lib/emulator';
import { generatedKeys } from '../../lib/emulator/data-file';
import { parseDetailsResponse } from '../../lib/client/response';
import { SignedRequester, listPath, taskPath } from '../support/emulator-requests';

const P = 'a1b2c3d4e5f60718293a4b5c6d7e8f90';
const I = '00000000-0000-4000-8000-000000000001';
const credentials = [{ access_key: 'AK1', secret_key: 'super-secret-value' }];
const task = { id: '00000000-0000-4000-8000-0000000000aa', status: 'success', scan_type: 'auto', created_at: '2026-11-01T00:00:00.000Z' };
const withInstance = (instance: unknown): unknown => ({ credentials, projects: { [P]: { instances: { [I]: instance } } } });
const instanceField = `projects["${P}"].instances["${I}"]`;

describe('data file validation', () => {
  it('loads the bundled demo data', () => {
    const data = loadEmulatorData(BUNDLED_DEMO_DATA_FILE);
    expect(data.credentials).toEqual([{ access_key: DEMO.accessKey, secret_key: DEMO.secretKey }]);
    const instances = data.projects[DEMO.projectId].instances;
    expect(Object.fromEntries(Object.entries(instances).map(([id, i]) => [id, i.name]))).toEqual({
      [DEMO.instances.ordersCache]: 'orders-cache',
      [DEMO.instances.sessionsCache]: 'sessions-cache',
      [DEMO.instances.catalogCache]: 'catalog-cache',
      [DEMO.instances.feedCache]: 'feed-cache',
      [DEMO.instances.reportsCache]: 'reports-cache',
      [DEMO.instances.legacyCache]: 'legacy-cache',
    });
    expect(instances[DEMO.instances.legacyCache].bigkey_supported).toBe(false);
    // the key and autoscan gates' demo instances: a 20 MiB string key in feed-cache's latest successful scan, reports-cache's automatic scans off
    const feedLatest = instances[DEMO.instances.feedCache].tasks!.find((t) => t.status === 'success')!;
    expect(feedLatest.keys![0]).toMatchObject({ type: 'string', size: 20 * 1024 * 1024, shard: '192.168.3.21:6379', db: 0 });
    expect(instances[DEMO.instances.reportsCache].bigkey_autoscan).toMatchObject({ enable_auto_scan: false, schedule_at: [] });
    // the instances whose demo outcomes other tests and the README rely on keep their automatic scans on
    for (const name of ['ordersCache', 'sessionsCache', 'catalogCache'] as const) expect(instances[DEMO.instances[name]].bigkey_autoscan?.enable_auto_scan).toBe(true);
  });

  it.each<[string, unknown, RegExp]>([
    ['no credentials', { projects: {} }, /^invalid emulator data: credentials must be a non-empty array/],
    ['a credential without secret', { credentials: [{ access_key: 'AK' }], projects: {} }, /credentials\[0\]\.secret_key must be a non-empty string/],
    ['a repeated access key', { credentials: [...credentials, ...credentials], projects: {} }, /credentials\[1\]\.access_key repeats access key AK1/],
    ['a bad project id', { credentials, projects: { abc: { instances: {} } } }, /projects\["abc"\] must be a project id of 32 lowercase hex characters \(got "abc"\)/],
    ['a bad instance id', { credentials, projects: { [P]: { instances: { 'orders': {} } } } }, /instances\["orders"\] must be an instance id shaped like a lowercase UUID/],
    ['a typo in a field name', withInstance({ bigkey_suported: false }), /\.bigkey_suported is not a known field \(known: name, bigkey_supported/],
    ['a bad status', withInstance({ tasks: [task, { ...task, id: '00000000-0000-4000-8000-0000000000bb', status: 'done' }] }), /\.tasks\[1\]\.status must be one of waiting, running, success, failed \(got "done"\)/],
    ['a timestamp without milliseconds', withInstance({ tasks: [{ ...task, created_at: '2026-11-01T00:00:00Z' }] }), /\.tasks\[0\]\.created_at must be an ISO-8601 UTC timestamp with milliseconds/],
    ['a repeated task id', withInstance({ tasks: [task, task] }), /\.tasks\[1\]\.id repeats task id/],
    ['a zero interval', withInstance({ generate: { count: 1, start: task.created_at, interval_seconds: 0, seed: 's' } }), /\.generate\.interval_seconds must be a number of seconds >= 0\.001/],
    ['a bad lifecycle outcome', withInstance({ lifecycle: { outcome: 'maybe' } }), /\.lifecycle\.outcome must be one of success, failed/],
    ['a bad fault', { credentials, projects: {}, faults: [{ kind: 'throttle', retry_after_s: -1 }] }, /faults\[0\]\.retry_after_s must be an integer from 0/],
    ['a fault on an unknown route', { credentials, projects: {}, faults: [{ kind: 'reset', route: 'details' }] }, /faults\[0\]\.route must be one of list, show, create, delete, autoscan, hotkey_list/],
    ['an empty route list', { credentials, projects: {}, faults: [{ kind: 'reset', route: [] }] }, /faults\[0\]\.route must name at least one route/],
    ['an unknown malformed mode', { credentials, projects: {}, faults: [{ kind: 'malformed', mode: 'names' }] }, /faults\[0\]\.mode must be one of truncated, schema, keys/],
    ['keys on a failed task', withInstance({ tasks: [{ ...task, status: 'failed', keys: [] }] }), /\.tasks\[0\]\.keys are listed for a failed task: only a successful analysis has keys/],
    ['a key of an unknown type', withInstance({ tasks: [{ ...task, keys: [{ name: 'k', type: 'stream', size: 1 }] }] }), /\.tasks\[0\]\.keys\[0\]\.type must be one of string, list, set, zset, hash/],
    ['a string key counted in members', withInstance({ tasks: [{ ...task, keys: [{ name: 'k', type: 'string', size: 1, unit: 'count' }] }] }), /\.keys\[0\]\.unit must be "byte" for a string key/],
    ['a negative size', withInstance({ tasks: [{ ...task, keys: [{ name: 'k', type: 'hash', size: -1 }] }] }), /\.keys\[0\]\.size must be an integer from 0/],
    ['db 256', withInstance({ tasks: [{ ...task, keys: [{ name: 'k', type: 'set', size: 1, db: 256 }] }] }), /\.keys\[0\]\.db must be an integer from 0 to 255/],
    ['a shard without a port', withInstance({ tasks: [{ ...task, keys: [{ name: 'k', type: 'set', size: 1, shard: '192.168.0.1' }] }] }), /\.keys\[0\]\.shard must be "ip:port"/],
    ['freq on a big key', withInstance({ tasks: [{ ...task, keys: [{ name: 'k', type: 'set', size: 1, freq: 3 }] }] }), /\.keys\[0\]\.freq is not a known field/],
    ['a hot key without freq', withInstance({ hotkey_tasks: [{ ...task, keys: [{ name: 'k', type: 'set', size: 1 }] }] }), /\.hotkey_tasks\[0\]\.keys\[0\]\.freq must be an integer from 0 to 255/],
    ['freq 256', withInstance({ hotkey_tasks: [{ ...task, keys: [{ name: 'k', type: 'set', size: 1, freq: 256 }] }] }), /\.keys\[0\]\.freq must be an integer from 0 to 255 \(got 256\)/],
    ['101 keys', withInstance({ tasks: [{ ...task, keys: Array.from({ length: 101 }, (_, i) => ({ name: `k${i}`, type: 'set', size: 1 })) }] }), /\.tasks\[0\]\.keys has 101 keys: an analysis keeps at most 100/],
    ['autoscan without enable_auto_scan', withInstance({ bigkey_autoscan: { schedule_at: ['02:00'] } }), /\.bigkey_autoscan\.enable_auto_scan must be true or false/],
    ['a schedule time of 24:00', withInstance({ hotkey_autoscan: { enable_auto_scan: true, schedule_at: ['02:00', '24:00'] } }), /\.hotkey_autoscan\.schedule_at\[1\] must be a UTC time of day "HH:mm"/],
    ['a hot key generate block with a bad count', withInstance({ hotkey_generate: { count: -1, start: task.created_at, interval_seconds: 1, seed: 's' } }), /\.hotkey_generate\.count must be an integer from 0/],
  ])('rejects %s, naming the field', (_name, data, message) => {
    expect(() => validateEmulatorData(data)).toThrow(EmulatorDataError);
    expect(() => validateEmulatorData(data)).toThrow(message);
  });

  it('names the instance in the message and never shows a secret', () => {
    let error: unknown;
    try {
      validateEmulatorData(withInstance({ name: 42 }));
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(EmulatorDataError);
    expect((error as EmulatorDataError).field).toBe(`${instanceField}.name`);
    expect(() => validateEmulatorData({ credentials: [{ access_key: 'AK', secret_key: 7 }], projects: {} })).toThrow(/secret_key must be a non-empty string$/);
  });

  it('rejects the same instance id in two projects', () => {
    const other = 'b1b2c3d4e5f60718293a4b5c6d7e8f90';
    expect(() => validateEmulatorData({ credentials, projects: { [P]: { instances: { [I]: {} } }, [other]: { instances: { [I]: {} } } } })).toThrow(
      new RegExp(`is already defined in project ${P}`),
    );
  });

  it('names the file when it cannot be read or is not JSON', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'emulator-data-test-'));
    try {
      const missing = path.join(dir, 'missing.json');
      expect(() => loadEmulatorData(missing)).toThrow(`invalid emulator data in ${missing}: cannot read the file`);
      const broken = path.join(dir, 'broken.json');
      writeFileSync(broken, '{ "credentials": [');
      expect(() => loadEmulatorData(broken)).toThrow(`invalid emulator data in ${broken}: the file is not valid JSON`);
      const bad = path.join(dir, 'bad.json');
      writeFileSync(bad, JSON.stringify(withInstance({ lifecycle: { waiting_ms: 'soon' } })));
      expect(() => loadEmulatorData(bad)).toThrow(`invalid emulator data in ${bad}: ${instanceField}.lifecycle.waiting_ms must be an integer`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('generated keys', () => {
  it('are valid API keys of both kinds, the same for the same seed, at most five per task', () => {
    for (const kind of ['bigkey', 'hotkey'] as const) {
      const all = Array.from({ length: 200 }, (_, i) => generatedKeys(`seed#${i}`, kind));
      expect(all.map((keys) => keys.length).every((n) => n >= 0 && n <= 5)).toBe(true);
      expect(all.flat().length).toBeGreaterThan(200);
      expect(generatedKeys('seed#7', kind)).toEqual(all[7]);
      for (const keys of all) {
        const body = JSON.stringify({ id: 't-1', status: 'success', scan_type: 'auto', created_at: '2026-01-01T00:00:00.000Z', num: keys.length, keys });
        expect(parseDetailsResponse(body, { kind, taskId: 't-1', instanceId: I }).keys).toEqual(keys);
      }
    }
  });
});

describe('generated tasks', () => {
  const spec = { count: 300, start: '2026-01-01T00:00:00.000Z', interval_seconds: 90, seed: 'seed-a' };

  it('are the same for the same seed and differ for another', () => {
    const a = generateTasks(spec);
    expect(generateTasks(spec)).toEqual(a);
    const b = generateTasks({ ...spec, seed: 'seed-b' });
    expect(b.map((t) => t.created_at)).toEqual(a.map((t) => t.created_at));
    expect(b.filter((t, i) => t.id === a[i].id)).toEqual([]);
  });

  it('are finished, evenly spaced, with unique UUID-shaped ids and a mix of types and outcomes', () => {
    const tasks = generateTasks(spec);
    expect(tasks).toHaveLength(300);
    expect(new Set(tasks.map((t) => t.id)).size).toBe(300);
    tasks.forEach((t, i) => {
      expect(t.created_at).toBe(new Date(Date.parse(spec.start) + i * 90_000).toISOString());
      expect(t.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      expect(t.started_at! > t.created_at && t.finished_at! > t.started_at!).toBe(true);
    });
    const failed = tasks.filter((t) => t.status === 'failed').length;
    const manual = tasks.filter((t) => t.scan_type === 'manual').length;
    expect(failed).toBeGreaterThan(5);
    expect(failed).toBeLessThan(60);
    expect(manual).toBeGreaterThan(20);
    expect(manual).toBeLessThan(120);
    expect(tasks.every((t) => t.status === 'success' || t.status === 'failed')).toBe(true);
  });
});

describe('an in-process server with a large fleet and data-file faults', () => {
  const FLEET = 500;
  const fleetId = (n: number): string => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
  let server: RunningEmulator;
  let dcs: SignedRequester;

  beforeAll(async () => {
    const instances: Record<string, unknown> = {};
    for (let n = 0; n < FLEET; n++) {
      instances[fleetId(n)] = {
        name: `fleet-${n}`,
        tasks: n === 0 ? [{ ...task, id: '00000000-0000-4000-8000-0000000000cc', created_at: '2026-06-01T00:00:00.000Z' }] : undefined,
        generate: { count: 5000, start: '2026-01-01T00:00:00.000Z', interval_seconds: 3600, seed: `fleet-${n}` },
      };
    }
    const data = { credentials, projects: { [P]: { instances } }, faults: [{ kind: 'throttle', count: 1, instance_id: fleetId(7) }] } as unknown as EmulatorData;
    server = await startEmulatorServer({ data });
    dcs = new SignedRequester(server.url, { accessKey: 'AK1', secretKey: 'super-secret-value' });
  });

  afterAll(async () => {
    await dcs?.close();
    await server?.close();
  });

  it('serves pages of any instance of a 500 x 5000 fleet', async () => {
    for (let n = 100; n < 150; n++) {
      const body = (await dcs.send({ path: listPath(P, fleetId(n)), query: { offset: 4990, limit: 1000 } })).json();
      expect(body.count).toBe(5000);
      expect(body.records).toHaveLength(10);
      expect(body.records[9].created_at).toBe('2026-01-01T00:00:00.000Z');
    }
  });

  it('merges written tasks into the generated ones by time', async () => {
    const all = (await dcs.send({ path: listPath(P, fleetId(0)), query: { limit: 1000, offset: 1000 } })).json();
    expect(all.count).toBe(5001);
    const created = all.records.map((r: { created_at: string }) => r.created_at);
    expect([...created].sort().reverse()).toEqual(created);
    expect(all.records.map((r: { id: string }) => r.id)).toContain('00000000-0000-4000-8000-0000000000cc');
  });

  it('shows, filters and deletes generated tasks by id', async () => {
    const instance = fleetId(1);
    const newest = (await dcs.send({ path: listPath(P, instance), query: { limit: 1 } })).json().records[0];
    const details = (await dcs.send({ path: taskPath(P, instance, newest.id) })).json();
    expect(details).toMatchObject({ ...newest, num: details.keys.length });
    const failedBefore = (await dcs.send({ path: listPath(P, instance), query: { status: 'failed' } })).json().count;
    const successBefore = (await dcs.send({ path: listPath(P, instance), query: { status: 'success' } })).json().count;
    expect(failedBefore + successBefore).toBe(5000);
    expect((await dcs.send({ method: 'DELETE', path: taskPath(P, instance, newest.id) })).status).toBe(204);
    expect((await dcs.send({ path: taskPath(P, instance, newest.id) })).status).toBe(404);
    const after = (await dcs.send({ path: listPath(P, instance), query: { limit: 1 } })).json();
    expect(after.count).toBe(4999);
    expect(after.records[0].id).not.toBe(newest.id);
    const byStatus = (await dcs.send({ path: listPath(P, instance), query: { status: newest.status } })).json().count;
    expect(byStatus).toBe((newest.status === 'failed' ? failedBefore : successBefore) - 1);
  });

  it('applies the faults listed in the data file', async () => {
    const first = await dcs.send({ path: listPath(P, fleetId(7)) });
    expect(first.status).toBe(429);
    expect((await dcs.send({ path: listPath(P, fleetId(7)) })).status).toBe(200);
  });
});
