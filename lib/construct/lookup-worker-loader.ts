/**
 * The lookup worker's entry file (compiled JavaScript; sync-lookup.ts starts the worker with it).
 *
 * The worker sits on the critical path of every live synth: from the first construct to the
 * first request it must load the client, undici's parts and Node's HTTP modules in a fresh
 * thread. The build bundles the worker and exactly the code it runs into one file,
 * `lookup-worker.bundle.js` (scripts/bundle-worker.ts), so that loading it resolves and reads no
 * other module of this package or undici. It is compiled with V8's code cache when one is
 * there, so neither parsing it nor compiling the functions a lookup runs costs the synth again.
 *
 * The code cache is produced by the worker itself, the first time it has answered its lookups
 * without one (just before it posts those answers), and written next to the bundle — in the
 * package's own directory, so it is trusted as much as the code beside it. Its name carries the
 * SHA-256 of the bundle as read (V8 itself only compares the source's length) and the V8 version
 * and architecture, so a cache is only ever read for the exact code and engine that made it; V8
 * checks its version and flags again and rejects a cache that does not fit (the worker then
 * compiles the bundle as usual and writes a new one). A package directory that cannot be
 * written (a read-only install) simply gets no cache. DCS_BIGKEY_CODE_CACHE=off neither reads
 * nor writes one.
 *
 * Without the bundle (a build that did not make one), the worker runs from the compiled
 * modules, as before it existed; a bundle that is there but cannot be read or run fails every
 * lookup closed, naming it.
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import * as vm from 'node:vm';
import { workerData } from 'node:worker_threads';
import type * as AtomicFile from '../util/atomic-file';
import type * as LookupWorker from './lookup-worker';
import { LookupWorkerData, postToMain, WorkerCode } from './lookup-worker-protocol';
import { CODE_CACHE_ENV, codeCacheFile, WORKER_BUNDLE } from './worker-bundle-file';

type Worker = typeof LookupWorker;

/** Runs the worker from the bundle; false when there is none. Throws when it is there but cannot be read or run. */
function startFromBundle(): boolean {
  const bundleFile = path.join(__dirname, WORKER_BUNDLE);
  let bytes: Buffer;
  try {
    bytes = fs.readFileSync(bundleFile);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw error;
  }
  const useCache = process.env[CODE_CACHE_ENV] !== 'off';
  // Keyed by the content itself (about a millisecond): a cache is never used for other code,
  // however the bundle came to change (a reinstall in place, a patch).
  const cacheFile = codeCacheFile(__dirname, createHash('sha256').update(bytes).digest('hex'));
  let cachedData: Buffer | undefined;
  if (useCache) {
    try {
      cachedData = fs.readFileSync(cacheFile);
    } catch {
      // none yet (or unreadable): compiled as usual, and written after the first lookups
    }
  }
  // Node's CommonJS wrapper, so the bundle runs as a module would.
  const script = new vm.Script(`(function (exports, require, module, __filename, __dirname) {${bytes.toString('utf8')}\n})`, { filename: bundleFile, cachedData });
  const codeCache: WorkerCode['codeCache'] = !useCache ? 'off' : cachedData === undefined ? 'absent' : script.cachedDataRejected ? 'rejected' : 'accepted';
  const bundle = { exports: {} as Worker };
  script.runInThisContext()(bundle.exports, createRequire(bundleFile), bundle, bundleFile, __dirname);
  bundle.exports.runLookupWorker({ from: 'bundle', codeCache }, {
    // With the functions the lookups ran compiled by now, the cache holds them too.
    onFirstIdle: useCache && codeCache !== 'accepted' ? () => writeCodeCache(cacheFile, script.createCachedData()) : undefined,
  });
  return true;
}

/** Written whole or not at all (readers never see half a cache); a directory that cannot be written gets none. */
function writeCodeCache(file: string, data: Buffer): void {
  try {
    (require('../util/atomic-file') as typeof AtomicFile).writeFileAtomic(file, data);
  } catch {
    // a read-only install: every synth compiles the bundle, as without a cache
  }
}

let fromBundle: boolean;
try {
  fromBundle = startFromBundle();
} catch (error) {
  fromBundle = true;
  const reason = (error as Error)?.message ?? String(error);
  postToMain(workerData as LookupWorkerData, { fatal: `the lookup worker could not load ${path.join(__dirname, WORKER_BUNDLE)} (${reason}); reinstall the package` });
}
if (!fromBundle) (require('./lookup-worker') as Worker).runLookupWorker({ from: 'modules', codeCache: 'none' });
