/**
 * Plain-text tables for people at a terminal: aligned columns, no colour, nothing lost.
 *
 * Widths are display columns (East Asian wide characters count two, see text-width.ts). Given a
 * terminal width, a table that would be wider drops its least useful columns first (each table
 * says which, in order; the JSON report keeps everything) — except a column that must stay
 * visible, which moves under its row with a label instead — then wraps its wrappable columns
 * inside their column, and, when even that is too wide, moves the last column under its row.
 * Long messages below a table wrap to the width with a hanging indent.
 */
import { BigKeyTask } from '../../client/types';
import { formatDuration } from '../../policy/duration';
import { clusters, displayWidth } from '../text-width';
import { ageText, anyKeysRead, GateReport, largestKeysText, policiesText, shortReason, summaryLine } from './model';

/**
 * Text from outside (names, API messages) on a terminal: control characters (line breaks,
 * escape sequences that could rewrite the screen) become spaces.
 */
export function plain(text: string): string {
  return text.replace(/[\u0000-\u001f\u007f-\u009f]+/g, ' ');
}

export interface Column {
  readonly header: string;
  /** Dropped when the table is too wide: lower numbers go first. @default never */
  readonly drop?: number;
  /**
   * With `drop`: instead of being dropped, the column moves under its row, its text after this
   * label (e.g. `policies: `), for what must stay visible on any terminal. @default dropped
   */
  readonly underLabel?: string;
  /** May wrap inside the column, down to this width. @default does not wrap */
  readonly minWidth?: number;
}

export interface TableOptions {
  /** Terminal width in columns. @default unlimited */
  readonly width?: number;
}

/** Narrower than this, a terminal is treated as this wide. */
export const MIN_TABLE_WIDTH = 40;
const GAP = 2;
/** Indent of a column moved under its row. */
const UNDER_INDENT = 4;

/**
 * Columns padded to their widest cell (the last one not padded), fitted to `options.width` as
 * described above. Cells are made plain.
 */
export function renderTable(columns: readonly (Column | string)[], rawRows: readonly (readonly string[])[], options: TableOptions = {}): string {
  const cols = columns.map((c) => (typeof c === 'string' ? { header: c } : c));
  const rows = rawRows.map((r) => cols.map((_, i) => plain(r[i] ?? '')));
  const natural = cols.map((c, i) => Math.max(displayWidth(c.header), ...rows.map((r) => displayWidth(r[i]))));
  const limit = options.width === undefined ? Infinity : Math.max(options.width, MIN_TABLE_WIDTH);

  let shown = cols.map((_, i) => i);
  /** Columns shown under their row, in column order. */
  let below: number[] = [];
  const total = (widths: readonly number[]) => shown.reduce((n, i) => n + widths[i], 0) + GAP * (shown.length - 1);
  const narrowest = natural.map((w, i) => Math.min(w, cols[i].minWidth ?? w));
  // 1. Drop the least useful columns (or move them under the row), until the rest would fit with wrapping.
  const droppable = cols.map((c, i) => ({ i, drop: c.drop })).filter((c) => c.drop !== undefined).sort((a, b) => a.drop! - b.drop!);
  for (const { i } of droppable) {
    if (total(narrowest) <= limit) break;
    shown = shown.filter((j) => j !== i);
    if (cols[i].underLabel !== undefined) below = [...below, i].sort((a, b) => a - b);
  }
  // 2. Wrap the wrappable ones: narrow the widest of them, one column at a time, down to their minimum.
  let widths = shrink(natural, narrowest, shown, limit);
  // 3. Still too wide: the last column goes under its row, and the others fit again.
  if (total(widths) > limit && shown.length > 1) {
    below = [...below, shown[shown.length - 1]].sort((a, b) => a - b);
    shown = shown.slice(0, -1);
    widths = shrink(natural, narrowest, shown, limit);
  }

  const lines: string[] = [];
  const emit = (cells: readonly string[], header = false) => {
    const wrapped = shown.map((i) => wrap(cells[i], widths[i]));
    const height = Math.max(...wrapped.map((w) => w.length));
    for (let k = 0; k < height; k++) {
      lines.push(
        shown.map((i, n) => {
          const text = wrapped[n][k] ?? '';
          return n === shown.length - 1 ? text : text + ' '.repeat(widths[i] - displayWidth(text));
        }).join(' '.repeat(GAP)).trimEnd(),
      );
    }
    for (const i of below) {
      // Under the header, a labelled column needs no line: its label names it under every row.
      if (cells[i] === '' || (header && cols[i].underLabel !== undefined)) continue;
      for (const line of wrap(`${cols[i].underLabel ?? ''}${cells[i]}`, limit - UNDER_INDENT)) lines.push(' '.repeat(UNDER_INDENT) + line);
    }
  };
  emit(cols.map((c) => c.header), true);
  for (const row of rows) emit(row);
  return lines.join('\n') + '\n';
}

/** Widths that fit `limit` by narrowing the widest wrappable column first (never below its minimum). */
function shrink(natural: readonly number[], narrowest: readonly number[], shown: readonly number[], limit: number): number[] {
  const widths = [...natural];
  let over = shown.reduce((n, i) => n + widths[i], 0) + GAP * (shown.length - 1) - limit;
  while (over > 0) {
    const candidates = shown.filter((i) => widths[i] > narrowest[i]);
    if (candidates.length === 0) break;
    const widest = candidates.reduce((a, b) => (widths[b] > widths[a] ? b : a));
    widths[widest]--;
    over--;
  }
  return widths;
}

/**
 * `text` in lines of at most `width` columns, broken at spaces where possible and inside a word
 * (never inside a character cluster) where not. Unlimited width: one line.
 */
export function wrap(text: string, width: number): string[] {
  if (!Number.isFinite(width) || displayWidth(text) <= width) return [text];
  const lines: string[] = [];
  let line = '';
  let lineWidth = 0;
  for (const word of text.split(/(?<= )/)) {
    const w = displayWidth(word);
    const bare = word.trimEnd();
    if (lineWidth + displayWidth(bare) <= width) {
      line += word;
      lineWidth += w;
      continue;
    }
    if (line.trim() !== '') lines.push(line.trimEnd());
    line = '';
    lineWidth = 0;
    for (const c of clusters(word)) {
      if (lineWidth + c.width > width && line.trim() !== '') {
        lines.push(line.trimEnd());
        line = '';
        lineWidth = 0;
      }
      line += c.text;
      lineWidth += c.width;
    }
  }
  if (line.trim() !== '' || lines.length === 0) lines.push(line.trimEnd());
  return lines;
}

/**
 * A paragraph wrapped to `width`: the first line indented by `first` spaces, the others by
 * `rest` (a hanging indent). Unlimited width: one line.
 */
export function hanging(text: string, width: number | undefined, rest: number, first = 0): string {
  const pad = (n: number) => ' '.repeat(n);
  if (width === undefined) return pad(first) + text + '\n';
  const limit = Math.max(width, MIN_TABLE_WIDTH);
  const [head, ...more] = wrap(text, limit - first);
  const tail = more.length === 0 ? [] : wrap(more.join(' '), limit - rest).map((l) => pad(rest) + l);
  return [pad(first) + head, ...tail].join('\n') + '\n';
}

/** `dcs-bigkey tasks` output. */
export function renderTasksTable(
  listing: { readonly instance_id: string; readonly count: number; readonly records: readonly BigKeyTask[] },
  source: string,
  page: { readonly offset?: number; readonly limit?: number } | undefined,
  now: Date,
  options: TableOptions = {},
  /** What the tasks are called in the header, e.g. `hot key task`. */
  noun = 'task',
): string {
  const shown = page
    ? `showing ${listing.records.length} from offset ${page.offset ?? 0}${page.limit !== undefined ? ` (limit ${page.limit})` : ''}`
    : `showing all, newest first`;
  const header = hanging(`instance ${plain(listing.instance_id)}: ${listing.count} ${noun}${listing.count === 1 ? '' : 's'} (${shown}; source: ${source})`, options.width, 2);
  if (listing.records.length === 0) return header + `(no ${noun}s)\n`;
  const rows = listing.records.map((t) => [t.id, t.scan_type, t.status, t.created_at, t.started_at ?? '-', t.finished_at ?? '-', taskDuration(t, now)]);
  const columns: Column[] = [
    { header: 'ID' },
    { header: 'TYPE' },
    { header: 'STATUS' },
    { header: 'CREATED', drop: 3 },
    { header: 'STARTED', drop: 1 },
    { header: 'FINISHED', drop: 2 },
    { header: 'DURATION', minWidth: 8 },
  ];
  return header + '\n' + renderTable(columns, rows, options);
}

/** Run time of a finished task, or how long an unfinished one has been running or waiting. */
export function taskDuration(task: BigKeyTask, now: Date): string {
  if (task.started_at && task.finished_at) return formatDuration(Date.parse(task.finished_at) - Date.parse(task.started_at));
  if (task.status === 'running' && task.started_at) return `${formatDuration(now.getTime() - Date.parse(task.started_at))} so far`;
  if (task.status === 'waiting') return `waiting ${formatDuration(now.getTime() - Date.parse(task.created_at))}`;
  return '-';
}

/** `dcs-bigkey gate --format table`. */
export function renderGateTable(report: GateReport, options: TableOptions = {}): string {
  const out: string[] = [];
  out.push(hanging(`dcs-bigkey gate: ${report.verdict.toUpperCase()} (exit code ${report.exitCode}); ${summaryLine(report)}`, options.width, 2) + '\n');
  // The largest keys only when some instance's keys were read (a key policy is on).
  const withKeys = anyKeysRead(report);
  const rows = report.instances.map((r) => [
    r.verdict,
    r.name ?? '-',
    r.instanceId,
    r.latestAuto ? r.latestAuto.status : r.lookupError ? 'not read' : 'none',
    r.latestAuto?.id ?? '-',
    r.latestAuto?.finished_at ?? '-',
    ageText(r.latestAutoAgeMs) || '-',
    r.tasksRead === undefined ? '-' : String(r.tasksRead),
    ...(withKeys ? [largestKeysText(r) || '-'] : []),
    policiesText(r),
    shortReason(r) || '-',
  ]);
  // On a narrow terminal the policies evaluated move under the row first (they must stay visible,
  // and keep their full text there), then the largest keys do; then the task id, times and
  // counts go (they are in the findings and the JSON report).
  const columns: Column[] = [
    { header: 'VERDICT' },
    { header: 'NAME', minWidth: 12 },
    { header: 'INSTANCE' },
    { header: 'LATEST AUTO', drop: 5 },
    { header: 'AUTO TASK', drop: 1 },
    { header: 'FINISHED', drop: 2 },
    { header: 'AGE', drop: 4 },
    { header: 'TASKS', drop: 3 },
    ...(withKeys ? [{ header: 'LARGEST KEYS', drop: 0.5, underLabel: 'largest keys: ' }] : []),
    { header: 'POLICIES', drop: 0, underLabel: 'policies: ' },
    { header: 'REASON', minWidth: 16 },
  ];
  out.push(renderTable(columns, rows, options));
  const failing = report.instances.filter((r) => r.findings.length > 0);
  if (failing.length > 0) {
    out.push('\n');
    for (const r of failing) {
      out.push(hanging(`${r.verdict}: ${plain(r.name ? `${r.name} (${r.instanceId})` : r.instanceId)}`, options.width, 2));
      for (const f of r.findings) out.push(hanging(`- [${f.policy}, ${f.severity}] ${plain(f.message)}`, options.width, 4, 2));
    }
  }
  return out.join('');
}
