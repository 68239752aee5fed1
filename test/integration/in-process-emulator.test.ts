/**
 * The emulator started in this very process (`startEmulatorServer`) cannot answer a synchronous
 * lookup: the lookup blocks this thread until it has an answer. It used to hang for about two
 * minutes and then blame the network; now the batch is refused at once, pointing at
 * spawnEmulator() and fromLookup — and the asynchronous form works against the same server.
 */
import { TerraformStack } from 'cdktf';
import { DcsBigKeyScanTasks, DcsLookupFailedError } from '../../lib/construct/dcs-bigkey-scan-tasks';
import { EmulatorAdminClient, RunningEmulator, startEmulatorServer } from '../../lib/emulator';
import { inProcessServerAt } from '../../lib/util/in-process-servers';
import { DEMO, demoData } from '../support/emulator-fixture';
import { continueOnErrorAnnotations, newApp, synthApp } from '../support/synth';

let running: RunningEmulator;
let admin: EmulatorAdminClient;

beforeAll(async () => {
  continueOnErrorAnnotations();
  running = await startEmulatorServer({ data: demoData() });
  admin = new EmulatorAdminClient(running.url);
});
afterAll(async () => {
  await admin?.close();
  await running?.close();
});

const props = (endpoint: string) => ({ endpoint, projectId: DEMO.projectId, accessKey: DEMO.accessKey, secretKey: DEMO.secretKey, instanceId: DEMO.instances.ordersCache });

it.each([
  ['its own URL', () => running.url],
  ['localhost and the same port', () => `http://localhost:${running.port}`],
])('a synchronous lookup of the in-process emulator (%s) fails at once with the way out, sending nothing', async (_what, endpoint) => {
  const app = newApp();
  const scans = new DcsBigKeyScanTasks(new TerraformStack(app, 'producer'), 'orders-cache', props(endpoint()));
  let error: Error | undefined;
  try {
    void scans.count;
  } catch (e) {
    error = e as Error;
  }
  expect(error).toBeInstanceOf(DcsLookupFailedError);
  expect(error!.message).toMatch(/is an emulator started in this process \(startEmulatorServer at http:\/\/127\.0\.0\.1:\d+\); a synchronous lookup blocks this process .* \(a deadlock\)/);
  expect(error!.message).toContain("run the emulator in its own process with spawnEmulator() (from 'cdktf-dcs-bigkey/emulator')");
  expect(error!.message).toContain('await DcsBigKeyScanTasks.fromLookup(scope, id, props)');
  // At synth it is the gate's error, like any failed lookup.
  const errors = synthApp(app).annotations.producer.filter((a) => a.level === '@cdktf/error').map((a) => a.message);
  expect(errors).toEqual([expect.stringMatching(/^\[lookup-failed\] .* could not be read, so the gate cannot pass: the endpoint .* is an emulator started in this process/)]);
  expect((await admin.stats()).requests).toBe(0);
});

it('the asynchronous form works against the same in-process emulator', async () => {
  const app = newApp();
  const scans = await DcsBigKeyScanTasks.fromLookup(new TerraformStack(app, 'producer'), 'orders-cache', props(running.url));
  expect(scans.latestAuto?.status).toBe('success');
  expect((await admin.stats()).list_requests).toBe(1);
});

it('a closed in-process emulator is forgotten; a server in another process is never refused', async () => {
  const other = await startEmulatorServer({ data: demoData() });
  expect(inProcessServerAt(other.url)).toBe(other.url);
  await other.close();
  expect(inProcessServerAt(other.url)).toBeUndefined();
  expect(inProcessServerAt('http://127.0.0.1:1')).toBeUndefined();
  expect(inProcessServerAt(`https://127.0.0.1:${running.port}`)).toBeUndefined();
});
