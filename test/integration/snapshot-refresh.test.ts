/**
 * `dcs-bigkey snapshot refresh` against the emulator: re-reads every entry, all or nothing.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { TerraformStack } from 'cdktf';
import { runSnapshotCommand } from '../../lib/cli/snapshot-command';
import { BufferStream } from '../../lib/cli/io';
import { DcsBigKeyScanTasks } from '../../lib/construct/dcs-bigkey-scan-tasks';
import { EmulatorProcess } from '../../lib/emulator';
import { DEMO, newInstanceId, SECRETS, startDemoEmulator } from '../support/emulator-fixture';
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

async function recordedSnapshot(instanceIds: string[]): Promise<string> {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'dcs-bigkey-refresh-')), 'dcs-bigkey.context.json');
  const app = newApp({ 'dcs-bigkey:snapshot': 'record', 'dcs-bigkey:snapshotFile': file });
  const stack = new TerraformStack(app, 'producer');
  instanceIds.forEach((instanceId, i) => new DcsBigKeyScanTasks(stack, `c${i}`, { endpoint: emulator.url, projectId: DEMO.projectId, accessKey: DEMO.accessKey, secretKey: DEMO.secretKey, instanceId }));
  synthApp(app);
  return file;
}

it('re-reads every entry from where it was recorded and rewrites the file', async () => {
  const id = newInstanceId();
  await emulator.admin.putInstance(id, { project_id: DEMO.projectId, generate: { count: 3, start: '2026-01-01T00:00:00.000Z', interval_seconds: 60, seed: id } });
  const file = await recordedSnapshot([id, DEMO.instances.ordersCache]);
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

it('leaves the file unchanged when any lookup fails', async () => {
  const id = newInstanceId();
  await emulator.admin.putInstance(id, { project_id: DEMO.projectId, generate: { count: 2, start: '2026-01-01T00:00:00.000Z', interval_seconds: 60, seed: id } });
  const file = await recordedSnapshot([id, DEMO.instances.ordersCache]);
  const before = fs.readFileSync(file, 'utf8');
  await emulator.admin.deleteInstance(id);
  const result = await run(['refresh', '--file', file]);
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
    const result = await run(['refresh']);
    expect(result).toMatchObject({ code: 0, stdout: expect.stringContaining(`in ${file}`) });
    expect(fs.existsSync(path.join(project, 'dcs-bigkey.context.json'))).toBe(false);
  } finally {
    process.chdir(cwd);
  }
});

it('is a usage error, with nothing sent, without credentials, entries or a known action', async () => {
  const file = await recordedSnapshot([DEMO.instances.ordersCache]);
  const requests = (await emulator.admin.stats()).requests;
  expect(await run(['refresh', '--file', file], {})).toMatchObject({ code: 2, stderr: expect.stringMatching(/no credentials/) });
  expect(await run(['refresh', '--file', path.join(os.tmpdir(), 'no-such-snapshot.json')])).toMatchObject({ code: 2, stderr: expect.stringMatching(/has no entries to refresh/) });
  expect(await run(['record'])).toMatchObject({ code: 2, stderr: expect.stringMatching(/unknown snapshot action "record": expected refresh/) });
  expect(await run(['refresh', '--endpoint', 'ftp://x', '--file', file])).toMatchObject({ code: 2, stderr: expect.stringMatching(/invalid --endpoint/) });
  expect((await emulator.admin.stats()).requests).toBe(requests);
  expect((await run(['--help'])).code).toBe(0);
});

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
