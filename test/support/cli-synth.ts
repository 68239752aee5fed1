/**
 * `synth` of the example by a real command-line tool (cdktf-cli, or cdktn-cli on a Node it
 * accepts), in the environment of a fresh machine, into a fresh output directory.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { REPO_ROOT } from './emulator-fixture';

/** The environment of a fresh machine: no Huawei Cloud variables at all. */
export function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(HUAWEICLOUD_|HW_|CLOUD_SDK_|DCS_BIGKEY_|CDKTF_CONTINUE)/.test(k)));
  return { ...env, CHECKPOINT_DISABLE: '1', CI: 'true', ...extra };
}

export interface CliSynth {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly outdir: string;
  /** stdout and stderr together. */
  readonly text: string;
}

/** Runs `<command> synth --output <fresh dir>` in the repository, e.g. ['node_modules/.bin/cdktf']. */
export function cliSynth(command: readonly string[], env: NodeJS.ProcessEnv): CliSynth {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'dcs-bigkey-example-'));
  const [file, ...args] = command;
  const run = spawnSync(file, [...args, 'synth', '--output', outdir], { cwd: REPO_ROOT, env, encoding: 'utf8', timeout: 180_000 });
  return { status: run.status, stdout: run.stdout, stderr: run.stderr, outdir, text: `${run.stdout}\n${run.stderr}` };
}

/** cdktf-cli, as `npx cdktf synth` runs it. */
export function cdktfSynth(env: NodeJS.ProcessEnv): CliSynth {
  return cliSynth([path.join(REPO_ROOT, 'node_modules', '.bin', 'cdktf')], env);
}
