/**
 * `dcs-bigkey gate --format markdown`: a pull-request comment (or `$GITHUB_STEP_SUMMARY`).
 *
 * A title with the overall verdict and a one-line summary, then, when it all fits: one table row
 * per instance (worst first, with the policies evaluated for it) and the full findings of every
 * instance that did not pass (with its policies again, as the table may be left out). The
 * report never exceeds `maxChars` (default 64,000: under GitHub's 65,536-character comment limit,
 * with room for a line of the caller's own). A larger fleet gets, in this order of priority:
 *   1. the full findings of the instances that did not pass (errors, then blocks, then warnings;
 *      one instance's findings are themselves cut, with a note, if even they do not fit),
 *   2. one line each for the further instances that did not pass,
 *   3. the passing instances, in a collapsed table, as many as fit,
 * every instance shown with the policies evaluated for it (a pass must never hide that little
 * was checked),
 * and a note at the top saying what was left out and how to get every instance and message.
 *
 * Where some instance's keys were read (a key policy), the tables have a Largest keys column
 * and each instance's details a line saying them (sizes and types, never key names).
 *
 * Text from outside (names, API messages) is escaped: it can neither break the table nor inject
 * markup.
 */
import { GateReport, InstanceResult, MARKS, ageText, anyKeysRead, largestKeysText, policiesText, shortReason, worstFirst } from './model';

/** GitHub's limit for a comment body is 65,536 characters; this leaves room for a caller's own line. */
export const MARKDOWN_MAX_CHARS = 64_000;

export interface MarkdownOptions {
  /** Upper bound on the report's length in UTF-16 code units (never fewer than its characters). @default MARKDOWN_MAX_CHARS */
  readonly maxChars?: number;
}

/** Where a shortened report sends readers for the whole of it. */
export const WHOLE_REPORT_HINT = 'every instance and message is in `dcs-bigkey gate … --format json` (or `--report json=FILE` next to this report)';

/** Room kept for the note about what was left out. */
const NOTE_RESERVE = 700;
/** When not every instance's findings fit, they get at most this share, so more of the others can still be named. */
const DETAILS_SHARE = 0.6;

export function renderGateMarkdown(report: GateReport, options: MarkdownOptions = {}): string {
  const maxChars = options.maxChars ?? MARKDOWN_MAX_CHARS;
  const ordered = worstFirst(report.instances);
  const failing = ordered.filter((r) => r.verdict !== 'pass');
  const head = header(report);
  const keys = anyKeysRead(report);

  const whole = head + table(ordered, true, keys) + failing.map((r) => '\n' + details(r)).join('');
  if (whole.length <= maxChars) return finish(whole);

  // Shortened: what fits, by priority; the note says what did not.
  let room = maxChars - head.length - NOTE_RESERVE;
  const parts: string[] = [];
  const left: string[] = [];

  // 1. Full findings, worst first.
  const blocks = failing.map(details);
  const detailRoom = blocks.reduce((n, b) => n + b.length + 1, 0) <= room ? room : Math.floor(room * DETAILS_SHARE);
  let detailed = 0;
  let used = 0;
  for (const block of blocks) {
    if (used + block.length + 1 > detailRoom) {
      if (detailed === 0) {
        // Not even the worst instance's findings fit whole: cut them, and say so.
        const cut = truncatedDetails(failing[0], detailRoom - 1);
        parts.push('\n' + cut);
        used += cut.length + 1;
        detailed = 1;
        left.push('part of the findings of the first instance below');
      }
      break;
    }
    parts.push('\n' + block);
    used += block.length + 1;
    detailed++;
  }
  room -= used;

  // 2. One line for each further instance that did not pass.
  const named: string[] = [];
  for (const r of failing.slice(detailed)) {
    const reason = shortReason(r);
    const line = `- ${MARKS[r.verdict]} ${who(r)}: ${r.verdict}${reason ? ` — ${inline(reason)}` : ''} (policies: ${inline(policiesText(r))})\n`;
    if (line.length > room - NAMED_HEAD.length) break;
    named.push(line);
    room -= line.length;
  }
  if (named.length > 0) {
    parts.push(NAMED_HEAD + named.join(''));
    room -= NAMED_HEAD.length;
    left.push(`the findings of ${count(named.length, 'instance')} that did not pass (named under "Not detailed here")`);
  }
  const unnamed = failing.slice(detailed + named.length);
  if (unnamed.length > 0) left.push(`${count(unnamed.length, 'more instance')} that did not pass (${verdictCounts(unnamed)})`);

  // 3. Passing instances, collapsed.
  const passing = ordered.filter((r) => r.verdict === 'pass');
  if (passing.length > 0) {
    const open = `\n<details><summary>${MARKS.pass} ${count(passing.length, 'instance')} passed</summary>\n\n`;
    const close = '\n</details>\n';
    const rows: string[] = [];
    const tableHead = tableHeader(false, keys);
    let rowRoom = room - open.length - close.length - tableHead.length;
    for (const r of passing) {
      const line = row(r, false, keys);
      if (line.length > rowRoom) break;
      rows.push(line);
      rowRoom -= line.length;
    }
    parts.push(rows.length > 0 ? open + tableHead + rows.join('') + close : `\n${MARKS.pass} ${count(passing.length, 'instance')} passed (not listed).\n`);
    if (rows.length < passing.length) left.push(`${rows.length === 0 ? 'all' : n(passing.length - rows.length)} of ${count(passing.length, 'passing instance')}`);
  }

  // Everything may still be here, only without the overview table: say that much.
  if (left.length === 0) left.push('the overview table (every instance is still listed below)');
  const note = `> ✂️ **Shortened to fit a GitHub comment (at most ${n(maxChars)} characters).** Left out: ${left.join('; ')}. ${capitalize(WHOLE_REPORT_HINT)}.\n`;
  return finish(head + note + parts.join(''));
}

const NAMED_HEAD = '\n#### Not detailed here\n\n';

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

function header(report: GateReport): string {
  const s = report.summary;
  return (
    `### ${MARKS[report.verdict]} DCS big key gate: ${report.verdict}\n\n` +
    `${count(s.total, 'instance')}: ${MARKS.pass} ${n(s.pass)} pass · ${MARKS.warn} ${n(s.warn)} warn · ` +
    `${MARKS.blocked} ${n(s.blocked)} blocked · ${MARKS.error} ${n(s.error)} error — exit code ${report.exitCode}, checked ${report.generatedAt.toISOString()}\n\n`
  );
}

/** The table's header: the Reason column in the overview only, Largest keys where keys were read. */
function tableHeader(withReason: boolean, withKeys: boolean): string {
  const names = ['', 'Name', 'Instance', 'Latest automatic scan', 'Finished', 'Age', ...(withKeys ? ['Largest keys'] : []), 'Policies', ...(withReason ? ['Reason'] : [])];
  return `| ${names.join(' | ').trimStart()} |\n|${names.map(() => '---|').join('')}\n`;
}

function table(instances: readonly InstanceResult[], withReason: boolean, withKeys: boolean): string {
  return tableHeader(withReason, withKeys) + instances.map((r) => row(r, withReason, withKeys)).join('');
}

function row(r: InstanceResult, withReason: boolean, withKeys: boolean): string {
  const cells = [
    MARKS[r.verdict],
    r.name === undefined ? '—' : cell(r.name),
    code(r.instanceId),
    latestAutoCell(r),
    r.latestAuto?.finished_at ? cell(r.latestAuto.finished_at) : '—',
    r.latestAutoAgeMs === undefined ? '—' : cell(ageText(r.latestAutoAgeMs)),
    ...(withKeys ? [cell(largestKeysText(r)) || '—'] : []),
    cell(policiesText(r)),
    ...(withReason ? [cell(shortReason(r)) || '—'] : []),
  ];
  return `| ${cells.join(' | ')} |\n`;
}

/** An instance's heading and the policies evaluated for it (and its largest keys, where read), above its findings. */
function heading(r: InstanceResult): string {
  const keys = largestKeysText(r);
  return `#### ${MARKS[r.verdict]} ${who(r)}: ${r.verdict}\n\nPolicies evaluated: ${inline(policiesText(r))}${keys ? `\\\nLargest keys: ${inline(keys)}` : ''}\n\n`;
}

function findingLine(policy: string, severity: string, message: string): string {
  return `- **${policy}** (${severity}): ${message}\n`;
}

/** The full findings of one instance. */
function details(r: InstanceResult): string {
  return heading(r) + r.findings.map((f) => findingLine(f.policy, f.severity, inline(f.message))).join('');
}

/** One instance's findings cut to `room` characters: whole findings while they fit, the first one's message cut if need be. */
function truncatedDetails(r: InstanceResult, room: number): string {
  let out = heading(r);
  let shown = 0;
  const moreNote = (n: number) => `- … ${count(n, 'more finding')} of this instance left out\n`;
  for (const f of r.findings) {
    const line = findingLine(f.policy, f.severity, inline(f.message));
    const reserve = shown + 1 < r.findings.length ? moreNote(r.findings.length - shown - 1).length : 0;
    if (out.length + line.length + reserve <= room) {
      out += line;
      shown++;
      continue;
    }
    if (shown === 0) {
      const suffix = ' … (message cut)';
      const fixed = findingLine(f.policy, f.severity, '').length + suffix.length + reserve;
      out += findingLine(f.policy, f.severity, inlinePrefix(f.message, room - out.length - fixed) + suffix);
      shown++;
    }
    break;
  }
  if (shown < r.findings.length) out += moreNote(r.findings.length - shown);
  return out;
}

/** The longest prefix of `text` (whole code points) whose escaped form fits in `room`. */
function inlinePrefix(text: string, room: number): string {
  const points = Array.from(text);
  let lo = 0;
  let hi = points.length;
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (inline(points.slice(0, mid).join('')).length <= room) lo = mid;
    else hi = mid - 1;
  }
  return inline(points.slice(0, lo).join(''));
}

function who(r: InstanceResult): string {
  return r.name === undefined ? code(r.instanceId) : `${inline(r.name)} (${code(r.instanceId)})`;
}

function verdictCounts(rs: readonly InstanceResult[]): string {
  const of = (v: InstanceResult['verdict']) => rs.filter((r) => r.verdict === v).length;
  return (['error', 'blocked', 'warn'] as const).filter((v) => of(v) > 0).map((v) => `${n(of(v))} ${v}`).join(', ');
}

/** 4,500: grouped digits, the same on every machine. */
function n(value: number): string {
  return value.toLocaleString('en-US');
}

function count(value: number, word: string): string {
  return `${n(value)} ${word}${value === 1 ? '' : 's'}`;
}

function finish(text: string): string {
  return text.replace(/\n+$/, '\n');
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
