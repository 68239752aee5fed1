/**
 * The client loads undici when the first client is created, and only the parts it uses, by
 * their own module paths (not undici's index, which loads fetch, WebSocket, the cache and mock
 * agents...). Should a release move one of those files, it loads the index instead and works
 * the same. Checked in fresh processes running the built package against the emulator (a
 * process that had loaded undici's index, as a test file importing undici has, would hide a part
 * that is missing), also through a forward proxy, whose tunnels need undici's `connect()`.
 */
import { EmulatorProcess } from '../../lib/emulator';
import { runNode } from '../support/child-node';
import { DEMO, startDemoEmulator } from '../support/emulator-fixture';
import { ProxyProcess, startProxy } from '../support/proxy-server';

const CHILD = `
const proxy = process.env.PROXY ? { HTTP_PROXY: process.env.PROXY } : {};
const undiciFiles = () => Object.keys(require.cache).filter((f) => f.includes('/node_modules/undici/')).map((f) => f.slice(f.indexOf('/node_modules/undici/') + 21));
const { DcsBigKeyClient } = require('./dist');
const loadedAtRequire = undiciFiles();
const client = new DcsBigKeyClient({ endpoint: process.env.ENDPOINT, projectId: '${DEMO.projectId}', accessKey: '${DEMO.accessKey}', secretKey: '${DEMO.secretKey}', env: proxy });
client.listAllBigKeyTasks('${DEMO.instances.ordersCache}')
  .then((listing) => process.stdout.write(JSON.stringify({ loadedAtRequire, loaded: undiciFiles(), count: listing.count, source: listing.meta.source })))
  .finally(() => client.close());
`;

let emulator: EmulatorProcess;
let proxy: ProxyProcess;
beforeAll(async () => {
  [emulator, proxy] = await Promise.all([startDemoEmulator(), startProxy()]);
});
afterAll(async () => Promise.all([emulator?.stop(), proxy?.stop()]));

function run(hide: string[] = [], env: Record<string, string> = {}) {
  const result = runNode(CHILD, { hide, env: { ENDPOINT: emulator.url, ...env } });
  if (result.status !== 0) throw new Error(`child failed (${result.status}): ${result.stderr}`);
  return JSON.parse(result.stdout) as { loadedAtRequire: string[]; loaded: string[]; count: number; source: string };
}

it("through HTTP_PROXY too: the proxy agent's CONNECT tunnel works with only the parts loaded", async () => {
  await proxy.reset();
  const report = run([], { PROXY: proxy.url });
  expect(report.loaded).not.toContain('index.js');
  expect(report.loaded).toContain('lib/api/api-connect.js');
  expect(report).toMatchObject({ count: expect.any(Number), source: 'emulator' });
  expect(await proxy.stats()).toEqual({ tunnels: 1, requests: 0, targets: [new URL(emulator.url).host] });
});

it('loads nothing of undici with the package, then only the parts it uses, by path, and lists the tasks', () => {
  const report = run();
  expect(report.loadedAtRequire).toEqual([]);
  expect(report.loaded).toEqual(expect.arrayContaining(['lib/dispatcher/env-http-proxy-agent.js', 'lib/interceptor/retry.js', 'lib/interceptor/response-error.js', 'lib/api/api-connect.js']));
  // The client reads bodies with its own dispatch handler: not undici's request() nor its body stream.
  for (const part of ['lib/api/api-request.js', 'lib/api/readable.js', 'index.js', 'lib/web/fetch/index.js', 'lib/web/websocket/websocket.js', 'lib/mock/mock-agent.js', 'lib/interceptor/cache.js']) expect(report.loaded).not.toContain(part);
  expect(report).toMatchObject({ count: expect.any(Number), source: 'emulator' });
  expect(report.count).toBeGreaterThan(0);
});

it("falls back to undici's index when one of those files cannot be found, and works the same", () => {
  const parts = run();
  const fallback = run(['undici/lib/dispatcher/env-http-proxy-agent']);
  expect(fallback.loaded).toContain('index.js');
  expect(fallback).toMatchObject({ count: parts.count, source: 'emulator' });
});
