/**
 * Fleet benchmarks, 500 instances in the emulator (a separate process), 20 ms latency on every
 * request (emulator latency fault):
 *
 * 1. The fleet gate, `dcs-bigkey gate --fleet`, checked concurrently (--concurrency 16, the
 *    default) and one instance after another (--concurrency 1). The gate runs in this process
 *    through runGateCommand, the function the executable calls.
 * 2. Throttling, measured the way the gate reads a fleet (one pooled client per endpoint and
 *    project, 16 instances at a time, the gate's retry budget), with the client's adaptive rate
 *    control on (ours, the default) and off (`rateControl: false`, the baseline), in paired runs
 *    (the two members of a pair back to back, in alternating order), medians reported:
 *    a. 20 % of the instances (every fifth) throttled once with `Retry-After: 0` (a `throttle`
 *       rule with count 1 per instance): throttled ÷ unthrottled wall time of the same client
 *       configuration (target <= 1.3x);
 *    b. an account-level rate limit (a `rate_limit` rule: R requests/s, a small burst,
 *       `Retry-After: 0`): wall ÷ the physical limit 500 / R (target <= 1.25x), and the share of
 *       requests answered 429 (target <= 5 %).
 *
 *   node --import tsx bench/fleet.ts
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { runGateCommand, DEFAULT_FLEET_CONCURRENCY, GATE_RETRY } from '../lib/cli/gate-command';
import { BufferStream } from '../lib/cli/io';
import { DcsClientPool } from '../lib/client/client-pool';
import { BigKeyTask } from '../lib/client/types';
import { DEMO, EmulatorProcess, FaultSpec, spawnEmulator } from '../lib/emulator';
import { mapWithConcurrency } from '../lib/util/concurrency';
import { median } from './stats';

export interface FleetBenchRow {
  readonly mode: string;
  readonly concurrency: number;
  readonly instances: number;
  /** HTTP requests the emulator served. */
  readonly requests: number;
  readonly wallMs: number;
  /** Wall time of the sequential run divided by this run's: the speed-up. */
  readonly ratio: number;
  readonly maxInFlight: number;
  readonly exitCode: number;
}

export interface FleetBenchOptions {
  readonly instances?: number;
  readonly latencyMs?: number;
  readonly concurrency?: number;
}

const PROJECT = 'be0c4000be0c4000be0c4000be0c4000';
const instanceId = (i: number) => `be0c4000-0000-4000-8000-${String(i).padStart(12, '0')}`;
const ENV = { HUAWEICLOUD_SDK_AK: DEMO.accessKey, HUAWEICLOUD_SDK_SK: DEMO.secretKey };

function tasksOf(i: number): BigKeyTask[] {
  const base = Date.parse('2026-11-25T02:00:00.000Z') + i * 1000;
  return [0, 1, 2].map((k) => {
    const created = base + k * 86_400_000;
    const failed = k === 2 && i % 10 === 0;
    return {
      id: `be0c4000-${String(k).padStart(4, '0')}-4000-8000-${String(i).padStart(12, '0')}`,
      scan_type: 'auto' as const,
      status: failed ? ('failed' as const) : ('success' as const),
      created_at: new Date(created).toISOString(),
      started_at: new Date(created + 2000).toISOString(),
      finished_at: new Date(created + 90_000).toISOString(),
    };
  });
}

/** An emulator process holding `n` fleet instances (every request delayed by `latencyMs`) for the duration of `fn`. */
async function withFleetEmulator<T>(n: number, latencyMs: number, fn: (emulator: EmulatorProcess) => Promise<T>): Promise<T> {
  const emulator = await spawnEmulator({ quiet: true });
  try {
    await mapWithConcurrency(Array.from({ length: n }, (_, i) => i), 16, (i) =>
      emulator.admin.putInstance(instanceId(i), { project_id: PROJECT, name: `bench-${i}`, tasks: tasksOf(i) }),
    );
    await emulator.admin.addFaults({ kind: 'latency', instance_id: '*', ms: latencyMs });
    return await fn(emulator);
  } finally {
    await emulator.stop();
  }
}

export async function runFleetBench(options: FleetBenchOptions = {}): Promise<FleetBenchRow[]> {
  const n = options.instances ?? 500;
  const concurrency = options.concurrency ?? DEFAULT_FLEET_CONCURRENCY;
  const dir = mkdtempSync(path.join(tmpdir(), 'dcs-bigkey-bench-'));
  try {
    return await withFleetEmulator(n, options.latencyMs ?? 20, async (emulator) => {
      const file = path.join(dir, 'fleet.json');
      writeFileSync(file, JSON.stringify({
        defaults: { project_id: PROJECT, endpoint: emulator.url },
        instances: Array.from({ length: n }, (_, i) => ({ name: `bench-${i}`, instance_id: instanceId(i) })),
      }));
      const measure = async (mode: string, c: number) => {
        await emulator.admin.resetStats();
        const stdout = new BufferStream();
        const stderr = new BufferStream();
        const started = performance.now();
        const exitCode = await runGateCommand(['--fleet', file, '--format', 'json', '--concurrency', String(c)], { stdout, stderr, env: ENV, isTTY: false });
        const wallMs = performance.now() - started;
        const report = JSON.parse(stdout.text) as { summary: { total: number; error: number } };
        if (report.summary.total !== n || report.summary.error !== 0) throw new Error(`${mode}: unexpected report ${JSON.stringify(report.summary)}; stderr: ${stderr.text}`);
        const stats = await emulator.admin.stats();
        return { mode, concurrency: c, instances: n, requests: stats.requests, wallMs: Math.round(wallMs), maxInFlight: stats.max_in_flight, exitCode };
      };
      const sequential = await measure('one after another', 1);
      const concurrent = await measure('concurrent', concurrency);
      return [concurrent, sequential].map((row) => ({ ...row, ratio: Math.round((sequential.wallMs / row.wallMs) * 10) / 10 }));
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export function fleetBenchTable(rows: readonly FleetBenchRow[], latencyMs = 20): string {
  const lines = [
    `Fleet gate: ${rows[0]?.instances ?? 0} instances, ${latencyMs} ms emulator latency per request`,
    '',
    '| mode | concurrency | requests | wall ms | ratio (speed-up) | max in flight |',
    '|---|---:|---:|---:|---:|---:|',
    ...rows.map((r) => `| ${r.mode} | ${r.concurrency} | ${r.requests} | ${r.wallMs} | ${r.ratio.toFixed(1)}× | ${r.maxInFlight} |`),
  ];
  return lines.join('\n') + '\n';
}

/** One fleet read, as the gate reads a fleet. */
interface FleetRun {
  readonly wallMs: number;
  readonly requests: number;
  readonly throttled: number;
  readonly maxInFlight: number;
}

export interface ThrottleBenchOptions {
  readonly instances?: number;
  readonly latencyMs?: number;
  /** Pairs of runs per configuration. @default 5 */
  readonly pairs?: number;
  /** The account-level limit of row b, requests/s, and its burst. @default 200, 10 */
  readonly rate?: number;
  readonly burst?: number;
}

/** Medians over the pairs of one configuration (ours or the baseline). */
export interface ThrottleBenchColumn {
  /** a: throttled ÷ unthrottled wall time, and the two walls. */
  readonly onceRatio: number;
  readonly onceWallMs: number;
  readonly cleanWallMs: number;
  readonly onceRequests: number;
  /** b: wall ÷ (instances ÷ rate), wall, share of requests answered 429, requests. */
  readonly limitRatio: number;
  readonly limitWallMs: number;
  readonly limit429Share: number;
  readonly limitRequests: number;
  /** Most requests in flight at the emulator over every run of this configuration. */
  readonly maxInFlight: number;
}

export interface ThrottleBenchResult {
  readonly instances: number;
  readonly latencyMs: number;
  readonly concurrency: number;
  readonly pairs: number;
  readonly rate: number;
  readonly burst: number;
  readonly ours: ThrottleBenchColumn;
  readonly baseline: ThrottleBenchColumn;
}

export async function runThrottleBench(options: ThrottleBenchOptions = {}): Promise<ThrottleBenchResult> {
  const n = options.instances ?? 500;
  const latencyMs = options.latencyMs ?? 20;
  const pairs = options.pairs ?? 5;
  const rate = options.rate ?? 200;
  const burst = options.burst ?? 10;
  const concurrency = DEFAULT_FLEET_CONCURRENCY;
  return withFleetEmulator(n, latencyMs, async (emulator) => {
    /** Reads the whole fleet once with `faults` added (and removed after), with rate control on or off. */
    const read = async (rateControl: boolean, faults: readonly FaultSpec[]): Promise<FleetRun> => {
      const ids = faults.length > 0 ? await emulator.admin.addFaults(faults) : [];
      await emulator.admin.resetStats();
      const pool = new DcsClientPool();
      const started = performance.now();
      try {
        const client = pool.get({ endpoint: emulator.url, projectId: PROJECT, env: ENV, retry: GATE_RETRY, ...(rateControl ? {} : { rateControl: false }) });
        await mapWithConcurrency(Array.from({ length: n }, (_, i) => i), concurrency, (i) => client.listAllBigKeyTasks(instanceId(i)));
      } finally {
        await pool.closeAll();
      }
      const wallMs = performance.now() - started;
      const stats = await emulator.admin.stats();
      for (const id of ids) await emulator.admin.removeFault(id);
      return { wallMs, requests: stats.requests, throttled: stats.statuses['429'] ?? 0, maxInFlight: stats.max_in_flight };
    };
    const throttledOnce: FaultSpec[] = Array.from({ length: n / 5 }, (_, k) => ({ kind: 'throttle', instance_id: instanceId(k * 5), count: 1, retry_after_s: 0 }));
    const rateLimit: FaultSpec[] = [{ kind: 'rate_limit', rate, burst, retry_after_s: 0 }];

    await read(true, []); // warm-up: connections, JIT
    const runs = { ours: [] as FleetRun[][], baseline: [] as FleetRun[][] };
    for (let p = 0; p < pairs; p++) {
      for (const [name, on] of (p % 2 === 0 ? [['ours', true], ['baseline', false]] : [['baseline', false], ['ours', true]]) as [keyof typeof runs, boolean][]) {
        // a pair for row a (clean and throttled once, alternating which goes first), then row b
        const clean = p % 2 === 0 ? await read(on, []) : undefined;
        const once = await read(on, throttledOnce);
        const cleanAfter = clean ?? (await read(on, []));
        const limited = await read(on, rateLimit);
        runs[name].push([cleanAfter, once, limited]);
      }
    }
    const column = (list: FleetRun[][]): ThrottleBenchColumn => ({
      onceRatio: median(list.map(([clean, once]) => once.wallMs / clean.wallMs)),
      onceWallMs: median(list.map(([, once]) => once.wallMs)),
      cleanWallMs: median(list.map(([clean]) => clean.wallMs)),
      onceRequests: median(list.map(([, once]) => once.requests)),
      limitRatio: median(list.map(([, , limited]) => limited.wallMs / ((n / rate) * 1000))),
      limitWallMs: median(list.map(([, , limited]) => limited.wallMs)),
      limit429Share: median(list.map(([, , limited]) => limited.throttled / limited.requests)),
      limitRequests: median(list.map(([, , limited]) => limited.requests)),
      maxInFlight: Math.max(...list.flat().map((run) => run.maxInFlight)),
    });
    return { instances: n, latencyMs, concurrency, pairs, rate, burst, ours: column(runs.ours), baseline: column(runs.baseline) };
  });
}

export function throttleBenchTable(r: ThrottleBenchResult): string {
  const x = (v: number) => `${v.toFixed(2)}×`;
  const ms = (v: number) => Math.round(v);
  const pct = (v: number) => `${(v * 100).toFixed(1)} %`;
  const limitMs = (r.instances / r.rate) * 1000;
  return [
    `Throttling: ${r.instances} instances, ${r.latencyMs} ms emulator latency per request, ${r.concurrency} at a time, medians of ${r.pairs} paired runs`,
    '',
    '| row | ours (rate control on) | baseline (rate control off) | physical limit | target |',
    '|---|---:|---:|---:|---:|',
    `| a. 20 % of instances throttled once, Retry-After: 0 — throttled ÷ unthrottled wall | ${x(r.ours.onceRatio)} (${ms(r.ours.onceWallMs)} ÷ ${ms(r.ours.cleanWallMs)} ms) | ${x(r.baseline.onceRatio)} (${ms(r.baseline.onceWallMs)} ÷ ${ms(r.baseline.cleanWallMs)} ms) | 1.20× (${r.ours.onceRequests} requests instead of ${r.instances}) | ≤ 1.30× |`,
    `| b. account limit ${r.rate} requests/s (burst ${r.burst}), Retry-After: 0 — wall ÷ (${r.instances} ÷ ${r.rate} s) | ${x(r.ours.limitRatio)} (${ms(r.ours.limitWallMs)} ms) | ${x(r.baseline.limitRatio)} (${ms(r.baseline.limitWallMs)} ms) | 1.00× (${ms(limitMs)} ms) | ≤ 1.25× |`,
    `| b. share of requests answered 429 | ${pct(r.ours.limit429Share)} (${r.ours.limitRequests} requests) | ${pct(r.baseline.limit429Share)} (${r.baseline.limitRequests} requests) | 0 % | ≤ 5 % |`,
    `| most requests in flight (bound ${r.concurrency}) | ${r.ours.maxInFlight} | ${r.baseline.maxInFlight} | | |`,
  ].join('\n') + '\n';
}

if (require.main === module) {
  (async () => {
    process.stdout.write(fleetBenchTable(await runFleetBench()) + '\n');
    process.stdout.write(throttleBenchTable(await runThrottleBench()));
  })().catch((error: unknown) => {
    process.stderr.write(`bench/fleet: ${(error as Error)?.stack ?? String(error)}\n`);
    process.exitCode = 1;
  });
}
