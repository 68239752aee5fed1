/**
 * Reports that fit where they are read, for any fleet: the markdown report never exceeds its
 * character budget and always leads with what did not pass (property-based, random fleets with
 * hostile names and long messages); GitHub gets at most 10 error and 10 warning annotations.
 * The same limits on real fleets of 500 and 5,000 instances: test/integration/report-limits.test.ts.
 */
import fc from 'fast-check';
import { GITHUB_ANNOTATION_LIMIT, renderGateGithub } from '../../lib/cli/report/github';
import { MARKDOWN_MAX_CHARS, renderGateMarkdown } from '../../lib/cli/report/markdown';
import { buildReport, InstanceResult } from '../../lib/cli/report/model';
import { EnabledPolicy, Finding } from '../../lib/policy/gate-policy';

const P = '0b6bd4e1a8f34b0c9a8a4f5c1e0d2a7b';
const id = (i: number) => `f1ee7000-0000-4000-8000-${String(i).padStart(12, '0')}`;
const AT = new Date('2026-11-29T12:00:00.000Z');
const HEADLINE: EnabledPolicy = { policy: 'latest-auto-failed', severity: 'error' };
/** The policies evaluated, as the gate states them: the headline, plus the stuck-task policy of the findings below. */
const policiesOf = (verdict: InstanceResult['verdict']): EnabledPolicy[] =>
  verdict === 'pass' || verdict === 'error' ? [HEADLINE] : [HEADLINE, { policy: 'stuck-task', severity: verdict === 'warn' ? 'warning' : 'error', limit: '6h' }];

function instance(i: number, verdict: InstanceResult['verdict'], findings: readonly Omit<Finding, 'instanceId'>[], name?: string): InstanceResult {
  return {
    ...(name !== undefined ? { name } : {}),
    instanceId: id(i),
    projectId: P,
    verdict,
    policies: policiesOf(verdict),
    ...(verdict === 'error'
      ? { lookupError: { name: 'DcsApiError', status: 404, errorCode: 'DCS.4004' } }
      : { latestAuto: { id: id(i + 900_000), scan_type: 'auto' as const, status: 'success' as const, created_at: '2026-11-28T02:00:00.000Z', started_at: '2026-11-28T02:00:01.000Z', finished_at: '2026-11-28T02:01:00.000Z' }, latestAutoAgeMs: 7_200_000, tasksRead: 5 }),
    findings: findings.map((f) => ({ ...f, instanceId: id(i) })),
  };
}

const verdictArb = fc.constantFrom<InstanceResult['verdict']>('pass', 'pass', 'pass', 'warn', 'blocked', 'error');
const textArb = fc.oneof(fc.string({ maxLength: 40 }), fc.constantFrom('订单缓存', '|*_`<b>&amp;\n', '⚠️🔥'.repeat(20)));
const instanceArb = fc.record({
  verdict: verdictArb,
  name: fc.option(textArb.filter((n) => n.length > 0), { nil: undefined }),
  messages: fc.array(fc.string({ minLength: 1, maxLength: 2500 }), { minLength: 1, maxLength: 4 }),
});
const fleetArb = fc.array(instanceArb, { minLength: 1, maxLength: 120 }).map((xs) =>
  xs.map((x, i) =>
    instance(
      i,
      x.verdict,
      x.verdict === 'pass' ? [] : x.messages.map((message) => ({ policy: x.verdict === 'error' ? 'lookup-failed' as const : 'stuck-task' as const, severity: x.verdict === 'warn' ? 'warning' as const : 'error' as const, message })),
      x.name,
    ),
  ),
);

describe('markdown', () => {
  it('never exceeds its budget, and names or counts every instance that did not pass, worst first', () => {
    fc.assert(
      fc.property(fleetArb, fc.integer({ min: 3_000, max: 40_000 }), (instances, maxChars) => {
        const md = renderGateMarkdown(buildReport(instances, AT), { maxChars });
        expect(md.length).toBeLessThanOrEqual(maxChars);
        expect([...md].length).toBeLessThanOrEqual(maxChars);
        expect(md.startsWith('### ')).toBe(true);
        const shortened = md.includes('✂️ **Shortened to fit a GitHub comment');
        const failing = instances.filter((r) => r.verdict !== 'pass');
        const order = (['error', 'blocked', 'warn'] as const).flatMap((v) => failing.filter((r) => r.verdict === v));
        const present = order.filter((r) => md.includes(r.instanceId));
        // Every instance shown is shown with the policies evaluated for it: in its table row, its named line, or under its heading.
        const lines = md.split('\n');
        for (const row of lines.filter((l) => /^\| (✅|⚠️|⛔|❌) \|/.test(l))) expect(row).toMatch(/\| latest-auto-failed(, stuck-task 6h( \(warning\))?)? \|/);
        for (const named of lines.filter((l) => /^- (⚠️|⛔|❌) /.test(l))) expect(named).toMatch(/\(policies: latest-auto-failed(, stuck-task 6h( \(warning\))?)?\)$/);
        lines.forEach((l, i) => {
          if (l.startsWith('#### ') && l !== '#### Not detailed here') expect(lines[i + 2]).toMatch(/^Policies evaluated: latest-auto-failed/);
        });
        if (!shortened) {
          // Whole: every instance is in it.
          for (const r of instances) expect(md).toContain(r.instanceId);
        } else {
          expect(md).toContain('--format json` (or `--report json=FILE`');
          expect(md).toMatch(/Left out: \S/);
          // Those shown are a prefix of the worst-first order; the rest are counted in the note.
          expect(present).toEqual(order.slice(0, present.length));
          if (present.length < failing.length) expect(md).toMatch(new RegExp(`${failing.length - present.length} more instances? that did not pass`));
        }
      }),
      { numRuns: 100 },
    );
  });

  it('a whole report is kept as it is: a table of every instance, worst first, then the findings', () => {
    const md = renderGateMarkdown(buildReport([instance(1, 'pass', []), instance(2, 'blocked', [{ policy: 'latest-auto-failed', severity: 'error', message: 'it failed' }], 'sessions')], AT));
    expect(md).not.toContain('Shortened');
    const rows = md.split('\n').filter((l) => /^\| (✅|⛔) \|/.test(l));
    expect(rows.map((r) => r.slice(0, 4))).toEqual(['| ⛔ ', '| ✅ ']);
    expect(md).toContain(`#### ⛔ sessions (\`${id(2)}\`): blocked\n\nPolicies evaluated: latest-auto-failed, stuck-task 6h\n\n- **latest-auto-failed** (error): it failed\n`);
  });

  it('just over the limit, only the overview table goes, and the note says so', () => {
    const instances = Array.from({ length: 30 }, (_, i) => instance(i, i % 3 === 0 ? 'blocked' : 'pass', i % 3 === 0 ? [{ policy: 'latest-auto-failed', severity: 'error', message: 'it failed' }] : []));
    const whole = renderGateMarkdown(buildReport(instances, AT), { maxChars: 1_000_000 });
    const md = renderGateMarkdown(buildReport(instances, AT), { maxChars: whole.length - 1 });
    expect(md.length).toBeLessThan(whole.length);
    expect(md).toContain('Left out: the overview table (every instance is still listed below).');
    for (const r of instances) expect(md).toContain(r.instanceId);
  });

  it('cuts the findings of one instance, with a note, when even they do not fit', () => {
    const findings = Array.from({ length: 300 }, (_, k) => ({ policy: 'stuck-task' as const, severity: 'error' as const, message: `task ${k} stuck: ${'x'.repeat(400)}` }));
    const md = renderGateMarkdown(buildReport([instance(7, 'blocked', findings, 'huge'), instance(8, 'blocked', findings.slice(0, 2)), instance(9, 'pass', [])], AT));
    expect(md.length).toBeLessThanOrEqual(MARKDOWN_MAX_CHARS);
    expect(md).toMatch(/- … \d+ more findings of this instance left out\n/);
    expect(md).toContain('Left out: part of the findings of the first instance below');
    // The next one is still named, with its reason.
    expect(md).toContain(`- ⛔ \`${id(8)}\`: blocked — scan stuck waiting or running (2 tasks)`);
    // A single message longer than the whole budget is cut too.
    const one = renderGateMarkdown(buildReport([instance(7, 'blocked', [{ policy: 'stuck-task', severity: 'error', message: '&'.repeat(10_000) }])], AT), { maxChars: 3_000 });
    expect(one.length).toBeLessThanOrEqual(3_000);
    expect(one).toContain(' … (message cut)');
  });
});

describe('github', () => {
  const findings = (n: number, severity: 'error' | 'warning') => Array.from({ length: n }, (_, k) => ({ policy: 'stuck-task' as const, severity, message: `m${k}` }));

  it(`prints at most ${GITHUB_ANNOTATION_LIMIT} ::error and ${GITHUB_ANNOTATION_LIMIT} ::warning, then one notice saying how many more`, () => {
    const report = buildReport([instance(1, 'blocked', [...findings(25, 'error'), ...findings(13, 'warning')]), instance(2, 'warn', findings(2, 'warning'))], AT);
    const lines = renderGateGithub(report).trimEnd().split('\n');
    expect(lines.filter((l) => l.startsWith('::error '))).toHaveLength(10);
    expect(lines.filter((l) => l.startsWith('::warning '))).toHaveLength(10);
    expect(lines.filter((l) => l.startsWith('::notice'))).toEqual([
      '::notice title=DCS big key gate%3A 15 errors and 5 warnings more::15 errors and 5 warnings more not shown as annotations (GitHub shows 10 of each kind per step); every message is in `--format markdown` or `--format json` (or `--report json=FILE`)',
      '::notice::DCS big key gate: blocked (exit code 1); 2 instances: 0 pass, 1 warn, 1 blocked, 0 error',
    ]);
    expect(renderGateGithub(report, { stepSummary: true })).toContain('the job summary lists the instances');
  });

  it('no overflow notice when everything fits', () => {
    const lines = renderGateGithub(buildReport([instance(1, 'blocked', findings(10, 'error'))], AT)).trimEnd().split('\n');
    expect(lines).toHaveLength(10 + 3 + 1); // the annotations, the policies group (not annotations), the summary
    expect(lines.filter((l) => l.startsWith('::notice'))).toHaveLength(1);
  });
});
