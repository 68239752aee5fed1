/**
 * The consumer gate, under both frameworks (cdktf and cdktn), end to end with the real terraform
 * binary: synth the example's producer and consumer, apply the producer, plan the consumer. The
 * consumer's plan fails when the producer's latest automatic scan failed and passes when it
 * succeeded — with the `terraform_data` resource form and with the output form. Only Terraform
 * built-ins are used (terraform_data, output preconditions, locals, terraform_remote_state with a
 * local backend): providers cannot be downloaded here. The null_resource form is checked
 * structurally.
 */
import * as path from 'node:path';
import { DcsBigKeyScanGate, GateEnforcement } from '../../lib/construct/dcs-bigkey-scan-gate';
import { EmulatorProcess } from '../../lib/emulator';
import { consumerStack, producerStack } from '../../examples/app/stacks';
import { runNode } from '../support/child-node';
import { DEMO, SECRETS, startDemoEmulator } from '../support/emulator-fixture';
import { Cdk, FRAMEWORKS } from '../support/frameworks';
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

/** The example's two stacks; with `dependent`, a resource in the consumer that depends on the gate's resource. */
function synthExample(cdk: Cdk, cacheName: string, instanceId: string, enforcement?: GateEnforcement[], dependent = false) {
  const app = newApp({}, cdk);
  producerStack(cdk, app, 'producer', { cacheName, instanceId, latestAutoFailed: 'warning' });
  const consumer = consumerStack(cdk, app, 'consumer', { producerOutputPrefix: cacheName, producerStackId: 'producer', enforcement });
  // The structural type of gate.resource is what `dependsOn` takes, in either framework.
  if (dependent) new cdk.DataResource(consumer.stack, 'app', { dependsOn: [consumer.gate.resource!] });
  const result = synthApp(app);
  return { result, consumer, dir: (stack: string) => path.join(result.outdir, 'stacks', stack) };
}

const PRECONDITION = /^\$\{\(contains\(\["", "waiting", "running", "success"\], local\.[\w-]+\) && \(length\(local\.[\w-]+\) < 1\)\)\}$/;

describe.each(FRAMEWORKS)('under %s', (frameworkName, cdk) => {
  describe('the consumer gate, structurally', () => {
    it('by default puts the precondition on a terraform_data resource and an output, through locals, with no provider', () => {
      const { result, consumer } = synthExample(cdk, 'orders-cache', DEMO.instances.ordersCache);
      expect(consumer.gate.framework).toBe(frameworkName);
      const stack = result.stacks.consumer;
      const remote = Object.values<any>(stack.data.terraform_remote_state)[0];
      expect(remote).toEqual({ backend: 'local', config: { path: '../producer/terraform.producer.tfstate' } });
      expect(Object.values<string>(stack.locals)).toEqual(expect.arrayContaining([
        expect.stringMatching(/outputs\.orders-cache_latest_auto_status\}$/),
        expect.stringMatching(/outputs\.orders-cache_gate_message\}$/),
      ]));
      expect(Object.keys(stack.resource)).toEqual(['terraform_data']);
      const gateResource = Object.values<any>(stack.resource.terraform_data)[0];
      const [precondition] = gateResource.lifecycle.precondition;
      expect(precondition.condition).toMatch(PRECONDITION);
      expect(stack.output['orders-cache-gate_gate'].precondition).toEqual([precondition]);
      expect(stack.terraform.required_providers).toBeUndefined(); // nothing to download
      expect(consumer.gate.resource?.terraformResourceType).toBe('terraform_data');
      for (const secret of [...SECRETS, DEMO.accessKey]) expect(result.allText).not.toContain(secret);
    });

    if (frameworkName === 'cdktf') {
      it('puts it on a null_resource from @cdktf/provider-null when asked', () => {
        const stack = synthExample(cdk, 'orders-cache', DEMO.instances.ordersCache, ['null-resource', 'output']).result.stacks.consumer;
        const [precondition] = Object.values<any>(stack.resource.null_resource)[0].lifecycle.precondition;
        expect(precondition.condition).toMatch(PRECONDITION);
        expect(stack.output['orders-cache-gate_gate'].precondition).toEqual([precondition]);
        expect(stack.terraform.required_providers.null.source).toBe('null');
        expect(stack.resource.terraform_data).toBeUndefined();
      });
    } else {
      it('rejects the null_resource form, whose provider package is built on cdktf', () => {
        const stack = new cdk.TerraformStack(newApp({}, cdk), 'consumer');
        expect(() => new DcsBigKeyScanGate(stack, 'g', { producerOutputPrefix: 'p', localStatePath: 'x', enforcement: ['null-resource'] })).toThrow(
          /DcsBigKeyScanGate consumer\/g: enforcement 'null-resource' needs @cdktf\/provider-null, which is built on cdktf and cannot be used in a cdktn stack .*; use 'terraform-data' \(the default\), which needs no provider/,
        );
      });
    }
  });

  describe('the consumer gate with another backend', () => {
    it('reads the producer through the remote state it is given, and rejects a bad configuration', () => {
      const app = newApp({}, cdk);
      const stack = new cdk.TerraformStack(app, 'consumer');
      const remoteState = new cdk.DataTerraformRemoteStateS3(stack, 'producer-state', { bucket: 'tf-state', key: 'producer.tfstate', region: 'eu-west-0' });
      new DcsBigKeyScanGate(stack, 'orders-cache-gate', { producerOutputPrefix: 'orders-cache', remoteState, enforcement: ['output'] });
      const synthesized = synthApp(app).stacks.consumer;
      expect(Object.values<any>(synthesized.data.terraform_remote_state)).toEqual([{ backend: 's3', config: { bucket: 'tf-state', key: 'producer.tfstate', region: 'eu-west-0' } }]);
      expect(Object.values<string>(synthesized.locals)).toEqual(expect.arrayContaining([expect.stringMatching(/^\$\{data\.terraform_remote_state\.producer-state\.outputs\.orders-cache_latest_auto_status\}$/)]));
      expect(synthesized.resource).toBeUndefined(); // output enforcement only: no resource

      const where = /DcsBigKeyScanGate consumer\/g\d: /;
      expect(() => new DcsBigKeyScanGate(stack, 'g1', { producerOutputPrefix: 'orders-cache' })).toThrow(where);
      expect(() => new DcsBigKeyScanGate(stack, 'g2', { producerOutputPrefix: 'orders cache', localStatePath: 'x' })).toThrow(/invalid producerOutputPrefix "orders cache"/);
      expect(() => new DcsBigKeyScanGate(stack, 'g3', { producerOutputPrefix: 'p', localStatePath: 'x', enforcement: [] })).toThrow(/enforcement is empty/);
      expect(() => new DcsBigKeyScanGate(stack, 'g4', { producerOutputPrefix: 'p', localStatePath: 'x', remoteState })).toThrow(/remoteState or localStatePath, not both/);
      expect(() => new DcsBigKeyScanGate(stack, 'g5', { producerOutputPrefix: 'p', localStatePath: 'x', enforcement: ['sentinel' as never] })).toThrow(/invalid enforcement "sentinel": expected terraform-data, null-resource, output/);
      expect(() => new DcsBigKeyScanGate(stack, 'g6', { producerOutputPrefix: 'p', localStatePath: 'x', enforcement: ['terraform-data', 'null-resource'] })).toThrow(/two resource forms/);
    });

    it("rejects the other framework's remote state (it would crash or be lost at synth)", () => {
      const other = FRAMEWORKS.find(([name]) => name !== frameworkName)!;
      const foreign = new other[1].DataTerraformRemoteStateLocal(new other[1].TerraformStack(newApp({}, other[1]), 'elsewhere'), 'producer', { path: 'x' });
      const stack = new cdk.TerraformStack(newApp({}, cdk), 'consumer');
      expect(() => new DcsBigKeyScanGate(stack, 'g', { producerOutputPrefix: 'p', remoteState: foreign })).toThrow(
        `DcsBigKeyScanGate consumer/g: remoteState elsewhere/producer is a ${other[0]} remote state, but the stack is built with ${frameworkName}; create it from '${frameworkName}'`,
      );
    });
  });

  describe('synth without a terraform binary', () => {
    // Frameworks read TERRAFORM_BINARY_NAME when they load: a fresh process with a name that is not installed.
    const consumer = (extra: string, appOptions = '{}') => runNode(`
      const cdk = require('${frameworkName}');
      const { DcsBigKeyScanGate } = require('./dist');
      const outdir = require('node:fs').mkdtempSync(require('node:path').join(require('node:os').tmpdir(), 'dcs-bigkey-noterraform-'));
      const app = new cdk.App({ ...${appOptions}, outdir });
      const stack = new cdk.TerraformStack(app, 'consumer');
      const gate = new DcsBigKeyScanGate(stack, 'g', { producerOutputPrefix: 'p', localStatePath: 'x' });
      ${extra}
      app.synth();
      console.log('synthesized', gate.resource.terraformResourceType);`, { env: { TERRAFORM_BINARY_NAME: 'terraform-not-installed-dcs-bigkey' } });

    it('synthesizes the default gate: its terraform_data needs no terraform at synth', () => {
      const run = consumer('');
      expect({ status: run.status, stderr: run.stderr }).toEqual({ status: 0, stderr: '' });
      expect(run.stdout).toContain('synthesized terraform_data');
    });

    it(`(while ${frameworkName}'s own DataResource runs terraform version at synth and fails)`, () => {
      const run = consumer(`new cdk.DataResource(stack, 'app', { dependsOn: [gate.resource] });`);
      expect(run.status).not.toBe(0);
      expect(run.stderr).toContain('[consumer/app] Could not determine version of terraform-not-installed-dcs-bigkey');
    });

    it(`(which ${frameworkName}'s App skips with skipValidation: true)`, () => {
      const run = consumer(`new cdk.DataResource(stack, 'app', { dependsOn: [gate.resource] });`, '{ skipValidation: true }');
      expect({ status: run.status, stderr: run.stderr }).toEqual({ status: 0, stderr: '' });
    });
  });

  describeWithTerraform('terraform plan of the consumer stack', () => {
    it.each([
      ['passes when the latest automatic scan succeeded', 'orders-cache', DEMO.instances.ordersCache, 0],
      ['fails when the latest automatic scan failed', 'sessions-cache', DEMO.instances.sessionsCache, 1],
    ] as const)('%s (terraform_data and output forms)', (_title, cacheName, instanceId, expectedStatus) => {
      for (const form of ['terraform-data', 'output'] as const) {
        const { dir } = synthExample(cdk, cacheName, instanceId, [form], form === 'terraform-data');
        for (const [stack, args] of [
          ['producer', ['init', '-input=false']],
          ['producer', ['apply', '-auto-approve', '-input=false']],
          ['consumer', ['init', '-input=false']],
          ['consumer', ['validate']],
        ] as const) {
          const step = terraform(dir(stack), [...args]);
          expect({ form, stack, args, status: step.status, stderr: step.stderr }).toEqual({ form, stack, args, status: 0, stderr: expect.anything() });
        }
        const plan = terraform(dir('consumer'), ['plan', '-input=false']);
        expect({ form, status: plan.status }).toEqual({ form, status: expectedStatus });
        if (expectedStatus === 0) {
          if (form === 'output') expect(plan.stdout).toMatch(/orders-cache-gate_gate\s*=\s*"success"/);
          else expect(plan.stdout).toMatch(/terraform_data\.app will be created/);
        } else {
          const text = plan.stderr.replace(/\s*│\s*/g, ' ');
          expect(text).toMatch(form === 'output' ? /Module output value precondition failed/ : /Resource precondition failed/);
          expect(text).toContain(`the latest automatic big key scan of instance ${DEMO.instances.sessionsCache} (sessions-cache) failed`);
          expect(text).toMatch(/run a new scan/);
          expect(plan.stdout).not.toMatch(/terraform_data\.app will be created/);
        }
      }
    });
  });
});
