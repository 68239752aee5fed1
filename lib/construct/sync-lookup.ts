/**
 * Blocking on the network from a constructor, as cdktf requires (no async constructs): the batch
 * runs in a worker thread (synckit: worker + Atomics.wait + receiveMessageOnPort) while this
 * thread waits. Servers the lookups talk to must live in another process or thread, never on
 * this one, or they would deadlock.
 *
 * From compiled JavaScript the worker is `lookup-worker.js`; when the library runs from its
 * TypeScript sources (its own tests, the example under tsx) a shim loads it through tsx.
 */
import * as path from 'node:path';
import { createSyncFn } from 'synckit';
import { DcsConfigError } from '../client/errors';
import { refuseInProcessServers } from '../lookup/in-process-guard';
import type { BatchOptions, LookupOutcome } from '../lookup/batch';
import type { LookupRequest } from '../lookup/lookup-request';

type LookupManySync = (requests: readonly LookupRequest[], options: BatchOptions) => LookupOutcome[];

/** Far above the client's own per-request deadline; only guards against a wedged worker. */
const DEFAULT_WORKER_TIMEOUT_MS = 15 * 60_000;

let lookupManyFn: LookupManySync | undefined;

/**
 * Starts the worker thread without waiting for it: called when the first lookup is registered,
 * so the worker boots while the app goes on building constructs, off the synth's critical path.
 */
export function warmUpLookupWorker(): void {
  if (!lookupManyFn) {
    const fromSources = path.extname(__filename) === '.ts';
    const worker = path.join(__dirname, fromSources ? 'lookup-worker-tsx.cjs' : 'lookup-worker.js');
    const raw = process.env.DCS_BIGKEY_WORKER_TIMEOUT_MS;
    const timeout = raw === undefined ? DEFAULT_WORKER_TIMEOUT_MS : Number(raw);
    if (!Number.isInteger(timeout) || timeout < 1) {
      throw new DcsConfigError(`invalid DCS_BIGKEY_WORKER_TIMEOUT_MS ${JSON.stringify(raw)}: expected an integer number of milliseconds >= 1`);
    }
    lookupManyFn = createSyncFn(worker, { timeout, execArgv: [] }) as unknown as LookupManySync;
  }
}

export function lookupManySync(requests: readonly LookupRequest[], options: BatchOptions = {}): LookupOutcome[] {
  if (requests.length === 0) return [];
  refuseInProcessServers(requests);
  warmUpLookupWorker();
  return lookupManyFn!(requests, options);
}
