/**
 * Synth benchmarks, each synth a fresh process (node start, cdktf load, lookup worker start:
 * what a user waits for), emulator latency 20 ms per request:
 *   - an app with 1, 10 and 200 instances looked up vs the same app without lookups;
 *   - live lookups vs replay from a recorded snapshot;
 *   - 200 instances vs 1 (the batch goal: at most 3x the synth time).
 * Each case runs once per round, medians over the rounds.
 *
 *   npm run build && node --import tsx bench/synth.ts
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { DEMO } from '../lib/emulator';
import { liveSynthEnv, startSynthEmulator } from './synth-emulator';
import { median } from './stats';

const ROOT = path.resolve(__dirname, '..');
const REPEATS = 5;

export interface SynthRow {
  readonly instances: number;
  readonly mode: 'none' | 'live' | 'snapshot';
  /** Median wall time of the whole synth process. */
  readonly wallMs: number;
  /** Median lookup time the library reported (its summary line); 0 without lookups. */
  readonly lookupMs: number;
}

function synthOnce(mode: 'lookups' | 'keys' | 'none', instances: number, env: NodeJS.ProcessEnv): { wallMs: number; lookupMs: number } {
  const outdir = mkdtempSync(path.join(tmpdir(), 'dcs-bigkey-bench-'));
  const started = performance.now();
  const run = spawnSync(process.execPath, ['--import', 'tsx', path.join(__dirname, 'synth-child.ts'), mode, String(instances), outdir], { cwd: ROOT, env, encoding: 'utf8' });
  const wallMs = performance.now() - started;
  rmSync(outdir, { recursive: true, force: true });
  if (run.status !== 0) throw new Error(`synth failed (${mode}, ${instances}): ${run.stderr}`);
  const m = /dcs-bigkey: .* (\d+) ms in \d+ batch/.exec(run.stdout);
  return { wallMs, lookupMs: m ? Number(m[1]) : 0 };
}

export async function runSynthBench(latencyMs = 20): Promise<SynthRow[]> {
  const emulator = await startSynthEmulator(latencyMs);
  const snapshotDir = mkdtempSync(path.join(tmpdir(), 'dcs-bigkey-bench-snapshot-'));
  try {
    const live = liveSynthEnv(emulator);
    const file = path.join(snapshotDir, 'dcs-bigkey.context.json');
    synthOnce('lookups', 200, { ...live, DCS_BIGKEY_SNAPSHOT: 'record', DCS_BIGKEY_SNAPSHOT_FILE: file });
    const replay = { ...live, DCS_BIGKEY_ENDPOINT: undefined, HW_ACCESS_KEY: undefined, HW_SECRET_KEY: undefined, HW_PROJECT_ID: DEMO.projectId, DCS_BIGKEY_SNAPSHOT: 'replay', DCS_BIGKEY_SNAPSHOT_FILE: file };
    const cases = [1, 10, 200].flatMap((n) => [
      { instances: n, mode: 'none' as const, run: () => synthOnce('none', n, live) },
      { instances: n, mode: 'live' as const, run: () => synthOnce('lookups', n, live) },
      { instances: n, mode: 'snapshot' as const, run: () => synthOnce('lookups', n, replay) },
    ]);
    // Every case once per round, so a busy moment of a shared machine hits all of them alike.
    const runs = cases.map(() => [] as Array<{ wallMs: number; lookupMs: number }>);
    for (let round = 0; round < REPEATS; round++) cases.forEach((c, i) => runs[i].push(c.run()));
    return cases.map((c, i) => ({ instances: c.instances, mode: c.mode, wallMs: median(runs[i].map((r) => r.wallMs)), lookupMs: median(runs[i].map((r) => r.lookupMs)) }));
  } finally {
    rmSync(snapshotDir, { recursive: true, force: true });
    await emulator.stop();
  }
}

export function synthTable(rows: readonly SynthRow[], latencyMs = 20): string {
  const find = (n: number, mode: SynthRow['mode']) => rows.find((r) => r.instances === n && r.mode === mode)!;
  const lines = [...new Set(rows.map((r) => r.instances))].map((n) => {
    const none = find(n, 'none');
    const live = find(n, 'live');
    const snap = find(n, 'snapshot');
    return `| ${n} | ${none.wallMs.toFixed(0)} | ${live.wallMs.toFixed(0)} (lookups ${live.lookupMs}) | ${snap.wallMs.toFixed(0)} (lookups ${snap.lookupMs}) | ${(live.wallMs / none.wallMs).toFixed(2)} | ${(live.wallMs / snap.wallMs).toFixed(2)} |`;
  });
  const one = find(1, 'live');
  const many = find(200, 'live');
  return [
    `Synth of a TypeScript app under tsx (bench/synth-child.ts, the package from dist/), one fresh process each, ${latencyMs} ms emulator latency per request, median of ${REPEATS} rounds (ms); lookups: the time on the library's summary line, from the first lookup sent to the last answer`,
    '',
    '| instances | no lookups | live | snapshot replay | live / no lookups | live / snapshot |',
    '|---:|---:|---:|---:|---:|---:|',
    ...lines,
    '',
    `200 instances vs 1, live: ${(many.wallMs / one.wallMs).toFixed(2)}x synth time (goal: at most 3x), ${(many.lookupMs / Math.max(1, one.lookupMs)).toFixed(2)}x lookup time`,
  ].join('\n');
}

/** One case of the key-read benchmark: a synth reading the tasks only, or also the keys of the latest successful scan. */
export interface KeyReadRow {
  readonly instances: number;
  readonly keys: boolean;
  /** Median wall time of the whole synth process. */
  readonly wallMs: number;
  /** Median lookup time on the library's summary line (first lookup sent to last answer). */
  readonly lookupMs: number;
  /** Requests one synth sent (emulator stats): lists, and task details. */
  readonly listRequests: number;
  readonly detailRequests: number;
  /** Most requests the emulator had in flight during one synth. */
  readonly maxInFlight: number;
}

/**
 * The extra request of the key read (readBigKeys): 1 and 200 instances, with and without it,
 * each synth a fresh process, every case once per round. The details of an instance's latest
 * successful task can only be asked for once its list is read, so each instance's lookup is two
 * round trips deep; what must not happen is a round trip per instance one after another across
 * the batch (200 × the latency): the details are read in the same concurrent batch.
 */
export async function runKeyReadBench(latencyMs = 20): Promise<KeyReadRow[]> {
  const emulator = await startSynthEmulator(latencyMs);
  try {
    const live = liveSynthEnv(emulator);
    const cases = [1, 200].flatMap((n) => [false, true].map((keys) => ({ instances: n, keys })));
    const runs = cases.map(() => [] as Array<{ wallMs: number; lookupMs: number; list: number; show: number; inFlight: number }>);
    for (let round = 0; round < REPEATS; round++) {
      for (const [i, c] of cases.entries()) {
        await emulator.admin.resetStats();
        const { wallMs, lookupMs } = synthOnce(c.keys ? 'keys' : 'lookups', c.instances, live);
        const stats = await emulator.admin.stats();
        runs[i].push({ wallMs, lookupMs, list: stats.routes.list ?? 0, show: stats.routes.show ?? 0, inFlight: stats.max_in_flight });
      }
    }
    return cases.map((c, i) => ({
      ...c,
      wallMs: median(runs[i].map((r) => r.wallMs)),
      lookupMs: median(runs[i].map((r) => r.lookupMs)),
      listRequests: median(runs[i].map((r) => r.list)),
      detailRequests: median(runs[i].map((r) => r.show)),
      maxInFlight: median(runs[i].map((r) => r.inFlight)),
    }));
  } finally {
    await emulator.stop();
  }
}

export function keyReadTable(rows: readonly KeyReadRow[], latencyMs = 20, concurrency = 32): string {
  const find = (n: number, keys: boolean) => rows.find((r) => r.instances === n && r.keys === keys)!;
  const lines = [...new Set(rows.map((r) => r.instances))].map((n) => {
    const plain = find(n, false);
    const keyed = find(n, true);
    const extra = keyed.lookupMs - plain.lookupMs;
    const waves = Math.ceil(n / concurrency);
    return (
      `| ${n} | ${plain.wallMs.toFixed(0)} (lookups ${plain.lookupMs}) | ${keyed.wallMs.toFixed(0)} (lookups ${keyed.lookupMs}) | ` +
      `${keyed.listRequests} + ${keyed.detailRequests} (${plain.listRequests} + ${plain.detailRequests}) | ${keyed.maxInFlight} (${plain.maxInFlight}) | ` +
      `**${extra >= 0 ? '+' : ''}${extra} ms** | ${waves * latencyMs} ms (${waves} × ${latencyMs}) | ${n * latencyMs} ms (${n} × ${latencyMs}) |`
    );
  });
  return [
    `Reading the keys at synth (readBigKeys: the details of each instance's latest successful task, one more request per instance): a TypeScript app under tsx (bench/synth-child.ts), one fresh process each, ${latencyMs} ms emulator latency per request (list and details alike), ${concurrency} instances in flight, median of ${REPEATS} rounds (ms); lookups: the time on the library's summary line`,
    '',
    '| instances | synth, tasks only | synth, with keys | requests: lists + details, with keys (tasks only) | most in flight, with keys (tasks only) | key read adds (lookups) | physical floor of the extra (one more round trip per wave of instances) | if each key read were one round trip after another |',
    '|---:|---:|---:|---:|---:|---:|---:|---:|',
    ...lines,
  ].join('\n');
}

if (require.main === module) {
  (async () => {
    console.log(synthTable(await runSynthBench()) + '\n');
    console.log(keyReadTable(await runKeyReadBench()));
  })().catch((e) => {
    console.error(e);
    process.exitCode = 1;
  });
}
