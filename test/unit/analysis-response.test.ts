/**
 * The checks every task details and autoscan body passes before the client returns it
 * (lib/client/response.ts): closed sets, bounds, agreement between fields, and the task and
 * instance asked for. A body that breaks any rule is refused, never partly used; the message
 * names the field and the value but never a key's name (customer data).
 */
import fc from 'fast-check';
import { parseAutoscanResponse, parseDetailsResponse, parseListResponse, ResponseShapeError } from '../../lib/client/response';

const I = '3f5c6d1a-9b2e-4c7d-8e1f-2a3b4c5d6e7f';
const T = '6e2d4f8a-1b3c-4d5e-9f60-7a8b9c0d1e2f';
const SECRET_NAME = 'customer:secret:name';

const key = { name: SECRET_NAME, type: 'string', shard: '192.168.3.21:6379', db: 0, size: 20_971_520, unit: 'byte' };
const details = (over: Record<string, unknown> = {}, keys: unknown[] = [key]) => ({
  id: T, instance_id: I, status: 'success', scan_type: 'auto', created_at: '2026-11-28T04:00:00.377Z',
  started_at: '2026-11-28T04:00:02.615Z', finished_at: '2026-11-28T04:03:41.208Z', num: keys.length, keys, ...over,
});
const parseBig = (body: unknown) => parseDetailsResponse(JSON.stringify(body), { kind: 'bigkey', taskId: T, instanceId: I });
const parseHot = (body: unknown) => parseDetailsResponse(JSON.stringify(body), { kind: 'hotkey', taskId: T, instanceId: I });

describe('task details', () => {
  it('returns the record, num and the keys, each with only its documented fields', () => {
    const parsed = parseBig(details({}, [{ ...key, extra: 'ignored' }, { name: 'h', type: 'hash', db: 3, size: 7, unit: 'count', shard: null }]));
    expect(parsed).toMatchObject({ id: T, instance_id: I, num: 2, status: 'success' });
    expect(parsed.keys).toEqual([key, { name: 'h', type: 'hash', db: 3, size: 7, unit: 'count' }]);
  });

  it('reads hot keys with freq, and an unfinished task without num or keys as having none', () => {
    expect(parseHot(details({}, [{ ...key, freq: 255 }])).keys[0]).toEqual({ ...key, freq: 255 });
    expect(parseBig(details({ status: 'running', finished_at: null, num: undefined, keys: null }))).toMatchObject({ num: 0, keys: [] });
  });

  it.each<[string, unknown, RegExp]>([
    ['another task', details({ id: '00000000-0000-4000-8000-000000000001' }), /^id is "00000000-0000-4000-8000-000000000001", not the task asked for \(6e2d4f8a/],
    ['another instance', details({ instance_id: '00000000-0000-4000-8000-000000000002' }), /^instance_id is .*, not the instance asked for/],
    ['an unknown status', details({ status: 'paused' }), /^status is "paused"/],
    ['num below the keys listed', details({ num: 0 }), /^num is 0 .*, not the number of keys listed \(1\)/],
    ['num above the keys listed', details({ num: 5 }), /^num is 5 .*keys that are not listed could not be checked/],
    ['no num on a successful task', details({ num: undefined }), /^num is \(missing\)/],
    ['a fractional num', details({ num: 1.5 }), /^num is 1\.5/],
    ['keys that are not an array', details({ keys: { 0: key } }), /^keys is an object/],
    ['101 keys', details({}, Array.from({ length: 101 }, () => key)), /^keys is "an array of 101 keys" .*, not at most 100 keys/],
    ['a key that is no object', details({}, [7]), /^keys\[0\] is "7"/],
    ['a name that is no string', details({}, [{ ...key, name: 42 }]), /^keys\[0\]\.name is 42/],
    ['a name too long', details({}, [{ ...key, name: 'x'.repeat(65_537) }]), /^keys\[0\]\.name is "a name of 65537 characters"/],
    ['an unknown type', details({}, [{ ...key, type: 'stream' }]), /^keys\[0\]\.type is "stream" .*, not one of string, list, set, zset, hash/],
    ['a string counted in members', details({}, [{ ...key, unit: 'count' }]), /^keys\[0\]\.unit is "count" .*, not "byte" \(the unit of a string key\)/],
    ['a hash measured in bytes', details({}, [{ ...key, type: 'hash', unit: 'byte' }]), /^keys\[0\]\.unit is "byte" .*, not "count"/],
    ['a negative size', details({}, [{ ...key, size: -1 }]), /^keys\[0\]\.size is -1/],
    ['a size past 2^53', details({}, [{ ...key, size: 2 ** 53 }]), /^keys\[0\]\.size is 9007199254740992/],
    ['a size as text', details({}, [{ ...key, size: '20MB' }]), /^keys\[0\]\.size is "20MB"/],
    ['db 256', details({}, [{ ...key, db: 256 }]), /^keys\[0\]\.db is 256 .*, not an integer from 0 to 255/],
    ['no db', details({}, [{ ...key, db: undefined }]), /^keys\[0\]\.db is \(missing\)/],
    ['a shard without a port', details({}, [{ ...key, shard: '192.168.3.21' }]), /^keys\[0\]\.shard is "192\.168\.3\.21"/],
    ['a shard on port 0', details({}, [{ ...key, shard: '192.168.3.21:0' }]), /^keys\[0\]\.shard is/],
    ['a shard on port 70000', details({}, [{ ...key, shard: '10.0.0.1:70000' }]), /^keys\[0\]\.shard is/],
    ['a shard with a path', details({}, [{ ...key, shard: 'http://x:1/a' }]), /^keys\[0\]\.shard is/],
  ])('refuses %s', (_what, body, message) => {
    let error: unknown;
    try {
      parseBig(body);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ResponseShapeError);
    expect((error as Error).message).toMatch(message);
    expect((error as Error).message).not.toContain(SECRET_NAME);
  });

  it.each<[string, unknown, RegExp]>([
    ['no freq', details({}, [key]), /^keys\[0\]\.freq is \(missing\) .*, not an integer from 0 to 255/],
    ['freq 256', details({}, [{ ...key, freq: 256 }]), /^keys\[0\]\.freq is 256/],
    ['a negative freq', details({}, [{ ...key, freq: -1 }]), /^keys\[0\]\.freq is -1/],
    ['a fractional freq', details({}, [{ ...key, freq: 1.5 }]), /^keys\[0\]\.freq is 1\.5/],
  ])('refuses a hot key with %s', (_what, body, message) => {
    expect(() => parseHot(body)).toThrow(message);
  });

  it('refuses a body that is not JSON or not an object', () => {
    expect(() => parseDetailsResponse('{"id":', { kind: 'bigkey', taskId: T, instanceId: I })).toThrow(/the body is not JSON/);
    expect(() => parseDetailsResponse('[]', { kind: 'bigkey', taskId: T, instanceId: I })).toThrow(/the body is "\[\]", not an object/);
  });

  const arbKey = fc.record({
    name: fc.string({ maxLength: 40 }),
    type: fc.constantFrom('string', 'list', 'set', 'zset', 'hash'),
    db: fc.integer({ min: 0, max: 255 }),
    size: fc.maxSafeNat(),
    shard: fc.option(fc.tuple(fc.ipV4(), fc.integer({ min: 1, max: 65_535 })).map(([ip, port]) => `${ip}:${port}`), { nil: undefined }),
    freq: fc.integer({ min: 0, max: 255 }),
  }).map((k) => ({ ...k, unit: k.type === 'string' ? 'byte' : 'count' }));

  it('accepts every well-formed body and returns its keys unchanged', () => {
    fc.assert(fc.property(fc.array(arbKey, { maxLength: 100 }), (keys) => {
      const parsed = parseHot(details({}, keys));
      expect(parsed.num).toBe(keys.length);
      expect(parsed.keys).toEqual(keys.map(({ shard, ...k }) => ({ ...k, ...(shard !== undefined ? { shard } : {}) })));
    }), { numRuns: 200 });
  });

  it('refuses every body where one key breaks one rule: no malformed key is ever returned', () => {
    const breakers: Array<(k: Record<string, unknown>) => Record<string, unknown>> = [
      (k) => ({ ...k, size: -1 - (k.size as number) }),
      // (not size + 0.5: above 2^52 that rounds to a whole number)
      (k) => ({ ...k, size: ((k.size as number) % 1000) + 0.5 }),
      (k) => ({ ...k, db: 256 + (k.db as number) }),
      (k) => ({ ...k, freq: 256 + (k.freq as number) }),
      (k) => ({ ...k, unit: k.unit === 'byte' ? 'count' : 'byte' }),
      (k) => ({ ...k, type: 'stream' }),
      (k) => ({ ...k, shard: 'no-port' }),
      (k) => ({ ...k, name: null }),
      (k) => {
        const { db: _db, ...rest } = k;
        return rest;
      },
    ];
    fc.assert(fc.property(fc.array(arbKey, { minLength: 1, maxLength: 30 }), fc.nat(), fc.integer({ min: 0, max: breakers.length - 1 }), (keys, at, which) => {
      const broken = keys.map((k, i) => (i === at % keys.length ? breakers[which](k) : k));
      expect(() => parseHot(details({}, broken))).toThrow(ResponseShapeError);
    }), { numRuns: 300 });
  });
});

describe('automatic analysis settings', () => {
  const settings = (over: Record<string, unknown> = {}) => JSON.stringify({ instance_id: I, enable_auto_scan: true, schedule_at: ['02:00', '21:30'], updated_at: '2026-10-02T08:15:27.000Z', ...over });

  it('returns the settings', () => {
    expect(parseAutoscanResponse(settings(), I)).toEqual({ instance_id: I, enable_auto_scan: true, schedule_at: ['02:00', '21:30'], updated_at: '2026-10-02T08:15:27.000Z' });
    expect(parseAutoscanResponse(settings({ schedule_at: null, updated_at: null }), I)).toEqual({ instance_id: I, enable_auto_scan: true, schedule_at: [], updated_at: null });
  });

  it.each<[string, string, RegExp]>([
    ['another instance', settings({ instance_id: '00000000-0000-4000-8000-000000000002' }), /^instance_id is .*, not the instance asked for/],
    ['no instance_id', settings({ instance_id: undefined }), /^instance_id is \(missing\)/],
    ['enable_auto_scan as text', settings({ enable_auto_scan: 'true' }), /^enable_auto_scan is "true", not true or false/],
    ['no enable_auto_scan', settings({ enable_auto_scan: undefined }), /^enable_auto_scan is \(missing\)/],
    ['a schedule that is no array', settings({ schedule_at: '02:00' }), /^schedule_at is "02:00", not an array of HH:mm times/],
    ['24:00', settings({ schedule_at: ['24:00'] }), /^schedule_at\[0\] is "24:00", not a UTC time of day HH:mm/],
    ['9:00 without a leading zero', settings({ schedule_at: ['02:00', '9:00'] }), /^schedule_at\[1\] is "9:00"/],
    ['a time with seconds', settings({ schedule_at: ['02:00:00'] }), /^schedule_at\[0\] is "02:00:00"/],
    ['a bad updated_at', settings({ updated_at: 'yesterday' }), /^updated_at is "yesterday", not an ISO-8601 UTC time or null/],
  ])('refuses %s', (_what, text, message) => {
    expect(() => parseAutoscanResponse(text, I)).toThrow(message);
  });
});

describe('task lists', () => {
  const task = (over: Record<string, unknown> = {}) => ({ id: T, status: 'failed', scan_type: 'auto', created_at: '2026-11-28T03:00:00.208Z', finished_at: '2026-11-28T03:00:38.893Z', ...over });
  const list = (over: Record<string, unknown> = {}) => JSON.stringify({ instance_id: I, count: 1, records: [task()], ...over });

  it('returns the page of the instance asked for (its id in any case)', () => {
    expect(parseListResponse(list(), I)).toEqual({ instance_id: I, count: 1, records: [task()] });
    expect(parseListResponse(list({ instance_id: I.toUpperCase() }), I).count).toBe(1);
  });

  it.each<[string, string, RegExp]>([
    // Another instance's tasks would gate this one on someone else's scans (a misrouting proxy or cache, a server bug).
    ['the list of another instance', list({ instance_id: '00000000-0000-4000-8000-000000000002' }), /^instance_id is "00000000-0000-4000-8000-000000000002", not the instance asked for \(3f5c6d1a/],
    ['no instance_id', list({ instance_id: undefined }), /^instance_id is \(missing\), not the instance asked for/],
    ['a count as text', list({ count: '1' }), /^count is "1"/],
    ['records that are no array', list({ records: { 0: task() } }), /^records is an object/],
  ])('refuses %s', (_what, text, message) => {
    expect(() => parseListResponse(text, I)).toThrow(message);
  });

  it('refuses every record whose status, scan_type or times it does not know, so no gate reads it as anything', () => {
    // A status the headline policy does not know (say DCS adds "cancelled") must not read as "not failed": the list is refused.
    const unknownWord = fc.string({ minLength: 0, maxLength: 12 }).filter((s) => !['waiting', 'running', 'success', 'failed', 'manual', 'auto'].includes(s));
    const breakers: ReadonlyArray<fc.Arbitrary<Record<string, unknown>>> = [
      unknownWord.map((status) => ({ status })),
      fc.constantFrom<unknown>('FAILED', 'Failed', null, 1, true, undefined).map((status) => ({ status })),
      unknownWord.map((scan_type) => ({ scan_type })),
      fc.constantFrom<unknown>('AUTO', null, undefined).map((scan_type) => ({ scan_type })),
      fc.constantFrom<unknown>('yesterday', '2026-11-28', '2026-11-28 03:00:00Z', '2026-13-01T00:00:00.000Z', '2026-02-30T03:00:00.000Z', '2026-11-28T24:00:00.000Z', '2026-11-28T03:60:00.000Z', 1764298800000, null, undefined).map((created_at) => ({ created_at })),
      fc.constantFrom<unknown>('soon', '2026-11-28T03:00:38+08:00', 0).map((finished_at) => ({ finished_at })),
    ];
    fc.assert(fc.property(fc.array(fc.constantFrom('success', 'failed', 'running', 'waiting'), { minLength: 1, maxLength: 20 }), fc.nat(), fc.oneof(...breakers), (statuses, at, broken) => {
      const records = statuses.map((status, i) => task({ id: `t${i}`, status, ...(i === at % statuses.length ? broken : {}) }));
      expect(() => parseListResponse(JSON.stringify({ instance_id: I, count: records.length, records }), I)).toThrow(ResponseShapeError);
    }), { numRuns: 300 });
  });
});
