/**
 * A Node >= 22.19 binary for tools that need one (cdktn-cli 0.24 fails on Node 20): this Node
 * when it is recent enough, else the official binary from the registry's `node-<platform>-<arch>`
 * package (what the `node` package installs), fetched with `npm pack` into .tmp/ once.
 * Returns the reason instead where it cannot be had, for a test title that says why it skipped.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { REPO_ROOT } from './emulator-fixture';
import { npm } from './npm';

export const NODE22_VERSION = '22.23.3';

export type Node22 = { readonly path: string; readonly version: string } | { readonly reason: string };

function recentEnough(version: string): boolean {
  const [major, minor] = version.replace(/^v/, '').split('.').map(Number);
  return major > 22 || (major === 22 && minor >= 19);
}

export function node22(): Node22 {
  if (recentEnough(process.versions.node)) return { path: process.execPath, version: process.versions.node };
  if (process.platform === 'win32') return { reason: `Node ${process.versions.node} is older than 22.19 and the registry's Windows Node package is not handled here` };
  const pkg = `node-${process.platform}-${process.arch}`;
  const dir = path.join(REPO_ROOT, '.tmp', `${pkg}-${NODE22_VERSION}`);
  const bin = path.join(dir, 'package', 'bin', 'node');
  if (!fs.existsSync(bin)) {
    fs.mkdirSync(dir, { recursive: true });
    const pack = npm(dir, ['pack', `${pkg}@${NODE22_VERSION}`, '--loglevel=error']);
    const tarball = pack.stdout.trim().split('\n').pop() ?? '';
    if (pack.status !== 0 || !tarball.endsWith('.tgz')) return { reason: `Node ${process.versions.node} is older than 22.19 and npm pack ${pkg}@${NODE22_VERSION} failed (${pack.stderr.split('\n').find((l) => /error/i.test(l))?.trim() || `exit ${pack.status}`})` };
    const untar = spawnSync('tar', ['xzf', tarball, 'package/bin/node'], { cwd: dir, encoding: 'utf8' });
    fs.rmSync(path.join(dir, tarball), { force: true });
    if (untar.status !== 0) return { reason: `could not unpack ${tarball}: ${untar.stderr}` };
  }
  const version = spawnSync(bin, ['--version'], { encoding: 'utf8' });
  if (version.status !== 0) return { reason: `${bin} does not run: ${version.stderr || version.error}` };
  return { path: bin, version: version.stdout.trim().replace(/^v/, '') };
}
