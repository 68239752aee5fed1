/**
 * `DcsHotKeyScanTasks`: the hot key analysis tasks of one DCS instance, read during
 * `cdktf synth` — DcsBigKeyScanTasks for hot keys: the same typed values, outputs, gates
 * (`latestAutoFailed` on unless 'off'), snapshots and async form, with the hot key task list,
 * and, when asked (or gated on), the hot keys of its latest successful scan (with their LFU
 * counter, `freq`) and the automatic hot key analysis settings.
 *
 *   const hot = new DcsHotKeyScanTasks(stack, 'orders-cache-hot', { instanceId, gates: { hotKeys: { maxFreq: 200 } } });
 *   hot.hottestKey?.freq
 */
import { Construct } from 'constructs';
import { HotKey } from '../client/types';
import { GatePolicies } from '../policy/gate-policy';
import { hottestKey, KeyScan } from '../policy/key-scan';
import { ScanTasksConstruct, ScanTasksKind, ScanTasksProps } from './scan-tasks-construct';

export interface DcsHotKeyScanTasksProps extends ScanTasksProps {
  /**
   * Deployment gates checked at synth, as for DcsBigKeyScanTasks, over the hot key tasks: the
   * headline `latestAutoFailed` is on unless `'off'`; `hotKeys` (limits on the keys of the
   * latest successful hot key scan: `maxCount`, `maxFreq`), `autoScanEnabled` and the task
   * policies add to it.
   * @default - { latestAutoFailed: 'error' } (none with `status`); a failed lookup is an error in any case
   */
  readonly gates?: Omit<GatePolicies, 'bigKeys'>;
  /**
   * Read the keys of the latest successful hot key scan (one more request per instance, in the
   * same batch): typed values `hotKeys`, `hotKeyCount`, `hottestKey`, and the outputs
   * `<prefix>_hot_key_count`, `_max_hot_key_freq`, `_hot_key_scan_id`, `_hot_keys`. Not with `status`.
   * @default - true when gates.hotKeys is set, else false
   */
  readonly readHotKeys?: boolean;
}

export class DcsHotKeyScanTasks extends ScanTasksConstruct {
  static readonly KIND: ScanTasksKind = { scanKind: 'hotkey', className: 'DcsHotKeyScanTasks', readKeysProp: 'readHotKeys', keyGate: 'hotKeys' };

  constructor(scope: Construct, id: string, props: DcsHotKeyScanTasksProps) {
    super(scope, id, props, DcsHotKeyScanTasks.KIND);
  }

  /** The latest successful hot key scan and the keys it found; undefined when no scan succeeded. Needs readHotKeys (or a hotKeys gate). */
  get hotKeyScan(): KeyScan<HotKey> | undefined {
    return this.keyScan() as KeyScan<HotKey> | undefined;
  }
  /** The hot keys of the latest successful scan (names only with exposeKeyNames); undefined when no scan succeeded. */
  get hotKeys(): readonly HotKey[] | undefined {
    return this.hotKeyScan?.keys;
  }
  /** How many hot keys it found; undefined when no scan succeeded. */
  get hotKeyCount(): number | undefined {
    return this.hotKeyScan?.num;
  }
  /** The key with the highest LFU counter, or undefined. */
  get hottestKey(): HotKey | undefined {
    const scan = this.hotKeyScan;
    return scan && hottestKey(scan.keys);
  }
}
