/**
 * The consumer gate fails closed on whatever the producer's state holds, checked with the real
 * terraform binary under both frameworks: the producer's state is written by hand (as an older
 * producer, another prefix, a failed lookup or a missing apply would leave it) and the consumer's
 * `terraform plan` must pass only for a state that says the latest automatic scan did not fail and
 * carries no gate message. Only Terraform built-ins are used (no provider download).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { DcsBigKeyScanGate } from '../../lib/construct/dcs-bigkey-scan-gate';
import { FRAMEWORKS } from '../support/frameworks';
import { newApp, synthApp } from '../support/synth';
import { describeWithTerraform, terraform } from '../support/terraform';

const PREFIX = 'orders-cache';

/** A Terraform state (format 4) holding these string outputs, or no file at all (undefined). */
function writeState(file: string, outputs: Record<string, string> | undefined): void {
  fs.rmSync(file, { force: true });
  if (outputs === undefined) return;
  const state = {
    version: 4, terraform_version: '1.11.4', serial: 1, lineage: '00000000-0000-4000-8000-000000000000',
    outputs: Object.fromEntries(Object.entries(outputs).map(([name, value]) => [name, { value, type: 'string' }])),
    resources: [], check_results: null,
  };
  fs.writeFileSync(file, JSON.stringify(state));
}

const failedLookup = 'big key scan tasks of instance 5560df16-cebf-4473-95c4-d1b573c16e79 (orders-cache) could not be read, so the gate cannot pass: ListBigkeyScanTasks failed';
const filtered = 'the big key scan tasks of instance 5560df16-cebf-4473-95c4-d1b573c16e79 (orders-cache) were read filtered by status success, which cannot gate a deployment';
const outputs = (status: string, message: string) => ({ [`${PREFIX}_latest_auto_status`]: status, [`${PREFIX}_gate_message`]: message });

const CASES: ReadonlyArray<readonly [string, Record<string, string> | undefined, 0 | 1, RegExp]> = [
  ['passes: the latest automatic scan succeeded', outputs('success', ''), 0, /Plan: 1 to add/],
  ['passes: no automatic scan yet, as the producer gate does', outputs('', ''), 0, /Plan: 1 to add/],
  ['passes: the latest automatic scan is running', outputs('running', ''), 0, /Plan: 1 to add/],
  ['blocks: the producer state does not exist (never applied, wrong path)', undefined, 1, /Unable to find remote state/],
  ['blocks: the outputs are of another prefix (a typo, a renamed producer)', { other_latest_auto_status: 'success', other_gate_message: '' }, 1, /Unsupported attribute[\s\S]*orders-cache_(latest_auto_status|gate_message)/],
  ['blocks: a producer without the gate_message output (an older version, createOutputs: false)', { [`${PREFIX}_latest_auto_status`]: 'success' }, 1, /Unsupported attribute[\s\S]*orders-cache_gate_message/],
  ['blocks: the latest automatic scan failed', outputs('failed', 'the latest automatic big key scan of instance 5560df16-cebf-4473-95c4-d1b573c16e79 (orders-cache) failed'), 1, /precondition failed[\s\S]*the latest automatic big key scan of instance 5560df16.* failed/],
  ['blocks: the lookup failed (status unknown, with its message)', outputs('unknown', failedLookup), 1, /precondition failed[\s\S]*could not be read, so the gate cannot pass/],
  ['blocks: status unknown even without a message', outputs('unknown', ''), 1, /precondition failed[\s\S]*has status unknown, which does not allow deployment/],
  ['blocks: a status it does not know, even without a message', outputs('cancelled', ''), 1, /precondition failed[\s\S]*has status cancelled, which does not allow deployment/],
  ['blocks: a producer filtered by status (its gate message)', outputs('success', filtered), 1, /precondition failed[\s\S]*filtered by status success, which cannot gate a deployment/],
];

describe.each(FRAMEWORKS)('under %s', (_name, cdk) => {
  describeWithTerraform("the consumer gate's terraform plan, on producer states written by hand", () => {
    let dir: string;
    let stateFile: string;

    beforeAll(() => {
      const app = newApp({}, cdk);
      const stack = new cdk.TerraformStack(app, 'consumer');
      new DcsBigKeyScanGate(stack, 'gate', { producerOutputPrefix: PREFIX, localStatePath: '../producer.tfstate' });
      const result = synthApp(app);
      dir = path.join(result.outdir, 'stacks', 'consumer');
      stateFile = path.join(result.outdir, 'stacks', 'producer.tfstate');
      const init = terraform(dir, ['init', '-input=false']);
      expect({ status: init.status, stderr: init.stderr }).toEqual({ status: 0, stderr: expect.anything() });
    });

    it.each(CASES)('%s', (_title, state, expected, said) => {
      writeState(stateFile, state);
      const plan = terraform(dir, ['plan', '-input=false']);
      const text = `${plan.stdout}\n${plan.stderr}`.replace(/[\s│]+/g, ' '); // terraform wraps and frames its messages
      expect({ status: plan.status, said: said.test(text) }).toEqual({ status: expected, said: true });
      if (expected === 1 && /precondition failed/.test(text)) {
        // Both default forms carry it: the resource others depend on, and the output.
        expect(text).toMatch(/Resource precondition failed/);
        expect(text).toMatch(/Module output value precondition failed/);
      }
    });
  });
});
