/**
 * Synth benchmarks, each synth a fresh process (node start, cdktf load, lookup worker start:
 * what a user waits for), emulator latency 20 ms per request:
 *   - an app with 1, 10 and 200 instances looked up vs the same app without lookups;
 *   - live lookups vs replay from a recorded snapshot;
 *   - 200 instances vs 1 (the batch goal: at most 3x).
 *
 *   npm run build && node --import tsx bench/synth.ts
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { DEMO, EmulatorProcess, spawnEmulator } from '../lib/emulator';

const ROOT = path.resolve(__dirname, '..');
const REPEATS = 3;
const instanceId = (i: number) => `be0c4002-0000-4000-8000-${String(i).padStart(12, '0')}`;

export interface SynthRow {
  readonly instances: number;
  readonly mode: 'none' | 'live' | 'snapshot';
  /** Median wall time of the whole synth process. */
  readonly wallMs: number;
  /** Median lookup time the library reported (its summary line); 0 without lookups. */
  readonly lookupMs: number;
}

function synthOnce(mode: 'lookups' | 'none', instances: number, env: NodeJS.ProcessEnv): { wallMs: number; lookupMs: number } {
  const outdir = mkdtempSync(path.join(tmpdir(), 'dcs-bigkey-bench-'));
  const started = performance.now();
  const run = spawnSync(process.execPath, ['--import', 'tsx', path.join(__dirname, 'synth-child.ts'), mode, String(instances), outdir], { cwd: ROOT, env, encoding: 'utf8' });
  const wallMs = performance.now() - started;
  rmSync(outdir, { recursive: true, force: true });
  if (run.status !== 0) throw new Error(`synth failed (${mode}, ${instances}): ${run.stderr}`);
  const m = /dcs-bigkey: .* (\d+) ms in \d+ batch/.exec(run.stdout);
  return { wallMs, lookupMs: m ? Number(m[1]) : 0 };
}

function median(mode: 'lookups' | 'none', instances: number, env: NodeJS.ProcessEnv) {
  const runs = Array.from({ length: REPEATS }, () => synthOnce(mode, instances, env));
  const mid = (xs: number[]) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  return { wallMs: mid(runs.map((r) => r.wallMs)), lookupMs: mid(runs.map((r) => r.lookupMs)) };
}

export async function runSynthBench(latencyMs = 20): Promise<SynthRow[]> {
  const emulator: EmulatorProcess = await spawnEmulator({ quiet: true });
  const snapshotDir = mkdtempSync(path.join(tmpdir(), 'dcs-bigkey-bench-snapshot-'));
  try {
    for (let i = 0; i < 200; i++) {
      await emulator.admin.putInstance(instanceId(i), { project_id: DEMO.projectId, generate: { count: 12, start: '2026-11-01T00:00:00.000Z', interval_seconds: 3600, seed: `synth-${i}` } });
    }
    await emulator.admin.addFaults({ kind: 'latency', ms: latencyMs });
    // Gates fire on some generated instances: keep writing the stacks, as cdktf-cli does.
    const base = { ...process.env, CHECKPOINT_DISABLE: '1', CDKTF_CONTINUE_SYNTH_ON_ERROR_ANNOTATIONS: 'true' };
    const live = { ...base, DCS_BIGKEY_ENDPOINT: emulator.url, HW_PROJECT_ID: DEMO.projectId, HW_ACCESS_KEY: DEMO.accessKey, HW_SECRET_KEY: DEMO.secretKey };
    const file = path.join(snapshotDir, 'dcs-bigkey.context.json');
    synthOnce('lookups', 200, { ...live, DCS_BIGKEY_SNAPSHOT: 'record', DCS_BIGKEY_SNAPSHOT_FILE: file });
    const replay = { ...base, HW_PROJECT_ID: DEMO.projectId, DCS_BIGKEY_SNAPSHOT: 'replay', DCS_BIGKEY_SNAPSHOT_FILE: file };
    const rows: SynthRow[] = [];
    for (const n of [1, 10, 200]) {
      rows.push({ instances: n, mode: 'none', ...median('none', n, live) });
      rows.push({ instances: n, mode: 'live', ...median('lookups', n, live) });
      rows.push({ instances: n, mode: 'snapshot', ...median('lookups', n, replay) });
    }
    return rows;
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
    `Synth, one fresh process each, ${latencyMs} ms emulator latency per request, median of ${REPEATS} (ms)`,
    '',
    '| instances | no lookups | live | snapshot replay | live / no lookups | live / snapshot |',
    '|---:|---:|---:|---:|---:|---:|',
    ...lines,
    '',
    `200 instances vs 1, live: ${(many.wallMs / one.wallMs).toFixed(2)}x synth time, ${(many.lookupMs / Math.max(1, one.lookupMs)).toFixed(2)}x lookup time (goal: at most 3x)`,
  ].join('\n');
}

if (require.main === module) {
  runSynthBench().then((rows) => console.log(synthTable(rows)), (e) => { console.error(e); process.exitCode = 1; });
}
