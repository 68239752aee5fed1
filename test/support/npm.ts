/**
 * npm as a user runs it, from tests: packing this repository the way a clean clone would, and
 * installing into a scratch app. Only the npm registry is reached (npm's cache first).
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { REPO_ROOT } from './emulator-fixture';

export interface NpmResult {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** The environment without what an enclosing `npm test` sets for its own scripts. */
export function cleanNpmEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^npm_/i.test(k) && k !== 'INIT_CWD'));
  return { ...env, CHECKPOINT_DISABLE: '1', ...extra };
}

export function npm(cwd: string, args: readonly string[], timeout = 240_000): NpmResult {
  const run = spawnSync('npm', [...args], { cwd, encoding: 'utf8', env: cleanNpmEnv(), timeout });
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}

export interface PackResult {
  /** Absolute path of the .tgz. */
  readonly tarball: string;
  /** Paths inside the package, as `npm pack --json` lists them. */
  readonly files: string[];
}

/**
 * `npm pack` of the repository as a clean clone has it: the files git tracks (plus new ones not
 * ignored), no dist/, node_modules borrowed from the repository for the build.
 */
export function packCleanClone(): PackResult {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'dcs-bigkey-pack-'));
  const clone = path.join(work, 'clone');
  const listed = spawnSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], { cwd: REPO_ROOT, encoding: 'utf8' });
  if (listed.status !== 0) throw new Error(`git ls-files failed: ${listed.stderr}`);
  for (const file of listed.stdout.split('\0').filter(Boolean)) {
    if (!fs.existsSync(path.join(REPO_ROOT, file))) continue; // deleted in the work tree
    fs.mkdirSync(path.dirname(path.join(clone, file)), { recursive: true });
    fs.copyFileSync(path.join(REPO_ROOT, file), path.join(clone, file));
  }
  if (fs.existsSync(path.join(clone, 'dist'))) throw new Error('the clean clone has a dist/: is it tracked?');
  fs.symlinkSync(path.join(REPO_ROOT, 'node_modules'), path.join(clone, 'node_modules'), 'dir');
  const run = npm(clone, ['pack', '--json', '--pack-destination', work]);
  if (run.status !== 0) throw new Error(`npm pack failed (${run.status}): ${run.stderr}`);
  const [packed] = JSON.parse(run.stdout) as Array<{ filename: string; files: Array<{ path: string }> }>;
  return { tarball: path.join(work, packed.filename), files: packed.files.map((f) => f.path).sort() };
}
