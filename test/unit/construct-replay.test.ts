/**
 * The construct with no network at all: lookups replayed from a snapshot file built from the
 * bundled demo data. Uses the framework's Testing.fullSynth, which runs aspects and collects
 * annotations. Under both frameworks (cdktf and cdktn).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { DcsBigKeyScanTasks } from '../../lib/construct/dcs-bigkey-scan-tasks';
import { BigKeyTask } from '../../lib/client/types';
import { sortNewestFirst } from '../../lib/client/paging';
import { DEMO } from '../../lib/emulator';
import { Cdk, FRAMEWORKS } from '../support/frameworks';

const demo = JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', 'data', 'emulator-demo.json'), 'utf8'));
const demoTasks = (instanceId: string): BigKeyTask[] => sortNewestFirst(demo.projects[DEMO.projectId].instances[instanceId].tasks);

/** The demo's entries; `edit` may change an instance's records as a hand edit or a bad merge of the file would. */
function snapshotFile(edit: (records: BigKeyTask[], instanceId: string) => BigKeyTask[] = (records) => records): string {
  const entries: Record<string, unknown> = {};
  for (const instanceId of [DEMO.instances.ordersCache, DEMO.instances.sessionsCache, DEMO.instances.catalogCache]) {
    const records = edit(demoTasks(instanceId), instanceId);
    entries[`${DEMO.projectId}/${instanceId}`] = {
      project_id: DEMO.projectId, instance_id: instanceId, status_filter: null, region: 'cn-north-4', endpoint: null,
      source: 'live', fetched_at: '2026-11-28T12:00:00.000Z', count: records.length, records,
    };
  }
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'dcs-bigkey-replay-')), 'dcs-bigkey.context.json');
  fs.writeFileSync(file, JSON.stringify({ version: 1, entries }));
  return file;
}

function replayStack(cdk: Cdk, file = snapshotFile()) {
  const app = cdk.Testing.app({ context: { 'dcs-bigkey:snapshot': 'replay', 'dcs-bigkey:snapshotFile': file } });
  return new cdk.TerraformStack(app, 'producer');
}

function manifestOf(outdir: string) {
  return JSON.parse(fs.readFileSync(path.join(outdir, 'manifest.json'), 'utf8')).stacks.producer;
}

describe.each(FRAMEWORKS)('DcsBigKeyScanTasks replayed from a snapshot (no network), under %s', (_name, cdk) => {
  beforeAll(() => {
    process.env.CDKTF_CONTINUE_SYNTH_ON_ERROR_ANNOTATIONS = 'true';
  });

  it('derives the typed values from the records', () => {
    const scans = new DcsBigKeyScanTasks(replayStack(cdk), 'catalog-cache', { instanceId: DEMO.instances.catalogCache, projectId: DEMO.projectId });
    const tasks = demoTasks(DEMO.instances.catalogCache);
    expect(scans.source).toBe('snapshot');
    expect(scans.fetchedAt).toBe('2026-11-28T12:00:00.000Z');
    expect(scans.records.map((t) => t.id)).toEqual(tasks.map((t) => t.id));
    expect(scans.latest?.status).toMatch(/waiting|running/); // the demo's newest tasks are in progress
    expect(scans.latestAuto).toEqual(tasks.find((t) => t.scan_type === 'auto'));
    expect(scans.latestManual).toEqual(tasks.find((t) => t.scan_type === 'manual'));
    expect(scans.latestSuccessful).toEqual(tasks.find((t) => t.status === 'success'));
  });

  it('evaluates time-based gates against the given clock', () => {
    const scans = new DcsBigKeyScanTasks(replayStack(cdk), 'catalog-cache', {
      instanceId: DEMO.instances.catalogCache, projectId: DEMO.projectId,
      gates: { maxAutoScanAge: { maxAge: '1d' }, stuckTask: { maxDuration: '2h', severity: 'warning' } },
    });
    const finished = Date.parse(scans.latestFinishedAuto!.finished_at!);
    expect(scans.latestAutoScanAgeMs(new Date(finished + 5_000))).toBe(5_000);
    expect(scans.findings(new Date(finished + 60_000))).toEqual([]);
    const later = scans.findings(new Date(finished + 2 * 86_400_000));
    expect(later.map((f) => [f.policy, f.severity])).toEqual([
      ['max-auto-scan-age', 'error'],
      ['stuck-task', 'warning'],
      ['stuck-task', 'warning'],
    ]);
  });

  it('turns findings into annotations in Testing.fullSynth', () => {
    const stack = replayStack(cdk);
    new DcsBigKeyScanTasks(stack, 'sessions-cache', { instanceId: DEMO.instances.sessionsCache, projectId: DEMO.projectId, gates: { latestAutoFailed: 'error' } });
    new DcsBigKeyScanTasks(stack, 'orders-cache', { instanceId: DEMO.instances.ordersCache, projectId: DEMO.projectId, gates: { latestAutoFailed: 'error' } });
    const annotations = manifestOf(cdk.Testing.fullSynth(stack)).annotations;
    expect(annotations).toEqual([
      expect.objectContaining({ constructPath: 'producer/sessions-cache', level: '@cdktf/error', message: expect.stringContaining('[latest-auto-failed] the latest automatic big key scan of instance 7c9e6679-7425-40de-944b-e07fc1f90ae7 (sessions-cache) failed') }),
    ]);
  });

  it('a newer automatic scan still running after the failed one clears nothing: synth and consumers are blocked until one succeeds', () => {
    const running: BigKeyTask = { id: '0c0c0c0c-0000-4000-8000-000000000001', scan_type: 'auto', status: 'running', created_at: '2026-11-29T03:00:00.000Z', started_at: '2026-11-29T03:00:02.000Z', finished_at: null };
    const file = snapshotFile((records, instanceId) => (instanceId === DEMO.instances.sessionsCache ? [running, ...records] : records));
    const stack = replayStack(cdk, file);
    const scans = new DcsBigKeyScanTasks(stack, 'sessions-cache', { instanceId: DEMO.instances.sessionsCache, projectId: DEMO.projectId });
    expect(scans.latestAuto?.id).toBe(running.id);
    expect(manifestOf(cdk.Testing.fullSynth(stack)).annotations).toEqual([
      expect.objectContaining({ level: '@cdktf/error', message: expect.stringMatching(/^\[latest-auto-failed\] the latest automatic big key scan of instance 7c9e6679-7425-40de-944b-e07fc1f90ae7 \(sessions-cache\) with a result failed: task e8043eda-5371-47de-b413-4c25a0c8f6ba .*; the newer one has none yet: task 0c0c0c0c-0000-4000-8000-000000000001 \(auto, status running/) }),
    ]);
    const out = JSON.parse(cdk.Testing.synth(stack)).output;
    expect(out['sessions-cache_latest_auto_status'].value).toBe('running');
    expect(out['sessions-cache_gate_message'].value).toMatch(/^the latest automatic big key scan of .* with a result failed/);
  });

  it('says so when the headline policy had nothing to judge (no automatic scan with a result): the gate passes on no evidence, never silently', () => {
    const running: BigKeyTask = { id: '0c0c0c0c-0000-4000-8000-000000000002', scan_type: 'auto', status: 'running', created_at: '2026-11-29T03:00:00.000Z', started_at: '2026-11-29T03:00:02.000Z', finished_at: null };
    const file = snapshotFile((records, instanceId) => (instanceId === DEMO.instances.ordersCache ? [running, ...records.filter((t) => t.scan_type !== 'auto')] : records));
    const stack = replayStack(cdk, file);
    new DcsBigKeyScanTasks(stack, 'orders-cache', { instanceId: DEMO.instances.ordersCache, projectId: DEMO.projectId });
    new DcsBigKeyScanTasks(stack, 'orders-cache-quiet', { instanceId: DEMO.instances.ordersCache, projectId: DEMO.projectId, gates: { latestAutoFailed: 'off', requireSuccessfulScan: 'error' } });
    // With a policy that blocks until there is evidence, the note does not advise adding one.
    new DcsBigKeyScanTasks(stack, 'orders-cache-aged', { instanceId: DEMO.instances.ordersCache, projectId: DEMO.projectId, outputPrefix: 'aged', gates: { maxAutoScanAge: { maxAge: '7d', severity: 'warning' } } });
    new DcsBigKeyScanTasks(stack, 'catalog-cache', { instanceId: DEMO.instances.catalogCache, projectId: DEMO.projectId });
    expect(manifestOf(cdk.Testing.fullSynth(stack)).annotations).toEqual([
      expect.objectContaining({
        constructPath: 'producer/orders-cache', level: '@cdktf/info',
        message: expect.stringMatching(/^no automatic big key scan of instance 5560df16-cebf-4473-95c4-d1b573c16e79 \(orders-cache\) has a result yet \(\d+ tasks read\), so latestAutoFailed had nothing to judge; enable automatic analysis \(PUT \.\.\.\/bigkey\/autoscan\), and add gates\.maxAutoScanAge or gates\.requireSuccessfulScan/),
      }),
      expect.objectContaining({
        constructPath: 'producer/orders-cache-aged', level: '@cdktf/info',
        message: expect.stringMatching(/^no automatic big key scan of instance 5560df16-cebf-4473-95c4-d1b573c16e79 \(orders-cache-aged\) has a result yet \(\d+ tasks read\), so latestAutoFailed had nothing to judge; enable automatic analysis \(PUT \.\.\.\/bigkey\/autoscan\)$/),
      }),
      expect.objectContaining({ constructPath: 'producer/orders-cache-aged', level: '@cdktf/warn', message: expect.stringMatching(/^\[max-auto-scan-age\] no automatic big key scan of .* has finished/) }),
    ]);
  });

  it('fails closed, naming the problem, when the snapshot file is a device (it would never end)', () => {
    const app = cdk.Testing.app({ context: { 'dcs-bigkey:snapshot': 'replay', 'dcs-bigkey:snapshotFile': '/dev/zero' } });
    const stack = new cdk.TerraformStack(app, 'producer');
    new DcsBigKeyScanTasks(stack, 'orders-cache', { instanceId: DEMO.instances.ordersCache, projectId: DEMO.projectId });
    expect(manifestOf(cdk.Testing.fullSynth(stack)).annotations).toEqual([
      expect.objectContaining({ level: '@cdktf/error', message: expect.stringMatching(/^\[lookup-failed\] .* could not be read, so the gate cannot pass: cannot read snapshot file \/dev\/zero: it is a device, not a regular file/) }),
    ]);
  });

  // The gates read "the latest automatic scan" as the first auto record: an entry whose records
  // are out of order, or list a task twice, would let an older successful scan hide the newest
  // failed one. Such an entry is refused (the lookup fails closed), never read in its order.
  it.each<[string, (records: BigKeyTask[]) => BigKeyTask[], RegExp]>([
    ['records oldest first (the newest automatic scan, which failed, listed last)', (records) => [...records].reverse(), /records are not newest first by created_at \(then id\)/],
    ['a task listed twice (an older successful automatic scan copied to the top)', (records) => [{ ...records.find((t) => t.scan_type === 'auto' && t.status === 'success')!, created_at: '2026-11-29T00:00:00.000Z' }, ...records], /records\[\d+\] is the task of records\[0\] again/],
  ])('fails closed on an entry with %s', (_what, edit, problem) => {
    const file = snapshotFile((records, instanceId) => (instanceId === DEMO.instances.sessionsCache ? edit(records) : records));
    const stack = replayStack(cdk, file);
    const scans = new DcsBigKeyScanTasks(stack, 'sessions-cache', { instanceId: DEMO.instances.sessionsCache, projectId: DEMO.projectId });
    const outdir = cdk.Testing.fullSynth(stack);
    expect(manifestOf(outdir).annotations).toEqual([
      expect.objectContaining({ level: '@cdktf/error', message: expect.stringMatching(/^\[lookup-failed\] big key scan tasks of instance 7c9e6679-7425-40de-944b-e07fc1f90ae7 \(sessions-cache\) could not be read, so the gate cannot pass: snapshot file .*, entry 0b6bd4e1a8f34b0c9a8a4f5c1e0d2a7b\/7c9e6679-7425-40de-944b-e07fc1f90ae7: /) }),
    ]);
    expect(manifestOf(outdir).annotations[0].message).toMatch(problem);
    // What consumers read: the gate message blocks, the status is unknown.
    const out = JSON.parse(cdk.Testing.synth(stack)).output;
    expect(out['sessions-cache_latest_auto_status'].value).toBe('unknown');
    expect(out['sessions-cache_gate_message'].value).toMatch(/could not be read, so the gate cannot pass/);
    expect(() => scans.latestAuto).toThrow(/records are not newest first|again/);
  });

  // The framework writes one output per name and silently keeps the last of two with the same
  // one: another output named like this construct's would replace what consumers read.
  it.each<[string, (stack: InstanceType<Cdk['TerraformStack']>) => void, RegExp]>([
    ["an output of the app's own named <prefix>_gate_message", (stack) => new cdk.TerraformOutput(stack, 'sessions-cache_gate_message', { value: '', staticId: true }), /output sessions-cache_gate_message of DcsBigKeyScanTasks producer\/sessions-cache has the name of producer\/sessions-cache_gate_message too/],
    ["another construct whose prefix makes the same name (sessions-cache_big_key + _count)", (stack) => new DcsBigKeyScanTasks(stack, 'sessions-cache_big_key', { instanceId: DEMO.instances.ordersCache, projectId: DEMO.projectId }), /output sessions-cache_big_key_count of DcsBigKeyScanTasks producer\/sessions-cache has the name of producer\/sessions-cache_big_key\/sessions-cache_big_key_count too/],
  ])('refuses to synthesize when %s (one would replace the other)', (_what, add, message) => {
    const file = snapshotFile();
    const stack = replayStack(cdk, file);
    const entries = JSON.parse(fs.readFileSync(file, 'utf8')).entries;
    const base = entries[`${DEMO.projectId}/${DEMO.instances.sessionsCache}`];
    entries[`${DEMO.projectId}/${DEMO.instances.sessionsCache}?keys=1`] = { ...base, keys: { task_id: base.records.find((t: BigKeyTask) => t.status === 'success').id, scan_type: 'auto', finished_at: null, num: 0, keys: [] } };
    fs.writeFileSync(file, JSON.stringify({ version: 1, entries }));
    new DcsBigKeyScanTasks(stack, 'sessions-cache', { instanceId: DEMO.instances.sessionsCache, projectId: DEMO.projectId, readBigKeys: true });
    add(stack);
    const errors = manifestOf(cdk.Testing.fullSynth(stack)).annotations.filter((a: { level: string }) => a.level === '@cdktf/error').map((a: { message: string }) => a.message);
    expect(errors).toEqual(expect.arrayContaining([expect.stringMatching(message)]));
  });

  it('writes the outputs with no network', () => {
    const stack = replayStack(cdk);
    new DcsBigKeyScanTasks(stack, 'orders-cache', { instanceId: DEMO.instances.ordersCache, projectId: DEMO.projectId });
    const out = JSON.parse(cdk.Testing.synth(stack)).output;
    const tasks = demoTasks(DEMO.instances.ordersCache);
    expect(out['orders-cache_count'].value).toBe(tasks.length);
    expect(out['orders-cache_latest_auto_status'].value).toBe('success');
    expect(JSON.parse(out['orders-cache_records'].value)).toHaveLength(tasks.length);
  });
});
