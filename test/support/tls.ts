/**
 * A throwaway PKI for TLS tests, made at test time with the `openssl` binary in a temporary
 * directory: a CA, and a server certificate for 127.0.0.1 / localhost signed by it (leaf only
 * is served, so a client that does not trust the CA fails with "unable to verify the first
 * certificate"). Nothing is committed and nothing outlives the test run.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';

export interface TestPki {
  readonly dir: string;
  /** The CA certificate, PEM (what a client is told to trust). */
  readonly caPem: string;
  readonly caFile: string;
  /** The server certificate (SAN IP:127.0.0.1, DNS:localhost), PEM. */
  readonly certFile: string;
  /** Its unencrypted private key, PEM. */
  readonly keyFile: string;
  /** Removes the directory. */
  cleanup(): void;
}

/** Why TLS tests cannot run here (no usable `openssl` on PATH), or undefined when they can. */
export function opensslUnavailableReason(): string | undefined {
  const result = spawnSync('openssl', ['version'], { encoding: 'utf8' });
  if (result.error) return `no openssl binary on PATH (${(result.error as NodeJS.ErrnoException).code ?? result.error.message})`;
  if (result.status !== 0) return `\`openssl version\` exited ${result.status}: ${result.stderr.trim()}`;
  return undefined;
}

function openssl(dir: string, args: string[]): void {
  const result = spawnSync('openssl', args, { cwd: dir, encoding: 'utf8' });
  if (result.error || result.status !== 0) {
    throw new Error(`openssl ${args.join(' ')} failed (${result.error?.message ?? `exit ${result.status}`}):\n${result.stderr}`);
  }
}

/** A new CA and a server certificate signed by it, valid for one day. */
export function createTestPki(): TestPki {
  const dir = mkdtempSync(path.join(tmpdir(), 'dcs-bigkey-tls-'));
  try {
    const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
    openssl(dir, [
      'req', '-x509', ...ec, '-keyout', 'ca.key', '-out', 'ca.pem', '-days', '1', '-subj', '/CN=dcs-bigkey throwaway test CA',
      '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign',
    ]);
    openssl(dir, ['req', ...ec, '-keyout', 'server.key', '-out', 'server.csr', '-subj', '/CN=127.0.0.1']);
    writeFileSync(
      path.join(dir, 'server.ext'),
      [
        'subjectAltName=IP:127.0.0.1,DNS:localhost',
        'basicConstraints=critical,CA:FALSE',
        'keyUsage=critical,digitalSignature,keyEncipherment',
        'extendedKeyUsage=serverAuth',
        '',
      ].join('\n'),
    );
    openssl(dir, [
      'x509', '-req', '-in', 'server.csr', '-CA', 'ca.pem', '-CAkey', 'ca.key', '-set_serial', `0x${Date.now().toString(16)}`,
      '-days', '1', '-extfile', 'server.ext', '-out', 'server.pem',
    ]);
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  const caFile = path.join(dir, 'ca.pem');
  return {
    dir,
    caPem: readFileSync(caFile, 'utf8'),
    caFile,
    certFile: path.join(dir, 'server.pem'),
    keyFile: path.join(dir, 'server.key'),
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}
