/**
 * Reports that fit where they are read, on generated fleets of 500 and 5,000 instances served by
 * the emulator process: one gate run each writes the GitHub annotations to stdout, the markdown
 * report to $GITHUB_STEP_SUMMARY, and JSON + markdown files through --report (so the fleet is
 * queried once). The markdown stays under GitHub's comment limit with the worst instances
 * first; GitHub gets at most 10 error and 10 warning annotations plus one notice counting the
 * rest; the JSON report keeps every instance. The run also reads the keys and the autoscan
 * settings of every instance (--max-string-size, --require-auto-scan): the largest keys go into
 * every format too.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { runGateCommand } from '../../lib/cli/gate-command';
import { MARKDOWN_MAX_CHARS } from '../../lib/cli/report/markdown';
import { EmulatorProcess, spawnEmulator } from '../../lib/emulator';
import { capturedOutputs, demoEnv, expectGateJsonSchema, expectNoCredentials, runInProcess } from '../support/cli-harness';
import { fleetAutoScanOff, fleetEmulatorData, fleetInstanceId, FLEET_PROJECT } from '../support/cli-fleet';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';

const LARGEST = 5_000;
/** Every 50th instance is missing from the emulator: its lookup fails (404), an `error` verdict. */
const missing = (i: number) => i % 50 === 7;

let emulator: EmulatorProcess;
let dir: string;
beforeAll(async () => {
  emulator = await spawnEmulator({ data: fleetEmulatorData(LARGEST, missing), quiet: true });
  dir = mkdtempSync(path.join(tmpdir(), 'dcs-bigkey-report-limits-'));
}, 60_000);
afterAll(async () => {
  await emulator?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
  expectNoCredentials(capturedOutputs);
});

describe.each([500, 5_000])('a fleet of %i instances', (n) => {
  it('fits: markdown under the comment limit, problems first, at most 10+10 annotations, JSON whole', async () => {
    const fleet = path.join(dir, `fleet-${n}.json`);
    writeFileSync(fleet, JSON.stringify({
      defaults: { project_id: FLEET_PROJECT, endpoint: emulator.url },
      instances: Array.from({ length: n }, (_, i) => ({ name: `cache-${i}`, instance_id: fleetInstanceId(i) })),
    }));
    const files = { json: path.join(dir, `gate-${n}.json`), markdown: path.join(dir, `gate-${n}.md`), summary: path.join(dir, `summary-${n}.md`) };
    writeFileSync(files.summary, '## earlier step\n');
    // Default policy (latest automatic scan failed: every 10th blocks), plus stuck tasks as warnings,
    // a 12 MB string key (every 13th) and automatic scans off (every 17th) block too.
    const run = await runInProcess(
      runGateCommand,
      ['--fleet', fleet, '--stuck-after', '6h', '--fail-on-latest-auto-failed', '--warn-only', 'stuck-after', '--max-string-size', '10MB', '--require-auto-scan', '--format', 'github', '--report', `json=${files.json},markdown=${files.markdown}`],
      demoEnv(undefined, { GITHUB_STEP_SUMMARY: files.summary }),
    );
    expect(run.code).toBe(3);

    const doc = JSON.parse(readFileSync(files.json, 'utf8'));
    expectGateJsonSchema(doc);
    expect(doc.instances).toHaveLength(n);
    const { summary } = doc;
    expect(summary.error).toBe(Array.from({ length: n }, (_, i) => i).filter(missing).length);
    expect(summary.blocked).toBeGreaterThan(0);
    expect(summary.warn).toBeGreaterThan(0);
    const policies = 'latest-auto-failed, stuck-task 6h (warning), big-keys string 10MB, auto-scan-enabled';
    // Every instance read had its keys and settings read; the key gate and the autoscan gate blocked where they should.
    const blockedBy = (i: number, policy: string) => doc.instances[i].findings.some((f: { policy: string }) => f.policy === policy);
    for (let i = 0; i < n; i++) {
      if (missing(i)) continue;
      expect(doc.instances[i].big_keys.largest_string.size).toBe(i % 13 === 5 ? 12 * 1024 * 1024 : 1024 * 1024);
      expect([i, blockedBy(i, 'big-keys')]).toEqual([i, i % 13 === 5]);
      expect([i, blockedBy(i, 'auto-scan-enabled')]).toEqual([i, fleetAutoScanOff(i)]);
    }

    // Markdown: under the limit (in UTF-16 units and in characters), worst first, says what it left out.
    const md = readFileSync(files.markdown, 'utf8');
    expect(md.length).toBeLessThanOrEqual(MARKDOWN_MAX_CHARS);
    expect([...md].length).toBeLessThanOrEqual(65_536);
    expect(md.split('\n')[0]).toBe('### ❌ DCS big key gate: error');
    expect(md).toContain(`${n.toLocaleString('en-US')} instances: ✅ ${summary.pass.toLocaleString('en-US')} pass`);
    expect(md).toMatch(/> ✂️ \*\*Shortened to fit a GitHub comment \(at most 64,000 characters\)\.\*\* Left out: .*passing instances.*--format json` \(or `--report json=FILE`/);
    const headings = md.split('\n').filter((l) => /^#### (❌|⛔|⚠️) /.test(l));
    // Every failed lookup comes before any block, with its full message.
    const firstBlocked = headings.findIndex((h) => h.startsWith('#### ⛔'));
    expect(headings[0]).toMatch(/^#### ❌ cache-7 /);
    expect(headings.slice(0, firstBlocked === -1 ? undefined : firstBlocked).every((h) => h.startsWith('#### ❌'))).toBe(true);
    expect(md).toContain(`could not be read, so the gate cannot pass: ListBigkeyScanTasks for instance ${fleetInstanceId(7)} failed: HTTP 404`);
    // The policies evaluated go with every instance shown (here the same for all).
    expect(md).toContain(`#### ❌ cache-7 (\`${fleetInstanceId(7)}\`): error\n\nPolicies evaluated: ${policies}\n\n`);
    for (const row of md.split('\n').filter((l) => /^\| ✅ \|/.test(l))) expect(row).toContain(`| string 1 MB; hash `);
    for (const row of md.split('\n').filter((l) => /^\| ✅ \|/.test(l))) expect(row).toContain(`| ${policies} |`);
    if (n === 500) expect(md).toMatch(/\nLargest keys: string 12 MB; hash [\d,]+ members\n/); // at 5,000 the failed lookups' details fill the room
    const mentioned = doc.instances.filter((i: { verdict: string; instance_id: string }) => i.verdict !== 'pass' && md.includes(i.instance_id)).length;
    if (n === 500) expect(mentioned).toBe(summary.error + summary.blocked + summary.warn); // all named at 500

    // GitHub: at most 10 of each, one notice counting the rest, the summary notice last.
    const lines = run.stdout.trimEnd().split('\n');
    const findings = doc.instances.flatMap((i: { findings: { severity: string }[] }) => i.findings);
    const errors = findings.filter((f: { severity: string }) => f.severity === 'error').length;
    const warnings = findings.length - errors;
    // The README quotes the 5,000-instance fleet's: 1,265 error and 200 warning findings.
    expect([errors, warnings]).toEqual(n === 5_000 ? [1_265, 200] : [127, 20]);
    expect(lines.filter((l) => l.startsWith('::error '))).toHaveLength(10);
    expect(lines.filter((l) => l.startsWith('::warning '))).toHaveLength(10);
    expect(lines.filter((l) => l.startsWith('::notice'))).toHaveLength(2);
    // 20 annotations, the overflow notice, the policies of every instance in one collapsed group (plain lines), the summary.
    expect(lines).toHaveLength(22 + n + 2);
    expect(lines[20]).toContain(`::${errors - 10} errors and ${warnings - 10} warnings more not shown as annotations (GitHub shows 10 of each kind per step); the job summary lists the instances`);
    expect(lines[21]).toBe('::group::DCS big key gate: policies evaluated per instance');
    const keysOf = (i: number) => (missing(i) ? '' : `; largest keys: string ${i % 13 === 5 ? 12 : 1} MB; hash ${(2_000 + i).toLocaleString('en-US')} members`);
    expect(lines.slice(22, 22 + n).every((l, i) => l === `- cache-${i} (${fleetInstanceId(i)}): ${doc.instances[i].verdict}; policies: ${policies}${keysOf(i)}`)).toBe(true);
    expect(lines[22 + n]).toBe('::endgroup::');
    expect(lines[lines.length - 1]).toMatch(/^::notice::DCS big key gate: error \(exit code 3\)/);
    // The first annotations are the failed lookups (worst first).
    expect(lines[0]).toMatch(new RegExp(`^::error title=DCS big key gate%3A cache-7 \\(${fleetInstanceId(7)}\\) error \\(lookup-failed\\)::`));

    // The job summary got the same markdown, appended after what was there.
    expect(readFileSync(files.summary, 'utf8')).toBe(`## earlier step\n${md}\n`);
  }, 120_000);
});
