/**
 * Where the frameworks may be loaded: only lib/construct/framework.ts loads cdktf, cdktn and
 * @cdktf/provider-null, lazily. The client, policy, lookup, command and emulator layers import
 * neither (checked in the sources, and by loading the built modules with both frameworks made
 * unresolvable); the package loads with neither framework nor provider-null installed; and no
 * declaration file a user's type check reaches refers to them.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { runNode, runNodeFile } from '../support/child-node';
import { REPO_ROOT } from '../support/emulator-fixture';

const OPTIONAL = ['cdktf', 'cdktn', '@cdktf/provider-null'];
const FRAMEWORK_MODULE = 'lib/construct/framework.ts';
const LIB = path.join(REPO_ROOT, 'lib');
const DIST = path.join(REPO_ROOT, 'dist');

function filesUnder(dir: string, suffix: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? filesUnder(p, suffix) : p.endsWith(suffix) ? [p] : [];
  });
}

/** Module specifiers a file loads: imports (value or type), exports from, require() and import() calls. */
function specifiers(text: string): Array<{ name: string; typeOnly: boolean }> {
  const found: Array<{ name: string; typeOnly: boolean }> = [];
  for (const m of text.matchAll(/^\s*(import|export)\s+(type\s+)?[^'";]*?from\s+['"]([^'"]+)['"]/gm)) found.push({ name: m[3], typeOnly: !!m[2] });
  for (const m of text.matchAll(/^\s*import\s+['"]([^'"]+)['"]/gm)) found.push({ name: m[1], typeOnly: false });
  for (const m of text.matchAll(/\brequire\(\s*['"]([^'"]+)['"]\s*\)/g)) found.push({ name: m[1], typeOnly: false });
  for (const m of text.matchAll(/(typeof\s+)?\bimport\(\s*['"]([^'"]+)['"]\s*\)/g)) found.push({ name: m[2], typeOnly: !!m[1] });
  return found;
}

const isOptional = (name: string) => OPTIONAL.some((o) => name === o || name.startsWith(`${o}/`));

describe('in the sources', () => {
  const sources = filesUnder(LIB, '.ts').map((file) => ({ file: path.relative(REPO_ROOT, file), loads: specifiers(fs.readFileSync(file, 'utf8')) }));

  it('the scanner finds what it looks for', () => {
    expect(specifiers(`import type * as Cdktf from 'cdktf';\nimport { a } from "cdktn";\nconst x = require('@cdktf/provider-null');\ntype T = typeof import('cdktf');`)).toEqual([
      { name: 'cdktf', typeOnly: true }, { name: 'cdktn', typeOnly: false }, { name: '@cdktf/provider-null', typeOnly: false }, { name: 'cdktf', typeOnly: true },
    ]);
    expect(sources.length).toBeGreaterThan(40);
  });

  it('only the framework module refers to cdktf, cdktn or @cdktf/provider-null, and only for types', () => {
    const offenders = sources.flatMap(({ file, loads }) => loads.filter((l) => isOptional(l.name) && (file !== FRAMEWORK_MODULE || !l.typeOnly)).map((l) => `${file}: ${l.name}`));
    expect(offenders).toEqual([]);
    expect(sources.find((s) => s.file === FRAMEWORK_MODULE)!.loads.filter((l) => isOptional(l.name)).length).toBeGreaterThan(0);
  });

  it('the client, policy, lookup, command and emulator layers do not import the construct layer', () => {
    const offenders = sources
      .filter(({ file }) => /^lib\/(client|policy|lookup|cli|emulator|util)\//.test(file))
      .flatMap(({ file, loads }) => loads.filter((l) => /(^|\/)construct(\/|$)/.test(l.name)).map((l) => `${file}: ${l.name}`));
    expect(offenders).toEqual([]);
  });
});

describe('the built package, with cdktf, cdktn and @cdktf/provider-null not installed', () => {
  it('loads every layer, and the package root, without trying to load any of them', () => {
    const modules = ['./dist/client/client', './dist/policy', './dist/lookup/batch', './dist/lookup/snapshot-file', './dist/emulator', './dist/cli/gate-command', './dist/cli/snapshot-command', './dist'];
    const run = runNode(`for (const m of ${JSON.stringify(modules)}) require(m); console.log('loaded');`, { hide: OPTIONAL });
    expect({ status: run.status, stdout: run.stdout, stderr: run.stderr }).toEqual({ status: 0, stdout: 'loaded\n', stderr: '' });
  });

  it('runs the dcs-bigkey command', () => {
    const run = runNodeFile(path.join(DIST, 'cli', 'main.js'), ['gate', '--help'], { hide: OPTIONAL });
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/dcs-bigkey gate/);
    expect(run.stderr).not.toMatch(/hidden modules requested/);
  });

  it('says which package to install when a construct is created', () => {
    const run = runNode(`
      const { Construct } = require('constructs');
      const { DcsBigKeyScanTasks, DcsConfigError } = require('./dist');
      try {
        new DcsBigKeyScanTasks(new Construct(undefined, 'app'), 'orders-cache', { instanceId: '5560df16-cebf-4473-95c4-d1b573c16e79' });
      } catch (e) {
        console.log(e instanceof DcsConfigError, e.message);
      }`, { hide: OPTIONAL });
    expect(run.stdout).toBe('true DcsBigKeyScanTasks app/orders-cache: neither cdktf nor cdktn is installed; install the one your app uses (npm install cdktn constructs, or npm install cdktf constructs)\n');
  });
});

describe('the built package, with cdktf but not @cdktf/provider-null', () => {
  it('builds the default consumer gate, and names the package when the null_resource form is chosen', () => {
    const run = runNode(`
      const cdktf = require('cdktf');
      const { DcsBigKeyScanGate } = require('./dist');
      const stack = new cdktf.TerraformStack(new cdktf.App(), 'consumer');
      console.log(new DcsBigKeyScanGate(stack, 'a', { producerOutputPrefix: 'p', localStatePath: 'x' }).resource.terraformResourceType);
      try {
        new DcsBigKeyScanGate(stack, 'b', { producerOutputPrefix: 'p', localStatePath: 'x', enforcement: ['null-resource'] });
      } catch (e) {
        console.log(e.message);
      }`, { hide: ['@cdktf/provider-null'] });
    expect(run.stdout).toBe(
      'terraform_data\n' +
        "DcsBigKeyScanGate consumer/b: enforcement 'null-resource' needs @cdktf/provider-null, which is not installed; npm install @cdktf/provider-null, or use 'terraform-data' (the default), which needs no provider\n",
    );
  });
});

describe('the built package, with both cdktf and cdktn installed', () => {
  it.each([
    ['cdktf', 'cdktn'],
    ['cdktn', 'cdktf'],
  ])('builds a %s app without loading %s', (used, other) => {
    const script = `
      const { App, TerraformStack } = require('${used}');
      const { DcsBigKeyScanTasks } = require('./dist');
      const stack = new TerraformStack(new App({ outdir: require('node:os').tmpdir() }), 'producer');
      const scans = new DcsBigKeyScanTasks(stack, 'orders-cache', { instanceId: '5560df16-cebf-4473-95c4-d1b573c16e79', projectId: '0b6bd4e1a8f34b0c9a8a4f5c1e0d2a7b' });
      const loaded = (name) => Object.keys(require.cache).some((f) => f.includes('/node_modules/' + name + '/'));
      console.log(JSON.stringify({ framework: scans.framework, used: loaded('${used}'), other: loaded('${other}') }));`;
    const run = runNode(script, { env: { DCS_BIGKEY_SNAPSHOT: 'replay', DCS_BIGKEY_SNAPSHOT_FILE: path.join(REPO_ROOT, '.tmp', 'no-such-snapshot.json') } });
    expect(run.stderr).toBe('');
    expect(JSON.parse(run.stdout)).toEqual({ framework: used, used: true, other: false });
  });
});

describe('the declaration files', () => {
  /** Every .d.ts reachable from the package's entry points through relative imports. */
  function reachable(entries: readonly string[]): Map<string, string> {
    const seen = new Map<string, string>();
    const queue = [...entries];
    while (queue.length > 0) {
      const file = queue.pop()!;
      if (seen.has(file)) continue;
      const text = fs.readFileSync(file, 'utf8');
      seen.set(file, text);
      for (const { name } of specifiers(text)) {
        if (!name.startsWith('.')) continue;
        const base = path.resolve(path.dirname(file), name);
        const next = [`${base}.d.ts`, path.join(base, 'index.d.ts')].find((f) => fs.existsSync(f));
        if (!next) throw new Error(`${file}: cannot resolve ${name}`);
        queue.push(next);
      }
    }
    return seen;
  }

  it('that a user type check reaches refer to neither framework nor @cdktf/provider-null', () => {
    const files = reachable([path.join(DIST, 'index.d.ts'), path.join(DIST, 'emulator', 'index.d.ts')]);
    expect([...files.keys()].map((f) => path.relative(DIST, f))).toEqual(expect.arrayContaining(['index.d.ts', 'construct/dcs-bigkey-scan-gate.d.ts', 'construct/terraform-types.d.ts']));
    const offenders = [...files].flatMap(([file, text]) => [
      ...specifiers(text).filter((l) => isOptional(l.name)).map((l) => `${path.relative(DIST, file)}: ${l.name}`),
      ...[...text.matchAll(/\/\/\/\s*<reference\s+types=["']([^"']+)["']/g)].filter((m) => isOptional(m[1])).map((m) => `${path.relative(DIST, file)}: reference ${m[1]}`),
    ]);
    expect(offenders).toEqual([]);
  });
});
