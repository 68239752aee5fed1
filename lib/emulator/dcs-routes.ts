/**
 * The emulated DCS cache analysis routes, under `/v2/{project_id}/instances/{instance_id}`
 * (route names in brackets, as fault rules select them):
 *   GET    …/bigkey-tasks?offset&limit&status   list (newest first)           [list]
 *   POST   …/bigkey-task                         create a manual task          [create]
 *   GET    …/bigkey-task/{id}                    task details (num, keys)      [show]
 *   DELETE …/bigkey-task/{id}                    delete                        [delete]
 *   GET    …/bigkey/autoscan                     automatic analysis settings   [autoscan]
 *   the same for hot keys: …/hotkey-tasks, …/hotkey-task[/{id}], …/hotkey/autoscan
 *                                                [hotkey_list, hotkey_create, hotkey_show, hotkey_delete, hotkey_autoscan]
 *
 * Order of checks, as a gateway in front of a service would do them: route → signature →
 * faults (latency, throttle, rate_limit, error, reset) → project/instance lookup → big key support →
 * parameters → the call itself → faults that corrupt or follow a served response.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { BigKeyTaskStatus, DEFAULT_PAGE_LIMIT, MAX_PAGE_LIMIT, ScanKind, TASK_STATUSES } from '../client/types';
import { RequestVerifier } from './auth';
import { DcsRouteName, FaultPlan, FaultSet, MalformedFault } from './faults';
import { Reply, authError, dcsError, injectedError, json, throttled } from './responses';
import { EmulatorStore, ListQuery, TaskSet } from './store';

/** What a route does, whichever kind of analysis it is for. */
export type DcsAction = 'list' | 'show' | 'create' | 'delete' | 'autoscan';

export interface DcsRoute {
  readonly name: DcsRouteName;
  readonly kind: ScanKind;
  readonly action: DcsAction;
  readonly projectId: string;
  readonly instanceId: string;
  readonly taskId?: string;
}

const ROUTE_PATTERN = /^\/v2\/([^/]+)\/instances\/([^/]+)\/(bigkey|hotkey)(-tasks|-task|\/autoscan)(?:\/([^/]+))?$/;

/** The route a method and wire path address, or undefined (→ 404 APIGW.0101). */
export function matchDcsRoute(method: string, pathname: string): DcsRoute | undefined {
  const m = ROUTE_PATTERN.exec(pathname);
  if (!m) return undefined;
  const [, project, instance, kindWord, collection, task] = m;
  const kind: ScanKind = kindWord === 'hotkey' ? 'hotkey' : 'bigkey';
  const route = (action: DcsAction, taskId?: string): DcsRoute => ({
    name: (kind === 'hotkey' ? `hotkey_${action}` : action) as DcsRouteName,
    kind,
    action,
    projectId: decode(project),
    instanceId: decode(instance),
    ...(taskId !== undefined ? { taskId: decode(taskId) } : {}),
  });
  if (collection === '/autoscan') return task === undefined && method === 'GET' ? route('autoscan') : undefined;
  if (collection === '-tasks') return task === undefined && method === 'GET' ? route('list') : undefined;
  if (task === undefined) return method === 'POST' ? route('create') : undefined;
  if (method === 'GET') return route('show', task);
  if (method === 'DELETE') return route('delete', task);
  return undefined;
}

function decode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

export interface DcsContext {
  readonly store: EmulatorStore;
  readonly faults: FaultSet;
  readonly verifier: RequestVerifier;
  readonly now: () => number;
  /** Waits `ms` (cut short when the server closes). */
  readonly sleep: (ms: number) => Promise<void>;
}

export interface DcsRequest {
  readonly route: DcsRoute;
  readonly requestId: string;
  readonly method: string;
  readonly pathname: string;
  readonly searchParams: URLSearchParams;
  readonly headers: IncomingHttpHeaders;
  readonly body: Buffer;
}

/** The reply, plus work to do once it has been sent (the `mutate` fault). */
export interface DcsOutcome {
  readonly reply: Reply;
  readonly afterSend?: () => void;
}

export async function handleDcsRequest(ctx: DcsContext, request: DcsRequest): Promise<DcsOutcome> {
  const { route, requestId } = request;
  const auth = ctx.verifier.verify(
    { method: request.method, path: request.pathname, query: queryValues(request.searchParams), headers: request.headers, body: request.body, projectId: route.projectId },
    ctx.now(),
  );
  if (!auth.ok) return { reply: authError(auth.reason, requestId) };

  const plan = ctx.faults.select({ instanceId: route.instanceId, route: route.name, accessKey: auth.accessKey });
  if (plan.latencyMs > 0) await ctx.sleep(plan.latencyMs);
  const outcome = plan.outcome;
  if (outcome?.kind === 'throttle' || outcome?.kind === 'rate_limit') return { reply: throttled(outcome.retry_after_s ?? 1, requestId) };
  if (outcome?.kind === 'error') return { reply: injectedError(outcome.status ?? 500, requestId, outcome.error_code, outcome.error_msg) };
  if (outcome?.kind === 'reset') return { reply: { kind: 'reset' } };
  if (outcome?.kind === 'redirect') return { reply: { kind: 'text', status: outcome.status ?? 302, text: '', headers: { Location: outcome.location ?? '' } } };
  if (outcome?.kind === 'huge') {
    const head = `{"instance_id":${JSON.stringify(route.instanceId)},"count":0,"records":[`;
    return { reply: { kind: 'stream', status: 200, bytes: outcome.mib * 1024 * 1024, head, tail: ']}', declareLength: outcome.length !== 'chunked' } };
  }

  const served = serve(ctx, request);
  const reply = outcome?.kind === 'malformed' ? corrupt(served.reply, outcome, route.kind) : outcome?.kind === 'bad_count' ? withCount(served.reply, outcome.value) : served.reply;
  return { reply, afterSend: served.listed && reply.kind === 'json' && reply.status === 200 ? mutations(ctx, plan, served.listed) : undefined };
}

function mutations(ctx: DcsContext, plan: FaultPlan, tasks: TaskSet): (() => void) | undefined {
  if (plan.mutations.length === 0) return undefined;
  return () => {
    for (const mutation of plan.mutations) tasks.mutate(ctx.now(), mutation.keep_count === true);
  };
}

/** The real answer; `listed` is set only for a served list page (the task set `mutate` acts on). */
function serve(ctx: DcsContext, request: DcsRequest): { reply: Reply; listed?: TaskSet } {
  const { route } = request;
  const project = ctx.store.project(route.projectId);
  if (!project) return { reply: dcsError(404, 'DCS.4004', `The project ${route.projectId} does not exist.`) };
  const instance = project.instances.get(route.instanceId);
  if (!instance) return { reply: dcsError(404, 'DCS.4004', `The instance ${route.instanceId} does not exist in project ${route.projectId}.`) };
  // An engine that cannot analyse: the documented DCS.4919 (the code of the hot key routes is not documented; the emulator answers the same).
  if (!instance.bigkeySupported) return { reply: dcsError(400, 'DCS.4919', `Does not support ${route.kind} analyze.`) };
  const now = ctx.now();
  const tasks = instance.tasks[route.kind];
  switch (route.action) {
    case 'list': {
      const query = parseListQuery(request.searchParams);
      if (typeof query === 'string') return { reply: dcsError(400, 'DCS.4000', query) };
      const page = tasks.list(query, now);
      return { reply: json(200, { instance_id: route.instanceId, count: page.count, records: page.records }), listed: tasks };
    }
    case 'create':
      return { reply: json(200, tasks.create(now)) };
    case 'show': {
      const details = instance.details(route.kind, route.taskId!, now);
      return { reply: details ? json(200, details) : taskNotFound(route) };
    }
    case 'delete':
      return { reply: tasks.delete(route.taskId!) ? json(204) : taskNotFound(route) };
    case 'autoscan':
      return { reply: json(200, instance.autoscan(route.kind)) };
  }
}

function taskNotFound(route: DcsRoute): Reply {
  return dcsError(404, 'DCS.4004', `The ${route.kind === 'hotkey' ? 'hot' : 'big'} key analysis task ${route.taskId} does not exist on instance ${route.instanceId}.`);
}

/**
 * Validates the list query as the API documents it (offset >= 0, limit 1–1000 default 10,
 * status one of four). Returns the error message naming the parameter and value when invalid.
 * Unknown parameters are ignored; a repeated parameter uses its first value.
 */
export function parseListQuery(params: URLSearchParams): ListQuery | string {
  const offsetText = params.get('offset');
  const limitText = params.get('limit');
  const statusText = params.get('status');
  let offset = 0;
  let limit = DEFAULT_PAGE_LIMIT;
  let status: BigKeyTaskStatus | undefined;
  if (offsetText !== null) {
    offset = /^\d{1,15}$/.test(offsetText) ? Number(offsetText) : Number.NaN;
    if (Number.isNaN(offset)) return invalidParameter('offset', offsetText, 'must be an integer >= 0');
  }
  if (limitText !== null) {
    limit = /^\d{1,15}$/.test(limitText) ? Number(limitText) : Number.NaN;
    if (Number.isNaN(limit) || limit < 1 || limit > MAX_PAGE_LIMIT) return invalidParameter('limit', limitText, `must be an integer from 1 to ${MAX_PAGE_LIMIT}`);
  }
  if (statusText !== null) {
    if (!(TASK_STATUSES as readonly string[]).includes(statusText)) return invalidParameter('status', statusText, `must be one of ${TASK_STATUSES.join(', ')}`);
    status = statusText as BigKeyTaskStatus;
  }
  return { offset, limit, status };
}

function invalidParameter(name: string, value: string, rule: string): string {
  return `Invalid ${name} parameter in the request: ${name}=${JSON.stringify(value)} ${rule}.`;
}

function queryValues(params: URLSearchParams): Record<string, string[]> {
  const query: Record<string, string[]> = {};
  params.forEach((value, key) => (query[key] ??= []).push(value));
  return query;
}

/**
 * The `malformed` fault. `truncated`: the real body cut in half (status kept, Content-Length
 * matching the cut body, so the client reads a complete but unparseable response).
 * `schema`: valid JSON, but the first record (or the task itself) gets a status outside the
 * documented four and loses `created_at`; autoscan settings get `"enable_auto_scan": "yes"`;
 * replies without a record pass through. `keys`: task details whose first key has size -1 (and,
 * for hot keys, freq 256), a key added when there is none; other replies pass through.
 */
function corrupt(reply: Reply, fault: MalformedFault, kind: ScanKind): Reply {
  if (reply.kind !== 'json' || reply.body === undefined) return reply;
  if (fault.mode === 'truncated') {
    const text = JSON.stringify(reply.body);
    return { kind: 'text', status: reply.status, text: text.slice(0, Math.max(1, Math.floor(text.length / 2))) };
  }
  if (reply.status !== 200) return reply;
  const body = reply.body as Record<string, unknown>;
  if (fault.mode === 'keys') {
    if (!Array.isArray(body.keys)) return reply;
    const keys = [...(body.keys as Record<string, unknown>[])];
    const first = keys[0] ?? { name: 'injected:bad:key', type: 'string', db: 0, unit: 'byte' };
    keys[0] = { ...first, size: -1, ...(kind === 'hotkey' ? { freq: 256 } : {}) };
    return json(200, { ...body, num: keys.length, keys });
  }
  if (typeof body.enable_auto_scan === 'boolean') return json(200, { ...body, enable_auto_scan: 'yes' });
  if (Array.isArray(body.records)) {
    const records = [...(body.records as Record<string, unknown>[])];
    records[0] = breakRecord(records[0] ?? { id: randomUUID(), scan_type: 'auto', created_at: '' });
    return json(200, { ...body, records });
  }
  return typeof body.id === 'string' ? json(200, breakRecord(body)) : reply;
}

/** The `bad_count` fault: a served list page with `count` replaced; other replies pass through. */
function withCount(reply: Reply, count: number): Reply {
  if (reply.kind !== 'json' || reply.status !== 200 || !Array.isArray((reply.body as { records?: unknown })?.records)) return reply;
  return json(200, { ...(reply.body as object), count });
}

function breakRecord(record: Record<string, unknown>): Record<string, unknown> {
  const { created_at: _dropped, ...rest } = record;
  return { ...rest, status: 'paused' };
}
