/**
 * The worker thread behind the synchronous lookups (sync-lookup.ts): reads each lookup the
 * main thread posts, at most `concurrency` instances at once, and posts every outcome back
 * with a wake-up for the main thread, which may be blocked waiting for it. Loads only the
 * lookup batch (the client, and the parts of undici it uses, with the first lookup).
 */
import * as v8 from 'node:v8';
import { parentPort, workerData } from 'node:worker_threads';
import type * as Batch from '../lookup/batch';
import { LookupAnswer, LookupMessage, LookupWorkerData, wallClockMs, WorkerAnswer } from './lookup-worker-protocol';

const { port, signal, concurrency, processExecArgv } = workerData as LookupWorkerData;

function post(message: WorkerAnswer): void {
  port.postMessage(message);
  Atomics.add(signal, 0, 1);
  Atomics.notify(signal, 0);
}

// Outcomes ready in the same turn of the event loop go in one message: one copy and one
// wake-up of the main thread for many lookups.
const ready: LookupAnswer[] = [];
function answer(lookup: LookupAnswer): void {
  if (ready.push(lookup) === 1) {
    setImmediate(() => post({ answers: ready.splice(0) }));
  }
}

// The main thread may be blocked waiting: a failure must reach it as an answer, never only as
// an 'error' event it cannot see until it is too late.
process.on('uncaughtException', (error) => post({ fatal: `the lookup worker crashed: ${error?.message ?? String(error)}` }));

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
const userSetBudget = [...processExecArgv, ...(process.env.NODE_OPTIONS ?? '').split(/\s+/)].some((arg) => /^--wasm[-_]tiering[-_]budget/.test(arg));
let budgetRaised = false;
if (process.versions.v8.startsWith('11.3.') && !userSetBudget) {
  v8.setFlagsFromString('--wasm-tiering-budget=2000000000');
  budgetRaised = true;
}

try {
  const { LookupBatch, toFailure } = require('../lookup/batch') as typeof Batch;
  const batch = new LookupBatch({ concurrency });
  let outstanding = 0;
  parentPort!.on('message', ({ id, request }: LookupMessage) => {
    outstanding++;
    batch
      .lookup(request)
      .catch((error: unknown) => toFailure(request.instanceId, error))
      .then((outcome) => {
        answer({ id, outcome, answeredAt: wallClockMs() });
        if (--outstanding === 0 && budgetRaised) {
          v8.setFlagsFromString(`--wasm-tiering-budget=${NODE20_TIERING_BUDGET}`);
          budgetRaised = false;
        }
      });
  });
} catch (error) {
  post({ fatal: `the lookup worker could not start: ${(error as Error)?.message ?? String(error)}` });
}
