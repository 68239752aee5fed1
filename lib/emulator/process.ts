/**
 * Runs the emulator as a separate process (`dcs-bigkey emulator --port 0`).
 *
 * Why a process: the library's synchronous lookup blocks its thread with Atomics.wait while a
 * worker does the HTTP call; a server in the same process would never get to answer, so the
 * lookup would deadlock until its timeout. A child process has its own event loop.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { spawnUrlChild, type UrlChild } from '../util/url-child';
import { EmulatorAdminClient } from './admin-client';
import { EXIT_WITH_PARENT_ENV } from './command';
import { EmulatorData } from './data-file';
import type { EmulatorTlsOptions } from './server';

export interface SpawnEmulatorOptions {
  /** A data file for the emulator. @default the bundled demo data */
  readonly dataFile?: string;
  /** Data to serve instead of a file (written to a temporary file, removed on stop). */
  readonly data?: EmulatorData;
  /** No per-request log on the child's stderr. @default false */
  readonly quiet?: boolean;
  /** The child's environment. @default process.env */
  readonly env?: NodeJS.ProcessEnv;
  /** How long to wait for the URL line. @default 20000 */
  readonly startTimeoutMs?: number;
  /**
   * Serve HTTPS with this PEM certificate and key (`--tls-cert`, `--tls-key`); the URL is then
   * `https://…`. The `admin` client trusts only the system's CAs, so with a private CA it cannot
   * reach this emulator. @default plain HTTP
   */
  readonly tls?: EmulatorTlsOptions;
}

export interface EmulatorProcess {
  /** Base URL, e.g. `http://127.0.0.1:40123` (`https://…` with `tls`). */
  readonly url: string;
  readonly pid: number;
  /** Client for the admin API of this emulator. */
  readonly admin: EmulatorAdminClient;
  /** The last 64 KiB of the child's stderr (its request log unless quiet). */
  stderr(): string;
  /** Stops the emulator (SIGTERM, SIGKILL after 5 s) and waits for the process to exit. */
  stop(): Promise<void>;
}

const STDERR_TAIL_BYTES = 64 * 1024;

/** How to start `lib/cli/main` with this Node: from source via tsx, or the compiled dist file. */
export function emulatorEntry(): { nodeArgs: string[]; script: string } {
  if (__filename.endsWith('.ts')) {
    // Running from source (ts-jest, tsx): the child needs tsx to load TypeScript.
    return { nodeArgs: ['--import', 'tsx'], script: path.resolve(__dirname, '..', 'cli', 'main.ts') };
  }
  return { nodeArgs: [], script: path.resolve(__dirname, '..', 'cli', 'main.js') };
}

export async function spawnEmulator(options: SpawnEmulatorOptions = {}): Promise<EmulatorProcess> {
  let tempDir: string | undefined;
  let dataFile = options.dataFile === undefined ? undefined : path.resolve(options.dataFile);
  if (options.data !== undefined) {
    tempDir = mkdtempSync(path.join(tmpdir(), 'dcs-emulator-'));
    dataFile = path.join(tempDir, 'data.json');
    writeFileSync(dataFile, JSON.stringify(options.data));
  }
  const removeTemp = (): void => {
    if (tempDir !== undefined) rmSync(tempDir, { recursive: true, force: true });
    tempDir = undefined;
  };

  const { nodeArgs, script } = emulatorEntry();
  const tlsArgs = options.tls ? ['--tls-cert', path.resolve(options.tls.certFile), '--tls-key', path.resolve(options.tls.keyFile)] : [];
  let child: UrlChild;
  try {
    child = await spawnUrlChild({
      label: 'dcs-bigkey emulator',
      nodeArgs,
      script,
      args: ['emulator', '--port', '0', ...(dataFile ? ['--data', dataFile] : []), ...(options.quiet ? ['--quiet'] : []), ...tlsArgs],
      // Together with the IPC channel spawnUrlChild opens, the emulator then also stops when
      // this process dies (see command.ts).
      env: { ...(options.env ?? process.env), [EXIT_WITH_PARENT_ENV]: '1' },
      urlPattern: /^https?:\/\/\S+$/,
      startTimeoutMs: options.startTimeoutMs ?? 20_000,
      stderrTailBytes: STDERR_TAIL_BYTES,
    });
  } catch (error) {
    removeTemp();
    throw error;
  }
  // From now on the child must not keep this process alive by itself: a test run that forgets
  // stop() still ends (and spawnUrlChild's exit hook kills the child).
  child.unref();

  const admin = new EmulatorAdminClient(child.url);
  let stopping: Promise<void> | undefined;
  return {
    url: child.url,
    pid: child.pid,
    admin,
    stderr: () => child.stderr(),
    stop: () =>
      (stopping ??= (async () => {
        await admin.close();
        await child.stop(5_000);
        removeTemp();
      })()),
  };
}
