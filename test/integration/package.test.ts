/**
 * The package as users get it. `npm pack` of a clean clone (no dist/) builds and ships dist/,
 * the lookup worker, the demo data, and no tests. Then a fresh app that installs only the
 * packed package, `cdktn` and `constructs` (no cdktf, no @cdktf/provider-null) type-checks,
 * synthesizes against the emulator, fails synth naming the failed task when the latest
 * automatic scan failed, and its consumer's `terraform plan` fails on the gate.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { DCS_ROUTE_NAMES, FAULT_KINDS, MALFORMED_MODES } from '../../lib/emulator/faults';
import { EmulatorProcess } from '../../lib/emulator';
import { DEMO, REPO_ROOT, startDemoEmulator } from '../support/emulator-fixture';
import { cleanNpmEnv, npm, packCleanClone, PackResult } from '../support/npm';
import { outputs, readOutdir } from '../support/synth';
import { describeWithTerraform, terraform } from '../support/terraform';

const README = fs.readFileSync(path.join(REPO_ROOT, 'README.md'), 'utf8');
const versionOf = (name: string): string => JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'node_modules', name, 'package.json'), 'utf8')).version;

let packed: PackResult;
beforeAll(() => {
  packed = packCleanClone();
});

describe('npm pack of a clean clone', () => {
  it('builds dist/ and ships the compiled package, the lookup worker (and its bundle) and the demo data, and no tests', () => {
    const { files } = packed;
    expect(files).toEqual(expect.arrayContaining([
      'package.json', 'README.md', 'data/emulator-demo.json', 'schemas/fleet-file.schema.json', 'schemas/gate-report-v1.schema.json',
      'dist/index.js', 'dist/index.d.ts', 'dist/emulator/index.js', 'dist/cli/main.js',
      'dist/construct/framework.js', 'dist/construct/lookup-worker.js', 'dist/construct/dcs-bigkey-scan-gate.d.ts',
      // the worker's entry and its one-file bundle (the compiled modules above are its fallback)
      'dist/construct/lookup-worker-loader.js', 'dist/construct/lookup-worker.bundle.js',
    ]));
    // A V8 code cache is made by the installed package's first live synth, never shipped.
    expect(files.filter((f) => f.endsWith('.cache'))).toEqual([]);
    expect(files.filter((f) => !/^(dist\/|data\/|schemas\/|README\.md$|package\.json$|LICENSE$)/.test(f))).toEqual([]);
    expect(files.filter((f) => /(^|\/)test\/|\.test\.|__tests__|\.ts$/.test(f) && !f.endsWith('.d.ts'))).toEqual([]);
  });

  it('ships every data file the README points to', () => {
    const named = [...new Set([...README.matchAll(/\bdata\/[\w.-]+\.json\b/g)].map((m) => m[0]))];
    expect(named).toContain('data/emulator-demo.json');
    expect(named.filter((f) => !packed.files.includes(f))).toEqual([]);
  });

  it("documents the emulator's data-file format in the README itself (the sources are not shipped)", () => {
    const section = README.slice(README.indexOf("### The emulator's data file"));
    expect(section.length).toBeGreaterThan(100);
    for (const key of ['"credentials"', '"projects"', '"instances"', '"tasks"', '"generate"', '"lifecycle"', '"bigkey_supported"', '"faults"',
      '"keys"', '"freq"', '"hotkey_tasks"', '"hotkey_generate"', '"bigkey_autoscan"', '"hotkey_autoscan"', '"enable_auto_scan"', '"schedule_at"', '"updated_at"']) expect(section).toContain(key);
    for (const kind of FAULT_KINDS) expect(section).toContain(`\`${kind}\``);
    for (const route of [...DCS_ROUTE_NAMES, 'any']) expect(section).toContain(`"${route}"`);
    for (const mode of MALFORMED_MODES) expect(section).toContain(`\`${mode}\``);
    expect(README).not.toMatch(/format in `lib\//);
  });
});

describe('a fresh cdktn app with only this package, cdktn and constructs installed', () => {
  let emulator: EmulatorProcess;
  let app: string;

  beforeAll(async () => {
    emulator = await startDemoEmulator();
    app = fs.mkdtempSync(path.join(os.tmpdir(), 'dcs-bigkey-cdktn-app-'));
    fs.writeFileSync(path.join(app, 'package.json'), JSON.stringify({ name: 'cdktn-consumer', private: true }));
    // The README's install line (cdktn pinned to the version the repository tests; constructs left
    // for npm to pick within cdktn's peer range).
    const install = npm(app, ['install', '--prefer-offline', '--no-audit', '--no-fund', packed.tarball, `cdktn@${versionOf('cdktn')}`, 'constructs']);
    if (install.status !== 0) throw new Error(`npm install failed (${install.status}): ${install.stderr}`);
    fs.writeFileSync(path.join(app, 'main.ts'), APP_SOURCE);
  });
  afterAll(async () => emulator?.stop());

  /** Runs the compiled app as `cdktn synth` does (CDKTF_OUTDIR, and the CLI's continue-on-error flag when asked). */
  function synth(cacheName: string, instanceId: string, extra: Record<string, string> = {}) {
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'dcs-bigkey-cdktn-out-'));
    const { CDKTF_CONTINUE_SYNTH_ON_ERROR_ANNOTATIONS: _ignored, ...base } = cleanNpmEnv();
    const env = {
      ...base, CDKTF_OUTDIR: outdir, CACHE_NAME: cacheName, INSTANCE_ID: instanceId,
      DCS_BIGKEY_ENDPOINT: emulator.url, HW_PROJECT_ID: DEMO.projectId, HW_ACCESS_KEY: DEMO.accessKey, HW_SECRET_KEY: DEMO.secretKey, ...extra,
    };
    const run = spawnSync(process.execPath, ['main.js'], { cwd: app, env, encoding: 'utf8', timeout: 120_000 });
    return { status: run.status, stdout: run.stdout, stderr: run.stderr, outdir };
  }

  it('has neither cdktf nor @cdktf/provider-null installed', () => {
    const installed = (name: string) => fs.existsSync(path.join(app, 'node_modules', name, 'package.json'));
    expect([installed('cdktn'), installed('constructs'), installed('cdktf-dcs-bigkey')]).toEqual([true, true, true]);
    expect([installed('cdktf'), installed('@cdktf/provider-null')]).toEqual([false, false]);
    const constructs = JSON.parse(fs.readFileSync(path.join(app, 'node_modules', 'constructs', 'package.json'), 'utf8')).version;
    expect(constructs).toMatch(/^10\.[67]\./); // within cdktn 0.24's peer range >=10.6.0 <10.8.0
    expect(() => require.resolve('cdktf', { paths: [app] })).toThrow(/Cannot (find|resolve) module 'cdktf'/);
  });

  it('an ES module imports every export by name, the lazily loaded client and lookupMany included', () => {
    // Node reads a CommonJS module's names from its source: a name only defined at run time
    // (a getter) would be missing for `import { … }`, and the import would fail.
    const script = `
      import { createRequire } from 'node:module';
      import * as esm from 'cdktf-dcs-bigkey';
      const cjs = createRequire(import.meta.url)('cdktf-dcs-bigkey');
      const names = Object.keys(cjs).sort();
      const missing = names.filter((name) => !(name in esm) || esm[name] !== cjs[name]);
      process.stdout.write(JSON.stringify({ count: names.length, missing }));
    `;
    const named = `import { DcsBigKeyClient, lookupMany, DcsBigKeyScanTasks } from 'cdktf-dcs-bigkey'; process.stdout.write([typeof DcsBigKeyClient, typeof lookupMany, typeof DcsBigKeyScanTasks].join(' '));`;
    const run = (source: string) => spawnSync(process.execPath, ['--input-type=module', '-e', source], { cwd: app, env: cleanNpmEnv(), encoding: 'utf8' });
    const all = run(script);
    expect(all.stderr).toBe('');
    const report = JSON.parse(all.stdout) as { count: number; missing: string[] };
    expect(report.missing).toEqual([]);
    expect(report.count).toBeGreaterThan(50);
    expect(run(named)).toMatchObject({ status: 0, stdout: 'function function function', stderr: '' });
  });

  it("type-checks with cdktn's types (strict, library checks on) and compiles", () => {
    const tsconfig = {
      compilerOptions: {
        target: 'ES2022', module: 'commonjs', strict: true, skipLibCheck: false, esModuleInterop: true,
        types: ['node'], typeRoots: [path.join(REPO_ROOT, 'node_modules', '@types')],
      },
      files: ['main.ts'],
    };
    fs.writeFileSync(path.join(app, 'tsconfig.json'), JSON.stringify(tsconfig));
    const tsc = spawnSync(process.execPath, [path.join(REPO_ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.json'], { cwd: app, encoding: 'utf8' });
    expect({ status: tsc.status, out: tsc.stdout + tsc.stderr }).toEqual({ status: 0, out: '' });
    expect(fs.existsSync(path.join(app, 'main.js'))).toBe(true);
  });

  it('synthesizes when the latest automatic scan succeeded', () => {
    const run = synth('orders-cache', DEMO.instances.ordersCache);
    // The lookup summary is information: stdout (cdktf-cli labels every stderr line [ERROR]).
    expect({ status: run.status, stderr: run.stderr }).toEqual({ status: 0, stderr: '' });
    expect(run.stdout).toMatch(/^dcs-bigkey: 1 instance, \d+ tasks, source emulator/m);
    const result = readOutdir(run.outdir);
    expect(outputs(result.stacks.producer)['orders-cache_latest_auto_status']).toBe('success');
    expect(Object.keys(result.stacks.consumer.resource)).toEqual(['terraform_data']);
    expect(JSON.parse(fs.readFileSync(path.join(run.outdir, 'manifest.json'), 'utf8')).version).toBe(versionOf('cdktn'));
  });

  it('fails synth naming the failed task when the latest automatic scan failed', () => {
    const run = synth('sessions-cache', DEMO.instances.sessionsCache);
    expect(run.status).not.toBe(0);
    expect(run.stderr).toContain(`[latest-auto-failed] the latest automatic big key scan of instance ${DEMO.instances.sessionsCache} (sessions-cache) failed: task e8043eda-5371-47de-b413-4c25a0c8f6ba (auto, status failed`);
  });

  describeWithTerraform("the consumer's terraform plan", () => {
    it('fails on the gate when the latest automatic scan failed', () => {
      // As the CLI does: stacks are written despite the error annotation, so the producer can be applied.
      const run = synth('sessions-cache', DEMO.instances.sessionsCache, { CDKTF_CONTINUE_SYNTH_ON_ERROR_ANNOTATIONS: 'true' });
      const dir = (stack: string) => path.join(run.outdir, 'stacks', stack);
      for (const [stack, args] of [['producer', ['init', '-input=false']], ['producer', ['apply', '-auto-approve', '-input=false']], ['consumer', ['init', '-input=false']]] as const) {
        const step = terraform(dir(stack), [...args]);
        expect({ stack, args, status: step.status, stderr: step.stderr }).toEqual({ stack, args, status: 0, stderr: expect.anything() });
      }
      const plan = terraform(dir('consumer'), ['plan', '-input=false']);
      expect(plan.status).toBe(1);
      const text = plan.stderr.replace(/\s*│\s*/g, ' ');
      expect(text).toMatch(/Resource precondition failed/);
      expect(text).toContain(`the latest automatic big key scan of instance ${DEMO.instances.sessionsCache} (sessions-cache) failed: task e8043eda-5371-47de-b413-4c25a0c8f6ba`);
    });
  });
});

/** The fresh app: producer and consumer, as a cdktn user writes them. */
const APP_SOURCE = `
import { App, DataTerraformRemoteStateLocal, ITerraformDependable, LocalBackend, TerraformStack } from 'cdktn';
import { DcsBigKeyScanGate, DcsBigKeyScanTasks } from 'cdktf-dcs-bigkey';

const app = new App();

const producer = new TerraformStack(app, 'producer');
new LocalBackend(producer, { path: 'terraform.producer.tfstate' });
const scans = new DcsBigKeyScanTasks(producer, process.env.CACHE_NAME!, {
  instanceId: process.env.INSTANCE_ID!,
  gates: { latestAutoFailed: 'error' },
});

const consumer = new TerraformStack(app, 'consumer');
new LocalBackend(consumer, { path: 'terraform.consumer.tfstate' });
const remoteState = new DataTerraformRemoteStateLocal(consumer, 'producer-state', { path: '../producer/terraform.producer.tfstate' });
const gate = new DcsBigKeyScanGate(consumer, 'gate', { producerOutputPrefix: scans.outputPrefix, remoteState });
// What the app's resources put in \`dependsOn\` (not created here: cdktn's own DataResource would run terraform at synth).
const dependsOn: ITerraformDependable[] = [gate.resource!];
void dependsOn;

app.synth();
`;
