/**
 * When synth waits for the lookups: not while the framework prepares the stack (a first resolve
 * of every element, whose result it discards: the outputs give placeholders then, so the
 * lookups go on meanwhile), but at the gate aspect, before the annotations are collected; the
 * stack written has the real values. Replayed from a snapshot (no network), under both frameworks.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { DcsBigKeyScanTasks } from '../../lib/construct/dcs-bigkey-scan-tasks';
import { LookupRegistry } from '../../lib/construct/lookup-registry';
import { DEMO } from '../../lib/emulator';
import { FRAMEWORKS } from '../support/frameworks';
import { outputs, readOutdir } from '../support/synth';

const instanceId = DEMO.instances.ordersCache;
const task = { id: '0a1b2c3d-0000-4000-8000-000000000001', scan_type: 'auto', status: 'failed', created_at: '2026-11-28T02:00:00.000Z', started_at: '2026-11-28T02:00:01.000Z', finished_at: '2026-11-28T02:01:00.000Z' };

function snapshotFile(): string {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'dcs-bigkey-order-')), 'dcs-bigkey.context.json');
  const entry = { project_id: DEMO.projectId, instance_id: instanceId, status_filter: null, region: 'cn-north-4', endpoint: null, source: 'live', fetched_at: '2026-11-28T12:00:00.000Z', count: 1, records: [task] };
  fs.writeFileSync(file, JSON.stringify({ version: 1, entries: { [`${DEMO.projectId}/${instanceId}`]: entry } }));
  return file;
}

describe.each(FRAMEWORKS)('under %s', (_name, cdk) => {
  beforeAll(() => {
    process.env.CDKTF_CONTINUE_SYNTH_ON_ERROR_ANNOTATIONS = 'true';
  });

  it('preparing the stack resolves no lookup; synth resolves them at the gate, annotates, and writes the real values', () => {
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'dcs-bigkey-order-out-'));
    const app = new cdk.App({ outdir, context: { 'dcs-bigkey:snapshot': 'replay', 'dcs-bigkey:snapshotFile': snapshotFile() } });
    const stack = new cdk.TerraformStack(app, 'producer');
    new DcsBigKeyScanTasks(stack, 'orders-cache', { instanceId, projectId: DEMO.projectId, gates: { latestAutoFailed: 'error' } });
    const registry = LookupRegistry.of(app);

    stack.prepareStack();
    expect(registry.summary()).toMatch(/^dcs-bigkey: 0 instances, .* in 0 batches$/);

    app.synth();
    expect(registry.summary()).toMatch(/^dcs-bigkey: 1 instance, 1 task, source snapshot, \d+ ms in 1 batch$/);
    const written = readOutdir(outdir);
    expect(outputs(written.stacks.producer)).toMatchObject({ 'orders-cache_count': 1, 'orders-cache_latest_auto_status': 'failed', 'orders-cache_latest_auto_id': task.id });
    expect(written.annotations.producer.filter((a) => a.level === '@cdktf/error').map((a) => a.message)).toEqual([expect.stringMatching(/^\[latest-auto-failed\] /)]);
  });
});
