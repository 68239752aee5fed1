/**
 * Where a command sends requests: `--project-id`, `--region` / `--endpoint`, then the
 * environment (the same variables the client reads). Problems are usage errors that say which
 * flag or variable to set; credentials are only ever read from the environment.
 */
import { DcsBigKeyClient } from '../client/client';
import { resolveEndpoint, resolveProjectId } from '../client/connection';
import { resolveCredentials } from '../client/credentials';
import { CREDENTIALS_ADVICE, hasCredentialsInEnv } from './args';
import { UsageError } from './io';

export interface LocationFlags {
  readonly projectId?: string;
  readonly region?: string;
  readonly endpoint?: string;
}

export interface Location {
  /** Origin only, e.g. `https://dcs.cn-north-4.myhuaweicloud.com`. */
  readonly endpoint: string;
  readonly projectId: string;
}

/**
 * Resolves a location the way the client does (lib/client/connection.ts), its messages naming
 * the flags — or, through `names`, the fleet file's own fields (e.g. `instances[3].region`).
 * Only the command refuses a region and an endpoint given together.
 */
export function resolveLocation(
  flags: LocationFlags,
  env: NodeJS.ProcessEnv,
  names: { projectId: string; region: string; endpoint: string } = { projectId: '--project-id', region: '--region', endpoint: '--endpoint' },
): Location {
  if (flags.region !== undefined && flags.endpoint !== undefined) {
    throw new UsageError(`${names.region} and ${names.endpoint} are both given: give one (the endpoint is derived from the region)`);
  }
  const projectId = resolveProjectId({ projectId: flags.projectId }, env, names.projectId);
  const endpoint = resolveEndpoint({ region: flags.region, endpoint: flags.endpoint }, env, names);
  return { endpoint: endpoint.origin, projectId };
}

/** Fails before any request when the environment holds no usable credentials (DcsConfigError naming the variable). */
export function requireCredentials(env: NodeJS.ProcessEnv): void {
  if (!hasCredentialsInEnv(env)) throw new UsageError(`no credentials: ${CREDENTIALS_ADVICE}`);
  resolveCredentials({}, env);
}

/** A client for one location, credentials from the environment; the constructor checks everything. */
export function clientFor(location: Location, env: NodeJS.ProcessEnv): DcsBigKeyClient {
  requireCredentials(env);
  return new DcsBigKeyClient({ endpoint: location.endpoint, projectId: location.projectId, env });
}

/** Help lines: `  FLAG` then its description from `column` on, continuation lines aligned under it. */
export function flagHelp(entries: readonly (readonly [string, readonly string[]])[], column: number): string {
  return entries
    .map(([flag, [first, ...rest]]) => [`  ${flag}`.padEnd(column) + first, ...rest.map((line) => ' '.repeat(column) + line)].join('\n'))
    .join('\n');
}

/** The help of --project-id, --region and --endpoint (every command that sends requests has them). */
export function locationFlagsHelp(column: number): string {
  return flagHelp(
    [
      ['--project-id P', ['project id (32 hex); default HUAWEICLOUD_SDK_PROJECT_ID', 'or HW_PROJECT_ID']],
      ['--region R', ['e.g. cn-north-4; default HW_REGION_NAME or', 'HUAWEICLOUD_SDK_REGION']],
      ['--endpoint URL', ["explicit base URL (e.g. the emulator's); default", 'DCS_BIGKEY_ENDPOINT']],
    ],
    column,
  );
}

/** The closing paragraphs of every command's help that sends requests: credentials, then the rest of the environment. */
export const CREDENTIALS_HELP = `credentials come from the environment only (HUAWEICLOUD_SDK_AK and
HUAWEICLOUD_SDK_SK, HW_ACCESS_KEY and HW_SECRET_KEY, or CLOUD_SDK_AK and
CLOUD_SDK_SK; temporary ones add HUAWEICLOUD_SDK_SECURITY_TOKEN or
HW_SECURITY_TOKEN), never from flags; printable ASCII without spaces (a
trailing newline is refused).

environment, checked before any request: HTTPS_PROXY, HTTP_PROXY, NO_PROXY
(or lower case); DCS_BIGKEY_ALLOW_INSECURE_HTTP=1 allows http:// endpoints
beyond loopback hosts (127.0.0.0/8, ::1, localhost); DCS_BIGKEY_MAX_TASKS
caps the tasks read per instance (default 100000).`;
