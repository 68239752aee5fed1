/**
 * The main job as a user runs it: `npx cdktf synth` of the example on a machine with no cloud
 * configured (the example starts the embedded emulator), with the demo switch forced while cloud
 * credentials are set, with the failing-gate switch, and built with CDK Terrain
 * (DCS_BIGKEY_FRAMEWORK=cdktn; cdktn-cli itself runs in cdktn-cli.test.ts). A passing synth prints
 * no `[ERROR]` line.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { cdktfSynth, cleanEnv } from '../support/cli-synth';
import { DEMO, REPO_ROOT, SECRETS } from '../support/emulator-fixture';
import { outputs, readOutdir } from '../support/synth';
import { describeWithTerraform } from '../support/terraform';

/** Lines cdktf-cli labels as errors: it prefixes everything the app writes to stderr with `[ERROR]`. */
function errorLines(text: string): string[] {
  return text.split('\n').filter((line) => line.includes('[ERROR]'));
}

/** Credentials a user of the real cloud has in the environment: the demo must neither use nor show them. */
const USER_CLOUD = {
  HUAWEICLOUD_SDK_AK: 'USERREALACCESSKEY0001',
  HUAWEICLOUD_SDK_SK: 'user-real-secret-key-must-not-leak-0001',
  HW_ACCESS_KEY: 'USERREALACCESSKEY0002',
  HW_SECRET_KEY: 'user-real-secret-key-must-not-leak-0002',
  HW_SECURITY_TOKEN: 'user-real-security-token-must-not-leak',
  HUAWEICLOUD_SDK_PROJECT_ID: 'ffffffffffffffffffffffffffffffff',
  HW_REGION_NAME: 'cn-north-4',
};

describe('npx cdktf synth of the example', () => {
  it('passes against the embedded emulator, says so on stdout, and prints no [ERROR] line', () => {
    const run = cdktfSynth(cleanEnv());
    expect(run.status).toBe(0);
    // Informational lines reach the user as plain output: cdktf-cli shows an app's stdout as it is.
    expect(run.stdout).toMatch(/started the embedded DCS emulator at http:\/\/127\.0\.0\.1:\d+ with the bundled demo data/);
    expect(run.stdout).toMatch(/dcs-bigkey: 1 instance, \d+ tasks, source emulator, \d+ ms in 1 batch/);
    expect(errorLines(run.text)).toEqual([]);
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

  it('DCS_BIGKEY_DEMO=passing runs the demo even with Huawei Cloud configured, and neither uses nor shows those credentials', () => {
    const run = cdktfSynth(cleanEnv({ ...USER_CLOUD, DCS_BIGKEY_DEMO: 'passing' }));
    // The emulator answers 401 to any other key, and 404 to another project: passing proves the demo's were used.
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/DCS_BIGKEY_DEMO=passing; started the embedded DCS emulator at http:\/\/127\.0\.0\.1:\d+/);
    expect(run.stdout).toContain('ignoring HUAWEICLOUD_SDK_AK, HUAWEICLOUD_SDK_SK, HW_ACCESS_KEY, HW_SECRET_KEY, HW_SECURITY_TOKEN, HUAWEICLOUD_SDK_PROJECT_ID, HW_REGION_NAME from the environment');
    expect(errorLines(run.text)).toEqual([]);
    const result = readOutdir(run.outdir);
    expect(outputs(result.stacks.producer)['orders-cache_latest_auto_status']).toBe('success');
    for (const value of Object.values(USER_CLOUD).filter((v) => v !== 'cn-north-4')) {
      expect(result.allText).not.toContain(value);
      expect(run.text).not.toContain(value);
    }
  });

  it('any other DCS_BIGKEY_DEMO value is an error listing the valid ones', () => {
    const run = cdktfSynth(cleanEnv({ ...USER_CLOUD, DCS_BIGKEY_DEMO: 'fail' }));
    expect(run.status).not.toBe(0);
    expect(run.text).toContain('invalid DCS_BIGKEY_DEMO "fail": expected one of passing, failing');
    for (const value of [USER_CLOUD.HUAWEICLOUD_SDK_SK, USER_CLOUD.HW_SECRET_KEY]) expect(run.text).not.toContain(value);
  });

  it('fails with the gate message when switched to the instance whose latest automatic scan failed', () => {
    const run = cdktfSynth(cleanEnv({ ...USER_CLOUD, DCS_BIGKEY_DEMO: 'failing' }));
    expect(run.status).not.toBe(0);
    expect(run.text).toContain(`the latest automatic big key scan of instance ${DEMO.instances.sessionsCache} (sessions-cache) failed`);
    expect(run.text).toMatch(/run a new scan/);
    // The gate's message is an error; the information lines are not.
    expect(errorLines(run.text).join('\n')).not.toMatch(/started the embedded DCS emulator|dcs-bigkey: 1 instance/);
    // the stacks are still written, so the failure can be inspected
    expect(outputs(readOutdir(run.outdir).stacks.producer)['sessions-cache_latest_auto_status']).toBe('failed');
  });
});

describeWithTerraform('the Terraform CLI configuration (the README\'s note on TF_CLI_CONFIG_FILE)', () => {
  it('a TF_CLI_CONFIG_FILE naming a missing file makes terraform warn on stderr (cdktf-cli shows it as [ERROR]); an empty file does not', () => {
    const run = (config: string) => spawnSync('terraform', ['version'], { encoding: 'utf8', env: { ...cleanEnv(), TF_CLI_CONFIG_FILE: config } });
    const missing = run(path.join(REPO_ROOT, '.tmp', 'no-such-terraformrc'));
    expect(missing.status).toBe(0);
    expect(missing.stderr).toContain('Unable to open CLI configuration file');
    const empty = run(cleanEnv().TF_CLI_CONFIG_FILE!);
    expect([empty.status, empty.stderr]).toEqual([0, '']);
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
