/**
 * README statements that had no test of their own (found by auditing the README statement by
 * statement), each tested here where it is stated: the section is named in the describe.
 * Pure code, no network: the construct cases replay a snapshot.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { renderKeysTable } from '../../lib/cli/keys-command';
import { main } from '../../lib/cli/main';
import { resolveConnection } from '../../lib/client/connection';
import { DcsConfigError } from '../../lib/client/errors';
import { resolveMaxTasks } from '../../lib/client/limits';
import { resolveProxySettings } from '../../lib/client/proxy';
import { allowInsecureHttp } from '../../lib/client/validation';
import { BigKeyTask, SCAN_API } from '../../lib/client/types';
import { Construct } from 'constructs';
import { DcsBigKeyScanTasks } from '../../lib/construct/dcs-bigkey-scan-tasks';
import { DcsHotKeyScanTasks } from '../../lib/construct/dcs-hotkey-scan-tasks';
import { lookupSettings } from '../../lib/construct/lookup-registry';
import { workerTimeoutMs } from '../../lib/construct/sync-lookup';
import { AUTO_SCAN_OUTPUT_SUFFIXES, BIG_KEY_OUTPUT_SUFFIXES, HOT_KEY_OUTPUT_SUFFIXES, OUTPUT_SUFFIXES } from '../../lib/construct/outputs';
import { DEFAULT_AUTOSCAN, DEFAULT_LIFECYCLE, DEMO } from '../../lib/emulator';
import { resolveInstance, validateEmulatorData } from '../../lib/emulator/data-file';
import { validateFault } from '../../lib/emulator/faults';
import { readSnapshot, SnapshotEntry, writeSnapshot } from '../../lib/lookup/snapshot-file';
import { resolveKeyLimits } from '../../lib/policy/key-policy';
import { parseSize } from '../../lib/policy/size';
import { runInProcess } from '../support/cli-harness';
import { FRAMEWORKS } from '../support/frameworks';

const PROJECT = '0b6bd4e1a8f34b0c9a8a4f5c1e0d2a7b';
const INSTANCE = '5560df16-cebf-4473-95c4-d1b573c16e79';
const MiB = 1024 * 1024;

let dir: string;
beforeAll(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dcs-bigkey-readme-'))));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('The API calls the README names (top; How it works: Errors)', () => {
  const README = fs.readFileSync(path.join(__dirname, '..', '..', 'README.md'), 'utf8');

  it("errors name the operations as Huawei's SDKs do, the six the README lists", () => {
    const operations = Object.values(SCAN_API).flatMap((api) => [api.list, api.details, api.autoscan]);
    expect(operations).toEqual(['ListBigkeyScanTasks', 'ShowBigkeyScanTaskDetails', 'ShowBigkeyAutoscanConfig', 'ListHotKeyScanTasks', 'ShowHotkeyTaskDetails', 'ShowHotkeyAutoscanConfig']);
    const errors = README.slice(README.indexOf('- **Errors**: one family')).replace(/\s+/g, ' ');
    expect(errors).toContain(`Huawei's SDKs name it: ${operations.map((o) => `\`${o}\``).join(', ')} —`);
  });

  it('the paths: …/bigkey-tasks, …/hotkey-tasks, …/bigkey-task/{id}, …/bigkey/autoscan', () => {
    expect([SCAN_API.bigkey.tasksPath, SCAN_API.hotkey.tasksPath, SCAN_API.bigkey.taskPath, SCAN_API.bigkey.autoscanPath]).toEqual(['bigkey-tasks', 'hotkey-tasks', 'bigkey-task', 'bigkey/autoscan']);
    expect(README).toContain('`GET /v2/{project_id}/instances/{instance_id}/bigkey-tasks`');
    for (const tail of ['`…/hotkey-tasks`', '`…/bigkey-task/{id}`', '`…/bigkey/autoscan`']) expect(README).toContain(tail);
  });
});

describe('The construct: Outputs', () => {
  const README = fs.readFileSync(path.join(__dirname, '..', '..', 'README.md'), 'utf8');
  const section = README.slice(README.indexOf('\n### Outputs\n'), README.indexOf('\n### Gates\n'));

  it('the README names every output suffix the constructs create, and no other', () => {
    const inTables = [...section.matchAll(/^\| ([^|]+) \|/gm)].flatMap((m) => [...m[1].matchAll(/`([a-z_]+)`/g)].map((n) => n[1]));
    const hot = /`DcsHotKeyScanTasks` has (.*?)\sinstead/s.exec(section)![1];
    const named = new Set([...inTables, ...[...hot.matchAll(/`([a-z_]+)`/g)].map((n) => n[1])]);
    const created = [OUTPUT_SUFFIXES, BIG_KEY_OUTPUT_SUFFIXES, HOT_KEY_OUTPUT_SUFFIXES, AUTO_SCAN_OUTPUT_SUFFIXES].flatMap((suffixes) => Object.keys(suffixes));
    expect([...named].sort()).toEqual([...created].sort());
  });
});

describe('Configuration: endpoint', () => {
  const base = { accessKey: 'A', secretKey: 'S', projectId: PROJECT };
  const endpointOf = (env: NodeJS.ProcessEnv) => resolveConnection(base, env).endpoint.origin;

  it('DCS_BIGKEY_ENDPOINT, then HW_REGION_NAME, then HUAWEICLOUD_SDK_REGION', () => {
    expect(endpointOf({ HUAWEICLOUD_SDK_REGION: 'cn-east-3' })).toBe('https://dcs.cn-east-3.myhuaweicloud.com');
    expect(endpointOf({ HUAWEICLOUD_SDK_REGION: 'cn-east-3', HW_REGION_NAME: 'cn-north-4' })).toBe('https://dcs.cn-north-4.myhuaweicloud.com');
    expect(endpointOf({ HUAWEICLOUD_SDK_REGION: 'cn-east-3', HW_REGION_NAME: 'cn-north-4', DCS_BIGKEY_ENDPOINT: 'http://127.0.0.1:9' })).toBe('http://127.0.0.1:9');
    expect(() => endpointOf({ HUAWEICLOUD_SDK_REGION: 'mars-north-1' })).toThrow(/unknown region "mars-north-1"/);
  });

  it('HW_CLOUD changes the domain of a region from the environment too', () => {
    expect(endpointOf({ HUAWEICLOUD_SDK_REGION: 'xx-private-1', HW_CLOUD: 'example.cloud' })).toBe('https://dcs.xx-private-1.example.cloud');
  });
});

describe('Configuration: proxy', () => {
  it('NO_PROXY: host names, .domain, *.domain, IPs and *, each with an optional :port, and CIDR ranges are accepted', () => {
    const noProxy = 'internal.example.com,.corp.example,*.svc.example:8443,10.1.2.3,10.1.2.3:8080,[::1]:8080,::1,*,localhost:3128,10.0.0.0/8,fd00::/8';
    expect(resolveProxySettings({ NO_PROXY: noProxy }).noProxy).toBe(noProxy);
  });

  it.each(['https://internal.example', 'internal.example/path', 'host:0', 'host:65536', 'a b/c'])('NO_PROXY %j is a DcsConfigError naming the variable', (entry) => {
    expect(() => resolveProxySettings({ NO_PROXY: entry })).toThrow(DcsConfigError);
    expect(() => resolveProxySettings({ NO_PROXY: entry })).toThrow(/invalid NO_PROXY entry/);
  });
});

describe('Configuration: a variable set to the empty string counts as unset', () => {
  // The last source of every chain is set, so an empty earlier one that counted as set would show.
  const base = { CLOUD_SDK_AK: 'AK', CLOUD_SDK_SK: 'SK', HW_PROJECT_ID: PROJECT, HUAWEICLOUD_SDK_REGION: 'cn-north-4' };
  const scope = () => {
    const root = new Construct(undefined as never, 'app');
    root.node.setContext('dcs-bigkey:snapshot', 'replay');
    root.node.setContext('dcs-bigkey:snapshotFile', 'from-context.json');
    root.node.setContext('dcs-bigkey:snapshotMaxAge', '7d');
    root.node.setContext('dcs-bigkey:snapshotMaxAgeSeverity', 'warning');
    return root;
  };
  const settings = (env: NodeJS.ProcessEnv) => ({
    connection: resolveConnection({}, env),
    insecureHttp: allowInsecureHttp(undefined, env),
    maxTasks: resolveMaxTasks(undefined, env),
    lookups: lookupSettings(scope(), env),
    workerTimeoutMs: workerTimeoutMs(env),
  });
  const VARIABLES = [
    'DCS_BIGKEY_ENDPOINT', 'HW_REGION_NAME', 'HW_CLOUD', 'HUAWEICLOUD_SDK_PROJECT_ID', 'HUAWEICLOUD_SDK_AK', 'HUAWEICLOUD_SDK_SK', 'HUAWEICLOUD_SDK_SECURITY_TOKEN',
    'HW_ACCESS_KEY', 'HW_SECRET_KEY', 'HW_SECURITY_TOKEN', 'DCS_BIGKEY_ALLOW_INSECURE_HTTP', 'DCS_BIGKEY_MAX_TASKS', 'DCS_BIGKEY_CONCURRENCY',
    'DCS_BIGKEY_WORKER_TIMEOUT_MS', 'DCS_BIGKEY_SNAPSHOT', 'DCS_BIGKEY_SNAPSHOT_FILE', 'DCS_BIGKEY_SNAPSHOT_MAX_AGE', 'DCS_BIGKEY_SNAPSHOT_MAX_AGE_SEVERITY',
  ];

  it.each(VARIABLES)('%s=""', (name) => {
    expect(settings({ ...base, [name]: '' })).toEqual(settings(base));
  });

  it('the proxy variables are the exception, as in undici: an empty lower-case one is in effect (no proxy) and hides the upper-case one', () => {
    expect(resolveProxySettings({ https_proxy: '', HTTPS_PROXY: 'http://proxy.example:3128' }).httpsProxy).toBe('');
    expect(resolveProxySettings({ HTTPS_PROXY: 'http://proxy.example:3128' }).httpsProxy).toBe('http://proxy.example:3128');
  });

  it('the settings compared are the defaults and the context, not an error', () => {
    expect(settings(base)).toMatchObject({
      connection: { endpoint: new URL('https://dcs.cn-north-4.myhuaweicloud.com'), projectId: PROJECT, credentials: { accessKey: 'AK', source: 'CLOUD_SDK_AK' } },
      insecureHttp: false,
      maxTasks: 100_000,
      lookups: { mode: 'replay', concurrency: 32, snapshotFile: path.resolve('from-context.json'), maxAge: { text: '7d', severity: 'warning' } },
      workerTimeoutMs: 900_000,
    });
  });
});

describe('Keys and automatic scans: sizes and limits', () => {
  it.each([
    ['1kb', 1024],
    ['1Kb', 1024],
    ['1KiB', 1024],
    ['2MiB', 2 * MiB],
    ['1GiB', 1024 * MiB],
    ['1gib', 1024 * MiB],
    ['1gb', 1024 * MiB],
  ])('%s is %i bytes: 1024-based, any case, KiB/MiB/GiB the same', (text, bytes) => {
    expect(parseSize(text, 'size', { max: 2 * 1024 * MiB })).toBe(bytes);
  });

  it('maxMembers is at most 4,294,967,295 (2^32 - 1); maxCount at most 1,000,000', () => {
    expect(resolveKeyLimits('bigkey', { maxMembers: 4_294_967_295 }, 'gates.bigKeys').maxMembers).toBe(4_294_967_295);
    expect(() => resolveKeyLimits('bigkey', { maxMembers: 4_294_967_296 }, 'gates.bigKeys')).toThrow(/invalid gates\.bigKeys\.maxMembers 4294967296: expected an integer from 0 to 4294967295/);
    expect(resolveKeyLimits('bigkey', { maxCount: 1_000_000 }, 'gates.bigKeys').maxCount).toBe(1_000_000);
    expect(() => resolveKeyLimits('bigkey', { maxCount: 1_000_001 }, 'gates.bigKeys')).toThrow(/invalid gates\.bigKeys\.maxCount 1000001: expected an integer from 0 to 1000000/);
    expect(() => resolveKeyLimits('bigkey', { maxStringBytes: '513MB' }, 'gates.bigKeys')).toThrow(DcsConfigError);
  });
});

describe('Snapshots: writes are atomic with sorted keys', () => {
  it('every object of the file has its keys sorted, whatever order the entry had; no temporary file is left', () => {
    const own = fs.mkdtempSync(path.join(dir, 'snapshot-'));
    const file = path.join(own, 'dcs-bigkey.context.json');
    const record = { status: 'success', scan_type: 'auto', id: '0a1b2c3d-0000-4000-8000-000000000001', finished_at: '2026-11-28T02:01:47.905Z', created_at: '2026-11-28T02:00:00.000Z', started_at: '2026-11-28T02:00:01.000Z' };
    const entry = {
      source: 'live', records: [record], instance_id: INSTANCE, fetched_at: '2026-11-28T12:00:00.000Z', region: 'cn-north-4', endpoint: null, status_filter: null, project_id: PROJECT, count: 1,
    } as unknown as SnapshotEntry;
    writeSnapshot(file, { version: 1, entries: {} }, [entry]);
    const text = fs.readFileSync(file, 'utf8');
    const sortedEverywhere = (value: unknown): boolean =>
      Array.isArray(value) ? value.every(sortedEverywhere) : value !== null && typeof value === 'object' ? Object.keys(value).join() === Object.keys(value).sort().join() && Object.values(value).every(sortedEverywhere) : true;
    expect(sortedEverywhere(JSON.parse(text))).toBe(true);
    expect(text.indexOf('"count"')).toBeLessThan(text.indexOf('"records"'));
    expect(fs.readdirSync(own)).toEqual(['dcs-bigkey.context.json']);
    expect(readSnapshot(file).entries[`${PROJECT}/${INSTANCE}`].records).toEqual([record]);
  });
});

describe('Many instances, one synth; Snapshots; Configuration: the synth-time lookup settings', () => {
  const scope = (context: Record<string, unknown> = {}) => {
    const root = new Construct(undefined as never, 'app');
    for (const [key, value] of Object.entries(context)) root.node.setContext(key, value);
    return root;
  };

  it('by default: live lookups, at most 32 instances in flight, the snapshot file ./dcs-bigkey.context.json', () => {
    expect(lookupSettings(scope(), {})).toEqual({ mode: 'live', concurrency: 32, snapshotFile: path.resolve('dcs-bigkey.context.json') });
  });

  it('DCS_BIGKEY_CONCURRENCY sets the batch concurrency; empty is unset (a bad value: construct-worker-failure.test.ts)', () => {
    expect(lookupSettings(scope(), { DCS_BIGKEY_CONCURRENCY: '4' }).concurrency).toBe(4);
    expect(lookupSettings(scope(), { DCS_BIGKEY_CONCURRENCY: '' }).concurrency).toBe(32);
    for (const bad of ['0', '-1', '1.5', 'abc', ' ']) {
      expect(() => lookupSettings(scope(), { DCS_BIGKEY_CONCURRENCY: bad })).toThrow(new DcsConfigError(`invalid DCS_BIGKEY_CONCURRENCY ${JSON.stringify(bad)}: expected an integer >= 1`));
    }
  });

  it('DCS_BIGKEY_WORKER_TIMEOUT_MS: default 900000; empty is unset; a bad value is a DcsConfigError naming it', () => {
    expect(workerTimeoutMs({})).toBe(900_000);
    expect(workerTimeoutMs({ DCS_BIGKEY_WORKER_TIMEOUT_MS: '' })).toBe(900_000);
    expect(workerTimeoutMs({ DCS_BIGKEY_WORKER_TIMEOUT_MS: '60000' })).toBe(60_000);
    for (const bad of ['0', '-1', '1.5', 'abc', ' ']) {
      expect(() => workerTimeoutMs({ DCS_BIGKEY_WORKER_TIMEOUT_MS: bad })).toThrow(new DcsConfigError(`invalid DCS_BIGKEY_WORKER_TIMEOUT_MS ${JSON.stringify(bad)}: expected an integer number of milliseconds >= 1`));
    }
  });

  it('the snapshot mode and file from the environment or the cdktf.json context keys; a mode outside live, record, replay is a DcsConfigError', () => {
    expect(lookupSettings(scope({ 'dcs-bigkey:snapshot': 'replay', 'dcs-bigkey:snapshotFile': 'snap.json' }), {})).toMatchObject({ mode: 'replay', snapshotFile: path.resolve('snap.json') });
    expect(lookupSettings(scope(), { DCS_BIGKEY_SNAPSHOT: 'record', DCS_BIGKEY_SNAPSHOT_FILE: 'other.json' })).toMatchObject({ mode: 'record', snapshotFile: path.resolve('other.json') });
    expect(() => lookupSettings(scope(), { DCS_BIGKEY_SNAPSHOT: 'offline' })).toThrow(/invalid snapshot mode "offline" \(DCS_BIGKEY_SNAPSHOT or context dcs-bigkey:snapshot\): expected one of live, record, replay/);
  });
});

describe('The dcs-bigkey command: a flag given twice is a usage error for every command', () => {
  const ID = INSTANCE;
  it.each([
    ['tasks', ['tasks', '--instance-id', ID, '--instance-id', ID], '--instance-id'],
    ['keys', ['keys', '--instance-id', ID, '--hot', '--hot'], '--hot'],
    ['autoscan', ['autoscan', '--instance-id', ID, '--format', 'json', '--format=json'], '--format'],
    ['gate', ['gate', '--instance-id', ID, '--name', 'a', '--name', 'b'], '--name'],
    ['snapshot', ['snapshot', 'list', '--file', 'a.json', '--file', 'a.json'], '--file'],
    ['snapshot', ['snapshot', 'refresh', '--instance-id', ID, '--instance-id', ID], '--instance-id'],
    ['emulator', ['emulator', '--host', '127.0.0.1', '--host', '127.0.0.1', '--data', '/nonexistent/emulator.json'], '--host'],
  ])('%s: exit 2, naming the flag, nothing sent or started', async (command, argv, flag) => {
    const run = await runInProcess(main, argv, {});
    expect(run).toEqual({ code: 2, stdout: '', stderr: `dcs-bigkey ${command}: ${flag} is given more than once; give it once\nrun \`dcs-bigkey ${command} --help\` for usage\n` });
  });
});

describe('The dcs-bigkey command: keys on a narrow terminal', () => {
  const keys = [
    { name: 'feed:timeline:render-cache', type: 'string', shard: '192.168.3.21:6379', db: 0, size: 20 * MiB, unit: 'byte' },
    { name: 'feed:followers:8812731', type: 'set', shard: '192.168.3.22:6379', db: 12, size: 684_210, unit: 'count' },
  ] as const;
  const scan = { task_id: '6e2d4f8a-1b3c-4d5e-9f60-7a8b9c0d1e2f', scan_type: 'auto', finished_at: '2026-11-28T04:03:41.208Z', num: 2, keys } as const;
  const headerAt = (width?: number) => {
    const lines = renderKeysTable(INSTANCE, 'bigkey', scan as never, 'emulator', width).split('\n');
    const header = lines.find((line) => line.startsWith('NAME'))!;
    if (width !== undefined) expect(Math.max(...lines.map((l) => l.length))).toBeLessThanOrEqual(Math.max(width, 40));
    return { columns: header.trim().split(/\s{2,}/), namesWhole: lines.some((l) => l.startsWith('feed:timeline:render-cache ')) };
  };

  it('the shard column goes first, then the db, before the names are wrapped', () => {
    const full = headerAt();
    expect(full).toEqual({ columns: ['NAME', 'TYPE', 'SIZE', 'SHARD', 'DB'], namesWhole: true });
    const seen: string[] = [];
    for (let width = 100; width >= 30; width--) {
      const { columns, namesWhole } = headerAt(width);
      const shape = columns.join(' ');
      if (seen[seen.length - 1] !== shape) seen.push(shape);
      if (columns.includes('DB')) expect({ width, namesWhole }).toEqual({ width, namesWhole: true });
    }
    // (at the narrowest, the size moves under its row: a column that must stay visible)
    expect(seen).toEqual(['NAME TYPE SIZE SHARD DB', 'NAME TYPE SIZE DB', 'NAME TYPE SIZE', 'NAME TYPE']);
  });
});

describe("The emulator's data file: keys starting with $, and the generate count", () => {
  const task = { id: '00000000-0000-4000-8000-0000000000aa', status: 'success', scan_type: 'auto', created_at: '2026-11-01T00:00:00.000Z' };
  const file = (instance: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
    credentials: [{ access_key: 'AK1', secret_key: 'SK1', $comment: 'x' }],
    projects: { [PROJECT]: { $note: 'x', instances: { [INSTANCE]: instance } } },
    ...extra,
  });

  it('keys starting with $ are allowed anywhere and ignored; any other unknown key is an error naming it', () => {
    const data = validateEmulatorData(file(
      { $comment: 'x', tasks: [{ ...task, $why: 'x', keys: [{ name: 'k', type: 'set', size: 1, $c: 1 }] }], bigkey_autoscan: { enable_auto_scan: true, schedule_at: ['02:00'], $c: 1 }, lifecycle: { $c: 1 } },
      { $schema: 'x', faults: [{ kind: 'throttle', $c: 1 }] },
    ));
    // ignored: not served as part of a task or key
    expect(data.projects[PROJECT].instances[INSTANCE].tasks).toEqual([{ ...task, keys: [{ name: 'k', type: 'set', db: 0, size: 1, unit: 'count' }] }]);
    expect(() => validateEmulatorData(file({ tasks: [{ ...task, comment: 'x' }] }))).toThrow(/tasks\[0\]\.comment is not a known field/);
  });

  it('generate adds 0 to 1,000,000 tasks', () => {
    const generate = (count: number) => file({ generate: { count, start: task.created_at, interval_seconds: 60, seed: 's' } });
    expect(validateEmulatorData(generate(0)).projects[PROJECT].instances[INSTANCE].generate?.count).toBe(0);
    expect(validateEmulatorData(generate(1_000_000)).projects[PROJECT].instances[INSTANCE].generate?.count).toBe(1_000_000);
    expect(() => validateEmulatorData(generate(1_000_001))).toThrow(/generate\.count must be an integer from 0 to 1000000/);
  });
});

describe("The emulator's fault rules: defaults", () => {
  const rule = (spec: Record<string, unknown>) => validateFault(spec, 'faults[0]');

  it('every instance ("*"), the big key list route, every matching request', () => {
    expect(rule({ kind: 'reset' })).toEqual({ kind: 'reset', instance_id: '*', route: 'list' });
  });

  it('rate_limit: rate required, burst one second\'s worth (ceil(rate)), Retry-After left to the bucket; no count, every or ratio', () => {
    expect(rule({ kind: 'rate_limit', rate: 2.5 })).toEqual({ kind: 'rate_limit', instance_id: '*', route: 'list', rate: 2.5, burst: 3 });
    expect(() => rule({ kind: 'rate_limit' })).toThrow(/faults\[0\]\.rate/);
    expect(() => rule({ kind: 'rate_limit', rate: 5, count: 2 })).toThrow(/a rate_limit rule takes no count/);
  });
});

describe("The emulator's data file: defaults", () => {
  it('name "dcs-" + the first 8 characters of the id, analysis supported, lifecycle 200 / 500 ms ending in success, automatic analysis off with no times', () => {
    const resolved = resolveInstance(INSTANCE, {});
    expect(resolved.name).toBe('dcs-5560df16');
    expect(resolved.bigkey_supported).toBe(true);
    expect(resolved.lifecycle).toEqual({ waiting_ms: 200, running_ms: 500, outcome: 'success' });
    expect(DEFAULT_LIFECYCLE).toEqual(resolved.lifecycle);
    expect(resolved.kinds.bigkey.autoscan).toEqual({ enable_auto_scan: false, schedule_at: [] });
    expect(resolved.kinds.hotkey.autoscan).toEqual(DEFAULT_AUTOSCAN);
    expect(resolveInstance(INSTANCE, { lifecycle: { running_ms: 50 } } as never).lifecycle).toEqual({ waiting_ms: 200, running_ms: 50, outcome: 'success' });
  });
});

describe.each(FRAMEWORKS)('The construct: outputs (replayed, no network), under %s', (_name, cdk) => {
  /** A snapshot holding one entry (`reads`: what else it holds, e.g. the keys), or none. */
  const snapshot = (records: readonly BigKeyTask[] | undefined, reads: { query?: string; keys?: unknown; autoscan?: unknown; hot?: boolean } = {}) => {
    const file = path.join(dir, `replay-${Math.random().toString(36).slice(2)}.json`);
    const entries = records === undefined ? {} : {
      [`${reads.hot ? 'hotkey:' : ''}${DEMO.projectId}/${INSTANCE}${reads.query ?? ''}`]: {
        ...(reads.hot ? { kind: 'hotkey-tasks' } : {}),
        project_id: DEMO.projectId, instance_id: INSTANCE, status_filter: null, region: 'cn-north-4', endpoint: null, source: 'live', fetched_at: '2026-11-28T12:00:00.000Z', count: records.length, records,
        ...(reads.keys !== undefined ? { keys: reads.keys } : {}),
        ...(reads.autoscan !== undefined ? { autoscan: reads.autoscan } : {}),
      },
    };
    fs.writeFileSync(file, JSON.stringify({ version: 1, entries }));
    return file;
  };
  const producer = (records: readonly BigKeyTask[] | undefined, props: Record<string, unknown> = {}, reads: Parameters<typeof snapshot>[1] = {}) => {
    const app = cdk.Testing.app({ context: { 'dcs-bigkey:snapshot': 'replay', 'dcs-bigkey:snapshotFile': snapshot(records, reads) } });
    const stack = new cdk.TerraformStack(app, 'producer');
    const scans = new DcsBigKeyScanTasks(stack, 'orders-cache', { instanceId: INSTANCE, projectId: DEMO.projectId, ...props });
    const output = (JSON.parse(cdk.Testing.synth(stack)) as { output: Record<string, { value: unknown }> }).output;
    return { scans, values: Object.fromEntries(Object.entries(output).map(([name, o]) => [name, o.value])) };
  };

  it('absent values are "": an instance with no tasks (count 0, records "[]", gate_message "")', () => {
    const { values } = producer([]);
    expect(values).toEqual({
      'orders-cache_instance_id': INSTANCE,
      'orders-cache_count': 0,
      'orders-cache_latest_id': '',
      'orders-cache_latest_status': '',
      'orders-cache_latest_auto_id': '',
      'orders-cache_latest_auto_status': '',
      'orders-cache_latest_auto_created_at': '',
      'orders-cache_latest_auto_finished_at': '',
      'orders-cache_latest_successful_id': '',
      'orders-cache_latest_successful_finished_at': '',
      'orders-cache_records': '[]',
      'orders-cache_gate_message': '',
    });
  });

  it('named <prefix>_<suffix>: outputPrefix replaces the construct id, and outputName(suffix) says the name', () => {
    const task: BigKeyTask = { id: '0a1b2c3d-0000-4000-8000-000000000001', status: 'running', scan_type: 'manual', created_at: '2026-11-28T02:00:00.000Z', started_at: '2026-11-28T02:00:01.000Z', finished_at: null };
    const { scans, values } = producer([task], { outputPrefix: 'orders' });
    expect(scans.outputName('latest_status')).toBe('orders_latest_status');
    expect(Object.keys(values).every((name) => name.startsWith('orders_'))).toBe(true);
    expect(values[scans.outputName('latest_status')]).toBe('running');
    expect(values[scans.outputName('latest_auto_status')]).toBe('');
    expect(values[scans.outputName('latest_successful_finished_at')]).toBe('');
  });

  const success: BigKeyTask = { id: '0a1b2c3d-0000-4000-8000-000000000002', status: 'success', scan_type: 'auto', created_at: '2026-11-28T02:00:00.000Z', started_at: '2026-11-28T02:00:01.000Z', finished_at: '2026-11-28T02:01:00.000Z' };

  it('keys read, none found: big_key_count 0, largest_string_bytes and largest_collection_members 0, big_keys "[]"', () => {
    const keys = { task_id: success.id, scan_type: 'auto', finished_at: success.finished_at, num: 0, keys: [] };
    const { values } = producer([success], { readBigKeys: true }, { query: '?keys=1', keys });
    expect([values['orders-cache_big_key_scan_id'], values['orders-cache_big_key_count'], values['orders-cache_largest_string_bytes'], values['orders-cache_largest_collection_members'], values['orders-cache_big_keys']])
      .toEqual([success.id, 0, 0, 0, '[]']);
  });

  it('the lookup failed (replay without its entry): count and sizes -1, statuses and auto_scan_enabled "unknown", lists "[]", other values "", gate_message says why', () => {
    const { values } = producer(undefined, { readBigKeys: true, readAutoScan: true, gates: { onLookupFailure: 'warning' } });
    const { 'orders-cache_gate_message': message, ...rest } = values;
    expect(message).toMatch(/could not be read/);
    expect(rest).toEqual({
      'orders-cache_instance_id': INSTANCE,
      'orders-cache_count': -1,
      'orders-cache_latest_id': '',
      'orders-cache_latest_status': 'unknown',
      'orders-cache_latest_auto_id': '',
      'orders-cache_latest_auto_status': 'unknown',
      'orders-cache_latest_auto_created_at': '',
      'orders-cache_latest_auto_finished_at': '',
      'orders-cache_latest_successful_id': '',
      'orders-cache_latest_successful_finished_at': '',
      'orders-cache_records': '[]',
      'orders-cache_big_key_scan_id': '',
      'orders-cache_big_key_count': -1,
      'orders-cache_largest_string_bytes': -1,
      'orders-cache_largest_collection_members': -1,
      'orders-cache_big_keys': '[]',
      'orders-cache_auto_scan_enabled': 'unknown',
      'orders-cache_auto_scan_schedule_at': '[]',
    });
  });

  it('DcsHotKeyScanTasks: hotKeyScan (the task, num and keys), hotKeys, hotKeyCount and hottestKey (by freq, 0-255)', () => {
    const keys = [
      { type: 'hash', shard: '192.168.3.21:6379', db: 0, size: 120, unit: 'count', freq: 198 },
      { type: 'string', shard: '192.168.3.22:6379', db: 1, size: 64, unit: 'byte', freq: 255 },
    ];
    const scan = { task_id: success.id, scan_type: 'auto', finished_at: success.finished_at, num: 2, keys };
    const app = cdk.Testing.app({ context: { 'dcs-bigkey:snapshot': 'replay', 'dcs-bigkey:snapshotFile': snapshot([success], { hot: true, query: '?keys=1', keys: scan }) } });
    const hot = new DcsHotKeyScanTasks(new cdk.TerraformStack(app, 'producer'), 'orders-hot', { instanceId: INSTANCE, projectId: DEMO.projectId, readHotKeys: true });
    expect(hot.hotKeyScan).toEqual(scan);
    expect(hot.hotKeys).toEqual(keys);
    expect(hot.hotKeyCount).toBe(2);
    expect(hot.hottestKey).toEqual(keys[1]);
  });
});
