/**
 * The snapshot file: what lookups fetched, committed next to the app like AWS CDK's
 * `cdk.context.json`, so a synth can be reproduced offline. Holds task records (and, for lookups
 * that read them, the keys of the latest successful task and the autoscan settings: see
 * providers.ts) and where they came from (project, instance, region or endpoint, fetched_at) —
 * never credentials, and key names only when a lookup was set to keep them.
 * Written atomically (temporary file + rename) with sorted keys, so an unchanged snapshot is
 * byte-identical and a crash never leaves half a file.
 */
import { REGION_SHAPE } from '../client/endpoint';
import { isTime, parseTask, ResponseShapeError } from '../client/response';
import { AutoscanConfig, BigKeyTask, newestFirst } from '../client/types';
import type { KeyScan } from '../policy/key-scan';
import { durationText, formatDuration, parseDuration } from '../policy/duration';
import { SEVERITIES, Severity } from '../policy/gate-policy';
import { CLOCK_SKEW_MS } from '../policy/task-summary';
import { writeFileAtomic } from '../util/atomic-file';
import { FileReadError, parseJsonText, readBoundedTextFile } from '../util/bounded-file';
import { LOOKUP_KINDS, LookupKind, LookupTarget, lookupKey } from './lookup-request';
import { providerOf } from './providers';

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
  /** The kind of lookup; absent: big key tasks (the only kind of earlier snapshots). */
  readonly kind?: Exclude<LookupKind, 'bigkey-tasks'>;
  /** The keys of the latest successful task (null: none succeeded); present when the lookup read them. */
  readonly keys?: KeyScan | null;
  /** True when the keys carry their names (the lookup was set to keep them); absent otherwise. */
  readonly key_names?: true;
  /** The automatic analysis settings; present when the lookup read them. */
  readonly autoscan?: AutoscanConfig;
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
    // The bounded duration grammar of every policy (lib/policy/duration.ts): 1s to 3650d.
    ms = parseDuration(raw, 'snapshot maximum age');
  } catch (error) {
    throw new SnapshotError(`${(error as Error).message} (set by ${SNAPSHOT_MAX_AGE_ENV} or context ${SNAPSHOT_MAX_AGE_CONTEXT})`);
  }
  return { text: typeof raw === 'string' ? raw : durationText(ms), ms, severity: severity as Severity };
}

/** The command that refreshes the entries of one instance. */
export function refreshCommandFor(instanceId: string): string {
  return `${REFRESH_COMMAND} --instance-id ${instanceId}`;
}

/** How long ago an entry was fetched. */
export function entryAgeMs(entry: Pick<SnapshotEntry, 'fetched_at'>, now: Date): number {
  return now.getTime() - Date.parse(entry.fetched_at);
}

/**
 * Undefined when the entry is within the maximum age (or there is none); otherwise why it is
 * stale. An entry "recorded" further in the future than CLOCK_SKEW_MS (the policies' allowance
 * for a clock running ahead) is stale too: its age cannot be known, and a negative age must not
 * pass the check forever.
 */
export function snapshotStaleness(entry: SnapshotEntry, maxAge: SnapshotMaxAge | undefined, now: Date): SnapshotStaleness | undefined {
  if (!maxAge) return undefined;
  const ageMs = entryAgeMs(entry, now);
  if (ageMs >= -CLOCK_SKEW_MS && ageMs <= maxAge.ms) return undefined;
  const subject = `the snapshot entry for instance ${entry.instance_id} (project ${entry.project_id})`;
  const setting = `the maximum age ${maxAge.text} (${SNAPSHOT_MAX_AGE_ENV} or context ${SNAPSHOT_MAX_AGE_CONTEXT})`;
  const refresh = `refresh it with \`${refreshCommandFor(entry.instance_id)}\` and commit the file`;
  return {
    severity: maxAge.severity,
    ageMs,
    message:
      ageMs < 0
        ? `${subject} says it was recorded ${formatDuration(-ageMs)} in the future (fetched_at ${entry.fetched_at}), so its age cannot be known ` +
          `and ${setting} cannot be checked: the gate would decide on data of unknown age. ${refresh} (and check the clock of the machine that recorded it)`
        : `${subject} was recorded ${formatDuration(ageMs)} ago (fetched_at ${entry.fetched_at}), older than ${setting}, ` +
          `so the gate would decide on stale data. ${refresh}`,
  };
}

/** Upper bound on the file (about 250,000 task records). */
export const MAX_SNAPSHOT_FILE_BYTES = 64 * 1024 * 1024;

/**
 * Reads and checks the whole file; a missing file is an empty snapshot. Errors name the file,
 * the entry and the field, and never quote the file's contents: the path could name any file.
 */
export function readSnapshot(file: string): SnapshotFile {
  let text: string;
  try {
    text = readBoundedTextFile(file, MAX_SNAPSHOT_FILE_BYTES, 'snapshot file');
  } catch (error) {
    if (error instanceof FileReadError && error.code === 'ENOENT') return { version: SNAPSHOT_VERSION, entries: {} };
    throw new SnapshotError(`${(error as Error).message}; point ${SNAPSHOT_FILE_ENV} (or the context key ${SNAPSHOT_FILE_CONTEXT}) at the snapshot file`);
  }
  const parsed = parseJsonText(text);
  if (!parsed.ok) {
    throw new SnapshotError(`snapshot file ${file} is not valid JSON (${parsed.problem}); restore it from version control, or delete it and record it again with ${RECORD_ADVICE}`);
  }
  const snapshot = parsed.value as { version?: unknown; entries?: unknown };
  if (!isObject(snapshot) || snapshot.version !== SNAPSHOT_VERSION || !isObject(snapshot.entries)) {
    throw new SnapshotError(`snapshot file ${file} is not a version ${SNAPSHOT_VERSION} snapshot (an object with "version": ${SNAPSHOT_VERSION} and "entries"); delete it and record it again with ${RECORD_ADVICE}`);
  }
  Object.entries(snapshot.entries).forEach(([key, entry], index) => {
    const problem = entryProblem(key, entry);
    if (problem !== undefined) {
      // The key is quoted only when it has the shape this library writes (ids and a status).
      const which = KEY_SHAPE.test(key) ? `entry ${key}` : `entry #${index + 1} (its key is not <project id>/<instance id>)`;
      throw new SnapshotError(`snapshot file ${file}, ${which}: ${problem}; refresh it with \`${REFRESH_COMMAND}\`, or delete the entry and record it again with ${RECORD_ADVICE}`);
    }
  });
  return snapshot as unknown as SnapshotFile;
}

/** The shape of every key this library writes (see providers.ts): safe to quote in a message. */
const KEY_SHAPE = /^(hotkey:)?[0-9a-f]{32}\/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}(\?(status=(waiting|running|success|failed)|keys=(1|names)|autoscan=1)(&(keys=(1|names)|autoscan=1))*)?$/;

/** The key an entry belongs under: its provider's key of the target it was recorded for. */
export function entryKey(entry: SnapshotEntry): string {
  return lookupKey(providerOf(entry.kind).targetOf(entry));
}

/** What is wrong with an entry (naming the field and what is expected, not the value), or undefined. */
function entryProblem(key: string, entry: unknown): string | undefined {
  if (!KEY_SHAPE.test(key)) return 'the key is not [hotkey:]<project id>/<instance id>[?status=…&keys=…&autoscan=1]';
  if (!isObject(entry)) return 'it is not an object';
  const e = entry as Record<string, unknown>;
  const nullOrString = (field: string, shape: (v: string) => boolean, expected: string) =>
    e[field] === null || (typeof e[field] === 'string' && shape(e[field] as string)) ? undefined : `${field} is not ${expected}`;
  if (e.kind !== undefined && (e.kind === 'bigkey-tasks' || !(LOOKUP_KINDS as readonly unknown[]).includes(e.kind))) return `kind is not absent or one of ${LOOKUP_KINDS.slice(1).join(', ')}`;
  if (typeof e.project_id !== 'string' || typeof e.instance_id !== 'string' || (e.status_filter !== null && typeof e.status_filter !== 'string') || key !== entryKey(e as unknown as SnapshotEntry)) {
    return 'project_id, instance_id, status_filter and what it holds (kind, keys, autoscan) do not match its key';
  }
  const problem =
    nullOrString('region', (v) => REGION_SHAPE.test(v), 'null or a region such as cn-north-4') ??
    nullOrString('endpoint', isOrigin, 'null or a base URL such as https://dcs.cn-north-4.myhuaweicloud.com') ??
    (e.region === null && e.endpoint === null ? 'it has neither region nor endpoint' : undefined) ??
    (typeof e.source === 'string' ? undefined : 'source is not a string') ??
    // As the library writes it (its age gates the maximum age): a loose form could be read as another time.
    (isTime(e.fetched_at) ? undefined : 'fetched_at is not an ISO-8601 UTC time such as 2026-11-28T12:00:00.000Z') ??
    (Array.isArray(e.records) ? undefined : 'records is not an array');
  if (problem !== undefined) return problem;
  let records: BigKeyTask[];
  try {
    records = (e.records as unknown[]).map(parseTask);
  } catch (error) {
    if (error instanceof ResponseShapeError) return `${error.field} is not ${error.expected}`;
    throw error;
  }
  // The gates read the latest automatic (and successful) scan as the first such record, as the
  // client returns them: records out of that order, or a task listed twice (a hand edit, a bad
  // merge), could let an older scan stand for the newest one.
  const ids = new Map<string, number>();
  for (let i = 0; i < records.length; i++) {
    const first = ids.get(records[i].id);
    if (first !== undefined) return `records[${i}] is the task of records[${first}] again (each task is listed once)`;
    ids.set(records[i].id, i);
    if (i > 0 && newestFirst(records[i - 1], records[i]) > 0) return `records are not newest first by created_at (then id): records[${i}] is newer than records[${i - 1}]`;
  }
  if (e.count !== (e.records as unknown[]).length) return 'count does not match the number of records';
  return providerOf(e.kind as SnapshotEntry['kind']).entryProblem(e);
}

/** An http(s) origin: what the library writes as an entry's endpoint. */
function isOrigin(value: string): boolean {
  try {
    const url = new URL(value);
    return (url.protocol === 'https:' || url.protocol === 'http:') && url.origin === value;
  } catch {
    return false;
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function findEntry(snapshot: SnapshotFile, target: LookupTarget): SnapshotEntry | undefined {
  return snapshot.entries[lookupKey(target)];
}

/** Adds or replaces entries and writes the file atomically. */
export function writeSnapshot(file: string, snapshot: SnapshotFile, updates: readonly SnapshotEntry[]): SnapshotFile {
  const entries: Record<string, SnapshotEntry> = { ...snapshot.entries };
  for (const entry of updates) entries[entryKey(entry)] = entry;
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
