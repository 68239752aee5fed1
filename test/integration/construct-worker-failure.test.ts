/**
 * When the lookup worker itself fails (here: it does not answer within its timeout), every
 * lookup of the batch fails closed with a message saying so — synth does not hang or pass.
 */
import { DcsBigKeyScanTasks } from '../../lib/construct/dcs-bigkey-scan-tasks';
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
  const app = newApp({}, cdk);
  const stack = new cdk.TerraformStack(app, 'producer');
  new DcsBigKeyScanTasks(stack, 'orders-cache', { endpoint: emulator.url, projectId: DEMO.projectId, accessKey: DEMO.accessKey, secretKey: DEMO.secretKey, instanceId: DEMO.instances.ordersCache });
  const result = synthApp(app);
  const errors = result.annotations.producer.filter((a) => a.level === '@cdktf/error').map((a) => a.message);
  expect(errors).toEqual([expect.stringMatching(/\[lookup-failed\] .* could not be read, so the gate cannot pass: the lookup worker failed \(.*timed-out\)/)]);
});
