/**
 * Checks a 2xx body against the API contract before anything uses it. A body that does not
 * match is reported with the field and the value seen — never passed on as data.
 */
import {
  AutoscanConfig,
  BigKey,
  BigKeyTask,
  HotKey,
  KEY_TYPES,
  KeyType,
  ListBigKeyTasksResponse,
  MAX_DB,
  MAX_FREQ,
  MAX_KEYS_PER_SCAN,
  SCAN_TYPES,
  ScanKind,
  ScanTaskDetails,
  TASK_STATUSES,
} from './types';
import { show } from './validation';

/** ISO-8601 UTC as the API writes it; milliseconds optional for tolerance. */
const ISO_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?Z$/;

/** What in a body breaks the contract. `field` and `expected` name it without the value seen (the message has that). */
export class ResponseShapeError extends Error {
  constructor(
    message: string,
    readonly field = '',
    readonly expected = '',
  ) {
    super(message);
  }
}

/** A field with a bad value: the message shows the value (and the task), `field`/`expected` do not. */
function bad(field: string, value: unknown, expected: string, taskId?: string): ResponseShapeError {
  return new ResponseShapeError(`${field} is ${show(value)}${taskId ? ` (task ${taskId})` : ''}, not ${expected}`, field, expected);
}

/** The body as a JSON object, or a ResponseShapeError saying what it is instead. */
function parseObject(text: string): Record<string, unknown> {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new ResponseShapeError(`the body is not JSON (${text.length} bytes, starting ${show(text.slice(0, 40))})`);
  }
  if (!isObject(body)) throw bad('the body', JSON.stringify(body), 'an object');
  return body;
}

/**
 * A list page (`…/bigkey-tasks`, `…/hotkey-tasks`) for the instance asked for: another
 * instance's tasks (a misrouting proxy or cache, a server fault) would gate this one on someone
 * else's scans, so a page naming another instance, or none, is refused like the details' and
 * the settings' bodies.
 */
export function parseListResponse(text: string, instanceId: string): ListBigKeyTasksResponse {
  const body = parseObject(text);
  if (typeof body.instance_id !== 'string' || body.instance_id.toLowerCase() !== instanceId.toLowerCase()) throw bad('instance_id', body.instance_id, `the instance asked for (${instanceId})`);
  if (typeof body.count !== 'number' || !Number.isSafeInteger(body.count) || body.count < 0) throw bad('count', body.count, 'an integer >= 0');
  if (!Array.isArray(body.records)) throw bad('records', body.records, 'an array');
  return { instance_id: body.instance_id, count: body.count, records: body.records.map(parseTask) };
}

export function parseTask(value: unknown, index: number): BigKeyTask {
  return parseTaskAt(value, `records[${index}]`);
}

/** A task record at `at` (a field path for messages, e.g. `records[3]` or `the body`). */
function parseTaskAt(value: unknown, at: string): BigKeyTask {
  if (!isObject(value)) throw bad(at, JSON.stringify(value), 'an object');
  const { id, status, scan_type, created_at, started_at, finished_at } = value;
  if (typeof id !== 'string' || id === '') throw bad(field(at, 'id'), id, 'a task id');
  if (!(TASK_STATUSES as readonly unknown[]).includes(status)) throw bad(field(at, 'status'), status, `one of ${TASK_STATUSES.join(', ')}`, id);
  if (!(SCAN_TYPES as readonly unknown[]).includes(scan_type)) throw bad(field(at, 'scan_type'), scan_type, `one of ${SCAN_TYPES.join(', ')}`, id);
  if (!isTime(created_at)) throw bad(field(at, 'created_at'), created_at, 'an ISO-8601 UTC time', id);
  for (const [name, time] of [['started_at', started_at], ['finished_at', finished_at]] as const) {
    if (time !== undefined && time !== null && !isTime(time)) throw bad(field(at, name), time, 'an ISO-8601 UTC time or null', id);
  }
  const task: BigKeyTask = {
    id,
    status: status as BigKeyTask['status'],
    scan_type: scan_type as BigKeyTask['scan_type'],
    created_at: created_at as string,
    ...(started_at !== undefined ? { started_at: started_at as string | null } : {}),
    ...(finished_at !== undefined ? { finished_at: finished_at as string | null } : {}),
  };
  return task;
}

/** `records[3].status`, or `status` for fields of the body itself. */
function field(at: string, name: string): string {
  return at === 'the body' ? name : `${at}.${name}`;
}

/** Longest key name accepted: Redis allows more, but a name this long is not a real key (and would flood every report). */
export const MAX_KEY_NAME_LENGTH = 65_536;

/** `host:port` (IPv4, a host name, or a bracketed IPv6 address) with a port of 1-65535. */
const SHARD = /^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9.-]+):(\d{1,5})$/;

export interface DetailsExpectation {
  readonly kind: ScanKind;
  /** The task asked for: the body must describe it. */
  readonly taskId: string;
  /** The instance asked for: a body naming another is refused. */
  readonly instanceId: string;
}

/**
 * A task details body (`…/bigkey-task/{id}`, `…/hotkey-task/{id}`): the task record, `num` and
 * `keys`, each key checked (type and unit agree, sizes safe integers >= 0, db 0-255, shard
 * `ip:port`, a hot key's `freq` 0-255). `num` must equal the number of keys listed (keys the
 * caller cannot see could be over any limit), and at most 100 keys are kept per analysis.
 * A body for another task or instance is refused.
 */
export function parseDetailsResponse<K extends BigKey = BigKey>(text: string, expected: DetailsExpectation): ScanTaskDetails<K> {
  const body = parseObject(text);
  const task = parseTaskAt(body, 'the body');
  if (task.id !== expected.taskId) throw bad('id', task.id, `the task asked for (${expected.taskId})`);
  const { instance_id, num, keys: rawKeys } = body;
  if (instance_id !== undefined && instance_id !== null) {
    if (typeof instance_id !== 'string' || instance_id.toLowerCase() !== expected.instanceId.toLowerCase()) throw bad('instance_id', instance_id, `the instance asked for (${expected.instanceId})`, task.id);
  }
  let keyList: unknown[] = [];
  if (rawKeys !== undefined && rawKeys !== null) {
    if (!Array.isArray(rawKeys)) throw bad('keys', rawKeys, 'an array of keys', task.id);
    if (rawKeys.length > MAX_KEYS_PER_SCAN) throw bad('keys', `an array of ${rawKeys.length} keys`, `at most ${MAX_KEYS_PER_SCAN} keys (what an analysis keeps)`, task.id);
    keyList = rawKeys;
  }
  const keys = parseKeys(keyList, expected.kind, task.id, 'required') as K[];
  let count = keys.length;
  if (num !== undefined && num !== null) {
    if (typeof num !== 'number' || !Number.isSafeInteger(num) || num < 0) throw bad('num', num, 'an integer >= 0', task.id);
    if (num !== keys.length) throw bad('num', num, `the number of keys listed (${keys.length}): keys that are not listed could not be checked`, task.id);
    count = num;
  } else if (task.status === 'success') {
    throw bad('num', num, 'an integer >= 0 (a successful analysis says how many keys it found)', task.id);
  }
  return { ...task, ...(typeof instance_id === 'string' ? { instance_id } : {}), num: count, keys };
}

/**
 * The keys of a task, each checked (see parseDetailsResponse). `names`: `required` in API bodies;
 * `absent` where names were withheld (a snapshot recorded without key names must hold none).
 */
export function parseKeys(values: readonly unknown[], kind: ScanKind, taskId: string, names: 'required' | 'absent'): (BigKey | HotKey)[] {
  return values.map((key, i) => parseKey(key, `keys[${i}]`, kind, taskId, names));
}

/** One key of a details body. Messages never show the key's name (customer data), only its position. */
function parseKey(value: unknown, at: string, kind: ScanKind, taskId: string, names: 'required' | 'absent'): BigKey | HotKey {
  if (!isObject(value)) throw bad(at, JSON.stringify(value), 'an object', taskId);
  const { name, type, shard, db, size, unit, freq } = value;
  if (names === 'absent') {
    if (name !== undefined) throw new ResponseShapeError(`${at}.name is present (task ${taskId}), but key names were not to be kept`, `${at}.name`, 'absent (key names were not to be kept)');
  } else {
    if (typeof name !== 'string') throw bad(`${at}.name`, name, 'a string', taskId);
    if (name.length > MAX_KEY_NAME_LENGTH) throw bad(`${at}.name`, `a name of ${name.length} characters`, `at most ${MAX_KEY_NAME_LENGTH} characters`, taskId);
  }
  if (!(KEY_TYPES as readonly unknown[]).includes(type)) throw bad(`${at}.type`, type, `one of ${KEY_TYPES.join(', ')}`, taskId);
  const expectedUnit = type === 'string' ? 'byte' : 'count';
  if (unit !== expectedUnit) throw bad(`${at}.unit`, unit, `"${expectedUnit}" (the unit of a ${type as string} key)`, taskId);
  if (typeof size !== 'number' || !Number.isSafeInteger(size) || size < 0) throw bad(`${at}.size`, size, 'an integer >= 0', taskId);
  if (typeof db !== 'number' || !Number.isInteger(db) || db < 0 || db > MAX_DB) throw bad(`${at}.db`, db, `an integer from 0 to ${MAX_DB}`, taskId);
  let shardText: string | undefined;
  if (shard !== undefined && shard !== null && shard !== '') {
    const m = typeof shard === 'string' ? SHARD.exec(shard) : null;
    if (!m || Number(m[2]) < 1 || Number(m[2]) > 65_535) throw bad(`${at}.shard`, shard, 'an ip:port such as 192.168.0.12:6379 (or absent)', taskId);
    shardText = shard as string;
  }
  const key: BigKey = { ...(typeof name === 'string' ? { name } : {}), type: type as KeyType, ...(shardText !== undefined ? { shard: shardText } : {}), db, size, unit: expectedUnit };
  if (kind === 'bigkey') return key;
  if (typeof freq !== 'number' || !Number.isInteger(freq) || freq < 0 || freq > MAX_FREQ) throw bad(`${at}.freq`, freq, `an integer from 0 to ${MAX_FREQ} (the LFU counter of a hot key)`, taskId);
  return { ...key, freq };
}

/** `HH:mm`, 00:00 to 23:59: the UTC times of the automatic analysis schedule. */
export const SCHEDULE_TIME = /^([01]\d|2[0-3]):[0-5]\d$/;
/** Most schedule times accepted (one a minute). */
const MAX_SCHEDULE_TIMES = 1440;

/** An autoscan settings body (`…/bigkey/autoscan`, `…/hotkey/autoscan`), for the instance asked for. */
export function parseAutoscanResponse(text: string, instanceId: string): AutoscanConfig {
  return parseAutoscan(parseObject(text), instanceId);
}

/** Autoscan settings (a parsed body, or as a snapshot holds them), for the instance asked for. */
export function parseAutoscan(body: Record<string, unknown>, instanceId: string): AutoscanConfig {
  const { instance_id, enable_auto_scan, schedule_at, updated_at } = body;
  if (typeof instance_id !== 'string' || instance_id.toLowerCase() !== instanceId.toLowerCase()) throw bad('instance_id', instance_id, `the instance asked for (${instanceId})`);
  if (typeof enable_auto_scan !== 'boolean') throw bad('enable_auto_scan', enable_auto_scan, 'true or false');
  let times: string[] = [];
  if (schedule_at !== undefined && schedule_at !== null) {
    if (!Array.isArray(schedule_at)) throw bad('schedule_at', schedule_at, 'an array of HH:mm times');
    if (schedule_at.length > MAX_SCHEDULE_TIMES) throw bad('schedule_at', `an array of ${schedule_at.length} times`, `at most ${MAX_SCHEDULE_TIMES} times`);
    schedule_at.forEach((time, i) => {
      if (typeof time !== 'string' || !SCHEDULE_TIME.test(time)) throw bad(`schedule_at[${i}]`, time, 'a UTC time of day HH:mm such as "21:00"');
    });
    times = schedule_at as string[];
  }
  if (updated_at !== undefined && updated_at !== null && !isTime(updated_at)) throw bad('updated_at', updated_at, 'an ISO-8601 UTC time or null');
  return { instance_id, enable_auto_scan, schedule_at: times, ...(updated_at !== undefined ? { updated_at: updated_at as string | null } : {}) };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * An ISO-8601 UTC time that exists: JavaScript's parser rolls `2026-02-30` over to March 2 and
 * `T24:00` to the next day, which would reorder tasks, so the date and time read back must be
 * the ones written.
 */
export function isTime(value: unknown): value is string {
  if (typeof value !== 'string' || !ISO_UTC.test(value)) return false;
  const ms = Date.parse(value);
  return !Number.isNaN(ms) && new Date(ms).toISOString().slice(0, 19) === value.slice(0, 19);
}
