/**
 * The JSON Schemas shipped in schemas/ (editors check and complete files with them; pipelines
 * validate reports with them) agree with the code: the fleet file schema accepts exactly what
 * `dcs-bigkey gate --fleet` accepts, on a corpus of valid and invalid files and on generated
 * ones; real gate reports validate against the dcs-bigkey-gate/v1 schema and carry no field it
 * does not declare. ajv is a dev dependency only: the command keeps its own clearer messages.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import fc from 'fast-check';
import { planGate } from '../../lib/cli/gate-command';
import { POLICY_KEYS } from '../../lib/cli/fleet-file';
import { toGateJson } from '../../lib/cli/report/json';
import { buildReport, InstanceResult } from '../../lib/cli/report/model';
import { KNOWN_REGIONS } from '../../lib/client/endpoint';
import { expectValidGateReport, fleetSchema, undeclared, validFleet, validReport } from '../support/json-schemas';


const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dcs-bigkey-schemas-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

/** What the command says about a fleet file (with project and region from the environment, and HW_CLOUD so any well-formed region is allowed). */
const ENV = { HW_PROJECT_ID: 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa', HW_REGION_NAME: 'cn-north-4', HW_CLOUD: 'example.com' };
let n = 0;
/** true, or the command's error message. */
function parserSays(doc: unknown, env: NodeJS.ProcessEnv = ENV): true | string {
  const file = path.join(dir, `fleet-${n++}.json`);
  fs.writeFileSync(file, typeof doc === 'string' ? doc : JSON.stringify(doc));
  try {
    planGate({ fleet: file }, env);
    return true;
  } catch (error) {
    return (error as Error).message;
  }
}
function parserAccepts(doc: unknown, env: NodeJS.ProcessEnv = ENV): boolean {
  return parserSays(doc, env) === true;
}
/** The command's refusal of an entry whose layered policies are all off: across layers, beyond what a schema can say. */
const ALL_OFF = /every policy is off, so its gate would check nothing/;

const A = '5560df16-cebf-4473-95c4-d1b573c16e79';
const HEADLINE = { policy: 'latest-auto-failed', severity: 'error' } as const;
const B = '7c9e6679-7425-40de-944b-e07fc1f90ae7';
const P = '0b6bd4e1a8f34b0c9a8a4f5c1e0d2a7b';

const corpus: [string, unknown, boolean][] = [
  ['the smallest file', { instances: [{ instance_id: A }] }, true],
  ['with $schema and $comment', { $schema: './node_modules/cdktf-dcs-bigkey/schemas/fleet-file.schema.json', $comment: 'x', instances: [{ instance_id: A, $comment: 'y' }] }, true],
  ['the README example', { defaults: { project_id: P, region: 'cn-north-4' }, instances: [{ name: 'orders-cache', instance_id: A }, { name: 'catalog-cache', instance_id: B, policies: { stuckTask: { maxDuration: '1h', severity: 'warning' } } }] }, true],
  ['every policy, in both layers', { defaults: { endpoint: 'http://127.0.0.1:8080', policies: { latestAutoFailed: 'error', maxAutoScanAge: { maxAge: '7d' }, requireSuccessfulScan: 'warning', stuckTask: { maxDuration: 3_600_000 }, onLookupFailure: 'error' } }, instances: [{ instance_id: A, policies: { latestAutoFailed: null, maxAutoScanAge: null, onLookupFailure: 'warning' } }] }, true],
  ['an entry with its own location', { defaults: { region: 'cn-north-4' }, instances: [{ instance_id: A, project_id: P, endpoint: 'https://dcs.example.com' }] }, true],
  ['an upper-case id and a wide name', { instances: [{ instance_id: A.toUpperCase(), name: '订单缓存' }] }, true],
  ['a 128-character name of emoji', { instances: [{ instance_id: A, name: '🔥'.repeat(128) }] }, true],
  ['durations of several units, largest first', { defaults: { policies: { maxAutoScanAge: { maxAge: '1d12h' }, stuckTask: { maxDuration: '1w2d3h4m5s' } } }, instances: [{ instance_id: A }] }, true],
  ['1w, 60s and leading zeros', { defaults: { policies: { maxAutoScanAge: { maxAge: '1w' }, stuckTask: { maxDuration: '060s' } } }, instances: [{ instance_id: A }] }, true],
  ['the longest durations: 3650d, and as milliseconds', { defaults: { policies: { maxAutoScanAge: { maxAge: '3650d' }, stuckTask: { maxDuration: 315_360_000_000 } } }, instances: [{ instance_id: A }] }, true],
  ['the shortest durations: 1s, and 1000 milliseconds', { defaults: { policies: { maxAutoScanAge: { maxAge: '1s' }, stuckTask: { maxDuration: 1000 } } }, instances: [{ instance_id: A }] }, true],
  ['"off" for every policy but the headline, which stays on', { defaults: { policies: { maxAutoScanAge: 'off', requireSuccessfulScan: 'off', stuckTask: 'off', onLookupFailure: 'off' } }, instances: [{ instance_id: A }] }, true],
  ['the headline "off" with another policy on', { instances: [{ instance_id: A, policies: { latestAutoFailed: 'off', stuckTask: { maxDuration: '6h' } } }] }, true],
  ['the headline off in defaults, on again in an entry', { defaults: { policies: { latestAutoFailed: 'off', requireSuccessfulScan: 'error' } }, instances: [{ instance_id: A, policies: { latestAutoFailed: 'warning', requireSuccessfulScan: null } }] }, true],
  ['a region outside the list, with HW_CLOUD', { instances: [{ instance_id: A, region: 'xx-private-1' }] }, true],
  ['the key and autoscan policies', { defaults: { policies: { bigKeys: { maxCount: 10, maxStringBytes: '10MB', maxMembers: 5000, severity: 'warning', $comment: 'x' }, autoScanEnabled: 'error' } }, instances: [{ instance_id: A }] }, true],
  ['one key limit, in bytes', { instances: [{ instance_id: A, policies: { bigKeys: { maxStringBytes: 10_485_760 } } }] }, true],
  ['sizes in every unit and case', { instances: [{ instance_id: A, policies: { bigKeys: { maxStringBytes: '512kib' } } }, { instance_id: B, policies: { bigKeys: { maxStringBytes: '300Mb' } } }] }, true],
  ['zero limits (no big key at all)', { instances: [{ instance_id: A, policies: { bigKeys: { maxCount: 0, maxStringBytes: 0, maxMembers: 0 } } }] }, true],
  ['the largest limits', { instances: [{ instance_id: A, policies: { bigKeys: { maxCount: 1_000_000, maxStringBytes: 536_870_912, maxMembers: 4_294_967_295 } } }] }, true],
  ['key and autoscan policies turned off', { defaults: { policies: { bigKeys: 'off', autoScanEnabled: null } }, instances: [{ instance_id: A }] }, true],
  ['the autoscan policy alone, headline off', { instances: [{ instance_id: A, policies: { latestAutoFailed: 'off', autoScanEnabled: 'warning' } }] }, true],
  ['not JSON', '{"instances": [', false],
  ['not an object', [{ instance_id: A }], false],
  ['no instances', { defaults: {} }, false],
  ['empty instances', { instances: [] }, false],
  ['instances not an array', { instances: { a: { instance_id: A } } }, false],
  ['an unknown top-level field', { instances: [{ instance_id: A }], fleet: 'x' }, false],
  ['an unknown entry field', { instances: [{ instance_id: A, instanceId: A }] }, false],
  ['no instance_id', { instances: [{ name: 'x' }] }, false],
  ['a bad instance_id', { instances: [{ instance_id: '7c9e6679' }] }, false],
  ['an empty name', { instances: [{ instance_id: A, name: '' }] }, false],
  ['a blank name', { instances: [{ instance_id: A, name: ' \u00a0 ' }] }, false],
  ['a name with a line break', { instances: [{ instance_id: A, name: 'a\nb' }] }, false],
  ['a 129-character name', { instances: [{ instance_id: A, name: 'x'.repeat(129) }] }, false],
  ['a number as a name', { instances: [{ instance_id: A, name: 7 }] }, false],
  ['region and endpoint together', { instances: [{ instance_id: A, region: 'cn-north-4', endpoint: 'http://127.0.0.1:1' }] }, false],
  ['region and endpoint together in defaults', { defaults: { region: 'cn-north-4', endpoint: 'http://127.0.0.1:1' }, instances: [{ instance_id: A }] }, false],
  ['a badly shaped region', { instances: [{ instance_id: A, region: 'North 4' }] }, false],
  ['an endpoint without a scheme', { defaults: { endpoint: 'localhost:8080' }, instances: [{ instance_id: A }] }, false],
  ['an endpoint with a path', { defaults: { endpoint: 'https://dcs.example.com/v2' }, instances: [{ instance_id: A }] }, false],
  ['an endpoint with user info', { defaults: { endpoint: 'https://ak:sk@dcs.example.com' }, instances: [{ instance_id: A }] }, false],
  ['an ftp endpoint', { defaults: { endpoint: 'ftp://dcs.example.com' }, instances: [{ instance_id: A }] }, false],
  ['an empty project id', { instances: [{ instance_id: A, project_id: '' }] }, false],
  ['a short project id', { instances: [{ instance_id: A, project_id: 'abc' }] }, false],
  ['a bad severity', { instances: [{ instance_id: A, policies: { latestAutoFailed: 'fatal' } }] }, false],
  ['a severity of the wrong type', { instances: [{ instance_id: A, policies: { requireSuccessfulScan: true } }] }, false],
  ['an unknown policy', { instances: [{ instance_id: A, policies: { maxAge: '7d' } }] }, false],
  ['a duration policy as a string', { instances: [{ instance_id: A, policies: { stuckTask: '2h' } }] }, false],
  ['a duration policy without its duration', { instances: [{ instance_id: A, policies: { stuckTask: { severity: 'warning' } } }] }, false],
  ['a bad duration', { defaults: { policies: { maxAutoScanAge: { maxAge: '7 days' } } }, instances: [{ instance_id: A }] }, false],
  ['a duration with spaces around', { defaults: { policies: { maxAutoScanAge: { maxAge: ' 1d12h ' } } }, instances: [{ instance_id: A }] }, false],
  ['a unit twice', { defaults: { policies: { maxAutoScanAge: { maxAge: '1d1d' } } }, instances: [{ instance_id: A }] }, false],
  ['units out of order', { defaults: { policies: { stuckTask: { maxDuration: '12h1d' } } }, instances: [{ instance_id: A }] }, false],
  ['a decimal duration', { defaults: { policies: { stuckTask: { maxDuration: '1.5h' } } }, instances: [{ instance_id: A }] }, false],
  ['an upper-case unit', { defaults: { policies: { stuckTask: { maxDuration: '7D' } } }, instances: [{ instance_id: A }] }, false],
  ['a bare number as text', { defaults: { policies: { maxAutoScanAge: { maxAge: '604800000' } } }, instances: [{ instance_id: A }] }, false],
  ['milliseconds below 1s', { defaults: { policies: { stuckTask: { maxDuration: 999 } } }, instances: [{ instance_id: A }] }, false],
  ['milliseconds beyond 3650d', { defaults: { policies: { stuckTask: { maxDuration: 315_360_000_001 } } }, instances: [{ instance_id: A }] }, false],
  ['1e308 milliseconds (it would be Infinity-like and turn the policy off)', { defaults: { policies: { maxAutoScanAge: { maxAge: 1e308 } } }, instances: [{ instance_id: A }] }, false],
  ['fractional milliseconds', { defaults: { policies: { stuckTask: { maxDuration: 1_500_000.5 } } }, instances: [{ instance_id: A }] }, false],
  ['"OFF" in capitals', { instances: [{ instance_id: A, policies: { latestAutoFailed: 'OFF' } }] }, false],
  ['"off" as the severity of a duration policy', { instances: [{ instance_id: A, policies: { stuckTask: { maxDuration: '1h', severity: 'off' } } }] }, false],
  ['a zero duration', { defaults: { policies: { maxAutoScanAge: { maxAge: '0d0h' } } }, instances: [{ instance_id: A }] }, false],
  ['a negative duration', { defaults: { policies: { maxAutoScanAge: { maxAge: -5 } } }, instances: [{ instance_id: A }] }, false],
  ['a null severity in a duration policy', { instances: [{ instance_id: A, policies: { stuckTask: { maxDuration: '1h', severity: null } } }] }, false],
  ['an unknown field in a duration policy', { instances: [{ instance_id: A, policies: { stuckTask: { maxDuration: '1h', max: '2h' } } }] }, false],
  ['policies that are no object', { instances: [{ instance_id: A, policies: ['latestAutoFailed'] }] }, false],
  ['a key policy with no limit', { instances: [{ instance_id: A, policies: { bigKeys: { severity: 'warning' } } }] }, false],
  ['an empty key policy', { instances: [{ instance_id: A, policies: { bigKeys: {} } }] }, false],
  ['a key policy as a severity', { instances: [{ instance_id: A, policies: { bigKeys: 'error' } }] }, false],
  ['a size with a space', { instances: [{ instance_id: A, policies: { bigKeys: { maxStringBytes: '10 MB' } } }] }, false],
  ['a decimal size', { instances: [{ instance_id: A, policies: { bigKeys: { maxStringBytes: '1.5MB' } } }] }, false],
  ['a size in megabits-looking units', { instances: [{ instance_id: A, policies: { bigKeys: { maxStringBytes: '10M' } } }] }, false],
  ['a size above 512MB in bytes', { instances: [{ instance_id: A, policies: { bigKeys: { maxStringBytes: 536_870_913 } } }] }, false],
  ['a negative count', { instances: [{ instance_id: A, policies: { bigKeys: { maxCount: -1 } } }] }, false],
  ['a fractional member count', { instances: [{ instance_id: A, policies: { bigKeys: { maxMembers: 10.5 } } }] }, false],
  ['members as text', { instances: [{ instance_id: A, policies: { bigKeys: { maxMembers: '5000' } } }] }, false],
  ['more members than Redis holds', { instances: [{ instance_id: A, policies: { bigKeys: { maxMembers: 4_294_967_296 } } }] }, false],
  ['an unknown key limit', { instances: [{ instance_id: A, policies: { bigKeys: { maxKeys: 3 } } }] }, false],
  ['the hot key policy (the gate reads big keys)', { instances: [{ instance_id: A, policies: { hotKeys: { maxCount: 3 } } }] }, false],
  ['autoScanEnabled as true', { instances: [{ instance_id: A, policies: { autoScanEnabled: true } }] }, false],
  ['defaults that is no object', { defaults: null, instances: [{ instance_id: A }] }, false],
];

describe('the fleet file schema', () => {
  it.each(corpus)('%s: schema and command agree', (_what, doc, valid) => {
    const schemaSays = typeof doc === 'string' ? false : validFleet(doc);
    expect({ schema: schemaSays, command: parserAccepts(doc) }).toEqual({ schema: valid, command: valid });
  });

  it('agrees with the command on generated files', () => {
    // Mostly good values, now and then a bad one, so that both valid and invalid files come out.
    const mostly = (good: unknown[], bad: unknown[]) =>
      bad.length === 0 ? fc.constantFrom(...good) : fc.oneof({ arbitrary: fc.constantFrom(...good), weight: 20 }, { arbitrary: fc.constantFrom(...bad), weight: 1 });
    const severity = mostly(['error', 'warning', 'off', null, undefined, undefined], ['fatal', 1, 'OFF']);
    const duration = mostly(['7d', '90m', '36h', '1d12h', '1w', '60s', '3650d', 3_600_000, 315_360_000_000], [0, -1, 999, 1_500_000.5, 315_360_000_001, '0m', '7 days', ' 36h', '1d1d', '12h1d', '1.5h', '', null, true]);
    const durationPolicy = (field: string) =>
      fc.oneof(
        { arbitrary: fc.record({ [field]: duration, severity: mostly([undefined, 'error', 'warning'], ['fatal']), $comment: mostly([undefined, 'x'], []), extra: mostly([undefined], [1]) }, { requiredKeys: [] }), weight: 6 },
        { arbitrary: mostly([null, 'off', undefined], ['2h', 'OFF', []]), weight: 2 },
      );
    const size = mostly(['10MB', '512kb', '512MiB', 0, 10_485_760, 536_870_912, '20971520'], [-1, 1.5, 536_870_913, '10 MB', '1.5MB', '10M', '', null, true]);
    const count = (max: number) => mostly([0, 10, max], [-1, 0.5, max + 1, '10', null]);
    const keyPolicy = fc.oneof(
      { arbitrary: fc.record({ maxCount: count(1_000_000), maxStringBytes: size, maxMembers: count(4_294_967_295), severity: mostly([undefined, 'error', 'warning'], ['fatal']), $comment: mostly([undefined, 'x'], []), extra: mostly([undefined], [1]) }, { requiredKeys: [] }), weight: 6 },
      { arbitrary: mostly([null, 'off', undefined], ['error', []]), weight: 2 },
    );
    const policies = fc.record(
      { latestAutoFailed: severity, maxAutoScanAge: durationPolicy('maxAge'), requireSuccessfulScan: severity, stuckTask: durationPolicy('maxDuration'), bigKeys: keyPolicy, autoScanEnabled: severity, onLookupFailure: severity, unknown: mostly([undefined], ['x']) },
      { requiredKeys: [] },
    );
    const location = {
      project_id: mostly([undefined, P, P.toUpperCase()], ['', 'abc', 7]),
      region: mostly([undefined, undefined, undefined, 'cn-north-4', 'xx-private-1'], ['North 4', '']),
      endpoint: mostly([undefined, undefined, undefined, 'http://127.0.0.1:8080', 'https://dcs.example.com/'], ['localhost:1', 'https://dcs.example.com/x', 'https://u:p@dcs.example.com']),
    };
    const entry = (id: string) =>
      fc.record(
        { instance_id: mostly([id, id.toUpperCase()], ['7c9e6679', undefined]), name: mostly([undefined, 'orders', '订单缓存'], ['', ' ', 'a\tb', 'x'.repeat(129), 5]), ...location, policies: fc.oneof(policies, mostly([undefined], [null, 'x'])), $comment: mostly([undefined, 'c'], []) },
        { requiredKeys: [] },
      );
    const ids = Array.from({ length: 4 }, (_, i) => `${String(i).repeat(8)}-0000-4000-8000-00000000000${i}`);
    const file = fc.record(
      {
        $schema: mostly([undefined, './schemas/fleet-file.schema.json'], []),
        defaults: fc.oneof({ arbitrary: fc.record({ ...location, policies: fc.oneof(policies, fc.constant(undefined)) }, { requiredKeys: [] }), weight: 8 }, { arbitrary: mostly([undefined], [null, []]), weight: 2 }),
        instances: fc.oneof({ arbitrary: fc.tuple(...ids.map(entry)).chain((entries) => fc.integer({ min: 1, max: 4 }).map((k) => entries.slice(0, k))), weight: 12 }, { arbitrary: fc.constantFrom<unknown>(undefined, [], {}, 'x'), weight: 1 }),
        extra: mostly([undefined], [1]),
      },
      { requiredKeys: ['instances'] },
    );
    const seen = { valid: 0, invalid: 0, allOff: 0 };
    fc.assert(
      fc.property(file, (doc) => {
        const clean = JSON.parse(JSON.stringify(doc)); // as a file holds it: no undefined
        const says = parserSays(clean);
        if (says !== true && ALL_OFF.test(says)) {
          // Policies turned off across layers: the schema sees a well-formed file, the command refuses it.
          seen.allOff++;
          expect({ doc: clean, schema: validFleet(clean) }).toEqual({ doc: clean, schema: true });
          return;
        }
        const accepted = says === true;
        seen[accepted ? 'valid' : 'invalid']++;
        expect({ doc: clean, schema: validFleet(clean) }).toEqual({ doc: clean, schema: accepted });
      }),
      { numRuns: 400 },
    );
    // The generator reaches both sides (a corpus of only invalid files would prove little).
    expect(seen.valid).toBeGreaterThan(20);
    expect(seen.invalid).toBeGreaterThan(20);
  });

  it('what it cannot say, the command checks: an instance listed twice; a region outside the list without HW_CLOUD; http:// beyond loopback; a text duration past 3650d; a text size past 512MB; all policies off across layers', () => {
    const twice = { instances: [{ instance_id: A }, { instance_id: A.toUpperCase() }] };
    expect([validFleet(twice), parserAccepts(twice)]).toEqual([true, false]);
    const privateRegion = { instances: [{ instance_id: A, region: 'xx-private-1' }] };
    expect([validFleet(privateRegion), parserAccepts(privateRegion, { HW_PROJECT_ID: P })]).toEqual([true, false]);
    const clearText = { instances: [{ instance_id: A, endpoint: 'http://dcs.example.invalid' }] };
    expect([validFleet(clearText), parserSays(clearText)]).toEqual([true, expect.stringMatching(/http:\/\/ would send signed requests .* in clear text/)]);
    expect(parserAccepts(clearText, { ...ENV, DCS_BIGKEY_ALLOW_INSECURE_HTTP: '1' })).toBe(true);
    for (const maxAge of ['3651d', '522w', '99999999999d', `1${'0'.repeat(400)}d`]) {
      const tooLong = { defaults: { policies: { maxAutoScanAge: { maxAge } } }, instances: [{ instance_id: A }] };
      expect([maxAge, validFleet(tooLong), parserSays(tooLong)]).toEqual([maxAge, true, expect.stringMatching(/a duration must be from 1s to 3650d/)]);
    }
    for (const maxStringBytes of ['513MB', '1GB', '9999999999999999']) {
      const tooBig = { instances: [{ instance_id: A, policies: { bigKeys: { maxStringBytes } } }] };
      expect([maxStringBytes, validFleet(tooBig), parserSays(tooBig)]).toEqual([maxStringBytes, true, expect.stringMatching(/a size must be a whole number of bytes from 0B to 512MB/)]);
    }
    const allOff = { defaults: { policies: { latestAutoFailed: 'off' } }, instances: [{ instance_id: A, policies: { stuckTask: { maxDuration: '1h' } } }, { instance_id: B }] };
    expect([validFleet(allOff), parserSays(allOff)]).toEqual([true, expect.stringMatching(ALL_OFF)]);
  });

  it('lists the known regions and every policy the command knows', () => {
    expect(fleetSchema.definitions.region.anyOf[0].enum).toEqual(KNOWN_REGIONS);
    expect(Object.keys(fleetSchema.definitions.policies.properties)).toEqual([...POLICY_KEYS]);
  });
});

describe('the dcs-bigkey-gate/v1 report schema', () => {
  const task = (id: string, status: 'success' | 'failed' | 'running', finished: boolean) => ({
    id, scan_type: 'auto' as const, status, created_at: '2026-11-28T02:00:00.412Z', started_at: '2026-11-28T02:00:03.118Z', finished_at: finished ? '2026-11-28T02:01:47.905Z' : null,
  });
  const resultArb: fc.Arbitrary<InstanceResult> = fc.integer({ min: 0, max: 9999 }).chain((i) =>
    fc.constantFrom<InstanceResult>(
      { instanceId: `f1ee7000-0000-4000-8000-${String(i).padStart(12, '0')}`, projectId: P, verdict: 'pass', policies: [HEADLINE], latestAuto: task('t', 'success', true), latestAutoAgeMs: 1_234_567, tasksRead: 3, findings: [] },
      { name: `n${i}`, instanceId: A, projectId: P, verdict: 'blocked', policies: [HEADLINE, { policy: 'max-auto-scan-age', severity: 'error', limit: '1w' }], latestAuto: task('t', 'failed', true), latestAutoAgeMs: 1, tasksRead: 1, findings: [{ policy: 'latest-auto-failed', severity: 'error', instanceId: A, message: 'm', taskId: 't' }] },
      { name: `n${i}`, instanceId: A, projectId: P, verdict: 'warn', policies: [HEADLINE, { policy: 'stuck-task', severity: 'warning', limit: '1h' }], latestAuto: task('t', 'running', false), tasksRead: 1, findings: [{ policy: 'stuck-task', severity: 'warning', instanceId: A, message: 'm', taskId: 't' }] },
      { instanceId: B, projectId: P, verdict: 'pass', policies: [{ policy: 'require-successful-scan', severity: 'error' }], tasksRead: 0, findings: [] },
      { instanceId: B, projectId: P, verdict: 'error', policies: [HEADLINE], findings: [{ policy: 'lookup-failed', severity: 'error', instanceId: B, message: 'm' }], lookupError: { name: 'DcsNetworkError', code: 'ECONNREFUSED' } },
      { instanceId: B, projectId: P, verdict: 'error', policies: [HEADLINE, { policy: 'stuck-task', severity: 'error', limit: '6h' }, { policy: 'require-successful-scan', severity: 'warning' }], findings: [{ policy: 'lookup-failed', severity: 'error', instanceId: B, message: 'm' }], lookupError: { name: 'DcsApiError', status: 400, errorCode: 'DCS.4919', requestId: 'r' } },
      {
        instanceId: A, projectId: P, verdict: 'blocked', policies: [HEADLINE, { policy: 'big-keys', severity: 'error', limit: 'string 10MB' }, { policy: 'auto-scan-enabled', severity: 'warning' }], latestAuto: task('t', 'success', true), latestAutoAgeMs: 5, tasksRead: 2,
        keyScan: { task_id: 't', scan_type: 'auto', finished_at: '2026-11-28T02:01:47.905Z', num: 2, keys: [{ type: 'string', size: 20_971_520, unit: 'byte', shard: '192.168.3.21:6379', db: 0 }, { type: 'set', size: 9, unit: 'count', db: 3 }] },
        autoscan: { instance_id: A, enable_auto_scan: false, schedule_at: [], updated_at: '2026-09-14T10:02:51.000Z' },
        findings: [{ policy: 'big-keys', severity: 'error', instanceId: A, message: 'm', taskId: 't' }, { policy: 'auto-scan-enabled', severity: 'warning', instanceId: A, message: 'm' }],
      },
      { instanceId: B, projectId: P, verdict: 'blocked', policies: [{ policy: 'big-keys', severity: 'error', limit: 'count 0' }], tasksRead: 0, keyScan: null, autoscan: { instance_id: B, enable_auto_scan: true, schedule_at: ['02:00'] }, findings: [{ policy: 'big-keys', severity: 'error', instanceId: B, message: 'm' }] },
      { instanceId: B, projectId: P, verdict: 'pass', policies: [{ policy: 'big-keys', severity: 'error', limit: 'members 5' }], tasksRead: 1, keyScan: { task_id: 't', scan_type: 'manual', finished_at: null, num: 0, keys: [] }, findings: [] },
    ),
  );

  it('real reports validate and declare every field they carry', () => {
    fc.assert(
      fc.property(fc.array(resultArb, { maxLength: 12 }), (results) => {
        const doc = JSON.parse(JSON.stringify(toGateJson(buildReport(results, new Date('2026-11-29T12:00:00.000Z')))));
        expectValidGateReport(doc);
        // Optional in the schema (older v1 reports lack it), present and never empty in every report of this version.
        for (const instance of doc.instances) expect(instance.policies.length).toBeGreaterThan(0);
      }),
    );
  });

  it('rejects reports that break the contract', () => {
    const good = JSON.parse(JSON.stringify(toGateJson(buildReport([], new Date()))));
    expect(validReport(good)).toBe(true);
    expect(validReport({ ...good, schema: 'dcs-bigkey-gate/v2' })).toBe(false);
    expect(validReport({ ...good, exit_code: 2 })).toBe(false);
    expect(undeclared({ ...good, extra: 1 })).toEqual(['$.extra']);
    const instance = { name: null, instance_id: A, project_id: P, verdict: 'pass', latest_auto: null, tasks_read: 1, findings: [{ policy: 'stuck-task', severity: 'warning', message: 'm', task_id: null }], lookup_error: null };
    expect(validReport({ ...good, instances: [instance] })).toBe(false); // a pass has no findings
    expect(validReport({ ...good, instances: [{ ...instance, verdict: 'error', findings: [] }] })).toBe(false); // an error has a lookup_error
    const passing = { ...instance, findings: [] };
    expect(validReport({ ...good, instances: [{ ...passing, policies: ['latest-auto-failed', 'stuck-task'] }] })).toBe(true);
    expect(validReport({ ...good, instances: [{ ...passing, policies: [] }] })).toBe(false); // a gate that checks nothing never passes
    expect(validReport({ ...good, instances: [{ ...passing, policies: ['lookup-failed'] }] })).toBe(false); // not a task policy
    expect(validReport({ ...good, instances: [{ ...passing, policies: ['stuck-task', 'stuck-task'] }] })).toBe(false);
    const key = { type: 'string', size: 1, unit: 'byte', shard: null, db: 0 };
    const bigKeys = { task_id: 't', finished_at: null, num: 1, largest_string: key, largest_collection: null };
    expect(validReport({ ...good, instances: [{ ...passing, big_keys: bigKeys }] })).toBe(true);
    expect(validReport({ ...good, instances: [{ ...passing, big_keys: { ...bigKeys, largest_string: { ...key, name: 'customer:key' } } }] })).toBe(false); // never a key's name
    expect(validReport({ ...good, instances: [{ ...passing, big_keys: { ...bigKeys, largest_string: { ...key, db: 256 } } }] })).toBe(false);
    expect(validReport({ ...good, instances: [{ ...passing, auto_scan: { enable_auto_scan: true, schedule_at: ['24:00'], updated_at: null } }] })).toBe(false);
  });
});
