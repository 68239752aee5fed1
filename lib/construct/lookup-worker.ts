/**
 * The worker thread behind the synchronous lookups (sync-lookup.ts): reads each lookup the
 * main thread posts, at most `concurrency` instances at once, and posts every outcome back
 * with a wake-up for the main thread, which may be blocked waiting for it. Loads only the
 * lookup batch (the client, and the parts of undici it uses, with the first lookup).
 *
 * Started by the worker's entry (lookup-worker-loader.ts), which runs this module from the
 * build's single-file bundle (lookup-worker.bundle.js), or from the compiled modules when the
 * bundle is missing; from TypeScript sources, lookup-worker-tsx.cjs starts it.
 */
import * as v8 from 'node:v8';
import { parentPort, workerData } from 'node:worker_threads';
import type * as Batch from '../lookup/batch';
import { LookupAnswer, LookupMessage, LookupWorkerData, postToMain, wallClockMs, WorkerAnswer, WorkerCode } from './lookup-worker-protocol';

export interface LookupWorkerHooks {
  /**
   * Called once, when every lookup received so far has been answered for the first time, just
   * before those answers are posted (the main thread may end the worker as soon as it has them).
   */
  readonly onFirstIdle?: () => void;
}

/**
 * Node 20 (V8 11.3) only. The first response undici parses exhausts V8's default tier-up
 * budget (1,800,000) for its WebAssembly HTTP parser (llhttp), and V8 then recompiles the
 * parser with TurboFan on a background thread; a process does not exit before its background
 * tasks end, so every synth sat idle for tens of milliseconds after its last line, for a
 * parser this worker uses for a few hundred responses at most, where the baseline code serves
 * as well. The budget is raised while the worker has lookups to read; a wasm instance takes
 * the budget when it is created, so this reaches the parser created in that window (and any
 * other wasm instance the process creates in it), and the default is set back when the worker
 * first goes idle. V8 12 (Node 22, budget 13,000,000) does not recompile for a synth's
 * responses, and a budget given on the command line or in NODE_OPTIONS is left alone.
 */
const NODE20_TIERING_BUDGET = 1_800_000;

/** Runs the worker on this thread: answers every lookup posted to it. */
export function runLookupWorker(code: WorkerCode, hooks: LookupWorkerHooks = {}): void {
  const data = workerData as LookupWorkerData;
  const { concurrency, processExecArgv } = data;
  const post = (message: WorkerAnswer): void => postToMain(data, message);

  // The main thread may be blocked waiting: a failure must reach it as an answer, never only as
  // an 'error' event it cannot see until it is too late.
  process.on('uncaughtException', (error) => post({ fatal: `the lookup worker crashed: ${error?.message ?? String(error)}` }));

  const userSetBudget = [...processExecArgv, ...(process.env.NODE_OPTIONS ?? '').split(/\s+/)].some((arg) => /^--wasm[-_]tiering[-_]budget/.test(arg));
  let budgetRaised = false;
  if (process.versions.v8.startsWith('11.3.') && !userSetBudget) {
    v8.setFlagsFromString('--wasm-tiering-budget=2000000000');
    budgetRaised = true;
  }

  let outstanding = 0;
  let idleOnce = false;
  // Outcomes are posted when no lookup is outstanding, all in one message: the main thread
  // waits for every lookup registered before it waits (all posted here before it blocked), so
  // an answer posted earlier would only wake it to wait again — one copy and one wake-up for the
  // whole batch, instead of CPU taken from the lookups on a machine with few cores.
  const ready: LookupAnswer[] = [];
  const flush = (): void => {
    if (outstanding > 0 || ready.length === 0) return; // a lookup arrived meanwhile: later
    if (!idleOnce) {
      idleOnce = true;
      // Flags back to what they were when this code was compiled, before anything (a code
      // cache) records them.
      if (budgetRaised) v8.setFlagsFromString(`--wasm-tiering-budget=${NODE20_TIERING_BUDGET}`);
      budgetRaised = false;
      try {
        hooks.onFirstIdle?.();
      } catch {
        // An optimisation of later runs must never cost this one its answers.
      }
    }
    post({ answers: ready.splice(0) });
  };
  const answer = (lookup: LookupAnswer): void => {
    ready.push(lookup);
    // After this turn: lookups received in it are counted first.
    if (outstanding === 0) setImmediate(flush);
  };

  post({ loaded: code });
  try {
    const { LookupBatch, toFailure } = require('../lookup/batch') as typeof Batch;
    const batch = new LookupBatch({ concurrency });
    // Node delivers the messages queued while this thread started all at once, in one turn of
    // its event loop (hundreds, when the app built its constructs meanwhile). Starting every
    // lookup in that turn would hold back the connections and requests of the first ones until
    // the last was read; each starts in a turn of its own instead, so those go out at once.
    const inbox: LookupMessage[] = [];
    const startNext = (): void => {
      const { id, request } = inbox.shift()!;
      if (inbox.length > 0) setImmediate(startNext);
      batch
        .lookup(request)
        .catch((error: unknown) => toFailure(request.instanceId, error))
        .then((outcome) => {
          outstanding--;
          answer({ id, outcome, answeredAt: wallClockMs() });
        });
    };
    parentPort!.on('message', (message: LookupMessage) => {
      outstanding++;
      if (inbox.push(message) === 1) setImmediate(startNext);
    });
  } catch (error) {
    post({ fatal: `the lookup worker could not start: ${(error as Error)?.message ?? String(error)}` });
  }
}
