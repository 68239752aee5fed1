/**
 * What a synth does on the app's thread, in a fresh process running the built package (as
 * users run it): nothing there loads the HTTP stack (undici, the client's transport) — not in
 * replay mode, not while constructing, not in a whole live synth, whose requests the lookup
 * worker sends; the worker is started once, its lookups are sent as the constructs register
 * them and answered in one batch, at most DCS_BIGKEY_CONCURRENCY in flight, and it is ended
 * once synth has every answer. The worker runs the build's one-file bundle (its own copy of the
 * client and undici's parts): it reads them from no other file, so hiding undici from module
 * resolution changes nothing (worker-bundle.test.ts covers the bundle's fallbacks and cache).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { EmulatorProcess } from '../../lib/emulator';
import { runNode } from '../support/child-node';
import { readOutdir } from '../support/synth';
import { DEMO, newInstanceId, startDemoEmulator } from '../support/emulator-fixture';

/** Built modules that only the lookup worker needs; none may be loaded on the app's thread. */
const WORKER_ONLY = [
  'dist/client/transport.js', 'dist/construct/lookup-worker.js', 'dist/construct/lookup-worker-loader.js', 'dist/construct/lookup-worker.bundle.js',
  // The client, its paging, rate control and pool, and the batch that runs lookups with them.
  'dist/client/client.js', 'dist/client/paging.js', 'dist/client/rate-control.js', 'dist/client/client-pool.js', 'dist/client/undici.js', 'dist/lookup/batch.js',
];

interface ChildReport {
  /** Modules loaded on the app's thread: undici's files, and this package's dist/ files. */
  readonly undici: string[];
  readonly dist: string[];
  readonly afterConstruct: { readonly undici: string[]; readonly dist: string[]; readonly workers: WorkerStats };
  readonly workers: WorkerStats;
  /** What the latest worker said it runs. */
  readonly code?: { readonly from: string; readonly codeCache: string };
  /** Messages of answers read from it. */
  readonly answerMessages: number;
  readonly counts: Array<number | null>;
}
interface WorkerStats {
  readonly started: number;
  readonly ended: number;
  readonly running: boolean;
}

/**
 * The app: `instances` constructs in one stack; then, per `steps`, a typed value read in app
 * code (`read`), one more construct (`more`), and the synth (`synth`).
 */
const APP = `
const { App, TerraformStack } = require('cdktf');
const { DcsBigKeyScanTasks } = require('./dist');
const { lookupWorkerAnswerMessages, lookupWorkerCode, lookupWorkerStats } = require('./dist/construct/sync-lookup');
const loaded = () => {
  const files = Object.keys(require.cache);
  return {
    undici: files.filter((f) => f.includes('/node_modules/undici/')),
    dist: files.filter((f) => f.startsWith(process.cwd() + '/dist/')).map((f) => f.slice(process.cwd().length + 1)),
  };
};
const app = new App({ outdir: process.env.OUTDIR });
const stack = new TerraformStack(app, 'producer');
const ids = JSON.parse(process.env.INSTANCES);
const scans = ids.map((instanceId, i) => new DcsBigKeyScanTasks(stack, 'cache-' + i, { instanceId }));
const afterConstruct = { ...loaded(), workers: lookupWorkerStats() };
const counts = [];
for (const step of (process.env.STEPS || '').split(',').filter(Boolean)) {
  if (step === 'read') counts.push(scans[0].count);
  if (step === 'more') scans.push(new DcsBigKeyScanTasks(stack, 'late', { instanceId: process.env.LATE_INSTANCE }));
  if (step === 'synth') app.synth();
}
process.stdout.write('report ' + JSON.stringify({ ...loaded(), afterConstruct, workers: lookupWorkerStats(), code: lookupWorkerCode(), answerMessages: lookupWorkerAnswerMessages(), counts }) + '\\n');
`;

let emulator: EmulatorProcess;
let work: string;
const instances = Array.from({ length: 6 }, () => newInstanceId());
const late = newInstanceId();

beforeAll(async () => {
  emulator = await startDemoEmulator();
  for (const id of [...instances, late]) {
    await emulator.admin.putInstance(id, { project_id: DEMO.projectId, generate: { count: 3, start: '2026-11-01T00:00:00.000Z', interval_seconds: 3600, seed: id } });
  }
  // Long enough that lookups sent together overlap at the server.
  await emulator.admin.addFaults({ kind: 'latency', ms: 150 });
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'dcs-bigkey-main-thread-'));
});
afterAll(async () => {
  await emulator?.stop();
  if (work) fs.rmSync(work, { recursive: true, force: true });
});
beforeEach(() => emulator.admin.resetStats());

/** Runs the app; `summary` is the library's summary line (on stdout). */
function synthChild(env: Record<string, string>, steps: string, ids = instances): { report: ChildReport; summary: string; outdir: string } {
  const outdir = fs.mkdtempSync(path.join(work, 'out-'));
  const run = runNode(APP, {
    env: {
      OUTDIR: outdir, INSTANCES: JSON.stringify(ids), LATE_INSTANCE: late, STEPS: steps, CDKTF_CONTINUE_SYNTH_ON_ERROR_ANNOTATIONS: 'true',
      DCS_BIGKEY_ENDPOINT: emulator.url, HW_PROJECT_ID: DEMO.projectId, HW_ACCESS_KEY: DEMO.accessKey, HW_SECRET_KEY: DEMO.secretKey, ...env,
    },
  });
  if (run.status !== 0) throw new Error(`child failed (${run.status}): ${run.stderr}`);
  const line = (prefix: string) => run.stdout.split('\n').find((l) => l.startsWith(prefix)) ?? '';
  return { report: JSON.parse(line('report ').slice('report '.length)) as ChildReport, summary: line('dcs-bigkey: '), outdir };
}

function expectNoHttpStack(loaded: { undici: string[]; dist: string[] }): void {
  expect(loaded.undici).toEqual([]);
  expect(loaded.dist.filter((f) => WORKER_ONLY.includes(f))).toEqual([]);
  // The check sees what it looks for: the construct layer is there.
  expect(loaded.dist).toContain('dist/construct/lookup-registry.js');
}

describe('on the app thread of a fresh process running the built package', () => {
  it('a live synth loads no HTTP stack: one worker sends every lookup in one batch, at most DCS_BIGKEY_CONCURRENCY in flight, and is ended after synth', async () => {
    const { report, summary } = synthChild({ DCS_BIGKEY_CONCURRENCY: '2' }, 'synth');
    expectNoHttpStack(report);
    expect(report.workers).toEqual({ started: 1, ended: 1, running: false });
    expect(report.code?.from).toBe('bundle');
    // Posted once nothing was outstanding: one message (one wake-up of this thread) for the batch.
    expect(report.answerMessages).toBe(1);
    expect(summary).toMatch(/^dcs-bigkey: 6 instances, 18 tasks, source emulator, \d+ ms in 1 batch$/);
    const stats = await emulator.admin.stats();
    expect(stats.list_requests).toBe(6);
    expect(stats.max_in_flight).toBe(2);
  });

  it('constructing sends the lookups at once (the worker is started while the app is being built) and loads no HTTP stack', async () => {
    const { report } = synthChild({}, '');
    expectNoHttpStack(report.afterConstruct);
    expect(report.afterConstruct.workers).toEqual({ started: 1, ended: 0, running: true });
    expectNoHttpStack(report);
  });

  it('a value read in app code before synth, then one more construct: the same worker serves both batches and is ended after synth', async () => {
    const { report, summary } = synthChild({}, 'read,more,synth');
    expect(report.counts).toEqual([3]);
    expect(report.answerMessages).toBe(2);
    expect(report.workers).toEqual({ started: 1, ended: 1, running: false });
    expect(summary).toMatch(/^dcs-bigkey: 7 instances, 21 tasks, source emulator, \d+ ms in 2 batches$/);
    expectNoHttpStack(report);
    expect((await emulator.admin.stats()).list_requests).toBe(7);
  });

  it('replay loads no HTTP stack and starts no worker', async () => {
    const file = path.join(work, 'replay.context.json');
    synthChild({ DCS_BIGKEY_SNAPSHOT: 'record', DCS_BIGKEY_SNAPSHOT_FILE: file }, 'synth');
    await emulator.admin.resetStats();
    const { report, summary } = synthChild({ DCS_BIGKEY_SNAPSHOT: 'replay', DCS_BIGKEY_SNAPSHOT_FILE: file, DCS_BIGKEY_ENDPOINT: '', HW_ACCESS_KEY: '', HW_SECRET_KEY: '' }, 'synth');
    expect(summary).toMatch(/^dcs-bigkey: 6 instances, 18 tasks, source snapshot, \d+ ms in 1 batch$/);
    expectNoHttpStack(report);
    expect(report.workers).toEqual({ started: 0, ended: 0, running: false });
    expect((await emulator.admin.stats()).requests).toBe(0);
  });

  it("the worker runs the build's bundle: with undici unresolvable in the process, the lookups still succeed", async () => {
    // NODE_OPTIONS reaches the worker thread too: undici is unresolvable there.
    const hide = path.join(__dirname, '..', 'support', 'hide-modules.js');
    const { report, summary } = synthChild({ NODE_OPTIONS: `--require ${hide}`, DCS_BIGKEY_TEST_HIDE: 'undici' }, 'synth', instances.slice(0, 2));
    expect(summary).toMatch(/^dcs-bigkey: 2 instances, 6 tasks, source emulator, \d+ ms in 1 batch$/);
    expect(report.code).toEqual({ from: 'bundle', codeCache: expect.stringMatching(/^(accepted|absent|rejected)$/) });
    expect(report.workers).toEqual({ started: 1, ended: 1, running: false });
    expect((await emulator.admin.stats()).list_requests).toBe(2);
  });
});
