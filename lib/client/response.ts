/**
 * Checks a 2xx body against the API contract before anything uses it. A body that does not
 * match is reported with the field and the value seen — never passed on as data.
 */
import { BigKeyTask, ListBigKeyTasksResponse, SCAN_TYPES, TASK_STATUSES } from './types';
import { show } from './validation';

/** ISO-8601 UTC as the API writes it; milliseconds optional for tolerance. */
const ISO_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?Z$/;

export class ResponseShapeError extends Error {}

export function parseListResponse(text: string): ListBigKeyTasksResponse {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new ResponseShapeError(`the body is not JSON (${text.length} bytes, starting ${show(text.slice(0, 40))})`);
  }
  if (!isObject(body)) throw new ResponseShapeError(`the body is ${show(JSON.stringify(body))}, not an object`);
  if (typeof body.instance_id !== 'string') throw new ResponseShapeError(`instance_id is ${show(body.instance_id)}, not a string`);
  if (typeof body.count !== 'number' || !Number.isInteger(body.count) || body.count < 0) {
    throw new ResponseShapeError(`count is ${show(body.count)}, not an integer >= 0`);
  }
  if (!Array.isArray(body.records)) throw new ResponseShapeError(`records is ${show(body.records)}, not an array`);
  return { instance_id: body.instance_id, count: body.count, records: body.records.map(parseTask) };
}

export function parseTask(value: unknown, index: number): BigKeyTask {
  const at = `records[${index}]`;
  if (!isObject(value)) throw new ResponseShapeError(`${at} is ${show(JSON.stringify(value))}, not an object`);
  const { id, status, scan_type, created_at, started_at, finished_at } = value;
  if (typeof id !== 'string' || id === '') throw new ResponseShapeError(`${at}.id is ${show(id)}, not a task id`);
  if (!(TASK_STATUSES as readonly unknown[]).includes(status)) {
    throw new ResponseShapeError(`${at}.status is ${show(status)} (task ${id}), not one of ${TASK_STATUSES.join(', ')}`);
  }
  if (!(SCAN_TYPES as readonly unknown[]).includes(scan_type)) {
    throw new ResponseShapeError(`${at}.scan_type is ${show(scan_type)} (task ${id}), not one of ${SCAN_TYPES.join(', ')}`);
  }
  if (!isTime(created_at)) throw new ResponseShapeError(`${at}.created_at is ${show(created_at)} (task ${id}), not an ISO-8601 UTC time`);
  for (const [name, time] of [['started_at', started_at], ['finished_at', finished_at]] as const) {
    if (time !== undefined && time !== null && !isTime(time)) {
      throw new ResponseShapeError(`${at}.${name} is ${show(time)} (task ${id}), not an ISO-8601 UTC time or null`);
    }
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
