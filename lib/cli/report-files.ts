/**
 * `--report FORMAT=FILE[,FORMAT=FILE…]`: more reports of the same run, written to files, so a
 * pipeline gets JSON for machines and markdown for people without querying the fleet twice
 * (`--format` still chooses what goes to stdout).
 *
 * Every file is checked before any request (its directory exists and is writable, it is not a
 * directory, no file is named twice): a bad path is a usage error. Files are written atomically
 * (temporary file + rename), so a reader never sees half a report.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { show } from '../client/validation';
import { writeFileAtomic } from '../util/atomic-file';
import { UsageError } from './io';

export interface ReportFile<F extends string = string> {
  readonly format: F;
  /** Absolute path. */
  readonly file: string;
}

export function parseReportFlag<F extends string>(raw: string, formats: readonly F[], flag = '--report'): ReportFile<F>[] {
  const items = raw.split(',').map((item) => item.trim());
  if (items.some((item) => item === '')) {
    throw new UsageError(`invalid ${flag} ${show(raw)}: expected FORMAT=FILE items separated by commas, e.g. json=gate.json,markdown=gate.md`);
  }
  const seen = new Set<string>();
  return items.map((item) => {
    const eq = item.indexOf('=');
    const format = eq < 0 ? item : item.slice(0, eq);
    const file = eq < 0 ? '' : item.slice(eq + 1);
    if (!(formats as readonly string[]).includes(format)) {
      throw new UsageError(`invalid ${flag} item ${show(item)}: expected FORMAT=FILE with FORMAT one of ${formats.join(', ')}`);
    }
    if (file === '') throw new UsageError(`invalid ${flag} item ${show(item)}: name the file after "=", e.g. ${format}=gate-report`);
    const absolute = path.resolve(file);
    if (seen.has(absolute)) throw new UsageError(`${flag} names ${file} more than once: give each report its own file`);
    seen.add(absolute);
    checkWritableFile(absolute, `${flag} ${format}=${file}`);
    return { format: format as F, file: absolute };
  });
}

/** Throws a UsageError unless `file` can be created or replaced. */
export function checkWritableFile(file: string, what: string): void {
  const stat = statOrUndefined(file);
  if (stat?.isDirectory()) throw new UsageError(`${what}: ${file} is a directory; name a file`);
  const dir = path.dirname(file);
  const dirStat = statOrUndefined(dir);
  if (!dirStat) throw new UsageError(`${what}: the directory ${dir} does not exist; create it first`);
  if (!dirStat.isDirectory()) throw new UsageError(`${what}: ${dir} is not a directory`);
  try {
    fs.accessSync(dir, fs.constants.W_OK);
  } catch {
    throw new UsageError(`${what}: cannot write in ${dir} (permission denied)`);
  }
}

/** Writes every report; returns the failures (each file is whole or untouched). */
export function writeReportFiles<F extends string>(files: readonly ReportFile<F>[], render: (format: F) => string): { file: string; message: string }[] {
  const failures: { file: string; message: string }[] = [];
  for (const { format, file } of files) {
    try {
      writeFileAtomic(file, render(format));
    } catch (error) {
      failures.push({ file, message: (error as Error).message });
    }
  }
  return failures;
}

/**
 * Removes what is at each path, where a report of this run could not be written: a report left
 * there (an earlier run's, or this run's first write, made before the exit code was known) would
 * be read as this run's. Returns the paths that could not be removed, with why.
 */
export function removeUnwrittenReports(files: readonly string[]): { file: string; message: string }[] {
  const left: { file: string; message: string }[] = [];
  for (const file of files) {
    try {
      fs.rmSync(file, { force: true });
    } catch (error) {
      left.push({ file, message: (error as Error).message });
    }
  }
  return left;
}

function statOrUndefined(file: string): fs.Stats | undefined {
  try {
    return fs.statSync(file);
  } catch {
    return undefined;
  }
}
