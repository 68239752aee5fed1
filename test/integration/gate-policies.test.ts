/**
 * What makes each gate PASS, and what makes it BLOCK, through `dcs-bigkey gate` against the
 * emulator (a separate process, real sockets): one instance per case, its tasks placed relative
 * to now. And the headline rule: policy flags and fleet policies add to "the latest automatic
 * scan must not have failed" (a gate that passed with `--max-auto-age 7d` over a failed scan was
 * the bug).
 */
import { writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { runGateCommand } from '../../lib/cli/gate-command';
import { DEMO } from '../../lib/emulator';
import { demoEnv, runInProcess, useCliEmulator } from '../support/cli-harness';
import { newInstanceId } from '../support/emulator-fixture';

const context = useCliEmulator('dcs-bigkey-gate-policies-');
const MIN = 60_000;

interface TaskAt {
  readonly scan_type: 'auto' | 'manual';
  readonly status: 'waiting' | 'running' | 'success' | 'failed';
  /** Minutes before now it was created; finished tasks ran 2 minutes, running ones started 1 minute in. */
  readonly ago: number;
}

async function instanceWith(...tasks: TaskAt[]): Promise<string> {
  const id = newInstanceId();
  const at = (minutesAgo: number) => new Date(Date.now() - minutesAgo * MIN).toISOString();
  await context.emulator.admin.putInstance(id, {
    project_id: DEMO.projectId,
    tasks: tasks.map((t) => ({
      id: newInstanceId(),
      scan_type: t.scan_type,
      status: t.status,
      created_at: at(t.ago),
      started_at: t.status === 'waiting' ? null : at(t.ago - 1),
      finished_at: t.status === 'success' || t.status === 'failed' ? at(t.ago - 2) : null,
    })),
  });
  return id;
}

async function gate(id: string, ...flags: string[]) {
  const run = await runInProcess(runGateCommand, ['--instance-id', id, '--format', 'json', ...flags], demoEnv(context.emulator.url));
  const doc = JSON.parse(run.stdout);
  return { code: run.code, verdict: doc.instances[0].verdict as string, policies: doc.instances[0].policies as string[], found: doc.instances[0].findings.map((f: { policy: string }) => f.policy) as string[] };
}

const DAY = 24 * 60;

describe('each policy: what passes and what blocks', () => {
  it('latest-auto-failed (the headline, no flag needed): blocks when the newest automatic scan with a result failed, passes once a newer one succeeded', async () => {
    const failed = await instanceWith({ scan_type: 'auto', status: 'failed', ago: 60 }, { scan_type: 'auto', status: 'success', ago: DAY }, { scan_type: 'manual', status: 'success', ago: 10 });
    expect(await gate(failed)).toEqual({ code: 1, verdict: 'blocked', policies: ['latest-auto-failed'], found: ['latest-auto-failed'] });
    const recovered = await instanceWith({ scan_type: 'auto', status: 'success', ago: 60 }, { scan_type: 'auto', status: 'failed', ago: DAY }, { scan_type: 'manual', status: 'failed', ago: 10 });
    expect(await gate(recovered)).toEqual({ code: 0, verdict: 'pass', policies: ['latest-auto-failed'], found: [] });
    // A newer scan still running has no result: the failed one before it still blocks.
    const running = await instanceWith({ scan_type: 'auto', status: 'running', ago: 5 }, { scan_type: 'auto', status: 'failed', ago: DAY });
    expect(await gate(running)).toEqual({ code: 1, verdict: 'blocked', policies: ['latest-auto-failed'], found: ['latest-auto-failed'] });
    const runningAfterSuccess = await instanceWith({ scan_type: 'auto', status: 'running', ago: 5 }, { scan_type: 'auto', status: 'success', ago: 60 }, { scan_type: 'auto', status: 'failed', ago: DAY });
    expect((await gate(runningAfterSuccess)).verdict).toBe('pass');
    const none = await instanceWith({ scan_type: 'manual', status: 'failed', ago: 5 });
    expect((await gate(none)).verdict).toBe('pass');
  });

  it('max-auto-age: blocks when no automatic scan finished within the age, passes when one did', async () => {
    const stale = await instanceWith({ scan_type: 'auto', status: 'success', ago: 3 * DAY });
    expect(await gate(stale, '--no-latest-auto-failed', '--max-auto-age', '2d')).toEqual({ code: 1, verdict: 'blocked', policies: ['max-auto-scan-age'], found: ['max-auto-scan-age'] });
    expect((await gate(stale, '--no-latest-auto-failed', '--max-auto-age', '4d')).verdict).toBe('pass');
    const neverFinished = await instanceWith({ scan_type: 'auto', status: 'running', ago: 30 });
    expect((await gate(neverFinished, '--no-latest-auto-failed', '--max-auto-age', '4d')).verdict).toBe('blocked');
  });

  it('require-success: blocks when no scan ever succeeded, passes when one did', async () => {
    const never = await instanceWith({ scan_type: 'manual', status: 'failed', ago: 30 }, { scan_type: 'auto', status: 'running', ago: 5 });
    expect(await gate(never, '--no-latest-auto-failed', '--require-success')).toEqual({ code: 1, verdict: 'blocked', policies: ['require-successful-scan'], found: ['require-successful-scan'] });
    const once = await instanceWith({ scan_type: 'manual', status: 'success', ago: 30 * DAY }, { scan_type: 'auto', status: 'running', ago: 5 });
    expect((await gate(once, '--no-latest-auto-failed', '--require-success')).verdict).toBe('pass');
  });

  it('stuck-after: blocks a scan running or waiting longer than the limit, passes one within it', async () => {
    const stuck = await instanceWith({ scan_type: 'manual', status: 'running', ago: 120 });
    expect(await gate(stuck, '--no-latest-auto-failed', '--stuck-after', '1h')).toEqual({ code: 1, verdict: 'blocked', policies: ['stuck-task'], found: ['stuck-task'] });
    const fresh = await instanceWith({ scan_type: 'manual', status: 'running', ago: 20 }, { scan_type: 'manual', status: 'waiting', ago: 10 });
    expect((await gate(fresh, '--no-latest-auto-failed', '--stuck-after', '1h')).verdict).toBe('pass');
  });
});

describe('the headline policy is on unless turned off: flags and fleet policies add to it', () => {
  it.each([
    [['--max-auto-age', '7d']],
    [['--stuck-after', '6h']],
    [['--require-success']],
    [['--max-auto-age', '7d', '--stuck-after', '6h', '--require-success']],
    [['--warn-only', 'stuck-after', '--stuck-after', '6h']],
  ])('%j over a failed newest automatic scan: blocked (exit 1)', async (flags) => {
    const id = await instanceWith({ scan_type: 'auto', status: 'failed', ago: 60 }, { scan_type: 'manual', status: 'success', ago: 30 });
    const result = await gate(id, ...flags);
    expect(result.code).toBe(1);
    expect(result.verdict).toBe('blocked');
    expect(result.found).toContain('latest-auto-failed');
    expect(result.policies[0]).toBe('latest-auto-failed');
  });

  it('a fleet entry that sets only stuckTask (like the README\'s catalog-cache) is still blocked by a failed automatic scan', async () => {
    const failed = await instanceWith({ scan_type: 'auto', status: 'failed', ago: 60 });
    const file = path.join(context.dir, 'fleet.json');
    writeFileSync(file, JSON.stringify({
      defaults: { project_id: DEMO.projectId, endpoint: context.emulator.url },
      instances: [{ name: 'catalog-cache', instance_id: failed, policies: { stuckTask: { maxDuration: '1h', severity: 'warning' } } }],
    }));
    const run = await runInProcess(runGateCommand, ['--fleet', file, '--format', 'json'], demoEnv());
    expect(run.code).toBe(1);
    const instance = JSON.parse(run.stdout).instances[0];
    expect(instance).toMatchObject({ verdict: 'blocked', policies: ['latest-auto-failed', 'stuck-task'] });
    expect(instance.findings.map((f: { policy: string }) => f.policy)).toEqual(['latest-auto-failed']);
  });

  it('turned off explicitly, the other policies decide (and the report says which were evaluated)', async () => {
    const failed = await instanceWith({ scan_type: 'auto', status: 'failed', ago: 60 });
    expect(await gate(failed, '--no-latest-auto-failed', '--stuck-after', '6h')).toEqual({ code: 0, verdict: 'pass', policies: ['stuck-task'], found: [] });
    const file = path.join(context.dir, 'fleet-off.json');
    writeFileSync(file, JSON.stringify({ defaults: { project_id: DEMO.projectId, endpoint: context.emulator.url }, instances: [{ instance_id: failed, policies: { latestAutoFailed: 'off', requireSuccessfulScan: 'error' } }] }));
    const run = await runInProcess(runGateCommand, ['--fleet', file, '--format', 'json'], demoEnv());
    expect(JSON.parse(run.stdout).instances[0]).toMatchObject({ verdict: 'blocked', policies: ['require-successful-scan'] });
  });
});
