/**
 * Plain-text tables for people at a terminal: aligned columns, no colour, nothing truncated.
 */
import { BigKeyTask } from '../../client/types';
import { formatDuration } from '../../policy/duration';
import { ageText, GateReport, policiesText, shortReason, summaryLine } from './model';

/**
 * Text from outside (names, API messages) on a terminal: control characters (line breaks,
 * escape sequences that could rewrite the screen) become spaces.
 */
export function plain(text: string): string {
  return text.replace(/[\u0000-\u001f\u007f-\u009f]+/g, ' ');
}

/** Columns padded to their widest cell; the last column is not padded. Cells are made plain. */
export function renderTable(headers: readonly string[], rawRows: readonly (readonly string[])[]): string {
  const rows = rawRows.map((r) => r.map(plain));
  const widths = headers.map((h, i) => Math.max(width(h), ...rows.map((r) => width(r[i] ?? ''))));
  const line = (cells: readonly string[]) =>
    cells.map((c, i) => (i === cells.length - 1 ? c : c + ' '.repeat(widths[i] - width(c)))).join('  ').trimEnd();
  return [line(headers), ...rows.map(line)].join('\n') + '\n';
}

/** Display width: code points (good enough for the ASCII and emoji-free cells used here). */
function width(text: string): number {
  return [...text].length;
}

/** `dcs-bigkey tasks` output. */
export function renderTasksTable(
  listing: { readonly instance_id: string; readonly count: number; readonly records: readonly BigKeyTask[] },
  source: string,
  page: { readonly offset?: number; readonly limit?: number } | undefined,
  now: Date,
): string {
  const shown = page
    ? `showing ${listing.records.length} from offset ${page.offset ?? 0}${page.limit !== undefined ? ` (limit ${page.limit})` : ''}`
    : `showing all, newest first`;
  const header = `instance ${plain(listing.instance_id)}: ${listing.count} task${listing.count === 1 ? '' : 's'} (${shown}; source: ${source})\n`;
  if (listing.records.length === 0) return header + '(no tasks)\n';
  const rows = listing.records.map((t) => [t.id, t.scan_type, t.status, t.created_at, t.started_at ?? '-', t.finished_at ?? '-', taskDuration(t, now)]);
  return header + '\n' + renderTable(['ID', 'TYPE', 'STATUS', 'CREATED', 'STARTED', 'FINISHED', 'DURATION'], rows);
}

/** Run time of a finished task, or how long an unfinished one has been running or waiting. */
export function taskDuration(task: BigKeyTask, now: Date): string {
  if (task.started_at && task.finished_at) return formatDuration(Date.parse(task.finished_at) - Date.parse(task.started_at));
  if (task.status === 'running' && task.started_at) return `${formatDuration(now.getTime() - Date.parse(task.started_at))} so far`;
  if (task.status === 'waiting') return `waiting ${formatDuration(now.getTime() - Date.parse(task.created_at))}`;
  return '-';
}

/** `dcs-bigkey gate --format table`. */
export function renderGateTable(report: GateReport): string {
  const out: string[] = [];
  out.push(`dcs-bigkey gate: ${report.verdict.toUpperCase()} (exit code ${report.exitCode}); ${summaryLine(report)}\n\n`);
  const rows = report.instances.map((r) => [
    r.verdict,
    r.name ?? '-',
    r.instanceId,
    r.latestAuto ? r.latestAuto.status : r.lookupError ? 'not read' : 'none',
    r.latestAuto?.id ?? '-',
    r.latestAuto?.finished_at ?? '-',
    ageText(r.latestAutoAgeMs) || '-',
    r.tasksRead === undefined ? '-' : String(r.tasksRead),
    policiesText(r),
    shortReason(r) || '-',
  ]);
  out.push(renderTable(['VERDICT', 'NAME', 'INSTANCE', 'LATEST AUTO', 'AUTO TASK', 'FINISHED', 'AGE', 'TASKS', 'POLICIES', 'REASON'], rows));
  const failing = report.instances.filter((r) => r.findings.length > 0);
  if (failing.length > 0) {
    out.push('\n');
    for (const r of failing) {
      out.push(`${r.verdict}: ${plain(r.name ? `${r.name} (${r.instanceId})` : r.instanceId)}\n`);
      for (const f of r.findings) out.push(`  - [${f.policy}, ${f.severity}] ${plain(f.message)}\n`);
    }
  }
  return out.join('');
}
