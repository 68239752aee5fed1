/**
 * `dcs-bigkey gate --format markdown`: a pull-request comment (or `$GITHUB_STEP_SUMMARY`).
 * A title with the overall verdict, a one-line summary, one table row per instance, then the
 * full findings of every instance that did not pass. Text from outside (names, API messages)
 * is escaped: it can neither break the table nor inject markup.
 */
import { GateReport, InstanceResult, MARKS, ageText, policiesText, shortReason } from './model';

export function renderGateMarkdown(report: GateReport): string {
  const s = report.summary;
  const out: string[] = [];
  out.push(`### ${MARKS[report.verdict]} DCS big key gate: ${report.verdict}\n\n`);
  out.push(
    `${s.total} instance${s.total === 1 ? '' : 's'}: ${MARKS.pass} ${s.pass} pass · ${MARKS.warn} ${s.warn} warn · ` +
      `${MARKS.blocked} ${s.blocked} blocked · ${MARKS.error} ${s.error} error — exit code ${report.exitCode}, checked ${report.generatedAt.toISOString()}\n\n`,
  );
  out.push('| | Name | Instance | Latest automatic scan | Finished | Age | Policies | Reason |\n');
  out.push('|---|---|---|---|---|---|---|---|\n');
  for (const r of report.instances) {
    const cells = [
      MARKS[r.verdict],
      r.name === undefined ? '—' : cell(r.name),
      code(r.instanceId),
      latestAutoCell(r),
      r.latestAuto?.finished_at ? cell(r.latestAuto.finished_at) : '—',
      r.latestAutoAgeMs === undefined ? '—' : cell(ageText(r.latestAutoAgeMs)),
      cell(policiesText(r)),
      cell(shortReason(r)) || '—',
    ];
    out.push(`| ${cells.join(' | ')} |\n`);
  }
  const failing = report.instances.filter((r) => r.findings.length > 0);
  if (failing.length > 0) {
    out.push('\n');
    for (const r of failing) {
      out.push(`#### ${MARKS[r.verdict]} ${r.name === undefined ? code(r.instanceId) : `${inline(r.name)} (${code(r.instanceId)})`}: ${r.verdict}\n\n`);
      for (const f of r.findings) out.push(`- **${f.policy}** (${f.severity}): ${inline(f.message)}\n`);
      out.push('\n');
    }
  }
  return out.join('').replace(/\n+$/, '\n');
}

function latestAutoCell(r: InstanceResult): string {
  if (r.latestAuto) return `${cell(r.latestAuto.status)} ${code(r.latestAuto.id)}`;
  return r.lookupError ? 'not read' : 'none';
}

/** Punctuation that can start markup mid-line (emphasis, code, links, HTML, table cells, strikethrough), backslash-escaped. */
const SPECIAL = /[\\`*_[\]<>|~]/g;

/** Text in a list item or heading: one line, no markup. */
export function inline(text: string): string {
  return text.replace(/&/g, '&amp;').replace(SPECIAL, (c) => `\\${c}`).replace(/\r\n|\r|\n/g, ' ');
}

/** Text in a table cell: like inline, but line breaks become <br> so rows stay whole. */
export function cell(text: string): string {
  return text.replace(/&/g, '&amp;').replace(SPECIAL, (c) => `\\${c}`).replace(/\r\n|\r|\n/g, '<br>');
}

/** An identifier as code; escaped text when it contains a backtick or a line break. */
function code(text: string): string {
  return /[`\r\n|]/.test(text) ? cell(text) : `\`${text}\``;
}
