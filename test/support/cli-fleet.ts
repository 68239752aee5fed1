/**
 * A synthetic fleet for the fleet test and the fleet benchmark: instance i has a few tasks;
 * every tenth instance's newest automatic scan failed (the gate's default policy blocks it).
 * In the emulator data (fleetEmulatorData) its successful tasks found keys — a 12 MB string on
 * every thirteenth instance from the fifth, a 1 MB string and a hash elsewhere — and its
 * automatic big key analysis is off on every seventeenth instance from the fourth.
 */
import { BigKey, BigKeyTask } from '../../lib/client/types';
import { DEMO, EmulatorData, EmulatorInstanceData } from '../../lib/emulator';

export const FLEET_PROJECT = 'f1ee7000f1ee7000f1ee7000f1ee7000';

export function fleetInstanceId(i: number): string {
  return `f1ee7000-0000-4000-8000-${String(i).padStart(12, '0')}`;
}

function taskId(i: number, k: number): string {
  return `7a5c0000-${String(k).padStart(4, '0')}-4000-8000-${String(i).padStart(12, '0')}`;
}

const DAY = 86_400_000;
const BASE = Date.parse('2026-11-20T02:00:00.000Z');

function finished(i: number, k: number, scan_type: 'auto' | 'manual', status: 'success' | 'failed', createdMs: number): BigKeyTask {
  return {
    id: taskId(i, k),
    scan_type,
    status,
    created_at: new Date(createdMs).toISOString(),
    started_at: new Date(createdMs + 2_000).toISOString(),
    finished_at: new Date(createdMs + 60_000 + (i % 60) * 1000).toISOString(),
  };
}

/** Three to five tasks; the newest automatic one failed when i % 10 === 0. */
export function fleetInstanceTasks(i: number): BigKeyTask[] {
  const start = BASE + (i % 100) * 1000;
  const tasks = [
    finished(i, 1, 'auto', i % 7 === 0 ? 'failed' : 'success', start),
    finished(i, 2, 'manual', 'success', start + DAY / 2),
    finished(i, 3, 'auto', i % 10 === 0 ? 'failed' : 'success', start + DAY),
  ];
  if (i % 4 === 1) tasks.push(finished(i, 4, 'manual', 'failed', start + DAY + 3_600_000));
  if (i % 25 === 3) {
    const created = start + DAY + 7_200_000;
    tasks.push({ id: taskId(i, 5), scan_type: 'manual', status: 'running', created_at: new Date(created).toISOString(), started_at: new Date(created + 2_000).toISOString(), finished_at: null });
  }
  return tasks;
}

/** What the default gate policy (latest automatic scan must not have failed) decides. */
export function expectedFleetVerdict(i: number): 'pass' | 'blocked' {
  return i % 10 === 0 ? 'blocked' : 'pass';
}

/**
 * Emulator data holding fleet instances 0..n-1 (demo credentials), for fleets too large to
 * create one admin request at a time.
 */
export function fleetEmulatorData(n: number, skip: (i: number) => boolean = () => false): EmulatorData {
  const instances: Record<string, EmulatorInstanceData> = {};
  for (let i = 0; i < n; i++) {
    if (skip(i)) continue;
    instances[fleetInstanceId(i)] = {
      name: `cache-${i}`,
      tasks: fleetInstanceTasks(i).map((t) => (t.status === 'success' ? { ...t, keys: fleetInstanceKeys(i) } : t)),
      bigkey_autoscan: { enable_auto_scan: !fleetAutoScanOff(i), schedule_at: fleetAutoScanOff(i) ? [] : ['02:00'] },
    };
  }
  return { credentials: [{ access_key: DEMO.accessKey, secret_key: DEMO.secretKey }], projects: { [FLEET_PROJECT]: { instances } } };
}

/** The keys each successful scan of instance i found: a 12 MB string when i % 13 === 5. */
export function fleetInstanceKeys(i: number): BigKey[] {
  const string: BigKey = { name: `cache:${i}:blob`, type: 'string', db: 0, size: i % 13 === 5 ? 12 * 1024 * 1024 : 1024 * 1024, unit: 'byte', shard: `10.0.${i % 8}.1:6379` };
  return [string, { name: `cache:${i}:index`, type: 'hash', db: 0, size: 2_000 + i, unit: 'count' }];
}

/** Whether automatic big key analysis is off for instance i. */
export function fleetAutoScanOff(i: number): boolean {
  return i % 17 === 4;
}
