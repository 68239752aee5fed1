/**
 * The lookup worker's one-file bundle (dist/construct/lookup-worker.bundle.js) and its V8 code
 * cache, in fresh processes running a private copy of the built package (so the cache files
 * each test sees are its own): the bundle holds the client and exactly the parts of undici it
 * runs (not undici's HTTP/2 client until asked for); the worker runs it, compiles it from the
 * code cache its first run wrote, replaces a cache V8 rejects, never uses a cache made for
 * other code, honours DCS_BIGKEY_CODE_CACHE=off; without the bundle it runs the compiled modules,
 * and a broken bundle fails every lookup closed, naming it.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { EmulatorProcess } from '../../lib/emulator';
import { CODE_CACHE_ENV, WORKER_BUNDLE } from '../../lib/construct/worker-bundle-file';
import { runNode } from '../support/child-node';
import { DEMO, newInstanceId, REPO_ROOT, startDemoEmulator } from '../support/emulator-fixture';
import { readOutdir } from '../support/synth';

let emulator: EmulatorProcess;
let work: string;
const instances = [newInstanceId(), newInstanceId()];

beforeAll(async () => {
  emulator = await startDemoEmulator();
  // Fixed seeds whose latest automatic scan succeeded (a random one failed the gate about one run in six).
  for (const [i, id] of instances.entries()) {
    await emulator.admin.putInstance(id, { project_id: DEMO.projectId, generate: { count: 3, start: '2026-11-01T00:00:00.000Z', interval_seconds: 3600, seed: `worker-bundle-${i}` } });
  }
  // Inside the repository, so the copies resolve cdktf and undici from its node_modules.
  fs.mkdirSync(path.join(REPO_ROOT, '.tmp'), { recursive: true });
  work = fs.mkdtempSync(path.join(REPO_ROOT, '.tmp', 'worker-bundle-'));
});
afterAll(async () => {
  await emulator?.stop();
  if (work) fs.rmSync(work, { recursive: true, force: true });
});
beforeEach(() => emulator.admin.resetStats());

/** A private copy of the built package's dist/, without any code cache. */
function copyDist(name: string): string {
  const dist = path.join(work, name, 'dist');
  fs.cpSync(path.join(REPO_ROOT, 'dist'), dist, { recursive: true, filter: (file) => !file.endsWith('.cache') });
  return dist;
}

const cacheFiles = (dist: string) => fs.readdirSync(path.join(dist, 'construct')).filter((f) => f.endsWith('.cache'));

/** The app: one construct per instance, synthesized; reports what the worker ran. */
const APP = `
const { App, TerraformStack } = require('cdktf');
const { DcsBigKeyScanTasks } = require(process.env.DIST);
const { lookupWorkerCode, lookupWorkerStats } = require(process.env.DIST + '/construct/sync-lookup');
const app = new App({ outdir: process.env.OUTDIR });
const stack = new TerraformStack(app, 'producer');
JSON.parse(process.env.INSTANCES).forEach((instanceId, i) => new DcsBigKeyScanTasks(stack, 'cache-' + i, { instanceId }));
app.synth();
process.stdout.write('report ' + JSON.stringify({ code: lookupWorkerCode(), workers: lookupWorkerStats() }) + '\\n');
`;

function synth(dist: string, env: Record<string, string> = {}) {
  const outdir = fs.mkdtempSync(path.join(work, 'out-'));
  const run = runNode(APP, {
    env: {
      DIST: dist, OUTDIR: outdir, INSTANCES: JSON.stringify(instances), CDKTF_CONTINUE_SYNTH_ON_ERROR_ANNOTATIONS: 'true',
      DCS_BIGKEY_ENDPOINT: emulator.url, HW_PROJECT_ID: DEMO.projectId, HW_ACCESS_KEY: DEMO.accessKey, HW_SECRET_KEY: DEMO.secretKey, ...env,
    },
  });
  if (run.status !== 0) throw new Error(`child failed (${run.status}): ${run.stderr}`);
  const line = (prefix: string) => run.stdout.split('\n').find((l) => l.startsWith(prefix)) ?? '';
  const report = JSON.parse(line('report ').slice('report '.length)) as { code?: { from: string; codeCache: string }; workers: { started: number; ended: number } };
  const errors = readOutdir(outdir).annotations.producer.filter((a) => a.level === '@cdktf/error').map((a) => a.message);
  return { ...report, summary: line('dcs-bigkey: '), errors };
}

const SUCCESS = /^dcs-bigkey: 2 instances, 6 tasks, source emulator, \d+ ms in 1 batch$/;

describe('the bundle', () => {
  it("holds the client and undici's parts: loaded alone it lists tasks, loading no other module of the package or undici, and neither node:http2 nor node:tls for an http:// endpoint", () => {
    const run = runNode(`
      const bundle = require('./dist/construct/${WORKER_BUNDLE}');
      const client = new bundle.DcsBigKeyClient({ endpoint: process.env.ENDPOINT, projectId: '${DEMO.projectId}', accessKey: '${DEMO.accessKey}', secretKey: '${DEMO.secretKey}', env: {} });
      client.listAllBigKeyTasks('${DEMO.instances.ordersCache}').then(async (listing) => {
        await client.close();
        const files = Object.keys(require.cache).filter((f) => f.includes('/node_modules/undici/') || f.includes('/dist/'));
        const builtins = process.moduleLoadList.filter((m) => /^NativeModule (http2|tls|_tls_wrap|http)$/.test(m));
        process.stdout.write(JSON.stringify({ count: listing.count, source: listing.meta.source, files: files.map((f) => f.slice(f.indexOf('/dist/') + 1)), builtins, exports: Object.keys(bundle).sort() }));
      });
    `, { env: { ENDPOINT: emulator.url } });
    expect(run.status).toBe(0);
    const report = JSON.parse(run.stdout);
    expect(report).toMatchObject({ count: 12, source: 'emulator', files: [`dist/construct/${WORKER_BUNDLE}`] });
    // http is undici's own dependency; HTTP/2 and TLS are loaded only when a connection needs them.
    expect(report.builtins).toEqual(['NativeModule http']);
    expect(report.exports).toEqual(expect.arrayContaining(['runLookupWorker', 'DcsBigKeyClient', 'DcsError', 'DcsApiError', 'DcsNetworkError']));
  });

  it('is what the worker runs, compiled from the code cache its first run wrote; the cache lives next to it, named for its content and this V8', () => {
    const dist = copyDist('cache');
    expect(cacheFiles(dist)).toEqual([]);
    const first = synth(dist);
    expect(first.summary).toMatch(SUCCESS);
    expect(first.code).toEqual({ from: 'bundle', codeCache: 'absent' });
    expect(cacheFiles(dist)).toEqual([expect.stringMatching(new RegExp(`^lookup-worker\\.bundle\\.[0-9a-f]{32}\\.v8-${process.versions.v8.replace(/\./g, '\\.')}-${process.arch}\\.cache$`))]);
    const second = synth(dist);
    expect(second.summary).toMatch(SUCCESS);
    expect(second.code).toEqual({ from: 'bundle', codeCache: 'accepted' });
    expect(second.errors).toEqual([]);
  });

  it('a damaged cache, or one made under other V8 flags, is not used (V8 rejects it), and is replaced by one it accepts', () => {
    const dist = copyDist('rejected');
    synth(dist);
    const [cache] = cacheFiles(dist);
    fs.writeFileSync(path.join(dist, 'construct', cache), Buffer.alloc(4096, 7));
    const damaged = synth(dist);
    expect(damaged.summary).toMatch(SUCCESS);
    expect(damaged.code).toEqual({ from: 'bundle', codeCache: 'rejected' });
    expect(synth(dist).code).toEqual({ from: 'bundle', codeCache: 'accepted' });
    // A V8 flag (through NODE_OPTIONS, which reaches the worker's isolate too): the cache made
    // without it does not fit; the one written then does not fit a run without it again.
    const flagged = synth(dist, { NODE_OPTIONS: '--max-semi-space-size=32' });
    expect(flagged.summary).toMatch(SUCCESS);
    expect(flagged.code).toEqual({ from: 'bundle', codeCache: 'rejected' });
    expect(synth(dist).code).toEqual({ from: 'bundle', codeCache: 'rejected' });
    expect(synth(dist).code).toEqual({ from: 'bundle', codeCache: 'accepted' });
  });

  it('a cache made for other code is never read: a changed bundle gets its own', () => {
    const dist = copyDist('changed');
    synth(dist);
    const before = cacheFiles(dist);
    // Same length, other content: V8 alone (which compares lengths) would take the old cache.
    const file = path.join(dist, 'construct', WORKER_BUNDLE);
    const source = fs.readFileSync(file, 'utf8');
    const at = source.lastIndexOf('"use strict"');
    fs.writeFileSync(file, source.slice(0, at) + "'use strict'" + source.slice(at + 12));
    const changed = synth(dist);
    expect(changed.summary).toMatch(SUCCESS);
    expect(changed.code).toEqual({ from: 'bundle', codeCache: 'absent' });
    expect(cacheFiles(dist)).toHaveLength(before.length + 1);
  });

  it(`${CODE_CACHE_ENV}=off neither reads nor writes a cache`, () => {
    const dist = copyDist('off');
    const off = synth(dist, { [CODE_CACHE_ENV]: 'off' });
    expect(off.summary).toMatch(SUCCESS);
    expect(off.code).toEqual({ from: 'bundle', codeCache: 'off' });
    expect(cacheFiles(dist)).toEqual([]);
  });

  it('a cache that cannot be written (as in a read-only install) costs nothing but the cache: the lookups succeed and no file is left behind', () => {
    const dist = copyDist('unwritable');
    synth(dist);
    const [cache] = cacheFiles(dist);
    // A directory where the cache would go: no rename replaces it (a read-only directory would
    // do the same, but not for root, who writes anywhere).
    const file = path.join(dist, 'construct', cache);
    fs.rmSync(file);
    fs.mkdirSync(file);
    const before = fs.readdirSync(path.join(dist, 'construct')).sort();
    const run = synth(dist);
    expect(run.summary).toMatch(SUCCESS);
    expect(run.code).toEqual({ from: 'bundle', codeCache: 'absent' });
    expect(fs.readdirSync(path.join(dist, 'construct')).sort()).toEqual(before);
  });
});

describe('without the bundle', () => {
  it('the worker runs the compiled modules, with the same results', () => {
    const dist = copyDist('modules');
    fs.rmSync(path.join(dist, 'construct', WORKER_BUNDLE));
    const run = synth(dist);
    expect(run.summary).toMatch(SUCCESS);
    expect(run.code).toEqual({ from: 'modules', codeCache: 'none' });
    expect(cacheFiles(dist)).toEqual([]);
  });

  it('and without undici, every lookup fails closed, naming it, and the worker is ended', async () => {
    const dist = copyDist('modules-no-undici');
    fs.rmSync(path.join(dist, 'construct', WORKER_BUNDLE));
    // NODE_OPTIONS reaches the worker thread too: undici is unresolvable there.
    const hide = path.join(__dirname, '..', 'support', 'hide-modules.js');
    const run = synth(dist, { NODE_OPTIONS: `--require ${hide}`, DCS_BIGKEY_TEST_HIDE: 'undici' });
    expect(run.summary).toMatch(/^dcs-bigkey: 2 instances, 0 tasks, source none, 2 failed, \d+ ms in 1 batch$/);
    expect(run.errors).toEqual([0, 1].map(() => expect.stringMatching(/^\[lookup-failed\] .*could not be read, so the gate cannot pass: .*Cannot find module 'undici/)));
    expect(run.workers).toMatchObject({ started: 1, ended: 1 });
    expect((await emulator.admin.stats()).requests).toBe(0);
  });
});

it('a bundle that cannot be run fails every lookup closed, naming the bundle and what to do', async () => {
  const dist = copyDist('broken');
  fs.writeFileSync(path.join(dist, 'construct', WORKER_BUNDLE), 'this is not JavaScript {');
  const run = synth(dist);
  expect(run.summary).toMatch(/^dcs-bigkey: 2 instances, 0 tasks, source none, 2 failed, \d+ ms in 1 batch$/);
  expect(run.errors).toEqual([0, 1].map(() => expect.stringMatching(new RegExp(`^\\[lookup-failed\\] .*the lookup worker could not load .*${WORKER_BUNDLE.replace(/\./g, '\\.')} \\(.*\\); reinstall the package`))));
  expect((await emulator.admin.stats()).requests).toBe(0);
});
