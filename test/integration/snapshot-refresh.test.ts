/**
 * `dcs-bigkey snapshot refresh` and `list` against the emulator: refresh re-reads entries, all or
 * nothing, one instance's alone with --instance-id; entries recorded from an emulator (whose
 * address does not last) are skipped unless --endpoint names a running one; list shows source
 * and age.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { TerraformStack } from 'cdktf';
import { runSnapshotCommand } from '../../lib/cli/snapshot-command';
import { BufferStream } from '../../lib/cli/io';
import { DcsBigKeyScanTasks } from '../../lib/construct/dcs-bigkey-scan-tasks';
import { DcsHotKeyScanTasks } from '../../lib/construct/dcs-hotkey-scan-tasks';
import { EmulatorProcess } from '../../lib/emulator';
import { DEMO, newInstanceId, REPO_ROOT, SECRETS, startDemoEmulator } from '../support/emulator-fixture';
import { BUILT_CLI } from '../support/cli-harness';
import { newApp, synthApp } from '../support/synth';

let emulator: EmulatorProcess;
beforeAll(async () => {
  emulator = await startDemoEmulator();
});
afterAll(async () => emulator?.stop());

function run(argv: string[], env: NodeJS.ProcessEnv = { HW_ACCESS_KEY: DEMO.accessKey, HW_SECRET_KEY: DEMO.secretKey }) {
  const stdout = new BufferStream();
  const stderr = new BufferStream();
  return runSnapshotCommand(argv, { stdout, stderr, env, isTTY: false }).then((code) => ({ code, stdout: stdout.text, stderr: stderr.text }));
}

/** Marks the file's entries as read from a real endpoint (at the emulator's address), so refresh goes back there. */
function asLive(file: string): void {
  const doc = JSON.parse(fs.readFileSync(file, 'utf8'));
  for (const entry of Object.values<{ source: string }>(doc.entries)) entry.source = 'live';
  fs.writeFileSync(file, JSON.stringify(doc, null, 2) + '\n');
}

async function recordedSnapshot(instanceIds: string[]): Promise<string> {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'dcs-bigkey-refresh-')), 'dcs-bigkey.context.json');
  const app = newApp({ 'dcs-bigkey:snapshot': 'record', 'dcs-bigkey:snapshotFile': file });
  const stack = new TerraformStack(app, 'producer');
  // Generated tasks may end in a failed automatic scan: the headline policy warns here (this records data, it does not gate).
  const gates = { latestAutoFailed: 'warning' } as const;
  instanceIds.forEach((instanceId, i) => new DcsBigKeyScanTasks(stack, `c${i}`, { endpoint: emulator.url, projectId: DEMO.projectId, accessKey: DEMO.accessKey, secretKey: DEMO.secretKey, instanceId, gates }));
  synthApp(app);
  return file;
}

it('re-reads every entry from where it was recorded and rewrites the file', async () => {
  const id = newInstanceId();
  await emulator.admin.putInstance(id, { project_id: DEMO.projectId, generate: { count: 3, start: '2026-01-01T00:00:00.000Z', interval_seconds: 60, seed: id } });
  const file = await recordedSnapshot([id, DEMO.instances.ordersCache]);
  asLive(file);
  const before = JSON.parse(fs.readFileSync(file, 'utf8'));
  await emulator.admin.putInstance(id, { project_id: DEMO.projectId, generate: { count: 7, start: '2026-01-01T00:00:00.000Z', interval_seconds: 60, seed: id } });
  const result = await run(['refresh', '--file', file]);
  expect(result).toMatchObject({ code: 0, stderr: '' });
  expect(result.stdout).toMatch(/^refreshed 2 entries \(\d+ tasks\) in /);
  const after = JSON.parse(fs.readFileSync(file, 'utf8'));
  const key = `${DEMO.projectId}/${id}`;
  expect(before.entries[key].count).toBe(3);
  expect(after.entries[key].count).toBe(7);
  expect(Date.parse(after.entries[key].fetched_at)).toBeGreaterThanOrEqual(Date.parse(before.entries[key].fetched_at));
  const text = fs.readFileSync(file, 'utf8');
  for (const secret of [...SECRETS, DEMO.accessKey]) expect(text + result.stdout + result.stderr).not.toContain(secret);
});

it('refreshes each entry as the lookup it was recorded for: hot key tasks, keys (without names unless kept), autoscan settings', async () => {
  const id = newInstanceId();
  const task = (keySize: number) => ({ id: '00000000-0000-4000-8000-0000000000a1', status: 'success' as const, scan_type: 'auto' as const, created_at: '2026-11-28T04:00:00.000Z', started_at: '2026-11-28T04:00:01.000Z', finished_at: '2026-11-28T04:01:00.000Z', keys: [{ name: 'secret:customer:key', type: 'string' as const, size: keySize }] });
  const hotTask = { ...task(5), keys: [{ name: 'hot:customer:key', type: 'hash' as const, size: 3, freq: 200 }] };
  await emulator.admin.putInstance(id, { project_id: DEMO.projectId, tasks: [task(1000)], hotkey_tasks: [hotTask], bigkey_autoscan: { enable_auto_scan: true, schedule_at: ['02:00'] } });
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'dcs-bigkey-refresh-')), 'dcs-bigkey.context.json');
  const app = newApp({ 'dcs-bigkey:snapshot': 'record', 'dcs-bigkey:snapshotFile': file });
  const stack = new TerraformStack(app, 'producer');
  const connection = { endpoint: emulator.url, projectId: DEMO.projectId, accessKey: DEMO.accessKey, secretKey: DEMO.secretKey, instanceId: id };
  new DcsBigKeyScanTasks(stack, 'big', { ...connection, readBigKeys: true, readAutoScan: true });
  new DcsHotKeyScanTasks(stack, 'hot', { ...connection, readHotKeys: true, exposeKeyNames: true });
  synthApp(app);
  // the data changes: a bigger key, automatic scans off
  await emulator.admin.putInstance(id, { project_id: DEMO.projectId, tasks: [task(2000)], hotkey_tasks: [hotTask], bigkey_autoscan: { enable_auto_scan: false } });
  const result = await run(['refresh', '--file', file, '--endpoint', emulator.url]);
  expect(result).toMatchObject({ code: 0, stderr: '' });
  const entries = JSON.parse(fs.readFileSync(file, 'utf8')).entries;
  expect(Object.keys(entries).sort()).toEqual([`${DEMO.projectId}/${id}?keys=1&autoscan=1`, `hotkey:${DEMO.projectId}/${id}?keys=names`]);
  const big = entries[`${DEMO.projectId}/${id}?keys=1&autoscan=1`];
  expect(big.keys.keys).toEqual([{ type: 'string', db: 0, size: 2000, unit: 'byte' }]);
  expect(big.autoscan).toEqual({ instance_id: id, enable_auto_scan: false, schedule_at: [] });
  expect(entries[`hotkey:${DEMO.projectId}/${id}?keys=names`].keys.keys[0]).toMatchObject({ name: 'hot:customer:key', freq: 200 });
  expect(fs.readFileSync(file, 'utf8')).not.toContain('secret:customer:key');
  const listed = JSON.parse((await run(['list', '--file', file, '--format', 'json'])).stdout).entries;
  expect(listed.map((e: { lookup: string; keys: boolean; key_names: boolean; autoscan: boolean }) => [e.lookup, e.keys, e.key_names, e.autoscan])).toEqual([['bigkey-tasks', true, false, true], ['hotkey-tasks', true, true, false]]);
  // --instance-id refreshes every entry of that instance (README: "that instance's entries only")
  expect(await run(['refresh', '--file', file, '--endpoint', emulator.url, '--instance-id', id])).toMatchObject({ code: 0, stdout: expect.stringMatching(/^refreshed 2 entries /) });
});

it('leaves the file unchanged when any lookup fails', async () => {
  const id = newInstanceId();
  await emulator.admin.putInstance(id, { project_id: DEMO.projectId, generate: { count: 2, start: '2026-01-01T00:00:00.000Z', interval_seconds: 60, seed: id } });
  const file = await recordedSnapshot([id, DEMO.instances.ordersCache]);
  const before = fs.readFileSync(file, 'utf8');
  await emulator.admin.deleteInstance(id);
  const result = await run(['refresh', '--file', file, '--endpoint', emulator.url]);
  expect(result.code).toBe(1);
  expect(result.stderr).toMatch(/HTTP 404 DCS.4004/);
  expect(result.stderr).toMatch(/1 of 2 lookups failed; .* was left unchanged/);
  expect(fs.readFileSync(file, 'utf8')).toBe(before);
});

it('refreshes the file cdktf.json names, as synth would', async () => {
  const file = await recordedSnapshot([DEMO.instances.ordersCache]);
  const project = fs.mkdtempSync(path.join(os.tmpdir(), 'dcs-bigkey-project-'));
  fs.writeFileSync(path.join(project, 'cdktf.json'), JSON.stringify({ app: 'x', context: { 'dcs-bigkey:snapshotFile': file } }));
  const cwd = process.cwd();
  process.chdir(project);
  try {
    const result = await run(['refresh', '--endpoint', emulator.url]);
    expect(result).toMatchObject({ code: 0, stdout: expect.stringContaining(`in ${file}`) });
    expect(fs.existsSync(path.join(project, 'dcs-bigkey.context.json'))).toBe(false);
  } finally {
    process.chdir(cwd);
  }
});

it('reads cdktf.json like any configuration file: bounded, a regular file, its errors never quoting it', async () => {
  const project = fs.mkdtempSync(path.join(os.tmpdir(), 'dcs-bigkey-project-'));
  const cwd = process.cwd();
  process.chdir(project);
  try {
    fs.writeFileSync('cdktf.json', '{ "app": "x", aws_secret_access_key = hunter2hunter2 }');
    const broken = await run(['list']);
    expect(broken).toMatchObject({ code: 2, stderr: expect.stringContaining('cdktf.json is not valid JSON (a JSON syntax error at line 1, column 15); fix it or pass --file') });
    expect(broken.stderr).not.toContain('hunter2');
    fs.rmSync('cdktf.json');
    fs.mkdirSync('cdktf.json');
    expect(await run(['list'])).toMatchObject({ code: 2, stderr: expect.stringContaining('cannot read cdktf configuration cdktf.json: it is a directory, not a regular file; fix it or pass --file') });
    fs.rmdirSync('cdktf.json');
    fs.writeFileSync('cdktf.json', ' '.repeat(1024 * 1024 + 1));
    expect(await run(['list'])).toMatchObject({ code: 2, stderr: expect.stringContaining('cdktf.json: it is 1048577 bytes, more than the 1 MiB a cdktf configuration may have') });
  } finally {
    process.chdir(cwd);
  }
});

it('is a usage error, with nothing sent, without credentials, entries or a known action', async () => {
  const file = await recordedSnapshot([DEMO.instances.ordersCache]);
  const requests = (await emulator.admin.stats()).requests;
  expect(await run(['refresh', '--file', file, '--endpoint', emulator.url], {})).toMatchObject({ code: 2, stderr: expect.stringMatching(/no credentials/) });
  expect(await run(['refresh', '--file', path.join(os.tmpdir(), 'no-such-snapshot.json')])).toMatchObject({ code: 2, stderr: expect.stringMatching(/has no entries to refresh/) });
  expect(await run(['record'])).toMatchObject({ code: 2, stderr: expect.stringMatching(/unknown snapshot action "record": expected list or refresh/) });
  expect(await run(['refresh', '--endpoint', 'ftp://x', '--file', file])).toMatchObject({ code: 2, stderr: expect.stringMatching(/invalid --endpoint/) });
  expect(await run(['refresh', '--instance-id', 'nope', '--file', file])).toMatchObject({ code: 2, stderr: expect.stringMatching(/invalid --instance-id "nope"/) });
  expect(await run(['refresh', '--instance-id', DEMO.instances.legacyCache, '--file', file])).toMatchObject({ code: 2, stderr: expect.stringContaining(`has no entry for instance ${DEMO.instances.legacyCache}: it has ${DEMO.instances.ordersCache}`) });
  expect(await run(['list', '--format', 'yaml', '--file', file])).toMatchObject({ code: 2, stderr: expect.stringMatching(/invalid --format "yaml": expected one of table, json/) });
  expect((await emulator.admin.stats()).requests).toBe(requests);
  expect((await run(['--help'])).code).toBe(0);
});

it('--instance-id refreshes that instance\'s entry alone and leaves the others byte-identical', async () => {
  const [a, b, c] = [newInstanceId(), newInstanceId(), newInstanceId()];
  for (const id of [a, b, c]) await emulator.admin.putInstance(id, { project_id: DEMO.projectId, generate: { count: 2, start: '2026-01-01T00:00:00.000Z', interval_seconds: 60, seed: id } });
  const file = await recordedSnapshot([a, b, c]);
  asLive(file);
  const before = fs.readFileSync(file, 'utf8');
  await emulator.admin.putInstance(b, { project_id: DEMO.projectId, generate: { count: 5, start: '2026-01-01T00:00:00.000Z', interval_seconds: 60, seed: b } });
  const result = await run(['refresh', '--file', file, '--instance-id', b.toUpperCase()]);
  expect(result).toMatchObject({ code: 0, stderr: '' });
  expect(result.stdout).toMatch(/^refreshed 1 entry \(5 tasks\) in /);
  const after = fs.readFileSync(file, 'utf8');
  expect(JSON.parse(after).entries[`${DEMO.projectId}/${b}`].count).toBe(5);
  // Every other entry is the very same text as before.
  for (const id of [a, c]) expect(after).toContain(entryText(before, `${DEMO.projectId}/${id}`));
  const others = (text: string) => { const doc = JSON.parse(text); delete doc.entries[`${DEMO.projectId}/${b}`]; return JSON.stringify(doc); };
  expect(others(after)).toBe(others(before));
  expect((await emulator.admin.stats()).by_instance[b]).toBeDefined();
});

it('entries recorded from an emulator that is gone do not make refresh fail: skipped with advice, or refreshed with --endpoint', async () => {
  const gone = await startDemoEmulator();
  const id = newInstanceId();
  await gone.admin.putInstance(id, { project_id: DEMO.projectId, generate: { count: 2, start: '2026-01-01T00:00:00.000Z', interval_seconds: 60, seed: id } });
  await emulator.admin.putInstance(id, { project_id: DEMO.projectId, generate: { count: 4, start: '2026-01-01T00:00:00.000Z', interval_seconds: 60, seed: id } });
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'dcs-bigkey-refresh-')), 'dcs-bigkey.context.json');
  const app = newApp({ 'dcs-bigkey:snapshot': 'record', 'dcs-bigkey:snapshotFile': file });
  new DcsBigKeyScanTasks(new TerraformStack(app, 'producer'), 'c', { endpoint: gone.url, projectId: DEMO.projectId, accessKey: DEMO.accessKey, secretKey: DEMO.secretKey, instanceId: id, gates: { latestAutoFailed: 'warning' } });
  synthApp(app);
  await gone.stop(); // its throwaway port is closed now
  const before = fs.readFileSync(file, 'utf8');
  expect(JSON.parse(before).entries[`${DEMO.projectId}/${id}`]).toMatchObject({ source: 'emulator', endpoint: gone.url });

  const skipped = await run(['refresh', '--file', file], {});
  expect(skipped.code).toBe(0);
  expect(skipped.stderr).toContain(`skipped ${DEMO.projectId}/${id}: it was recorded from the DCS emulator at ${gone.url}`);
  expect(skipped.stderr).toContain('refresh it with --endpoint URL of a running emulator');
  expect(skipped.stdout).toBe(`refreshed no entries in ${file} (1 emulator entry skipped); the file was left as it was\n`);
  expect(fs.readFileSync(file, 'utf8')).toBe(before);

  const named = await run(['refresh', '--file', file, '--instance-id', id]);
  expect(named.code).toBe(2);
  expect(named.stderr).toMatch(/were recorded from the DCS emulator at .*pass --endpoint URL of a running emulator/);

  const refreshed = await run(['refresh', '--file', file, '--instance-id', id, '--endpoint', emulator.url]);
  expect(refreshed).toMatchObject({ code: 0, stdout: expect.stringMatching(/^refreshed 1 entry \(4 tasks\)/) });
});

it('the example recording from its embedded emulator leaves a file that refresh explains instead of failing on', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dcs-bigkey-example-record-'));
  const file = path.join(dir, 'dcs-bigkey.context.json');
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(HUAWEICLOUD_|HW_|CLOUD_SDK_|DCS_BIGKEY_)/.test(k)));
  const synth = spawnSync(process.execPath, ['--import', 'tsx', path.join(REPO_ROOT, 'examples', 'app', 'main.ts')], {
    cwd: REPO_ROOT, encoding: 'utf8', timeout: 60_000,
    env: { ...env, DCS_BIGKEY_SNAPSHOT: 'record', DCS_BIGKEY_SNAPSHOT_FILE: file, CDKTF_OUTDIR: path.join(dir, 'out') },
  });
  expect(synth.status).toBe(0);
  const entries = Object.values<{ source: string; endpoint: string }>(JSON.parse(fs.readFileSync(file, 'utf8')).entries);
  expect(entries).toEqual([expect.objectContaining({ source: 'emulator', endpoint: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+$/) })]);
  const refresh = spawnSync(process.execPath, [BUILT_CLI, 'snapshot', 'refresh', '--file', file], { encoding: 'utf8', env: { PATH: process.env.PATH } });
  expect(refresh.status).toBe(0);
  expect(refresh.stderr).toContain('recorded from the DCS emulator');
});

describe('snapshot list', () => {
  it('shows every entry with its source, where from, and age; "stale" past the maximum age', async () => {
    const file = await recordedSnapshot([DEMO.instances.ordersCache, DEMO.instances.catalogCache]);
    const doc = JSON.parse(fs.readFileSync(file, 'utf8'));
    doc.entries[`${DEMO.projectId}/${DEMO.instances.catalogCache}`].fetched_at = '2026-01-01T00:00:00.000Z';
    // On the clock below (fixed, earlier than the recording): fetched a day before it, within the maximum age.
    doc.entries[`${DEMO.projectId}/${DEMO.instances.ordersCache}`].fetched_at = '2026-01-10T06:00:00.000Z';
    fs.writeFileSync(file, JSON.stringify(doc));
    const now = () => new Date('2026-01-11T06:00:00.000Z');
    const list = async (args: string[], env: NodeJS.ProcessEnv = {}) => {
      const stdout = new BufferStream();
      const stderr = new BufferStream();
      const code = await runSnapshotCommand(['list', '--file', file, ...args], { stdout, stderr, env, isTTY: false, now });
      return { code, stdout: stdout.text, stderr: stderr.text };
    };
    const table = await list([], { DCS_BIGKEY_SNAPSHOT_MAX_AGE: '7d' });
    expect(table.code).toBe(0);
    const lines = table.stdout.trimEnd().split('\n');
    expect(lines[0]).toBe(`${file}: 2 entries; maximum age 7d (error): 1 stale`);
    expect(lines[2].split(/\s{2,}/)).toEqual(['INSTANCE', 'PROJECT', 'LOOKUP', 'STATUS', 'SOURCE', 'FROM', 'FETCHED', 'AGE', 'TASKS']);
    const catalog = lines.find((l) => l.startsWith(DEMO.instances.catalogCache))!;
    expect(catalog.split(/\s{2,}/)).toEqual([DEMO.instances.catalogCache, DEMO.projectId, 'big key tasks', 'all', 'emulator', emulator.url, '2026-01-01T00:00:00.000Z', '10d 6h (stale)', '5']);

    const json = JSON.parse((await list(['--format', 'json'])).stdout);
    expect(json.max_age).toBeNull();
    expect(json.entries).toHaveLength(2);
    expect(json.entries.find((e: { instance_id: string }) => e.instance_id === DEMO.instances.catalogCache)).toEqual({
      key: `${DEMO.projectId}/${DEMO.instances.catalogCache}`, project_id: DEMO.projectId, instance_id: DEMO.instances.catalogCache, status_filter: null,
      lookup: 'bigkey-tasks', keys: false, key_names: false, autoscan: false,
      source: 'emulator', region: null, endpoint: emulator.url, fetched_at: '2026-01-01T00:00:00.000Z', age_seconds: 885_600, count: 5, stale: null,
    });
    expect((await list([], { COLUMNS: '60', DCS_BIGKEY_SNAPSHOT_MAX_AGE: '7d' })).stdout.split('\n').every((l) => l.length <= 60)).toBe(true);
    // A maximum age outside the bounded duration grammar is a usage error: it can never turn the check off.
    for (const maxAge of ['99999999999d', '7 days']) {
      expect(await list([], { DCS_BIGKEY_SNAPSHOT_MAX_AGE: maxAge })).toMatchObject({ code: 2, stdout: '', stderr: expect.stringMatching(/^dcs-bigkey snapshot: invalid snapshot maximum age .*\(set by DCS_BIGKEY_SNAPSHOT_MAX_AGE or context dcs-bigkey:snapshotMaxAge\)/) });
    }
  });
});

/** The text of one entry as the canonical file writes it (2-space JSON, sorted keys, inside "entries"). */
function entryText(fileText: string, key: string): string {
  const start = fileText.indexOf(`    ${JSON.stringify(key)}: {`);
  const end = fileText.indexOf('\n    }', start);
  if (start < 0 || end < 0) throw new Error(`no entry ${key}`);
  return fileText.slice(start, end + 6);
}

it('checks endpoints read from the file like any other: http:// beyond loopback is refused, nothing sent', async () => {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'dcs-bigkey-refresh-')), 'dcs-bigkey.context.json');
  const entry = {
    project_id: DEMO.projectId, instance_id: DEMO.instances.ordersCache, status_filter: null, region: null, endpoint: 'http://dcs.example.invalid',
    source: 'live', fetched_at: '2026-11-28T12:00:00.000Z', count: 0, records: [],
  };
  fs.writeFileSync(file, JSON.stringify({ version: 1, entries: { [`${DEMO.projectId}/${DEMO.instances.ordersCache}`]: entry } }));
  const before = fs.readFileSync(file, 'utf8');
  const requests = (await emulator.admin.stats()).requests;
  const result = await run(['refresh', '--file', file]);
  expect(result.code).toBe(2);
  expect(result.stderr).toMatch(/invalid entry 0b6bd4e1a8f34b0c9a8a4f5c1e0d2a7b\/5560df16-cebf-4473-95c4-d1b573c16e79 endpoint "http:\/\/dcs.example.invalid": http:\/\/ would send signed requests/);
  // --endpoint overrides it (here: the emulator on loopback)
  expect((await run(['refresh', '--file', file, '--endpoint', emulator.url])).code).toBe(0);
  expect(fs.readFileSync(file, 'utf8')).not.toBe(before);
  expect((await emulator.admin.stats()).requests).toBe(requests + 1);
});

it('refuses a file that is not a snapshot without quoting it', async () => {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'dcs-bigkey-refresh-')), 'not-a-snapshot');
  fs.writeFileSync(file, 'aws_secret_access_key = hunter2hunter2\n');
  const result = await run(['refresh', '--file', file]);
  expect(result.code).toBe(2);
  expect(result.stderr).toMatch(/is not valid JSON \(not JSON\)/);
  expect(result.stderr).not.toContain('hunter2');
});
