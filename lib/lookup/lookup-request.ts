/**
 * A lookup: "the tasks of this instance (optionally of one status)", resolved from options and
 * the environment up front, so every bad value is reported before any request, and plain data
 * so it can cross to a worker thread.
 */
import { DcsConnectionOptions, resolveEndpointAndRegion, resolveProjectId } from '../client/connection';
import { Credentials, resolveCredentials } from '../client/credentials';
import { BigKeyTaskStatus } from '../client/types';
import { validateInstanceId, validateStatus } from '../client/validation';

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
  const { endpoint, region } = resolveEndpointAndRegion(options, env);
  const { accessKey, secretKey, securityToken } = resolveCredentials(options, env);
  return {
    ...target,
    endpoint: endpoint.origin,
    ...(region ? { region } : {}),
    credentials: { accessKey, secretKey, ...(securityToken ? { securityToken } : {}) },
  };
}
