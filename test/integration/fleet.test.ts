/**
 * `dcs-bigkey gate --fleet` at scale: 500 instances in the emulator (a separate process, real
 * sockets), a fifth of all requests throttled with 429 + Retry-After. The gate runs in-process
 * (runGateCommand, the very function the executable calls) so the test can also count clients.
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { runGateCommand } from '../../lib/cli/gate-command';
import { DcsBigKeyClient, RetryEvent } from '../../lib/client/client';
import { DEMO } from '../../lib/emulator';
import { mapWithConcurrency } from '../../lib/util/concurrency';
import { demoEnv, expectGateJsonSchema, runInProcess, useCliEmulator } from '../support/cli-harness';
import { fleetInstanceId, fleetInstanceTasks, FLEET_PROJECT, expectedFleetVerdict } from '../support/cli-fleet';

const N = 500;
const CONCURRENCY = 16;

const context = useCliEmulator('dcs-bigkey-fleet-', async ({ emulator }) => {
  const ids = Array.from({ length: N }, (_, i) => i);
  await mapWithConcurrency(ids, 16, (i) =>
    emulator.admin.putInstance(fleetInstanceId(i), { project_id: FLEET_PROJECT, name: `cache-${i}`, tasks: fleetInstanceTasks(i) }),
  );
});

afterEach(() => jest.restoreAllMocks());

it(`gates ${N} instances under throttling: every instance once, every verdict right, concurrency bounded, one shared client`, async () => {
  const file = path.join(context.dir, 'fleet.json');
  writeFileSync(
    file,
    JSON.stringify({
      defaults: { project_id: FLEET_PROJECT, endpoint: context.emulator.url },
      instances: Array.from({ length: N }, (_, i) => ({ name: `cache-${i}`, instance_id: fleetInstanceId(i) })),
    }),
  );
  // Throttle a fifth of the requests; 5 ms of latency on each so that concurrent requests overlap
  // in the emulator (its handler is synchronous: without latency nothing is ever in flight twice).
  await context.emulator.admin.addFaults([
    { kind: 'throttle', instance_id: '*', ratio: 0.2, retry_after_s: 0 },
    { kind: 'latency', instance_id: '*', ms: 5 },
  ]);
  const close = jest.spyOn(DcsBigKeyClient.prototype, 'close');

  const run = await runInProcess(runGateCommand, ['--fleet', file, '--format', 'json', '--concurrency', String(CONCURRENCY)], demoEnv());

  const doc = JSON.parse(run.stdout);
  expectGateJsonSchema(doc);
  expect(doc.instances).toHaveLength(N);
  // Input order, none lost, none duplicated.
  expect(doc.instances.map((i: { instance_id: string }) => i.instance_id)).toEqual(Array.from({ length: N }, (_, i) => fleetInstanceId(i)));
  expect(new Set(doc.instances.map((i: { instance_id: string }) => i.instance_id)).size).toBe(N);
  doc.instances.forEach((result: any, i: number) => {
    expect({ i, verdict: result.verdict }).toEqual({ i, verdict: expectedFleetVerdict(i) });
    expect(result.name).toBe(`cache-${i}`);
    expect(result.tasks_read).toBe(fleetInstanceTasks(i).length);
    if (expectedFleetVerdict(i) === 'blocked') {
      expect(result.findings).toEqual([expect.objectContaining({ policy: 'latest-auto-failed', task_id: result.latest_auto.id })]);
      expect(result.latest_auto.status).toBe('failed');
    }
  });
  const blocked = Array.from({ length: N }, (_, i) => expectedFleetVerdict(i)).filter((v) => v === 'blocked').length;
  expect(doc.summary).toEqual({ pass: N - blocked, warn: 0, blocked, error: 0, total: N });
  expect(run.code).toBe(1);
  expect(run.stderr).toBe(''); // stderr is no terminal and --verbose is off: no progress

  const stats = await context.emulator.admin.stats();
  const statuses = Object.values(stats.by_instance).map((s) => s.statuses);
  const throttled = statuses.reduce((n, s) => n + (s['429'] ?? 0), 0);
  expect(throttled).toBeGreaterThanOrEqual(Math.floor(stats.requests * 0.2) - 1);
  expect(throttled).toBeGreaterThan(50);
  expect(stats.requests).toBe(N + throttled);
  expect(Object.keys(stats.by_instance)).toHaveLength(N);
  for (const s of statuses) expect(s['200']).toBe(1);
  expect(stats.max_in_flight).toBeLessThanOrEqual(CONCURRENCY);
  expect(stats.max_in_flight).toBeGreaterThanOrEqual(4); // and it really ran concurrently
  expect(close).toHaveBeenCalledTimes(1); // one client for the one (endpoint, project)

}, 60_000);

it('one client per distinct (endpoint, project), a failed instance does not stop the others, --verbose progress', async () => {
  const file = path.join(context.dir, 'two-projects.json');
  writeFileSync(
    file,
    JSON.stringify({
      defaults: { endpoint: context.emulator.url },
      instances: [
        { instance_id: fleetInstanceId(1), project_id: FLEET_PROJECT },
        { instance_id: DEMO.instances.legacyCache, project_id: DEMO.projectId, name: 'legacy' },
        { instance_id: fleetInstanceId(10), project_id: FLEET_PROJECT },
        { instance_id: DEMO.instances.ordersCache, project_id: DEMO.projectId },
      ],
    }),
  );
  const close = jest.spyOn(DcsBigKeyClient.prototype, 'close');
  const run = await runInProcess(runGateCommand, ['--fleet', file, '--format', 'json', '--verbose', '--concurrency', '1'], demoEnv());
  expect(run.code).toBe(3);
  const doc = JSON.parse(run.stdout);
  expect(doc.instances.map((i: { verdict: string }) => i.verdict)).toEqual(['pass', 'error', 'blocked', 'pass']);
  expect(close).toHaveBeenCalledTimes(2);
  const progress = run.stderr.trimEnd().split('\n');
  expect(progress).toEqual([
    expect.stringMatching(/^dcs-bigkey gate: 1\/4 done, 0 blocked, 0 failed so far/),
    expect.stringMatching(/^dcs-bigkey gate: 2\/4 done, 0 blocked, 1 failed so far \(legacy: error\)/),
    expect.stringMatching(/^dcs-bigkey gate: 3\/4 done, 1 blocked, 1 failed so far/),
    expect.stringMatching(/^dcs-bigkey gate: 4\/4 done, 1 blocked, 1 failed \(/),
  ]);
  const stats = await context.emulator.admin.stats();
  expect(stats.max_in_flight).toBe(1);
});

it('on a terminal, progress is one line redrawn on stderr, replaced by the result at the end', async () => {
  const file = path.join(context.dir, 'tty.json');
  writeFileSync(file, JSON.stringify({ defaults: { project_id: FLEET_PROJECT, endpoint: context.emulator.url }, instances: [0, 1, 2].map((i) => ({ instance_id: fleetInstanceId(i) })) }));
  const run = await runInProcess(runGateCommand, ['--fleet', file, '--format', 'json'], demoEnv(), { isTTY: true });
  expect(run.stderr).toContain('\r\x1b[2Kdcs-bigkey gate: 3/3 done, 1 blocked, 0 failed');
  expect(run.stderr.endsWith('\r\x1b[2Kdcs-bigkey gate: checked 3 of 3: 2 pass, 0 warn, 1 blocked, 0 error\n')).toBe(true);
  expect(JSON.parse(run.stdout).summary.total).toBe(3);
});

it("a Retry-After wait from the API is shown: the client's onRetry hook feeds the progress", async () => {
  const file = path.join(context.dir, 'throttled.json');
  writeFileSync(file, JSON.stringify({ defaults: { project_id: FLEET_PROJECT, endpoint: context.emulator.url }, instances: [{ name: 'slow-cache', instance_id: fleetInstanceId(1) }, { instance_id: fleetInstanceId(2) }] }));
  await context.emulator.admin.addFaults({ kind: 'throttle', instance_id: fleetInstanceId(1), count: 1, retry_after_s: 1 });
  const run = await runInProcess(runGateCommand, ['--fleet', file, '--format', 'json', '--verbose'], demoEnv());
  expect(run.code).toBe(0);
  expect(run.stderr).toMatch(/^dcs-bigkey gate: slow-cache: throttled by the API, waiting 1(\.1)? s$/m);
  expect(run.stderr.trimEnd().split('\n').pop()).toMatch(/^dcs-bigkey gate: 2\/2 done, 0 blocked, 0 failed \(/);
});

it('onRetry receives each retry wait with the instance, the operation, the reason and whether it was throttling', async () => {
  const events: RetryEvent[] = [];
  const client = new DcsBigKeyClient({ endpoint: context.emulator.url, projectId: FLEET_PROJECT, accessKey: DEMO.accessKey, secretKey: DEMO.secretKey, env: {}, onRetry: (e) => events.push(e), retry: { minDelayMs: 1, maxDelayMs: 5 } });
  try {
    // Throttle rules win over error rules on the same request: one fault at a time.
    await context.emulator.admin.addFaults({ kind: 'throttle', instance_id: fleetInstanceId(3), count: 1, retry_after_s: 0 });
    expect((await client.listAllBigKeyTasks(fleetInstanceId(3))).meta.requests).toBe(2);
    await context.emulator.admin.addFaults({ kind: 'error', instance_id: fleetInstanceId(3), status: 503, count: 1 });
    expect((await client.listAllBigKeyTasks(fleetInstanceId(3))).meta.requests).toBe(2);
  } finally {
    await client.close();
  }
  expect(events).toEqual([
    { instanceId: fleetInstanceId(3), operation: 'ListBigkeyScanTasks', reason: 'HTTP 429', delayMs: expect.any(Number), throttled: true },
    { instanceId: fleetInstanceId(3), operation: 'ListBigkeyScanTasks', reason: 'HTTP 503', delayMs: expect.any(Number), throttled: false },
  ]);
});

/** A fleet file of two passing instances, and a disk that is full for `unwritable` (its atomic rename fails). */
function twoInstancesAndAFullDiskFor(name: string, unwritable: string): string {
  const file = path.join(context.dir, name);
  writeFileSync(file, JSON.stringify({ defaults: { project_id: FLEET_PROJECT, endpoint: context.emulator.url }, instances: [1, 2].map((i) => ({ instance_id: fleetInstanceId(i) })) }));
  const nodeFs: typeof import('node:fs') = jest.requireActual('node:fs');
  const rename = nodeFs.renameSync;
  jest.spyOn(nodeFs, 'renameSync').mockImplementation((from, to) => {
    if (to === unwritable) throw new Error('ENOSPC: no space left on device');
    return rename(from, to);
  });
  return file;
}

it('a --report file that cannot be written after the run: said on stderr, exit 3, nothing half-written', async () => {
  const report = path.join(context.dir, 'gate-report.json');
  const file = twoInstancesAndAFullDiskFor('two.json', report);
  const run = await runInProcess(runGateCommand, ['--fleet', file, '--format', 'json', '--report', `json=${report}`], demoEnv());
  expect(run.code).toBe(3);
  expect(run.stderr).toContain(`could not write the report ${report}: ENOSPC: no space left on device`);
  // stdout still has the report, with the exit code the command ends with: a pipeline reading
  // the report's exit_code instead of the process status must not read a pass.
  expect(JSON.parse(run.stdout)).toMatchObject({ verdict: 'pass', exit_code: 3 });
  expect(existsSync(report)).toBe(false);
  expect(readdirSync(context.dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
});

it('a --report file written beside one that could not be: it says exit code 3 too, as the command ends', async () => {
  const written = path.join(context.dir, 'gate-written.json');
  const failing = path.join(context.dir, 'gate-failing.md');
  const file = twoInstancesAndAFullDiskFor('two-more.json', failing);
  const run = await runInProcess(runGateCommand, ['--fleet', file, '--format', 'markdown', '--report', `json=${written},markdown=${failing}`], demoEnv());
  expect(run.code).toBe(3);
  expect(run.stderr).toContain(`could not write the report ${failing}: ENOSPC`);
  expect(JSON.parse(readFileSync(written, 'utf8'))).toMatchObject({ verdict: 'pass', exit_code: 3 });
  expect(run.stdout).toContain('exit code 3');
  expect(existsSync(failing)).toBe(false);
});

it('a --report file written, then not rewritten with exit code 3 (the disk filled up), is removed: no report left says the run passed', async () => {
  const written = path.join(context.dir, 'gate-rewrite.json');
  const failing = path.join(context.dir, 'gate-rewrite-failing.md');
  const file = twoInstancesAndAFullDiskFor('two-rewrite.json', failing);
  const nodeFs: typeof import('node:fs') = jest.requireActual('node:fs');
  const rename = nodeFs.renameSync as jest.MockedFunction<typeof nodeFs.renameSync>;
  const firstRename = rename.getMockImplementation()!;
  let writes = 0;
  rename.mockImplementation((from, to) => {
    // The first write of this file succeeds (it says exit code 0), its rewrite with exit code 3 does not.
    if (to === written && ++writes > 1) throw new Error('ENOSPC: no space left on device');
    return firstRename(from, to);
  });
  const run = await runInProcess(runGateCommand, ['--fleet', file, '--format', 'json', '--report', `json=${written},markdown=${failing}`], demoEnv());
  expect(run.code).toBe(3);
  expect(writes).toBe(2);
  expect(run.stderr).toContain(`could not write the report ${written}: ENOSPC`);
  expect(existsSync(written)).toBe(false);
  expect(existsSync(failing)).toBe(false);
  expect(JSON.parse(run.stdout)).toMatchObject({ verdict: 'pass', exit_code: 3 });
});

it('a report of an earlier run at a --report path that cannot be written now is removed, not left to be read as this run\'s', async () => {
  const report = path.join(context.dir, 'gate-earlier.json');
  writeFileSync(report, JSON.stringify({ verdict: 'pass', exit_code: 0 }));
  const file = twoInstancesAndAFullDiskFor('two-earlier.json', report);
  const run = await runInProcess(runGateCommand, ['--fleet', file, '--format', 'json', '--report', `json=${report}`], demoEnv());
  expect(run.code).toBe(3);
  expect(run.stderr).toContain(`could not write the report ${report}: ENOSPC`);
  expect(existsSync(report)).toBe(false);
});

it('GITHUB_STEP_SUMMARY that cannot be appended to is a warning annotation, not a gate failure', async () => {
  const file = path.join(context.dir, 'one.json');
  writeFileSync(file, JSON.stringify({ defaults: { project_id: FLEET_PROJECT, endpoint: context.emulator.url }, instances: [{ instance_id: fleetInstanceId(1) }] }));
  const run = await runInProcess(runGateCommand, ['--fleet', file, '--format', 'github'], demoEnv(undefined, { GITHUB_STEP_SUMMARY: '/nonexistent-dir/summary.md' }));
  expect(run.code).toBe(0);
  expect(run.stdout).toMatch(/^::warning::dcs-bigkey gate: could not append the report to GITHUB_STEP_SUMMARY \(\/nonexistent-dir\/summary.md\): ENOENT/m);
  expect(run.stdout.trimEnd().split('\n').pop()).toMatch(/^::notice::DCS big key gate: pass/);
});
