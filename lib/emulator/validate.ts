/**
 * Tiny validation helpers shared by the data-file loader, the fault rules and the admin API.
 *
 * Every failure names the offending field with a path (`projects["…"].instances["…"].tasks[3].status`)
 * and shows the bad value, because the person reading the error is usually editing a JSON file
 * by hand and needs to find the line.
 */

/** A value in emulator data (data file, admin request body or fault rule) that is not valid. */
export class EmulatorDataError extends Error {
  constructor(
    /** Path of the bad field, e.g. `projects["0b6b…"].instances["5560…"].lifecycle.waiting_ms`. */
    readonly field: string,
    /** What is wrong with it, without the field path. */
    readonly problem: string,
    /** Where the data came from (a file name, `admin request`), when known. */
    readonly source?: string,
  ) {
    super(`${source ? `invalid emulator data in ${source}: ` : 'invalid emulator data: '}${field ? `${field} ${problem}` : problem}`);
    this.name = 'EmulatorDataError';
  }
}

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Path of a child field: `a.b` for identifier-like keys, `a["0b6b…"]` for ids and other keys. */
export function childPath(path: string, key: string | number): string {
  if (typeof key === 'number') return `${path}[${key}]`;
  if (/^[A-Za-z_][A-Za-z0-9_]*$/.test(key)) return path ? `${path}.${key}` : key;
  return `${path}[${JSON.stringify(key)}]`;
}

/** Path of an entry of a map keyed by ids (projects, instances): always `a["key"]`. */
export function entryPath(path: string, key: string): string {
  return `${path}[${JSON.stringify(key)}]`;
}

/** Short rendering of a bad value for an error message. */
export function show(value: unknown): string {
  if (value === undefined) return 'nothing';
  let text: string;
  try {
    text = JSON.stringify(value) ?? String(value);
  } catch {
    text = String(value);
  }
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

export function fail(field: string, problem: string): never {
  throw new EmulatorDataError(field, problem);
}

export function expectObject(value: unknown, field: string): Record<string, unknown> {
  if (!isPlainObject(value)) fail(field, `must be an object (got ${show(value)})`);
  return value;
}

/**
 * Rejects keys outside `allowed`: a typo such as `bigkey_suported` would otherwise be ignored
 * silently and the emulator would behave unlike what the file's author meant.
 * Keys starting with `$` (`$schema`, `$comment`) are allowed everywhere for annotations.
 */
export function expectKeys(value: Record<string, unknown>, allowed: readonly string[], field: string): void {
  for (const key of Object.keys(value)) {
    if (key.startsWith('$')) continue;
    if (!allowed.includes(key)) fail(childPath(field, key), `is not a known field (known: ${allowed.join(', ')})`);
  }
}

export function expectString(value: unknown, field: string): string {
  if (typeof value !== 'string' || value.length === 0) fail(field, `must be a non-empty string (got ${show(value)})`);
  return value;
}

export function expectBoolean(value: unknown, field: string): boolean {
  if (typeof value !== 'boolean') fail(field, `must be true or false (got ${show(value)})`);
  return value;
}

export function expectInteger(value: unknown, field: string, min: number, max = Number.MAX_SAFE_INTEGER): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    fail(field, `must be an integer from ${min} to ${max} (got ${show(value)})`);
  }
  return value;
}

export function expectNumber(value: unknown, field: string, check: (n: number) => boolean, expectation: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || !check(value)) fail(field, `must be ${expectation} (got ${show(value)})`);
  return value;
}

export function expectOneOf<T extends string>(value: unknown, allowed: readonly T[], field: string): T {
  if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) {
    fail(field, `must be one of ${allowed.join(', ')} (got ${show(value)})`);
  }
  return value as T;
}

/** ISO-8601 UTC with milliseconds, the only timestamp form the API emits. */
const API_TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

/** An API timestamp (`2026-11-28T02:00:00.000Z`); returns its epoch milliseconds. */
export function expectTimestamp(value: unknown, field: string): number {
  const ms = typeof value === 'string' && API_TIMESTAMP.test(value) ? Date.parse(value) : Number.NaN;
  if (Number.isNaN(ms) || new Date(ms).toISOString() !== value) {
    fail(field, `must be an ISO-8601 UTC timestamp with milliseconds like "2026-11-28T02:00:00.000Z" (got ${show(value)})`);
  }
  return ms;
}

export const PROJECT_ID_PATTERN = /^[0-9a-f]{32}$/;
export const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export function expectProjectId(value: unknown, field: string): string {
  if (typeof value !== 'string' || !PROJECT_ID_PATTERN.test(value)) {
    fail(field, `must be a project id of 32 lowercase hex characters (got ${show(value)})`);
  }
  return value;
}

export function expectUuid(value: unknown, field: string, what: string): string {
  if (typeof value !== 'string' || !UUID_PATTERN.test(value)) {
    fail(field, `must be ${what} shaped like a lowercase UUID, e.g. "5560df16-cebf-4473-95c4-d1b573c16e79" (got ${show(value)})`);
  }
  return value;
}
