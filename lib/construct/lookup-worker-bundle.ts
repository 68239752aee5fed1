/**
 * The entry of the lookup worker's bundle (scripts/bundle-worker.ts bundles the compiled
 * modules from here into dist/construct/lookup-worker.bundle.js): the worker, and — so that the
 * transport tests run against the very code the worker runs — the client and its errors.
 */
export { runLookupWorker } from './lookup-worker';
export { DcsBigKeyClient } from '../client/client';
export * from '../client/errors';
