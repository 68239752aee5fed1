/**
 * Build step after `tsc` (npm run build): bundles the lookup worker — the compiled modules it
 * runs and exactly the parts of undici they load — into one file,
 * dist/construct/lookup-worker.bundle.js, which the worker's entry (lookup-worker-loader.ts)
 * runs. One file instead of about seventy: the worker, on the critical path of every live synth,
 * resolves and reads no module, and V8 can cache the compiled bundle as a whole.
 *
 * - Input is the compiled JavaScript in dist/, so the bundle runs the same code as the modules
 *   it replaces (which stay in the package, the worker's fallback).
 * - undici's HTTP/2 client is loaded on first use instead of with its HTTP/1 client: the client
 *   never asks for HTTP/2 (no `allowH2`), and `node:http2` with `node:tls` is the largest part
 *   of the worker's start. Should an undici release change the line this rewrites, the bundle is
 *   built without the rewrite (a warning says so): it costs start time, never correctness.
 * - undici's index stays outside the bundle: the client falls back to it only when one of the
 *   part files it names is missing, which cannot happen inside the bundle.
 *
 *   node --import tsx scripts/bundle-worker.ts
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as esbuild from 'esbuild';
import { WORKER_BUNDLE } from '../lib/construct/worker-bundle-file';

const DIST = path.resolve(__dirname, '..', 'dist', 'construct');
const ENTRY = path.join(DIST, 'lookup-worker-bundle.js');
const OUTPUT = path.join(DIST, WORKER_BUNDLE);

/** undici's HTTP/1 client module, and the line that loads its HTTP/2 client with it. */
const UNDICI_CLIENT = /[\\/]undici[\\/]lib[\\/]dispatcher[\\/]client\.js$/;
const EAGER_H2 = "const connectH2 = require('./client-h2.js')";
const LAZY_H2 = "let loadedConnectH2\nconst connectH2 = (...args) => (loadedConnectH2 ??= require('./client-h2.js'))(...args)";

const lazyHttp2: esbuild.Plugin = {
  name: 'undici-lazy-http2',
  setup(build) {
    build.onLoad({ filter: UNDICI_CLIENT }, (args) => {
      const source = fs.readFileSync(args.path, 'utf8');
      if (source.split(EAGER_H2).length !== 2) {
        return { contents: source, loader: 'js', warnings: [{ text: `undici's ${args.path} no longer has the line \`${EAGER_H2}\`: its HTTP/2 client is bundled as is (loaded with the HTTP/1 client)` }] };
      }
      return { contents: source.replace(EAGER_H2, LAZY_H2), loader: 'js' };
    });
    build.onResolve({ filter: /^undici$/ }, () => ({ path: 'undici', external: true }));
  },
};

async function main(): Promise<void> {
  const result = await esbuild.build({
    entryPoints: [ENTRY],
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    write: false,
    metafile: true,
    logLevel: 'warning',
    plugins: [lazyHttp2],
    legalComments: 'inline',
  });
  const inputs = Object.keys(result.metafile.inputs);
  const foreign = inputs.filter((file) => /node_modules[\\/](?!undici[\\/])/.test(file));
  if (foreign.length > 0) throw new Error(`the worker bundle would hold modules other than undici's and this package's: ${foreign.join(', ')}`);
  fs.writeFileSync(OUTPUT, result.outputFiles[0].contents);
  const undiciFiles = inputs.filter((file) => /node_modules[\\/]undici[\\/]/.test(file)).length;
  // stderr: `npm pack --json` runs this build (prepare) and its stdout must stay JSON.
  process.stderr.write(`${path.relative(process.cwd(), OUTPUT)}: ${inputs.length - undiciFiles} modules of this package, ${undiciFiles} of undici, ${(fs.statSync(OUTPUT).size / 1024).toFixed(0)} KiB\n`);
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
