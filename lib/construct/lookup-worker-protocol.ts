/**
 * The messages between the constructs' thread (sync-lookup.ts) and the lookup worker
 * (lookup-worker.ts). Loads nothing: both sides import it.
 */
import type { MessagePort } from 'node:worker_threads';
import type { LookupOutcome } from '../lookup/batch';
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

/** The worker's message: outcomes of lookups (those ready at once), or the worker itself failed. */
export type WorkerAnswer = { readonly answers: readonly LookupAnswer[] } | { readonly fatal: string };

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
