/**
 * The client as two builds hold it: the library's modules, and the lookup worker's one-file
 * bundle (dist/construct/lookup-worker.bundle.js, made by `npm run build`), which carries its
 * own copy of the client and of undici's parts — what every synth-time lookup runs. Transport
 * tests run against both, so the bundle is proven on proxies, TLS and rogue servers too.
 */
import * as path from 'node:path';
import * as client from '../../lib/client/client';
import * as errors from '../../lib/client/errors';
import { WORKER_BUNDLE } from '../../lib/construct/worker-bundle-file';
import { REPO_ROOT } from './emulator-fixture';

export type ClientBuild = Pick<typeof client, 'DcsBigKeyClient'> & typeof errors;

/** [name, build]: the modules (TypeScript sources here), and the built worker bundle. */
export const CLIENT_BUILDS: ReadonlyArray<readonly [string, ClientBuild]> = [
  ['the modules', { ...errors, DcsBigKeyClient: client.DcsBigKeyClient }],
  ['the worker bundle', require(path.join(REPO_ROOT, 'dist', 'construct', WORKER_BUNDLE)) as ClientBuild],
];
