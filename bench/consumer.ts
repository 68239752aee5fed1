/**
 * Synth cost as users pay it: a plain-JavaScript cdktf app (bench/consumer/main.js) that
 * requires the packed package from node_modules, a fresh `node` process per synth, against the
 * emulator answering every list request after 20 ms. Each figure is a difference between
 * paired runs (every round runs every variant once, in a rotating order, and the figure is the
 * median over the rounds), so the load of a shared machine hits both sides of it alike:
 *   - the cost of require('cdktf-dcs-bigkey'):   require-only app − bare app;
 *   - one live lookup:                           synth − bare − one round trip;
 *   - snapshot replay of that lookup:            synth − bare;
 *   - 200 instances:                             (synth − the same app with constant outputs)
 *                                                ÷ the batch floor ceil(200 / concurrency) × round trip.
 * The bare app builds the same stack, with the same outputs holding constants, without this
 * package. A round trip is one lookup's request as the client sends it, on a warm connection.
 * Each figure comes with its spread: the interquartile range of the paired values.
 * The lookup worker compiles its bundle from the V8 code cache the first live synth of the
 * installation wrote (the warm-up runs write it); one more variant measures one live lookup
 * without it (DCS_BIGKEY_CODE_CACHE=off: what the first synth after an install pays).
 * Then a timeline of one live lookup (ms from process start; median of a few runs with
 * bench/consumer/timeline-hooks.js preloaded).
 *
 *   npm run build && node --import tsx bench/consumer.ts [--package other.tgz] [--compare before.tgz] [--rounds N]
 *
 * `--package` measures another build (e.g. a tarball packed from an older commit); `--compare`
 * measures a second build in the same rounds, its runs interleaved with the first one's (so the
 * load of a shared machine falls on both alike), and prints the two side by side.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { DcsBigKeyClient } from '../lib/client/client';
import { DEMO, EmulatorProcess } from '../lib/emulator';
import { DEFAULT_BATCH_CONCURRENCY } from '../lib/lookup/batch';
import { npm } from '../test/support/npm';
import { liveSynthEnv, SYNTH_INSTANCES, SYNTH_LATENCY_MS, startSynthEmulator, synthInstanceId } from './synth-emulator';
import { median, quantile } from './stats';

const ROOT = path.resolve(__dirname, '..');
const DEFAULT_ROUNDS = 15;
const TIMELINE_RUNS = 5;

type Variant = 'bare1' | 'require1' | 'live1' | 'live1NoCache' | 'replay1' | 'bare200' | 'live200';
const VARIANTS: readonly Variant[] = ['bare1', 'require1', 'live1', 'live1NoCache', 'replay1', 'bare200', 'live200'];

export interface ConsumerRow {
  readonly goal: string;
  /** Median wall time of our synth, and of the baseline (bare app), ms. */
  readonly oursMs: number;
  readonly bareMs: number;
  /** The physical limit the difference is measured against (0: nothing to wait for), ms. */
  readonly limitMs: number;
  readonly limit: string;
  /** The figure: a median of paired differences, ms, or a ratio. */
  readonly value: number;
  /** The interquartile range of the paired values the median is taken of. */
  readonly spread: readonly [number, number];
  readonly unit: 'ms' | 'x';
  /** The issue's target; undefined for a row that only informs. */
  readonly target?: string;
}

export interface TimelineEvent {
  readonly event: string;
  /** Median ms from process start; undefined when the event did not happen in any run. */
  readonly ms?: number;
}

/** What one build measured. */
export interface ConsumerBuildResult {
  readonly packageName: string;
  readonly rows: readonly ConsumerRow[];
  /** Median lookup time the library reported on its summary line, by variant. */
  readonly reportedLookupMs: Partial<Record<Variant, number>>;
  /** Median CPU time of the synth process (all threads), and of the emulator during it, by variant. */
  readonly cpuMs: Partial<Record<Variant, number>>;
  readonly emulatorCpuMs: Partial<Record<Variant, number>>;
  readonly timeline: readonly TimelineEvent[];
}

export interface ConsumerBench extends ConsumerBuildResult {
  readonly rounds: number;
  readonly rttMs: number;
  readonly floorMs: number;
  /** The build measured in the same rounds for comparison (`compareTarball`). */
  readonly compared?: ConsumerBuildResult;
}

export interface ConsumerBenchOptions {
  /** A packed package to measure. @default this repository's build (dist/), packed */
  readonly tarball?: string;
  /** Another packed package measured in the same rounds, interleaved (e.g. the build before a change). */
  readonly compareTarball?: string;
  readonly rounds?: number;
}

const versionOf = (name: string): string => JSON.parse(fs.readFileSync(path.join(ROOT, 'node_modules', name, 'package.json'), 'utf8')).version;

/** A scratch app with the package, cdktf and constructs installed by npm (its cache first). */
function installApp(work: string, tarball: string, name = 'app'): string {
  const app = path.join(work, name);
  fs.mkdirSync(app);
  fs.writeFileSync(path.join(app, 'package.json'), JSON.stringify({ name: 'dcs-bigkey-bench-consumer', private: true }));
  const install = npm(app, ['install', '--prefer-offline', '--no-audit', '--no-fund', tarball, `cdktf@${versionOf('cdktf')}`, `constructs@${versionOf('constructs')}`]);
  if (install.status !== 0) throw new Error(`npm install failed (${install.status}): ${install.stderr}`);
  fs.copyFileSync(path.join(__dirname, 'consumer', 'main.js'), path.join(app, 'main.js'));
  return app;
}

/** This repository's dist/, packed as it would be published (npm run build first). */
function packThisBuild(work: string): string {
  if (!fs.existsSync(path.join(ROOT, 'dist', 'index.js'))) throw new Error('no dist/: run npm run build first');
  const run = npm(ROOT, ['pack', '--ignore-scripts', '--json', '--pack-destination', work]);
  if (run.status !== 0) throw new Error(`npm pack failed (${run.status}): ${run.stderr}`);
  return path.join(work, (JSON.parse(run.stdout) as Array<{ filename: string }>)[0].filename);
}

interface SynthRun {
  readonly wallMs: number;
  readonly lookupMs?: number;
  /** CPU time of the synth process (all its threads), and of the emulator meanwhile (Linux). */
  readonly cpuMs: number;
  readonly emulatorCpuMs?: number;
  readonly marks: Marks;
  readonly endedAt: number;
}

interface Marks {
  /** performance.timeOrigin of the synth process. */
  readonly origin: number;
  /** Ms from process start, by step (bench/consumer/main.js). */
  readonly marks: Record<string, number>;
  readonly cpuMs: number;
}

/** CPU time a process has used so far, ms, where /proc has it. */
function processCpuMs(pid: number): number | undefined {
  try {
    const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100; // utime + stime, in clock ticks of 10 ms
  } catch {
    return undefined;
  }
}

function synth(app: string, variant: 'bare' | 'require' | 'lookups', instances: number, env: NodeJS.ProcessEnv, emulatorPid: number): SynthRun {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'dcs-bigkey-bench-out-'));
  try {
    const emulatorBefore = processCpuMs(emulatorPid);
    const startedAt = performance.timeOrigin + performance.now();
    const run = spawnSync(process.execPath, ['main.js', variant, String(instances), outdir], { cwd: app, env: { ...env, BENCH_MARKS: '1' }, encoding: 'utf8' });
    const endedAt = performance.timeOrigin + performance.now();
    const emulatorAfter = processCpuMs(emulatorPid);
    if (run.status !== 0) throw new Error(`synth ${variant} ${instances} failed (${run.status}): ${run.stderr}`);
    const reported = /dcs-bigkey: .* (\d+) ms in \d+ batch/.exec(run.stdout);
    const marks = JSON.parse(/bench-marks (.*)/.exec(run.stderr)![1]) as Marks;
    return {
      wallMs: endedAt - startedAt,
      lookupMs: reported ? Number(reported[1]) : undefined,
      cpuMs: marks.cpuMs,
      emulatorCpuMs: emulatorBefore === undefined || emulatorAfter === undefined ? undefined : emulatorAfter - emulatorBefore,
      marks,
      endedAt,
    };
  } finally {
    fs.rmSync(outdir, { recursive: true, force: true });
  }
}

/** One lookup's round trip, as the client sends it, on a warm connection: the physical limit. */
async function roundTripMs(emulator: EmulatorProcess): Promise<number> {
  const client = new DcsBigKeyClient({ endpoint: emulator.url, projectId: DEMO.projectId, accessKey: DEMO.accessKey, secretKey: DEMO.secretKey, env: {} });
  try {
    const times: number[] = [];
    for (let i = 0; i < 12; i++) {
      const started = performance.now();
      await client.listAllBigKeyTasks(synthInstanceId(i));
      if (i > 0) times.push(performance.now() - started); // the first opens the connection
    }
    return median(times);
  } finally {
    await client.close();
  }
}

const TIMELINE: ReadonlyArray<readonly [string, string]> = [
  ['cdktf', "require('cdktf') done"],
  ['ours', "require('cdktf-dcs-bigkey') done"],
  ['constructed', 'construct created (its lookup sent to the worker)'],
  ['worker booted', 'worker thread booted'],
  ['worker ready', 'worker script loaded'],
  ['request sent', 'request sent'],
  ['response received', 'response received'],
  ['synth', 'app.synth() done'],
  ['exit', "process 'exit' event"],
  ['ended', 'process ended (seen by the parent)'],
];

/** Ms from process start of each step of a live one-lookup synth, median of a few runs. */
function timeline(app: string, env: NodeJS.ProcessEnv, work: string, emulatorPid: number): TimelineEvent[] {
  const runs: Array<Record<string, number>> = [];
  for (let i = 0; i < TIMELINE_RUNS; i++) {
    const file = path.join(work, `timeline-${path.basename(app)}-${i}.jsonl`);
    const hooks = path.join(__dirname, 'consumer', 'timeline-hooks.js');
    const run = synth(app, 'lookups', 1, { ...env, BENCH_TIMELINE_FILE: file, NODE_OPTIONS: `--require ${hooks}` }, emulatorPid);
    const { origin, marks } = run.marks;
    const at: Record<string, number> = { ...marks, ended: run.endedAt - origin };
    const lines = fs.existsSync(file) ? fs.readFileSync(file, 'utf8').trim().split('\n') : [];
    for (const line of lines) {
      const { event, at: epoch } = JSON.parse(line) as { event: string; at: number };
      at[event] ??= epoch - origin; // the first of each
    }
    runs.push(at);
  }
  return TIMELINE.map(([key, event]) => {
    const seen = runs.map((r) => r[key]).filter((x): x is number => x !== undefined);
    return { event, ms: seen.length ? median(seen) : undefined };
  });
}

/** A build under measurement: its scratch app and the runs of each variant. */
interface Build {
  readonly tarball: string;
  readonly app: string;
  readonly runs: Record<Variant, SynthRun[]>;
  run(variant: Variant): SynthRun;
}

export async function runConsumerBench(options: ConsumerBenchOptions = {}): Promise<ConsumerBench> {
  const rounds = options.rounds ?? DEFAULT_ROUNDS;
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'dcs-bigkey-bench-consumer-'));
  const emulator = await startSynthEmulator();
  try {
    const live = liveSynthEnv(emulator);
    const pid = emulator.pid;
    const prepare = (tarball: string, name: string): Build => {
      const app = installApp(work, tarball, name);
      const snapshot = path.join(app, 'dcs-bigkey.context.json');
      synth(app, 'lookups', 1, { ...live, DCS_BIGKEY_SNAPSHOT: 'record', DCS_BIGKEY_SNAPSHOT_FILE: snapshot }, pid);
      const replay = { ...live, DCS_BIGKEY_ENDPOINT: undefined, HW_ACCESS_KEY: undefined, HW_SECRET_KEY: undefined, DCS_BIGKEY_SNAPSHOT: 'replay', DCS_BIGKEY_SNAPSHOT_FILE: snapshot };
      const variants: Record<Variant, () => SynthRun> = {
        bare1: () => synth(app, 'bare', 1, live, pid),
        require1: () => synth(app, 'require', 1, live, pid),
        live1: () => synth(app, 'lookups', 1, live, pid),
        live1NoCache: () => synth(app, 'lookups', 1, { ...live, DCS_BIGKEY_CODE_CACHE: 'off' }, pid),
        replay1: () => synth(app, 'lookups', 1, replay, pid),
        bare200: () => synth(app, 'bare', SYNTH_INSTANCES, live, pid),
        live200: () => synth(app, 'lookups', SYNTH_INSTANCES, live, pid),
      };
      for (const variant of VARIANTS) variants[variant](); // warm the file system cache, the emulator and the code cache
      return { tarball, app, runs: Object.fromEntries(VARIANTS.map((v) => [v, [] as SynthRun[]])) as Record<Variant, SynthRun[]>, run: (v) => variants[v]() };
    };
    const builds = [prepare(options.tarball ? path.resolve(options.tarball) : packThisBuild(work), 'app')];
    if (options.compareTarball) builds.push(prepare(path.resolve(options.compareTarball), 'compared'));

    const rtt = await roundTripMs(emulator);
    const floor = Math.ceil(SYNTH_INSTANCES / DEFAULT_BATCH_CONCURRENCY) * rtt;
    const runs = builds.flatMap((build) => VARIANTS.map((variant) => ({ build, variant })));
    for (let round = 0; round < rounds; round++) {
      // A rotating order, so no variant (or build) always runs first, or right after the heaviest one.
      for (let i = 0; i < runs.length; i++) {
        const { build, variant } = runs[(i + round) % runs.length];
        build.runs[variant].push(build.run(variant));
      }
    }
    const results = builds.map((build) => ({ ...resultOf(build, rounds, rtt, floor), timeline: timeline(build.app, live, work, pid) }));
    return { rounds, rttMs: rtt, floorMs: floor, ...results[0], ...(results[1] ? { compared: results[1] } : {}) };
  } finally {
    await emulator.stop();
    fs.rmSync(work, { recursive: true, force: true });
  }
}

function resultOf(build: Build, rounds: number, rtt: number, floor: number): Omit<ConsumerBuildResult, 'timeline'> {
  const walls = Object.fromEntries(VARIANTS.map((v) => [v, build.runs[v].map((r) => r.wallMs)])) as Record<Variant, number[]>;
  // A figure over the rounds: its median and the interquartile range of the paired values.
  const paired = (fn: (i: number) => number) => {
    const values = Array.from({ length: rounds }, (_, i) => fn(i));
    return { value: median(values), spread: [quantile(values, 0.25), quantile(values, 0.75)] as const };
  };
  const w = (v: Variant) => median(walls[v]);
  const rows: ConsumerRow[] = [
    {
      goal: "cost of require('cdktf-dcs-bigkey') over a bare cdktf app",
      oursMs: w('require1'), bareMs: w('bare1'), limitMs: 0, limit: 'nothing to wait for',
      ...paired((i) => walls.require1[i] - walls.bare1[i]), unit: 'ms', target: '≤ +15 ms',
    },
    {
      goal: 'one live lookup: synth − bare − one round trip',
      oursMs: w('live1'), bareMs: w('bare1'), limitMs: rtt, limit: 'one round trip',
      ...paired((i) => walls.live1[i] - walls.bare1[i] - rtt), unit: 'ms', target: '≤ +40 ms',
    },
    {
      goal: 'snapshot replay: synth − bare',
      oursMs: w('replay1'), bareMs: w('bare1'), limitMs: 0, limit: 'nothing to wait for',
      ...paired((i) => walls.replay1[i] - walls.bare1[i]), unit: 'ms', target: '≤ +15 ms',
    },
    {
      goal: `${SYNTH_INSTANCES} instances: (live − same app with constant outputs) ÷ batch floor`,
      oursMs: w('live200'), bareMs: w('bare200'), limitMs: floor, limit: `ceil(${SYNTH_INSTANCES} / ${DEFAULT_BATCH_CONCURRENCY}) × round trip`,
      ...paired((i) => (walls.live200[i] - walls.bare200[i]) / floor), unit: 'x', target: '≤ 1.3×',
    },
    {
      goal: 'one live lookup without the code cache (first synth after an install): synth − bare − one round trip',
      oursMs: w('live1NoCache'), bareMs: w('bare1'), limitMs: rtt, limit: 'one round trip',
      ...paired((i) => walls.live1NoCache[i] - walls.bare1[i] - rtt), unit: 'ms',
    },
  ];
  const medians = (pick: (r: SynthRun) => number | undefined) =>
    Object.fromEntries(VARIANTS.map((v) => [v, build.runs[v].map(pick).filter((x): x is number => x !== undefined)] as const).filter(([, xs]) => xs.length).map(([v, xs]) => [v, median(xs)]));
  return {
    packageName: path.basename(build.tarball), rows,
    reportedLookupMs: medians((r) => r.lookupMs), cpuMs: medians((r) => r.cpuMs), emulatorCpuMs: medians((r) => r.emulatorCpuMs),
  };
}

export function consumerTable(bench: ConsumerBench): string {
  const ms = (x: number) => x.toFixed(0);
  const signed = (x: number) => `${x >= 0 ? '+' : '−'}${ms(Math.abs(x))}`;
  const figure = (r: ConsumerRow) => (r.unit === 'x' ? `${r.value.toFixed(2)}×` : `${signed(r.value)} ms`);
  const spread = (r: ConsumerRow) => (r.unit === 'x' ? `${r.spread[0].toFixed(2)}–${r.spread[1].toFixed(2)}×` : `${signed(r.spread[0])} … ${signed(r.spread[1])} ms`);
  return [
    `Plain-JS cdktf app requiring the packed package (${bench.packageName}), a fresh node process per synth, ${SYNTH_LATENCY_MS} ms emulator latency per request; ` +
      `medians of ${bench.rounds} paired rounds (ms), spread = interquartile range of the paired values. One round trip: ${bench.rttMs.toFixed(1)} ms; batch floor: ${ms(bench.floorMs)} ms.`,
    '',
    '| goal | ours | baseline (bare app) | physical limit | result | spread | target |',
    '|---|---:|---:|---:|---:|---:|---:|',
    ...bench.rows.map((r) => `| ${r.goal} | ${ms(r.oursMs)} | ${ms(r.bareMs)} | ${r.limitMs ? `${ms(r.limitMs)} (${r.limit})` : `0 (${r.limit})`} | **${figure(r)}** | ${spread(r)} | ${r.target ?? '(information)'} |`),
    '',
    `Lookup time the library reported (its summary line, from the first lookup sent to the last answer): ` +
      (Object.keys(bench.reportedLookupMs).length
        ? Object.entries(bench.reportedLookupMs).map(([v, x]) => `${v} ${ms(x!)} ms`).join(', ') + '.'
        : 'no summary line on stdout (builds before it moved there printed it on stderr).'),
    '',
    `CPU time of the synth process, all threads (the cores the synth has): ` +
      Object.entries(bench.cpuMs).map(([v, x]) => `${v} ${ms(x!)} ms`).join(', ') + '. ' +
      (Object.keys(bench.emulatorCpuMs).length
        ? `The emulator, on the same cores, meanwhile: ` + Object.entries(bench.emulatorCpuMs).filter(([, x]) => x! > 0).map(([v, x]) => `${v} ${ms(x!)} ms`).join(', ') + '.'
        : ''),
    '',
    `Timeline of one live lookup, ms from process start (median of ${TIMELINE_RUNS} runs with bench/consumer/timeline-hooks.js preloaded):`,
    '',
    '| step | ms |',
    '|---|---:|',
    ...bench.timeline.map((t) => `| ${t.event} | ${t.ms === undefined ? '—' : ms(t.ms)} |`),
    ...(bench.compared ? ['', comparisonTable(bench, bench.compared)] : []),
  ].join('\n');
}

/** The compared build beside this one: the same rows and timeline, measured in the same rounds. */
function comparisonTable(after: ConsumerBench, before: ConsumerBuildResult): string {
  const ms = (x: number) => x.toFixed(0);
  const signed = (x: number) => `${x >= 0 ? '+' : '−'}${ms(Math.abs(x))}`;
  const figure = (r: ConsumerRow) => (r.unit === 'x' ? `${r.value.toFixed(2)}× (${r.spread[0].toFixed(2)}–${r.spread[1].toFixed(2)})` : `${signed(r.value)} ms (${signed(r.spread[0])} … ${signed(r.spread[1])})`);
  const cpu = (b: ConsumerBuildResult) => Object.entries(b.cpuMs).map(([v, x]) => `${v} ${ms(x!)}`).join(', ');
  return [
    `The same rounds, runs interleaved: ${before.packageName} (before) and ${after.packageName} (after); medians (interquartile ranges).`,
    '',
    '| goal | before | after | target |',
    '|---|---:|---:|---:|',
    ...after.rows.map((r, i) => `| ${r.goal} | ${figure(before.rows[i])} | **${figure(r)}** | ${r.target ?? '(information)'} |`),
    '',
    `CPU time of the synth process, ms: before ${cpu(before)}; after ${cpu(after)}.`,
    '',
    '| step (ms from process start) | before | after |',
    '|---|---:|---:|',
    ...after.timeline.map((t, i) => `| ${t.event} | ${before.timeline[i]?.ms === undefined ? '—' : ms(before.timeline[i].ms!)} | ${t.ms === undefined ? '—' : ms(t.ms)} |`),
  ].join('\n');
}

if (require.main === module) {
  const args = process.argv.slice(2);
  const option = (name: string) => {
    const i = args.indexOf(name);
    return i >= 0 ? args[i + 1] : undefined;
  };
  const rounds = option('--rounds');
  runConsumerBench({ tarball: option('--package'), compareTarball: option('--compare'), rounds: rounds === undefined ? undefined : Number(rounds) }).then(
    (bench) => console.log(consumerTable(bench)),
    (error) => {
      console.error(error);
      process.exitCode = 1;
    },
  );
}
