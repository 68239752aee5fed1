/**
 * Blocking on the network from a constructor, as cdktf requires (no async constructs), without
 * making the app wait longer than the lookups themselves:
 *   - one worker thread runs the lookups; it is started when the first live lookup is
 *     registered, so its start (Node's worker boot, then the client and undici loaded there)
 *     overlaps with the rest of the app's construction;
 *   - each lookup is posted to it as soon as it is registered (posting does not block), so the
 *     requests are in flight while the app is still being built; the worker bounds how many;
 *   - when a value is needed, this thread blocks (Atomics.wait) until the worker has answered
 *     the lookups asked for, each answer a message read with receiveMessageOnPort;
 *   - the worker is ended once synth has every answer (endLookupWorkerWhenIdle), so no thread
 *     outlives its use.
 * This module loads no HTTP stack: only the worker does. Servers the lookups talk to must live
 * in another process or thread, never on this one, or they would deadlock.
 *
 * From compiled JavaScript the worker's entry is `lookup-worker-loader.js`, which runs the
 * build's one-file bundle of the worker (with V8's code cache) or else the compiled modules; when
 * the library runs from its TypeScript sources (its own tests, the example under tsx) a shim
 * loads it through tsx.
 */
import * as path from 'node:path';
import { MessageChannel, MessagePort, receiveMessageOnPort, Worker } from 'node:worker_threads';
import { positiveIntegerFromEnv } from '../client/validation';
import type { LookupOutcome } from '../lookup/outcome';
import type { LookupRequest } from '../lookup/lookup-request';
import { LookupAnswer, LookupMessage, LookupWorkerData, wallClockMs, WorkerAnswer, WorkerCode } from './lookup-worker-protocol';

/** Far above the client's own per-request deadline; only guards against a wedged worker. */
const DEFAULT_WORKER_TIMEOUT_MS = 15 * 60_000;

export class LookupWorker {
  private readonly worker: Worker;
  private readonly port: MessagePort;
  private readonly signal = new Int32Array(new SharedArrayBuffer(4));
  private readonly answers = new Map<number, LookupAnswer>();
  private outstanding = 0;
  private failure?: string;
  private ended = false;
  /** What the worker said it runs (its first message). */
  code?: WorkerCode;
  /** Messages of answers read from the worker. */
  answerMessages = 0;

  constructor(concurrency: number, private readonly timeoutMs: number) {
    const fromSources = path.extname(__filename) === '.ts';
    const file = path.join(__dirname, fromSources ? 'lookup-worker-tsx.cjs' : 'lookup-worker-loader.js');
    const { port1, port2 } = new MessageChannel();
    this.port = port1;
    const workerData: LookupWorkerData = { port: port2, signal: this.signal, concurrency, processExecArgv: process.execArgv };
    // execArgv []: the app's own flags (e.g. a TypeScript loader) are not for this worker.
    this.worker = new Worker(file, { workerData, transferList: [port2], execArgv: [] });
    // Never keeps the process alive; its failures reach the waiting thread as answers, and an
    // error event after that has no one left to tell.
    this.worker.unref();
    this.worker.on('error', (error) => (this.failure ??= error.message));
  }

  get idle(): boolean {
    return this.outstanding === 0;
  }

  post(message: LookupMessage): void {
    this.outstanding++;
    this.worker.postMessage(message);
  }

  /** Blocks until every id is answered; throws when the worker failed or did not answer in time. */
  await(ids: readonly number[]): LookupAnswer[] {
    const deadline = Date.now() + this.timeoutMs;
    for (;;) {
      // Read the counter before draining: an answer posted after the drain changes it, so the
      // wait below returns at once instead of missing it.
      const seen = Atomics.load(this.signal, 0);
      if (!this.ended) this.drain();
      if (ids.every((id) => this.answers.has(id))) break;
      if (this.failure !== undefined) throw new Error(this.failure);
      if (this.ended) throw new Error('the worker was ended before it answered');
      const left = deadline - Date.now();
      if (left <= 0 || Atomics.wait(this.signal, 0, seen, left) === 'timed-out') {
        throw new Error(`no answer within ${this.timeoutMs} ms (DCS_BIGKEY_WORKER_TIMEOUT_MS)`);
      }
    }
    return ids.map((id) => {
      const answer = this.answers.get(id)!;
      this.answers.delete(id);
      return answer;
    });
  }

  /** Ends the thread (its answers read so far stay here to be claimed); false if already ended. */
  end(): boolean {
    if (this.ended) return false;
    this.ended = true;
    this.drain();
    this.port.close();
    void this.worker.terminate();
    return true;
  }

  private drain(): void {
    for (let received = receiveMessageOnPort(this.port); received; received = receiveMessageOnPort(this.port)) {
      const message = received.message as WorkerAnswer;
      if ('fatal' in message) {
        this.failure ??= message.fatal;
        continue;
      }
      if ('loaded' in message) {
        this.code = message.loaded;
        continue;
      }
      this.answerMessages++;
      for (const answer of message.answers) {
        this.answers.set(answer.id, answer);
        this.outstanding--;
      }
    }
  }
}

/** A lookup posted to a worker, to await. Times are wall-clock milliseconds (epoch). */
export interface LookupTicket {
  readonly worker: LookupWorker;
  readonly id: number;
  readonly postedAt: number;
  /** Set by awaitLookups: when the worker answered. */
  answeredAt?: number;
}

let current: LookupWorker | undefined;
let latest: LookupWorker | undefined;
let nextId = 0;
const stats = { started: 0, ended: 0 };

/** DCS_BIGKEY_WORKER_TIMEOUT_MS, checked; unset or empty (as for every variable of the library): the default. */
export function workerTimeoutMs(env: NodeJS.ProcessEnv = process.env): number {
  return positiveIntegerFromEnv(env, 'DCS_BIGKEY_WORKER_TIMEOUT_MS', DEFAULT_WORKER_TIMEOUT_MS, 'an integer number of milliseconds >= 1');
}

/**
 * Posts a lookup to the worker now, starting the worker if none is running. Throws
 * DcsConfigError for a bad DCS_BIGKEY_WORKER_TIMEOUT_MS, before anything starts.
 */
export function startLookup(request: LookupRequest, concurrency: number): LookupTicket {
  if (!current) {
    current = latest = new LookupWorker(concurrency, workerTimeoutMs());
    stats.started++;
  }
  const ticket: LookupTicket = { worker: current, id: nextId++, postedAt: wallClockMs() };
  current.post({ id: ticket.id, request });
  return ticket;
}

/**
 * The outcomes of these lookups, in order, blocking this thread until their worker has answered
 * them all. Throws when the worker failed or did not answer within its timeout; that worker is
 * then ended, and the next lookup starts a new one.
 */
export function awaitLookups(tickets: readonly LookupTicket[]): LookupOutcome[] {
  const outcomes = new Map<LookupTicket, LookupOutcome>();
  for (const worker of new Set(tickets.map((t) => t.worker))) {
    const mine = tickets.filter((t) => t.worker === worker);
    try {
      worker.await(mine.map((t) => t.id)).forEach(({ outcome, answeredAt }, i) => {
        outcomes.set(mine[i], outcome);
        mine[i].answeredAt = answeredAt;
      });
    } catch (error) {
      endWorker(worker);
      throw error;
    }
  }
  return tickets.map((t) => outcomes.get(t)!);
}

/** Ends the worker once it has no lookup outstanding: called when synth has every answer. */
export function endLookupWorkerWhenIdle(): void {
  if (current?.idle) endWorker(current);
}

function endWorker(worker: LookupWorker): void {
  if (!worker.end()) return;
  stats.ended++;
  if (current === worker) current = undefined;
}

/** Workers started and ended by this process so far (for tests). */
export function lookupWorkerStats(): { readonly started: number; readonly ended: number; readonly running: boolean } {
  return { ...stats, running: current !== undefined };
}

/** What the latest worker runs, once its first message was read (for tests); undefined before. */
export function lookupWorkerCode(): WorkerCode | undefined {
  return latest?.code;
}

/** Messages of answers the latest worker posted and this thread read (for tests). */
export function lookupWorkerAnswerMessages(): number {
  return latest?.answerMessages ?? 0;
}
