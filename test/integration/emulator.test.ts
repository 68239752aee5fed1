/**
 * The DCS emulator over real sockets, run as a separate process exactly as users run it
 * (spawnEmulator → `dcs-bigkey emulator --port 0`).
 */
import { readFileSync } from 'node:fs';
import { TASK_STATUSES } from '../../lib/client/types';
import { BUNDLED_DEMO_DATA_FILE, DEMO, EmulatorData, FaultSpec } from '../../lib/emulator';
import { EmulatorResponse, listPath, sleep, taskPath, useSignedEmulator } from '../support/emulator-requests';

const P: string = DEMO.projectId;
const ORDERS = DEMO.instances.ordersCache;
const SESSIONS = DEMO.instances.sessionsCache;
const CATALOG = DEMO.instances.catalogCache;
const LEGACY = DEMO.instances.legacyCache;
/** A second project for instances the tests create at run time. */
const TP = 'a1b2c3d4e5f60718293a4b5c6d7e8f90';
const TEMP = { accessKey: 'DCSEMULATORTEMPAK002', secretKey: 'temp-secret-do-not-echo-1234567890', token: 'temp-session-token-abc' };
const id = (n: number): string => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
const ISO_MS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

const ctx = useSignedEmulator(() => {
  const demo = JSON.parse(readFileSync(BUNDLED_DEMO_DATA_FILE, 'utf8')) as EmulatorData;
  return { ...demo, credentials: [...demo.credentials, { access_key: TEMP.accessKey, secret_key: TEMP.secretKey, security_token: TEMP.token }] };
});

const list = (instanceId: string, query?: Record<string, string | number>, project = P): Promise<EmulatorResponse> =>
  ctx.dcs.send({ path: listPath(project, instanceId), query });

/** A run-time instance with `n` finished tasks one minute apart (newest = task n). */
async function putInstance(instanceId: string, n: number, extra: Record<string, unknown> = {}): Promise<void> {
  const start = Date.parse('2026-11-01T00:00:00.000Z');
  const tasks = Array.from({ length: n }, (_, i) => ({
    id: id(1000 + i),
    status: 'success',
    scan_type: 'auto',
    created_at: new Date(start + i * 60_000).toISOString(),
    started_at: new Date(start + i * 60_000 + 1000).toISOString(),
    finished_at: new Date(start + i * 60_000 + 5000).toISOString(),
  }));
  await ctx.emulator.admin.putInstance(instanceId, { project_id: TP, tasks: tasks as never, ...extra });
}

describe('listing tasks', () => {
  it('serves the demo instance newest first with the default limit of 10 and the total count', async () => {
    const response = await list(ORDERS);
    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toMatch(/^application\/json/);
    const body = response.json();
    expect(body.instance_id).toBe(ORDERS);
    expect(body.count).toBe(12);
    expect(body.records).toHaveLength(10);
    const created = body.records.map((r: { created_at: string }) => r.created_at);
    expect([...created].sort().reverse()).toEqual(created);
    expect(body.records[0]).toMatchObject({ scan_type: 'auto', status: 'success' });
    expect(body.records[0].finished_at.startsWith('2026-11-28')).toBe(true);
    for (const record of body.records) {
      expect(Object.keys(record)).toEqual(['id', 'status', 'scan_type', 'created_at', 'started_at', 'finished_at']);
      expect(record.created_at).toMatch(ISO_MS);
    }
  });

  it('has the demo instances described in the docs', async () => {
    const sessions = (await list(SESSIONS)).json();
    expect(sessions.count).toBe(8);
    expect(sessions.records[0]).toMatchObject({ scan_type: 'auto', status: 'failed' });
    expect(sessions.records[0].started_at).toMatch(ISO_MS);
    expect(sessions.records[0].finished_at).toMatch(ISO_MS);
    expect(sessions.records.some((r: { scan_type: string; status: string }) => r.scan_type === 'auto' && r.status === 'success')).toBe(true);

    const catalog = (await list(CATALOG)).json();
    expect(catalog.count).toBe(5);
    const running = catalog.records.find((r: { status: string }) => r.status === 'running');
    const waiting = catalog.records.find((r: { status: string }) => r.status === 'waiting');
    expect(running).toMatchObject({ scan_type: 'manual' });
    expect(running.started_at).toMatch(ISO_MS);
    expect('finished_at' in running).toBe(false); // absent, as the data file has it
    expect('started_at' in waiting).toBe(false);
    const newestAuto = catalog.records.find((r: { scan_type: string }) => r.scan_type === 'auto');
    expect(newestAuto.status).toBe('success');

    const orders = (await list(ORDERS, { limit: 1000 })).json();
    const failedAuto = orders.records.filter((r: { scan_type: string; status: string }) => r.scan_type === 'auto' && r.status === 'failed');
    expect(failedAuto).toHaveLength(1);
    expect(orders.records.filter((r: { scan_type: string }) => r.scan_type === 'manual').length).toBeGreaterThanOrEqual(3);
    const all = [...orders.records, ...sessions.records, ...catalog.records];
    for (const r of all) expect(r.created_at >= '2026-11-14' && r.created_at < '2026-11-29').toBe(true);
  });

  it('applies offset, limit and status, with count covering all pages of the filter', async () => {
    const full = (await list(ORDERS, { limit: 1000 })).json();
    expect(full.records).toHaveLength(12);

    const page2 = (await list(ORDERS, { offset: 10, limit: 10 })).json();
    expect(page2.count).toBe(12);
    expect(page2.records).toEqual(full.records.slice(10));

    const pages = [];
    for (let offset = 0; offset < 12; offset += 5) pages.push(...(await list(ORDERS, { offset, limit: 5 })).json().records);
    expect(pages).toEqual(full.records);

    const past = (await list(ORDERS, { offset: 12 })).json();
    expect(past).toEqual({ instance_id: ORDERS, count: 12, records: [] });

    const one = (await list(ORDERS, { offset: 3, limit: 1 })).json();
    expect(one.records).toEqual([full.records[3]]);

    const failed = (await list(ORDERS, { status: 'failed' })).json();
    expect(failed.count).toBe(1);
    expect(failed.records.every((r: { status: string }) => r.status === 'failed')).toBe(true);
    const success = (await list(ORDERS, { status: 'success', offset: 10 })).json();
    expect(success.count).toBe(11);
    expect(success.records).toHaveLength(1);
    expect((await list(ORDERS, { status: 'running' })).json()).toEqual({ instance_id: ORDERS, count: 0, records: [] });
    const waiting = (await list(CATALOG, { status: 'waiting' })).json();
    expect(waiting.count).toBe(1);
    expect(waiting.records[0].status).toBe('waiting');
  });

  it('orders newest first by created_at, ties by id, whatever the data order', async () => {
    const at = (minute: number): string => new Date(Date.parse('2026-11-10T00:00:00.000Z') + minute * 60_000).toISOString();
    const task = (n: number, minute: number) => ({ id: id(n), status: 'success', scan_type: 'manual', created_at: at(minute) });
    await ctx.emulator.admin.putInstance(id(1), { project_id: TP, tasks: [task(5, 1), task(3, 7), task(9, 7), task(1, 4), task(2, 7), task(4, 0)] as never });
    const body = (await list(id(1), undefined, TP)).json();
    expect(body.records.map((r: { id: string }) => r.id)).toEqual([id(2), id(3), id(9), id(1), id(5), id(4)]);
  });

  it.each([
    ['limit', '0'],
    ['limit', '1001'],
    ['limit', 'abc'],
    ['limit', ''],
    ['limit', '2.5'],
    ['offset', '-1'],
    ['offset', 'x'],
    ['status', 'done'],
    ['status', 'SUCCESS'],
  ])('answers 400 naming the parameter for %s=%j', async (name, value) => {
    const response = await list(ORDERS, { [name]: value });
    expect(response.status).toBe(400);
    const body = response.json();
    expect(body.error_code).toBe('DCS.4000');
    expect(body.error_ext_msg).toBeNull();
    expect(body.error_msg).toContain(`${name}=${JSON.stringify(value)}`);
  });

  it('accepts the boundary values limit=1, limit=1000 and offset=0', async () => {
    expect((await list(ORDERS, { limit: 1 })).json().records).toHaveLength(1);
    expect((await list(ORDERS, { limit: 1000, offset: 0 })).json().records).toHaveLength(12);
  });
});

describe('authentication', () => {
  const path = listPath(P, ORDERS);

  async function expect401(response: EmulatorResponse, reason: RegExp): Promise<void> {
    expect(response.status).toBe(401);
    const body = response.json();
    expect(body.error_code).toBe('APIGW.0301');
    expect(body.error_msg).toMatch(/^Incorrect IAM authentication information: /);
    expect(body.error_msg).toMatch(reason);
    expect(response.text).not.toContain(DEMO.secretKey);
    expect(response.text).not.toContain(TEMP.secretKey);
  }

  it('rejects a bad signature, a wrong secret and an unknown access key', async () => {
    await expect401(await ctx.dcs.send({ path, tamperSignature: true }), /signature does not match/);
    await expect401(await ctx.dcs.send({ path, secretKey: 'not-the-secret' }), /signature does not match/);
    await expect401(await ctx.dcs.send({ path, accessKey: 'NOSUCHAK' }), /unknown access key NOSUCHAK/);
    await expect401(await ctx.dcs.send({ path, unsigned: true }), /missing Authorization/);
    await expect401(await ctx.dcs.send({ path, signedHeadersClaim: 'content-type;host;x-project-id' }), /SignedHeaders must include x-sdk-date/);
    await expect401(await ctx.dcs.send({ path, signedHeadersClaim: 'content-type;x-project-id;x-sdk-date' }), /SignedHeaders must include host/);
    await expect401(await ctx.dcs.send({ path, signedHeadersClaim: 'host;x-custom;x-sdk-date' }), /signed header x-custom is not in the request/);
    await expect401(await ctx.dcs.send({ path, signedHeadersClaim: 'host;x-sdk-date' }), /signature does not match/);
  });

  it('rejects an X-Sdk-Date more than 15 minutes from the server clock, either way', async () => {
    const minutes = (n: number): Date => new Date(Date.now() + n * 60_000);
    await expect401(await ctx.dcs.send({ path, date: minutes(-16) }), /signature expired/);
    await expect401(await ctx.dcs.send({ path, date: minutes(16) }), /signature expired/);
    expect((await ctx.dcs.send({ path, date: minutes(-14) })).status).toBe(200);
    expect((await ctx.dcs.send({ path, date: minutes(14) })).status).toBe(200);
  });

  it('requires X-Project-Id equal to the project in the path', async () => {
    await expect401(await ctx.dcs.send({ path, projectIdHeader: null }), /missing X-Project-Id/);
    await expect401(await ctx.dcs.send({ path, projectIdHeader: TP }), new RegExp(`X-Project-Id ${TP} does not match the project id ${P}`));
  });

  it('requires the signed security token of temporary credentials', async () => {
    const temp = { path, accessKey: TEMP.accessKey, secretKey: TEMP.secretKey };
    expect((await ctx.dcs.send({ ...temp, securityToken: TEMP.token })).status).toBe(200);
    await expect401(await ctx.dcs.send(temp), /X-Security-Token header is required/);
    await expect401(await ctx.dcs.send({ ...temp, securityToken: 'other-token' }), /X-Security-Token does not match/);
  });

  it('verifies the signature over the query string too', async () => {
    // A request altered after signing (here: its query) must fail.
    expect((await ctx.dcs.send({ path, query: { limit: 5 } })).status).toBe(200);
    await expect401(await ctx.dcs.send({ path, query: { limit: 5 }, wireQuery: { limit: 6 } }), /signature does not match/);
    await expect401(await ctx.dcs.send({ path, query: { limit: 5 }, wireQuery: {} }), /signature does not match/);
  });
});

describe('not found and unsupported', () => {
  it('answers 404 for an unknown project, instance, task or route', async () => {
    const unknownProject = await list(ORDERS, undefined, 'ffffffffffffffffffffffffffffffff');
    expect(unknownProject.status).toBe(404);
    expect(unknownProject.json()).toEqual({ error_code: 'DCS.4004', error_msg: expect.stringContaining('ffffffffffffffffffffffffffffffff'), error_ext_msg: null });

    const unknownInstance = await list(id(404));
    expect(unknownInstance.status).toBe(404);
    expect(unknownInstance.json().error_msg).toContain(id(404));

    for (const method of ['GET', 'DELETE'] as const) {
      const response = await ctx.dcs.send({ method, path: taskPath(P, ORDERS, id(405)) });
      expect(response.status).toBe(404);
      expect(response.json().error_msg).toContain(id(405));
    }

    for (const path of [`/v2/${P}/instances/${ORDERS}/expired-key-tasks`, `/v2/${P}/instances/${ORDERS}/bigkey/autoscan/x`]) {
      const route = await ctx.dcs.send({ path });
      expect(route.status).toBe(404);
      expect(route.json().error_code).toBe('APIGW.0101');
    }
    const hotTask = await ctx.dcs.send({ path: `/v2/${P}/instances/${ORDERS}/hotkey-task/${id(406)}` });
    expect(hotTask.status).toBe(404);
    expect(hotTask.json().error_msg).toContain(`hot key analysis task ${id(406)}`);
  });

  it('answers 400 DCS.4919 on every bigkey route of an instance without big key analysis', async () => {
    const responses = [
      await list(LEGACY),
      await ctx.dcs.send({ method: 'POST', path: taskPath(P, LEGACY) }),
      await ctx.dcs.send({ path: taskPath(P, LEGACY, id(1)) }),
      await ctx.dcs.send({ method: 'DELETE', path: taskPath(P, LEGACY, id(1)) }),
    ];
    for (const response of responses) {
      expect(response.status).toBe(400);
      expect(response.json()).toEqual({ error_code: 'DCS.4919', error_msg: 'Does not support bigkey analyze.', error_ext_msg: null });
    }
  });

  it('puts a unique X-Request-Id and X-Dcs-Emulator on every response', async () => {
    const created = (await ctx.dcs.send({ method: 'POST', path: taskPath(P, ORDERS) })).json();
    const { request } = await import('undici');
    const responses = [
      await list(ORDERS),
      await list(ORDERS, { limit: 0 }),
      await ctx.dcs.send({ path: listPath(P, ORDERS), tamperSignature: true }),
      await list(id(404)),
      await ctx.dcs.send({ path: '/nowhere' }),
      await ctx.dcs.send({ method: 'DELETE', path: taskPath(P, ORDERS, created.id) }),
    ];
    const admin = await request(`${ctx.emulator.url}/_emulator/health`);
    await admin.body.dump();
    const headers = [...responses.map((r) => r.headers), admin.headers];
    expect(responses.map((r) => r.status)).toEqual([200, 400, 401, 404, 404, 204]);
    const ids = headers.map((h) => h['x-request-id']);
    for (const [i, h] of headers.entries()) {
      expect(ids[i]).toMatch(/^[0-9a-f]{32}$/);
      expect(h['x-dcs-emulator']).toBe('1');
      expect(h['content-type']).toMatch(/^application\/json/);
    }
    expect(new Set(ids).size).toBe(ids.length);
    // Gateway errors carry it in the body as well.
    expect(responses[2].json().request_id).toBe(ids[2]);
  });
});

describe('task lifecycle', () => {
  async function followUntilFinished(instanceId: string): Promise<{ created: any; seen: string[]; final: any }> {
    const response = await ctx.dcs.send({ method: 'POST', path: taskPath(TP, instanceId) });
    expect(response.status).toBe(200);
    const created = response.json();
    const seen: string[] = [created.status];
    let final = created;
    const deadline = Date.now() + 5_000;
    while (!['success', 'failed'].includes(final.status) && Date.now() < deadline) {
      await sleep(25);
      final = (await ctx.dcs.send({ path: taskPath(TP, instanceId, created.id) })).json();
      if (seen[seen.length - 1] !== final.status) seen.push(final.status);
    }
    return { created, seen, final };
  }

  it('moves a created task waiting → running → success on the instance lifecycle', async () => {
    await putInstance(id(10), 3, { lifecycle: { waiting_ms: 200, running_ms: 400, outcome: 'success' } });
    const { created, seen, final } = await followUntilFinished(id(10));
    expect(created).toEqual({ id: expect.stringMatching(/^[0-9a-f-]{36}$/), status: 'waiting', scan_type: 'manual', created_at: expect.stringMatching(ISO_MS), started_at: null, finished_at: null });
    expect(seen).toEqual(['waiting', 'running', 'success']);
    const createdMs = Date.parse(created.created_at);
    expect(Date.parse(final.started_at) - createdMs).toBe(200);
    expect(Date.parse(final.finished_at) - createdMs).toBe(600);
    expect(final.num).toBe(final.keys.length);
    expect(final.keys.length).toBeGreaterThan(0);

    const listed = (await list(id(10), undefined, TP)).json();
    expect(listed.count).toBe(4);
    expect(listed.records[0]).toEqual({ id: created.id, status: 'success', scan_type: 'manual', created_at: created.created_at, started_at: final.started_at, finished_at: final.finished_at });
  });

  it('reflects live statuses in the status filter and ends failed when the outcome says so', async () => {
    await putInstance(id(11), 2, { lifecycle: { waiting_ms: 200, running_ms: 600, outcome: 'failed' } });
    const created = (await ctx.dcs.send({ method: 'POST', path: taskPath(TP, id(11)) })).json();
    const waiting = (await list(id(11), { status: 'waiting' }, TP)).json();
    expect(waiting.records.map((r: { id: string }) => r.id)).toEqual([created.id]);
    await sleep(300); // running from 200 ms to 800 ms after creation
    const running = (await list(id(11), { status: 'running' }, TP)).json();
    expect(running.records.map((r: { id: string; status: string }) => [r.id, r.status])).toEqual([[created.id, 'running']]);
    expect((await list(id(11), { status: 'waiting' }, TP)).json().count).toBe(0);
    await sleep(Math.max(0, Date.parse(created.created_at) + 850 - Date.now()));
    const failed = (await list(id(11), { status: 'failed' }, TP)).json();
    expect(failed.records).toEqual([expect.objectContaining({ id: created.id, status: 'failed', finished_at: expect.stringMatching(ISO_MS) })]);
    const details = (await ctx.dcs.send({ path: taskPath(TP, id(11), created.id) })).json();
    expect(details).toMatchObject({ status: 'failed', num: 0, keys: [] });
  });

  it('deletes a task: 204, then 404 for it, and the count drops', async () => {
    await putInstance(id(12), 3);
    const created = (await ctx.dcs.send({ method: 'POST', path: taskPath(TP, id(12)) })).json();
    expect((await list(id(12), undefined, TP)).json().count).toBe(4);
    const deleted = await ctx.dcs.send({ method: 'DELETE', path: taskPath(TP, id(12), created.id) });
    expect(deleted.status).toBe(204);
    expect(deleted.text).toBe('');
    expect((await ctx.dcs.send({ path: taskPath(TP, id(12), created.id) })).status).toBe(404);
    expect((await ctx.dcs.send({ method: 'DELETE', path: taskPath(TP, id(12), created.id) })).status).toBe(404);
    const after = (await list(id(12), undefined, TP)).json();
    expect(after.count).toBe(3);
    expect(after.records.map((r: { id: string }) => r.id)).not.toContain(created.id);
  });
});

describe('fault injection', () => {
  const addFaults = (faults: FaultSpec | FaultSpec[]): Promise<string[]> => ctx.emulator.admin.addFaults(faults);

  it('latency delays the response and shows in the stats', async () => {
    await addFaults({ kind: 'latency', ms: 300, instance_id: ORDERS });
    const started = Date.now();
    expect((await list(ORDERS)).status).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
    expect((await list(SESSIONS)).status).toBe(200); // other instance: no latency (see the log below)
    const stats = await ctx.emulator.admin.stats();
    const entry = stats.log.find((e) => e.instance_id === ORDERS)!;
    expect(entry.ended_ms - entry.started_ms).toBeGreaterThanOrEqual(299);
    const other = stats.log.find((e) => e.instance_id === SESSIONS)!;
    expect(other.ended_ms - other.started_ms).toBeLessThan(299);
  });

  it('throttle answers 429 APIGW.0308 with Retry-After, and a count rule is spent after N', async () => {
    const [faultId] = await addFaults({ kind: 'throttle', count: 2, retry_after_s: 0 });
    const statuses = [];
    for (let i = 0; i < 4; i++) {
      const response = await list(ORDERS);
      statuses.push(response.status);
      if (response.status === 429) {
        expect(response.headers['retry-after']).toBe('0');
        expect(response.json()).toMatchObject({ error_code: 'APIGW.0308', error_msg: 'The throttling threshold has been reached' });
      }
    }
    expect(statuses).toEqual([429, 429, 200, 200]);
    const [state] = await ctx.emulator.admin.listFaults();
    expect(state).toMatchObject({ id: faultId, hits: 2, spent: true });

    await addFaults({ kind: 'throttle' }); // default Retry-After
    expect((await list(ORDERS)).headers['retry-after']).toBe('1');
  });

  it('error answers the configured 5xx status with an error body', async () => {
    await addFaults({ kind: 'error', status: 503, count: 1 });
    const unavailable = await list(ORDERS);
    expect(unavailable.status).toBe(503);
    expect(unavailable.json().error_code).toMatch(/^APIGW\./);
    await addFaults({ kind: 'error', count: 1 });
    const internal = await list(ORDERS);
    expect(internal.status).toBe(500);
    expect(internal.json()).toEqual({ error_code: 'DCS.5000', error_msg: 'Internal service error.', error_ext_msg: null });
    expect((await list(ORDERS)).status).toBe(200);
  });

  it('reset closes the connection without a response', async () => {
    await addFaults({ kind: 'reset', count: 1 });
    await expect(list(ORDERS)).rejects.toThrow(/closed|socket|reset/i);
    expect((await list(ORDERS)).status).toBe(200);
    const stats = await ctx.emulator.admin.stats();
    expect(stats.by_instance[ORDERS].statuses).toEqual({ '0': 1, '200': 1 });
  });

  it('malformed truncated sends a cut-off JSON body with status 200', async () => {
    const normal = (await list(ORDERS)).text;
    await addFaults({ kind: 'malformed', mode: 'truncated', count: 1 });
    const broken = await list(ORDERS);
    expect(broken.status).toBe(200);
    expect(() => broken.json()).toThrow(SyntaxError);
    expect(broken.text.length).toBeGreaterThan(0);
    expect(normal.startsWith(broken.text)).toBe(true);
    expect(broken.text.length).toBeLessThan(normal.length);
  });

  it('malformed schema sends valid JSON with an unknown status and no created_at', async () => {
    await addFaults({ kind: 'malformed', mode: 'schema', count: 1 });
    const response = await list(ORDERS);
    expect(response.status).toBe(200);
    const body = response.json();
    expect(body.count).toBe(12);
    expect(TASK_STATUSES as readonly string[]).not.toContain(body.records[0].status);
    expect(body.records[0]).not.toHaveProperty('created_at');
    expect(body.records[1].created_at).toMatch(ISO_MS);
  });

  it('mutate inserts a newest task after each served page, shifting later pages', async () => {
    await putInstance(id(20), 12);
    await addFaults({ kind: 'mutate', instance_id: id(20) });
    const first = (await list(id(20), { limit: 5 }, TP)).json();
    expect(first.count).toBe(12);
    const second = (await list(id(20), { offset: 5, limit: 5 }, TP)).json();
    expect(second.count).toBe(13);
    expect(second.records[0]).toEqual(first.records[4]); // the page boundary moved by one
    const front = (await list(id(20), { limit: 2 }, TP)).json();
    expect(front.records.map((r: { scan_type: string; status: string }) => [r.scan_type, r.status])).toEqual([
      ['auto', 'running'],
      ['auto', 'running'],
    ]);
    expect(front.count).toBe(14);
  });

  it('mutate with keep_count also drops the oldest task, so count stays the same', async () => {
    await putInstance(id(21), 12);
    const oldest = id(1000);
    await addFaults({ kind: 'mutate', instance_id: id(21), keep_count: true });
    const first = (await list(id(21), { limit: 5 }, TP)).json();
    const second = (await list(id(21), { offset: 5, limit: 5 }, TP)).json();
    expect([first.count, second.count]).toEqual([12, 12]);
    expect(second.records[0]).toEqual(first.records[4]);
    await ctx.emulator.admin.clearFaults();
    const all = (await list(id(21), { limit: 1000 }, TP)).json();
    expect(all.count).toBe(12);
    expect(all.records.map((r: { id: string }) => r.id)).not.toContain(oldest);
    expect(all.records.filter((r: { status: string }) => r.status === 'running')).toHaveLength(2);
  });

  it('ratio selection hits exactly a fifth of 100 requests, evenly', async () => {
    await addFaults({ kind: 'throttle', ratio: 0.2, retry_after_s: 0, instance_id: SESSIONS });
    const statuses: number[] = [];
    for (let i = 0; i < 100; i++) statuses.push((await list(SESSIONS, { limit: 1 })).status);
    const hit = statuses.flatMap((status, i) => (status === 429 ? [i + 1] : []));
    expect(hit).toEqual(Array.from({ length: 20 }, (_, i) => (i + 1) * 5));
    expect(statuses.filter((s) => s === 200)).toHaveLength(80);
    const stats = await ctx.emulator.admin.stats();
    expect(stats.by_instance[SESSIONS]).toMatchObject({ list_requests: 100, statuses: { '200': 80, '429': 20 } });
  });

  it('every selection hits every Nth request; route and instance_id narrow what matches', async () => {
    await addFaults({ kind: 'error', status: 502, every: 3, instance_id: CATALOG });
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) statuses.push((await list(CATALOG)).status);
    expect(statuses).toEqual([200, 200, 502, 200, 200, 502]);
    expect((await list(ORDERS)).status).toBe(200); // another instance
    await ctx.emulator.admin.clearFaults();

    await putInstance(id(22), 1);
    await addFaults({ kind: 'throttle', instance_id: id(22) }); // route "list" by default
    expect((await ctx.dcs.send({ method: 'POST', path: taskPath(TP, id(22)) })).status).toBe(200);
    await addFaults({ kind: 'throttle', route: 'any', instance_id: id(22) });
    expect((await ctx.dcs.send({ method: 'POST', path: taskPath(TP, id(22)) })).status).toBe(429);
  });

  it('plays a rogue server: a lying count, a huge body (declared or chunked), a redirect', async () => {
    await addFaults({ kind: 'bad_count', value: 1e15, instance_id: ORDERS, count: 1 });
    const lying = (await list(ORDERS)).json();
    expect(lying.count).toBe(1e15);
    expect(lying.records).toHaveLength(10); // the records are the real ones
    expect((await list(ORDERS)).json().count).toBe(12);

    await addFaults([{ kind: 'huge', mib: 1, instance_id: SESSIONS, count: 1 }, { kind: 'huge', mib: 1, length: 'chunked', instance_id: CATALOG, count: 1 }]);
    const declared = await list(SESSIONS);
    expect([declared.status, declared.headers['content-length'], declared.text.length]).toEqual([200, String(1024 * 1024), 1024 * 1024]);
    expect(declared.json()).toEqual({ instance_id: SESSIONS, count: 0, records: [] }); // spaces between valid JSON
    const chunked = await list(CATALOG);
    expect([chunked.status, chunked.headers['content-length'], chunked.headers['transfer-encoding'], chunked.text.length]).toEqual([200, undefined, 'chunked', 1024 * 1024]);

    await addFaults({ kind: 'redirect', instance_id: LEGACY, count: 1 });
    const redirected = await list(LEGACY);
    expect([redirected.status, redirected.headers.location, redirected.text]).toEqual([302, 'https://dcs.example.invalid/', '']);
    await addFaults({ kind: 'redirect', status: 308, location: 'https://elsewhere.example.invalid/x', instance_id: LEGACY, count: 1 });
    expect((await list(LEGACY)).headers.location).toBe('https://elsewhere.example.invalid/x');
    await expect(addFaults({ kind: 'redirect', status: 304 } as unknown as FaultSpec)).rejects.toThrow(/body\.status must be one of 301, 302, 303, 307, 308 \(got 304\)/);
    await expect(addFaults({ kind: 'huge', mib: 2048 } as FaultSpec)).rejects.toThrow(/body\.mib/);
    await expect(addFaults({ kind: 'bad_count' } as FaultSpec)).rejects.toThrow(/body\.value/);
  });

  it('rejects an invalid fault rule, naming the field', async () => {
    await expect(addFaults({ kind: 'throttle', ratio: 1.5 } as FaultSpec)).rejects.toThrow(/body\.ratio must be a number with 0 < ratio <= 1/);
    await expect(addFaults([{ kind: 'latency', ms: 1 }, { kind: 'explode' } as never])).rejects.toThrow(/body\[1\]\.kind must be one of latency/);
    await expect(addFaults({ kind: 'reset', count: 1, every: 2 })).rejects.toThrow(/at most one of count, every, ratio/);
    expect(await ctx.emulator.admin.listFaults()).toEqual([]);
  });
});

describe('stats', () => {
  it('reports the maximum number of requests in flight, counting injected latency', async () => {
    await addLatency(300);
    const responses = await Promise.all(Array.from({ length: 6 }, (_, i) => list(ORDERS, { offset: i, limit: 1 })));
    expect(responses.map((r) => r.status)).toEqual([200, 200, 200, 200, 200, 200]);
    const stats = await ctx.emulator.admin.stats();
    expect(stats).toMatchObject({ requests: 6, list_requests: 6, in_flight: 0, max_in_flight: 6 });
    expect(stats.by_instance[ORDERS]).toEqual({ requests: 6, list_requests: 6, routes: { list: 6 }, max_in_flight: 6, statuses: { '200': 6 } });
    expect(stats.routes).toEqual({ list: 6 });
    expect(stats.log.map((e) => e.query.offset).sort()).toEqual(['0', '1', '2', '3', '4', '5']);
    expect(stats.log[0]).toMatchObject({ method: 'GET', path: listPath(P, ORDERS), status: 200, instance_id: ORDERS });

    await ctx.emulator.admin.clearFaults();
    await ctx.emulator.admin.resetStats();
    for (let i = 0; i < 3; i++) await list(ORDERS);
    await ctx.dcs.send({ method: 'POST', path: taskPath(P, CATALOG) });
    const sequential = await ctx.emulator.admin.stats();
    expect(sequential).toMatchObject({ requests: 4, list_requests: 3, max_in_flight: 1 });
    expect(sequential.log).toHaveLength(4);
  });

  async function addLatency(ms: number): Promise<void> {
    await ctx.emulator.admin.addFaults({ kind: 'latency', ms, instance_id: ORDERS });
  }
});

describe('admin instances and generated data', () => {
  it('generates 2537 deterministic tasks and pages through them', async () => {
    const generate = { count: 2537, start: '2026-01-01T00:00:00.000Z', interval_seconds: 3600, seed: 'emulator-test' };
    const summary = await ctx.emulator.admin.putInstance(id(30), { project_id: TP, name: 'big', generate });
    expect(summary).toEqual({ project_id: TP, instance_id: id(30), name: 'big', bigkey_supported: true, task_count: 2537, hotkey_task_count: 0 });

    const records = [];
    for (let offset = 0; ; offset += 1000) {
      const page = (await list(id(30), { offset, limit: 1000 }, TP)).json();
      expect(page.count).toBe(2537);
      records.push(...page.records);
      if (page.records.length < 1000) break;
    }
    expect(records).toHaveLength(2537);
    expect(new Set(records.map((r) => r.id)).size).toBe(2537);
    expect(records[0].created_at).toBe(new Date(Date.parse(generate.start) + 2536 * 3_600_000).toISOString());
    expect(records[2536].created_at).toBe(generate.start);
    for (const r of records) {
      expect(r.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      expect(['success', 'failed']).toContain(r.status);
      expect(r.finished_at > r.started_at && r.started_at > r.created_at).toBe(true);
    }
    const failed = (await list(id(30), { status: 'failed', limit: 1 }, TP)).json().count;
    const success = (await list(id(30), { status: 'success', limit: 1 }, TP)).json().count;
    expect(failed + success).toBe(2537);
    expect(failed).toBeGreaterThan(0);
    expect(failed).toBeLessThan(2537 / 4);
    expect(new Set(records.map((r) => r.scan_type))).toEqual(new Set(['auto', 'manual']));

    // Same seed, same tasks: replacing the instance serves identical pages.
    await ctx.emulator.admin.putInstance(id(30), { project_id: TP, generate });
    expect((await list(id(30), { limit: 50 }, TP)).json().records).toEqual(records.slice(0, 50));
  });

  it('validates PUT bodies, naming the bad field, and deletes instances', async () => {
    await expect(ctx.emulator.admin.putInstance(id(31), { project_id: TP, tasks: [{ id: id(1), status: 'done', scan_type: 'auto', created_at: '2026-11-01T00:00:00.000Z' }] as never })).rejects.toThrow(
      /tasks\[0\]\.status must be one of waiting, running, success, failed \(got "done"\)/,
    );
    await expect(ctx.emulator.admin.putInstance(id(31), { project_id: 'nope' })).rejects.toThrow(/project_id must be a project id/);
    await expect(ctx.emulator.admin.putInstance(id(31), { project_id: TP, lifecycle: { waiting_ms: -1 } })).rejects.toThrow(/lifecycle\.waiting_ms must be an integer/);

    await ctx.emulator.admin.putInstance(id(31), { project_id: TP, bigkey_supported: false });
    expect((await list(id(31), undefined, TP)).json().error_code).toBe('DCS.4919');
    await ctx.emulator.admin.putInstance(id(31), { project_id: TP });
    expect((await list(id(31), undefined, TP)).json()).toEqual({ instance_id: id(31), count: 0, records: [] });
    await ctx.emulator.admin.deleteInstance(id(31));
    expect((await list(id(31), undefined, TP)).status).toBe(404);
    await expect(ctx.emulator.admin.deleteInstance(id(31))).rejects.toMatchObject({ status: 404 });
    const health = await ctx.emulator.admin.health();
    expect(health.status).toBe('ok');
    expect(health.instances).toBeGreaterThanOrEqual(4);
  });
});
