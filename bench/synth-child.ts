/**
 * One synth, in its own process, as an app using the published package would run it (the
 * library is imported compiled, from dist/). Used by bench/synth.ts.
 *
 *   node --import tsx bench/synth-child.ts <lookups|keys|none> <instances> <outdir>
 *
 * `keys` also reads the keys of each instance's latest successful scan (readBigKeys: one more
 * request per instance). `none` builds the same stacks with the same number of outputs, holding
 * constants instead of looked-up values: the cost of the app without lookups.
 */
import { App, TerraformOutput, TerraformStack } from 'cdktf';
import { DcsBigKeyScanTasks, OUTPUT_SUFFIXES } from '../dist';

const [mode, instancesArg, outdir] = process.argv.slice(2);
const instances = Number(instancesArg);
const instanceId = (i: number) => `be0c4002-0000-4000-8000-${String(i).padStart(12, '0')}`;

const app = new App({ outdir });
const stack = new TerraformStack(app, 'producer');
for (let i = 0; i < instances; i++) {
  if (mode === 'lookups' || mode === 'keys') {
    new DcsBigKeyScanTasks(stack, `cache-${i}`, { instanceId: instanceId(i), gates: { latestAutoFailed: 'error' }, ...(mode === 'keys' ? { readBigKeys: true } : {}) });
  } else {
    for (const suffix of Object.keys(OUTPUT_SUFFIXES)) new TerraformOutput(stack, `cache-${i}_${suffix}`, { value: 'constant', staticId: true });
  }
}
app.synth();
