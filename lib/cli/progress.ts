/**
 * Fleet progress on stderr: `120/500 done, 3 blocked, 0 failed so far`, and the waits the
 * client is in ("throttled by the API, waiting 8 s"). When stderr is a terminal: one line,
 * redrawn at most ten times a second (for one instance, only while it waits), and at the end
 * erased — for a fleet, replaced by the result. With --verbose and no terminal: a line per
 * instance and per retry wait, for CI logs. Otherwise nothing. Never on stdout, which carries
 * the report.
 */
import { RetryEvent } from '../client/client';
import { Verdict } from '../policy/gate-policy';
import { OutputStream } from './io';

export type ProgressMode = 'tty' | 'lines' | 'off';

export function progressMode(options: { isTTY: boolean; verbose: boolean }): ProgressMode {
  if (options.isTTY) return 'tty';
  return options.verbose ? 'lines' : 'off';
}

const REDRAW_MS = 100;
const ERASE_LINE = '\r\x1b[2K';

/** `8 s`, `1.5 s`, `0.2 s`: a wait as people read it. */
export function waitText(ms: number): string {
  const s = ms / 1000;
  return `${s >= 10 ? Math.round(s) : Number(s.toFixed(1))} s`;
}

/** What a retry wait means for the user. */
export function retryText(event: Pick<RetryEvent, 'reason' | 'delayMs' | 'throttled'>): string {
  return event.throttled ? `throttled by the API, waiting ${waitText(event.delayMs)}` : `${event.reason}, retrying in ${waitText(event.delayMs)}`;
}

export class Progress {
  private done = 0;
  private readonly counts: Record<Verdict, number> = { pass: 0, warn: 0, blocked: 0, error: 0 };
  private lastDrawMs = -Infinity;
  private drawn = false;
  /** The latest wait, shown on the terminal line until it ends. */
  private waiting?: { readonly text: string; readonly untilMs: number };

  constructor(
    private readonly stream: OutputStream,
    private readonly total: number,
    private readonly mode: ProgressMode,
    private readonly clock: () => number = Date.now,
  ) {}

  /** One instance finished with this verdict. */
  tick(what: string, verdict: Verdict): void {
    this.done++;
    this.counts[verdict]++;
    if (this.mode === 'lines') this.stream.write(`dcs-bigkey gate: ${this.status()} (${what}: ${verdict})\n`);
    else if (this.mode === 'tty' && this.total > 1) this.draw(this.done === this.total);
  }

  /** The client is about to wait before retrying a request of `what`. */
  retry(what: string, event: RetryEvent): void {
    if (this.mode === 'lines') {
      this.stream.write(`dcs-bigkey gate: ${what}: ${retryText(event)}\n`);
    } else if (this.mode === 'tty') {
      const now = this.clock();
      this.waiting = { text: retryText(event), untilMs: now + event.delayMs };
      // A wait of a second or more is worth a redraw at once: the line may not change for that long.
      this.draw(event.delayMs >= 1000);
    }
  }

  /**
   * Replaces the terminal line with the result (a fleet) or erases it (one instance: the report
   * follows). Nothing in the other modes: their last line already says it all.
   */
  finish(): void {
    if (this.mode !== 'tty') return;
    const c = this.counts;
    const result = this.total > 1 ? `dcs-bigkey gate: checked ${this.done} of ${this.total}: ${c.pass} pass, ${c.warn} warn, ${c.blocked} blocked, ${c.error} error\n` : '';
    if (this.drawn || result) this.stream.write(ERASE_LINE + result);
  }

  /** `done/total done, N blocked, N failed`, with "so far" until the last instance is done. */
  status(): string {
    return `${this.done}/${this.total} done, ${this.counts.blocked} blocked, ${this.counts.error} failed${this.done < this.total ? ' so far' : ''}`;
  }

  private draw(force: boolean): void {
    const now = this.clock();
    if (!force && now - this.lastDrawMs < REDRAW_MS) return;
    this.lastDrawMs = now;
    this.drawn = true;
    const waiting = this.waiting && now < this.waiting.untilMs ? `; ${this.waiting.text}` : '';
    this.stream.write(`${ERASE_LINE}dcs-bigkey gate: ${this.status()}${waiting}`);
  }
}
