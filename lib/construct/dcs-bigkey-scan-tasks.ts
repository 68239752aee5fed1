/**
 * `DcsBigKeyScanTasks`: the big key analysis tasks of one DCS instance, read during
 * `cdktf synth`, as typed values, as Terraform outputs, and as deployment gates — and, when asked
 * (or gated on), the keys its latest successful scan found and the automatic analysis settings.
 *
 *   const scans = new DcsBigKeyScanTasks(stack, 'orders-cache', { instanceId, region: 'cn-north-4' });
 *   scans.latestAuto?.status   // a plain string at synth time, not a token
 *
 * The lookup runs lazily, batched with every other instance of the app (lookup-registry.ts);
 * everything but the big key values is shared with DcsHotKeyScanTasks (scan-tasks-construct.ts).
 */
import { Construct } from 'constructs';
import { BigKey } from '../client/types';
import { GatePolicies } from '../policy/gate-policy';
import { KeyScan, largestCollection, largestString } from '../policy/key-scan';
import { ScanTasksConstruct, ScanTasksKind, ScanTasksProps } from './scan-tasks-construct';

export { DcsLookupFailedError } from './scan-tasks-construct';
export type { ScanTasksProps } from './scan-tasks-construct';

export interface DcsBigKeyScanTasksProps extends ScanTasksProps {
  /**
   * Deployment gates checked at synth. An `error` finding makes `cdktf synth` exit non-zero.
   * The headline policy `latestAutoFailed` is on unless set to `'off'`; the others add to it:
   * `maxAutoScanAge`, `requireSuccessfulScan`, `stuckTask`, `bigKeys` (limits on the keys of the
   * latest successful scan, which are then read), `autoScanEnabled`. A failed lookup is an error
   * unless `onLookupFailure: 'warning'`. With `status`, no policy is evaluated (a filtered list
   * has no latest automatic scan) and gates evaluating any are an error.
   * @default - { latestAutoFailed: 'error' } (none with `status`); a failed lookup is an error in any case
   */
  readonly gates?: Omit<GatePolicies, 'hotKeys'>;
  /**
   * Read the keys of the latest successful big key scan (one more request per instance, in the
   * same batch): typed values `bigKeys`, `bigKeyCount`, `largestString`, `largestCollection`, and
   * the outputs `<prefix>_big_key_count`, `_largest_string_bytes`, `_largest_collection_members`,
   * `_big_key_scan_id`, `_big_keys`. Not with `status`.
   * @default - true when gates.bigKeys is set, else false
   */
  readonly readBigKeys?: boolean;
}

export class DcsBigKeyScanTasks extends ScanTasksConstruct {
  static readonly KIND: ScanTasksKind = { scanKind: 'bigkey', className: 'DcsBigKeyScanTasks', readKeysProp: 'readBigKeys', keyGate: 'bigKeys' };

  constructor(scope: Construct, id: string, props: DcsBigKeyScanTasksProps) {
    super(scope, id, props, DcsBigKeyScanTasks.KIND);
  }

  /** The latest successful big key scan and the keys it found; undefined when no scan succeeded. Needs readBigKeys (or a bigKeys gate). */
  get bigKeyScan(): KeyScan | undefined {
    return this.keyScan();
  }
  /** The big keys of the latest successful scan (names only with exposeKeyNames); undefined when no scan succeeded. */
  get bigKeys(): readonly BigKey[] | undefined {
    return this.keyScan()?.keys;
  }
  /** How many big keys it found; undefined when no scan succeeded. */
  get bigKeyCount(): number | undefined {
    return this.keyScan()?.num;
  }
  /** The largest string key it found (by bytes), or undefined. */
  get largestString(): BigKey | undefined {
    const scan = this.keyScan();
    return scan && largestString(scan.keys);
  }
  /** The largest list, set, zset or hash it found (by members), or undefined. */
  get largestCollection(): BigKey | undefined {
    const scan = this.keyScan();
    return scan && largestCollection(scan.keys);
  }
}
