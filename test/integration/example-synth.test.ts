/**
 * The main job as a user runs it: `npx cdktf synth` of the example on a machine with no cloud
 * configured (the example starts the embedded emulator), and with the failing-gate switch.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { DEMO, REPO_ROOT, SECRETS } from '../support/emulator-fixture';
import { outputs, readOutdir } from '../support/synth';

/** The environment of a fresh machine: no Huawei Cloud variables at all. */
function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(HUAWEICLOUD_|HW_|CLOUD_SDK_|DCS_BIGKEY_|CDKTF_CONTINUE)/.test(k)));
  return { ...env, CHECKPOINT_DISABLE: '1', CI: 'true', ...extra };
}

function cdktfSynth(env: NodeJS.ProcessEnv) {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'dcs-bigkey-example-'));
  const cli = path.join(REPO_ROOT, 'node_modules', '.bin', 'cdktf');
  const run = spawnSync(cli, ['synth', '--output', outdir], { cwd: REPO_ROOT, env, encoding: 'utf8', timeout: 180_000 });
  return { ...run, outdir, text: `${run.stdout}\n${run.stderr}` };
}

describe('npx cdktf synth of the example', () => {
  it('passes against the embedded emulator, says so, and writes the outputs', () => {
    const run = cdktfSynth(cleanEnv());
    expect(run.status).toBe(0);
    expect(run.text).toMatch(/started the embedded DCS emulator at http:\/\/127\.0\.0\.1:\d+ with the bundled demo data/);
    expect(run.text).toMatch(/dcs-bigkey: 1 instance, \d+ tasks, source emulator, \d+ ms in 1 batch/);
    const result = readOutdir(run.outdir);
    const out = outputs(result.stacks.producer);
    expect(out['orders-cache_instance_id']).toBe(DEMO.instances.ordersCache);
    expect(out['orders-cache_latest_auto_status']).toBe('success');
    expect(out['orders-cache_gate_message']).toBe('');
    expect(Object.keys(result.stacks.consumer.output)).toEqual(['orders-cache-gate_gate']);
    for (const secret of [...SECRETS, DEMO.accessKey]) {
      expect(result.allText).not.toContain(secret);
      expect(run.text).not.toContain(secret);
    }
  });

  it('fails with the gate message when switched to the instance whose latest automatic scan failed', () => {
    const run = cdktfSynth(cleanEnv({ DCS_BIGKEY_DEMO: 'failing' }));
    expect(run.status).not.toBe(0);
    expect(run.text).toContain(`the latest automatic big key scan of instance ${DEMO.instances.sessionsCache} (sessions-cache) failed`);
    expect(run.text).toMatch(/run a new scan/);
    // the stacks are still written, so the failure can be inspected
    expect(outputs(readOutdir(run.outdir).stacks.producer)['sessions-cache_latest_auto_status']).toBe('failed');
  });
});
