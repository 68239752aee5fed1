/**
 * Checks a 2xx body against the API contract before anything uses it. A body that does not
 * match is reported with the field and the value seen — never passed on as data.
 */
import { BigKeyTask, ListBigKeyTasksResponse, SCAN_TYPES, TASK_STATUSES } from './types';
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

export function parseListResponse(text: string): ListBigKeyTasksResponse {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new ResponseShapeError(`the body is not JSON (${text.length} bytes, starting ${show(text.slice(0, 40))})`);
  }
  if (!isObject(body)) throw bad('the body', JSON.stringify(body), 'an object');
  if (typeof body.instance_id !== 'string') throw bad('instance_id', body.instance_id, 'a string');
  if (typeof body.count !== 'number' || !Number.isSafeInteger(body.count) || body.count < 0) throw bad('count', body.count, 'an integer >= 0');
  if (!Array.isArray(body.records)) throw bad('records', body.records, 'an array');
  return { instance_id: body.instance_id, count: body.count, records: body.records.map(parseTask) };
}

export function parseTask(value: unknown, index: number): BigKeyTask {
  const at = `records[${index}]`;
  if (!isObject(value)) throw bad(at, JSON.stringify(value), 'an object');
  const { id, status, scan_type, created_at, started_at, finished_at } = value;
  if (typeof id !== 'string' || id === '') throw bad(`${at}.id`, id, 'a task id');
  if (!(TASK_STATUSES as readonly unknown[]).includes(status)) throw bad(`${at}.status`, status, `one of ${TASK_STATUSES.join(', ')}`, id);
  if (!(SCAN_TYPES as readonly unknown[]).includes(scan_type)) throw bad(`${at}.scan_type`, scan_type, `one of ${SCAN_TYPES.join(', ')}`, id);
  if (!isTime(created_at)) throw bad(`${at}.created_at`, created_at, 'an ISO-8601 UTC time', id);
  for (const [name, time] of [['started_at', started_at], ['finished_at', finished_at]] as const) {
    if (time !== undefined && time !== null && !isTime(time)) throw bad(`${at}.${name}`, time, 'an ISO-8601 UTC time or null', id);
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

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isTime(value: unknown): value is string {
  return typeof value === 'string' && ISO_UTC.test(value) && !Number.isNaN(Date.parse(value));
}
