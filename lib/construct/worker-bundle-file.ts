/**
 * Names of the lookup worker's bundle and its V8 code cache, shared by the build step that
 * writes the bundle (scripts/bundle-worker.ts), the worker's entry that reads both
 * (lookup-worker-loader.ts) and tests. Loads nothing.
 */
import * as path from 'node:path';

/** The bundle, next to the worker's entry in dist/construct/. */
export const WORKER_BUNDLE = 'lookup-worker.bundle.js';
/** `off`: the worker neither reads nor writes a code cache. */
export const CODE_CACHE_ENV = 'DCS_BIGKEY_CODE_CACHE';

/**
 * The code cache for the bundle whose content has this SHA-256 (hex), made by this V8 on this
 * architecture, in `dir`.
 */
export function codeCacheFile(dir: string, bundleSha256: string): string {
  return path.join(dir, `lookup-worker.bundle.${bundleSha256.slice(0, 32)}.v8-${process.versions.v8}-${process.arch}.cache`);
}
