/**
 * The main job as a user runs it: `npx cdktf synth` of the example on a machine with no cloud
 * configured (the example starts the embedded emulator), with the failing-gate switch, and built
 * with CDK Terrain (DCS_BIGKEY_FRAMEWORK=cdktn; cdktn-cli itself runs in cdktn-cli.test.ts).
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { cdktfSynth, cleanEnv } from '../support/cli-synth';
import { DEMO, REPO_ROOT, SECRETS } from '../support/emulator-fixture';
import { outputs, readOutdir } from '../support/synth';

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

describe('the example built with CDK Terrain', () => {
  it('synthesizes with DCS_BIGKEY_FRAMEWORK=cdktn under cdktf-cli too (Node 20), writing the stacks with cdktn', () => {
    const run = cdktfSynth(cleanEnv({ DCS_BIGKEY_FRAMEWORK: 'cdktn' }));
    expect(run.status).toBe(0);
    const cdktnVersion = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'node_modules', 'cdktn', 'package.json'), 'utf8')).version;
    expect(JSON.parse(fs.readFileSync(path.join(run.outdir, 'manifest.json'), 'utf8')).version).toBe(cdktnVersion);
    expect(outputs(readOutdir(run.outdir).stacks.producer)['orders-cache_latest_auto_status']).toBe('success');
  });

  it('rejects an unknown DCS_BIGKEY_FRAMEWORK, listing the valid ones', () => {
    const run = spawnSync(process.execPath, ['--import', 'tsx', 'examples/app/main.ts'], { cwd: REPO_ROOT, env: cleanEnv({ DCS_BIGKEY_FRAMEWORK: 'cdk' }), encoding: 'utf8' });
    expect({ status: run.status, stderr: run.stderr }).toEqual({ status: 1, stderr: 'invalid DCS_BIGKEY_FRAMEWORK "cdk": expected one of cdktf, cdktn\n' });
  });
});
