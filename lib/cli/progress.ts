/**
 * Fleet progress on stderr: `done/total, N failed so far`. Shown when stderr is a terminal
 * (one line, redrawn at most ten times a second) or with --verbose (a line per instance,
 * for CI logs); otherwise nothing. Never on stdout, which carries the report.
 */
import { Verdict } from '../policy/gate-policy';
import { OutputStream } from './io';

export type ProgressMode = 'tty' | 'lines' | 'off';

export function progressMode(options: { isTTY: boolean; verbose: boolean; total: number }): ProgressMode {
  if (options.verbose) return options.isTTY ? 'tty' : 'lines';
  return options.isTTY && options.total > 1 ? 'tty' : 'off';
}

export class Progress {
  private done = 0;
  private failed = 0;
  private blocked = 0;
  private lastDrawMs = 0;

  constructor(
    private readonly stream: OutputStream,
    private readonly total: number,
    private readonly mode: ProgressMode,
    private readonly clock: () => number = Date.now,
  ) {}

  /** One instance finished with this verdict. */
  tick(what: string, verdict: Verdict): void {
    this.done++;
    if (verdict === 'error') this.failed++;
    if (verdict === 'blocked') this.blocked++;
    if (this.mode === 'lines') {
      this.stream.write(`dcs-bigkey gate: ${this.status()} (${what}: ${verdict})\n`);
    } else if (this.mode === 'tty') {
      const now = this.clock();
      if (this.done === this.total || now - this.lastDrawMs >= 100) {
        this.lastDrawMs = now;
        this.stream.write(`\r\x1b[2Kdcs-bigkey gate: ${this.status()}`);
      }
    }
  }

  /** Ends the progress line (terminal mode). */
  finish(): void {
    if (this.mode === 'tty' && this.done > 0) this.stream.write('\n');
  }

  status(): string {
    return `${this.done}/${this.total} done, ${this.blocked} blocked, ${this.failed} failed so far`;
  }
}
