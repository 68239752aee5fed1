/**
 * Report files (`--report FORMAT=FILE,...`) and the atomic write under them: checked before any
 * request, written whole or not at all.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { UsageError } from '../../lib/cli/io';
import { parseReportFlag, writeReportFiles } from '../../lib/cli/report-files';
import { writeFileAtomic } from '../../lib/util/atomic-file';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dcs-bigkey-report-files-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
afterEach(() => jest.restoreAllMocks());

/** The module object itself (the `import * as` namespace is a read-only copy): spies go here. */
const nodeFs: typeof fs = jest.requireActual('node:fs');
const FORMATS = ['table', 'json', 'markdown', 'github'] as const;

it('parses FORMAT=FILE items into absolute paths', () => {
  const a = path.join(dir, 'a.json');
  expect(parseReportFlag(`json=${a}, markdown=${path.join(dir, 'a.md')}`, FORMATS)).toEqual([
    { format: 'json', file: a },
    { format: 'markdown', file: path.join(dir, 'a.md') },
  ]);
  expect(parseReportFlag('table=relative.txt', FORMATS)).toEqual([{ format: 'table', file: path.resolve('relative.txt') }]);
});

it.each([
  ['', /expected FORMAT=FILE items separated by commas/],
  ['json', /name the file after "="|expected FORMAT=FILE/],
  ['json=a.json,', /expected FORMAT=FILE items/],
  ['html=a.html', /FORMAT one of table, json, markdown, github/],
  [`json=${dir}`, /is a directory; name a file/],
  [`json=${path.join(dir, 'missing', 'a.json')}`, /the directory .*missing does not exist; create it first/],
  [`json=${path.join(dir, 'a.txt')},markdown=${path.join(dir, 'a.txt')}`, /names .*a\.txt more than once/],
])('refuses %j', (raw, pattern) => {
  expect(() => parseReportFlag(raw, FORMATS)).toThrow(UsageError);
  expect(() => parseReportFlag(raw, FORMATS)).toThrow(pattern);
});

it('refuses a directory it cannot write in', () => {
  if (process.getuid?.() === 0) {
    // root writes anywhere: the access check is the kernel's; prove it is asked.
    const access = jest.spyOn(nodeFs, 'accessSync').mockImplementation(() => {
      throw Object.assign(new Error('EACCES'), { code: 'EACCES' });
    });
    expect(() => parseReportFlag(`json=${path.join(dir, 'x.json')}`, FORMATS)).toThrow(/cannot write in .* \(permission denied\)/);
    expect(access).toHaveBeenCalledWith(dir, fs.constants.W_OK);
    return;
  }
  const locked = fs.mkdtempSync(path.join(dir, 'locked-'));
  fs.chmodSync(locked, 0o500);
  expect(() => parseReportFlag(`json=${path.join(locked, 'x.json')}`, FORMATS)).toThrow(/permission denied/);
});

it('writes atomically: the old content or the new, never half, and no temporary file left', () => {
  const file = path.join(dir, 'atomic.json');
  fs.writeFileSync(file, 'old\n');
  writeFileAtomic(file, 'new\n');
  expect(fs.readFileSync(file, 'utf8')).toBe('new\n');
  jest.spyOn(nodeFs, 'renameSync').mockImplementation(() => {
    throw new Error('disk went away');
  });
  expect(() => writeFileAtomic(file, 'newer\n')).toThrow('disk went away');
  expect(fs.readFileSync(file, 'utf8')).toBe('new\n');
  expect(fs.readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
});

it('returns the files it could not write, and writes the others', () => {
  const ok = path.join(dir, 'ok.md');
  const gone = path.join(dir, 'gone', 'x.json');
  const failures = writeReportFiles([{ format: 'json', file: gone }, { format: 'markdown', file: ok }], (format) => `${format}\n`);
  expect(failures).toEqual([{ file: gone, message: expect.stringContaining('ENOENT') }]);
  expect(fs.readFileSync(ok, 'utf8')).toBe('markdown\n');
});
