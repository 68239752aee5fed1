/**
 * The real `terraform` binary, where it is on PATH. Tests that need it skip visibly elsewhere.
 */
import { spawnSync } from 'node:child_process';

export const TERRAFORM_AVAILABLE = spawnSync('terraform', ['version'], { stdio: 'ignore' }).status === 0;

export interface RunResult {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

export function terraform(cwd: string, args: string[]): RunResult {
  const result = spawnSync('terraform', [...args, '-no-color'], {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, TF_IN_AUTOMATION: '1', CHECKPOINT_DISABLE: '1', TF_INPUT: '0' },
    timeout: 120_000,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** `describe` when terraform is on PATH, else a skipped block whose title says why. */
export const describeWithTerraform = TERRAFORM_AVAILABLE ? describe : (name: string, fn: () => void) => describe.skip(`${name} (SKIPPED: terraform is not on PATH)`, fn);
