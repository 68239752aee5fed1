/**
 * Where the example reads from. With Huawei Cloud configured (credentials in the environment and
 * DCS_BIGKEY_INSTANCE_ID), the real service. With nothing configured, the embedded emulator
 * with the bundled demo data, started here and announced on stderr.
 */
import { CREDENTIAL_ENV_SOURCES, ENDPOINT_ENV } from '../../lib';
import { DEMO, EmulatorProcess, spawnEmulator } from '../../lib/emulator';

/** `failing` points the example at the demo instance whose latest automatic scan failed. */
export const DEMO_SWITCH_ENV = 'DCS_BIGKEY_DEMO';
export const INSTANCE_ENV = 'DCS_BIGKEY_INSTANCE_ID';

export interface ExampleEnvironment {
  readonly cacheName: string;
  readonly instanceId: string;
  readonly close: () => Promise<void>;
}

export async function exampleEnvironment(env: NodeJS.ProcessEnv = process.env): Promise<ExampleEnvironment> {
  const cloudConfigured = !!env[ENDPOINT_ENV] || CREDENTIAL_ENV_SOURCES.some((s) => !!env[s.ak]);
  if (cloudConfigured) {
    const instanceId = env[INSTANCE_ENV];
    if (!instanceId) throw new Error(`credentials or an endpoint are configured, so the example reads a real instance: set ${INSTANCE_ENV} to its id (and HW_PROJECT_ID, HW_REGION_NAME)`);
    return { cacheName: env.DCS_BIGKEY_CACHE_NAME ?? 'cache', instanceId, close: async () => undefined };
  }

  const failing = env[DEMO_SWITCH_ENV] === 'failing';
  const emulator: EmulatorProcess = await spawnEmulator({ quiet: true });
  // The constructs read their connection from the environment, as they would in a real app.
  Object.assign(env, { [ENDPOINT_ENV]: emulator.url, HW_PROJECT_ID: DEMO.projectId, HW_ACCESS_KEY: DEMO.accessKey, HW_SECRET_KEY: DEMO.secretKey });
  process.stderr.write(
    `dcs-bigkey example: no Huawei Cloud credentials or endpoint configured; started the embedded DCS emulator at ${emulator.url} ` +
      `with the bundled demo data (data/emulator-demo.json)${failing ? `; ${DEMO_SWITCH_ENV}=failing: using the instance whose latest automatic scan failed` : ''}\n`,
  );
  return failing
    ? { cacheName: 'sessions-cache', instanceId: DEMO.instances.sessionsCache, close: () => emulator.stop() }
    : { cacheName: 'orders-cache', instanceId: DEMO.instances.ordersCache, close: () => emulator.stop() };
}
