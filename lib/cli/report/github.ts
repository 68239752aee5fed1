/**
 * `dcs-bigkey gate --format github`: GitHub Actions workflow commands, one per finding
 * (`::error …` for error severity, `::warning …` for warnings), then one `::notice::` line
 * with the summary. Escaping follows the runner's rules: in the message `%`, `\r` and `\n`;
 * in property values also `:` and `,`. A message therefore always stays on its own line and
 * cannot start another command.
 */
import { GateReport, summaryLine } from './model';

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
  lines.push(`::notice::${escapeData(`DCS big key gate: ${report.verdict} (exit code ${report.exitCode}); ${summaryLine(report)}`)}`);
  return lines.join('\n') + '\n';
}
