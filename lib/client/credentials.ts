/**
 * Where access keys come from, in this order (the first source with an access key wins):
 *   1. explicit options (`accessKey`, `secretKey`, `securityToken`)
 *   2. HUAWEICLOUD_SDK_AK / HUAWEICLOUD_SDK_SK / HUAWEICLOUD_SDK_SECURITY_TOKEN   (official SDKs)
 *   3. HW_ACCESS_KEY / HW_SECRET_KEY / HW_SECURITY_TOKEN                          (Terraform provider)
 *   4. CLOUD_SDK_AK / CLOUD_SDK_SK                                                 (API doc samples)
 * A source is taken whole: its secret key (and token) are never mixed with another source's.
 */
import { DcsConfigError } from './errors';

export interface Credentials {
  readonly accessKey: string;
  readonly secretKey: string;
  /** Present for temporary credentials; sent as the signed `X-Security-Token` header. */
  readonly securityToken?: string;
}

export interface CredentialOptions {
  /** @default from the environment, see the precedence in the README */
  readonly accessKey?: string;
  /** @default from the environment */
  readonly secretKey?: string;
  /** @default from the environment */
  readonly securityToken?: string;
}

export interface ResolvedCredentials extends Credentials {
  /** Where they came from, e.g. `options` or `HW_ACCESS_KEY` — never the value. */
  readonly source: string;
}

interface Source {
  readonly name: string;
  readonly ak: string;
  readonly sk: string;
  readonly token?: string;
}

export const CREDENTIAL_ENV_SOURCES: readonly Source[] = [
  { name: 'HUAWEICLOUD_SDK_AK', ak: 'HUAWEICLOUD_SDK_AK', sk: 'HUAWEICLOUD_SDK_SK', token: 'HUAWEICLOUD_SDK_SECURITY_TOKEN' },
  { name: 'HW_ACCESS_KEY', ak: 'HW_ACCESS_KEY', sk: 'HW_SECRET_KEY', token: 'HW_SECURITY_TOKEN' },
  { name: 'CLOUD_SDK_AK', ak: 'CLOUD_SDK_AK', sk: 'CLOUD_SDK_SK' },
];

export function resolveCredentials(options: CredentialOptions, env: NodeJS.ProcessEnv): ResolvedCredentials {
  if (options.accessKey !== undefined || options.secretKey !== undefined) {
    if (!options.accessKey || !options.secretKey) {
      throw new DcsConfigError(`incomplete credentials: ${options.accessKey ? 'secretKey' : 'accessKey'} is missing; pass both accessKey and secretKey, or neither to read them from the environment`);
    }
    return { accessKey: options.accessKey, secretKey: options.secretKey, securityToken: options.securityToken || undefined, source: 'options' };
  }
  for (const source of CREDENTIAL_ENV_SOURCES) {
    const ak = env[source.ak];
    if (!ak) continue;
    const sk = env[source.sk];
    if (!sk) throw new DcsConfigError(`incomplete credentials: ${source.ak} is set but ${source.sk} is not; set both`);
    const token = (source.token && env[source.token]) || options.securityToken || undefined;
    return { accessKey: ak, secretKey: sk, securityToken: token, source: source.ak };
  }
  throw new DcsConfigError(
    'no credentials found: pass accessKey and secretKey, or set HUAWEICLOUD_SDK_AK and HUAWEICLOUD_SDK_SK ' +
      '(or HW_ACCESS_KEY and HW_SECRET_KEY, or CLOUD_SDK_AK and CLOUD_SDK_SK); ' +
      'temporary credentials also need HUAWEICLOUD_SDK_SECURITY_TOKEN or HW_SECURITY_TOKEN',
  );
}
