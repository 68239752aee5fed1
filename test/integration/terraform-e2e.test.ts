/**
 * End to end with the real terraform binary: synth the example's producer and consumer, apply
 * the producer, plan the consumer. The consumer's plan fails when the producer's latest
 * automatic scan failed and passes when it succeeded. Only Terraform built-ins are used (output
 * preconditions, locals, terraform_remote_state with a local backend): providers cannot be
 * downloaded here. The null_resource form is checked structurally.
 */
import * as path from 'node:path';
import { DataTerraformRemoteStateS3, TerraformStack } from 'cdktf';
import { DcsBigKeyScanGate } from '../../lib/construct/dcs-bigkey-scan-gate';
import { EmulatorProcess } from '../../lib/emulator';
import { ConsumerStack, ProducerStack } from '../../examples/app/stacks';
import { DEMO, SECRETS, startDemoEmulator } from '../support/emulator-fixture';
import { continueOnErrorAnnotations, newApp, synthApp } from '../support/synth';
import { describeWithTerraform, terraform } from '../support/terraform';

let emulator: EmulatorProcess;
const saved = { ...process.env };

beforeAll(async () => {
  continueOnErrorAnnotations();
  emulator = await startDemoEmulator();
  // The example's stacks read their connection from the environment, as a real app does.
  Object.assign(process.env, { DCS_BIGKEY_ENDPOINT: emulator.url, HW_PROJECT_ID: DEMO.projectId, HW_ACCESS_KEY: DEMO.accessKey, HW_SECRET_KEY: DEMO.secretKey });
});
afterAll(async () => {
  process.env = saved;
  await emulator?.stop();
});

function synthExample(cacheName: string, instanceId: string, enforcement: Array<'output' | 'null-resource'>) {
  const app = newApp();
  new ProducerStack(app, 'producer', { cacheName, instanceId, latestAutoFailed: 'warning' });
  const consumer = new ConsumerStack(app, 'consumer', { producerOutputPrefix: cacheName, producerStackId: 'producer', enforcement });
  const result = synthApp(app);
  return { result, consumer, dir: (stack: string) => path.join(result.outdir, 'stacks', stack) };
}

describe('the consumer gate, structurally', () => {
  it('puts the precondition on a null_resource and an output, through locals', () => {
    const { result } = synthExample('orders-cache', DEMO.instances.ordersCache, ['null-resource', 'output']);
    const stack = result.stacks.consumer;
    const remote = Object.values<any>(stack.data.terraform_remote_state)[0];
    expect(remote).toEqual({ backend: 'local', config: { path: '../producer/terraform.producer.tfstate' } });
    const locals = Object.values<string>(stack.locals);
    expect(locals).toEqual(expect.arrayContaining([
      expect.stringMatching(/outputs\.orders-cache_latest_auto_status\}$/),
      expect.stringMatching(/outputs\.orders-cache_gate_message\}$/),
    ]));
    const nullResource = Object.values<any>(stack.resource.null_resource)[0];
    const [precondition] = nullResource.lifecycle.precondition;
    expect(precondition.condition).toMatch(/^\$\{\(contains\(\["", "waiting", "running", "success"\], local\.[\w-]+\) && \(length\(local\.[\w-]+\) < 1\)\)\}$/);
    expect(stack.output['orders-cache-gate_gate'].precondition).toEqual([precondition]);
    expect(stack.terraform.required_providers.null.source).toBe('null');
    for (const secret of [...SECRETS, DEMO.accessKey]) expect(result.allText).not.toContain(secret);
  });
});

describe('the consumer gate with another backend', () => {
  it('reads the producer through the remote state it is given, and rejects a bad configuration', () => {
    const app = newApp();
    const stack = new TerraformStack(app, 'consumer');
    const remoteState = new DataTerraformRemoteStateS3(stack, 'producer-state', { bucket: 'tf-state', key: 'producer.tfstate', region: 'eu-west-0' });
    new DcsBigKeyScanGate(stack, 'orders-cache-gate', { producerOutputPrefix: 'orders-cache', remoteState, enforcement: ['output'] });
    const synthesized = synthApp(app).stacks.consumer;
    expect(Object.values<any>(synthesized.data.terraform_remote_state)).toEqual([{ backend: 's3', config: { bucket: 'tf-state', key: 'producer.tfstate', region: 'eu-west-0' } }]);
    expect(Object.values<string>(synthesized.locals)).toEqual(expect.arrayContaining([expect.stringMatching(/^\$\{data\.terraform_remote_state\.producer-state\.outputs\.orders-cache_latest_auto_status\}$/)]));
    expect(synthesized.resource).toBeUndefined(); // output enforcement only: no provider needed

    const where = /DcsBigKeyScanGate consumer\/g\d: /;
    expect(() => new DcsBigKeyScanGate(stack, 'g1', { producerOutputPrefix: 'orders-cache' })).toThrow(where);
    expect(() => new DcsBigKeyScanGate(stack, 'g2', { producerOutputPrefix: 'orders cache', localStatePath: 'x' })).toThrow(/invalid producerOutputPrefix "orders cache"/);
    expect(() => new DcsBigKeyScanGate(stack, 'g3', { producerOutputPrefix: 'p', localStatePath: 'x', enforcement: [] })).toThrow(/enforcement is empty/);
    expect(() => new DcsBigKeyScanGate(stack, 'g4', { producerOutputPrefix: 'p', localStatePath: 'x', remoteState })).toThrow(/remoteState or localStatePath, not both/);
    expect(() => new DcsBigKeyScanGate(stack, 'g5', { producerOutputPrefix: 'p', localStatePath: 'x', enforcement: ['sentinel' as never] })).toThrow(/invalid enforcement "sentinel"/);
  });
});

describeWithTerraform('terraform plan of the consumer stack', () => {
  it.each([
    ['passes when the latest automatic scan succeeded', 'orders-cache', DEMO.instances.ordersCache, 0],
    ['fails when the latest automatic scan failed', 'sessions-cache', DEMO.instances.sessionsCache, 1],
  ])('%s', (_title, cacheName, instanceId, expectedStatus) => {
    const { dir } = synthExample(cacheName, instanceId, ['output']);
    for (const [stack, args] of [
      ['producer', ['init', '-input=false']],
      ['producer', ['apply', '-auto-approve', '-input=false']],
      ['consumer', ['init', '-input=false']],
      ['consumer', ['validate']],
    ] as const) {
      const step = terraform(dir(stack), [...args]);
      expect({ stack, args, status: step.status, stderr: step.stderr }).toEqual({ stack, args, status: 0, stderr: expect.anything() });
    }
    const plan = terraform(dir('consumer'), ['plan', '-input=false']);
    expect(plan.status).toBe(expectedStatus);
    if (expectedStatus === 0) {
      expect(plan.stdout).toMatch(/orders-cache-gate_gate\s*=\s*"success"/);
    } else {
      const text = plan.stderr.replace(/\s*│\s*/g, ' ');
      expect(text).toMatch(/Module output value precondition failed/);
      expect(text).toContain(`the latest automatic big key scan of instance ${DEMO.instances.sessionsCache} (sessions-cache) failed`);
      expect(text).toMatch(/run a new scan/);
    }
  });
});
