/**
 * Input checks that run before any request. Each error names the bad value and what is allowed.
 */
import { DcsConfigError } from './errors';
import { ListBigKeyTasksQuery, MAX_PAGE_LIMIT, TASK_STATUSES, BigKeyTaskStatus } from './types';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const PROJECT_ID = /^[0-9a-f]{32}$/i;

export function validateInstanceId(value: unknown, name = 'instance id'): string {
  if (typeof value !== 'string' || !UUID.test(value)) {
    throw new DcsConfigError(`invalid ${name} ${show(value)}: expected a DCS instance id, a UUID such as 5560df16-cebf-4473-95c4-d1b573c16e79`);
  }
  return value;
}

export function validateProjectId(value: unknown, name = 'project id'): string {
  if (typeof value !== 'string' || !PROJECT_ID.test(value)) {
    throw new DcsConfigError(`invalid ${name} ${show(value)}: expected 32 hexadecimal characters (the project id of the region, shown under "My Credentials > API Credentials")`);
  }
  return value;
}

export function validateStatus(value: unknown, name = 'status'): BigKeyTaskStatus {
  if (typeof value !== 'string' || !(TASK_STATUSES as readonly string[]).includes(value)) {
    throw new DcsConfigError(`invalid ${name} ${show(value)}: expected one of ${TASK_STATUSES.join(', ')}`);
  }
  return value as BigKeyTaskStatus;
}

export function validateLimit(value: unknown, name = 'limit'): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > MAX_PAGE_LIMIT) {
    throw new DcsConfigError(`invalid ${name} ${show(value)}: expected an integer from 1 to ${MAX_PAGE_LIMIT}`);
  }
  return value;
}

export function validateOffset(value: unknown, name = 'offset'): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) {
    throw new DcsConfigError(`invalid ${name} ${show(value)}: expected an integer >= 0`);
  }
  return value;
}

export function validateQuery(query: ListBigKeyTasksQuery): ListBigKeyTasksQuery {
  if (query.offset !== undefined) validateOffset(query.offset);
  if (query.limit !== undefined) validateLimit(query.limit);
  if (query.status !== undefined) validateStatus(query.status);
  return query;
}

/** An http(s) base URL with no path beyond `/`, no query, no user info. */
export function validateEndpoint(value: unknown, name = 'endpoint'): URL {
  let url: URL | undefined;
  try {
    url = typeof value === 'string' ? new URL(value) : undefined;
  } catch {
    url = undefined;
  }
  const fix = 'expected a base URL such as https://dcs.cn-north-4.myhuaweicloud.com or http://127.0.0.1:8080';
  if (!url || (url.protocol !== 'https:' && url.protocol !== 'http:')) throw new DcsConfigError(`invalid ${name} ${show(value)}: ${fix}`);
  if (url.username || url.password) throw new DcsConfigError(`invalid ${name}: it must not contain user info; pass credentials as access and secret keys. ${fix}`);
  if (url.search || url.hash || (url.pathname !== '/' && url.pathname !== '')) {
    throw new DcsConfigError(`invalid ${name} ${show(value)}: it must have no path, query or fragment; ${fix}`);
  }
  return url;
}

export function validatePositiveInteger(value: unknown, name: string, max = Number.MAX_SAFE_INTEGER): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > max) {
    throw new DcsConfigError(`invalid ${name} ${show(value)}: expected an integer from 1 to ${max}`);
  }
  return value;
}

/** Shows a value in an error message: strings quoted, long ones cut. */
export function show(value: unknown): string {
  if (value === undefined) return '(missing)';
  const text = typeof value === 'string' ? JSON.stringify(value) : String(value);
  return text.length > 80 ? text.slice(0, 77) + '..."' : text;
}
