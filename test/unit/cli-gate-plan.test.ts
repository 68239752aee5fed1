/**
 * How `dcs-bigkey gate` turns flags and a fleet file into checked targets (no network):
 * flag parsing, fleet file validation, location and policy layering, --warn-only.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { parseFlags, parseInteger } from '../../lib/cli/args';
import { parseFleetFile } from '../../lib/cli/fleet-file';
import { planGate, resolveLayers, runGateCommand } from '../../lib/cli/gate-command';
import { UsageError } from '../../lib/cli/io';
import { main } from '../../lib/cli/main';
import { redactingIo } from '../../lib/cli/redact';
import { runTasksCommand } from '../../lib/cli/tasks-command';
import { runInProcess } from '../support/cli-harness';

const P = '0b6bd4e1a8f34b0c9a8a4f5c1e0d2a7b';
const P2 = 'a1b2c3d4e5f60718293a4b5c6d7e8f90';
const A = '5560df16-cebf-4473-95c4-d1b573c16e79';
const B = '7c9e6679-7425-40de-944b-e07fc1f90ae7';
const ENV = { HUAWEICLOUD_SDK_AK: 'AKAKAKAKAK', HUAWEICLOUD_SDK_SK: 'SKSKSKSKSKSKSK', HW_PROJECT_ID: P, HW_REGION_NAME: 'cn-north-4' };

let dir: string;
beforeAll(() => (dir = mkdtempSync(path.join(tmpdir(), 'dcs-bigkey-plan-'))));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function fleet(content: unknown): string {
  const file = path.join(dir, `fleet-${Math.random().toString(36).slice(2)}.json`);
  writeFileSync(file, JSON.stringify(content));
  return file;
}

const GATE_SPECS = {
  'instance-id': { type: 'string' }, name: { type: 'string' }, 'project-id': { type: 'string' }, region: { type: 'string' }, endpoint: { type: 'string' },
  fleet: { type: 'string' }, 'fail-on-latest-auto-failed': { type: 'boolean' }, 'no-latest-auto-failed': { type: 'boolean' }, 'max-auto-age': { type: 'string' }, 'require-success': { type: 'boolean' },
  'stuck-after': { type: 'string' }, 'max-big-keys': { type: 'string' }, 'max-string-size': { type: 'string' }, 'max-members': { type: 'string' }, 'require-auto-scan': { type: 'boolean' }, 'warn-only': { type: 'string' }, format: { type: 'string' }, concurrency: { type: 'string' }, verbose: { type: 'boolean' }, help: { type: 'boolean', short: 'h' },
} as const;
const plan = (args: string[], env: NodeJS.ProcessEnv = ENV) => planGate(parseFlags(args, GATE_SPECS), env);

describe('flags', () => {
  it('refuses unknown flags, repeated flags and credentials as flags, without echoing a secret', () => {
    expect(() => parseFlags(['--nope'], GATE_SPECS)).toThrow(/Unknown option '--nope'/);
    expect(() => parseFlags(['--name', 'a', '--name', 'b'], GATE_SPECS)).toThrow(/--name is given more than once/);
    for (const flag of ['--secret-key=hunter2hunter2', '--sk', '--access-key', '--security-token=tok12345']) {
      try {
        parseFlags([flag, 'hunter2hunter2'], GATE_SPECS);
        throw new Error('accepted');
      } catch (error) {
        expect(error).toBeInstanceOf(UsageError);
        expect((error as Error).message).toMatch(/credentials are never taken from flags/);
        expect((error as Error).message).not.toContain('hunter2');
      }
    }
  });

  it('parses integers strictly', () => {
    expect(parseInteger('limit', '10', 1, 1000)).toBe(10);
    for (const bad of ['', '1e3', '0x10', ' 5', '5.0', '-1', '1001']) expect(() => parseInteger('limit', bad, 1, 1000)).toThrow(/invalid --limit/);
  });
});

describe('one instance', () => {
  it('defaults: table, the latest-auto-failed policy, concurrency 16, location from the environment', () => {
    const p = plan(['--instance-id', A]);
    expect(p.format).toBe('table');
    expect(p.concurrency).toBe(16);
    expect(p.targets).toEqual([{ index: 0, instanceId: A, location: { endpoint: 'https://dcs.cn-north-4.myhuaweicloud.com', projectId: P }, policies: { latestAutoFailed: 'error', onLookupFailure: 'error' } }]);
  });

  it('policy flags add to the headline policy; --warn-only lowers them', () => {
    const p = plan(['--instance-id', A, '--max-auto-age', '7d', '--stuck-after', '2h', '--require-success', '--warn-only', 'stuck-after,require-success', '--endpoint', 'http://127.0.0.1:9']);
    expect(p.targets[0].policies).toEqual({
      latestAutoFailed: 'error',
      maxAutoScanAge: { maxAgeMs: 7 * 86_400_000, severity: 'error' },
      requireSuccessfulScan: 'warning',
      stuckTask: { maxDurationMs: 7_200_000, severity: 'warning' },
      onLookupFailure: 'error',
    });
    expect(p.targets[0].location.endpoint).toBe('http://127.0.0.1:9');
    expect(plan(['--instance-id', A, '--warn-only', 'latest-auto-failed']).targets[0].policies.latestAutoFailed).toBe('warning');
    // each policy flag alone keeps the headline policy on
    for (const flags of [['--max-auto-age', '7d'], ['--stuck-after', '6h'], ['--require-success'], ['--fail-on-latest-auto-failed']]) {
      expect(plan(['--instance-id', A, ...flags]).targets[0].policies.latestAutoFailed).toBe('error');
    }
  });

  it('--no-latest-auto-failed turns the headline off; with nothing else on it is a usage error', () => {
    expect(plan(['--instance-id', A, '--no-latest-auto-failed', '--stuck-after', '6h']).targets[0].policies).toEqual({ stuckTask: { maxDurationMs: 6 * 3_600_000, severity: 'error' }, onLookupFailure: 'error' });
    expect(() => plan(['--instance-id', A, '--no-latest-auto-failed'])).toThrow(UsageError);
    expect(() => plan(['--instance-id', A, '--no-latest-auto-failed'])).toThrow(/so the gate would check nothing; add --max-auto-age, --require-success, --stuck-after, --max-big-keys, --max-string-size, --max-members or --require-auto-scan/);
    expect(() => plan(['--instance-id', A, '--no-latest-auto-failed', '--fail-on-latest-auto-failed'])).toThrow(/contradict each other/);
    expect(() => plan(['--instance-id', A, '--no-latest-auto-failed', '--warn-only', 'latest-auto-failed', '--require-success'])).toThrow(/--warn-only names latest-auto-failed, which is not enabled/);
  });

  it('refuses durations out of bounds or off the grammar, naming the flag and the value', () => {
    expect(() => plan(['--instance-id', A, '--stuck-after', `1${'0'.repeat(400)}d`])).toThrow(/invalid --stuck-after "10+\.\.\.": a duration must be from 1s to 3650d/);
    expect(() => plan(['--instance-id', A, '--stuck-after', '99999999999d'])).toThrow('invalid --stuck-after "99999999999d": a duration must be from 1s to 3650d (10 years)');
    expect(() => plan(['--instance-id', A, '--max-auto-age', '12h1d'])).toThrow(/invalid --max-auto-age "12h1d": expected a duration such as/);
    expect(() => plan(['--instance-id', A, '--max-auto-age', '604800000'])).toThrow(/invalid --max-auto-age "604800000": expected a duration/);
  });
});

describe('key and autoscan policies', () => {
  it('the three key flags make one big-keys policy (sizes 1024-based); --require-auto-scan adds auto-scan-enabled', () => {
    const [target] = plan(['--instance-id', A, '--max-big-keys', '10', '--max-string-size', '10MB', '--max-members', '5000', '--require-auto-scan']).targets;
    expect(target.policies).toMatchObject({ latestAutoFailed: 'error', bigKeys: { maxCount: 10, maxStringBytes: 10 * 1024 * 1024, maxMembers: 5000, severity: 'error' }, autoScanEnabled: 'error' });
    expect(plan(['--instance-id', A, '--max-string-size', '512kb']).targets[0].policies.bigKeys).toEqual({ maxStringBytes: 512 * 1024, severity: 'error' });
    expect(plan(['--instance-id', A, '--max-big-keys', '0']).targets[0].policies.bigKeys).toEqual({ maxCount: 0, severity: 'error' });
  });

  it('any of them alone is a gate that checks something (the headline off)', () => {
    expect(plan(['--instance-id', A, '--no-latest-auto-failed', '--require-auto-scan']).targets[0].policies).toEqual({ autoScanEnabled: 'error', onLookupFailure: 'error' });
    expect(plan(['--instance-id', A, '--no-latest-auto-failed', '--max-members', '1']).targets[0].policies.bigKeys).toEqual({ maxMembers: 1, severity: 'error' });
  });

  it.each<[string[], RegExp]>([
    [['--max-string-size', '10 MB'], /invalid --max-string-size "10 MB": expected a size in bytes such as 10MB/],
    [['--max-string-size', '1.5MB'], /invalid --max-string-size "1\.5MB"/],
    [['--max-string-size', '1GB'], /invalid --max-string-size "1GB": a size must be a whole number of bytes from 0B to 512MB/],
    [['--max-big-keys=-1'], /invalid --max-big-keys "-1": expected an integer from 0 to 1000000/],
    [['--max-members', 'many'], /invalid --max-members "many"/],
    [['--max-members', '4294967296'], /invalid --max-members "4294967296": expected an integer from 0 to 4294967295/],
  ])('refuses %j, naming the flag and the value', (args, message) => {
    expect(() => plan(['--instance-id', A, ...args])).toThrow(message);
  });

  it('--warn-only lowers them by any of their names, and refuses them when not enabled', () => {
    const policies = plan(['--instance-id', A, '--max-string-size', '1MB', '--require-auto-scan', '--warn-only', 'max-string-size,require-auto-scan']).targets[0].policies;
    expect(policies.bigKeys?.severity).toBe('warning');
    expect(policies.autoScanEnabled).toBe('warning');
    expect(plan(['--instance-id', A, '--max-members', '1', '--warn-only', 'big-keys']).targets[0].policies.bigKeys?.severity).toBe('warning');
    expect(() => plan(['--instance-id', A, '--warn-only', 'big-keys'])).toThrow('--warn-only names big-keys, which is not enabled: add --max-big-keys N, --max-string-size SIZE or --max-members N');
    expect(() => plan(['--instance-id', A, '--warn-only', 'require-auto-scan'])).toThrow(/--warn-only names require-auto-scan, which is not enabled: add --require-auto-scan/);
  });

  it('fleet files: bigKeys and autoScanEnabled per layer; an entry\'s bigKeys replaces the flags\' limits as a whole', () => {
    const file = fleet({
      defaults: { policies: { autoScanEnabled: 'warning' } },
      instances: [
        { instance_id: A, policies: { bigKeys: { maxCount: 5, $comment: 'five at most' } } },
        { instance_id: B, policies: { bigKeys: 'off', autoScanEnabled: null } },
      ],
    });
    const [a, b] = plan(['--fleet', file, '--max-string-size', '10MB']).targets;
    expect(a.policies).toMatchObject({ bigKeys: { maxCount: 5, severity: 'error' }, autoScanEnabled: 'warning' });
    expect(a.policies.bigKeys?.maxStringBytes).toBeUndefined();
    expect(b.policies.bigKeys).toBeUndefined();
    expect(b.policies.autoScanEnabled).toBeUndefined();
    expect(() => plan(['--fleet', fleet({ instances: [{ instance_id: A, policies: { bigKeys: { maxStringBytes: '600MB' } } }] })])).toThrow(/instances\[0\]\.policies\.bigKeys\.maxStringBytes "600MB": a size must be a whole number of bytes from 0B to 512MB/);
    expect(() => plan(['--fleet', fleet({ instances: [{ instance_id: A, policies: { bigKeys: {} } }] })])).toThrow(/instances\[0\]\.policies\.bigKeys sets no limit/);
    expect(() => plan(['--fleet', fleet({ instances: [{ instance_id: A, policies: { hotKeys: { maxCount: 1 } } }] })])).toThrow(/instances\[0\]\.policies has an unknown field "hotKeys"/);
  });
});

describe('fleet files', () => {
  it('layers policies: the headline, flags, then defaults.policies, then the entry; "off" or null turns a policy off', () => {
    expect(resolveLayers([{ latestAutoFailed: 'error' }, { maxAutoScanAge: { maxAge: '1d' } }, { latestAutoFailed: null }], [], 'x')).toEqual({
      maxAutoScanAge: { maxAgeMs: 86_400_000, severity: 'error' },
      onLookupFailure: 'error',
    });
    expect(resolveLayers([{}, { latestAutoFailed: 'off' }, { stuckTask: { maxDuration: '1h' } }], [], 'x')).toEqual({ stuckTask: { maxDurationMs: 3_600_000, severity: 'error' }, onLookupFailure: 'error' });
    // The headline is on below every layer: other policies add to it.
    expect(resolveLayers([{}, undefined, { onLookupFailure: 'warning' }], [], 'x')).toEqual({ latestAutoFailed: 'error', onLookupFailure: 'warning' });
    expect(resolveLayers([{}, { stuckTask: { maxDuration: '1h' } }], [], 'x')).toEqual({ latestAutoFailed: 'error', stuckTask: { maxDurationMs: 3_600_000, severity: 'error' }, onLookupFailure: 'error' });
    expect(resolveLayers([{ stuckTask: { maxDuration: '1h' } }, { stuckTask: 'off' }], [], 'x')).toEqual({ latestAutoFailed: 'error', onLookupFailure: 'error' });
    // Everything turned off explicitly: no default sneaks back in.
    expect(resolveLayers([{ latestAutoFailed: null }], [], 'x')).toEqual({ onLookupFailure: 'error' });
    expect(resolveLayers([{ latestAutoFailed: 'off' }], [], 'x')).toEqual({ onLookupFailure: 'error' });
  });

  it('an entry that evaluates no policy is a usage error naming it (the README\'s catalog-cache keeps the headline)', () => {
    const file = fleet({
      instances: [
        { name: 'catalog-cache', instance_id: A, policies: { stuckTask: { maxDuration: '1h', severity: 'warning' } } },
        { name: 'nothing', instance_id: B, policies: { latestAutoFailed: 'off' } },
      ],
    });
    expect(() => plan(['--fleet', file])).toThrow(`fleet file ${file}: instances[1] ("nothing"): every policy is off, so its gate would check nothing`);
    const ok = fleet({ instances: [{ name: 'catalog-cache', instance_id: A, policies: { stuckTask: { maxDuration: '1h', severity: 'warning' } } }] });
    expect(plan(['--fleet', ok]).targets[0].policies).toEqual({ latestAutoFailed: 'error', stuckTask: { maxDurationMs: 3_600_000, severity: 'warning' }, onLookupFailure: 'error' });
    const offByDefaults = fleet({ defaults: { policies: { latestAutoFailed: null } }, instances: [{ instance_id: A, policies: { requireSuccessfulScan: 'error' } }, { instance_id: B }] });
    expect(() => plan(['--fleet', offByDefaults])).toThrow(/instances\[1\]: every policy is off/);
  });

  it('normalises upper-case instance ids to lower case, and still finds duplicates', () => {
    expect(parseFleetFile(JSON.stringify({ instances: [{ instance_id: A.toUpperCase() }] }), 'f.json').instances[0].instanceId).toBe(A);
    expect(plan(['--instance-id', A.toUpperCase()]).targets[0].instanceId).toBe(A);
  });

  it('accepts a UTF-8 byte order mark at the start of a fleet file', () => {
    const file = path.join(dir, 'bom.json');
    writeFileSync(file, '\uFEFF' + JSON.stringify({ instances: [{ instance_id: A }] }));
    expect(plan(['--fleet', file]).targets.map((t) => t.instanceId)).toEqual([A]);
  });

  it('resolves each entry: its own location replaces the defaults, project ids fall back to defaults then the environment', () => {
    const file = fleet({
      $comment: 'ignored',
      defaults: { region: 'cn-east-3', policies: { requireSuccessfulScan: 'warning' } },
      instances: [
        { name: 'a', instance_id: A },
        { instance_id: B, project_id: P2, endpoint: 'http://127.0.0.1:8080', policies: { requireSuccessfulScan: null, stuckTask: { maxDuration: '3h', severity: 'warning' } } },
      ],
    });
    const p = plan(['--fleet', file, '--fail-on-latest-auto-failed', '--format', 'json', '--concurrency', '3']);
    expect(p).toMatchObject({ format: 'json', concurrency: 3, fleet: true });
    expect(p.targets).toEqual([
      { index: 0, name: 'a', instanceId: A, location: { endpoint: 'https://dcs.cn-east-3.myhuaweicloud.com', projectId: P }, policies: { latestAutoFailed: 'error', requireSuccessfulScan: 'warning', onLookupFailure: 'error' } },
      { index: 1, instanceId: B, location: { endpoint: 'http://127.0.0.1:8080', projectId: P2 }, policies: { latestAutoFailed: 'error', stuckTask: { maxDurationMs: 10_800_000, severity: 'warning' }, onLookupFailure: 'error' } },
    ]);
  });

  it('names the entry, the field and the value in every error', () => {
    const bad = (content: unknown) => () => parseFleetFile(JSON.stringify(content), 'f.json');
    expect(bad([])).toThrow('fleet file f.json: the top level is an array: expected an object');
    expect(bad({ instances: [{ instance_id: A, name: '' }] })).toThrow('fleet file f.json: instances[0].name is "": expected a non-empty string');
    expect(bad({ instances: [{ instance_id: A, name: 'x', policies: { stuckTask: { maxDuration: '1h', severity: 'loud' } } }] })).toThrow(
      'fleet file f.json: instances[0] ("x").policies.stuckTask.severity is "loud": expected "error" or "warning"',
    );
    expect(bad({ instances: [{ instance_id: A, policies: { maxAutoScanAge: { max: '1d' } } }] })).toThrow('instances[0].policies.maxAutoScanAge has an unknown field "max"');
    expect(bad({ instances: [{ instance_id: A, policies: { maxAutoScanAge: {} } }] })).toThrow('instances[0].policies.maxAutoScanAge.maxAge is (missing): expected a duration');
    expect(bad({ defaults: { region: 'cn-north-4', endpoint: 'http://h' }, instances: [{ instance_id: A }] })).toThrow('defaults has both region "cn-north-4" and endpoint "http://h"');
    expect(bad({ instances: [{ instance_id: A }], extra: 1 })).toThrow('the top level has an unknown field "extra"');
    expect(bad({ instances: [{ instance_id: 42 }] })).toThrow('invalid instances[0].instance_id 42');
    expect(() => plan(['--fleet', fleet({ instances: [{ instance_id: A }] })], { HUAWEICLOUD_SDK_AK: 'a', HUAWEICLOUD_SDK_SK: 'b' })).toThrow(
      /instances\[0\]: no project id: pass project_id \(in the entry or in defaults\), or set HUAWEICLOUD_SDK_PROJECT_ID or HW_PROJECT_ID/,
    );
  });

  it('--warn-only must name a policy enabled for some instance', () => {
    const file = fleet({ instances: [{ instance_id: A }, { instance_id: B, policies: { stuckTask: { maxDuration: '1h' } } }] });
    expect(plan(['--fleet', file, '--warn-only', 'stuck-task']).targets[1].policies.stuckTask).toEqual({ maxDurationMs: 3_600_000, severity: 'warning' });
    expect(() => plan(['--fleet', file, '--warn-only', 'max-auto-age'])).toThrow('--warn-only names max-auto-age, which is not enabled for any instance: add --max-auto-age DURATION or set it in the fleet file');
  });
});

describe('commands in-process', () => {
  it('exit 2 with the reason on stderr, nothing on stdout, for usage errors', async () => {
    const run = await runInProcess(runGateCommand, ['--instance-id', A, '--format', 'xml'], ENV);
    expect(run).toEqual({ code: 2, stdout: '', stderr: 'dcs-bigkey gate: invalid --format "xml": expected one of table, json, markdown, github\nrun `dcs-bigkey gate --help` for usage\n' });
    const noCreds = await runInProcess(runTasksCommand, ['--instance-id', A], { HW_PROJECT_ID: P, HW_REGION_NAME: 'cn-north-4' });
    expect(noCreds.code).toBe(2);
    expect(noCreds.stderr).toMatch(/^dcs-bigkey tasks: no credentials: credentials are read from the environment only/);
  });

  it('main dispatches, and the version is the package version', async () => {
    const version = await runInProcess(main, ['--version'], {});
    expect(version.stdout).toBe(`${require('../../package.json').version}\n`);
    const none = await runInProcess(main, [], {});
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/^usage: dcs-bigkey <command>/);
    expect((await runInProcess(main, ['gate', '--help'], {})).stdout).toMatch(/^usage: dcs-bigkey gate/);
  });

  it('every output line has the environment credentials redacted', () => {
    const chunks: string[] = [];
    const io = redactingIo({ stdout: { write: (t: string) => chunks.push(t) }, stderr: { write: (t: string) => chunks.push(t) }, env: ENV, isTTY: false });
    io.stdout.write('key AKAKAKAKAK secret SKSKSKSKSKSKSK');
    io.stderr.write('plain');
    expect(chunks).toEqual(['key *** secret ***', 'plain']);
  });
});
