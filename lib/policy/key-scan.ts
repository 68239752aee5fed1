/**
 * The keys of an instance's latest successful analysis, as lookups read them and gates check
 * them, and the facts reports show (largest string, largest collection, hottest key). Pure.
 *
 * Key names are customer data: a key carries its `name` only where the caller chose to keep
 * names (the `keys` command; a construct with `exposeKeyNames: true`). Everything here works
 * without them and mentions a name only when the key has one.
 */
import { BigKey, BigKeyScanType, HotKey, ScanTaskDetails } from '../client/types';
import { describeSize, shortSize } from './size';

/** The keys of one successful analysis (the task it came from, and what it found). */
export interface KeyScan<K extends BigKey = BigKey> {
  readonly task_id: string;
  readonly scan_type: BigKeyScanType;
  readonly finished_at: string | null;
  /** Keys found (the API's `num`, equal to `keys.length`). */
  readonly num: number;
  readonly keys: readonly K[];
}

/** A task's details as a KeyScan; names dropped unless `keepNames`. */
export function keyScanOf<K extends BigKey>(details: ScanTaskDetails<K>, keepNames: boolean): KeyScan<K> {
  return {
    task_id: details.id,
    scan_type: details.scan_type,
    finished_at: details.finished_at ?? null,
    num: details.num,
    keys: details.keys.map((key) => (keepNames ? key : withoutName(key))),
  };
}

/** The key without its name (customer data). */
export function withoutName<K extends BigKey>(key: K): K {
  const { name: _name, ...rest } = key;
  return rest as K;
}

/** The largest string key (by bytes), or undefined when there is none. */
export function largestString<K extends BigKey>(keys: readonly K[]): K | undefined {
  return largest(keys.filter((k) => k.type === 'string'));
}

/** The largest collection key (list, set, zset, hash: by members), or undefined when there is none. */
export function largestCollection<K extends BigKey>(keys: readonly K[]): K | undefined {
  return largest(keys.filter((k) => k.type !== 'string'));
}

/** The hot key with the highest LFU counter (the largest on a tie), or undefined. */
export function hottestKey(keys: readonly HotKey[]): HotKey | undefined {
  return keys.reduce<HotKey | undefined>((best, k) => (best === undefined || k.freq > best.freq || (k.freq === best.freq && k.size > best.size) ? k : best), undefined);
}

function largest<K extends BigKey>(keys: readonly K[]): K | undefined {
  return keys.reduce<K | undefined>((best, k) => (best === undefined || k.size > best.size ? k : best), undefined);
}

/** `20 MB` for a string, `684,210 members` for a collection: a key's size for table cells. */
export function shortKeySize(key: BigKey): string {
  return key.unit === 'byte' ? shortSize(key.size) : `${key.size.toLocaleString('en-US')} members`;
}

/** `20 MB (20,971,520 bytes)` for a string, `684,210 members` for a collection. */
export function describeKeySize(key: BigKey): string {
  return key.unit === 'byte' ? describeSize(key.size) : `${key.size.toLocaleString('en-US')} member${key.size === 1 ? '' : 's'}`;
}

/**
 * One key for messages people read: `a string key of 20 MB (20,971,520 bytes) on shard
 * 192.168.3.21:6379, db 0` — and `"its-name"` first when the key carries its name.
 */
export function describeKey(key: BigKey): string {
  const name = key.name !== undefined ? `key ${JSON.stringify(key.name.length > 200 ? `${key.name.slice(0, 200)}…` : key.name)}, ` : '';
  const where = key.shard !== undefined ? `on shard ${key.shard}, db ${key.db}` : `db ${key.db}`;
  const freq = (key as Partial<HotKey>).freq;
  return `${name}a ${key.type} key of ${describeKeySize(key)} ${where}${freq !== undefined ? `, LFU counter ${freq}` : ''}`;
}
