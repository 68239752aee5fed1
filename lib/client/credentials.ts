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

/**
 * The credentials to sign with, checked before anything is signed: a key with a trailing
 * newline or space would be sent, earn a 401, and five of those lock the access key for five
 * minutes. Errors name the variable or option, never the value.
 */
export function resolveCredentials(options: CredentialOptions, env: NodeJS.ProcessEnv): ResolvedCredentials {
  const token = checkedCredential(options.securityToken, 'securityToken');
  if (options.accessKey !== undefined || options.secretKey !== undefined) {
    const accessKey = checkedCredential(options.accessKey, 'accessKey');
    const secretKey = checkedCredential(options.secretKey, 'secretKey');
    if (!accessKey || !secretKey) {
      throw new DcsConfigError(`incomplete credentials: ${accessKey ? 'secretKey' : 'accessKey'} is missing; pass both accessKey and secretKey, or neither to read them from the environment`);
    }
    return { accessKey, secretKey, securityToken: token, source: 'options' };
  }
  // The first source with any of its variables set is taken whole: a lone secret key is a
  // mistake to report, not a reason to fall through to another source's keys.
  for (const source of CREDENTIAL_ENV_SOURCES) {
    const names = [source.ak, source.sk, ...(source.token ? [source.token] : [])];
    if (!names.some((name) => env[name])) continue;
    const missing = [source.ak, source.sk].filter((name) => !env[name]);
    if (missing.length > 0) {
      const set = names.filter((name) => env[name]);
      throw new DcsConfigError(`incomplete credentials: ${set.join(' and ')} ${set.length === 1 ? 'is' : 'are'} set but ${missing.join(' and ')} ${missing.length === 1 ? 'is' : 'are'} not; set both ${source.ak} and ${source.sk}`);
    }
    const ak = checkedCredential(env[source.ak], source.ak)!;
    const sk = checkedCredential(env[source.sk], source.sk)!;
    const envToken = source.token ? checkedCredential(env[source.token], source.token) : undefined;
    return { accessKey: ak, secretKey: sk, securityToken: envToken ?? token, source: source.ak };
  }
  throw new DcsConfigError(
    'no credentials found: pass accessKey and secretKey, or set HUAWEICLOUD_SDK_AK and HUAWEICLOUD_SDK_SK ' +
      '(or HW_ACCESS_KEY and HW_SECRET_KEY, or CLOUD_SDK_AK and CLOUD_SDK_SK); ' +
      'temporary credentials also need HUAWEICLOUD_SDK_SECURITY_TOKEN or HW_SECURITY_TOKEN',
  );
}

/**
 * A credential as sent in headers: printable ASCII without spaces (access keys, secret keys
 * and tokens never contain anything else). Undefined or "" is "not given". The message says
 * what is wrong and where, never the value.
 */
export function checkedCredential(value: unknown, name: string): string | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value !== 'string') {
    const kind = Array.isArray(value) ? 'an array' : typeof value === 'object' ? 'an object' : `a ${typeof value}`;
    throw new DcsConfigError(`invalid ${name}: it is ${kind}, not a string; pass the credential as a string`);
  }
  const problem = credentialProblem(value);
  if (problem === undefined) return value;
  throw new DcsConfigError(
    `invalid ${name}: it ${problem} (the value is not shown); credentials are printable ASCII without spaces. ` +
      'secrets copied into CI variables often carry a trailing newline: store the value without it',
  );
}

function credentialProblem(value: string): string | undefined {
  if (/^[\x21-\x7e]+$/.test(value)) return undefined;
  if (/(\r?\n)$/.test(value)) return 'ends with a line break';
  if (/\s$/.test(value)) return 'ends with a space or other whitespace';
  if (/^\s/.test(value)) return 'starts with a space or other whitespace';
  if (/[\x00-\x1f\x7f]/.test(value)) return 'contains a control character (a line break, CR or tab)';
  if (/\s/.test(value)) return 'contains a space';
  return 'contains a character outside printable ASCII';
}
