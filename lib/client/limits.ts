/**
 * The client's size limits and how they are configured: a module of its own, with nothing to
 * load, because a synth's app thread checks them (into the lookup request it hands the worker)
 * without ever loading the client and its HTTP stack.
 */
import { validatePositiveInteger } from './validation';

/** The default of `maxTasks`: far above what an instance keeps, far below what would exhaust memory. */
export const DEFAULT_MAX_TASKS = 100_000;
export const MAX_TASKS_ENV = 'DCS_BIGKEY_MAX_TASKS';
/** Largest maxTasks accepted: ten million tasks already need gigabytes. */
const MAX_TASKS_LIMIT = 10_000_000;

export const DEFAULT_MAX_RESPONSE_BYTES = 16 * 1024 * 1024;
export const MAX_RESPONSE_BYTES_LIMIT = 1024 * 1024 * 1024;

/** maxTasks from the option, else DCS_BIGKEY_MAX_TASKS, else the default; checked. */
export function resolveMaxTasks(option: unknown, env: NodeJS.ProcessEnv): number {
  if (option !== undefined) return validatePositiveInteger(option, 'maxTasks', MAX_TASKS_LIMIT);
  const raw = env[MAX_TASKS_ENV];
  if (raw === undefined || raw === '') return DEFAULT_MAX_TASKS;
  return validatePositiveInteger(/^\d{1,9}$/.test(raw) ? Number(raw) : raw, MAX_TASKS_ENV, MAX_TASKS_LIMIT);
}
