/**
 * A lookup: "the big key (or hot key) analysis tasks of this instance (optionally of one
 * status), and, when asked, the keys of its latest successful analysis and its automatic
 * analysis settings", resolved from options and the environment up front, so every bad value is
 * reported before any request, and plain data so it can cross to a worker thread. Each kind of
 * lookup has its provider (providers.ts), which knows its snapshot key, its fetch and its
 * snapshot entry.
 */
import { resolveMaxTasks } from '../client/limits';
import { DcsConnectionOptions, resolveEndpointAndRegion, resolveProjectId } from '../client/connection';
import { Credentials, resolveCredentials } from '../client/credentials';
import { ProxySettings, resolveProxySettings } from '../client/proxy';
import { DcsConfigError } from '../client/errors';
import { BigKeyTaskStatus } from '../client/types';
import { allowInsecureHttp, show, validateInstanceId, validateStatus } from '../client/validation';
import { providerOf } from './providers';

/** The kinds of lookup, one provider each (providers.ts): the task lists of the two kinds of analysis. */
export const LOOKUP_KINDS = ['bigkey-tasks', 'hotkey-tasks'] as const;
export type LookupKind = (typeof LOOKUP_KINDS)[number];

/** What a lookup reads besides the task list. */
export interface LookupParts {
  /** The kind of lookup. @default 'bigkey-tasks' */
  readonly kind?: LookupKind;
  /** Read the keys of the latest successful task (one more request). @default false */
  readonly keys?: boolean;
  /** Keep the keys' names (customer data); without it they are dropped where they are read. @default false */
  readonly keyNames?: boolean;
  /** Read the automatic analysis settings (one more request, sent with the list). @default false */
  readonly autoscan?: boolean;
}

export interface LookupOptions extends DcsConnectionOptions, LookupParts {
  readonly instanceId: string;
  readonly status?: BigKeyTaskStatus;
}

export interface LookupTarget extends LookupParts {
  readonly instanceId: string;
  readonly projectId: string;
  readonly status?: BigKeyTaskStatus;
}

export interface LookupRequest extends LookupTarget {
  readonly endpoint: string;
  /** The region the endpoint was derived from, when it was; recorded in snapshots for refresh. */
  readonly region?: string;
  readonly credentials: Credentials;
  /** Client settings read from the environment where the lookup was made, checked there. @default read from process.env by lookupMany */
  readonly client?: LookupClientSettings;
}

/** What a lookup's client takes from the environment, as plain data (it crosses to the worker thread). */
export interface LookupClientSettings {
  readonly proxy: ProxySettings;
  /** DCS_BIGKEY_ALLOW_INSECURE_HTTP=1 */
  readonly allowInsecureHttp: boolean;
  /** DCS_BIGKEY_MAX_TASKS, else the default. */
  readonly maxTasks: number;
}

/** Reads and checks the client settings of the environment (DcsConfigError naming the variable). */
export function clientSettingsFromEnv(env: NodeJS.ProcessEnv): LookupClientSettings {
  return { proxy: resolveProxySettings(env), allowInsecureHttp: allowInsecureHttp(undefined, env), maxTasks: resolveMaxTasks(undefined, env) };
}

/** The snapshot key of a lookup (see its provider): project, instance, status filter and what it reads. */
export function lookupKey(target: LookupTarget): string {
  return providerOf(target.kind).key(target);
}

/** The target of a request: what identifies the lookup, without where it is sent or how it is signed. */
export function targetOf(request: LookupTarget): LookupTarget {
  const { instanceId, projectId, status, kind, keys, keyNames, autoscan } = request;
  return { instanceId, projectId, ...(status ? { status } : {}), ...partsOf({ kind, keys, keyNames, autoscan }) };
}

/** The parts set, only: a target without the defaults written out (so equal lookups are equal data). */
export function partsOf(parts: LookupParts): LookupParts {
  return {
    ...(parts.kind !== undefined && parts.kind !== 'bigkey-tasks' ? { kind: parts.kind } : {}),
    ...(parts.keys ? { keys: true } : {}),
    ...(parts.keys && parts.keyNames ? { keyNames: true } : {}),
    ...(parts.autoscan ? { autoscan: true } : {}),
  };
}

export function resolveLookupTarget(options: LookupOptions, env: NodeJS.ProcessEnv): LookupTarget {
  const instanceId = validateInstanceId(options.instanceId, 'instanceId');
  const status = options.status === undefined ? undefined : validateStatus(options.status, 'status');
  if (options.kind !== undefined && !(LOOKUP_KINDS as readonly string[]).includes(options.kind)) {
    throw new DcsConfigError(`invalid lookup kind ${show(options.kind)}: expected one of ${LOOKUP_KINDS.join(', ')}`);
  }
  return { instanceId, projectId: resolveProjectId(options, env), ...(status ? { status } : {}), ...partsOf(options) };
}

export function resolveLookupRequest(options: LookupOptions, env: NodeJS.ProcessEnv): LookupRequest {
  const target = resolveLookupTarget(options, env);
  // Only the environment allows insecure http:// here (as in the worker's client, which gets `client` below).
  const { endpoint, region } = resolveEndpointAndRegion({ endpoint: options.endpoint, region: options.region }, env);
  const { accessKey, secretKey, securityToken } = resolveCredentials(options, env);
  return {
    ...target,
    endpoint: endpoint.origin,
    ...(region ? { region } : {}),
    credentials: { accessKey, secretKey, ...(securityToken ? { securityToken } : {}) },
    client: clientSettingsFromEnv(env),
  };
}
