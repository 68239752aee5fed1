/**
 * The client's transport over real sockets: the proxy from HTTP_PROXY / HTTPS_PROXY, NO_PROXY,
 * and a private CA given as `ca`. The emulator and the forward proxy each run in their own
 * process (test/support/proxy-server.ts); the proxy counts the tunnels and requests it carried.
 * No HTTP is mocked. Every case runs against the client's modules and against the lookup
 * worker's bundle (test/support/client-builds.ts).
 */
import { Agent, request } from 'undici';
import type { DcsBigKeyClient } from '../../lib/client/client';
import type { DcsNetworkError } from '../../lib/client/errors';
import * as path from 'node:path';
import { EmulatorProcess, EmulatorStats, runEmulatorCommand, spawnEmulator } from '../../lib/emulator';
import { DEMO, demoClientOptions, demoData, startDemoEmulator } from '../support/emulator-fixture';
import { CLIENT_BUILDS, ClientBuild } from '../support/client-builds';
import { ProxyProcess, startProxy } from '../support/proxy-server';
import { TestPki, createTestPki, opensslUnavailableReason } from '../support/tls';

/** The variables undici's EnvHttpProxyAgent reads (lower case first). */
const PROXY_ENV = ['http_proxy', 'HTTP_PROXY', 'https_proxy', 'HTTPS_PROXY', 'no_proxy', 'NO_PROXY'] as const;
const ORDERS = DEMO.instances.ordersCache;
const ORDERS_TASKS = 12;

let emulator: EmulatorProcess;
let proxy: ProxyProcess;
let savedEnv: Record<string, string | undefined>;

beforeAll(async () => {
  [emulator, proxy] = await Promise.all([startDemoEmulator(), startProxy()]);
});
afterAll(async () => {
  await Promise.all([emulator?.stop(), proxy?.stop()]);
});
beforeEach(async () => {
  // Each test starts with no proxy settings at all (whatever the machine has) and gets them back after.
  savedEnv = Object.fromEntries(PROXY_ENV.map((name) => [name, process.env[name]]));
  for (const name of PROXY_ENV) delete process.env[name];
  await proxy.reset();
});
afterEach(() => {
  for (const name of PROXY_ENV) {
    if (savedEnv[name] === undefined) delete process.env[name];
    else process.env[name] = savedEnv[name];
  }
});

/** A client of this build whose environment holds these proxy variables (the client reads them from its `env` and hands them to undici). */
function clientWithEnv(build: ClientBuild, env: Partial<Record<(typeof PROXY_ENV)[number], string>>, options: NonNullable<ConstructorParameters<typeof DcsBigKeyClient>[0]>): DcsBigKeyClient {
  return new build.DcsBigKeyClient({ ...options, env: { ...options.env, ...env } });
}

async function withClient<T>(client: DcsBigKeyClient, use: (client: DcsBigKeyClient) => Promise<T>): Promise<T> {
  try {
    return await use(client);
  } finally {
    await client.close();
  }
}

async function failure(promise: Promise<unknown>): Promise<Error> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e as Error,
  );
  if (!error) throw new Error('expected a failure');
  return error;
}

describe.each(CLIENT_BUILDS)('proxy from the environment (plain http:// endpoint), client from %s', (_build, build) => {
  it('goes through HTTP_PROXY: one CONNECT tunnel to the emulator carries the listing', async () => {
    const client = clientWithEnv(build, { HTTP_PROXY: proxy.url, HTTPS_PROXY: proxy.url }, demoClientOptions(emulator));
    const listing = await withClient(client, (c) => c.listAllBigKeyTasks(ORDERS));
    expect(listing.count).toBe(ORDERS_TASKS);
    expect(listing.records).toHaveLength(ORDERS_TASKS);
    expect(listing.meta.source).toBe('emulator');
    expect(await proxy.stats()).toEqual({ tunnels: 1, requests: 0, targets: [new URL(emulator.url).host] });
  });

  it('bypasses the proxy for a host in NO_PROXY', async () => {
    const client = clientWithEnv(build, { HTTP_PROXY: proxy.url, HTTPS_PROXY: proxy.url, NO_PROXY: '127.0.0.1' }, demoClientOptions(emulator));
    const listing = await withClient(client, (c) => c.listAllBigKeyTasks(ORDERS));
    expect(listing.count).toBe(ORDERS_TASKS);
    expect(await proxy.stats()).toEqual({ tunnels: 0, requests: 0, targets: [] });
  });

  it('uses the proxy variables of the client\'s env, not whatever process.env holds (what is checked is what is used)', async () => {
    process.env.HTTP_PROXY = proxy.url;
    process.env.http_proxy = proxy.url;
    const client = new build.DcsBigKeyClient(demoClientOptions(emulator)); // env: {}
    await withClient(client, (c) => c.listAllBigKeyTasks(ORDERS));
    expect(await proxy.stats()).toEqual({ tunnels: 0, requests: 0, targets: [] });
    // and a malformed one in process.env is no concern of a client given its own env
    process.env.HTTPS_PROXY = 'not a url';
    await withClient(new build.DcsBigKeyClient(demoClientOptions(emulator)), (c) => c.listAllBigKeyTasks(ORDERS));
  });

  it('still uses the proxy when the NO_PROXY entry names the host with another port', async () => {
    const client = clientWithEnv(build, { HTTP_PROXY: proxy.url, NO_PROXY: '127.0.0.1:1' }, demoClientOptions(emulator));
    await withClient(client, (c) => c.listAllBigKeyTasks(ORDERS));
    expect((await proxy.stats()).tunnels).toBe(1);
  });
});

const noOpenssl = opensslUnavailableReason();
const describeTls = noOpenssl === undefined ? describe : describe.skip;

describeTls(`TLS with a private CA${noOpenssl === undefined ? '' : ` (SKIPPED: ${noOpenssl})`}`, () => {
  let pki: TestPki;
  let tlsEmulator: EmulatorProcess;
  let adminAgent: Agent;

  beforeAll(async () => {
    pki = createTestPki();
    tlsEmulator = await spawnEmulator({ data: demoData(), quiet: true, tls: { certFile: pki.certFile, keyFile: pki.keyFile } });
    // spawnEmulator's admin client trusts only the system CAs: read the stats with one that trusts ours.
    adminAgent = new Agent({ connect: { ca: pki.caPem } });
  });
  afterAll(async () => {
    await adminAgent?.close();
    await tlsEmulator?.stop();
    pki?.cleanup();
  });

  /** DCS requests (admin calls excluded) the TLS emulator has answered since it started. */
  async function dcsRequests(): Promise<number> {
    const response = await request(`${tlsEmulator.url}/_emulator/stats`, { dispatcher: adminAgent });
    return ((await response.body.json()) as EmulatorStats).requests;
  }

  function tlsOptions(withCa: boolean) {
    return { ...demoClientOptions(tlsEmulator), ...(withCa ? { ca: pki.caPem } : {}), retry: { minDelayMs: 10, maxDelayMs: 50 } };
  }

  function expectCertificateFailure(build: ClientBuild, error: Error): asserts error is DcsNetworkError {
    expect(error).toBeInstanceOf(build.DcsNetworkError);
    const network = error as DcsNetworkError;
    expect(network.code).toBe('UNABLE_TO_VERIFY_LEAF_SIGNATURE');
    expect(network.message).toMatch(/unable to verify the first certificate/);
    expect(network.message).toContain(tlsEmulator.url);
    expect(network.attempts).toBe(1);
  }

  it('the emulator serves https://127.0.0.1:PORT', () => {
    expect(tlsEmulator.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
  });

  it.each([
    [['--tls-cert', 'CERT'], /--tls-cert and --tls-key go together \(got only --tls-cert\)/],
    [['--tls-key', 'KEY'], /--tls-cert and --tls-key go together \(got only --tls-key\)/],
    [['--tls-cert', 'MISSING', '--tls-key', 'KEY'], /cannot read the TLS certificate .*missing\.pem/],
    [['--tls-cert', 'CERT', '--tls-key', 'CA_KEY'], /unusable TLS certificate .* and key .*ca\.key/],
  ])('emulator command: %j is a usage error (exit 2, nothing served)', async (argv, message) => {
    const files: Record<string, string> = { CERT: pki.certFile, KEY: pki.keyFile, CA_KEY: path.join(pki.dir, 'ca.key'), MISSING: path.join(pki.dir, 'missing.pem') };
    let out = '';
    let err = '';
    const io = { stdout: { write: (t: string) => (out += t) }, stderr: { write: (t: string) => (err += t) } };
    expect(await runEmulatorCommand(argv.map((a) => files[a] ?? a), io)).toBe(2);
    expect(err).toMatch(/^dcs-bigkey emulator: /);
    expect(err).toMatch(message);
    expect(out).toBe('');
  });

  describe.each(CLIENT_BUILDS)('client from %s', (_build, build) => {
    it('without `ca`: DcsNetworkError naming the certificate problem, 1 attempt, and no DCS request reached the emulator', async () => {
      const before = await dcsRequests();
      const client = new build.DcsBigKeyClient(tlsOptions(false));
      const error = await withClient(client, (c) => failure(c.listAllBigKeyTasks(ORDERS)));
      expectCertificateFailure(build, error);
      expect(await dcsRequests()).toBe(before);
    });

    it('with `ca`: lists the tasks over https://127.0.0.1:PORT', async () => {
      const before = await dcsRequests();
      const client = new build.DcsBigKeyClient(tlsOptions(true));
      const listing = await withClient(client, (c) => c.listAllBigKeyTasks(ORDERS));
      expect(listing.count).toBe(ORDERS_TASKS);
      expect(listing.records).toHaveLength(ORDERS_TASKS);
      expect(listing.meta.requests).toBe(1);
      expect(await dcsRequests()).toBe(before + 1);
    });

    it('with `ca`, HTTPS_PROXY set and the host in NO_PROXY: connects directly and trusts the CA', async () => {
      const client = clientWithEnv(build, { HTTP_PROXY: proxy.url, HTTPS_PROXY: proxy.url, NO_PROXY: '127.0.0.1' }, tlsOptions(true));
      const listing = await withClient(client, (c) => c.listAllBigKeyTasks(ORDERS));
      expect(listing.count).toBe(ORDERS_TASKS);
      expect((await proxy.stats()).tunnels).toBe(0);
    });

    it('routes https:// through HTTPS_PROXY: a CONNECT tunnel to the emulator, TLS inside it (checked without `ca`)', async () => {
      const before = await dcsRequests();
      const client = clientWithEnv(build, { HTTP_PROXY: proxy.url, HTTPS_PROXY: proxy.url }, tlsOptions(false));
      const error = await withClient(client, (c) => failure(c.listAllBigKeyTasks(ORDERS)));
      // The certificate check happens end to end, through the tunnel: the proxy sees no TLS.
      expectCertificateFailure(build, error);
      expect(await proxy.stats()).toEqual({ tunnels: 1, requests: 0, targets: [new URL(tlsEmulator.url).host] });
      expect(await dcsRequests()).toBe(before);
    });

    // Regression: undici's ProxyAgent does the TLS to the target inside the tunnel with
    // `requestTls` only (not `connect`), so the client must pass the CA to both.
    it('with `ca` and HTTPS_PROXY, the tunnelled TLS connection trusts the CA', async () => {
      const client = clientWithEnv(build, { HTTP_PROXY: proxy.url, HTTPS_PROXY: proxy.url }, tlsOptions(true));
      const listing = await withClient(client, (c) => c.listAllBigKeyTasks(ORDERS));
      expect(listing.count).toBe(ORDERS_TASKS);
      expect((await proxy.stats()).tunnels).toBe(1);
    });
  });
});
