/**
 * Flag parsing for every command: `node:util` parseArgs in strict mode (unknown flags,
 * missing values and stray arguments are errors), plus the checks parseArgs does not make:
 * a flag given twice, and credentials passed as flags (refused: flags end up in shell history
 * and process lists; credentials come from the environment only).
 */
import { parseArgs } from 'node:util';
import { CREDENTIAL_ENV_SOURCES } from '../client/credentials';
import { show } from '../client/validation';
import { UsageError } from './io';

export interface FlagSpec {
  readonly type: 'string' | 'boolean';
  readonly short?: string;
}

export type FlagSpecs = Readonly<Record<string, FlagSpec>>;

export type FlagValues<S extends FlagSpecs> = {
  readonly [K in keyof S]?: S[K]['type'] extends 'boolean' ? boolean : string;
};

/** Flags that look like credentials; refused with advice, their values never echoed. */
const CREDENTIAL_FLAG = /^--?(access[-_]?key|secret[-_]?key|ak|sk|security[-_]?token|token|password|secret)(=|$)/i;

export const CREDENTIALS_ADVICE =
  'credentials are read from the environment only: set HUAWEICLOUD_SDK_AK and HUAWEICLOUD_SDK_SK ' +
  '(or HW_ACCESS_KEY and HW_SECRET_KEY, or CLOUD_SDK_AK and CLOUD_SDK_SK; plus HUAWEICLOUD_SDK_SECURITY_TOKEN or HW_SECURITY_TOKEN for temporary credentials)';

export function parseFlags<S extends FlagSpecs>(argv: readonly string[], specs: S): FlagValues<S> {
  for (const arg of argv) {
    if (arg === '--') break;
    const m = CREDENTIAL_FLAG.exec(arg);
    if (m) {
      throw new UsageError(`unknown flag --${m[1]}: credentials are never taken from flags (flags end up in shell history and process lists); ${CREDENTIALS_ADVICE}`);
    }
  }
  return parseStrictFlags(argv, specs);
}

/**
 * parseArgs in strict mode plus the check it does not make, a flag given twice (which value
 * would win is a guess the user should not have to make): the parsing of every command,
 * `dcs-bigkey emulator` included, which takes no credentials and so skips parseFlags' check.
 */
export function parseStrictFlags<S extends FlagSpecs>(argv: readonly string[], specs: S): FlagValues<S> {
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({ args: [...argv], options: specs as Record<string, FlagSpec>, strict: true, allowPositionals: false, tokens: true });
  } catch (error) {
    throw new UsageError(oneLine((error as Error).message));
  }
  const seen = new Map<string, number>();
  for (const token of parsed.tokens ?? []) {
    if (token.kind !== 'option') continue;
    const n = (seen.get(token.name) ?? 0) + 1;
    seen.set(token.name, n);
    if (n === 2) throw new UsageError(`--${token.name} is given more than once; give it once`);
  }
  return parsed.values as FlagValues<S>;
}

/** A non-negative decimal integer, or a usage error naming the flag and the value. */
export function parseInteger(flag: string, raw: string, min: number, max = Number.MAX_SAFE_INTEGER): number {
  const value = /^\d{1,15}$/.test(raw) ? Number(raw) : NaN;
  if (!Number.isInteger(value) || value < min || value > max) {
    const range = max === Number.MAX_SAFE_INTEGER ? `an integer >= ${min}` : `an integer from ${min} to ${max}`;
    throw new UsageError(`invalid --${flag} ${show(raw)}: expected ${range}`);
  }
  return value;
}

/** One of a fixed set of words, or a usage error listing them. */
export function parseChoice<T extends string>(flag: string, raw: string, choices: readonly T[]): T {
  if (!(choices as readonly string[]).includes(raw)) throw new UsageError(`invalid --${flag} ${show(raw)}: expected one of ${choices.join(', ')}`);
  return raw as T;
}

/** True when any credential variable is set (the client checks the rest: a lone secret key is its error to report). */
export function hasCredentialsInEnv(env: NodeJS.ProcessEnv): boolean {
  return CREDENTIAL_ENV_SOURCES.some((source) => [source.ak, source.sk, source.token].some((name) => name !== undefined && !!env[name]));
}

function oneLine(text: string): string {
  const lines = text.split('\n').map((l) => l.trim()).filter(Boolean);
  // parseArgs' own hints ("To specify an option argument starting with a dash use …") are worth keeping.
  return lines.join(' ');
}
