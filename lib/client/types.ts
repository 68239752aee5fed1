/**
 * Types of the DCS `ListBigkeyScanTasks` call, exactly as the API reference names them
 * (`GET /v2/{project_id}/instances/{instance_id}/bigkey-tasks`).
 */

/** Status of a big key analysis task. */
export const TASK_STATUSES = ['waiting', 'running', 'success', 'failed'] as const;
export type BigKeyTaskStatus = (typeof TASK_STATUSES)[number];

/** `manual`: started by a user; `auto`: started by the automatic analysis schedule. */
export const SCAN_TYPES = ['manual', 'auto'] as const;
export type BigKeyScanType = (typeof SCAN_TYPES)[number];

/** One big key analysis task as the API returns it. */
export interface BigKeyTask {
  readonly id: string;
  readonly status: BigKeyTaskStatus;
  readonly scan_type: BigKeyScanType;
  /** ISO-8601 UTC with milliseconds, e.g. `2020-06-15T02:21:18.669Z`. */
  readonly created_at: string;
  /** Absent or null until the task starts. */
  readonly started_at?: string | null;
  /** Absent or null until the task ends. */
  readonly finished_at?: string | null;
}

/**
 * The order of every task list the library returns or records: newest first by created_at, then
 * by id (negative: `a` comes first). Here, with the record, because a synth's app thread checks
 * replayed lists in this order without loading the client.
 */
export function newestFirst(a: BigKeyTask, b: BigKeyTask): number {
  return Date.parse(b.created_at) - Date.parse(a.created_at) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

/** Query parameters of the list call; all optional. */
export interface ListBigKeyTasksQuery {
  /** Index of the first record returned (>= 0). The API defaults to 0. */
  readonly offset?: number;
  /** Records per page (1–1000). The API defaults to 10. */
  readonly limit?: number;
  /** Only tasks in this status. */
  readonly status?: BigKeyTaskStatus;
}

/** The 200 response body of the list call. */
export interface ListBigKeyTasksResponse {
  readonly instance_id: string;
  /** Total number of tasks on all pages. */
  readonly count: number;
  /** This page of tasks. */
  readonly records: readonly BigKeyTask[];
}

/** The error body every DCS error status carries. */
export interface DcsErrorBody {
  readonly error_code?: string;
  readonly error_msg?: string;
  readonly error_ext_msg?: string | null;
}

export const MAX_PAGE_LIMIT = 1000;
export const DEFAULT_PAGE_LIMIT = 10;

/**
 * The two kinds of cache analysis DCS runs, with the same task lists and lifecycles:
 * `bigkey` (keys that take much memory: `…/bigkey-tasks`) and `hotkey` (keys accessed most:
 * `…/hotkey-tasks`, LFU counters). Hot key tasks have exactly the records of big key tasks.
 */
export const SCAN_KINDS = ['bigkey', 'hotkey'] as const;
export type ScanKind = (typeof SCAN_KINDS)[number];

/** A hot key analysis task: the same record as a big key task. */
export type HotKeyTask = BigKeyTask;

/** Redis value types the analyses report. */
export const KEY_TYPES = ['string', 'list', 'set', 'zset', 'hash'] as const;
export type KeyType = (typeof KEY_TYPES)[number];

/** `byte` for strings (size is the value's length), `count` for collections (size is the number of members). */
export type KeyUnit = 'byte' | 'count';

/** At most this many keys are kept per analysis (DCS keeps 20 strings and 80 collections). */
export const MAX_KEYS_PER_SCAN = 100;
/** DCS Redis databases: 0-255. */
export const MAX_DB = 255;
/** The LFU counter of a hot key: a logarithmic counter of at most 255. */
export const MAX_FREQ = 255;

/** One key a finished analysis found (the `keys[]` of the task details). */
export interface BigKey {
  /**
   * The key's name: customer data. Absent where names are withheld (the construct and its
   * snapshots keep them only with `exposeKeyNames: true`).
   */
  readonly name?: string;
  readonly type: KeyType;
  /** `ip:port` of the shard, on cluster instances only. */
  readonly shard?: string;
  readonly db: number;
  /** Bytes (`unit: byte`, strings) or members (`unit: count`, collections). */
  readonly size: number;
  readonly unit: KeyUnit;
}

/** A hot key: a big key's fields plus its LFU access counter. */
export interface HotKey extends BigKey {
  /** LFU counter, 0-255 (logarithmic: 255 stands for about a million accesses). */
  readonly freq: number;
}

/** `GET …/bigkey-task/{id}` and `GET …/hotkey-task/{id}`: a task record plus the keys it found. */
export interface ScanTaskDetails<K extends BigKey = BigKey> extends BigKeyTask {
  readonly instance_id?: string;
  /** Number of keys found: equal to `keys.length` (a count the list does not back is refused, see response.ts). */
  readonly num: number;
  readonly keys: readonly K[];
}
export type BigKeyTaskDetails = ScanTaskDetails<BigKey>;
export type HotKeyTaskDetails = ScanTaskDetails<HotKey>;

/** `GET …/bigkey/autoscan` and `GET …/hotkey/autoscan`: the automatic analysis settings. */
export interface AutoscanConfig {
  readonly instance_id: string;
  readonly enable_auto_scan: boolean;
  /** UTC times of day, `HH:mm`, at which the automatic analysis runs. */
  readonly schedule_at: readonly string[];
  /** When the settings last changed (ISO-8601 UTC); absent or null when never set. */
  readonly updated_at?: string | null;
}

/** How each kind's calls are addressed (paths under `/v2/{project_id}/instances/{instance_id}/`) and named (Huawei's SDK operation names). */
export const SCAN_API = {
  bigkey: {
    tasksPath: 'bigkey-tasks',
    taskPath: 'bigkey-task',
    autoscanPath: 'bigkey/autoscan',
    list: 'ListBigkeyScanTasks',
    details: 'ShowBigkeyScanTaskDetails',
    autoscan: 'ShowBigkeyAutoscanConfig',
    /** For messages: "big key". */
    noun: 'big key',
  },
  hotkey: {
    tasksPath: 'hotkey-tasks',
    taskPath: 'hotkey-task',
    autoscanPath: 'hotkey/autoscan',
    list: 'ListHotKeyScanTasks',
    details: 'ShowHotkeyTaskDetails',
    autoscan: 'ShowHotkeyAutoscanConfig',
    noun: 'hot key',
  },
} as const;
