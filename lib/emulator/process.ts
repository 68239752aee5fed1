/**
 * Runs the emulator as a separate process (`dcs-bigkey emulator --port 0`).
 *
 * Why a process: the library's synchronous lookup blocks its thread with Atomics.wait while a
 * worker does the HTTP call; a server in the same process would never get to answer, so the
 * lookup would deadlock until its timeout. A child process has its own event loop.
 */
import { ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
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
  const args = [...nodeArgs, script, 'emulator', '--port', '0', ...(dataFile ? ['--data', dataFile] : []), ...(options.quiet ? ['--quiet'] : []), ...tlsArgs];
  const child = spawn(process.execPath, args, {
    env: { ...(options.env ?? process.env), [EXIT_WITH_PARENT_ENV]: '1' },
    // The IPC channel lets the child notice when this process dies (see command.ts).
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });

  // Always drain stderr (keeping a tail): a child blocked on a full pipe would stop answering.
  let stderrTail = '';
  child.stderr!.setEncoding('utf8');
  child.stderr!.on('data', (chunk: string) => {
    stderrTail = (stderrTail + chunk).slice(-STDERR_TAIL_BYTES);
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  // If this process exits without stop(), take the child down with it.
  const killOnExit = (): void => {
    child.kill('SIGKILL');
  };
  process.once('exit', killOnExit);

  let url: string;
  try {
    url = await waitForUrl(child, options.startTimeoutMs ?? 20_000, () => stderrTail);
  } catch (error) {
    child.kill('SIGKILL');
    await exited;
    process.off('exit', killOnExit);
    removeTemp();
    throw error;
  }
  child.stdout!.resume(); // nothing more is expected there, but never let it fill up
  // From now on the child must not keep this process alive by itself: a test run that forgets
  // stop() still ends (and the exit hook above kills the child).
  unrefChild(child);

  const admin = new EmulatorAdminClient(url);
  let stopping: Promise<void> | undefined;
  return {
    url,
    pid: child.pid!,
    admin,
    stderr: () => stderrTail,
    stop: () =>
      (stopping ??= (async () => {
        await admin.close();
        child.ref(); // keep this process alive until the child has exited
        if (child.exitCode === null && child.signalCode === null) {
          child.kill('SIGTERM');
          const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
          await exited;
          clearTimeout(timer);
        }
        if (child.connected) child.disconnect();
        process.off('exit', killOnExit);
        removeTemp();
      })()),
  };
}

function unrefChild(child: ChildProcess): void {
  child.unref();
  for (const stream of [child.stdout, child.stderr]) (stream as unknown as { unref?: () => void } | null)?.unref?.();
  (child.channel as { unref?: () => void } | undefined | null)?.unref?.();
}

function waitForUrl(child: ChildProcess, timeoutMs: number, stderr: () => string): Promise<string> {
  return new Promise((resolve, reject) => {
    let buffered = '';
    const describe = (what: string): Error =>
      new Error(`dcs-bigkey emulator ${what}${stderr().trim() ? `; its stderr:\n${stderr().trim().split('\n').slice(-20).join('\n')}` : ' (no stderr output)'}`);
    const cleanup = (): void => {
      clearTimeout(timer);
      child.stdout!.off('data', onData);
      child.off('exit', onExit);
      child.off('error', onError);
    };
    const onData = (chunk: string): void => {
      buffered += chunk;
      const newline = buffered.indexOf('\n');
      if (newline < 0) return;
      const line = buffered.slice(0, newline).trim();
      cleanup();
      if (/^https?:\/\/\S+$/.test(line)) resolve(line);
      else reject(describe(`printed ${JSON.stringify(line.slice(0, 200))} instead of its URL`));
    };
    const onExit = (code: number | null, signal: NodeJS.Signals | null): void => {
      // Let the last stderr chunks arrive before reporting them.
      setImmediate(() => {
        cleanup();
        reject(describe(`exited before printing its URL (${signal ? `signal ${signal}` : `exit code ${code}`})`));
      });
    };
    const onError = (error: Error): void => {
      cleanup();
      reject(new Error(`cannot start dcs-bigkey emulator (${process.execPath}): ${error.message}`));
    };
    const timer = setTimeout(() => {
      cleanup();
      reject(describe(`did not print its URL within ${timeoutMs} ms`));
    }, timeoutMs);
    child.stdout!.setEncoding('utf8');
    child.stdout!.on('data', onData);
    child.once('exit', onExit);
    child.once('error', onError);
  });
}
