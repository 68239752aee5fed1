/**
 * A lookup: "the tasks of this instance (optionally of one status)", resolved from options and
 * the environment up front, so every bad value is reported before any request, and plain data
 * so it can cross to a worker thread.
 */
import { resolveMaxTasks } from '../client/client';
import { DcsConnectionOptions, resolveEndpointAndRegion, resolveProjectId } from '../client/connection';
import { Credentials, resolveCredentials } from '../client/credentials';
import { ProxySettings, resolveProxySettings } from '../client/proxy';
import { BigKeyTaskStatus } from '../client/types';
import { allowInsecureHttp, validateInstanceId, validateStatus } from '../client/validation';

export interface LookupOptions extends DcsConnectionOptions {
  readonly instanceId: string;
  readonly status?: BigKeyTaskStatus;
}

export interface LookupTarget {
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

/** The snapshot key of a lookup: project, instance and the status filter. */
export function lookupKey(target: LookupTarget): string {
  return `${target.projectId}/${target.instanceId}${target.status ? `?status=${target.status}` : ''}`;
}

export function resolveLookupTarget(options: LookupOptions, env: NodeJS.ProcessEnv): LookupTarget {
  const instanceId = validateInstanceId(options.instanceId, 'instanceId');
  const status = options.status === undefined ? undefined : validateStatus(options.status, 'status');
  return { instanceId, projectId: resolveProjectId(options, env), ...(status ? { status } : {}) };
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
