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
 * The lifecycle every emulator-backed test file shares: the process `start` spawns, started
 * before the file's tests, stopped after them, its faults and stats cleared before each test
 * (so each test sees only its own). The field is set once the tests run.
 */
export function useEmulatorProcess(start: () => Promise<EmulatorProcess>): { readonly emulator: EmulatorProcess } {
  const context = {} as { emulator: EmulatorProcess };
  beforeAll(async () => {
    context.emulator = await start();
  });
  afterAll(async () => context.emulator?.stop());
  beforeEach(async () => {
    await context.emulator.admin.clearFaults();
    await context.emulator.admin.resetStats();
  });
  return context;
}

/** The demo emulator for a test file (useEmulatorProcess), with the connection props of its demo project. */
export function useDemoEmulator(): DemoEmulatorContext {
  const context = useEmulatorProcess(startDemoEmulator) as { emulator: EmulatorProcess; connection: DemoConnection };
  beforeAll(() => {
    context.connection = { endpoint: context.emulator.url, projectId: DEMO.projectId, accessKey: DEMO.accessKey, secretKey: DEMO.secretKey };
  });
  return context;
}

export interface DemoClientContext {
  readonly emulator: EmulatorProcess;
  /** A client of the demo project with short retry waits. */
  readonly client: DcsBigKeyClient;
}

/** The demo emulator and a client of it for a test file (useEmulatorProcess). */
export function useDemoClient(): DemoClientContext {
  const context = useEmulatorProcess(startDemoEmulator) as { emulator: EmulatorProcess; client: DcsBigKeyClient };
  beforeAll(() => {
    context.client = new DcsBigKeyClient({ ...demoClientOptions(context.emulator), retry: { minDelayMs: 10, maxDelayMs: 200 } });
  });
  afterAll(async () => context.client?.close());
  return context;
}
