/**
 * `dcs-bigkey` as users run it: the BUILT executable (`node dist/cli/main.js …`) in a real
 * process, against the emulator in another process, over real sockets. `npm test` builds
 * first; when running jest alone, build with `npx tsc -p tsconfig.json`.
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { DEMO } from '../../lib/emulator';
import {
  cleanEnv,
  CliRun,
  DEMO_CREDENTIALS,
  demoEnv,
  expectGateJsonSchema,
  expectNoCredentials,
  BUILT_CLI,
  requireBuiltCli,
  runBuiltCli,
  useCliEmulator,
} from '../support/cli-harness';
import { displayWidth } from '../../lib/cli/text-width';

const ORDERS = DEMO.instances.ordersCache;
const SESSIONS = DEMO.instances.sessionsCache;
const CATALOG = DEMO.instances.catalogCache;
const LEGACY = DEMO.instances.legacyCache;
/** Latest automatic scan of sessions-cache in the demo data: failed. */
const SESSIONS_FAILED_AUTO = 'e8043eda-5371-47de-b413-4c25a0c8f6ba';
/** Latest automatic scan of orders-cache: success. */
const ORDERS_LATEST_AUTO = 'c37728fa-ef30-4bcb-8cd4-2b7f5a5ccb06';
/** A project for instances the tests create. */
const TP = 'c0ffee00c0ffee00c0ffee00c0ffee00';
const BIG = '0b0b0b0b-0000-4000-8000-000000002537';
const MISSING = '00000000-0000-4000-8000-00000000dead';

let env: NodeJS.ProcessEnv;
const context = useCliEmulator('dcs-bigkey-cli-', async ({ emulator }) => {
  requireBuiltCli();
  env = demoEnv(emulator.url);
  await emulator.admin.putInstance(BIG, {
    project_id: TP,
    name: 'big-cache',
    generate: { count: 2537, start: '2026-01-01T00:00:00.000Z', interval_seconds: 600, seed: 'cli-test' },
  });
});
const cli = (...args: string[]): Promise<CliRun> => runBuiltCli(args, env);

function fleetFile(name: string, content: unknown): string {
  const file = path.join(context.dir, name);
  writeFileSync(file, typeof content === 'string' ? content : JSON.stringify(content, null, 2));
  return file;
}

const byCreatedDesc = (records: { created_at: string }[]) =>
  records.every((r, i) => i === 0 || Date.parse(records[i - 1].created_at) >= Date.parse(r.created_at));

describe('dcs-bigkey tasks', () => {
  it('--format json prints the API fields, every record, newest first', async () => {
    const run = await cli('tasks', '--instance-id', ORDERS, '--format', 'json');
    expect(run.code).toBe(0);
    expect(run.stderr).toBe('');
    const body = JSON.parse(run.stdout);
    expect(Object.keys(body)).toEqual(['instance_id', 'count', 'records']);
    expect(body.instance_id).toBe(ORDERS);
    expect(body.count).toBe(12);
    expect(body.records).toHaveLength(12);
    expect(body.records[0].id).toBe(ORDERS_LATEST_AUTO);
    for (const r of body.records) expect(Object.keys(r).sort()).toEqual(['created_at', 'finished_at', 'id', 'scan_type', 'started_at', 'status']);
    expect(byCreatedDesc(body.records)).toBe(true);
  });

  it('the table is for people: a header with instance, count and source, then one row per task', async () => {
    const run = await cli('tasks', '--instance-id', CATALOG, '--endpoint', context.emulator.url);
    expect(run.code).toBe(0);
    const lines = run.stdout.trimEnd().split('\n');
    expect(lines[0]).toContain(`instance ${CATALOG}`);
    expect(lines[0]).toContain('5 big key tasks');
    expect(lines[0]).toContain('source: emulator');
    expect(lines[2].split(/\s{2,}/)).toEqual(['ID', 'TYPE', 'STATUS', 'CREATED', 'STARTED', 'FINISHED', 'DURATION']);
    expect(lines).toHaveLength(3 + 5);
    expect(lines[3]).toMatch(/^8f3f6de8-d2a0-46d3-97b3-85422aedaaf8\s+manual\s+waiting\s+2026-11-28T09:31:05.120Z\s+-\s+-\s+waiting /);
    expect(run.stdout).toMatch(/ce45035b-3cee-453e-a030-3ec794470cfd\s+auto\s+success\s+\S+\s+\S+\s+\S+\s+1m 4s/);
  });

  it('reads every page of a 2537-task instance with the fewest requests', async () => {
    const run = await cli('tasks', '--instance-id', BIG, '--project-id', TP, '--format', 'json');
    expect(run.code).toBe(0);
    const body = JSON.parse(run.stdout);
    expect(body.count).toBe(2537);
    expect(body.records).toHaveLength(2537);
    expect(new Set(body.records.map((r: { id: string }) => r.id)).size).toBe(2537);
    expect(byCreatedDesc(body.records)).toBe(true);
    const stats = await context.emulator.admin.stats();
    expect(stats.by_instance[BIG].list_requests).toBe(3);
  });

  it('--offset/--limit reads one page, as the API returns it', async () => {
    const all = JSON.parse((await cli('tasks', '--instance-id', BIG, '--project-id', TP, '--format', 'json')).stdout);
    await context.emulator.admin.resetStats();
    const run = await cli('tasks', '--instance-id', BIG, '--project-id', TP, '--offset', '1200', '--limit', '7', '--format', 'json');
    expect(run.code).toBe(0);
    const page = JSON.parse(run.stdout);
    expect(page.count).toBe(2537);
    expect(page.records).toEqual(all.records.slice(1200, 1207));
    expect((await context.emulator.admin.stats()).requests).toBe(1);

    const offsetOnly = JSON.parse((await cli('tasks', '--instance-id', BIG, '--project-id', TP, '--offset', '3', '--format', 'json')).stdout);
    expect(offsetOnly.records).toEqual(all.records.slice(3, 13)); // the API's default limit, 10

    const table = await cli('tasks', '--instance-id', BIG, '--project-id', TP, '--offset', '0', '--limit', '2');
    expect(table.stdout.split('\n')[0]).toContain('showing 2 from offset 0 (limit 2)');
  });

  it('normalises an upper-case instance id to lower case (the API answers 404 to upper case)', async () => {
    const run = await cli('tasks', '--instance-id', ORDERS.toUpperCase(), '--format', 'json');
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ instance_id: ORDERS, count: 12 });
    expect((await context.emulator.admin.stats()).log.map((e) => e.path)).toEqual([`/v2/${DEMO.projectId}/instances/${ORDERS}/bigkey-tasks`]);
  });

  it('--status filters on the server', async () => {
    const run = await cli('tasks', '--instance-id', SESSIONS, '--status', 'failed', '--format', 'json');
    expect(run.code).toBe(0);
    const body = JSON.parse(run.stdout);
    expect(body.records.length).toBeGreaterThan(0);
    expect(body.count).toBe(body.records.length);
    expect(body.records.every((r: { status: string }) => r.status === 'failed')).toBe(true);
    expect(body.records[0].id).toBe(SESSIONS_FAILED_AUTO);
    const stats = await context.emulator.admin.stats();
    expect(stats.log.every((entry) => entry.query.status === 'failed')).toBe(true);
  });

  describe('exit 1 on an API failure, with the error code and the request id on stderr', () => {
    it.each([
      ['404 (unknown instance)', MISSING, {}, /HTTP 404 DCS\.4004/],
      ['400 DCS.4919 (no big key analysis)', LEGACY, {}, /HTTP 400 DCS\.4919 "Does not support bigkey analyze\."/],
      ['401 (wrong secret key)', ORDERS, { HUAWEICLOUD_SDK_SK: 'a-wrong-secret-key-000000000000000000000' }, /HTTP 401 APIGW\.0301/],
    ])('%s', async (_what, instance, extraEnv, pattern) => {
      const run = await runBuiltCli(['tasks', '--instance-id', instance], demoEnv(context.emulator.url, extraEnv));
      expect(run.code).toBe(1);
      expect(run.stdout).toBe('');
      expect(run.stderr).toMatch(pattern);
      expect(run.stderr).toMatch(/\(request id [0-9a-f]{8,}\)/);
      expect(run.stderr).toContain(instance);
      expectNoCredentials([run.stdout, run.stderr], [DEMO_CREDENTIALS.secretKey, DEMO_CREDENTIALS.accessKey, 'a-wrong-secret-key-000000000000000000000']);
    });
  });

  describe('exit 2 on a usage error, before any request', () => {
    // Each row has all four columns: with three, jest would pass its `done` callback as the fourth.
    const cases: [string, string[], RegExp, ((url: string) => NodeJS.ProcessEnv) | null][] = [
      ['an instance id that is not a UUID', ['--instance-id', 'orders-cache'], /invalid --instance-id "orders-cache"/, null],
      ['no instance id', [], /--instance-id is required/, null],
      ['limit 0', ['--instance-id', ORDERS, '--limit', '0'], /invalid --limit "0": expected an integer from 1 to 1000/, null],
      ['limit 1001', ['--instance-id', ORDERS, '--limit', '1001'], /invalid --limit "1001"/, null],
      ['a limit that is no number', ['--instance-id', ORDERS, '--limit', '10x'], /invalid --limit "10x"/, null],
      ['a negative offset', ['--instance-id', ORDERS, '--offset=-1'], /invalid --offset "-1"/, null],
      ['an unknown status', ['--instance-id', ORDERS, '--status', 'done'], /invalid --status "done": expected one of waiting, running, success, failed/, null],
      ['an endpoint that is no http(s) URL', ['--instance-id', ORDERS, '--endpoint', 'ftp://example.com'], /invalid --endpoint "ftp:\/\/example.com"/, null],
      ['an endpoint with a path', ['--instance-id', ORDERS, '--endpoint', 'http://127.0.0.1:1/v2'], /invalid --endpoint .*no path/, null],
      ['an unknown flag', ['--instance-id', ORDERS, '--limt', '5'], /Unknown option '--limt'/, null],
      ['--region with --endpoint', ['--instance-id', ORDERS, '--region', 'cn-north-4', '--endpoint', 'http://127.0.0.1:1'], /--region and --endpoint are both given/, null],
      ['an unknown region', ['--instance-id', ORDERS, '--region', 'xx-nowhere-9'], /unknown region "xx-nowhere-9"/, null],
      ['a bad project id', ['--instance-id', ORDERS, '--project-id', 'not-a-project'], /invalid --project-id "not-a-project"/, null],
      ['an unknown format', ['--instance-id', ORDERS, '--format', 'yaml'], /invalid --format "yaml": expected one of table, json/, null],
      ['a stray argument', ['--instance-id', ORDERS, 'extra'], /Unexpected argument 'extra'/, null],
      ['a flag given twice', ['--instance-id', ORDERS, '--instance-id', SESSIONS], /--instance-id is given more than once/, null],
      ['a secret key as a flag', ['--instance-id', ORDERS, `--secret-key=${DEMO_CREDENTIALS.secretKey}`], /credentials are never taken from flags/, null],
      ['no credentials in the environment', ['--instance-id', ORDERS], /no credentials: .*HUAWEICLOUD_SDK_AK/, (url) => cleanEnv({ DCS_BIGKEY_ENDPOINT: url, HW_PROJECT_ID: DEMO.projectId })],
      ['no project id anywhere', ['--instance-id', ORDERS], /no project id: pass --project-id, or set HUAWEICLOUD_SDK_PROJECT_ID or HW_PROJECT_ID/, (url) => demoEnv(url, { HUAWEICLOUD_SDK_PROJECT_ID: undefined })],
      ['an access key without its secret key', ['--instance-id', ORDERS], /HUAWEICLOUD_SDK_AK is set but HUAWEICLOUD_SDK_SK is not/, (url) => demoEnv(url, { HUAWEICLOUD_SDK_SK: undefined })],
      ['a secret key without its access key', ['--instance-id', ORDERS], /HW_SECRET_KEY is set but HW_ACCESS_KEY is not; set both/, (url) => cleanEnv({ DCS_BIGKEY_ENDPOINT: url, HW_PROJECT_ID: DEMO.projectId, HW_SECRET_KEY: DEMO_CREDENTIALS.secretKey })],
      ['a secret key with a trailing newline (as CI secrets often have)', ['--instance-id', ORDERS], /invalid HUAWEICLOUD_SDK_SK: it ends with a line break \(the value is not shown\).*trailing newline/, (url) => demoEnv(url, { HUAWEICLOUD_SDK_SK: `${DEMO_CREDENTIALS.secretKey}\n` })],
      ['a secret key with a trailing space', ['--instance-id', ORDERS], /invalid HUAWEICLOUD_SDK_SK: it ends with a space/, (url) => demoEnv(url, { HUAWEICLOUD_SDK_SK: `${DEMO_CREDENTIALS.secretKey} ` })],
      ['an access key with a leading space', ['--instance-id', ORDERS], /invalid HUAWEICLOUD_SDK_AK: it starts with a space/, (url) => demoEnv(url, { HUAWEICLOUD_SDK_AK: ` ${DEMO_CREDENTIALS.accessKey}` })],
      ['a non-ASCII secret key', ['--instance-id', ORDERS], /invalid HUAWEICLOUD_SDK_SK: it contains a character outside printable ASCII/, (url) => demoEnv(url, { HUAWEICLOUD_SDK_SK: `${DEMO_CREDENTIALS.secretKey}é` })],
      ['a CRLF in the security token', ['--instance-id', ORDERS], /invalid HUAWEICLOUD_SDK_SECURITY_TOKEN: it contains a control character/, (url) => demoEnv(url, { HUAWEICLOUD_SDK_SECURITY_TOKEN: 'token-1234\r\nX-Injected: yes' })],
      ['a malformed HTTPS_PROXY', ['--instance-id', ORDERS], /invalid HTTPS_PROXY: it is not a URL/, (url) => demoEnv(url, { HTTPS_PROXY: 'not a url' })],
      ['a malformed http_proxy', ['--instance-id', ORDERS], /invalid http_proxy: its scheme "proxy.example.com:" is not http: or https:/, (url) => demoEnv(url, { http_proxy: 'proxy.example.com:3128' })],
      ['a malformed NO_PROXY', ['--instance-id', ORDERS], /invalid NO_PROXY entry "https:\/\/internal"/, (url) => demoEnv(url, { NO_PROXY: 'localhost,https://internal' })],
      ['an http:// endpoint beyond loopback', ['--instance-id', ORDERS, '--endpoint', 'http://dcs.example.invalid'], /invalid --endpoint "http:\/\/dcs.example.invalid": http:\/\/ would send signed requests .* in clear text; use https:\/\/, or on a network you trust set DCS_BIGKEY_ALLOW_INSECURE_HTTP=1/, null],
      ['an http:// DCS_BIGKEY_ENDPOINT beyond loopback', ['--instance-id', ORDERS], /invalid DCS_BIGKEY_ENDPOINT "http:\/\/dcs.example.invalid": http:\/\/ would send/, () => demoEnv('http://dcs.example.invalid')],
      ['a bad DCS_BIGKEY_ALLOW_INSECURE_HTTP', ['--instance-id', ORDERS], /invalid DCS_BIGKEY_ALLOW_INSECURE_HTTP "true": expected 1/, (url) => demoEnv(url, { DCS_BIGKEY_ALLOW_INSECURE_HTTP: 'true' })],
    ];
    it.each(cases)('%s', async (_what, args, pattern, envFor) => {
      const runEnv = envFor ? envFor(context.emulator.url) : env;
      const run = await runBuiltCli(['tasks', ...args], runEnv);
      expect(run.code).toBe(2);
      expect(run.stdout).toBe('');
      expect(run.stderr).toMatch(pattern);
      expect(run.stderr).toContain('dcs-bigkey tasks --help');
      expect((await context.emulator.admin.stats()).requests).toBe(0);
    });
  });

  it('--help prints the usage and exits 0, for every command, within 80 columns', async () => {
    const helps = [['--help'], ['tasks', '--help'], ['keys', '--help'], ['autoscan', '--help'], ['gate', '--help'], ['gate', '-h'], ['emulator', '--help'], ['snapshot', '--help'], ['snapshot', 'list', '--help'], ['snapshot', 'refresh', '--help']];
    for (const args of helps) {
      const run = await cli(...args);
      expect(run.code).toBe(0);
      expect(run.stdout).toMatch(/usage: dcs-bigkey/i);
      for (const line of run.stdout.split('\n')) expect({ args, width: displayWidth(line), line }).toEqual({ args, width: Math.min(displayWidth(line), 80), line });
    }
    // The usage printed for a missing command (on stderr) too.
    for (const line of (await cli()).stderr.split('\n')) expect(displayWidth(line)).toBeLessThanOrEqual(80);
    const tasks = await cli('tasks', '--help');
    expect(tasks.stdout).toContain('--instance-id ID');
    expect(tasks.stdout).toContain('credentials come from the environment only');
    const gate = await cli('gate', '--help');
    for (const flag of ['--fleet FILE', '--fail-on-latest-auto-failed', '--no-latest-auto-failed', '--max-auto-age', '--require-success', '--stuck-after', '--max-big-keys N', '--max-string-size SIZE', '--max-members N', '--require-auto-scan', '--warn-only', '--concurrency']) {
      expect(gate.stdout).toContain(flag);
    }
    // As a reader sees the paragraphs, whatever the line breaks.
    const flat = (text: string) => text.replace(/\s+/g, ' ');
    expect(flat(gate.stdout)).toContain('latest-auto-failed, the headline policy, is on unless turned off; the others add to it');
    expect(flat(gate.stdout)).toContain('units largest first and each at most once');
    expect(flat(gate.stdout)).toContain('every format states, per instance, the policies evaluated');
    expect(flat(gate.stdout)).toContain('"off" (or null) turns a policy off. latestAutoFailed is on unless turned off.');
    const snapshot = await cli('snapshot', '--help');
    for (const text of [tasks.stdout, gate.stdout, snapshot.stdout]) {
      expect(flat(text)).toContain('printable ASCII without spaces (a trailing newline is refused)');
      expect(flat(text)).toContain('DCS_BIGKEY_ALLOW_INSECURE_HTTP=1 allows http:// endpoints beyond loopback hosts (127.0.0.0/8, ::1, localhost); DCS_BIGKEY_MAX_TASKS caps the tasks read per instance (default 100000)');
    }
    const unknown = await cli('scan');
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/unknown command "scan"/);
    expect((await cli('--version')).stdout).toMatch(/^\d+\.\d+\.\d+/);
    expect((await context.emulator.admin.stats()).requests).toBe(0);
  });
});

describe('tables fit the terminal', () => {
  const TABLE_FLEET = () =>
    fleetFile('wide-names.json', {
      defaults: { project_id: DEMO.projectId, endpoint: context.emulator.url },
      instances: [
        { name: '订单缓存', instance_id: ORDERS },
        { name: 'sessions-cache', instance_id: SESSIONS },
        { name: 'catalog-cache', instance_id: CATALOG, policies: { stuckTask: { maxDuration: '1h', severity: 'warning' } } },
      ],
    });

  it('COLUMNS=80: every line of the gate table fits, the wide name keeps its row aligned, messages wrap under their row', async () => {
    const run = await runBuiltCli(['gate', '--fleet', TABLE_FLEET()], { ...env, COLUMNS: '80' });
    expect(run.code).toBe(1);
    const lines = run.stdout.trimEnd().split('\n');
    for (const line of lines) expect(displayWidth(line)).toBeLessThanOrEqual(80);
    const header = lines.find((l) => l.startsWith('VERDICT'))!;
    const at = (line: string, text: string) => displayWidth(line.slice(0, line.indexOf(text)));
    expect(at(lines.find((l) => l.includes(ORDERS))!, ORDERS)).toBe(at(header, 'INSTANCE'));
    expect(at(lines.find((l) => l.includes(SESSIONS))!, SESSIONS)).toBe(at(header, 'INSTANCE'));
    expect(lines.find((l) => l.includes('订单缓存'))).toMatch(/^pass {5}订单缓存 {2,}5560df16/);
    // The failed scan's message is wrapped, each continuation indented under its item.
    const item = lines.findIndex((l) => l.startsWith('  - [latest-auto-failed, error] '));
    expect(lines[item + 1]).toMatch(/^ {4}\S/);
  });

  it('not a terminal and no COLUMNS: unlimited, one line per row', async () => {
    const run = await runBuiltCli(['gate', '--fleet', TABLE_FLEET()], env);
    const lines = run.stdout.trimEnd().split('\n');
    const row = lines.filter((l) => l.includes(SESSIONS));
    expect(row[0]).toMatch(new RegExp(`^blocked  sessions-cache  ${SESSIONS}  failed  .*${SESSIONS_FAILED_AUTO}.*latest automatic scan failed$`));
    expect(Math.max(...lines.map(displayWidth))).toBeGreaterThan(150);
  });

  it('tasks: COLUMNS=60 keeps every line within 60 columns', async () => {
    const run = await runBuiltCli(['tasks', '--instance-id', CATALOG], { ...env, COLUMNS: '60' });
    expect(run.code).toBe(0);
    for (const line of run.stdout.trimEnd().split('\n')) expect(displayWidth(line)).toBeLessThanOrEqual(60);
    expect(run.stdout).toContain('8f3f6de8-d2a0-46d3-97b3-85422aedaaf8');
  });
});

describe('dcs-bigkey gate on the demo instances', () => {
  it('passes orders-cache (latest automatic scan succeeded): exit 0', async () => {
    const run = await cli('gate', '--instance-id', ORDERS, '--name', 'orders-cache');
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^dcs-bigkey gate: PASS \(exit code 0\)/);
    expect(run.stdout).toMatch(new RegExp(`pass\\s+orders-cache\\s+${ORDERS}\\s+success\\s+${ORDERS_LATEST_AUTO}\\s+2026-11-28T02:01:47.905Z\\s+.+ ago\\s+12\\s+latest-auto-failed\\s+-$`, 'm'));
  });

  it('blocks sessions-cache (latest automatic scan failed): exit 1, naming the task, its status and times', async () => {
    const run = await cli('gate', '--instance-id', SESSIONS);
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('BLOCKED');
    expect(run.stdout).toContain(`[latest-auto-failed, error] the latest automatic big key scan of instance ${SESSIONS} failed: task ${SESSIONS_FAILED_AUTO} (auto, status failed`);
    expect(run.stdout).toContain('finished 2026-11-28T03:00:38.893Z');
  });

  it('--warn-only turns the block into a warning: exit 0', async () => {
    const run = await cli('gate', '--instance-id', SESSIONS, '--warn-only', 'latest-auto-failed', '--format', 'json');
    expect(run.code).toBe(0);
    const doc = JSON.parse(run.stdout);
    expect(doc.instances[0].verdict).toBe('warn');
    expect(doc.instances[0].findings[0]).toMatchObject({ policy: 'latest-auto-failed', severity: 'warning', task_id: SESSIONS_FAILED_AUTO });
  });

  it('applies the policy flags through lib/policy', async () => {
    const run = await cli('gate', '--instance-id', CATALOG, '--stuck-after', '1h', '--require-success', '--max-auto-age', '3650d', '--format', 'json');
    const doc = JSON.parse(run.stdout);
    expect(run.code).toBe(1);
    // catalog-cache has a waiting and a running manual task from 2026-11-28: stuck for longer than 1h.
    expect(doc.instances[0].findings.map((f: { policy: string }) => f.policy)).toEqual(['stuck-task', 'stuck-task']);
    expect(doc.instances[0].findings.map((f: { task_id: string }) => f.task_id)).toEqual(['8f3f6de8-d2a0-46d3-97b3-85422aedaaf8', 'a57b57a2-28e1-43a2-b25b-bc7c12059db7']);
    // the flags add to the headline policy, which was evaluated too
    expect(doc.instances[0].policies).toEqual(['latest-auto-failed', 'max-auto-scan-age', 'require-successful-scan', 'stuck-task']);
  });

  it('a lookup that fails is an error verdict and exit 3, never a pass: DCS.4919', async () => {
    const run = await cli('gate', '--instance-id', LEGACY, '--format', 'json');
    expect(run.code).toBe(3);
    const doc = JSON.parse(run.stdout);
    expectGateJsonSchema(doc);
    expect(doc.verdict).toBe('error');
    expect(doc.instances[0]).toMatchObject({ verdict: 'error', latest_auto: null, tasks_read: null });
    expect(doc.instances[0].lookup_error).toMatchObject({ name: 'DcsApiError', status: 400, error_code: 'DCS.4919' });
    expect(doc.instances[0].lookup_error.request_id).toMatch(/^[0-9a-f]{8,}$/);
    expect(doc.instances[0].findings[0].message).toContain('DCS.4919');
  });

  it('a lookup that fails is exit 3: an unreachable endpoint', async () => {
    const run = await runBuiltCli(['gate', '--instance-id', ORDERS, '--endpoint', 'http://127.0.0.1:1', '--format', 'github'], env);
    expect(run.code).toBe(3);
    expect(run.stdout).toMatch(/^::error title=[^:]*lookup-failed\)::.*no answer from http:\/\/127\.0\.0\.1:1 /);
    expect(run.stdout).toContain('ECONNREFUSED');
    expect(run.stdout.trimEnd().split('\n').pop()).toMatch(/^::notice::DCS big key gate: error \(exit code 3\)/);
  });

  describe('a fleet file with mixed verdicts', () => {
    const fleet = () =>
      fleetFile('demo-fleet.json', {
        $comment: 'the bundled demo instances',
        defaults: { project_id: DEMO.projectId, endpoint: context.emulator.url },
        instances: [
          { name: 'orders-cache', instance_id: ORDERS },
          { name: 'sessions-cache', instance_id: SESSIONS },
          { name: 'catalog-cache', instance_id: CATALOG, policies: { stuckTask: { maxDuration: '1h', severity: 'warning' } } },
          { name: 'legacy-cache', instance_id: LEGACY },
        ],
      });

    it('json: the documented schema, input order, right verdicts, exit 3 (a failed lookup wins over blocked)', async () => {
      const run = await runBuiltCli(['gate', '--fleet', fleet(), '--format', 'json'], demoEnv());
      expect(run.code).toBe(3);
      const doc = JSON.parse(run.stdout);
      expectGateJsonSchema(doc);
      expect(doc).toMatchObject({ verdict: 'error', exit_code: 3, summary: { pass: 1, warn: 1, blocked: 1, error: 1, total: 4 } });
      expect(doc.instances.map((i: { name: string; verdict: string }) => [i.name, i.verdict])).toEqual([
        ['orders-cache', 'pass'],
        ['sessions-cache', 'blocked'],
        ['catalog-cache', 'warn'],
        ['legacy-cache', 'error'],
      ]);
      expect(doc.instances[0].latest_auto).toMatchObject({ id: ORDERS_LATEST_AUTO, status: 'success', finished_at: '2026-11-28T02:01:47.905Z' });
      expect(doc.instances[0].latest_auto.age_seconds).toBeGreaterThan(0);
      expect(doc.instances[1].findings).toEqual([expect.objectContaining({ policy: 'latest-auto-failed', severity: 'error', task_id: SESSIONS_FAILED_AUTO })]);
      expect(doc.instances[2].findings).toHaveLength(2);
      expect(doc.instances[2].findings.every((f: { severity: string }) => f.severity === 'warning')).toBe(true);
    });

    it('accepts a fleet file that starts with a UTF-8 byte order mark', async () => {
      const file = fleetFile('bom-fleet.json', `\uFEFF${JSON.stringify({ defaults: { endpoint: context.emulator.url }, instances: [{ instance_id: ORDERS }] })}`);
      const run = await runBuiltCli(['gate', '--fleet', file], env);
      expect(run.code).toBe(0);
      expect(run.stdout).toContain('1 instance: 1 pass');
    });

    it('exit 1 when instances are blocked and every lookup worked', async () => {
      const file = fleetFile('blocked-fleet.json', {
        defaults: { endpoint: context.emulator.url },
        instances: [{ instance_id: ORDERS }, { instance_id: SESSIONS, name: 'sessions-cache' }],
      });
      const run = await runBuiltCli(['gate', '--fleet', file], env);
      expect(run.code).toBe(1);
      expect(run.stdout).toContain('2 instances: 1 pass, 0 warn, 1 blocked, 0 error');
    });

    it('markdown: title with the verdict, a summary, a table with the marks, details for the rest', async () => {
      const run = await runBuiltCli(['gate', '--fleet', fleet(), '--format', 'markdown'], demoEnv());
      expect(run.code).toBe(3);
      const md = run.stdout;
      expect(md.split('\n')[0]).toBe('### ❌ DCS big key gate: error');
      expect(md).toContain('4 instances: ✅ 1 pass · ⚠️ 1 warn · ⛔ 1 blocked · ❌ 1 error — exit code 3');
      expect(md).toContain('| | Name | Instance | Latest automatic scan | Finished | Age | Policies | Reason |');
      const rows = md.split('\n').filter((l) => /^\| (✅|⚠️|⛔|❌) \|/.test(l));
      expect(rows).toHaveLength(4);
      // Worst first: the failed lookup, the block, the warning, then the pass; each with the policies evaluated.
      expect(rows[3]).toMatch(new RegExp(`^\\| ✅ \\| orders-cache \\| \`${ORDERS}\` \\| success \`${ORDERS_LATEST_AUTO}\` \\| 2026-11-28T02:01:47.905Z \\| .+ ago \\| latest-auto-failed \\| — \\|$`));
      expect(rows[1]).toMatch(/^\| ⛔ \| sessions-cache \| .* \| failed `e8043eda-5371-47de-b413-4c25a0c8f6ba` \| .* \| latest-auto-failed \| latest automatic scan failed \|$/);
      expect(rows[2]).toMatch(/^\| ⚠️ \| catalog-cache \| .* \| latest-auto-failed, stuck-task 1h \(warning\) \| scan stuck waiting or running \(2 tasks\) \|$/);
      expect(rows[0]).toMatch(/^\| ❌ \| legacy-cache \| .* \| not read \| — \| — \| latest-auto-failed \| lookup failed: HTTP 400 DCS\.4919 \|$/);
      for (const row of rows) expect(row.split(/(?<!\\)\|/)).toHaveLength(10);
      expect(md).toContain('#### ⛔ sessions-cache (`7c9e6679-7425-40de-944b-e07fc1f90ae7`): blocked');
      expect(md).toContain('#### ❌ legacy-cache');
      expect(md).not.toContain('#### ✅');
    });

    it('github: one ::error/::warning line per finding, the policies per instance in a log group, then a ::notice:: summary', async () => {
      const run = await runBuiltCli(['gate', '--fleet', fleet(), '--format', 'github'], demoEnv());
      expect(run.code).toBe(3);
      const lines = run.stdout.trimEnd().split('\n');
      expect(lines).toHaveLength(1 + 2 + 1 + (2 + 4) + 1);
      for (const line of lines.slice(0, 4)) expect(line).toMatch(/^::(error|warning) title=[^:]*::\S/);
      expect(lines.slice(4, 10)).toEqual([
        '::group::DCS big key gate: policies evaluated per instance',
        `- orders-cache (${ORDERS}): pass; policies: latest-auto-failed`,
        `- sessions-cache (${SESSIONS}): blocked; policies: latest-auto-failed`,
        `- catalog-cache (${CATALOG}): warn; policies: latest-auto-failed, stuck-task 1h (warning)`,
        `- legacy-cache (${LEGACY}): error; policies: latest-auto-failed`,
        '::endgroup::',
      ]);
      expect(lines.filter((l) => l.startsWith('::error'))).toHaveLength(2);
      expect(lines.filter((l) => l.startsWith('::warning'))).toHaveLength(2);
      // Worst first: the failed lookup, then the block.
      expect(lines[0]).toMatch(/^::error title=DCS big key gate%3A legacy-cache .*error \(lookup-failed\)::.*DCS\.4919/);
      expect(lines[1]).toContain('sessions-cache');
      expect(lines[1]).toContain(SESSIONS_FAILED_AUTO);
      expect(lines[lines.length - 1]).toBe('::notice::DCS big key gate: error (exit code 3); 4 instances: 1 pass, 1 warn, 1 blocked, 1 error');
    });

    it('--verbose shows progress on stderr; quiet otherwise', async () => {
      const verbose = await runBuiltCli(['gate', '--fleet', fleet(), '--format', 'json', '--verbose', '--concurrency', '2'], demoEnv());
      expect(verbose.stderr).toMatch(/dcs-bigkey gate: 4\/4 done, 1 blocked, 1 failed \(/);
      expect(verbose.stderr).not.toMatch(/4\/4 done.*so far/);
      expect(JSON.parse(verbose.stdout).summary.total).toBe(4);
      const quiet = await runBuiltCli(['gate', '--fleet', fleet(), '--format', 'json'], demoEnv());
      expect(quiet.stderr).toBe('');
    });

    it('--report writes more reports of the same run (one query of the fleet), atomically', async () => {
      const json = path.join(context.dir, 'report.json');
      const md = path.join(context.dir, 'report.md');
      writeFileSync(md, 'an older report\n');
      const run = await cli('gate', '--fleet', fleet(), '--report', `json=${json},markdown=${md}`);
      expect(run.code).toBe(3);
      expect(run.stdout).toMatch(/^dcs-bigkey gate: ERROR \(exit code 3\)/); // stdout keeps --format (table)
      const doc = JSON.parse(readFileSync(json, 'utf8'));
      expectGateJsonSchema(doc);
      expect(doc.summary).toEqual({ pass: 1, warn: 1, blocked: 1, error: 1, total: 4 });
      expect(readFileSync(md, 'utf8').split('\n')[0]).toBe('### ❌ DCS big key gate: error');
      // One request per instance: the reports share one run.
      expect((await context.emulator.admin.stats()).requests).toBe(4);
      expect(readdirSync(context.dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
    });
  });

  describe('exit 2 on a bad fleet file or flags, before any request', () => {
    const good = { instance_id: ORDERS, name: 'orders-cache' };
    const cases: [string, unknown, RegExp][] = [
      ['invalid JSON', '{"instances": [', /fleet file .*: not valid JSON/],
      ['no instances', { defaults: {} }, /instances is \(missing\): expected an array/],
      ['an empty fleet', { instances: [] }, /instances is empty/],
      ['more than 100,000 instances', { instances: Array.from({ length: 100_001 }, () => good) }, /instances has 100001 entries: at most 100000; split the fleet into several files/],
      ['a bad instance id', { instances: [good, { name: 'sessions', instance_id: '7c9e6679' }] }, /invalid instances\[1\] \("sessions"\)\.instance_id "7c9e6679"/],
      ['a missing instance id', { instances: [{ name: 'x' }] }, /instances\[0\] \("x"\) has no instance_id/],
      ['a duplicate instance id', { instances: [good, { name: 'again', instance_id: ORDERS.toUpperCase() }] }, /instances\[1\] \("again"\)\.instance_id ".*" is already listed as instances\[0\] \("orders-cache"\)/],
      ['an unknown field', { instances: [{ ...good, instanceId: ORDERS }] }, /instances\[0\] \("orders-cache"\) has an unknown field "instanceId"/],
      ['a bad severity', { instances: [{ ...good, policies: { latestAutoFailed: 'fatal' } }] }, /instances\[0\] \("orders-cache"\)\.policies\.latestAutoFailed is "fatal": expected "error", "warning" or "off"/],
      ['a bad duration', { defaults: { policies: { maxAutoScanAge: { maxAge: '7 days' } } }, instances: [good] }, /invalid defaults\.policies\.maxAutoScanAge\.maxAge "7 days"/],
      ['an unknown policy', { instances: [{ ...good, policies: { maxAge: '7d' } }] }, /policies has an unknown field "maxAge"/],
      ['a policy of the wrong shape', { instances: [{ ...good, policies: { stuckTask: '2h' } }] }, /policies\.stuckTask is "2h": expected an object/],
      ['region and endpoint together', { instances: [{ ...good, region: 'cn-north-4', endpoint: 'http://127.0.0.1:1' }] }, /instances\[0\] \("orders-cache"\) has both region "cn-north-4" and endpoint/],
      ['an unknown region', { instances: [{ ...good, region: 'xx-mars-1' }] }, /instances\[0\] \("orders-cache"\): unknown region "xx-mars-1"/],
      ['a badly shaped region', { instances: [{ ...good, region: 'mars-1' }] }, /instances\[0\] \("orders-cache"\)\.region is "mars-1": expected a region name such as cn-north-4/],
      ['a bad default never used', { defaults: { project_id: 'nope' }, instances: [{ ...good, project_id: DEMO.projectId }] }, /invalid defaults\.project_id "nope"/],
      ['a bad endpoint', { defaults: { endpoint: 'localhost:8080' }, instances: [good] }, /invalid defaults\.endpoint "localhost:8080"/],
      ['a bad project id', { instances: [{ ...good, project_id: 'nope' }] }, /invalid instances\[0\] \("orders-cache"\)\.project_id "nope"/],
      ['instances that is no array', { instances: { a: good } }, /instances is an object: expected an array/],
      ['an http:// endpoint beyond loopback', { defaults: { endpoint: 'http://dcs.example.invalid' }, instances: [good] }, /invalid defaults\.endpoint "http:\/\/dcs\.example\.invalid": http:\/\/ would send signed requests/],
      ['a duration of 1e308 milliseconds', { instances: [{ ...good, policies: { maxAutoScanAge: { maxAge: 1e308 } } }] }, /invalid instances\[0\] \("orders-cache"\)\.policies\.maxAutoScanAge\.maxAge 1e\+308: a duration must be from 1s to 3650d/],
      ['a duration past 10 years', { defaults: { policies: { stuckTask: { maxDuration: '99999999999d' } } }, instances: [good] }, /invalid defaults\.policies\.stuckTask\.maxDuration "99999999999d": a duration must be from 1s to 3650d/],
      ['an entry whose policies are all off', { instances: [good, { name: 'nothing', instance_id: SESSIONS, policies: { latestAutoFailed: 'off' } }] }, /instances\[1\] \("nothing"\): every policy is off, so its gate would check nothing/],
    ];
    it.each(cases)('%s', async (_what, content, pattern) => {
      const file = fleetFile('bad.json', content);
      const run = await cli('gate', '--fleet', file);
      expect(run.code).toBe(2);
      expect(run.stdout).toBe('');
      expect(run.stderr).toMatch(pattern);
      expect((await context.emulator.admin.stats()).requests).toBe(0);
    });

    it.each([
      ['a missing fleet file', ['--fleet', '/nonexistent/fleet.json'], /cannot read fleet file \/nonexistent\/fleet.json: no such file/],
      ['--fleet with --instance-id', ['--fleet', 'x.json', '--instance-id', ORDERS], /--instance-id cannot be combined with --fleet/],
      ['neither --fleet nor --instance-id', [], /no instance: pass --instance-id ID, or --fleet FILE/],
      ['a bad duration flag', ['--instance-id', ORDERS, '--max-auto-age', '7days'], /invalid --max-auto-age "7days"/],
      ['--warn-only an unknown policy', ['--instance-id', ORDERS, '--warn-only', 'latest-auto-failed,everything'], /invalid --warn-only policy "everything"/],
      ['--warn-only a policy that is off', ['--instance-id', ORDERS, '--warn-only', 'stuck-after'], /--warn-only names stuck-after, which is not enabled: add --stuck-after DURATION/],
      ['--warn-only lookup-failed', ['--instance-id', ORDERS, '--warn-only', 'lookup-failed'], /cannot make lookup-failed a warning/],
      ['a bad format', ['--instance-id', ORDERS, '--format', 'html'], /invalid --format "html": expected one of table, json, markdown, github/],
      ['concurrency 0', ['--fleet', 'x.json', '--concurrency', '0'], /invalid --concurrency "0": expected an integer from 1 to 256/],
      ['an unknown flag', ['--instance-id', ORDERS, '--fail-on-everything'], /Unknown option '--fail-on-everything'/],
      ['an access key as a flag', ['--instance-id', ORDERS, '--access-key', DEMO_CREDENTIALS.accessKey], /credentials are never taken from flags/],
      ['a --report file in a missing directory', ['--instance-id', ORDERS, '--report', 'json=/nonexistent-dir/gate.json'], /--report json=\/nonexistent-dir\/gate.json: the directory \/nonexistent-dir does not exist/],
      ['a --report file that is a directory', ['--instance-id', ORDERS, '--report', `markdown=${path.dirname(BUILT_CLI)}`], /is a directory; name a file/],
      ['a --report format that does not exist', ['--instance-id', ORDERS, '--report', 'yaml=gate.yaml'], /invalid --report item "yaml=gate.yaml": expected FORMAT=FILE with FORMAT one of table, json, markdown, github/],
      ['a --report item without a file', ['--instance-id', ORDERS, '--report', 'json=,markdown=x.md'], /invalid --report item "json=": name the file/],
      ['a --report file named twice', ['--instance-id', ORDERS, '--report', 'json=x.out,markdown=./x.out'], /--report names \.\/x\.out more than once/],
      ['a device as the fleet file (it would never end)', ['--fleet', '/dev/zero'], /cannot read fleet file \/dev\/zero: it is a device, not a regular file/],
      ['a directory as the fleet file', ['--fleet', '/'], /cannot read fleet file \/: it is a directory, not a regular file/],
      ['--no-latest-auto-failed and no other policy', ['--instance-id', ORDERS, '--no-latest-auto-failed'], /--no-latest-auto-failed turns off the headline policy and no other policy flag is given, so the gate would check nothing/],
      ['a duration of 400 digits', ['--instance-id', ORDERS, '--stuck-after', `1${'0'.repeat(400)}d`], /invalid --stuck-after "10+\.\.\.": a duration must be from 1s to 3650d/],
      ['a duration with units out of order', ['--instance-id', ORDERS, '--max-auto-age', '12h1d'], /invalid --max-auto-age "12h1d": expected a duration such as/],
    ])('%s', async (_what, args, pattern) => {
      const run = await cli('gate', ...args);
      expect(run.code).toBe(2);
      expect(run.stdout).toBe('');
      expect(run.stderr).toMatch(pattern);
      expect(run.stderr).toContain('dcs-bigkey gate --help');
      expect((await context.emulator.admin.stats()).requests).toBe(0);
    });
  });
});
