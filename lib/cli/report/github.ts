/**
 * `dcs-bigkey gate --format github`: GitHub Actions workflow commands. GitHub shows at most 10
 * error and 10 warning annotations per step, so: one `::error` per error finding and one
 * `::warning` per warning finding, worst instances first, at most 10 of each; then, when some
 * were left out, one `::notice` saying how many and where they all are; then a collapsed log
 * group stating each instance's verdict and the policies evaluated (plain lines, not
 * annotations, so no limit applies; each starts with "- " and is escaped like a message, so
 * none can be read as a command; with the largest keys where they were read); then one
 * `::notice` with the summary. (The gate command also
 * appends the markdown report to `$GITHUB_STEP_SUMMARY`.)
 *
 * Escaping follows the runner's rules: in the message `%`, `\r` and `\n`; in property values
 * also `:` and `,`. A message therefore always stays on its own line and cannot start another
 * command.
 */
import { plural } from '../../client/errors';
import { Finding } from '../../policy/gate-policy';
import { GateReport, InstanceResult, largestKeysText, policiesText, summaryLine, worstFirst } from './model';

/** Annotations of one kind GitHub shows per step. */
export const GITHUB_ANNOTATION_LIMIT = 10;

export interface GithubOptions {
  /** Whether the full report went to the job summary ($GITHUB_STEP_SUMMARY): the overflow notice points there. */
  readonly stepSummary?: boolean;
}

export function escapeData(text: string): string {
  return text.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

export function escapeProperty(text: string): string {
  return escapeData(text).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

export function renderGateGithub(report: GateReport, options: GithubOptions = {}): string {
  const lines: string[] = [];
  const left = { error: 0, warning: 0 };
  const shown = { error: 0, warning: 0 };
  for (const r of worstFirst(report.instances)) {
    for (const f of r.findings) {
      const kind = f.severity === 'error' ? 'error' : 'warning';
      if (shown[kind] < GITHUB_ANNOTATION_LIMIT) {
        shown[kind]++;
        lines.push(annotation(kind, r, f));
      } else {
        left[kind]++;
      }
    }
  }
  if (left.error + left.warning > 0) {
    const more = [left.error ? plural(left.error, 'error') : '', left.warning ? plural(left.warning, 'warning') : ''].filter(Boolean).join(' and ');
    const where = options.stepSummary
      ? 'the job summary lists the instances; every message is in `--format json`'
      : 'every message is in `--format markdown` or `--format json` (or `--report json=FILE`)';
    lines.push(`::notice title=${escapeProperty(`DCS big key gate: ${more} more`)}::${escapeData(`${more} more not shown as annotations (GitHub shows ${GITHUB_ANNOTATION_LIMIT} of each kind per step); ${where}`)}`);
  }
  lines.push('::group::DCS big key gate: policies evaluated per instance');
  for (const r of report.instances) {
    const keys = largestKeysText(r);
    lines.push(`- ${escapeData(`${who(r)}: ${r.verdict}; policies: ${policiesText(r)}${keys ? `; largest keys: ${keys}` : ''}`)}`);
  }
  lines.push('::endgroup::');
  lines.push(`::notice::${escapeData(`DCS big key gate: ${report.verdict} (exit code ${report.exitCode}); ${summaryLine(report)}`)}`);
  return lines.join('\n') + '\n';
}

function annotation(kind: 'error' | 'warning', r: InstanceResult, f: Finding): string {
  return `::${kind} title=${escapeProperty(`DCS big key gate: ${who(r)} ${r.verdict} (${f.policy})`)}::${escapeData(f.message)}`;
}

function who(r: InstanceResult): string {
  return r.name ? `${r.name} (${r.instanceId})` : r.instanceId;
}
