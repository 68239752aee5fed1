/**
 * What a command needs from its surroundings, passed in so that tests can run a command
 * in-process (capturing its output) exactly as the real executable runs it.
 */

export interface OutputStream {
  write(text: string): unknown;
}

export interface CliIo {
  readonly stdout: OutputStream;
  readonly stderr: OutputStream;
  /** Environment: credentials, project, region and endpoint defaults are read from here only. */
  readonly env: NodeJS.ProcessEnv;
  /** Whether stderr is a terminal: progress is shown there (or with --verbose), never on stdout. */
  readonly isTTY: boolean;
  /** Clock for ages and report times. @default the system clock */
  readonly now?: () => Date;
  /** Width of stdout when it is a terminal; undefined otherwise. */
  readonly columns?: number;
}

/**
 * How wide tables on stdout may be: `COLUMNS` when set to a positive integer (also when stdout
 * is no terminal: an explicit request), else the terminal's width, else unlimited.
 */
export function terminalWidth(io: Pick<CliIo, 'env' | 'columns'>): number | undefined {
  const fromEnv = io.env.COLUMNS;
  if (fromEnv !== undefined && /^\d{1,5}$/.test(fromEnv.trim()) && Number(fromEnv) > 0) return Number(fromEnv);
  return io.columns !== undefined && io.columns > 0 ? io.columns : undefined;
}

/** Exit codes shared by every command. */
export const EXIT = {
  OK: 0,
  /** tasks: the API or the network failed. gate: at least one instance blocked by policy. */
  FAILURE: 1,
  /** Bad flags, values, files or configuration, found before any request was sent. */
  USAGE: 2,
  /** gate: at least one lookup failed, so the gate could not decide (fail closed). */
  LOOKUP_FAILED: 3,
} as const;

/** A usage problem: reported with a pointer to `--help`, exit code 2, no request sent. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** Collects what a command writes, for tests and for the benchmark. */
export class BufferStream implements OutputStream {
  private readonly chunks: string[] = [];
  write(text: string): boolean {
    this.chunks.push(text);
    return true;
  }
  get text(): string {
    return this.chunks.join('');
  }
}
