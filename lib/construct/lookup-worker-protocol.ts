/**
 * The messages between the constructs' thread (sync-lookup.ts) and the lookup worker
 * (lookup-worker.ts). Loads nothing: both sides import it.
 */
import type { MessagePort } from 'node:worker_threads';
import type { LookupOutcome } from '../lookup/outcome';
import type { LookupRequest } from '../lookup/lookup-request';

/** What the worker is started with. */
export interface LookupWorkerData {
  /** Where the worker posts its answers. */
  readonly port: MessagePort;
  /** Incremented by the worker after each message it posts; this thread waits on it. */
  readonly signal: Int32Array;
  /** Instances read at once. */
  readonly concurrency: number;
  /** The process's command-line flags (the worker's own execArgv is empty). */
  readonly processExecArgv: readonly string[];
}

/** A lookup posted to the worker. */
export interface LookupMessage {
  readonly id: number;
  readonly request: LookupRequest;
}

/**
 * The worker's message: what code it runs (its first message), outcomes of lookups (those
 * ready at once), or the worker itself failed.
 */
export type WorkerAnswer = { readonly loaded: WorkerCode } | { readonly answers: readonly LookupAnswer[] } | { readonly fatal: string };

/** What the worker runs: the build's bundle (and whether V8's code cache served it), the compiled modules, or the TypeScript sources. */
export interface WorkerCode {
  readonly from: 'bundle' | 'modules' | 'sources';
  /**
   * The bundle's V8 code cache: `accepted` (compiled from it), `rejected` (V8 refused it: another
   * Node, other V8 flags; compiled anew), `absent` (none yet), `off` (DCS_BIGKEY_CODE_CACHE=off),
   * `none` (no bundle).
   */
  readonly codeCache: 'accepted' | 'rejected' | 'absent' | 'off' | 'none';
}

/** One lookup's outcome, and when it was ready (wallClockMs). */
export interface LookupAnswer {
  readonly id: number;
  readonly outcome: LookupOutcome;
  readonly answeredAt: number;
}

/** Milliseconds since the epoch, sub-millisecond and comparable between threads. */
export function wallClockMs(): number {
  return performance.timeOrigin + performance.now();
}

/** From the worker: posts a message and wakes the main thread, which may be blocked waiting for it. */
export function postToMain({ port, signal }: Pick<LookupWorkerData, 'port' | 'signal'>, message: WorkerAnswer): void {
  port.postMessage(message);
  Atomics.add(signal, 0, 1);
  Atomics.notify(signal, 0);
}
