/**
 * Runs a Node script as a child process that announces itself by printing its base URL as the
 * first stdout line (the emulator, the test proxy), and stops it again.
 *
 * What it takes care of:
 *   - an IPC channel in stdio, so a child that watches it notices when this process dies;
 *   - stderr always drained, keeping a tail for error messages (a child blocked on a full pipe
 *     would stop answering), and stdout resumed after the URL line for the same reason;
 *   - an exit hook that SIGKILLs the child if this process exits without stop();
 *   - a start timeout, and a clear error (with the child's stderr tail) when the child dies,
 *     cannot be started or prints something other than its URL first;
 *   - stop(): SIGTERM, SIGKILL after a grace period, then waits for the exit; idempotent.
 */
import { ChildProcess, spawn } from 'node:child_process';

export interface UrlChildOptions {
  /** Names the child in error messages, e.g. `dcs-bigkey emulator`. */
  readonly label: string;
  /** Arguments for Node itself, before the script (e.g. `['--import', 'tsx']`). */
  readonly nodeArgs: readonly string[];
  /** The script to run with this process's Node (`process.execPath`). */
  readonly script: string;
  /** Arguments for the script. */
  readonly args: readonly string[];
  /** The child's environment. @default process.env */
  readonly env?: NodeJS.ProcessEnv;
  /** What the first stdout line (trimmed) must match to count as the URL. */
  readonly urlPattern: RegExp;
  /** How long to wait for the URL line. */
  readonly startTimeoutMs: number;
  /** How much of the child's stderr to keep. @default 65536 */
  readonly stderrTailBytes?: number;
}

export interface UrlChild {
  /** The URL the child printed. */
  readonly url: string;
  readonly pid: number;
  readonly child: ChildProcess;
  /** The last `stderrTailBytes` of the child's stderr. */
  stderr(): string;
  /**
   * Lets this process exit while the child runs (the child, its pipes and IPC channel no longer
   * hold the event loop); the exit hook still kills the child then. stop() takes the ref back.
   */
  unref(): void;
  /** SIGTERM, SIGKILL after `graceMs` (default 5000), and waits for the exit. Idempotent. */
  stop(graceMs?: number): Promise<void>;
}

/** Spawns the child and resolves once it has printed its URL; rejects (child killed) otherwise. */
export async function spawnUrlChild(options: UrlChildOptions): Promise<UrlChild> {
  const tailBytes = options.stderrTailBytes ?? 64 * 1024;
  const child = spawn(process.execPath, [...options.nodeArgs, options.script, ...options.args], {
    env: options.env ?? process.env,
    // The IPC channel lets the child notice when this process dies.
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });

  // Always drain stderr (keeping a tail): a child blocked on a full pipe would stop answering.
  let stderrTail = '';
  child.stderr!.setEncoding('utf8');
  child.stderr!.on('data', (chunk: string) => {
    stderrTail = (stderrTail + chunk).slice(-tailBytes);
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  // If this process exits without stop(), take the child down with it.
  const killOnExit = (): void => {
    child.kill('SIGKILL');
  };
  process.once('exit', killOnExit);

  let url: string;
  try {
    url = await waitForUrl(child, options, () => stderrTail);
  } catch (error) {
    child.kill('SIGKILL');
    if (child.pid !== undefined) await exited; // no 'exit' comes when the spawn itself failed
    process.off('exit', killOnExit);
    throw error;
  }
  child.stdout!.resume(); // nothing more is expected there, but never let it fill up

  let stopping: Promise<void> | undefined;
  return {
    url,
    pid: child.pid!,
    child,
    stderr: () => stderrTail,
    unref: () => {
      child.unref();
      for (const stream of [child.stdout, child.stderr]) (stream as unknown as { unref?: () => void } | null)?.unref?.();
      (child.channel as { unref?: () => void } | undefined | null)?.unref?.();
    },
    stop: (graceMs = 5_000) =>
      (stopping ??= (async () => {
        child.ref(); // keep this process alive until the child has exited
        if (child.exitCode === null && child.signalCode === null) {
          child.kill('SIGTERM');
          const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
          await exited;
          clearTimeout(timer);
        }
        if (child.connected) child.disconnect();
        process.off('exit', killOnExit);
      })()),
  };
}

/** Resolves with the first stdout line if it matches the pattern; rejects on anything else. */
function waitForUrl(child: ChildProcess, options: UrlChildOptions, stderr: () => string): Promise<string> {
  const { label, urlPattern, startTimeoutMs } = options;
  return new Promise((resolve, reject) => {
    let buffered = '';
    const describe = (what: string): Error => {
      const tail = stderr().trim();
      return new Error(`${label} ${what}${tail ? `; its stderr:\n${tail.split('\n').slice(-20).join('\n')}` : ' (no stderr output)'}`);
    };
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
      if (urlPattern.test(line)) resolve(line);
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
      reject(new Error(`cannot start ${label} (${process.execPath}): ${error.message}`));
    };
    const timer = setTimeout(() => {
      cleanup();
      reject(describe(`did not print its URL within ${startTimeoutMs} ms`));
    }, startTimeoutMs);
    child.stdout!.setEncoding('utf8');
    child.stdout!.on('data', onData);
    child.once('exit', onExit);
    child.once('error', onError);
  });
}
