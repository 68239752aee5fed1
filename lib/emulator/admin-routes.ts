/**
 * The admin API under `/_emulator` (no signature; JSON in and out), for tests to set up data
 * and faults at run time and to read what the client did:
 *
 *   GET    /_emulator/health                    → EmulatorHealth
 *   GET    /_emulator/faults                    → { faults: FaultState[] }
 *   POST   /_emulator/faults                    body: a fault rule or an array → { ids }
 *   DELETE /_emulator/faults                    → { removed }
 *   DELETE /_emulator/faults/{id}               → { removed: 1 } | 404
 *   PUT    /_emulator/instances/{instance_id}   body: { project_id, name?, bigkey_supported?,
 *                                                 lifecycle?, tasks?, generate?, hotkey_tasks?,
 *                                                 hotkey_generate?, bigkey_autoscan?,
 *                                                 hotkey_autoscan? } → InstanceSummary
 *                                                 (creates or replaces the instance)
 *   DELETE /_emulator/instances/{instance_id}   → { deleted: true } | 404
 *   GET    /_emulator/stats                     → EmulatorStats
 *   POST   /_emulator/stats/reset               → { reset: true }
 *
 * Errors: 400/404/405 with `{ error_code: "EMU.xxx", error_msg }`.
 */
import type { EmulatorHealth, InstanceSummary } from './admin-types';
import { validatePutInstanceBody } from './data-file';
import { FaultSet, validateFaults } from './faults';
import { Reply, json } from './responses';
import { StatsRecorder } from './stats';
import { EmulatorStore } from './store';
import { EmulatorDataError, UUID_PATTERN } from './validate';

export const ADMIN_PREFIX = '/_emulator';

export interface AdminContext {
  readonly store: EmulatorStore;
  readonly faults: FaultSet;
  readonly stats: StatsRecorder;
  readonly startedMs: number;
}

export function handleAdminRequest(ctx: AdminContext, method: string, pathname: string, body: Buffer): Reply {
  const parts = pathname.slice(ADMIN_PREFIX.length).split('/').filter(Boolean);
  try {
    switch (parts[0]) {
      case 'health':
        if (parts.length !== 1) break;
        return method === 'GET' ? json(200, health(ctx)) : notAllowed(method, pathname);
      case 'faults':
        return faultsRoute(ctx, method, pathname, parts, body);
      case 'instances':
        return instancesRoute(ctx, method, pathname, parts, body);
      case 'stats':
        if (parts.length === 1) return method === 'GET' ? json(200, ctx.stats.snapshot()) : notAllowed(method, pathname);
        if (parts.length === 2 && parts[1] === 'reset') {
          if (method !== 'POST') return notAllowed(method, pathname);
          ctx.stats.reset();
          return json(200, { reset: true });
        }
        break;
    }
  } catch (error) {
    if (error instanceof EmulatorDataError) return adminError(400, 'EMU.400', error.message);
    throw error;
  }
  return adminError(404, 'EMU.404', `No admin route ${method} ${pathname}`);
}

function health(ctx: AdminContext): EmulatorHealth {
  return { status: 'ok', ...ctx.store.summary(), faults: ctx.faults.size, uptime_ms: Date.now() - ctx.startedMs };
}

function faultsRoute(ctx: AdminContext, method: string, pathname: string, parts: string[], body: Buffer): Reply {
  if (parts.length === 1) {
    if (method === 'GET') return json(200, { faults: ctx.faults.list() });
    if (method === 'POST') return json(200, { ids: ctx.faults.add(validateFaults(parseBody(body), 'body')) });
    if (method === 'DELETE') return json(200, { removed: ctx.faults.clear() });
    return notAllowed(method, pathname);
  }
  if (parts.length === 2) {
    if (method !== 'DELETE') return notAllowed(method, pathname);
    return ctx.faults.remove(parts[1]) ? json(200, { removed: 1 }) : adminError(404, 'EMU.404', `No fault ${parts[1]}`);
  }
  return adminError(404, 'EMU.404', `No admin route ${method} ${pathname}`);
}

function instancesRoute(ctx: AdminContext, method: string, pathname: string, parts: string[], body: Buffer): Reply {
  if (parts.length !== 2) return adminError(404, 'EMU.404', `No admin route ${method} ${pathname}`);
  const instanceId = parts[1];
  if (!UUID_PATTERN.test(instanceId)) return adminError(400, 'EMU.400', `instance id must be a lowercase UUID (got ${JSON.stringify(instanceId)})`);
  if (method === 'PUT') {
    const { project_id, ...data } = validatePutInstanceBody(parseBody(body));
    const state = ctx.store.putInstance(project_id, instanceId, data);
    const summary: InstanceSummary = { project_id, instance_id: instanceId, name: state.name, bigkey_supported: state.bigkeySupported, task_count: state.taskCount, hotkey_task_count: state.tasks.hotkey.count };
    return json(200, summary);
  }
  if (method === 'DELETE') {
    return ctx.store.deleteInstance(instanceId) ? json(200, { deleted: true }) : adminError(404, 'EMU.404', `No instance ${instanceId}`);
  }
  return notAllowed(method, pathname);
}

function parseBody(body: Buffer): unknown {
  try {
    return JSON.parse(body.toString('utf8'));
  } catch (error) {
    throw new EmulatorDataError('', `the request body is not valid JSON (${(error as Error).message})`, 'admin request');
  }
}

function notAllowed(method: string, pathname: string): Reply {
  return adminError(405, 'EMU.405', `Method ${method} is not allowed on ${pathname}`);
}

function adminError(status: number, error_code: string, error_msg: string): Reply {
  return json(status, { error_code, error_msg });
}
