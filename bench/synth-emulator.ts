/**
 * The emulator the synth benchmarks talk to: 200 instances of 12 generated tasks each (their
 * successful tasks with generated keys), every request — list, task details — answered after
 * `latencyMs` (a round trip to a cloud API). A separate process.
 */
import { DEMO, EmulatorProcess, spawnEmulator } from '../lib/emulator';
import { mapWithConcurrency } from '../lib/util/concurrency';

export const SYNTH_INSTANCES = 200;
export const SYNTH_LATENCY_MS = 20;

/** The id of instance `i`; the plain-JS consumer app (bench/consumer/main.js) uses the same. */
export const synthInstanceId = (i: number) => `be0c4002-0000-4000-8000-${String(i).padStart(12, '0')}`;

export async function startSynthEmulator(latencyMs = SYNTH_LATENCY_MS): Promise<EmulatorProcess> {
  const emulator = await spawnEmulator({ quiet: true });
  try {
    await mapWithConcurrency(Array.from({ length: SYNTH_INSTANCES }, (_, i) => i), 16, (i) =>
      emulator.admin.putInstance(synthInstanceId(i), { project_id: DEMO.projectId, generate: { count: 12, start: '2026-11-01T00:00:00.000Z', interval_seconds: 3600, seed: `synth-${i}` } }),
    );
    await emulator.admin.addFaults({ kind: 'latency', ms: latencyMs, route: 'any' });
    return emulator;
  } catch (error) {
    await emulator.stop();
    throw error;
  }
}

/** The environment of a live synth against this emulator. */
export function liveSynthEnv(emulator: EmulatorProcess): NodeJS.ProcessEnv {
  return {
    ...process.env,
    CHECKPOINT_DISABLE: '1',
    // Gates fire on some generated instances: keep writing the stacks, as cdktf-cli does.
    CDKTF_CONTINUE_SYNTH_ON_ERROR_ANNOTATIONS: 'true',
    DCS_BIGKEY_ENDPOINT: emulator.url,
    HW_PROJECT_ID: DEMO.projectId,
    HW_ACCESS_KEY: DEMO.accessKey,
    HW_SECRET_KEY: DEMO.secretKey,
  };
}
