/**
 * The gate's renderers, from a report built by hand: the JSON schema, markdown escaping,
 * GitHub workflow-command escaping, and the table.
 */
import { GATE_JSON_SCHEMA, toGateJson } from '../../lib/cli/report/json';
import { cell, inline, renderGateMarkdown } from '../../lib/cli/report/markdown';
import { escapeData, escapeProperty, renderGateGithub } from '../../lib/cli/report/github';
import { buildReport, exitCodeOf, InstanceResult, overallVerdict } from '../../lib/cli/report/model';
import { renderGateTable, renderTable, renderTasksTable, taskDuration } from '../../lib/cli/report/table';
import { BigKeyTask } from '../../lib/client/types';

const P = '0b6bd4e1a8f34b0c9a8a4f5c1e0d2a7b';
const A = '5560df16-cebf-4473-95c4-d1b573c16e79';
const B = '7c9e6679-7425-40de-944b-e07fc1f90ae7';
const C = 'c1a3a4f0-1111-4c4c-8d8d-0123456789ab';
const AT = new Date('2026-11-29T12:00:00.000Z');
const auto = (id: string, status: BigKeyTask['status']): BigKeyTask => ({
  id,
  scan_type: 'auto',
  status,
  created_at: '2026-11-28T02:00:00.412Z',
  started_at: '2026-11-28T02:00:03.118Z',
  finished_at: '2026-11-28T02:01:47.905Z',
});

const HEADLINE = { policy: 'latest-auto-failed', severity: 'error' } as const;
const results: InstanceResult[] = [
  { name: 'orders | cache', instanceId: A, projectId: P, verdict: 'pass', policies: [HEADLINE], latestAuto: auto('t-1', 'success'), latestAutoAgeMs: 122_052_095.4, tasksRead: 12, findings: [] },
  {
    name: 'sessions\n<b>cache</b>',
    instanceId: B,
    projectId: P,
    policies: [HEADLINE, { policy: 'stuck-task', severity: 'warning', limit: '1h' }],
    verdict: 'blocked',
    latestAuto: auto('t-2', 'failed'),
    latestAutoAgeMs: 3_600_000,
    tasksRead: 8,
    findings: [
      { policy: 'latest-auto-failed', severity: 'error', instanceId: B, message: 'latest *failed* | 100% sure\r\nsee Cache Analysis > Big Key Analysis', taskId: 't-2' },
      { policy: 'stuck-task', severity: 'warning', instanceId: B, message: 'stuck 1', taskId: 't-3' },
      { policy: 'stuck-task', severity: 'warning', instanceId: B, message: 'stuck 2', taskId: 't-4' },
    ],
  },
  {
    instanceId: C,
    projectId: P,
    policies: [HEADLINE, { policy: 'max-auto-scan-age', severity: 'error', limit: '7d' }],
    verdict: 'error',
    findings: [{ policy: 'lookup-failed', severity: 'error', instanceId: C, message: 'could not be read: HTTP 400 DCS.4919' }],
    lookupError: { name: 'DcsApiError', status: 400, errorCode: 'DCS.4919', requestId: 'abc123' },
  },
];
const report = buildReport(results, AT);

describe('the report model', () => {
  it('counts verdicts; the worst decides; a failed lookup (3) wins over a block (1)', () => {
    expect(report.summary).toEqual({ pass: 1, warn: 0, blocked: 1, error: 1, total: 3 });
    expect(report.verdict).toBe('error');
    expect(report.exitCode).toBe(3);
    expect(overallVerdict(['pass', 'warn'])).toBe('warn');
    expect(overallVerdict(['warn', 'blocked', 'pass'])).toBe('blocked');
    expect(overallVerdict([])).toBe('pass');
    expect([exitCodeOf('pass'), exitCodeOf('warn'), exitCodeOf('blocked'), exitCodeOf('error')]).toEqual([0, 0, 1, 3]);
  });
});

describe('json', () => {
  it('follows dcs-bigkey-gate/v1', () => {
    const doc = toGateJson(report);
    expect(doc.schema).toBe(GATE_JSON_SCHEMA);
    expect(doc.generated_at).toBe('2026-11-29T12:00:00.000Z');
    expect(doc).toMatchObject({ verdict: 'error', exit_code: 3, summary: { pass: 1, warn: 0, blocked: 1, error: 1, total: 3 } });
    expect(doc.instances[0]).toEqual({
      name: 'orders | cache',
      instance_id: A,
      project_id: P,
      verdict: 'pass',
      latest_auto: { id: 't-1', status: 'success', created_at: '2026-11-28T02:00:00.412Z', started_at: '2026-11-28T02:00:03.118Z', finished_at: '2026-11-28T02:01:47.905Z', age_seconds: 122052 },
      tasks_read: 12,
      big_keys: null,
      auto_scan: null,
      policies: ['latest-auto-failed'],
      findings: [],
      lookup_error: null,
    });
    expect(doc.instances[1].findings[0]).toEqual({ policy: 'latest-auto-failed', severity: 'error', message: results[1].findings[0].message, task_id: 't-2' });
    expect(doc.instances[2]).toMatchObject({ name: null, latest_auto: null, tasks_read: null, lookup_error: { name: 'DcsApiError', status: 400, error_code: 'DCS.4919', request_id: 'abc123' } });
    expect(doc.instances[2].findings[0].task_id).toBeNull();
    // Which policies were evaluated, per instance: "every policy off" can never look like a pass.
    expect(doc.instances.map((i) => i.policies)).toEqual([['latest-auto-failed'], ['latest-auto-failed', 'stuck-task'], ['latest-auto-failed', 'max-auto-scan-age']]);
  });
});

describe('markdown', () => {
  const md = renderGateMarkdown(report);
  const rows = md.split('\n').filter((l) => l.startsWith('| ') && !l.startsWith('| |'));

  it('has the title, the summary, one row per instance with its mark, worst first', () => {
    expect(md.startsWith('### ❌ DCS big key gate: error\n\n3 instances: ✅ 1 pass · ⚠️ 0 warn · ⛔ 1 blocked · ❌ 1 error — exit code 3, checked 2026-11-29T12:00:00.000Z\n')).toBe(true);
    expect(rows.map((r) => r.slice(0, 4))).toEqual(['| ❌ ', '| ⛔ ', '| ✅ ']);
    expect(rows[2]).toBe(`| ✅ | orders \\| cache | \`${A}\` | success \`t-1\` | 2026-11-28T02:01:47.905Z | 1d 9h ago | latest-auto-failed | — |`);
    expect(rows[1]).toContain('| latest-auto-failed, stuck-task 1h (warning) |');
    expect(rows[0]).toBe(`| ❌ | — | \`${C}\` | not read | — | — | latest-auto-failed, max-auto-scan-age 7d | lookup failed: HTTP 400 DCS.4919 |`);
    expect(md).not.toContain('Shortened');
  });

  it('escapes | and line breaks in cells and cannot be injected with markup', () => {
    expect(rows[1]).toContain('sessions<br>\\<b\\>cache\\</b\\>');
    expect(rows[1]).toContain('latest automatic scan failed; scan stuck waiting or running (2 tasks)');
    for (const row of rows) expect(row.split(/(?<!\\)\|/)).toHaveLength(10);
    expect(md).not.toContain('<b>');
    expect(cell('a|b\nc\r\nd & e')).toBe('a\\|b<br>c<br>d &amp; e');
    expect(inline('a\nb *c* _d_ [e](f) `g`')).toBe('a b \\*c\\* \\_d\\_ \\[e\\](f) \\`g\\`');
  });

  it('details every instance that did not pass, each finding on one line', () => {
    expect(md).toContain('#### ⛔ sessions \\<b\\>cache\\</b\\> (`7c9e6679-7425-40de-944b-e07fc1f90ae7`): blocked');
    expect(md).toContain('- **latest-auto-failed** (error): latest \\*failed\\* \\| 100% sure see Cache Analysis \\> Big Key Analysis\n');
    expect(md).toContain(`#### ❌ \`${C}\`: error`);
    // With the policies evaluated, as a shortened report may leave the table out.
    expect(md).toContain(': blocked\n\nPolicies evaluated: latest-auto-failed, stuck-task 1h (warning)\n\n- **latest-auto-failed** (error)');
    expect(md).toContain(`#### ❌ \`${C}\`: error\n\nPolicies evaluated: latest-auto-failed, max-auto-scan-age 7d\n\n- **lookup-failed**`);
    expect(md).not.toContain('#### ✅');
    expect(md.endsWith('\n') && !md.endsWith('\n\n')).toBe(true);
  });
});

describe('github', () => {
  it('escapes messages and properties the way the runner reads them', () => {
    expect(escapeData('100%\r\nnext')).toBe('100%25%0D%0Anext');
    expect(escapeProperty('a: b, c%')).toBe('a%3A b%2C c%25');
  });

  it('one line per finding (error or warning), the policies per instance in a log group, then the ::notice:: summary', () => {
    const lines = renderGateGithub(report).trimEnd().split('\n');
    expect(lines).toHaveLength(4 + 5 + 1);
    // Worst instance first: the failed lookup, then the block.
    expect(lines[0]).toBe(`::error title=DCS big key gate%3A ${C} error (lookup-failed)::could not be read: HTTP 400 DCS.4919`);
    expect(lines[1]).toBe(
      `::error title=DCS big key gate%3A sessions%0A<b>cache</b> (${B}) blocked (latest-auto-failed)::latest *failed* | 100%25 sure%0D%0Asee Cache Analysis > Big Key Analysis`,
    );
    expect(lines[2]).toMatch(/^::warning title=.*\(stuck-task\)::stuck 1$/);
    expect(lines[3]).toMatch(/^::warning title=.*::stuck 2$/);
    // The policies per instance, in input order, in a collapsed group (plain lines, not annotations).
    expect(lines.slice(4, 9)).toEqual([
      '::group::DCS big key gate: policies evaluated per instance',
      `- orders | cache (${A}): pass; policies: latest-auto-failed`,
      `- sessions%0A<b>cache</b> (${B}): blocked; policies: latest-auto-failed, stuck-task 1h (warning)`,
      `- ${C}: error; policies: latest-auto-failed, max-auto-scan-age 7d`,
      '::endgroup::',
    ]);
    expect(lines[9]).toBe('::notice::DCS big key gate: error (exit code 3); 3 instances: 1 pass, 0 warn, 1 blocked, 1 error');
  });
});

describe('tables', () => {
  it('aligns columns', () => {
    expect(renderTable(['A', 'BB'], [['xxx', 'y'], ['z', '']])).toBe('A    BB\nxxx  y\nz\n');
  });

  it('gate: a header line, a row per instance, then the full findings', () => {
    const text = renderGateTable(report);
    const lines = text.split('\n');
    expect(lines[0]).toBe('dcs-bigkey gate: ERROR (exit code 3); 3 instances: 1 pass, 0 warn, 1 blocked, 1 error');
    expect(lines[2].split(/\s{2,}/)).toEqual(['VERDICT', 'NAME', 'INSTANCE', 'LATEST AUTO', 'AUTO TASK', 'FINISHED', 'AGE', 'TASKS', 'POLICIES', 'REASON']);
    expect(lines[3].split(/\s{2,}/)).toEqual(['pass', 'orders | cache', A, 'success', 't-1', '2026-11-28T02:01:47.905Z', '1d 9h ago', '12', 'latest-auto-failed', '-']);
    expect(lines[5].split(/\s{2,}/)).toEqual(['error', '-', C, 'not read', '-', '-', '-', '-', 'latest-auto-failed, max-auto-scan-age 7d', 'lookup failed: HTTP 400 DCS.4919']);
    expect(text).toContain('  - [lookup-failed, error] could not be read: HTTP 400 DCS.4919\n');
    // Outside text cannot break rows or send escape sequences to the terminal.
    expect(lines[4].split(/\s{2,}/).slice(0, 2)).toEqual(['blocked', 'sessions <b>cache</b>']);
    expect(text).toContain('  - [latest-auto-failed, error] latest *failed* | 100% sure see Cache Analysis > Big Key Analysis\n');
    expect(renderTable(['A'], [['x\x1b[2Jy']])).toBe('A\nx [2Jy\n');
  });

  it('gate on a narrower terminal: the policies move under the row, then the task id, finish time, task count, age, latest status are dropped, in that order', () => {
    const table = (width: number) => renderGateTable(report, { width }).split('\n');
    const headers = (width: number) => table(width).find((l) => l.startsWith('VERDICT'))!.split(/\s{2,}/);
    expect(headers(400)).toEqual(['VERDICT', 'NAME', 'INSTANCE', 'LATEST AUTO', 'AUTO TASK', 'FINISHED', 'AGE', 'TASKS', 'POLICIES', 'REASON']);
    expect(headers(140)).toEqual(['VERDICT', 'NAME', 'INSTANCE', 'LATEST AUTO', 'FINISHED', 'AGE', 'TASKS', 'REASON']);
    expect(headers(120)).toEqual(['VERDICT', 'NAME', 'INSTANCE', 'LATEST AUTO', 'AGE', 'TASKS', 'REASON']);
    expect(headers(105)).toEqual(['VERDICT', 'NAME', 'INSTANCE', 'LATEST AUTO', 'AGE', 'REASON']);
    expect(headers(90)).toEqual(['VERDICT', 'NAME', 'INSTANCE', 'LATEST AUTO', 'REASON']);
    expect(headers(80)).toEqual(['VERDICT', 'NAME', 'INSTANCE', 'REASON']);
    // Narrower still, the reason goes under its row too.
    expect(headers(60)).toEqual(['VERDICT', 'NAME', 'INSTANCE']);
    for (const width of [140, 120, 105, 90, 80, 60]) {
      const lines = table(width);
      for (const line of lines) expect(line.length).toBeLessThanOrEqual(width);
      // The policies evaluated stay visible for every instance: labelled, under its row, in full.
      expect(lines.filter((l) => l.startsWith('    policies: '))).toEqual([
        '    policies: latest-auto-failed',
        '    policies: latest-auto-failed, stuck-task 1h (warning)',
        '    policies: latest-auto-failed, max-auto-scan-age 7d',
      ]);
      // Right after the row's own lines (a wrapped name continues the row first).
      const row = lines.findIndex((l) => l.startsWith('pass '));
      expect(lines.slice(row + 1).find((l) => !/^ {9}\S/.test(l))).toBe('    policies: latest-auto-failed');
    }
    expect(table(400).some((l) => l.includes('policies: '))).toBe(false);
  });

  it('tasks: durations of finished, running and waiting tasks', () => {
    const now = new Date('2026-11-28T10:00:00.000Z');
    expect(taskDuration(auto('a', 'success'), now)).toBe('1m 45s');
    expect(taskDuration({ id: 'r', scan_type: 'manual', status: 'running', created_at: '2026-11-28T09:00:00.000Z', started_at: '2026-11-28T09:30:00.000Z', finished_at: null }, now)).toBe('30m so far');
    expect(taskDuration({ id: 'w', scan_type: 'manual', status: 'waiting', created_at: '2026-11-28T09:59:00.000Z' }, now)).toBe('waiting 1m');
    const text = renderTasksTable({ instance_id: A, count: 0, records: [] }, 'emulator', undefined, now);
    expect(text).toBe(`instance ${A}: 0 tasks (showing all, newest first; source: emulator)\n(no tasks)\n`);
  });
});

describe('reports where keys were read (a key policy)', () => {
  const keyed: InstanceResult[] = [
    {
      name: 'feed-cache', instanceId: A, projectId: P, verdict: 'blocked', latestAuto: auto('t-1', 'success'), latestAutoAgeMs: 60_000, tasksRead: 3,
      policies: [HEADLINE, { policy: 'big-keys', severity: 'error', limit: 'string 10MB' }, { policy: 'auto-scan-enabled', severity: 'error' }],
      keyScan: { task_id: 't-1', scan_type: 'auto', finished_at: '2026-11-28T02:01:47.905Z', num: 3, keys: [
        { type: 'string', size: 20_971_520, unit: 'byte', shard: '192.168.3.21:6379', db: 0 },
        { type: 'set', size: 684_210, unit: 'count', db: 0 },
        { type: 'string', size: 524_288, unit: 'byte', db: 0 },
      ] },
      autoscan: { instance_id: A, enable_auto_scan: true, schedule_at: ['04:00'] },
      findings: [{ policy: 'big-keys', severity: 'error', instanceId: A, message: 'a string key of 20 MB', taskId: 't-1', short: 'string key of 20 MB, limit 10 MB' }],
    },
    { name: 'reports-cache', instanceId: B, projectId: P, verdict: 'blocked', tasksRead: 1, policies: [HEADLINE, { policy: 'big-keys', severity: 'error', limit: 'string 10MB' }], keyScan: null, findings: [{ policy: 'big-keys', severity: 'error', instanceId: B, message: 'no successful scan', short: 'no successful scan to check the keys of' }] },
    { instanceId: C, projectId: P, verdict: 'pass', tasksRead: 1, policies: [HEADLINE, { policy: 'big-keys', severity: 'error', limit: 'string 10MB' }], keyScan: { task_id: 't-9', scan_type: 'manual', finished_at: null, num: 0, keys: [] }, findings: [] },
  ];
  const keyedReport = buildReport(keyed, AT);

  it('json: the scan, its largest string and collection (never a name), and the settings', () => {
    const doc = toGateJson(keyedReport);
    expect(doc.instances[0].big_keys).toEqual({
      task_id: 't-1', finished_at: '2026-11-28T02:01:47.905Z', num: 3,
      largest_string: { type: 'string', size: 20_971_520, unit: 'byte', shard: '192.168.3.21:6379', db: 0 },
      largest_collection: { type: 'set', size: 684_210, unit: 'count', shard: null, db: 0 },
    });
    expect(doc.instances[0].auto_scan).toEqual({ enable_auto_scan: true, schedule_at: ['04:00'], updated_at: null });
    expect(doc.instances[1].big_keys).toEqual({ task_id: null, finished_at: null, num: null, largest_string: null, largest_collection: null });
    expect(doc.instances[2].big_keys).toMatchObject({ task_id: 't-9', num: 0, largest_string: null });
    expect(doc.instances.map((i) => i.policies)).toEqual([['latest-auto-failed', 'big-keys', 'auto-scan-enabled'], ['latest-auto-failed', 'big-keys'], ['latest-auto-failed', 'big-keys']]);
  });

  it('table: a LARGEST KEYS column, and the reason of each limit broken', () => {
    const lines = renderGateTable(keyedReport).split('\n');
    expect(lines[2].split(/\s{2,}/)).toEqual(['VERDICT', 'NAME', 'INSTANCE', 'LATEST AUTO', 'AUTO TASK', 'FINISHED', 'AGE', 'TASKS', 'LARGEST KEYS', 'POLICIES', 'REASON']);
    expect(lines[3].split(/\s{2,}/).slice(8)).toEqual(['string 20 MB; set 684,210 members', 'latest-auto-failed, big-keys string 10MB, auto-scan-enabled', 'string key of 20 MB, limit 10 MB']);
    expect(lines[4].split(/\s{2,}/).slice(7)).toEqual(['1', 'no successful scan', 'latest-auto-failed, big-keys string 10MB', 'no successful scan to check the keys of']);
    expect(lines[5].split(/\s{2,}/)[8]).toBe('no big keys');
    // On a narrow terminal the largest keys move under the row, labelled, like the policies.
    const narrow = renderGateTable(keyedReport, { width: 100 }).split('\n');
    for (const line of narrow) expect(line.length).toBeLessThanOrEqual(100);
    expect(narrow).toContain('    largest keys: string 20 MB; set 684,210 members');
  });

  it('markdown: a Largest keys column and line; github: the largest keys per instance', () => {
    const md = renderGateMarkdown(keyedReport);
    expect(md).toContain('| | Name | Instance | Latest automatic scan | Finished | Age | Largest keys | Policies | Reason |\n|---|---|---|---|---|---|---|---|---|\n');
    expect(md).toContain(`| ⛔ | feed-cache | \`${A}\` | success \`t-1\` | 2026-11-28T02:01:47.905Z | 1m ago | string 20 MB; set 684,210 members | latest-auto-failed, big-keys string 10MB, auto-scan-enabled | string key of 20 MB, limit 10 MB |`);
    expect(md).toContain('Policies evaluated: latest-auto-failed, big-keys string 10MB, auto-scan-enabled\\\nLargest keys: string 20 MB; set 684,210 members\n\n- **big-keys** (error)');
    const github = renderGateGithub(keyedReport);
    expect(github).toContain(`- feed-cache (${A}): blocked; policies: latest-auto-failed, big-keys string 10MB, auto-scan-enabled; largest keys: string 20 MB; set 684,210 members\n`);
    expect(github).toContain(`- reports-cache (${B}): blocked; policies: latest-auto-failed, big-keys string 10MB; largest keys: no successful scan\n`);
  });

  it('reports without a key policy keep their columns (no Largest keys)', () => {
    expect(renderGateMarkdown(report)).not.toContain('Largest keys');
    expect(renderGateTable(report)).not.toContain('LARGEST KEYS');
    expect(renderGateGithub(report)).not.toContain('largest keys');
  });
});
