/**
 * Everything a gate may need about one instance's analysis of one kind, read with the fewest
 * round trips: the task list and the automatic analysis settings at once, then (when the keys
 * are wanted) the details of the latest successful task — the one request that has to wait for
 * the list, since only the list says which task that is. Used by the lookup providers (synth-time
 * lookups and snapshot refresh) and by `dcs-bigkey gate` and `keys` alike.
 *
 * Key names are customer data: they are dropped here, where the details are read, unless the
 * caller asks to keep them, so nothing downstream can leak what it never had.
 */
import type { DataSource, DcsBigKeyClient } from '../client/client';
import { DcsMalformedResponseError } from '../client/errors';
import { AutoscanConfig, BigKeyTask, BigKeyTaskStatus, SCAN_API, ScanKind } from '../client/types';
import { KeyScan, keyScanOf } from '../policy/key-scan';

export interface ScanDataRequest {
  readonly kind: ScanKind;
  readonly instanceId: string;
  /** Only tasks of this status (callers do not ask for keys with a filter: its latest successful task is not the instance's). */
  readonly status?: BigKeyTaskStatus;
  /** Read the keys of the latest successful task. */
  readonly keys?: boolean;
  /** Keep key names (otherwise dropped as the details are read). @default false */
  readonly keyNames?: boolean;
  /** Read the automatic analysis settings. */
  readonly autoscan?: boolean;
}

export interface ScanData {
  readonly count: number;
  /** Newest first. */
  readonly records: readonly BigKeyTask[];
  /** The keys of the latest successful task; null when no task succeeded; absent when not asked for. */
  readonly keyScan?: KeyScan | null;
  /** The automatic analysis settings, when asked for. */
  readonly autoscan?: AutoscanConfig;
  /** HTTP requests sent, retries included. */
  readonly requests: number;
  readonly source: DataSource;
}

export async function readScanData(client: DcsBigKeyClient, request: ScanDataRequest): Promise<ScanData> {
  const { kind, instanceId } = request;
  const [listing, settings] = await Promise.all([
    client.listAllTasks(kind, instanceId, { status: request.status }),
    request.autoscan ? client.showAutoscanConfig(kind, instanceId) : undefined,
  ]);
  let requests = listing.meta.requests + (settings?.meta.requests ?? 0);
  let keyScan: KeyScan | null | undefined;
  if (request.keys) {
    const latest = listing.records.find((t) => t.status === 'success');
    if (latest === undefined) {
      keyScan = null;
    } else {
      const details = await client.showTaskDetails(kind, instanceId, latest.id);
      requests += details.meta.requests;
      if (details.status !== 'success') {
        // The list said it succeeded: keys of a task that did not are no basis for a gate.
        throw new DcsMalformedResponseError(SCAN_API[kind].details, instanceId, `task ${latest.id} has status ${details.status} in its details where the list said success`, details.meta.requestIds.at(-1));
      }
      keyScan = keyScanOf(details, request.keyNames === true);
    }
  }
  const autoscan = settings && { instance_id: settings.instance_id, enable_auto_scan: settings.enable_auto_scan, schedule_at: settings.schedule_at, ...(settings.updated_at !== undefined ? { updated_at: settings.updated_at } : {}) };
  return {
    count: listing.count,
    records: listing.records,
    ...(keyScan !== undefined ? { keyScan } : {}),
    ...(autoscan ? { autoscan } : {}),
    requests,
    source: listing.meta.source,
  };
}
