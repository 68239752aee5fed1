/**
 * Where the example reads from.
 *
 * - `DCS_BIGKEY_DEMO=passing|failing`: the embedded emulator with the bundled demo data, whatever
 *   else the environment holds. Huawei Cloud credentials, project, region and endpoint variables
 *   are removed from this process (and never given to the emulator), so they can be neither used
 *   nor leaked; `failing` picks the demo instance whose latest automatic scan failed.
 * - Otherwise, with Huawei Cloud configured (credentials or an endpoint in the environment), the
 *   real service: DCS_BIGKEY_INSTANCE_ID names the instance.
 * - With nothing configured, the demo (`passing`).
 *
 * Notices go to stdout: cdktf-cli shows an app's stdout as it is, and labels every stderr line
 * `[ERROR]`; only errors go to stderr.
 */
import { CREDENTIAL_ENV_SOURCES, ENDPOINT_ENV, PROJECT_ID_ENV, REGION_ENV } from '../../lib';
import { DEMO, EmulatorProcess, spawnEmulator } from '../../lib/emulator';

export const DEMO_SWITCH_ENV = 'DCS_BIGKEY_DEMO';
export const DEMO_MODES = ['passing', 'failing'] as const;
export type DemoMode = (typeof DEMO_MODES)[number];
export const INSTANCE_ENV = 'DCS_BIGKEY_INSTANCE_ID';

/** Every variable that points the library at Huawei Cloud: removed in demo mode. */
export const CLOUD_ENV: readonly string[] = [
  ...CREDENTIAL_ENV_SOURCES.flatMap((s) => [s.ak, s.sk, ...(s.token ? [s.token] : [])]),
  ...PROJECT_ID_ENV,
  ...REGION_ENV,
  ENDPOINT_ENV,
  'HW_CLOUD',
];

export interface ExampleEnvironment {
  readonly cacheName: string;
  readonly instanceId: string;
  readonly close: () => Promise<void>;
}

/** The demo switch; undefined when unset or empty. Any other value is an error listing the valid ones. */
export function demoMode(env: NodeJS.ProcessEnv): DemoMode | undefined {
  const raw = env[DEMO_SWITCH_ENV];
  if (raw === undefined || raw === '') return undefined;
  if (!(DEMO_MODES as readonly string[]).includes(raw)) {
    throw new Error(`invalid ${DEMO_SWITCH_ENV} ${JSON.stringify(raw)}: expected one of ${DEMO_MODES.join(', ')} (or unset it to read Huawei Cloud when it is configured)`);
  }
  return raw as DemoMode;
}

export async function exampleEnvironment(env: NodeJS.ProcessEnv = process.env): Promise<ExampleEnvironment> {
  const forced = demoMode(env);
  const cloudConfigured = !!env[ENDPOINT_ENV] || CREDENTIAL_ENV_SOURCES.some((s) => !!env[s.ak]);
  if (forced === undefined && cloudConfigured) {
    const instanceId = env[INSTANCE_ENV];
    if (!instanceId) {
      throw new Error(
        `credentials or an endpoint are configured, so the example reads a real instance: set ${INSTANCE_ENV} to its id (and HW_PROJECT_ID, HW_REGION_NAME), ` +
          `or set ${DEMO_SWITCH_ENV}=passing to run the demo against the embedded emulator instead`,
      );
    }
    return { cacheName: env.DCS_BIGKEY_CACHE_NAME || 'cache', instanceId, close: async () => undefined };
  }

  const mode = forced ?? 'passing';
  const ignored = CLOUD_ENV.filter((name) => !!env[name]);
  for (const name of CLOUD_ENV) delete env[name];
  // The emulator gets the scrubbed environment too: nothing of the user's cloud reaches it.
  const emulator: EmulatorProcess = await spawnEmulator({ quiet: true, env: { ...env } });
  // The constructs read their connection from the environment, as they would in a real app.
  Object.assign(env, { [ENDPOINT_ENV]: emulator.url, HW_PROJECT_ID: DEMO.projectId, HW_ACCESS_KEY: DEMO.accessKey, HW_SECRET_KEY: DEMO.secretKey });
  const why = forced
    ? `${DEMO_SWITCH_ENV}=${forced}`
    : 'no Huawei Cloud credentials or endpoint configured';
  process.stdout.write(
    `dcs-bigkey example: ${why}; started the embedded DCS emulator at ${emulator.url} with the bundled demo data (data/emulator-demo.json)` +
      (mode === 'failing' ? '; using the instance whose latest automatic scan failed' : '') +
      (ignored.length > 0 ? `; ignoring ${ignored.join(', ')} from the environment` : '') +
      '\n',
  );
  return mode === 'failing'
    ? { cacheName: 'sessions-cache', instanceId: DEMO.instances.sessionsCache, close: () => emulator.stop() }
    : { cacheName: 'orders-cache', instanceId: DEMO.instances.ordersCache, close: () => emulator.stop() };
}
