/**
 * The snapshot file: what lookups fetched, committed next to the app like AWS CDK's
 * `cdk.context.json`, so a synth can be reproduced offline. Holds task records and where they
 * came from (project, instance, region or endpoint, fetched_at) — never credentials.
 * Written atomically (temporary file + rename) with sorted keys, so an unchanged snapshot is
 * byte-identical and a crash never leaves half a file.
 */
import * as fs from 'node:fs';
import { BigKeyTask } from '../client/types';
import { parseTask } from '../client/response';
import { writeFileAtomic } from '../util/atomic-file';
import { LookupTarget, lookupKey } from './lookup-request';

export const DEFAULT_SNAPSHOT_FILE = 'dcs-bigkey.context.json';
export const SNAPSHOT_MODE_ENV = 'DCS_BIGKEY_SNAPSHOT';
export const SNAPSHOT_FILE_ENV = 'DCS_BIGKEY_SNAPSHOT_FILE';
export const SNAPSHOT_MODE_CONTEXT = 'dcs-bigkey:snapshot';
export const SNAPSHOT_FILE_CONTEXT = 'dcs-bigkey:snapshotFile';
export const REFRESH_COMMAND = 'npx dcs-bigkey snapshot refresh';
export const RECORD_ADVICE = `${SNAPSHOT_MODE_ENV}=record cdktf synth`;
export const SNAPSHOT_VERSION = 1;

export interface SnapshotEntry {
  readonly project_id: string;
  readonly instance_id: string;
  readonly status_filter: string | null;
  /** Set when the data came from a region's endpoint; refresh uses it. */
  readonly region: string | null;
  /** Set when the data came from an explicit endpoint (e.g. the emulator). */
  readonly endpoint: string | null;
  readonly source: string;
  readonly fetched_at: string;
  readonly count: number;
  readonly records: readonly BigKeyTask[];
}

export interface SnapshotFile {
  readonly version: number;
  readonly entries: Readonly<Record<string, SnapshotEntry>>;
}

export class SnapshotError extends Error {}

export function readSnapshot(file: string): SnapshotFile {
  if (!fs.existsSync(file)) return { version: SNAPSHOT_VERSION, entries: {} };
  let parsed: unknown;
  try {
    parsed = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (error) {
    throw new SnapshotError(`snapshot file ${file} is not valid JSON (${(error as Error).message}); restore it from version control, or delete it and record it again with ${RECORD_ADVICE}`);
  }
  const snapshot = parsed as SnapshotFile;
  if (snapshot?.version !== SNAPSHOT_VERSION || typeof snapshot.entries !== 'object' || snapshot.entries === null) {
    throw new SnapshotError(`snapshot file ${file} has version ${JSON.stringify(snapshot?.version)}, expected ${SNAPSHOT_VERSION}; delete it and record it again with ${RECORD_ADVICE}`);
  }
  for (const [key, entry] of Object.entries(snapshot.entries)) {
    try {
      entry.records.forEach(parseTask);
      if (!Number.isInteger(entry.count) || entry.count !== entry.records.length) throw new Error(`count ${entry.count} does not match ${entry.records.length} records`);
    } catch (error) {
      throw new SnapshotError(`snapshot file ${file}, entry ${key}: ${(error as Error).message}; refresh it with \`${REFRESH_COMMAND}\``);
    }
  }
  return snapshot;
}

export function findEntry(snapshot: SnapshotFile, target: LookupTarget): SnapshotEntry | undefined {
  return snapshot.entries[lookupKey(target)];
}

/** Adds or replaces entries and writes the file atomically. */
export function writeSnapshot(file: string, snapshot: SnapshotFile, updates: readonly SnapshotEntry[]): SnapshotFile {
  const entries: Record<string, SnapshotEntry> = { ...snapshot.entries };
  for (const entry of updates) {
    entries[lookupKey({ projectId: entry.project_id, instanceId: entry.instance_id, status: (entry.status_filter ?? undefined) as LookupTarget['status'] })] = entry;
  }
  const next: SnapshotFile = { version: SNAPSHOT_VERSION, entries };
  writeFileAtomic(file, JSON.stringify(sortKeys(next), null, 2) + '\n');
  return next;
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.keys(value).sort().map((k) => [k, sortKeys((value as Record<string, unknown>)[k])]));
  }
  return value;
}
