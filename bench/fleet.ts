/**
 * Fleet gate benchmark: `dcs-bigkey gate --fleet` over 500 instances when every request takes
 * 20 ms (emulator latency fault), checked concurrently (--concurrency 16, the default) and one
 * instance after another (--concurrency 1). Prints a markdown table.
 *
 *   node --import tsx bench/fleet.ts
 *
 * The emulator runs as a separate process; the gate runs in this process through
 * runGateCommand, the function the executable calls.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { runGateCommand } from '../lib/cli/gate-command';
import { BufferStream } from '../lib/cli/io';
import { BigKeyTask } from '../lib/client/types';
import { DEMO, spawnEmulator } from '../lib/emulator';
import { mapWithConcurrency } from '../lib/util/concurrency';

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

export async function runFleetBench(options: FleetBenchOptions = {}): Promise<FleetBenchRow[]> {
  const n = options.instances ?? 500;
  const latencyMs = options.latencyMs ?? 20;
  const concurrency = options.concurrency ?? 16;
  const emulator = await spawnEmulator({ quiet: true });
  const dir = mkdtempSync(path.join(tmpdir(), 'dcs-bigkey-bench-'));
  try {
    await mapWithConcurrency(Array.from({ length: n }, (_, i) => i), 16, (i) =>
      emulator.admin.putInstance(instanceId(i), { project_id: PROJECT, name: `bench-${i}`, tasks: tasksOf(i) }),
    );
    const file = path.join(dir, 'fleet.json');
    writeFileSync(file, JSON.stringify({
      defaults: { project_id: PROJECT, endpoint: emulator.url },
      instances: Array.from({ length: n }, (_, i) => ({ name: `bench-${i}`, instance_id: instanceId(i) })),
    }));
    await emulator.admin.addFaults({ kind: 'latency', instance_id: '*', ms: latencyMs });
    const env = { HUAWEICLOUD_SDK_AK: DEMO.accessKey, HUAWEICLOUD_SDK_SK: DEMO.secretKey };

    const measure = async (mode: string, c: number) => {
      await emulator.admin.resetStats();
      const stdout = new BufferStream();
      const stderr = new BufferStream();
      const started = performance.now();
      const exitCode = await runGateCommand(['--fleet', file, '--format', 'json', '--concurrency', String(c)], { stdout, stderr, env, isTTY: false });
      const wallMs = performance.now() - started;
      const report = JSON.parse(stdout.text) as { summary: { total: number; error: number } };
      if (report.summary.total !== n || report.summary.error !== 0) throw new Error(`${mode}: unexpected report ${JSON.stringify(report.summary)}; stderr: ${stderr.text}`);
      const stats = await emulator.admin.stats();
      return { mode, concurrency: c, instances: n, requests: stats.requests, wallMs: Math.round(wallMs), maxInFlight: stats.max_in_flight, exitCode };
    };

    const sequential = await measure('one after another', 1);
    const concurrent = await measure('concurrent', concurrency);
    return [concurrent, sequential].map((row) => ({ ...row, ratio: Math.round((sequential.wallMs / row.wallMs) * 10) / 10 }));
  } finally {
    await emulator.stop();
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

if (require.main === module) {
  runFleetBench().then(
    (rows) => process.stdout.write(fleetBenchTable(rows)),
    (error: unknown) => {
      process.stderr.write(`bench/fleet: ${(error as Error)?.stack ?? String(error)}\n`);
      process.exitCode = 1;
    },
  );
}
