/**
 * Belt and braces: every line a command writes passes through here, with every credential
 * value found in its environment replaced by `***`. The client already redacts what it
 * builds from outside text; this also covers anything else (an unexpected error, a file name).
 */
import { CREDENTIAL_ENV_SOURCES } from '../client/credentials';
import { redact } from '../client/errors';
import { CliIo, OutputStream } from './io';

export function secretsIn(env: NodeJS.ProcessEnv): string[] {
  const values = new Set<string>();
  for (const source of CREDENTIAL_ENV_SOURCES) {
    for (const name of [source.ak, source.sk, source.token]) {
      const value = name ? env[name] : undefined;
      if (value && value.length >= 4) values.add(value);
    }
  }
  // Longest first, so a secret containing another is replaced whole.
  return [...values].sort((a, b) => b.length - a.length);
}

export function redactingStream(stream: OutputStream, secrets: readonly string[]): OutputStream {
  if (secrets.length === 0) return stream;
  return { write: (text: string) => stream.write(redact(text, secrets)) };
}

export function redactingIo(io: CliIo): CliIo {
  const secrets = secretsIn(io.env);
  return { ...io, stdout: redactingStream(io.stdout, secrets), stderr: redactingStream(io.stderr, secrets) };
}
