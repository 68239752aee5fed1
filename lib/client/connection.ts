/**
 * Resolves where to send requests and as whom, from explicit options first and then the
 * environment variables users already have for Huawei Cloud.
 */
import { CredentialOptions, ResolvedCredentials, resolveCredentials } from './credentials';
import { endpointForRegion } from './endpoint';
import { DcsConfigError } from './errors';
import { allowInsecureHttp, validateEndpoint, validateProjectId } from './validation';

export interface DcsConnectionOptions extends CredentialOptions {
  /**
   * The project id (32 hex characters) of the region the instance is in.
   * @default HUAWEICLOUD_SDK_PROJECT_ID, then HW_PROJECT_ID
   */
  readonly projectId?: string;
  /**
   * The region, e.g. `cn-north-4`; sets the endpoint `https://dcs.{region}.{HW_CLOUD or myhuaweicloud.com}`.
   * @default HW_REGION_NAME, then HUAWEICLOUD_SDK_REGION
   */
  readonly region?: string;
  /**
   * An explicit base URL, e.g. the local emulator's `http://127.0.0.1:8080`. Wins over `region`.
   * @default DCS_BIGKEY_ENDPOINT; otherwise derived from the region
   */
  readonly endpoint?: string;
}

/** Where an endpoint may come from, and whether plain http:// may go beyond loopback hosts. */
export interface EndpointOptions extends Pick<DcsConnectionOptions, 'endpoint' | 'region'> {
  /**
   * Allow `http://` endpoints on hosts other than loopback ones (127.0.0.0/8, ::1, localhost).
   * @default DCS_BIGKEY_ALLOW_INSECURE_HTTP=1, else false
   */
  readonly allowInsecureHttp?: boolean;
}

export interface ResolvedConnection {
  readonly endpoint: URL;
  readonly projectId: string;
  readonly credentials: ResolvedCredentials;
}

export const PROJECT_ID_ENV = ['HUAWEICLOUD_SDK_PROJECT_ID', 'HW_PROJECT_ID'] as const;
export const REGION_ENV = ['HW_REGION_NAME', 'HUAWEICLOUD_SDK_REGION'] as const;
export const ENDPOINT_ENV = 'DCS_BIGKEY_ENDPOINT';

/**
 * How messages name where the region and endpoint were given: the options by default; the
 * command names its flags (`--region`) or a fleet file's fields instead.
 */
export interface EndpointNames {
  readonly region: string;
  readonly endpoint: string;
}

/** The endpoint, and the region it was derived from when it was (snapshots record it for refresh). */
export function resolveEndpointAndRegion(options: EndpointOptions, env: NodeJS.ProcessEnv, names: EndpointNames = { region: 'region', endpoint: 'endpoint' }): { endpoint: URL; region?: string } {
  const insecure = { allowInsecureHttp: allowInsecureHttp(options.allowInsecureHttp, env) };
  if (options.endpoint !== undefined) return { endpoint: validateEndpoint(options.endpoint, names.endpoint, insecure) };
  if (options.region !== undefined) return { endpoint: endpointForRegion(options.region, env), region: options.region };
  if (env[ENDPOINT_ENV]) return { endpoint: validateEndpoint(env[ENDPOINT_ENV], ENDPOINT_ENV, insecure) };
  const region = firstSet(env, REGION_ENV);
  if (region) return { endpoint: endpointForRegion(region, env), region };
  throw new DcsConfigError(`no region or endpoint: pass ${names.region} (e.g. cn-north-4) or ${names.endpoint}, or set ${REGION_ENV.join(' or ')} or ${ENDPOINT_ENV}`);
}

export function resolveEndpoint(options: EndpointOptions, env: NodeJS.ProcessEnv, names?: EndpointNames): URL {
  return resolveEndpointAndRegion(options, env, names).endpoint;
}

/** The project id from the option, else the environment. `name`: how messages name the option (the command: its flag or fleet field). */
export function resolveProjectId(options: Pick<DcsConnectionOptions, 'projectId'>, env: NodeJS.ProcessEnv, name?: string): string {
  if (options.projectId !== undefined) return validateProjectId(options.projectId, name);
  for (const variable of PROJECT_ID_ENV) if (env[variable]) return validateProjectId(env[variable], variable);
  throw new DcsConfigError(`no project id: pass ${name ?? 'projectId'}, or set ${PROJECT_ID_ENV.join(' or ')}`);
}

export function resolveConnection(options: DcsConnectionOptions & EndpointOptions, env: NodeJS.ProcessEnv = process.env): ResolvedConnection {
  return {
    endpoint: resolveEndpoint(options, env),
    projectId: resolveProjectId(options, env),
    credentials: resolveCredentials(options, env),
  };
}

function firstSet(env: NodeJS.ProcessEnv, names: readonly string[]): string | undefined {
  for (const name of names) if (env[name]) return env[name];
  return undefined;
}
