/**
 * Runs a JavaScript snippet in a fresh Node process against the built package (dist/), with
 * some packages made unresolvable (hide-modules.js) and extra environment variables. For what
 * only a fresh process shows: which modules load, and settings frameworks read at load time.
 */
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { REPO_ROOT } from './emulator-fixture';

export interface ChildResult {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

export interface ChildOptions {
  /** Packages made unresolvable, as if not installed. */
  readonly hide?: readonly string[];
  readonly env?: Record<string, string>;
}

/** Runs `script` (JavaScript, cwd the repository). */
export function runNode(script: string, options: ChildOptions = {}): ChildResult {
  return spawnNode(['-e', script], options);
}

/** Runs a file with arguments. */
export function runNodeFile(file: string, args: readonly string[], options: ChildOptions = {}): ChildResult {
  return spawnNode([file, ...args], options);
}

function spawnNode(args: readonly string[], options: ChildOptions): ChildResult {
  const run = spawnSync(process.execPath, ['--require', path.join(__dirname, 'hide-modules.js'), ...args], {
    cwd: REPO_ROOT,
    encoding: 'utf8',
    env: { ...process.env, CHECKPOINT_DISABLE: '1', DCS_BIGKEY_TEST_HIDE: (options.hide ?? []).join(','), ...options.env },
    timeout: 60_000,
  });
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}
