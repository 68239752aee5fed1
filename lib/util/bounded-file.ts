/**
 * Reading a configuration file (a fleet file, the snapshot file) without letting it grow the
 * process without bound: only regular files (never a device such as /dev/zero, a FIFO or a
 * directory), at most `maxBytes`, read through one descriptor so the checks and the read are
 * about the same file. A UTF-8 byte order mark at the start is dropped (editors on Windows add one).
 */
import * as fs from 'node:fs';

export class FileReadError extends Error {
  constructor(
    message: string,
    /** `ENOENT` when the file does not exist (some callers treat that as "empty"). */
    readonly code?: string,
  ) {
    super(message);
    this.name = 'FileReadError';
  }
}

/** 1 MiB, for messages. */
const MIB = 1024 * 1024;

export function readBoundedTextFile(file: string, maxBytes: number, what: string): string {
  let fd: number;
  try {
    // O_NONBLOCK: opening a FIFO must not wait for a writer (regular files ignore the flag).
    fd = fs.openSync(file, fs.constants.O_RDONLY | fs.constants.O_NONBLOCK);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason = code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : (error as Error).message;
    throw new FileReadError(`cannot read ${what} ${file}: ${reason}`, code);
  }
  try {
    const stat = fs.fstatSync(fd);
    if (!stat.isFile()) {
      const kind = stat.isDirectory() ? 'a directory' : stat.isCharacterDevice() || stat.isBlockDevice() ? 'a device' : stat.isFIFO() ? 'a pipe' : stat.isSocket() ? 'a socket' : 'not a regular file';
      throw new FileReadError(`cannot read ${what} ${file}: it is ${kind}, not a regular file`);
    }
    const tooBig = (size: string) => new FileReadError(`cannot read ${what} ${file}: it is ${size}, more than the ${maxBytes / MIB} MiB a ${what} may have`);
    if (stat.size > maxBytes) throw tooBig(`${stat.size} bytes`);
    // One byte more than the size: a file that grows while it is read is caught, not cut short.
    const buffer = Buffer.alloc(stat.size + 1);
    let length = 0;
    for (let n = 1; n > 0 && length < buffer.length; length += n) n = fs.readSync(fd, buffer, length, buffer.length - length, null);
    if (length > stat.size) throw new FileReadError(`cannot read ${what} ${file}: it grew while it was read; read it again when it is complete`);
    const text = buffer.subarray(0, length).toString('utf8');
    return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  } catch (error) {
    if (error instanceof FileReadError) throw error;
    throw new FileReadError(`cannot read ${what} ${file}: ${(error as Error).message}`, (error as NodeJS.ErrnoException).code);
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * JSON.parse, with a syntax error described by where it is (line and column) but never by what
 * is there: Node's own message quotes the text, and the file could be any file.
 */
export function parseJsonText(text: string): { ok: true; value: unknown } | { ok: false; problem: string } {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch (error) {
    const message = (error as Error).message;
    const at = /at position (\d+)/.exec(message);
    if (at) {
      const before = text.slice(0, Number(at[1]));
      const line = before.split('\n').length;
      return { ok: false, problem: `a JSON syntax error at line ${line}, column ${before.length - before.lastIndexOf('\n')}` };
    }
    if (/end of JSON input/.test(message)) return { ok: false, problem: 'the JSON ends early (a cut-off or empty file)' };
    return { ok: false, problem: 'not JSON' };
  }
}
