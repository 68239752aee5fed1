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
import { Duration, formatDuration, parseDuration } from '../policy/duration';
import { SEVERITIES, Severity } from '../policy/gate-policy';
import { writeFileAtomic } from '../util/atomic-file';
import { LookupTarget, lookupKey } from './lookup-request';

export const DEFAULT_SNAPSHOT_FILE = 'dcs-bigkey.context.json';
export const SNAPSHOT_MODE_ENV = 'DCS_BIGKEY_SNAPSHOT';
export const SNAPSHOT_FILE_ENV = 'DCS_BIGKEY_SNAPSHOT_FILE';
export const SNAPSHOT_MODE_CONTEXT = 'dcs-bigkey:snapshot';
export const SNAPSHOT_FILE_CONTEXT = 'dcs-bigkey:snapshotFile';
export const REFRESH_COMMAND = 'npx dcs-bigkey snapshot refresh';
/** How old a replayed entry may be, e.g. `7d`; older is a warning or an error (below). */
export const SNAPSHOT_MAX_AGE_ENV = 'DCS_BIGKEY_SNAPSHOT_MAX_AGE';
export const SNAPSHOT_MAX_AGE_CONTEXT = 'dcs-bigkey:snapshotMaxAge';
/** `error` (default: synth fails) or `warning`. */
export const SNAPSHOT_MAX_AGE_SEVERITY_ENV = 'DCS_BIGKEY_SNAPSHOT_MAX_AGE_SEVERITY';
export const SNAPSHOT_MAX_AGE_SEVERITY_CONTEXT = 'dcs-bigkey:snapshotMaxAgeSeverity';
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

/** The maximum age of a replayed entry and what exceeding it is. */
export interface SnapshotMaxAge {
  /** As configured, e.g. `7d`. */
  readonly text: string;
  readonly ms: number;
  readonly severity: Severity;
}

/** A replayed entry older than the maximum age: what to say and how loudly. */
export interface SnapshotStaleness {
  readonly severity: Severity;
  readonly ageMs: number;
  readonly message: string;
}

/**
 * The maximum age from the environment, else from cdktf context (read through `context`),
 * or undefined when none is set. Throws SnapshotError naming the bad value and where it came from.
 */
export function resolveSnapshotMaxAge(env: NodeJS.ProcessEnv, context: (key: string) => unknown): SnapshotMaxAge | undefined {
  const fromEnv = env[SNAPSHOT_MAX_AGE_ENV];
  const raw = fromEnv !== undefined && fromEnv !== '' ? fromEnv : context(SNAPSHOT_MAX_AGE_CONTEXT);
  const severityEnv = env[SNAPSHOT_MAX_AGE_SEVERITY_ENV];
  const severity = severityEnv !== undefined && severityEnv !== '' ? severityEnv : context(SNAPSHOT_MAX_AGE_SEVERITY_CONTEXT) ?? 'error';
  if (!SEVERITIES.includes(severity as Severity)) {
    throw new SnapshotError(`invalid snapshot maximum age severity ${JSON.stringify(severity)} (${SNAPSHOT_MAX_AGE_SEVERITY_ENV} or context ${SNAPSHOT_MAX_AGE_SEVERITY_CONTEXT}): expected "error" or "warning"`);
  }
  if (raw === undefined || raw === null || raw === '') return undefined;
  let ms: number;
  try {
    ms = parseDuration(raw as Duration, 'snapshot maximum age');
  } catch {
    throw new SnapshotError(`invalid snapshot maximum age ${JSON.stringify(raw)} (${SNAPSHOT_MAX_AGE_ENV} or context ${SNAPSHOT_MAX_AGE_CONTEXT}): expected a duration such as 7d, 36h or 1d12h`);
  }
  return { text: String(raw), ms, severity: severity as Severity };
}

/** The command that refreshes the entries of one instance. */
export function refreshCommandFor(instanceId: string): string {
  return `${REFRESH_COMMAND} --instance-id ${instanceId}`;
}

/** How long ago an entry was fetched. */
export function entryAgeMs(entry: Pick<SnapshotEntry, 'fetched_at'>, now: Date): number {
  return now.getTime() - Date.parse(entry.fetched_at);
}

/** Undefined when the entry is within the maximum age (or there is none); otherwise why it is stale. */
export function snapshotStaleness(entry: SnapshotEntry, maxAge: SnapshotMaxAge | undefined, now: Date): SnapshotStaleness | undefined {
  if (!maxAge) return undefined;
  const ageMs = entryAgeMs(entry, now);
  if (ageMs <= maxAge.ms) return undefined;
  return {
    severity: maxAge.severity,
    ageMs,
    message:
      `the snapshot entry for instance ${entry.instance_id} (project ${entry.project_id}) was recorded ${formatDuration(ageMs)} ago ` +
      `(fetched_at ${entry.fetched_at}), older than the maximum age ${maxAge.text} (${SNAPSHOT_MAX_AGE_ENV} or context ${SNAPSHOT_MAX_AGE_CONTEXT}), ` +
      `so the gate would decide on stale data. refresh it with \`${refreshCommandFor(entry.instance_id)}\` and commit the file`,
  };
}

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
