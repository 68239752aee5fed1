/**
 * The emulator for integration tests: the bundled demo data plus a temporary credential, run
 * as a separate process (the synchronous lookup blocks this thread; a server here would deadlock).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { DcsBigKeyClient } from '../../lib/client/client';
import { DEMO, EmulatorData, EmulatorProcess, spawnEmulator } from '../../lib/emulator';

export { DEMO };
export const REPO_ROOT = path.resolve(__dirname, '..', '..');
export const DEMO_DATA_FILE = path.join(REPO_ROOT, 'data', 'emulator-demo.json');

/** Temporary (STS-style) credentials the test data adds; the token must be sent and signed. */
export const TEMP = { accessKey: 'DCSEMULATORTEMPAK002', secretKey: 'dcs-emulator-temp-secret-1111111111111111', securityToken: 'dcs-emulator-temp-token-2222' };

export function demoData(): EmulatorData {
  const data = JSON.parse(fs.readFileSync(DEMO_DATA_FILE, 'utf8')) as EmulatorData & { $comment?: string };
  const { $comment, ...rest } = data;
  void $comment;
  return {
    ...rest,
    credentials: [...rest.credentials, { access_key: TEMP.accessKey, secret_key: TEMP.secretKey, security_token: TEMP.securityToken }],
  };
}

export async function startDemoEmulator(): Promise<EmulatorProcess> {
  return spawnEmulator({ data: demoData(), quiet: true });
}

/** Client options for the demo project on a running emulator. */
export function demoClientOptions(emulator: EmulatorProcess) {
  return { endpoint: emulator.url, projectId: DEMO.projectId, accessKey: DEMO.accessKey, secretKey: DEMO.secretKey, env: {} };
}

/** A random instance id for per-test data. */
export function newInstanceId(): string {
  return require('node:crypto').randomUUID();
}

/** Every secret the tests use: no output may contain any of them. */
export const SECRETS = [DEMO.secretKey, TEMP.secretKey, TEMP.securityToken];

/** Connection props of the demo project on a running emulator (for constructs). */
export interface DemoConnection {
  readonly endpoint: string;
  readonly projectId: string;
  readonly accessKey: string;
  readonly secretKey: string;
}

export interface DemoEmulatorContext {
  readonly emulator: EmulatorProcess;
  readonly connection: DemoConnection;
}

/**
 * The demo emulator for a test file: started before its tests (in its own process), its faults
 * cleared after each test, stopped at the end. The fields are set once the tests run.
 */
export function useDemoEmulator(): DemoEmulatorContext {
  const context = {} as { emulator: EmulatorProcess; connection: DemoConnection };
  beforeAll(async () => {
    context.emulator = await startDemoEmulator();
    context.connection = { endpoint: context.emulator.url, projectId: DEMO.projectId, accessKey: DEMO.accessKey, secretKey: DEMO.secretKey };
  });
  afterAll(async () => context.emulator?.stop());
  afterEach(async () => context.emulator?.admin.clearFaults());
  return context;
}

export interface DemoClientContext {
  readonly emulator: EmulatorProcess;
  /** A client of the demo project with short retry waits. */
  readonly client: DcsBigKeyClient;
}

/** The demo emulator and a client of it for a test file (faults cleared after each test). */
export function useDemoClient(): DemoClientContext {
  const context = {} as { emulator: EmulatorProcess; client: DcsBigKeyClient };
  beforeAll(async () => {
    context.emulator = await startDemoEmulator();
    context.client = new DcsBigKeyClient({ ...demoClientOptions(context.emulator), retry: { minDelayMs: 10, maxDelayMs: 200 } });
  });
  afterAll(async () => {
    await context.client?.close();
    await context.emulator?.stop();
  });
  afterEach(async () => context.emulator?.admin.clearFaults());
  return context;
}
