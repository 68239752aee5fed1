/**
 * The lookup providers: one per kind of lookup, each knowing its snapshot key, its fetch and its
 * snapshot entry — like the context providers of AWS CDK's toolkit. Every lookup, whatever its
 * kind, goes through the one registry (construct/lookup-registry.ts), the one worker batch
 * (batch.ts) and the one snapshot file (snapshot-file.ts); only what differs by kind is here.
 *
 * The two kinds are the task lists of the two kinds of analysis (big key, hot key), each
 * optionally with the keys of its latest successful task and its automatic analysis settings
 * (read by scan-data.ts: the settings with the list, the keys after it).
 *
 * Snapshot keys: `<project>/<instance>` for the big key tasks alone (the form every earlier
 * snapshot has), `hotkey:` before it for hot key tasks, and `?status=…`, `keys=1` (or
 * `keys=names` when key names are kept) and `autoscan=1` after it for what the lookup reads, so
 * a lookup is replayed only from an entry recorded with exactly its parts.
 */
import type { DcsBigKeyClient } from '../client/client';
import { parseAutoscan, parseKeys, ResponseShapeError } from '../client/response';
import { AutoscanConfig, BigKeyTask, SCAN_TYPES, ScanKind } from '../client/types';
import { KeyScan } from '../policy/key-scan';
import type { LookupSuccess } from './outcome';
import type { LookupKind, LookupParts, LookupRequest, LookupTarget } from './lookup-request';
import { readScanData, ScanData } from './scan-data';
import type { SnapshotEntry } from './snapshot-file';

/** What a lookup read (live, or replayed from its snapshot entry). */
export interface LookupData {
  readonly count: number;
  readonly records: readonly BigKeyTask[];
  /** The keys of the latest successful task (null: none succeeded), when the lookup reads them. */
  readonly keyScan?: KeyScan | null;
  /** The automatic analysis settings, when the lookup reads them. */
  readonly autoscan?: AutoscanConfig;
}

export interface LookupProvider {
  readonly kind: LookupKind;
  /** The kind of analysis it reads. */
  readonly scanKind: ScanKind;
  /** The snapshot key of a target of this kind. */
  key(target: LookupTarget): string;
  /** Reads the target (in the lookup worker, the async form, or a snapshot refresh). */
  fetch(client: DcsBigKeyClient, request: LookupRequest): Promise<ScanData>;
  /** The snapshot entry of a successful lookup: what it read and where from, never credentials (nor key names unless kept). */
  entry(target: LookupTarget, request: Pick<LookupRequest, 'region' | 'endpoint'>, outcome: LookupSuccess): SnapshotEntry;
  /** A replayed entry's data. */
  replay(entry: SnapshotEntry): LookupData;
  /** The target an entry was recorded for (its key must be this target's key). */
  targetOf(entry: SnapshotEntry): LookupTarget;
  /** What is wrong with the parts of an entry this provider adds (keys, settings), naming the field; undefined when nothing. */
  entryProblem(entry: Record<string, unknown>): string | undefined;
}

/** The provider of the task list of one kind of analysis. */
function scanTasksProvider(kind: LookupKind, scanKind: ScanKind, keyPrefix: string): LookupProvider {
  return {
    kind,
    scanKind,
    key(target) {
      const params = [
        ...(target.status ? [`status=${target.status}`] : []),
        ...(target.keys ? [`keys=${target.keyNames ? 'names' : '1'}`] : []),
        ...(target.autoscan ? ['autoscan=1'] : []),
      ];
      return `${keyPrefix}${target.projectId}/${target.instanceId}${params.length > 0 ? `?${params.join('&')}` : ''}`;
    },
    fetch(client, request) {
      return readScanData(client, { kind: scanKind, instanceId: request.instanceId, status: request.status, keys: request.keys, keyNames: request.keyNames, autoscan: request.autoscan });
    },
    entry(target, request, outcome) {
      return {
        project_id: target.projectId,
        instance_id: target.instanceId,
        status_filter: target.status ?? null,
        region: request.region ?? null,
        endpoint: request.region ? null : request.endpoint,
        source: outcome.source,
        fetched_at: outcome.fetchedAt,
        count: outcome.count,
        records: outcome.records,
        ...(kind !== 'bigkey-tasks' ? { kind } : {}),
        ...(target.keys ? { keys: outcome.keyScan ?? null, ...(target.keyNames ? { key_names: true as const } : {}) } : {}),
        ...(target.autoscan && outcome.autoscan ? { autoscan: outcome.autoscan } : {}),
      };
    },
    replay(entry) {
      return { count: entry.count, records: entry.records, ...(entry.keys !== undefined ? { keyScan: entry.keys } : {}), ...(entry.autoscan ? { autoscan: entry.autoscan } : {}) };
    },
    targetOf(entry) {
      const parts: LookupParts = { ...(kind !== 'bigkey-tasks' ? { kind } : {}), ...(entry.keys !== undefined ? { keys: true, ...(entry.key_names ? { keyNames: true } : {}) } : {}), ...(entry.autoscan ? { autoscan: true } : {}) };
      return { instanceId: entry.instance_id, projectId: entry.project_id, ...(entry.status_filter ? { status: entry.status_filter as LookupTarget['status'] } : {}), ...parts };
    },
    entryProblem(entry) {
      if (entry.key_names !== undefined && (entry.key_names !== true || entry.keys === undefined)) return 'key_names is not true (with keys) or absent';
      if (entry.keys !== undefined && entry.keys !== null) {
        const problem = keyScanProblem(entry.keys, scanKind, entry.key_names === true);
        if (problem !== undefined) return problem;
      }
      if (entry.keys !== undefined) {
        // The keys a key gate checks are those of the latest successful task, as a live lookup
        // reads them (scan-data.ts): keys of another task, or none beside a successful task, are
        // no basis for a gate. (entryProblem runs after the records were checked.)
        const latest = (entry.records as readonly BigKeyTask[]).find((t) => t.status === 'success');
        if (entry.keys === null && latest !== undefined) return 'keys is null (no successful task), but records hold a successful task';
        if (entry.keys !== null && (entry.keys as KeyScan).task_id !== latest?.id) return 'keys.task_id is not the id of the latest successful task in records';
      }
      if (entry.autoscan !== undefined) {
        if (typeof entry.autoscan !== 'object' || entry.autoscan === null || Array.isArray(entry.autoscan)) return 'autoscan is not an object';
        try {
          parseAutoscan(entry.autoscan as Record<string, unknown>, String(entry.instance_id));
        } catch (error) {
          if (error instanceof ResponseShapeError) return `autoscan.${error.field} is not ${error.expected}`;
          throw error;
        }
      }
      return undefined;
    },
  };
}

/** What is wrong with a stored KeyScan (naming the field, not the value: the file could be any file), or undefined. */
function keyScanProblem(value: unknown, kind: ScanKind, names: boolean): string | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return 'keys is not null or an object';
  const scan = value as Record<string, unknown>;
  if (typeof scan.task_id !== 'string' || scan.task_id === '') return 'keys.task_id is not a task id';
  if (!(SCAN_TYPES as readonly unknown[]).includes(scan.scan_type)) return 'keys.scan_type is not manual or auto';
  if (scan.finished_at !== null && (typeof scan.finished_at !== 'string' || Number.isNaN(Date.parse(scan.finished_at)))) return 'keys.finished_at is not null or an ISO-8601 time';
  if (!Array.isArray(scan.keys) || scan.keys.length > 100) return 'keys.keys is not an array of at most 100 keys';
  if (scan.num !== scan.keys.length) return 'keys.num does not match the number of keys';
  try {
    // Without key_names, no key may carry a name: a snapshot must not hold what the lookup was not to keep.
    parseKeys(scan.keys, kind, scan.task_id, names ? 'required' : 'absent');
  } catch (error) {
    if (error instanceof ResponseShapeError) return `keys.${error.field} is not ${error.expected}`;
    throw error;
  }
  return undefined;
}

/** Every provider, by the kind of lookup it serves: the one seam every kind goes through. */
export const LOOKUP_PROVIDERS: Readonly<Record<LookupKind, LookupProvider>> = {
  'bigkey-tasks': scanTasksProvider('bigkey-tasks', 'bigkey', ''),
  'hotkey-tasks': scanTasksProvider('hotkey-tasks', 'hotkey', 'hotkey:'),
};

export function providerOf(kind: LookupKind = 'bigkey-tasks'): LookupProvider {
  return LOOKUP_PROVIDERS[kind];
}

/** The lookup kind that reads the tasks of an analysis. */
export function lookupKindOf(scanKind: ScanKind): LookupKind {
  return scanKind === 'hotkey' ? 'hotkey-tasks' : 'bigkey-tasks';
}
