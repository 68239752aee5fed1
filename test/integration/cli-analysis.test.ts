/**
 * The commands beyond the big key task list, as users run them: the BUILT executable in a real
 * process against the emulator in another, over real sockets. `keys` (the operator's view, names
 * included), `autoscan`, `tasks --hot`, and `gate` with the key and autoscan policies: they
 * block what they should, say why (type, size, shard, db; never a key's name), fail closed when
 * the extra requests fail, and send those requests only when a policy needs them.
 */
import * as path from 'node:path';
import { writeFileSync } from 'node:fs';
import { DEMO } from '../../lib/emulator';
import { CliRun, demoEnv, expectGateJsonSchema, requireBuiltCli, runBuiltCli, useCliEmulator } from '../support/cli-harness';

const ORDERS = DEMO.instances.ordersCache;
const SESSIONS = DEMO.instances.sessionsCache;
const FEED = DEMO.instances.feedCache;
const REPORTS = DEMO.instances.reportsCache;
const FEED_LATEST = '6e2d4f8a-1b3c-4d5e-9f60-7a8b9c0d1e2f';
/** An instance whose only task failed: no successful scan. */
const NEVER = '0e0e0e0e-0000-4000-8000-00000000bad0';
/** Key names of the demo data: customer data the gate never prints. */
const FEED_NAMES = ['feed:timeline:render-cache', 'feed:followers:8812731', 'feed:trending:scores', 'feed:config:blob'];

let env: NodeJS.ProcessEnv;
const context = useCliEmulator('dcs-bigkey-cli-analysis-', async ({ emulator }) => {
  requireBuiltCli();
  env = demoEnv(emulator.url);
  await emulator.admin.putInstance(NEVER, {
    project_id: DEMO.projectId,
    name: 'never-cache',
    tasks: [{ id: '0e0e0e0e-0000-4000-8000-0000000000f1', status: 'failed', scan_type: 'auto', created_at: '2026-11-28T05:00:00.000Z', started_at: '2026-11-28T05:00:01.000Z', finished_at: '2026-11-28T05:00:09.000Z' }],
    bigkey_autoscan: { enable_auto_scan: true, schedule_at: [] },
  });
});
const cli = (...args: string[]): Promise<CliRun> => runBuiltCli(args, env);
const routes = async (instanceId: string) => (await context.emulator.admin.stats()).by_instance[instanceId]?.routes ?? {};

describe('dcs-bigkey keys', () => {
  it('prints the keys of the latest successful scan, names included, largest first', async () => {
    const run = await cli('keys', '--instance-id', FEED);
    expect(run.code).toBe(0);
    const lines = run.stdout.split('\n');
    expect(lines[0]).toBe(`instance ${FEED}: 4 big keys found by task ${FEED_LATEST} (auto, finished 2026-11-28T04:03:41.208Z; source: emulator)`);
    expect(lines[2].split(/\s{2,}/)).toEqual(['NAME', 'TYPE', 'SIZE', 'SHARD', 'DB']);
    expect(lines.slice(3, 7).map((l) => l.split(/\s{2,}/))).toEqual([
      ['feed:timeline:render-cache', 'string', '20 MB', '192.168.3.21:6379', '0'],
      ['feed:config:blob', 'string', '512 KB', '192.168.3.23:6379', '0'],
      ['feed:followers:8812731', 'set', '684,210 members', '192.168.3.22:6379', '0'],
      ['feed:trending:scores', 'zset', '9,120 members', '192.168.3.21:6379', '0'],
    ]);
    // one list and one details request
    expect(await routes(FEED)).toEqual({ list: 1, show: 1 });
  });

  it('--format json: the documented fields, keys as the API lists them', async () => {
    const run = await cli('keys', '--instance-id', FEED, '--format', 'json');
    expect(run.code).toBe(0);
    const doc = JSON.parse(run.stdout);
    expect(Object.keys(doc)).toEqual(['instance_id', 'task_id', 'scan_type', 'finished_at', 'num', 'keys']);
    expect(doc).toMatchObject({ instance_id: FEED, task_id: FEED_LATEST, scan_type: 'auto', finished_at: '2026-11-28T04:03:41.208Z', num: 4 });
    expect(doc.keys[0]).toEqual({ name: 'feed:timeline:render-cache', type: 'string', shard: '192.168.3.21:6379', db: 0, size: 20_971_520, unit: 'byte' });
  });

  it('--hot: the hot keys with their LFU counter, hottest first', async () => {
    const run = await cli('keys', '--instance-id', FEED, '--hot');
    expect(run.code).toBe(0);
    const lines = run.stdout.split('\n');
    expect(lines[0]).toMatch(/: 3 hot keys found by task 9d8c7b6a-5f4e-4d3c-8b2a-1f0e9d8c7b6a/);
    expect(lines[2].split(/\s{2,}/)).toEqual(['NAME', 'TYPE', 'SIZE', 'SHARD', 'DB', 'FREQ']);
    expect(lines.slice(3, 6).map((l) => l.split(/\s{2,}/).at(-1))).toEqual(['255', '243', '198']);
    expect(await routes(FEED)).toEqual({ hotkey_list: 1, hotkey_show: 1 });
  });

  it('--task-id: that task\'s keys with one request; a task that has not succeeded is exit 1, saying why', async () => {
    const older = await cli('keys', '--instance-id', FEED, '--task-id', 'a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d', '--format', 'json');
    expect(older.code).toBe(0);
    expect(JSON.parse(older.stdout).num).toBe(2);
    expect(await routes(FEED)).toEqual({ show: 1 });
    const running = await cli('keys', '--instance-id', DEMO.instances.catalogCache, '--task-id', 'a57b57a2-28e1-43a2-b25b-bc7c12059db7');
    expect(running.code).toBe(1);
    expect(running.stdout).toBe('');
    expect(running.stderr).toMatch(/^dcs-bigkey keys: big key task a57b57a2-28e1-43a2-b25b-bc7c12059db7 \(manual, status running, .*\) of instance .* has not succeeded: its keys are known once it succeeds\n$/);
  });

  it('no successful scan is exit 1 with a clear message', async () => {
    const run = await cli('keys', '--instance-id', NEVER);
    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(/^dcs-bigkey keys: instance 0e0e0e0e-0000-4000-8000-00000000bad0 has no successful big key analysis \(1 task read, the latest is task .* status failed.*\), so there are no keys to show\. run one \(POST \.\.\.\/bigkey-task\)/);
  });

  it('fails closed: malformed keys and a failed details request are exit 1 with the error, nothing printed', async () => {
    await context.emulator.admin.addFaults({ kind: 'malformed', mode: 'keys', route: 'show', instance_id: FEED });
    const malformed = await cli('keys', '--instance-id', FEED);
    expect(malformed.code).toBe(1);
    expect(malformed.stdout).toBe('');
    expect(malformed.stderr).toMatch(/ShowBigkeyScanTaskDetails for instance .* returned a malformed body: keys\[0\]\.size is -1 .*request id/);
    await context.emulator.admin.clearFaults();
    await context.emulator.admin.addFaults({ kind: 'error', status: 403, route: 'show', instance_id: FEED });
    const denied = await cli('keys', '--instance-id', FEED, '--format', 'json');
    expect(denied.code).toBe(1);
    expect(denied.stdout).toBe('');
    expect(denied.stderr).toMatch(/ShowBigkeyScanTaskDetails for instance .* failed: HTTP 403 DCS\.4003/);
  });

  it('fits the terminal: COLUMNS=60 keeps every line of keys and autoscan within 60 columns', async () => {
    const narrow = (...args: string[]) => runBuiltCli(args, { ...env, COLUMNS: '60' });
    for (const args of [['keys', '--instance-id', FEED], ['keys', '--instance-id', FEED, '--hot'], ['autoscan', '--instance-id', ORDERS]]) {
      const run = await narrow(...args);
      expect(run.code).toBe(0);
      for (const line of run.stdout.split('\n')) expect({ args, line, width: line.length }).toEqual({ args, line, width: Math.min(line.length, 60) });
    }
    // the names wrap inside their column rather than being cut
    expect((await narrow('keys', '--instance-id', FEED)).stdout.replace(/\s+/g, ' ')).toContain('feed:timeline:render-cache');
  });

  it('bad flags are exit 2 before any request', async () => {
    for (const args of [['--instance-id', FEED, '--task-id', '../x'], ['--task-id', FEED_LATEST], ['--instance-id', FEED, '--format', 'csv']]) {
      const run = await cli('keys', ...args);
      expect(run.code).toBe(2);
      expect(run.stderr).toContain('dcs-bigkey keys --help');
    }
    expect((await context.emulator.admin.stats()).requests).toBe(0);
  });
});

describe('dcs-bigkey autoscan', () => {
  it('prints both settings, read at once', async () => {
    const json = await cli('autoscan', '--instance-id', ORDERS, '--format', 'json');
    expect(json.code).toBe(0);
    expect(JSON.parse(json.stdout)).toEqual({
      instance_id: ORDERS,
      bigkey: { enable_auto_scan: true, schedule_at: ['02:00'], updated_at: '2026-10-02T08:15:27.000Z' },
      hotkey: { enable_auto_scan: true, schedule_at: ['12:00'], updated_at: '2026-10-02T08:16:03.000Z' },
    });
    expect(await routes(ORDERS)).toEqual({ autoscan: 1, hotkey_autoscan: 1 });
    const table = await cli('autoscan', '--instance-id', REPORTS);
    expect(table.code).toBe(0);
    expect(table.stdout.split('\n').slice(2, 5).map((l) => l.split(/\s{2,}/))).toEqual([
      ['ANALYSIS', 'ENABLED', 'SCHEDULE (UTC)', 'UPDATED'],
      ['big key', 'no', '-', '2026-09-14T10:02:51.000Z'],
      ['hot key', 'no', '-', '-'],
    ]);
    const never = await cli('autoscan', '--instance-id', NEVER);
    expect(never.stdout).toContain('big key   yes, no schedule: never runs');
  });

  it('either setting failing is exit 1 (no half answer)', async () => {
    await context.emulator.admin.addFaults({ kind: 'malformed', mode: 'schema', route: 'hotkey_autoscan', instance_id: ORDERS });
    const run = await cli('autoscan', '--instance-id', ORDERS, '--format', 'json');
    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(/ShowHotkeyAutoscanConfig for instance .* enable_auto_scan is "yes"/);
  });
});

describe('dcs-bigkey tasks --hot', () => {
  it('lists the hot key tasks like the big key ones', async () => {
    const run = await cli('tasks', '--instance-id', FEED, '--hot', '--format', 'json');
    expect(run.code).toBe(0);
    const doc = JSON.parse(run.stdout);
    expect(doc.count).toBe(2);
    expect(doc.records.map((r: { status: string }) => r.status)).toEqual(['success', 'failed']);
    const table = await cli('tasks', '--instance-id', FEED, '--hot');
    expect(table.stdout.split('\n')[0]).toBe(`instance ${FEED}: 2 hot key tasks (showing all, newest first; source: emulator)`);
    expect(await routes(FEED)).toEqual({ hotkey_list: 2 });
  });
});

describe('dcs-bigkey gate with the key and autoscan policies', () => {
  it('--max-string-size blocks the 20 MB string key, naming its type, size, shard and db, never its name (every format)', async () => {
    for (const format of ['table', 'json', 'markdown', 'github']) {
      const run = await cli('gate', '--instance-id', FEED, '--name', 'feed-cache', '--max-string-size', '10MB', '--format', format);
      expect([format, run.code]).toEqual([format, 1]);
      expect(run.stdout).toMatch(/a string key of 20 MB \(20,971,520 bytes\) on shard 192\.168\.3\.21:6379, db 0/);
      for (const name of FEED_NAMES) expect(run.stdout + run.stderr).not.toContain(name);
      if (format === 'json') {
        const doc = JSON.parse(run.stdout);
        expectGateJsonSchema(doc);
        expect(doc.instances[0].big_keys).toMatchObject({ task_id: FEED_LATEST, num: 4, largest_string: { size: 20_971_520, shard: '192.168.3.21:6379', db: 0 } });
      }
    }
  });

  it('passes an instance whose keys are all within the limits; reads the keys only when a key policy is on', async () => {
    const run = await cli('gate', '--instance-id', ORDERS, '--max-string-size', '10MB', '--max-members', '100000', '--max-big-keys', '3');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('string 3.5 MB; zset 52,340 members');
    expect(await routes(ORDERS)).toEqual({ list: 1, show: 1 });
    await context.emulator.admin.resetStats();
    expect((await cli('gate', '--instance-id', ORDERS)).code).toBe(0);
    expect(await routes(ORDERS)).toEqual({ list: 1 });
  });

  it('--require-auto-scan blocks an instance whose automatic big key scan is disabled', async () => {
    const run = await cli('gate', '--instance-id', REPORTS, '--name', 'reports-cache', '--require-auto-scan', '--format', 'json');
    expect(run.code).toBe(1);
    const doc = JSON.parse(run.stdout);
    expectGateJsonSchema(doc);
    expect(doc.instances[0]).toMatchObject({ verdict: 'blocked', policies: ['latest-auto-failed', 'auto-scan-enabled'], auto_scan: { enable_auto_scan: false, schedule_at: [] } });
    expect(doc.instances[0].findings).toEqual([expect.objectContaining({ policy: 'auto-scan-enabled', severity: 'error', message: expect.stringMatching(/automatic big key analysis of instance 8a7b6c5d-.* \(reports-cache\) is disabled \(enable_auto_scan false, last changed 2026-09-14T10:02:51\.000Z\)/) })]);
    expect(await routes(REPORTS)).toEqual({ list: 1, autoscan: 1 });
    // enabled with no schedule time never runs: blocked too; enabled and scheduled passes
    expect((await cli('gate', '--instance-id', NEVER, '--require-auto-scan', '--no-latest-auto-failed')).code).toBe(1);
    expect((await cli('gate', '--instance-id', ORDERS, '--require-auto-scan')).code).toBe(0);
    // --warn-only lowers it
    expect((await cli('gate', '--instance-id', REPORTS, '--require-auto-scan', '--warn-only', 'require-auto-scan')).code).toBe(0);
  });

  it('a key gate on an instance with no successful scan blocks; it never passes', async () => {
    const run = await cli('gate', '--instance-id', NEVER, '--no-latest-auto-failed', '--max-big-keys', '100');
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/has no successful big key scan \(1 tasks read, .*\), so the big-keys gate \(count 100\) cannot check its keys and does not pass/);
  });

  it.each([
    // (statuses that are not retried, so the test does not wait through the backoff)
    ['the details request is refused', { kind: 'error' as const, status: 403 as const, route: 'show' as const }, /ShowBigkeyScanTaskDetails for instance .* failed: HTTP 403/],
    ['the details are malformed', { kind: 'malformed' as const, mode: 'keys' as const, route: 'show' as const }, /keys\[0\]\.size is -1/],
    ['the details are cut off', { kind: 'malformed' as const, mode: 'truncated' as const, route: 'show' as const }, /the body is not JSON/],
    ['the autoscan request is redirected', { kind: 'redirect' as const, route: 'autoscan' as const }, /ShowBigkeyAutoscanConfig for instance .* failed: HTTP 302/],
    ['the autoscan settings are malformed', { kind: 'malformed' as const, mode: 'schema' as const, route: 'autoscan' as const }, /enable_auto_scan is "yes"/],
  ])('fails closed (exit 3) when %s', async (_what, fault, message) => {
    await context.emulator.admin.addFaults({ ...fault, instance_id: FEED });
    const run = await cli('gate', '--instance-id', FEED, '--max-string-size', '100MB', '--require-auto-scan', '--format', 'json');
    expect(run.code).toBe(3);
    const doc = JSON.parse(run.stdout);
    expect(doc.instances[0].verdict).toBe('error');
    expect(doc.instances[0].big_keys).toBeNull();
    expect(doc.instances[0].findings[0]).toMatchObject({ policy: 'lookup-failed', message: expect.stringMatching(message) });
  });

  it('fleet files: bigKeys and autoScanEnabled per entry, the largest keys in the report', async () => {
    const fleet = path.join(context.dir, 'fleet-keys.json');
    writeFileSync(fleet, JSON.stringify({
      defaults: { project_id: DEMO.projectId, endpoint: context.emulator.url, policies: { autoScanEnabled: 'error' } },
      instances: [
        { name: 'feed-cache', instance_id: FEED, policies: { bigKeys: { maxStringBytes: '10MB', severity: 'warning' } } },
        { name: 'reports-cache', instance_id: REPORTS },
        { name: 'sessions-cache', instance_id: SESSIONS, policies: { latestAutoFailed: 'off', bigKeys: { maxMembers: 500_000 } } },
      ],
    }));
    const run = await cli('gate', '--fleet', fleet, '--format', 'json');
    expect(run.code).toBe(1);
    const doc = JSON.parse(run.stdout);
    expectGateJsonSchema(doc);
    expect(doc.instances.map((i: { verdict: string }) => i.verdict)).toEqual(['warn', 'blocked', 'pass']);
    expect(doc.instances[2].big_keys.largest_collection).toEqual({ type: 'set', size: 412_903, unit: 'count', shard: null, db: 0 });
    expect(doc.instances[1].big_keys).toBeNull();
    const table = await cli('gate', '--fleet', fleet);
    expect(table.stdout).toContain('LARGEST KEYS');
    expect(table.stdout).toMatch(/feed-cache .*string 20 MB; set 684,210 members/);
  });
});
