/**
 * When the lookup worker itself fails (here: it does not answer within its timeout), every
 * lookup of the batch fails closed with a message saying so — synth does not hang or pass —
 * and that worker is ended (the next lookup starts a new one). A timeout that is not a whole
 * number of milliseconds, or a DCS_BIGKEY_CONCURRENCY that is not an integer >= 1, is a
 * configuration error before anything starts; an empty one is unset (the default), as every
 * variable of the library is (readme-contract.test.ts).
 */
import { Construct } from 'constructs';
import { DcsBigKeyScanTasks } from '../../lib/construct/dcs-bigkey-scan-tasks';
import { lookupWorkerStats } from '../../lib/construct/sync-lookup';
import { EmulatorProcess } from '../../lib/emulator';
import { DEMO, startDemoEmulator } from '../support/emulator-fixture';
import { FRAMEWORKS } from '../support/frameworks';
import { continueOnErrorAnnotations, newApp, synthApp } from '../support/synth';

let emulator: EmulatorProcess;
beforeAll(async () => {
  continueOnErrorAnnotations();
  process.env.DCS_BIGKEY_WORKER_TIMEOUT_MS = '300';
  emulator = await startDemoEmulator();
  await emulator.admin.addFaults({ kind: 'latency', ms: 3000 });
});
afterAll(async () => {
  delete process.env.DCS_BIGKEY_WORKER_TIMEOUT_MS;
  await emulator?.stop();
});

it.each(FRAMEWORKS)('fails closed with an error annotation naming the worker failure, under %s', (_name, cdk) => {
  const before = lookupWorkerStats();
  const app = newApp({}, cdk);
  const stack = new cdk.TerraformStack(app, 'producer');
  ordersCache(stack);
  const result = synthApp(app);
  const errors = result.annotations.producer.filter((a) => a.level === '@cdktf/error').map((a) => a.message);
  expect(errors).toEqual([expect.stringMatching(/\[lookup-failed\] .* could not be read, so the gate cannot pass: the lookup worker failed \(no answer within 300 ms \(DCS_BIGKEY_WORKER_TIMEOUT_MS\)\)/)]);
  expect(lookupWorkerStats()).toEqual({ started: before.started + 1, ended: before.ended + 1, running: false });
});

/** The lookup of orders-cache against the emulator, in `stack`. */
const ordersCache = (stack: Construct) =>
  new DcsBigKeyScanTasks(stack, 'orders-cache', { endpoint: emulator.url, projectId: DEMO.projectId, accessKey: DEMO.accessKey, secretKey: DEMO.secretKey, instanceId: DEMO.instances.ordersCache });

/** Sets `variable` to `value` for `fn`, then back to what this file runs with (`restore`; undefined: unset). */
function withEnv<T>(variable: string, value: string, restore: string | undefined, fn: () => T): T {
  process.env[variable] = value;
  try {
    return fn();
  } finally {
    if (restore === undefined) delete process.env[variable];
    else process.env[variable] = restore;
  }
}

const BAD_VALUES: ReadonlyArray<readonly [string, string, string, string | undefined]> = [
  ...['0', '-1', '1.5', 'soon', ' '].map((v) => ['DCS_BIGKEY_WORKER_TIMEOUT_MS', v, 'an integer number of milliseconds >= 1', '300'] as const),
  ...['0', '-4', '1.5', 'many', ' '].map((v) => ['DCS_BIGKEY_CONCURRENCY', v, 'an integer >= 1', undefined] as const),
];

it.each(BAD_VALUES)('a %s of %j is a configuration error when the construct is created, before any request', async (variable, value, expected, restore) => {
  await emulator.admin.resetStats();
  withEnv(variable, value, restore, () => {
    const stack = new FRAMEWORKS[0][1].TerraformStack(newApp(), 'producer');
    expect(() => ordersCache(stack)).toThrow(`invalid ${variable} "${value}": expected ${expected}`);
  });
  expect((await emulator.admin.stats()).requests).toBe(0);
});

describe('an empty value is unset: the default', () => {
  const synthErrors = () => {
    const app = newApp();
    ordersCache(new FRAMEWORKS[0][1].TerraformStack(app, 'producer'));
    return synthApp(app).annotations.producer.filter((a) => a.level === '@cdktf/error').map((a) => a.message);
  };

  it('DCS_BIGKEY_WORKER_TIMEOUT_MS: the 15-minute default, so the 3 s the emulator takes is waited for', () => {
    expect(withEnv('DCS_BIGKEY_WORKER_TIMEOUT_MS', '', '300', synthErrors)).toEqual([]);
  });

  it('DCS_BIGKEY_CONCURRENCY: the construct is created and its lookup runs (failing here at the 300 ms worker timeout)', () => {
    expect(withEnv('DCS_BIGKEY_CONCURRENCY', '', undefined, synthErrors)).toEqual([expect.stringMatching(/no answer within 300 ms \(DCS_BIGKEY_WORKER_TIMEOUT_MS\)/)]);
  });
});
