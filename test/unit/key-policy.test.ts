/**
 * The key and autoscan policies (lib/policy/key-policy.ts), the size grammar (size.ts) and how
 * they join the task policies (gate-policy.ts). The rules that must hold for every input are
 * property-tested: a key over a limit is never passed, an instance with no successful scan never
 * passes a key gate, and keys within every limit always do.
 */
import fc from 'fast-check';
import { BigKey, HotKey } from '../../lib/client/types';
import { enabledPolicies, evaluateGate, policyText, resolveGatePolicies, resolveLookupPolicies } from '../../lib/policy/gate-policy';
import { evaluateAutoScanEnabled, evaluateKeyLimits, resolveKeyLimits, ResolvedKeyLimits } from '../../lib/policy/key-policy';
import { KeyScan, keyScanOf } from '../../lib/policy/key-scan';
import { describeSize, formatSize, MAX_STRING_BYTES, parseSize } from '../../lib/policy/size';
import { summarizeTasks } from '../../lib/policy/task-summary';

const I = '3f5c6d1a-9b2e-4c7d-8e1f-2a3b4c5d6e7f';
const subject = { instanceId: I, name: 'feed-cache' };
const task = { id: 't-1', status: 'success' as const, scan_type: 'auto' as const, created_at: '2026-11-28T04:00:00.377Z', started_at: '2026-11-28T04:00:02.615Z', finished_at: '2026-11-28T04:03:41.208Z' };
const summary = summarizeTasks([task]);
const MiB = 1024 * 1024;
const string20 = { name: 'feed:timeline:render-cache', type: 'string', shard: '192.168.3.21:6379', db: 0, size: 20 * MiB, unit: 'byte' } as const;
const scanOf = (keys: readonly BigKey[]): KeyScan => ({ task_id: 't-1', scan_type: 'auto', finished_at: task.finished_at, num: keys.length, keys });
const limits = (raw: Record<string, unknown>, kind: 'bigkey' | 'hotkey' = 'bigkey') => resolveKeyLimits(kind, raw, 'gates.bigKeys');

describe('sizes', () => {
  it.each([
    ['10MB', 10 * MiB],
    ['10mb', 10 * MiB],
    ['10MiB', 10 * MiB],
    ['512KB', 512 * 1024],
    ['512kib', 512 * 1024],
    ['1GB', 1024 * MiB],
    ['20971520', 20 * MiB],
    ['0', 0],
    ['7B', 7],
    [10_485_760, 10 * MiB],
  ])('%s is %i bytes (1024-based, as in Redis)', (text, bytes) => {
    expect(parseSize(text, 'size', { max: 2 * 1024 * MiB })).toBe(bytes);
  });

  it.each(['10 MB', ' 10MB', '1.5MB', '10M', '10K', '-1', '', 'MB', '10XB', '1e6', 1.5, -1, null, true, '99999999999999999'])('refuses %p', (value) => {
    expect(() => parseSize(value, 'maxStringBytes')).toThrow(/invalid maxStringBytes/);
  });

  it('bounds a string limit by the largest string Redis holds (512MB): a higher limit could never block', () => {
    expect(parseSize('512MB', 'x')).toBe(MAX_STRING_BYTES);
    expect(() => parseSize('513MB', 'x')).toThrow(/a size must be a whole number of bytes from 0B to 512MB/);
    expect(() => parseSize(MAX_STRING_BYTES + 1, 'x')).toThrow(/from 0B to 512MB/);
  });

  it('formats exactly and reads back what it formats', () => {
    expect([formatSize(10 * MiB), formatSize(512 * 1024), formatSize(1023), formatSize(1024 * MiB)]).toEqual(['10MB', '512KB', '1023B', '1GB']);
    expect([describeSize(20 * MiB), describeSize(3_670_016), describeSize(812)]).toEqual(['20 MB (20,971,520 bytes)', '3.5 MB (3,670,016 bytes)', '812 bytes']);
    fc.assert(fc.property(fc.integer({ min: 0, max: MAX_STRING_BYTES }), (n) => parseSize(formatSize(n), 'x') === n));
  });
});

describe('key policies: configuration', () => {
  it('needs at least one limit (a gate that checks nothing is refused)', () => {
    expect(() => limits({})).toThrow('gates.bigKeys sets no limit, so it would check nothing: give maxCount, maxStringBytes or maxMembers');
    expect(() => limits({ severity: 'warning' })).toThrow(/sets no limit/);
    expect(() => resolveKeyLimits('hotkey', { severity: 'error' }, 'gates.hotKeys')).toThrow('give maxCount or maxFreq');
  });

  it.each<[Record<string, unknown>, RegExp]>([
    [{ maxCount: -1 }, /invalid gates\.bigKeys\.maxCount -1: expected an integer from 0 to 1000000/],
    [{ maxMembers: 1.5 }, /invalid gates\.bigKeys\.maxMembers 1\.5/],
    [{ maxMembers: '5000' }, /invalid gates\.bigKeys\.maxMembers "5000"/],
    [{ maxStringBytes: '10 MB' }, /invalid gates\.bigKeys\.maxStringBytes "10 MB"/],
    [{ maxStringBytes: '1GB' }, /from 0B to 512MB/],
    [{ maxCount: 1, severity: 'fatal' }, /invalid gates\.bigKeys\.severity "fatal"/],
    [{ maxCount: 1, maxFreq: 3 }, /unknown gates\.bigKeys field "maxFreq"/],
  ])('refuses %j, naming the field', (raw, message) => {
    expect(() => limits(raw)).toThrow(message);
  });

  it('keeps only the limits set, with severity error by default', () => {
    expect(limits({ maxStringBytes: '10MB' })).toEqual({ maxStringBytes: 10 * MiB, severity: 'error' });
    expect(resolveKeyLimits('hotkey', { maxFreq: 200, severity: 'warning' }, 'x')).toEqual({ maxFreq: 200, severity: 'warning' });
  });

  it('each kind knows only its own key policy', () => {
    expect(resolveGatePolicies({ bigKeys: { maxCount: 3 }, autoScanEnabled: 'warning' }).bigKeys).toEqual({ maxCount: 3, severity: 'error' });
    expect(() => resolveGatePolicies({ hotKeys: { maxCount: 3 } })).toThrow('gates.hotKeys checks the hot key analysis, not the big key analysis of this lookup: use DcsHotKeyScanTasks for it');
    expect(() => resolveGatePolicies({ bigKeys: { maxCount: 3 } }, 'gates', 'hotkey')).toThrow(/use DcsBigKeyScanTasks for it/);
    expect(resolveGatePolicies({ hotKeys: { maxFreq: 250 } }, 'gates', 'hotkey').hotKeys).toEqual({ maxFreq: 250, severity: 'error' });
  });

  it('a key or autoscan policy on a list filtered by status is refused like any policy', () => {
    expect(() => resolveLookupPolicies({ latestAutoFailed: 'off', bigKeys: { maxCount: 1 } }, 'success')).toThrow(/cannot be checked on tasks filtered by status "success"/);
    expect(() => resolveLookupPolicies({ latestAutoFailed: 'off', autoScanEnabled: 'error' }, 'failed')).toThrow(/cannot be checked/);
  });

  it('lists them among the policies evaluated, with their limits', () => {
    const policies = resolveGatePolicies({ bigKeys: { maxCount: 10, maxStringBytes: '10MB', maxMembers: 5000, severity: 'warning' }, autoScanEnabled: 'error' });
    expect(enabledPolicies(policies).map(policyText)).toEqual(['latest-auto-failed', 'big-keys count 10 string 10MB members 5000 (warning)', 'auto-scan-enabled']);
    expect(enabledPolicies(resolveGatePolicies({ hotKeys: { maxFreq: 200 } }, 'gates', 'hotkey')).map(policyText)).toEqual(['latest-auto-failed', 'hot-keys freq 200']);
  });
});

describe('key policies: findings', () => {
  it('names the type, size, shard and db of a string key over the limit, and no name unless the key carries one', () => {
    const unnamed = keyScanOf({ ...task, num: 1, keys: [string20] }, false);
    const [finding] = evaluateKeyLimits(subject, 'bigkey', limits({ maxStringBytes: 10 * MiB }), unnamed, summary);
    expect(finding).toMatchObject({ policy: 'big-keys', severity: 'error', instanceId: I, taskId: 't-1', short: 'string key of 20 MB, limit 10 MB' });
    expect(finding.message).toBe(
      'the latest successful big key scan of instance 3f5c6d1a-9b2e-4c7d-8e1f-2a3b4c5d6e7f (feed-cache) (task t-1, auto, finished 2026-11-28T04:03:41.208Z) found a string key over the limit of 10 MB (10,485,760 bytes): ' +
        'a string key of 20 MB (20,971,520 bytes) on shard 192.168.3.21:6379, db 0. split or compress the value, or delete the key; `dcs-bigkey keys --instance-id 3f5c6d1a-9b2e-4c7d-8e1f-2a3b4c5d6e7f` lists every key',
    );
    expect(finding.message).not.toContain('render-cache');
    const named = keyScanOf({ ...task, num: 1, keys: [string20] }, true);
    expect(evaluateKeyLimits(subject, 'bigkey', limits({ maxStringBytes: 10 * MiB }), named, summary)[0].message).toContain('key "feed:timeline:render-cache", a string key of 20 MB');
  });

  it('one finding per limit broken, the worst keys first, at most three named', () => {
    const sets = [5, 9, 7, 6].map((n, i): BigKey => ({ type: 'set', db: i, size: n * 1000, unit: 'count' }));
    const findings = evaluateKeyLimits(subject, 'bigkey', limits({ maxCount: 3, maxMembers: 4000, maxStringBytes: '1KB', severity: 'warning' }), scanOf([...sets, { type: 'string', db: 0, size: 1024, unit: 'byte' }]), summary);
    expect(findings.map((f) => [f.severity, f.short])).toEqual([['warning', '5 big keys, limit 3'], ['warning', 'set of 9,000 members, limit 4,000']]);
    expect(findings[1].message).toMatch(/found 4 collection keys over the limit of 4,000 members: a set key of 9,000 members db 1; a set key of 7,000 members db 2; a set key of 6,000 members db 3 \(and 1 more\)/);
  });

  it('a hot key over the LFU limit, and too many hot keys', () => {
    const hot: HotKey[] = [{ type: 'zset', db: 0, size: 9120, unit: 'count', freq: 255, shard: '192.168.3.21:6379' }, { type: 'hash', db: 0, size: 3, unit: 'count', freq: 120 }];
    const findings = evaluateKeyLimits(subject, 'hotkey', limits({ maxFreq: 200, maxCount: 1 }, 'hotkey'), scanOf(hot), summary);
    expect(findings.map((f) => [f.policy, f.short])).toEqual([['hot-keys', '2 hot keys, limit 1'], ['hot-keys', 'hot key at LFU 255, limit 200']]);
    expect(findings[1].message).toContain('a zset key of 9,120 members on shard 192.168.3.21:6379, db 0, LFU counter 255');
  });

  it('no successful scan is a finding at the gate\'s severity, never a pass', () => {
    const [finding] = evaluateKeyLimits(subject, 'bigkey', limits({ maxCount: 100, severity: 'warning' }), null, summarizeTasks([{ ...task, status: 'failed' }]));
    expect(finding).toMatchObject({ policy: 'big-keys', severity: 'warning', short: 'no successful scan to check the keys of' });
    expect(finding.message).toMatch(/has no successful big key scan \(1 tasks read, the latest is task t-1 .*\), so the big-keys gate \(count 100\) cannot check its keys and does not pass/);
    expect(evaluateKeyLimits(subject, 'bigkey', limits({ maxCount: 100 }), undefined, summary)[0].message).toMatch(/were not read, so the big-keys gate cannot pass/);
  });

  const arbKey: fc.Arbitrary<BigKey> = fc.record({
    type: fc.constantFrom('string', 'list', 'set', 'zset', 'hash'),
    db: fc.integer({ min: 0, max: 255 }),
    size: fc.oneof(fc.integer({ min: 0, max: 100_000 }), fc.integer({ min: 0, max: MAX_STRING_BYTES })),
    shard: fc.option(fc.constant('10.0.0.1:6379'), { nil: undefined }),
  }).map((k) => ({ ...k, unit: k.type === 'string' ? 'byte' : 'count' }) as BigKey);
  const arbLimits: fc.Arbitrary<ResolvedKeyLimits> = fc
    .record({ maxCount: fc.option(fc.integer({ min: 0, max: 100 }), { nil: undefined }), maxStringBytes: fc.option(fc.integer({ min: 0, max: MAX_STRING_BYTES }), { nil: undefined }), maxMembers: fc.option(fc.integer({ min: 0, max: 100_000 }), { nil: undefined }), severity: fc.constantFrom('error' as const, 'warning' as const) })
    .filter((l) => l.maxCount !== undefined || l.maxStringBytes !== undefined || l.maxMembers !== undefined)
    .map((l) => resolveKeyLimits('bigkey', l, 'gates.bigKeys'));

  it('never passes a key over a limit (property)', () => {
    fc.assert(fc.property(fc.array(arbKey, { maxLength: 100 }), arbLimits, (keys, l) => {
      const overString = l.maxStringBytes !== undefined && keys.some((k) => k.type === 'string' && k.size > l.maxStringBytes!);
      const overMembers = l.maxMembers !== undefined && keys.some((k) => k.type !== 'string' && k.size > l.maxMembers!);
      const overCount = l.maxCount !== undefined && keys.length > l.maxCount;
      const findings = evaluateKeyLimits(subject, 'bigkey', l, scanOf(keys), summary);
      // exactly one finding per limit broken, each at the gate's severity: none is ever missed, none made up
      expect(findings.length).toBe(Number(overString) + Number(overMembers) + Number(overCount));
      expect(findings.every((f) => f.severity === l.severity && f.policy === 'big-keys')).toBe(true);
    }), { numRuns: 500 });
  });

  it('never passes an instance with no successful scan (property)', () => {
    fc.assert(fc.property(arbLimits, fc.constantFrom('error' as const, 'warning' as const), (l, severity) => {
      const gate = resolveGatePolicies({ latestAutoFailed: 'off', bigKeys: { ...l, severity } });
      const failedOnly = summarizeTasks([{ ...task, status: 'failed' }]);
      const findings = evaluateGate(subject, failedOnly, gate, new Date(), { kind: 'bigkey', keys: null });
      expect(findings).toEqual([expect.objectContaining({ policy: 'big-keys', severity })]);
    }), { numRuns: 200 });
  });

  it('the hot key gate: a key over the LFU limit is never passed (property)', () => {
    const arbHot = fc.record({ freq: fc.integer({ min: 0, max: 255 }), size: fc.nat(1000) }).map((k): HotKey => ({ type: 'hash', db: 0, unit: 'count', ...k }));
    fc.assert(fc.property(fc.array(arbHot, { maxLength: 100 }), fc.integer({ min: 0, max: 255 }), (keys, maxFreq) => {
      const findings = evaluateKeyLimits(subject, 'hotkey', resolveKeyLimits('hotkey', { maxFreq }, 'x'), scanOf(keys), summary);
      expect(findings.length).toBe(keys.some((k) => k.freq > maxFreq) ? 1 : 0);
    }), { numRuns: 300 });
  });
});

describe('the autoscan policy', () => {
  const settings = { instance_id: I, enable_auto_scan: true, schedule_at: ['04:00'], updated_at: '2026-09-03T06:27:18.000Z' };

  it('passes only when automatic analysis is enabled with a schedule time', () => {
    expect(evaluateAutoScanEnabled(subject, 'bigkey', 'error', settings)).toEqual([]);
    const [off] = evaluateAutoScanEnabled(subject, 'bigkey', 'error', { ...settings, enable_auto_scan: false });
    expect(off).toMatchObject({ policy: 'auto-scan-enabled', severity: 'error', short: 'automatic scan disabled' });
    expect(off.message).toBe(
      'automatic big key analysis of instance 3f5c6d1a-9b2e-4c7d-8e1f-2a3b4c5d6e7f (feed-cache) is disabled (enable_auto_scan false, last changed 2026-09-03T06:27:18.000Z), so no scheduled scan will find new big keys. ' +
        'enable it in the DCS console (Big Key Analysis > automatic analysis) or with PUT .../bigkey/autoscan {"enable_auto_scan": true, "schedule_at": ["02:00"]} (UTC times)',
    );
    const [never] = evaluateAutoScanEnabled(subject, 'hotkey', 'warning', { ...settings, schedule_at: [] });
    expect(never).toMatchObject({ severity: 'warning', short: 'automatic scan has no schedule' });
    expect(never.message).toMatch(/automatic hot key analysis .* is enabled but has no schedule time .* PUT \.\.\.\/hotkey\/autoscan/);
    expect(evaluateAutoScanEnabled(subject, 'bigkey', 'error', undefined)[0].message).toMatch(/were not read, so the auto-scan-enabled gate cannot pass/);
  });

  it('joins the other policies in evaluateGate', () => {
    const gate = resolveGatePolicies({ autoScanEnabled: 'error' });
    expect(evaluateGate(subject, summary, gate, new Date(), { autoscan: { ...settings, enable_auto_scan: false } }).map((f) => f.policy)).toEqual(['auto-scan-enabled']);
    expect(evaluateGate(subject, summary, gate, new Date(), { autoscan: settings })).toEqual([]);
  });
});

describe('hot key wording of the task policies', () => {
  it('says hot key, and the hot key console page and paths', () => {
    const failed = summarizeTasks([{ ...task, status: 'failed' }]);
    const [finding] = evaluateGate(subject, failed, resolveGatePolicies({}, 'gates', 'hotkey'), new Date(), { kind: 'hotkey' });
    expect(finding.message).toMatch(/^the latest automatic hot key scan of instance .* failed: .* find the cause under Cache Analysis > Hot Key Analysis in the DCS console/);
    const [none] = evaluateGate(subject, summarizeTasks([]), resolveGatePolicies({ requireSuccessfulScan: 'error' }, 'gates', 'hotkey'), new Date(), { kind: 'hotkey' });
    expect(none.message).toMatch(/has no successful hot key scan \(0 tasks read\)\. run one \(POST \.\.\.\/hotkey-task\)/);
  });
});
