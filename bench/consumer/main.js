// A cdktf app in plain JavaScript, as users run one: a fresh `node main.js` per synth, this
// package required from node_modules (the packed package installed by bench/consumer.ts).
//
//   node main.js <bare|require|lookups> <instances> <outdir>
//
// `bare` builds the same stack with the same number of outputs holding constants, without
// loading cdktf-dcs-bigkey (the baseline); `require` is `bare` plus require('cdktf-dcs-bigkey');
// `lookups` creates one DcsBigKeyScanTasks per instance (live or replayed, per DCS_BIGKEY_SNAPSHOT).
// With BENCH_MARKS=1 it prints, on stderr at exit, when each step ended (ms from process start)
// and the CPU time of the process (all its threads).
'use strict';
const { performance } = require('node:perf_hooks');

const marks = {};
const mark = (name) => (marks[name] = performance.now());
const [variant, instances, outdir] = process.argv.slice(2);

const { App, TerraformOutput, TerraformStack } = require('cdktf');
mark('cdktf');
const lib = variant === 'bare' ? undefined : require('cdktf-dcs-bigkey');
mark('ours');

const SUFFIXES = ['instance_id', 'count', 'latest_id', 'latest_status', 'latest_auto_id', 'latest_auto_status', 'latest_auto_created_at',
  'latest_auto_finished_at', 'latest_successful_id', 'latest_successful_finished_at', 'records', 'gate_message'];
const app = new App({ outdir });
const stack = new TerraformStack(app, 'producer');
for (let i = 0; i < Number(instances); i++) {
  const instanceId = `be0c4002-0000-4000-8000-${String(i).padStart(12, '0')}`;
  if (variant === 'lookups') new lib.DcsBigKeyScanTasks(stack, `cache-${i}`, { instanceId, gates: { latestAutoFailed: 'error' } });
  else for (const suffix of SUFFIXES) new TerraformOutput(stack, `cache-${i}_${suffix}`, { value: 'constant', staticId: true });
}
mark('constructed');
app.synth();
mark('synth');

if (process.env.BENCH_MARKS === '1') {
  process.on('exit', () => {
    mark('exit');
    const { user, system } = process.cpuUsage(); // every thread of the process, µs
    process.stderr.write(`bench-marks ${JSON.stringify({ origin: performance.timeOrigin, marks, cpuMs: (user + system) / 1000 })}\n`);
  });
}
