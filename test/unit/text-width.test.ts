/**
 * Terminal width of text and tables that fit a terminal: East Asian wide characters take two
 * columns (the table is checked, code point by code point, against get-east-asian-width, the
 * well-kept package string-width uses), clusters never split, tables fit the width given, and
 * the width comes from COLUMNS, else the terminal, else is unlimited.
 */
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import fc from 'fast-check';
import { terminalWidth } from '../../lib/cli/io';
import { hanging, renderTable, wrap } from '../../lib/cli/report/table';
import { clusters, displayWidth, WIDE_RANGES } from '../../lib/cli/text-width';

const REPO = path.resolve(__dirname, '..', '..');

it('holds the same wide ranges as get-east-asian-width (regenerate with test/support/east-asian-wide-ranges.mjs --ts)', () => {
  const run = spawnSync(process.execPath, [path.join(REPO, 'test', 'support', 'east-asian-wide-ranges.mjs')], { encoding: 'utf8' });
  expect(run.stderr).toBe('');
  const reference = JSON.parse(run.stdout) as { version: string; ranges: number[] };
  expect(reference.ranges.length).toBeGreaterThan(100);
  expect([...WIDE_RANGES]).toEqual(reference.ranges);
});

it.each([
  ['abc', 3],
  ['订单缓存', 8],
  ['注文キャッシュ', 14],
  ['한국어', 6],
  ['ｱｲｳ', 3], // halfwidth katakana
  ['ＡＢ', 4], // fullwidth forms
  ['e\u0301', 1], // combining accent
  ['👍🏽', 2],
  ['👨‍👩‍👧', 2],
  ['⚠️', 2],
  ['🇯🇵', 2],
  ['a\u200bb', 2], // zero-width space
  ['', 0],
])('%j is %i columns wide', (text, width) => {
  expect(displayWidth(text)).toBe(width);
});

describe('wrap', () => {
  it('never makes a line wider than asked, never splits a cluster, and loses no visible character', () => {
    const textArb = fc.array(fc.oneof(fc.constantFrom('订单', '缓存', '👍🏽', 'é', ' ', '  ', 'ｱ'), fc.string({ maxLength: 12 })), { maxLength: 30 }).map((parts) => parts.join('').replace(/[\u0000-\u001f\u007f-\u009f]/g, ''));
    fc.assert(
      fc.property(textArb, fc.integer({ min: 2, max: 40 }), (text, width) => {
        const lines = wrap(text, width);
        for (const line of lines) expect(displayWidth(line)).toBeLessThanOrEqual(width);
        const visible = (s: string) => clusters(s).map((c) => c.text).filter((c) => c.trim() !== '').join('');
        expect(lines.map(visible).join('')).toBe(visible(text));
      }),
    );
  });

  it('breaks at spaces where it can', () => {
    expect(wrap('lookup failed: HTTP 400 DCS.4919', 16)).toEqual(['lookup failed:', 'HTTP 400', 'DCS.4919']);
    expect(hanging('- [stuck-task, warning] a task has been waiting for 19h', 40, 4, 2)).toBe('  - [stuck-task, warning] a task has\n    been waiting for 19h\n');
  });
});

describe('tables', () => {
  const columns = [{ header: 'NAME', minWidth: 6 }, { header: 'INSTANCE' }, { header: 'TASK', drop: 1 }, { header: 'REASON', minWidth: 10 }];
  const rows = [
    ['订单缓存', '5560df16-cebf-4473-95c4-d1b573c16e79', 'c37728fa-ef30-4bcb-8cd4-2b7f5a5ccb06', '-'],
    ['sessions-cache', '7c9e6679-7425-40de-944b-e07fc1f90ae7', 'e8043eda-5371-47de-b413-4c25a0c8f6ba', 'latest automatic scan failed; scan stuck waiting or running (2 tasks)'],
  ];

  it('align wide characters: every column starts at the same display column', () => {
    const lines = renderTable(columns, rows).trimEnd().split('\n');
    const start = (line: string, text: string) => displayWidth(line.slice(0, line.indexOf(text)));
    expect(start(lines[1], '5560df16')).toBe(start(lines[0], 'INSTANCE'));
    expect(start(lines[2], '7c9e6679')).toBe(start(lines[0], 'INSTANCE'));
    expect(lines[1]).toBe('订单缓存        5560df16-cebf-4473-95c4-d1b573c16e79  c37728fa-ef30-4bcb-8cd4-2b7f5a5ccb06  -');
  });

  it('fit the width: drop columns in order, wrap the wrappable ones under their row, then move the last one under the row', () => {
    for (const width of [120, 80, 60]) {
      const text = renderTable(columns, rows, { width });
      for (const line of text.trimEnd().split('\n')) expect(displayWidth(line)).toBeLessThanOrEqual(width);
    }
    const at80 = renderTable(columns, rows, { width: 80 });
    expect(at80).not.toContain('TASK'); // dropped first
    expect(at80.split('\n')[2]).toMatch(/^sessions-cache  7c9e6679-7425-40de-944b-e07fc1f90ae7  latest automatic/);
    expect(at80.split('\n')[3]).toMatch(/^ {54}\S/); // the reason goes on under the row, in its column
    const at40 = renderTable(columns, rows, { width: 40 });
    expect(at40).toContain('\n    latest automatic scan failed; scan\n    stuck waiting or running (2 tasks)\n'); // under the row, indented
    // Unlimited (not a terminal): one line per row, nothing dropped.
    expect(renderTable(columns, rows).trimEnd().split('\n')).toHaveLength(3);
    expect(renderTable(columns, rows)).toContain('TASK');
  });
});

it('the width: COLUMNS when set, else the terminal, else unlimited', () => {
  expect(terminalWidth({ env: { COLUMNS: '100' }, columns: 200 })).toBe(100);
  expect(terminalWidth({ env: {}, columns: 132 })).toBe(132);
  expect(terminalWidth({ env: {} })).toBeUndefined();
  expect(terminalWidth({ env: { COLUMNS: 'wide' }, columns: 90 })).toBe(90);
  expect(terminalWidth({ env: { COLUMNS: '0' } })).toBeUndefined();
});
