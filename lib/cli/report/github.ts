/**
 * `dcs-bigkey gate --format github`: GitHub Actions workflow commands, one per finding
 * (`::error …` for error severity, `::warning …` for warnings), then one `::notice::` line
 * with the summary, preceded by a collapsed log group stating each instance's verdict and the
 * policies evaluated (plain lines, each starting with "- " and escaped like messages, so none can be read as a command).
 * Escaping follows the runner's rules: in the message `%`, `\r` and `\n`;
 * in property values also `:` and `,`. A message therefore always stays on its own line and
 * cannot start another command.
 */
import { GateReport, policiesText, summaryLine } from './model';

export function escapeData(text: string): string {
  return text.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

export function escapeProperty(text: string): string {
  return escapeData(text).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

export function renderGateGithub(report: GateReport): string {
  const lines: string[] = [];
  for (const r of report.instances) {
    const who = r.name ? `${r.name} (${r.instanceId})` : r.instanceId;
    for (const f of r.findings) {
      const command = f.severity === 'error' ? 'error' : 'warning';
      lines.push(`::${command} title=${escapeProperty(`DCS big key gate: ${who} ${r.verdict} (${f.policy})`)}::${escapeData(f.message)}`);
    }
  }
  lines.push('::group::DCS big key gate: policies evaluated per instance');
  for (const r of report.instances) {
    lines.push(`- ${escapeData(`${r.name ? `${r.name} (${r.instanceId})` : r.instanceId}: ${r.verdict}; policies: ${policiesText(r)}`)}`);
  }
  lines.push('::endgroup::');
  lines.push(`::notice::${escapeData(`DCS big key gate: ${report.verdict} (exit code ${report.exitCode}); ${summaryLine(report)}`)}`);
  return lines.join('\n') + '\n';
}
