/**
 * DcsBigKeyScanTasks against the emulator (a separate process): typed values, outputs, gates,
 * batching, bad props, snapshots, no secrets in what is written — under both frameworks (cdktf
 * and cdktn), one set of cases.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Construct } from 'constructs';
import { DcsConfigError } from '../../lib/client/errors';
import { DcsBigKeyScanTasks, DcsLookupFailedError } from '../../lib/construct/dcs-bigkey-scan-tasks';
import { LookupRegistry } from '../../lib/construct/lookup-registry';
import { DEMO, newInstanceId, SECRETS, useDemoEmulator } from '../support/emulator-fixture';
import { FRAMEWORKS } from '../support/frameworks';
import { continueOnErrorAnnotations, newApp, outputs, synthApp } from '../support/synth';

const demo = useDemoEmulator();
beforeAll(continueOnErrorAnnotations);

function isoMinutesAgo(minutes: number): string {
  return new Date(Date.now() - minutes * 60_000).toISOString();
}

describe.each(FRAMEWORKS)('under %s', (frameworkName, cdk) => {
  describe('typed values', () => {
    it('exposes the tasks as plain values, newest first, during construction', () => {
      const app = newApp({}, cdk);
      const stack = new cdk.TerraformStack(app, 'producer');
      const scans = new DcsBigKeyScanTasks(stack, 'orders-cache', { ...demo.connection, instanceId: DEMO.instances.ordersCache });
      expect(typeof scans.count).toBe('number');
      expect(scans.count).toBe(scans.records.length);
      expect(scans.count).toBeGreaterThan(5);
      const times = scans.records.map((r) => Date.parse(r.created_at));
      expect(times).toEqual([...times].sort((a, b) => b - a));
      expect(scans.latest).toBe(scans.records[0]);
      expect(scans.latestAuto?.scan_type).toBe('auto');
      expect(scans.latestAuto?.status).toBe('success');
      expect(scans.latestManual?.scan_type).toBe('manual');
      expect(scans.latestSuccessful?.status).toBe('success');
      expect(scans.source).toBe('emulator');
      const age = scans.latestAutoScanAgeMs(new Date(Date.parse(scans.latestFinishedAuto!.finished_at!) + 3_600_000));
      expect(age).toBe(3_600_000);
    });

    it('gives undefined latest values for an instance with no tasks', () => {
      const app = newApp({}, cdk);
      const stack = new cdk.TerraformStack(app, 'producer');
      const id = newInstanceId();
      return demo.emulator.admin.putInstance(id, { project_id: DEMO.projectId, tasks: [] }).then(() => {
        const scans = new DcsBigKeyScanTasks(stack, 'empty', { ...demo.connection, instanceId: id });
        expect(scans.count).toBe(0);
        expect(scans.latest).toBeUndefined();
        expect(scans.latestAuto).toBeUndefined();
        expect(scans.latestSuccessful).toBeUndefined();
        expect(scans.latestAutoScanAgeMs()).toBeUndefined();
      });
    });
  });

  describe('outputs', () => {
    function producer(id = 'orders-cache', instanceId: string = DEMO.instances.ordersCache) {
      const app = newApp({}, cdk);
      const stack = new cdk.TerraformStack(app, 'producer');
      const scans = new DcsBigKeyScanTasks(stack, id, { ...demo.connection, instanceId });
      return { app, scans };
    }

    it('writes stable, documented outputs named after the construct id', () => {
      const { app, scans } = producer();
      const result = synthApp(app);
      const out = outputs(result.stacks.producer);
      expect(Object.keys(out).sort()).toEqual([
        'orders-cache_count', 'orders-cache_gate_message', 'orders-cache_instance_id', 'orders-cache_latest_auto_created_at',
        'orders-cache_latest_auto_finished_at', 'orders-cache_latest_auto_id', 'orders-cache_latest_auto_status',
        'orders-cache_latest_id', 'orders-cache_latest_status', 'orders-cache_latest_successful_finished_at',
        'orders-cache_latest_successful_id', 'orders-cache_records',
      ]);
      expect(out['orders-cache_instance_id']).toBe(DEMO.instances.ordersCache);
      expect(out['orders-cache_count']).toBe(scans.count);
      expect(out['orders-cache_latest_auto_status']).toBe('success');
      expect(out['orders-cache_latest_auto_id']).toBe(scans.latestAuto!.id);
      expect(out['orders-cache_latest_auto_finished_at']).toBe(scans.latestAuto!.finished_at);
      expect(out['orders-cache_gate_message']).toBe('');
      const records = JSON.parse(out['orders-cache_records'] as string);
      expect(records.map((r: { id: string }) => r.id)).toEqual(scans.records.map((r) => r.id));
      expect(result.annotations.producer.filter((a) => a.level === '@cdktf/error')).toEqual([]);
      // built with the stack's own framework
      expect(scans.framework).toBe(frameworkName);
      expect(Object.values(scans.outputs).every((o) => o instanceof cdk.TerraformOutput)).toBe(true);
    });

    it('is byte-identical across two synths of unchanged data', () => {
      const first = synthApp(producer().app);
      const second = synthApp(producer().app);
      const read = (dir: string) => fs.readFileSync(path.join(dir, 'stacks', 'producer', 'cdk.tf.json'), 'utf8');
      expect(read(second.outdir)).toBe(read(first.outdir));
    });

    it('never writes a credential', () => {
      const result = synthApp(producer().app);
      for (const secret of [...SECRETS, DEMO.accessKey]) expect(result.allText).not.toContain(secret);
    });

    it('rejects an id that cannot name an output, and a prefix used twice in a stack', () => {
      const app = newApp({}, cdk);
      const stack = new cdk.TerraformStack(app, 'producer');
      expect(() => new DcsBigKeyScanTasks(stack, 'orders cache', { ...demo.connection, instanceId: DEMO.instances.ordersCache })).toThrow(/invalid outputPrefix "orders cache"/);
      new DcsBigKeyScanTasks(stack, 'a', { ...demo.connection, instanceId: DEMO.instances.ordersCache });
      expect(() => new DcsBigKeyScanTasks(stack, 'b', { ...demo.connection, instanceId: DEMO.instances.ordersCache, outputPrefix: 'a' })).toThrow(/output prefix "a" is already used/);
    });
  });

  describe('gates', () => {
    function gated(instanceId: string, gates: object, id = 'cache') {
      const app = newApp({}, cdk);
      const stack = new cdk.TerraformStack(app, 'producer');
      const scans = new DcsBigKeyScanTasks(stack, id, { ...demo.connection, instanceId, gates });
      return { app, scans, result: () => synthApp(app) };
    }

    it('fails synth with an error annotation when the latest automatic scan failed', () => {
      const { scans, result } = gated(DEMO.instances.sessionsCache, { latestAutoFailed: 'error' }, 'sessions-cache');
      const r = result();
      const errors = r.annotations.producer.filter((a) => a.level === '@cdktf/error');
      expect(errors).toHaveLength(1);
      const task = scans.latestAuto!;
      expect(task.status).toBe('failed');
      expect(errors[0].message).toContain(`[latest-auto-failed] the latest automatic big key scan of instance ${DEMO.instances.sessionsCache} (sessions-cache) failed`);
      expect(errors[0].message).toContain(task.id);
      expect(errors[0].message).toContain(`finished ${task.finished_at}`);
      expect(errors[0].message).toMatch(/run a new scan/);
      expect(outputs(r.stacks.producer)['sessions-cache_gate_message']).toBe(errors[0].message.replace('[latest-auto-failed] ', ''));
    });

    it('only warns with severity warning, and passes when the latest automatic scan succeeded', () => {
      const warn = gated(DEMO.instances.sessionsCache, { latestAutoFailed: 'warning' }).result();
      expect(warn.annotations.producer.map((a) => a.level)).toEqual(['@cdktf/warn']);
      const pass = gated(DEMO.instances.ordersCache, { latestAutoFailed: 'error' }).result();
      expect(pass.annotations.producer).toEqual([]);
    });

    it('checks the age of the latest finished automatic scan and stuck tasks', async () => {
      const id = newInstanceId();
      await demo.emulator.admin.putInstance(id, {
        project_id: DEMO.projectId,
        tasks: [
          { id: newInstanceId(), scan_type: 'manual', status: 'running', created_at: isoMinutesAgo(200), started_at: isoMinutesAgo(190), finished_at: null },
          { id: newInstanceId(), scan_type: 'auto', status: 'success', created_at: isoMinutesAgo(3 * 24 * 60), started_at: isoMinutesAgo(3 * 24 * 60 - 1), finished_at: isoMinutesAgo(3 * 24 * 60 - 2) },
        ],
      });
      const stale = gated(id, { maxAutoScanAge: { maxAge: '2d' }, stuckTask: { maxDuration: '2h', severity: 'warning' } }).result();
      const byLevel = (level: string) => stale.annotations.producer.filter((a) => a.level === `@cdktf/${level.toLowerCase()}`).map((a) => a.message);
      expect(byLevel('error')).toHaveLength(1);
      expect(byLevel('error')[0]).toMatch(/\[max-auto-scan-age\] no automatic big key scan of .* finished in the last 2d: .* 2d 23h ago/);
      expect(byLevel('warn')).toHaveLength(1);
      expect(byLevel('warn')[0]).toMatch(/\[stuck-task\] a big key scan of .* has been running for 3h 10m, longer than 2h/);
      const fresh = gated(id, { maxAutoScanAge: { maxAge: '4d' }, stuckTask: { maxDuration: '4h' } }).result();
      expect(fresh.annotations.producer).toEqual([]);
    });

    it('requires a successful scan when asked', async () => {
      const id = newInstanceId();
      await demo.emulator.admin.putInstance(id, {
        project_id: DEMO.projectId,
        tasks: [{ id: newInstanceId(), scan_type: 'auto', status: 'failed', created_at: isoMinutesAgo(60), started_at: isoMinutesAgo(59), finished_at: isoMinutesAgo(58) }],
      });
      const r = gated(id, { requireSuccessfulScan: 'error' }).result();
      // It adds to the headline policy, which blocks this failed automatic scan too.
      expect(r.annotations.producer.map((a) => a.message)).toEqual([
        expect.stringMatching(/^\[latest-auto-failed\] the latest automatic big key scan of instance .* failed/),
        expect.stringMatching(/\[require-successful-scan\] instance .* has no successful big key scan \(1 tasks read/),
      ]);
      const alone = gated(id, { latestAutoFailed: 'off', requireSuccessfulScan: 'error' }).result();
      expect(alone.annotations.producer.map((a) => a.message)).toEqual([expect.stringMatching(/^\[require-successful-scan\]/)]);
    });

    it('fails closed when the lookup fails, even with no policy, and values throw', () => {
      const { scans, result } = gated(DEMO.instances.legacyCache, {}, 'legacy-cache');
      const r = result();
      const errors = r.annotations.producer.filter((a) => a.level === '@cdktf/error');
      expect(errors).toHaveLength(1);
      expect(errors[0].message).toMatch(/\[lookup-failed\] big key scan tasks of instance .* could not be read, so the gate cannot pass: .*DCS.4919.*request id/);
      expect(() => scans.records).toThrow(DcsLookupFailedError);
      const out = outputs(r.stacks.producer);
      expect(out['legacy-cache_latest_auto_status']).toBe('unknown');
      expect(out['legacy-cache_count']).toBe(-1);
      expect(out['legacy-cache_gate_message']).toMatch(/could not be read/);
    });

    it('fails closed on malformed data', async () => {
      const id = newInstanceId();
      await demo.emulator.admin.putInstance(id, { project_id: DEMO.projectId, generate: { count: 3, start: '2026-01-01T00:00:00.000Z', interval_seconds: 60, seed: id } });
      await demo.emulator.admin.addFaults({ kind: 'malformed', mode: 'schema', instance_id: id });
      const r = gated(id, { latestAutoFailed: 'error' }).result();
      expect(r.annotations.producer.filter((a) => a.level === '@cdktf/error').map((a) => a.message)).toEqual([expect.stringMatching(/\[lookup-failed\] .*malformed body/)]);
    });

    it('makes a status-filtered lookup unusable as a consumer gate source (fails closed)', () => {
      const app = newApp({}, cdk);
      const stack = new cdk.TerraformStack(app, 'producer');
      const scans = new DcsBigKeyScanTasks(stack, 'sessions-success', { ...demo.connection, instanceId: DEMO.instances.sessionsCache, status: 'success' });
      expect(scans.records.every((r) => r.status === 'success')).toBe(true);
      const out = outputs(synthApp(app).stacks.producer);
      expect(out['sessions-success_gate_message']).toMatch(/were read filtered by status "success", which cannot gate a deployment/);
    });

    it('the headline policy is on without any gates prop, and turned off only by latestAutoFailed: off (which it says)', () => {
      const app = newApp({}, cdk);
      const stack = new cdk.TerraformStack(app, 'producer');
      new DcsBigKeyScanTasks(stack, 'sessions-cache', { ...demo.connection, instanceId: DEMO.instances.sessionsCache });
      new DcsBigKeyScanTasks(stack, 'sessions-off', { ...demo.connection, instanceId: DEMO.instances.sessionsCache, gates: { latestAutoFailed: 'off' } });
      const annotations = synthApp(app).annotations.producer;
      expect(annotations.filter((a) => a.level === '@cdktf/error').map((a) => [a.constructPath, a.message])).toEqual([
        ['producer/sessions-cache', expect.stringMatching(/^\[latest-auto-failed\] the latest automatic big key scan of instance .* \(sessions-cache\) failed/)],
      ]);
      expect(annotations.filter((a) => a.level === '@cdktf/info').map((a) => [a.constructPath, a.message])).toEqual([
        ['producer/sessions-off', expect.stringMatching(/no gate policy is evaluated for instance .* \(sessions-off\): every policy is turned off/)],
      ]);
    });

    it('a status-filtered lookup evaluates no policy and says so; a failed lookup is still an error', () => {
      const app = newApp({}, cdk);
      const stack = new cdk.TerraformStack(app, 'producer');
      const scans = new DcsBigKeyScanTasks(stack, 'sessions-failed', { ...demo.connection, instanceId: DEMO.instances.sessionsCache, status: 'failed' });
      new DcsBigKeyScanTasks(stack, 'legacy-failed', { ...demo.connection, instanceId: DEMO.instances.legacyCache, status: 'failed' });
      expect(scans.latestAuto?.status).toBe('failed'); // only failed tasks were read: nothing to gate on
      expect(scans.findings()).toEqual([]);
      const annotations = synthApp(app).annotations.producer;
      expect(annotations.filter((a) => a.level === '@cdktf/info').map((a) => a.message)).toEqual([
        expect.stringMatching(/no gate policy is evaluated for instance .* \(sessions-failed\): its tasks are filtered by status "failed" .* its gate_message output blocks consumers/),
        expect.stringMatching(/\(legacy-failed\): its tasks are filtered by status "failed"/),
      ]);
      expect(annotations.filter((a) => a.level === '@cdktf/error').map((a) => a.message)).toEqual([expect.stringMatching(/^\[lookup-failed\] .*\(legacy-failed\) could not be read/)]);
    });

    it('DCS_BIGKEY_MAX_TASKS caps the tasks read at synth: a larger count fails closed after one request', async () => {
      const id = newInstanceId();
      await demo.emulator.admin.putInstance(id, { project_id: DEMO.projectId, generate: { count: 12, start: '2026-01-01T00:00:00.000Z', interval_seconds: 60, seed: id } });
      process.env.DCS_BIGKEY_MAX_TASKS = '10';
      try {
        const app = newApp({}, cdk);
        new DcsBigKeyScanTasks(new cdk.TerraformStack(app, 'producer'), 'capped', { ...demo.connection, instanceId: id });
        const errors = synthApp(app).annotations.producer.filter((a) => a.level === '@cdktf/error').map((a) => a.message);
        expect(errors).toEqual([expect.stringMatching(/\[lookup-failed\] .* malformed body: count is 12, more than the 10 tasks this client reads for one instance \(maxTasks, DCS_BIGKEY_MAX_TASKS\)/)]);
        process.env.DCS_BIGKEY_MAX_TASKS = 'many';
        expect(() => new DcsBigKeyScanTasks(new cdk.TerraformStack(newApp({}, cdk), 'producer'), 'c', { ...demo.connection, instanceId: id })).toThrow(/invalid DCS_BIGKEY_MAX_TASKS "many"/);
      } finally {
        delete process.env.DCS_BIGKEY_MAX_TASKS;
      }
      expect((await demo.emulator.admin.stats()).by_instance[id].list_requests).toBe(1);
    });

    it('normalises an upper-case instance id to lower case (the API knows lower case only)', () => {
      const app = newApp({}, cdk);
      const scans = new DcsBigKeyScanTasks(new cdk.TerraformStack(app, 'producer'), 'orders-cache', { ...demo.connection, instanceId: DEMO.instances.ordersCache.toUpperCase() });
      expect(scans.instanceId).toBe(DEMO.instances.ordersCache);
      expect(scans.latestAuto?.status).toBe('success');
      expect(outputs(synthApp(app).stacks.producer)['orders-cache_instance_id']).toBe(DEMO.instances.ordersCache);
    });

    it('turns a failed lookup into a warning only by explicit choice', () => {
      const r = gated(DEMO.instances.legacyCache, { onLookupFailure: 'warning' }).result();
      expect(r.annotations.producer.map((a) => a.level)).toEqual(['@cdktf/warn']);
    });
  });

  describe('bad props', () => {
    it.each([
      [{ instanceId: 'orders' }, /DcsBigKeyScanTasks producer\/c: invalid instanceId "orders": expected a DCS instance id/],
      [{ instanceId: DEMO.instances.ordersCache, projectId: 'x' }, /invalid project id "x"/],
      [{ instanceId: DEMO.instances.ordersCache, endpoint: 'ftp://x' }, /invalid endpoint "ftp:\/\/x"/],
      [{ instanceId: DEMO.instances.ordersCache, endpoint: undefined, region: 'mars-1' }, /unknown region "mars-1"/],
      [{ instanceId: DEMO.instances.ordersCache, status: 'done' }, /invalid status "done": expected one of waiting, running, success, failed/],
      [{ instanceId: DEMO.instances.ordersCache, gates: { latestAutoFailed: 'fatal' } }, /invalid gates.latestAutoFailed "fatal": expected "error", "warning" or "off"/],
      [{ instanceId: DEMO.instances.ordersCache, gates: { maxAutoScanAge: { maxAge: 'a week' } } }, /invalid gates.maxAutoScanAge.maxAge "a week"/],
      [{ instanceId: DEMO.instances.ordersCache, gates: { failFast: true } }, /unknown gates policy "failFast"/],
      [{ instanceId: DEMO.instances.ordersCache, gates: { maxAutoScanAge: {} } }, /invalid gates.maxAutoScanAge.maxAge \(missing\): expected a duration such as 90m/],
      [{ instanceId: DEMO.instances.ordersCache, accessKey: undefined, secretKey: 'only-secret' }, /incomplete credentials: accessKey is missing/],
      [{ instanceId: DEMO.instances.ordersCache, status: 'success', gates: { latestAutoFailed: 'error' } }, /gates cannot be checked on tasks filtered by status "success"/],
      [{ instanceId: DEMO.instances.ordersCache, status: 'success', gates: { onLookupFailure: 'warning' } }, /gates cannot be checked on tasks filtered by status "success" .*latestAutoFailed is on unless set to 'off'/],
      [{ instanceId: DEMO.instances.ordersCache, gates: 'error' }, /DcsBigKeyScanTasks producer\/c: invalid gates "error": expected an object such as \{ latestAutoFailed: 'error' \}/],
      [{ instanceId: DEMO.instances.ordersCache, gates: { stuckTask: '6h' } }, /invalid gates\.stuckTask "6h": expected an object such as \{ maxDuration: '6h' \}/],
      [{ instanceId: DEMO.instances.ordersCache, gates: { maxAutoScanAge: { maxAge: 1e308 } } }, /invalid gates\.maxAutoScanAge\.maxAge 1e\+308: a duration must be from 1s to 3650d/],
      [{ instanceId: DEMO.instances.ordersCache, createOutputs: 'no' }, /DcsBigKeyScanTasks producer\/c: invalid createOutputs "no": expected true or false/],
      [{ instanceId: DEMO.instances.ordersCache, securityToken: 42 }, /DcsBigKeyScanTasks producer\/c: invalid securityToken: it is a number, not a string/],
      [{ instanceId: DEMO.instances.ordersCache, secretKey: `${DEMO.secretKey}\n` }, /invalid secretKey: it ends with a line break \(the value is not shown\)/],
      [{ instanceId: DEMO.instances.ordersCache, endpoint: 'http://dcs.example.invalid' }, /invalid endpoint "http:\/\/dcs.example.invalid": http:\/\/ would send signed requests/],
      // A misspelt prop (from JavaScript, or a props object built elsewhere) would leave its gate silently unchecked.
      [{ instanceId: DEMO.instances.ordersCache, gate: { stuckTask: { maxDuration: '6h' } } }, /DcsBigKeyScanTasks producer\/c: unknown prop "gate": expected instanceId, .*, gates, readBigKeys$/],
      [{ instanceId: DEMO.instances.ordersCache, readHotKeys: true }, /unknown prop "readHotKeys"/],
    ])('%#: throws a DcsConfigError at construction, before any request', async (props, message) => {
      const before = (await demo.emulator.admin.stats()).requests;
      const app = newApp({}, cdk);
      const stack = new cdk.TerraformStack(app, 'producer');
      const error = (() => {
        try {
          new DcsBigKeyScanTasks(stack, 'c', { ...demo.connection, ...(props as object) } as never);
        } catch (e) {
          return e as Error;
        }
        return undefined;
      })();
      expect(error).toBeInstanceOf(DcsConfigError);
      expect(error?.message).toMatch(message);
      expect((await demo.emulator.admin.stats()).requests).toBe(before);
    });
  });

  describe('many instances, one synth', () => {
    it('resolves every construct of the app in one concurrent batch', async () => {
      const ids = Array.from({ length: 12 }, () => newInstanceId());
      for (const id of ids) await demo.emulator.admin.putInstance(id, { project_id: DEMO.projectId, generate: { count: 5, start: '2026-01-01T00:00:00.000Z', interval_seconds: 60, seed: id } });
      await demo.emulator.admin.addFaults({ kind: 'latency', ms: 50 });
      await demo.emulator.admin.resetStats();
      const app = newApp({}, cdk);
      const stack = new cdk.TerraformStack(app, 'producer');
      const all = ids.map((id, i) => new DcsBigKeyScanTasks(stack, `cache-${i}`, { ...demo.connection, instanceId: id }));
      expect((await demo.emulator.admin.stats()).requests).toBe(0); // nothing fetched until a value is needed
      expect(all[5].count).toBe(5); // the first read resolves all twelve
      const stats = await demo.emulator.admin.stats();
      expect(stats.list_requests).toBe(12);
      expect(stats.max_in_flight).toBeGreaterThan(1);
      expect(all.every((s) => s.count === 5)).toBe(true);
      expect((await demo.emulator.admin.stats()).list_requests).toBe(12);
      expect(LookupRegistry.of(app).summary()).toMatch(/^dcs-bigkey: 12 instances, 60 tasks, source emulator, \d+ ms in 1 batch$/);
    });

    it('the async form checks every prop before its request, as the constructor does', async () => {
      const before = (await demo.emulator.admin.stats()).requests;
      const stack = new cdk.TerraformStack(newApp({}, cdk), 'producer');
      for (const bad of [{ gates: { latestAutoFailed: 'fatal' } }, { outputPrefix: '1-bad' }, { createOutputs: 'no' }, { gate: {} }]) {
        await expect(DcsBigKeyScanTasks.fromLookup(stack, 'c', { ...demo.connection, instanceId: DEMO.instances.ordersCache, ...bad } as never)).rejects.toThrow(DcsConfigError);
      }
      expect((await demo.emulator.admin.stats()).requests).toBe(before);
    });

    it('offers an async form for apps that fetch in an async main()', async () => {
      const app = newApp({}, cdk);
      const stack = new cdk.TerraformStack(app, 'producer');
      const scans = await DcsBigKeyScanTasks.fromLookup(stack, 'orders-cache', { ...demo.connection, instanceId: DEMO.instances.ordersCache });
      expect(scans.latestAuto?.status).toBe('success');
      expect(LookupRegistry.of(app).summary()).toMatch(/in 0 batches/);
    });

    it('records what the async form fetched, once, at synth', async () => {
      const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'dcs-bigkey-async-')), 'dcs-bigkey.context.json');
      const app = newApp({ 'dcs-bigkey:snapshot': 'record', 'dcs-bigkey:snapshotFile': file }, cdk);
      const stack = new cdk.TerraformStack(app, 'producer');
      await DcsBigKeyScanTasks.fromLookup(stack, 'orders-cache', { ...demo.connection, instanceId: DEMO.instances.ordersCache });
      await DcsBigKeyScanTasks.fromLookup(stack, 'sessions-cache', { ...demo.connection, instanceId: DEMO.instances.sessionsCache });
      expect(fs.existsSync(file)).toBe(false); // nothing written per lookup
      synthApp(app);
      const entries = JSON.parse(fs.readFileSync(file, 'utf8')).entries;
      expect(Object.keys(entries).sort()).toEqual([`${DEMO.projectId}/${DEMO.instances.ordersCache}`, `${DEMO.projectId}/${DEMO.instances.sessionsCache}`].sort());
      expect(fs.readFileSync(file, 'utf8')).not.toContain(DEMO.secretKey);
    });
  });

  describe('snapshots', () => {
    it('records what was fetched, then synths from it with no network', () => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dcs-bigkey-snapshot-'));
      const file = path.join(dir, 'dcs-bigkey.context.json');
      const recordApp = newApp({ 'dcs-bigkey:snapshot': 'record', 'dcs-bigkey:snapshotFile': file }, cdk);
      const recorded = new DcsBigKeyScanTasks(new cdk.TerraformStack(recordApp, 'producer'), 'orders-cache', { ...demo.connection, instanceId: DEMO.instances.ordersCache });
      const live = synthApp(recordApp);
      const snapshot = JSON.parse(fs.readFileSync(file, 'utf8'));
      const entry = snapshot.entries[`${DEMO.projectId}/${DEMO.instances.ordersCache}`];
      expect(entry.count).toBe(recorded.count);
      expect(Date.parse(entry.fetched_at)).toBeGreaterThan(Date.now() - 60_000);
      expect(entry.endpoint).toBe(demo.emulator.url);
      const text = fs.readFileSync(file, 'utf8');
      for (const secret of [...SECRETS, DEMO.accessKey]) expect(text).not.toContain(secret);
      expect(fs.readdirSync(dir)).toEqual(['dcs-bigkey.context.json']); // no temporary file left

      // replay: an endpoint where nothing listens and no credentials: only the file is read
      const replayApp = newApp({ 'dcs-bigkey:snapshot': 'replay', 'dcs-bigkey:snapshotFile': file }, cdk);
      const replayed = new DcsBigKeyScanTasks(new cdk.TerraformStack(replayApp, 'producer'), 'orders-cache', { instanceId: DEMO.instances.ordersCache, projectId: DEMO.projectId });
      const offline = synthApp(replayApp);
      expect(replayed.source).toBe('snapshot');
      expect(replayed.fetchedAt).toBe(entry.fetched_at);
      const read = (dir2: string) => fs.readFileSync(path.join(dir2, 'stacks', 'producer', 'cdk.tf.json'), 'utf8');
      expect(read(offline.outdir)).toBe(read(live.outdir));
    });

    it('fails closed in replay mode when an entry is missing, naming the refresh command', () => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dcs-bigkey-snapshot-'));
      const app = newApp({ 'dcs-bigkey:snapshot': 'replay', 'dcs-bigkey:snapshotFile': path.join(dir, 'none.json') }, cdk);
      new DcsBigKeyScanTasks(new cdk.TerraformStack(app, 'producer'), 'orders-cache', { instanceId: DEMO.instances.ordersCache, projectId: DEMO.projectId });
      const r = synthApp(app);
      const errors = r.annotations.producer.filter((a) => a.level === '@cdktf/error').map((a) => a.message);
      expect(errors).toEqual([expect.stringMatching(/replay mode: no entry for .* in the snapshot file .*none\.json\. record it with DCS_BIGKEY_SNAPSHOT=record cdktf synth \(or `npx dcs-bigkey snapshot refresh`/)]);
    });

    it('rejects an unknown snapshot mode', () => {
      const app = newApp({ 'dcs-bigkey:snapshot': 'sometimes' }, cdk);
      expect(() => new DcsBigKeyScanTasks(new cdk.TerraformStack(app, 'producer'), 'c', { ...demo.connection, instanceId: DEMO.instances.ordersCache })).toThrow(/invalid snapshot mode "sometimes"/);
    });
  });

  describe('the framework of the scope', () => {
    const other = FRAMEWORKS.find(([name]) => name !== frameworkName)![1];

    it('fails synth when the latest automatic scan failed, with createOutputs: false too (the gate is registered with this framework)', () => {
      // Without outputs the gate aspect is the only thing that makes synth fail: registered with
      // the other package's Aspects, it was never visited under cdktn (a gate failing open).
      const saved = process.env.CDKTF_CONTINUE_SYNTH_ON_ERROR_ANNOTATIONS;
      delete process.env.CDKTF_CONTINUE_SYNTH_ON_ERROR_ANNOTATIONS;
      try {
        const app = newApp({}, cdk);
        const stack = new cdk.TerraformStack(app, 'producer');
        const scans = new DcsBigKeyScanTasks(stack, 'sessions-cache', { ...demo.connection, instanceId: DEMO.instances.sessionsCache, createOutputs: false, gates: { latestAutoFailed: 'error' } });
        expect(scans.outputs).toEqual({});
        expect(() => app.synth()).toThrow(new RegExp(`\\[latest-auto-failed\\] the latest automatic big key scan of instance ${DEMO.instances.sessionsCache} \\(sessions-cache\\) failed: task ${scans.latestAuto!.id}`));
      } finally {
        process.env.CDKTF_CONTINUE_SYNTH_ON_ERROR_ANNOTATIONS = saved;
      }
    });

    it('throws at construction when the gate cannot be registered with the framework, before any request', async () => {
      const before = (await demo.emulator.admin.stats()).requests;
      const add = jest.spyOn(cdk.Aspects.prototype, 'add').mockImplementation(() => undefined);
      try {
        const stack = new cdk.TerraformStack(newApp({}, cdk), 'producer');
        expect(() => new DcsBigKeyScanTasks(stack, 'c', { ...demo.connection, instanceId: DEMO.instances.ordersCache })).toThrow(
          new DcsConfigError(`DcsBigKeyScanTasks producer/c: the gate could not be registered with ${frameworkName}'s Aspects, so synth would never check it; report this with your ${frameworkName} version`),
        );
      } finally {
        add.mockRestore();
      }
      expect((await demo.emulator.admin.stats()).requests).toBe(before);
    });

    it.each([
      ['directly under the App', (app: InstanceType<typeof cdk.App>) => app, /DcsBigKeyScanTasks c: not inside a TerraformStack; create it inside a stack/],
      ['in a stack of a copy of the package the library does not load', (app: InstanceType<typeof cdk.App>) => {
        const foreign = new Construct(app, 'foreign');
        Object.defineProperty(foreign, Symbol.for('cdktf/TerraformStack'), { value: true });
        return foreign;
      }, /the stack foreign is a TerraformStack of a copy of cdktf\/cdktn that this library does not load .*npm ls cdktf cdktn/],
    ])('rejects a scope %s', (_title, scopeOf, message) => {
      const app = newApp({}, cdk);
      expect(() => new DcsBigKeyScanTasks(scopeOf(app), 'c', { ...demo.connection, instanceId: DEMO.instances.ordersCache })).toThrow(message);
      expect(() => new DcsBigKeyScanTasks(scopeOf(newApp({}, cdk)), 'c', { ...demo.connection, instanceId: DEMO.instances.ordersCache })).toThrow(DcsConfigError);
    });

    it('rejects a stack whose App is of the other framework', () => {
      const stack = new cdk.TerraformStack(newApp({}, other), 'producer');
      const otherName = frameworkName === 'cdktf' ? 'cdktn' : 'cdktf';
      expect(() => new DcsBigKeyScanTasks(stack, 'c', { ...demo.connection, instanceId: DEMO.instances.ordersCache })).toThrow(
        `DcsBigKeyScanTasks producer/c: the stack is a ${frameworkName} TerraformStack but its App is a ${otherName} App; build the app with one framework`,
      );
    });
  });
});
