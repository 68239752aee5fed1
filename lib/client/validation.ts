/**
 * Input checks that run before any request. Each error names the bad value and what is allowed.
 */
import { DcsConfigError } from './errors';
import { ListBigKeyTasksQuery, MAX_PAGE_LIMIT, TASK_STATUSES, BigKeyTaskStatus } from './types';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const PROJECT_ID = /^[0-9a-f]{32}$/i;

/** A DCS instance id (a UUID), normalised to lower case (the API knows ids in lower case only). */
export function validateInstanceId(value: unknown, name = 'instance id'): string {
  if (typeof value !== 'string' || !UUID.test(value)) {
    throw new DcsConfigError(`invalid ${name} ${show(value)}: expected a DCS instance id, a UUID such as 5560df16-cebf-4473-95c4-d1b573c16e79`);
  }
  return value.toLowerCase();
}

/** A project id (32 hex characters), normalised to lower case like instance ids. */
export function validateProjectId(value: unknown, name = 'project id'): string {
  if (typeof value !== 'string' || !PROJECT_ID.test(value)) {
    throw new DcsConfigError(`invalid ${name} ${show(value)}: expected 32 hexadecimal characters (the project id of the region, shown under "My Credentials > API Credentials")`);
  }
  return value.toLowerCase();
}

/** Letters, digits and `-`, as task ids are (UUIDs): safe in a URL path as they are. */
const TASK_ID = /^[A-Za-z0-9-]{1,64}$/;

/** A task id (a UUID in practice), kept as given: it goes into the request path. */
export function validateTaskId(value: unknown, name = 'task id'): string {
  if (typeof value !== 'string' || !TASK_ID.test(value)) {
    throw new DcsConfigError(`invalid ${name} ${show(value)}: expected a task id such as 858ee14c-2271-4489-8b82-7bda7459ae3e (letters, digits and -, at most 64 characters)`);
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

/** Set to 1 to allow http:// endpoints beyond loopback hosts (a trusted network); 0 or unset: refused. */
export const ALLOW_INSECURE_HTTP_ENV = 'DCS_BIGKEY_ALLOW_INSECURE_HTTP';

/** Whether plain http:// may go beyond loopback: the option when given, else the environment variable. */
export function allowInsecureHttp(option: unknown, env: NodeJS.ProcessEnv): boolean {
  if (option !== undefined) return validateBoolean(option, 'allowInsecureHttp');
  const raw = env[ALLOW_INSECURE_HTTP_ENV];
  if (raw === undefined || raw === '' || raw === '0') return false;
  if (raw === '1') return true;
  throw new DcsConfigError(`invalid ${ALLOW_INSECURE_HTTP_ENV} ${show(raw)}: expected 1 (allow http:// endpoints beyond loopback hosts) or 0`);
}

/** 127.0.0.0/8, ::1 and localhost: the only hosts plain http:// goes to unless allowed. */
export function isLoopbackHost(hostname: string): boolean {
  return hostname === 'localhost' || hostname === '[::1]' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(hostname);
}

/**
 * An http(s) base URL with no path beyond `/`, no query, no user info. Plain http:// only to a
 * loopback host unless `allowInsecureHttp`: signed requests (and a security token) must not
 * cross a network in clear text because a fleet file or a variable said so.
 */
export function validateEndpoint(value: unknown, name = 'endpoint', options: { readonly allowInsecureHttp?: boolean } = {}): URL {
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
  if (url.protocol === 'http:' && !isLoopbackHost(url.hostname) && options.allowInsecureHttp !== true) {
    throw new DcsConfigError(
      `invalid ${name} ${show(url.origin)}: http:// would send signed requests (and any security token) in clear text; ` +
        `use https://, or on a network you trust set ${ALLOW_INSECURE_HTTP_ENV}=1 (client option allowInsecureHttp: true). ` +
        'without it http:// is allowed only to loopback hosts (127.0.0.0/8, ::1, localhost)',
    );
  }
  return url;
}

export function validatePositiveInteger(value: unknown, name: string, max = Number.MAX_SAFE_INTEGER): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > max) {
    throw new DcsConfigError(`invalid ${name} ${show(value)}: expected an integer from 1 to ${max}`);
  }
  return value;
}

/**
 * An integer >= 1 from the environment variable `name`; unset or empty (as for every variable of
 * the library): `fallback`. Anything else is a DcsConfigError naming the variable and the value.
 */
export function positiveIntegerFromEnv(env: NodeJS.ProcessEnv, name: string, fallback: number, expected = 'an integer >= 1'): number {
  const raw = env[name];
  const value = raw === undefined || raw === '' ? fallback : Number(raw);
  if (!Number.isInteger(value) || value < 1) throw new DcsConfigError(`invalid ${name} ${show(raw)}: expected ${expected}`);
  return value;
}

export function validateBoolean(value: unknown, name: string): boolean {
  if (typeof value !== 'boolean') throw new DcsConfigError(`invalid ${name} ${show(value)}: expected true or false`);
  return value;
}

/** Shows a value in an error message: strings quoted, long ones cut. */
export function show(value: unknown): string {
  if (value === undefined) return '(missing)';
  if (value === null) return 'null';
  // Objects by kind only: their contents could be anything (and String() of some throws).
  if (typeof value === 'object') return Array.isArray(value) ? 'an array' : 'an object';
  if (typeof value === 'function') return 'a function';
  const text = typeof value === 'string' ? JSON.stringify(value) : String(value);
  return text.length > 80 ? text.slice(0, 77) + '..."' : text;
}
