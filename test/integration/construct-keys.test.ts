/**
 * The constructs beyond the task list, against the emulator (a separate process), under both
 * frameworks: the keys of the latest successful scan (DcsBigKeyScanTasks readBigKeys / bigKeys
 * gate), the automatic analysis settings (readAutoScan / autoScanEnabled), and DcsHotKeyScanTasks
 * — typed values, outputs, gates, one batch, snapshots, failing closed, and key names kept out of
 * everything unless exposeKeyNames.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { DcsConfigError } from '../../lib/client/errors';
import { DcsBigKeyScanTasks, DcsLookupFailedError } from '../../lib/construct/dcs-bigkey-scan-tasks';
import { DcsHotKeyScanTasks } from '../../lib/construct/dcs-hotkey-scan-tasks';
import { LookupRegistry } from '../../lib/construct/lookup-registry';
import { DEMO, newInstanceId, SECRETS, useDemoEmulator } from '../support/emulator-fixture';
import { FRAMEWORKS } from '../support/frameworks';
import { continueOnErrorAnnotations, newApp, outputs, synthApp } from '../support/synth';

const FEED = DEMO.instances.feedCache;
const FEED_LATEST = '6e2d4f8a-1b3c-4d5e-9f60-7a8b9c0d1e2f';
const MiB = 1024 * 1024;
/** The key names of feed-cache in the demo data: customer data. */
const FEED_NAMES = ['feed:timeline:render-cache', 'feed:followers:8812731', 'feed:trending:scores', 'feed:config:blob', 'feed:user:8812731'];

const demo = useDemoEmulator();
beforeAll(continueOnErrorAnnotations);

const errorsOf = (r: ReturnType<typeof synthApp>, stack = 'producer') => r.annotations[stack].filter((a) => a.level === '@cdktf/error').map((a) => a.message);
const expectNoNames = (text: string) => {
  for (const name of FEED_NAMES) expect(text).not.toContain(name);
};

describe.each(FRAMEWORKS)('under %s', (_frameworkName, cdk) => {
  const stackOf = (context: Record<string, unknown> = {}) => {
    const app = newApp(context, cdk);
    return { app, stack: new cdk.TerraformStack(app, 'producer') };
  };

  describe('the keys of the latest successful big key scan', () => {
    it('a 20 MB string key fails synth with bigKeys.maxStringBytes 10 MiB, naming its type, size, shard and db — not its name', () => {
      const { app, stack } = stackOf();
      const scans = new DcsBigKeyScanTasks(stack, 'feed-cache', { ...demo.connection, instanceId: FEED, gates: { bigKeys: { maxStringBytes: 10 * 1024 * 1024 } } });
      const r = synthApp(app);
      expect(errorsOf(r)).toEqual([
        `[big-keys] the latest successful big key scan of instance ${FEED} (feed-cache) (task ${FEED_LATEST}, auto, finished 2026-11-28T04:03:41.208Z) found a string key over the limit of 10 MB (10,485,760 bytes): ` +
          'a string key of 20 MB (20,971,520 bytes) on shard 192.168.3.21:6379, db 0. split or compress the value, or delete the key; ' +
          `\`dcs-bigkey keys --instance-id ${FEED}\` lists every key`,
      ]);
      // the consumer's gate message stays the headline policy's (here: nothing to block on)
      expect(outputs(r.stacks.producer)['feed-cache_gate_message']).toBe('');
      // no key name in any value, output, message or file
      expect(scans.bigKeys!.every((k) => k.name === undefined)).toBe(true);
      expectNoNames(r.allText);
      expectNoNames(JSON.stringify(scans.bigKeyScan));
      for (const secret of [...SECRETS, DEMO.accessKey]) expect(r.allText).not.toContain(secret);
    });

    it('synth itself throws on it (no continue-on-error), with the name only when exposeKeyNames opts in', () => {
      const saved = process.env.CDKTF_CONTINUE_SYNTH_ON_ERROR_ANNOTATIONS;
      delete process.env.CDKTF_CONTINUE_SYNTH_ON_ERROR_ANNOTATIONS;
      try {
        const { app, stack } = stackOf();
        new DcsBigKeyScanTasks(stack, 'feed-cache', { ...demo.connection, instanceId: FEED, exposeKeyNames: true, gates: { latestAutoFailed: 'off', bigKeys: { maxStringBytes: '10MB' } } });
        expect(() => app.synth()).toThrow(/\[big-keys\] .* key "feed:timeline:render-cache", a string key of 20 MB \(20,971,520 bytes\) on shard 192\.168\.3\.21:6379, db 0/);
      } finally {
        process.env.CDKTF_CONTINUE_SYNTH_ON_ERROR_ANNOTATIONS = saved;
      }
    });

    it('typed values and outputs, with names when exposed', () => {
      const { app, stack } = stackOf();
      const scans = new DcsBigKeyScanTasks(stack, 'feed-cache', { ...demo.connection, instanceId: FEED, readBigKeys: true, exposeKeyNames: true });
      expect(scans.bigKeyCount).toBe(4);
      expect(scans.bigKeyScan).toMatchObject({ task_id: FEED_LATEST, scan_type: 'auto', num: 4 });
      expect(scans.largestString).toEqual({ name: 'feed:timeline:render-cache', type: 'string', shard: '192.168.3.21:6379', db: 0, size: 20 * MiB, unit: 'byte' });
      expect(scans.largestCollection).toMatchObject({ type: 'set', size: 684_210 });
      const r = synthApp(app);
      expect(errorsOf(r)).toEqual([]); // reading keys gates nothing by itself
      const out = outputs(r.stacks.producer);
      expect(out['feed-cache_big_key_count']).toBe(4);
      expect(out['feed-cache_big_key_scan_id']).toBe(FEED_LATEST);
      expect(out['feed-cache_largest_string_bytes']).toBe(20 * MiB);
      expect(out['feed-cache_largest_collection_members']).toBe(684_210);
      expect(JSON.parse(out['feed-cache_big_keys'] as string)[0]).toEqual({ name: 'feed:timeline:render-cache', type: 'string', size: 20 * MiB, unit: 'byte', shard: '192.168.3.21:6379', db: 0 });
    });

    it('creates the key outputs only when keys are read, so a configuration\'s outputs never change with the data', () => {
      const names = (props: object, instanceId: string = FEED) => {
        const { app, stack } = stackOf();
        new DcsBigKeyScanTasks(stack, 'c', { ...demo.connection, instanceId, ...props });
        return Object.keys(outputs(synthApp(app).stacks.producer)).sort();
      };
      const plain = names({});
      expect(plain).toHaveLength(12);
      const keyed = names({ readBigKeys: true });
      expect(keyed.filter((n) => !plain.includes(n))).toEqual(['c_big_key_count', 'c_big_key_scan_id', 'c_big_keys', 'c_largest_collection_members', 'c_largest_string_bytes']);
      // the same set whatever the data: no successful scan, and a failed lookup
      expect(names({ readBigKeys: true }, DEMO.instances.legacyCache)).toEqual(keyed);
      expect(names({ readAutoScan: true }).filter((n) => !plain.includes(n))).toEqual(['c_auto_scan_enabled', 'c_auto_scan_schedule_at']);
    });

    it('a key gate on an instance with no successful scan is an error, never a pass; its outputs say unknown (-1)', async () => {
      const id = newInstanceId();
      await demo.emulator.admin.putInstance(id, { project_id: DEMO.projectId, tasks: [{ id: newInstanceId(), status: 'failed', scan_type: 'manual', created_at: '2026-11-28T05:00:00.000Z', started_at: '2026-11-28T05:00:01.000Z', finished_at: '2026-11-28T05:00:09.000Z' }] });
      const { app, stack } = stackOf();
      const scans = new DcsBigKeyScanTasks(stack, 'never', { ...demo.connection, instanceId: id, gates: { bigKeys: { maxCount: 100, severity: 'warning' } } });
      expect(scans.bigKeys).toBeUndefined();
      expect(scans.bigKeyCount).toBeUndefined();
      const r = synthApp(app);
      expect(r.annotations.producer.map((a) => [a.level, a.message])).toEqual([
        // (no automatic scan at all: the headline policy says it had nothing to judge)
        ['@cdktf/info', expect.stringMatching(/^no automatic big key scan of instance .* \(never\) has a result yet/)],
        ['@cdktf/warn', expect.stringMatching(/^\[big-keys\] instance .* \(never\) has no successful big key scan \(1 tasks read, .*\), so the big-keys gate \(count 100\) cannot check its keys and does not pass/)],
      ]);
      const out = outputs(r.stacks.producer);
      expect([out['never_big_key_count'], out['never_largest_string_bytes'], out['never_big_key_scan_id'], out['never_big_keys']]).toEqual([-1, -1, '', '[]']);
      // and the stats: no details request without a successful task
      expect((await demo.emulator.admin.stats()).by_instance[id].routes).toEqual({ list: 1 });
    });

    it('fails closed when the details cannot be read or are malformed', async () => {
      for (const fault of [{ kind: 'error' as const, status: 403 as const }, { kind: 'malformed' as const, mode: 'keys' as const }]) {
        await demo.emulator.admin.clearFaults();
        await demo.emulator.admin.addFaults({ ...fault, route: 'show', instance_id: FEED });
        const { app, stack } = stackOf();
        const scans = new DcsBigKeyScanTasks(stack, 'feed-cache', { ...demo.connection, instanceId: FEED, gates: { latestAutoFailed: 'off', bigKeys: { maxCount: 100 } } });
        const r = synthApp(app);
        expect(errorsOf(r)).toEqual([expect.stringMatching(/^\[lookup-failed\] big key scan tasks of instance .* could not be read, so the gate cannot pass: ShowBigkeyScanTaskDetails for instance /)]);
        expect(() => scans.bigKeys).toThrow(DcsLookupFailedError);
        expect(outputs(r.stacks.producer)['feed-cache_big_key_count']).toBe(-1);
      }
    });

    it('reads every instance\'s keys in the same batch: one list and one details request each, concurrently', async () => {
      const ids = Array.from({ length: 8 }, () => newInstanceId());
      for (const id of ids) await demo.emulator.admin.putInstance(id, { project_id: DEMO.projectId, tasks: [{ id: newInstanceId(), status: 'success', scan_type: 'auto', created_at: '2026-11-28T04:00:00.000Z', started_at: '2026-11-28T04:00:01.000Z', finished_at: '2026-11-28T04:01:00.000Z', keys: [{ name: `k-${id}`, type: 'hash', size: 10, unit: 'count' }] }] });
      await demo.emulator.admin.addFaults({ kind: 'latency', ms: 40, route: 'any' });
      await demo.emulator.admin.resetStats();
      const { app, stack } = stackOf();
      const all = ids.map((id, i) => new DcsBigKeyScanTasks(stack, `c-${i}`, { ...demo.connection, instanceId: id, readBigKeys: true, readAutoScan: true }));
      expect(all[3].bigKeyCount).toBe(1);
      const stats = await demo.emulator.admin.stats();
      for (const id of ids) expect(stats.by_instance[id].routes).toEqual({ list: 1, show: 1, autoscan: 1 });
      expect(stats.max_in_flight).toBeGreaterThan(8); // list and settings of every instance at once, then the details
      // the details requests of the instances overlap each other: no round trip per instance one after another
      const details = stats.log.filter((e) => e.path.includes('/bigkey-task/'));
      expect(details).toHaveLength(8);
      const overlap = Math.max(...details.map((d) => details.filter((o) => o.started_ms < d.ended_ms && o.ended_ms > d.started_ms).length));
      expect(overlap).toBeGreaterThanOrEqual(4);
      expect(LookupRegistry.of(app).summary()).toMatch(/^dcs-bigkey: 8 instances, 8 tasks, source emulator, \d+ ms in 1 batch$/);
      expect(all.map((s) => s.autoScan.enable_auto_scan)).toEqual(ids.map(() => false));
    });
  });

  describe('what passes: keys within every limit, a successful scan', () => {
    it('bigKeys, hotKeys and requireSuccessfulScan pass at their limits (a limit is "more than"), with no annotation', () => {
      const { app, stack } = stackOf();
      // feed-cache: 4 big keys, the largest string 20 MiB, the largest collection 684,210 members; 3 hot keys, the hottest at 255.
      const big = new DcsBigKeyScanTasks(stack, 'feed-cache', { ...demo.connection, instanceId: FEED, gates: { bigKeys: { maxCount: 4, maxStringBytes: 20 * MiB, maxMembers: 684_210 }, requireSuccessfulScan: 'error' } });
      const hot = new DcsHotKeyScanTasks(stack, 'feed-hot', { ...demo.connection, instanceId: FEED, gates: { hotKeys: { maxCount: 3, maxFreq: 255 }, requireSuccessfulScan: 'error' } });
      expect(big.findings()).toEqual([]);
      expect(hot.findings()).toEqual([]);
      expect(synthApp(app).annotations.producer).toEqual([]);
      // One less on any limit blocks.
      const { stack: other } = stackOf();
      let n = 0;
      const over = (gates: object) => new DcsBigKeyScanTasks(other, `over-${n++}`, { ...demo.connection, instanceId: FEED, gates: gates as never }).findings().map((f) => f.policy);
      expect(over({ bigKeys: { maxCount: 3 } })).toEqual(['big-keys']);
      expect(over({ bigKeys: { maxStringBytes: 20 * MiB - 1 } })).toEqual(['big-keys']);
      expect(over({ bigKeys: { maxMembers: 684_209 } })).toEqual(['big-keys']);
      expect(new DcsHotKeyScanTasks(other, 'hot-over', { ...demo.connection, instanceId: FEED, gates: { hotKeys: { maxFreq: 254 } } }).findings().map((f) => f.policy)).toEqual(['hot-keys']);
    });
  });

  describe('the automatic analysis settings', () => {
    it('autoScanEnabled blocks an instance whose automatic big key scan is disabled; values and outputs', () => {
      const { app, stack } = stackOf();
      const reports = new DcsBigKeyScanTasks(stack, 'reports-cache', { ...demo.connection, instanceId: DEMO.instances.reportsCache, gates: { autoScanEnabled: 'error' } });
      const orders = new DcsBigKeyScanTasks(stack, 'orders-cache', { ...demo.connection, instanceId: DEMO.instances.ordersCache, gates: { autoScanEnabled: 'error' } });
      expect(reports.autoScan).toEqual({ instance_id: DEMO.instances.reportsCache, enable_auto_scan: false, schedule_at: [], updated_at: '2026-09-14T10:02:51.000Z' });
      const r = synthApp(app);
      expect(errorsOf(r)).toEqual([expect.stringMatching(/^\[auto-scan-enabled\] automatic big key analysis of instance .* \(reports-cache\) is disabled \(enable_auto_scan false, last changed 2026-09-14T10:02:51\.000Z\)/)]);
      const out = outputs(r.stacks.producer);
      expect([out['reports-cache_auto_scan_enabled'], out['reports-cache_auto_scan_schedule_at']]).toEqual(['false', '[]']);
      expect([out['orders-cache_auto_scan_enabled'], out['orders-cache_auto_scan_schedule_at']]).toEqual(['true', '["02:00"]']);
      expect(orders.findings()).toEqual([]);
    });

    it('values that were not read are a DcsConfigError saying which prop reads them', () => {
      const { stack } = stackOf();
      const scans = new DcsBigKeyScanTasks(stack, 'orders-cache', { ...demo.connection, instanceId: DEMO.instances.ordersCache });
      expect(() => scans.bigKeys).toThrow(new DcsConfigError('DcsBigKeyScanTasks producer/orders-cache: the keys were not read; set readBigKeys: true (or gates.bigKeys)'));
      expect(() => scans.autoScan).toThrow(/the automatic analysis settings were not read; set readAutoScan: true \(or gates\.autoScanEnabled\)/);
    });
  });

  describe('DcsHotKeyScanTasks', () => {
    it('mirrors DcsBigKeyScanTasks for hot keys: records, latest values, outputs, the headline gate', async () => {
      const { app, stack } = stackOf();
      const hot = new DcsHotKeyScanTasks(stack, 'feed-hot', { ...demo.connection, instanceId: FEED });
      expect(hot.count).toBe(2);
      expect(hot.latestAuto).toMatchObject({ id: '9d8c7b6a-5f4e-4d3c-8b2a-1f0e9d8c7b6a', status: 'success' });
      expect(hot.framework).toBe(_frameworkName);
      // an instance whose latest automatic hot key scan failed
      const id = newInstanceId();
      await demo.emulator.admin.putInstance(id, { project_id: DEMO.projectId, hotkey_tasks: [{ id: newInstanceId(), status: 'failed', scan_type: 'auto', created_at: '2026-11-28T20:00:00.000Z', started_at: '2026-11-28T20:00:01.000Z', finished_at: '2026-11-28T20:00:30.000Z' }] });
      new DcsHotKeyScanTasks(stack, 'failed-hot', { ...demo.connection, instanceId: id });
      const r = synthApp(app);
      expect(errorsOf(r)).toEqual([expect.stringMatching(/^\[latest-auto-failed\] the latest automatic hot key scan of instance .* \(failed-hot\) failed: .* find the cause under Cache Analysis > Hot Key Analysis/)]);
      const out = outputs(r.stacks.producer);
      expect(out['feed-hot_count']).toBe(2);
      expect(out['feed-hot_latest_auto_status']).toBe('success');
      expect(out['failed-hot_gate_message']).toMatch(/^the latest automatic hot key scan of instance .* failed/);
      expect((await demo.emulator.admin.stats()).by_instance[id].routes).toEqual({ hotkey_list: 1 });
    });

    it('reads the hot keys for a hotKeys gate: typed values, outputs, findings', () => {
      const { app, stack } = stackOf();
      const hot = new DcsHotKeyScanTasks(stack, 'feed-hot', { ...demo.connection, instanceId: FEED, gates: { hotKeys: { maxFreq: 250, maxCount: 5 }, autoScanEnabled: 'warning' } });
      expect(hot.hotKeyCount).toBe(3);
      expect(hot.hottestKey).toEqual({ type: 'zset', shard: '192.168.3.21:6379', db: 0, size: 9120, unit: 'count', freq: 255 });
      expect(hot.autoScan.schedule_at).toEqual(['20:00']);
      const r = synthApp(app);
      expect(errorsOf(r)).toEqual([expect.stringMatching(/^\[hot-keys\] the latest successful hot key scan of instance .* found a hot key over the limit of LFU counter 250: a zset key of 9,120 members on shard 192\.168\.3\.21:6379, db 0, LFU counter 255\. .*--hot` lists every key/)]);
      const out = outputs(r.stacks.producer);
      expect([out['feed-hot_hot_key_count'], out['feed-hot_max_hot_key_freq'], out['feed-hot_hot_key_scan_id']]).toEqual([3, 255, '9d8c7b6a-5f4e-4d3c-8b2a-1f0e9d8c7b6a']);
      expect(JSON.parse(out['feed-hot_hot_keys'] as string).map((k: { freq: number }) => k.freq)).toEqual([255, 243, 198]);
      expectNoNames(r.allText);
    });

    it('fails closed like the big key construct', () => {
      const { app, stack } = stackOf();
      new DcsHotKeyScanTasks(stack, 'legacy-hot', { ...demo.connection, instanceId: DEMO.instances.legacyCache });
      expect(errorsOf(synthApp(app))).toEqual([expect.stringMatching(/^\[lookup-failed\] hot key scan tasks of instance .* could not be read, so the gate cannot pass: ListHotKeyScanTasks .* DCS\.4919 .* does not support hot key analysis/)]);
    });

    it('has the async form too', async () => {
      const { stack } = stackOf();
      const hot = await DcsHotKeyScanTasks.fromLookup(stack, 'feed-hot', { ...demo.connection, instanceId: FEED, readHotKeys: true });
      expect(hot).toBeInstanceOf(DcsHotKeyScanTasks);
      expect(hot.hotKeyCount).toBe(3);
    });
  });

  describe('snapshots of keys and settings', () => {
    it('records and replays them with no network; names only when exposed', () => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dcs-bigkey-keys-snapshot-'));
      const file = path.join(dir, 'dcs-bigkey.context.json');
      const build = (mode: string, props: object) => {
        const { app, stack } = stackOf({ 'dcs-bigkey:snapshot': mode, 'dcs-bigkey:snapshotFile': file });
        const big = new DcsBigKeyScanTasks(stack, 'feed-cache', { instanceId: FEED, projectId: DEMO.projectId, gates: { bigKeys: { maxStringBytes: '10MB' }, autoScanEnabled: 'error' }, ...props });
        const hot = new DcsHotKeyScanTasks(stack, 'feed-hot', { instanceId: FEED, projectId: DEMO.projectId, readHotKeys: true, exposeKeyNames: true, ...props });
        return { app, big, hot };
      };
      const live = build('record', demo.connection);
      const recorded = synthApp(live.app);
      const text = fs.readFileSync(file, 'utf8');
      const entries = JSON.parse(text).entries;
      expect(Object.keys(entries).sort()).toEqual([`${DEMO.projectId}/${FEED}?keys=1&autoscan=1`, `hotkey:${DEMO.projectId}/${FEED}?keys=names`]);
      const bigEntry = entries[`${DEMO.projectId}/${FEED}?keys=1&autoscan=1`];
      expect(bigEntry.keys).toMatchObject({ task_id: FEED_LATEST, num: 4 });
      expect(bigEntry.key_names).toBeUndefined();
      expect(bigEntry.autoscan).toEqual({ instance_id: FEED, enable_auto_scan: true, schedule_at: ['04:00', '16:00'], updated_at: '2026-09-03T06:27:18.000Z' });
      expect(entries[`hotkey:${DEMO.projectId}/${FEED}?keys=names`]).toMatchObject({ kind: 'hotkey-tasks', key_names: true });
      // names of the big key lookup (not exposed) are nowhere in the file; the hot key lookup chose to keep its own
      for (const name of ['feed:followers:8812731', 'feed:config:blob']) expect(text).not.toContain(name);
      expect(text).toContain('"name": "feed:user:8812731"');
      for (const secret of [...SECRETS, DEMO.accessKey]) expect(text).not.toContain(secret);

      const replay = build('replay', {});
      const replayed = synthApp(replay.app);
      expect(replay.big.source).toBe('snapshot');
      expect(replay.big.largestString).toEqual(live.big.largestString);
      expect(replay.hot.hottestKey).toEqual(live.hot.hottestKey);
      expect(errorsOf(replayed)).toEqual(errorsOf(recorded));
      const read = (outdir: string) => fs.readFileSync(path.join(outdir, 'stacks', 'producer', 'cdk.tf.json'), 'utf8');
      expect(read(replayed.outdir)).toBe(read(recorded.outdir));

      // a lookup that reads more than was recorded has no entry: an error naming how to record it
      const { app, stack } = stackOf({ 'dcs-bigkey:snapshot': 'replay', 'dcs-bigkey:snapshotFile': file });
      new DcsBigKeyScanTasks(stack, 'feed-cache', { instanceId: FEED, projectId: DEMO.projectId, readBigKeys: true, exposeKeyNames: true });
      expect(errorsOf(synthApp(app))).toEqual([expect.stringMatching(new RegExp(`replay mode: no entry for ${DEMO.projectId}/${FEED}\\?keys=names in the snapshot file`))]);
    });
  });

  describe('bad props', () => {
    it.each([
      [DcsBigKeyScanTasks, { readBigKeys: false, gates: { bigKeys: { maxCount: 1 } } }, /DcsBigKeyScanTasks producer\/c: readBigKeys is false, but gates\.bigKeys needs what it reads/],
      [DcsBigKeyScanTasks, { readBigKeys: true, status: 'success' }, /readBigKeys cannot be used with status "success"/],
      [DcsBigKeyScanTasks, { gates: { hotKeys: { maxCount: 1 } } }, /gates\.hotKeys checks the hot key analysis, not the big key analysis of this lookup: use DcsHotKeyScanTasks for it/],
      [DcsBigKeyScanTasks, { gates: { bigKeys: {} } }, /gates\.bigKeys sets no limit, so it would check nothing/],
      [DcsBigKeyScanTasks, { gates: { bigKeys: { maxStringBytes: '10 MB' } } }, /invalid gates\.bigKeys\.maxStringBytes "10 MB"/],
      [DcsBigKeyScanTasks, { exposeKeyNames: 'yes' }, /invalid exposeKeyNames "yes": expected true or false/],
      [DcsBigKeyScanTasks, { readAutoScan: false, gates: { autoScanEnabled: 'error' } }, /readAutoScan is false, but gates\.autoScanEnabled needs what it reads/],
      [DcsHotKeyScanTasks, { gates: { bigKeys: { maxCount: 1 } } }, /DcsHotKeyScanTasks producer\/c: gates\.bigKeys checks the big key analysis, not the hot key analysis of this lookup: use DcsBigKeyScanTasks for it/],
      [DcsHotKeyScanTasks, { gates: { hotKeys: { maxFreq: 256 } } }, /invalid gates\.hotKeys\.maxFreq 256: expected an integer from 0 to 255/],
      [DcsHotKeyScanTasks, { readHotKeys: 1 }, /invalid readHotKeys 1: expected true or false/],
    ] as const)('%#: a DcsConfigError at construction, before any request', async (Kind, props, message) => {
      const before = (await demo.emulator.admin.stats()).requests;
      const { stack } = stackOf();
      expect(() => new Kind(stack, 'c', { ...demo.connection, instanceId: FEED, ...(props as object) } as never)).toThrow(message);
      expect((await demo.emulator.admin.stats()).requests).toBe(before);
    });
  });
});
