/**
 * When the lookup worker itself fails (here: it does not answer within its timeout), every
 * lookup of the batch fails closed with a message saying so — synth does not hang or pass —
 * and that worker is ended (the next lookup starts a new one). A timeout that is not a whole
 * number of milliseconds, or a DCS_BIGKEY_CONCURRENCY that is not an integer >= 1, is a
 * configuration error before anything starts; an empty one is unset (the default), as every
 * variable of the library is (readme-contract.test.ts).
 */
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
  new DcsBigKeyScanTasks(stack, 'orders-cache', { endpoint: emulator.url, projectId: DEMO.projectId, accessKey: DEMO.accessKey, secretKey: DEMO.secretKey, instanceId: DEMO.instances.ordersCache });
  const result = synthApp(app);
  const errors = result.annotations.producer.filter((a) => a.level === '@cdktf/error').map((a) => a.message);
  expect(errors).toEqual([expect.stringMatching(/\[lookup-failed\] .* could not be read, so the gate cannot pass: the lookup worker failed \(no answer within 300 ms \(DCS_BIGKEY_WORKER_TIMEOUT_MS\)\)/)]);
  expect(lookupWorkerStats()).toEqual({ started: before.started + 1, ended: before.ended + 1, running: false });
});

it.each(['0', '-1', '1.5', 'soon', ' '])('a DCS_BIGKEY_WORKER_TIMEOUT_MS of %j is a configuration error when the construct is created, before any request', async (value) => {
  await emulator.admin.resetStats();
  process.env.DCS_BIGKEY_WORKER_TIMEOUT_MS = value;
  try {
    const stack = new FRAMEWORKS[0][1].TerraformStack(newApp(), 'producer');
    expect(() => new DcsBigKeyScanTasks(stack, 'orders-cache', { endpoint: emulator.url, projectId: DEMO.projectId, accessKey: DEMO.accessKey, secretKey: DEMO.secretKey, instanceId: DEMO.instances.ordersCache }))
      .toThrow(`invalid DCS_BIGKEY_WORKER_TIMEOUT_MS "${value}": expected an integer number of milliseconds >= 1`);
  } finally {
    process.env.DCS_BIGKEY_WORKER_TIMEOUT_MS = '300';
  }
  expect((await emulator.admin.stats()).requests).toBe(0);
});

it.each(['0', '-4', '1.5', 'many', ' '])('a DCS_BIGKEY_CONCURRENCY of %j is a configuration error when the construct is created, before any request', async (value) => {
  await emulator.admin.resetStats();
  process.env.DCS_BIGKEY_CONCURRENCY = value;
  try {
    const stack = new FRAMEWORKS[0][1].TerraformStack(newApp(), 'producer');
    expect(() => new DcsBigKeyScanTasks(stack, 'orders-cache', { endpoint: emulator.url, projectId: DEMO.projectId, accessKey: DEMO.accessKey, secretKey: DEMO.secretKey, instanceId: DEMO.instances.ordersCache }))
      .toThrow(`invalid DCS_BIGKEY_CONCURRENCY "${value}": expected an integer >= 1`);
  } finally {
    delete process.env.DCS_BIGKEY_CONCURRENCY;
  }
  expect((await emulator.admin.stats()).requests).toBe(0);
});

describe('an empty value is unset: the default', () => {
  const synthErrors = () => {
    const app = newApp();
    const stack = new FRAMEWORKS[0][1].TerraformStack(app, 'producer');
    new DcsBigKeyScanTasks(stack, 'orders-cache', { endpoint: emulator.url, projectId: DEMO.projectId, accessKey: DEMO.accessKey, secretKey: DEMO.secretKey, instanceId: DEMO.instances.ordersCache });
    return synthApp(app).annotations.producer.filter((a) => a.level === '@cdktf/error').map((a) => a.message);
  };

  it('DCS_BIGKEY_WORKER_TIMEOUT_MS: the 15-minute default, so the 3 s the emulator takes is waited for', () => {
    process.env.DCS_BIGKEY_WORKER_TIMEOUT_MS = '';
    try {
      expect(synthErrors()).toEqual([]);
    } finally {
      process.env.DCS_BIGKEY_WORKER_TIMEOUT_MS = '300';
    }
  });

  it('DCS_BIGKEY_CONCURRENCY: the construct is created and its lookup runs (failing here at the 300 ms worker timeout)', () => {
    process.env.DCS_BIGKEY_CONCURRENCY = '';
    try {
      expect(synthErrors()).toEqual([expect.stringMatching(/no answer within 300 ms \(DCS_BIGKEY_WORKER_TIMEOUT_MS\)/)]);
    } finally {
      delete process.env.DCS_BIGKEY_CONCURRENCY;
    }
  });
});
