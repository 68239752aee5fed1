/**
 * Adaptive client-side rate control for one account: every request to one endpoint with one
 * project and access key passes through one controller (owned by that client), because Huawei's
 * API gateway throttles per account and API: a 429 seen by one lookup is news for all of them.
 *
 * A token bucket gates sends. Nothing is limited until the first 429 (like the AWS SDKs'
 * adaptive retry mode). Then:
 *
 * - A 429 pauses every send for its `Retry-After`, and cuts the send rate. The cut is sized by
 *   the evidence: the share of 429s among the answers to requests sent since the last cut, and,
 *   once the gateway is known to be saturated, the rate at which it still admits requests (a
 *   token-bucket gateway admits exactly its refill rate while saturated: the best estimate of
 *   the account's limit). Answers that arrive late for requests sent before a cut refine that cut.
 * - While most answers are 429s the rate is cut again each round trip. Otherwise the controller
 *   asks whether slowing down helped, from the answers to requests sent once the gateway had
 *   seen the cut (after the first answer that followed it): if the gateway admits a fixed rate,
 *   fewer sends mean a predictably smaller share of 429s; if 429s keep coming at the same share
 *   (a per-instance limit, a flaky gateway), our rate is not the cause. When the counts favour
 *   the second explanation 100:1 the cut is undone, and later 429s at about that share only
 *   pause for their `Retry-After`; they no longer cut the rate. After EVAL_SAMPLES answers
 *   without such evidence the cut stands.
 * - On success the rate grows again, slowly at first and faster later (cubic, as in CUBIC and
 *   the AWS SDKs): `recoveryMs` after the cut stands it is 30 % above the rate it was cut to.
 *
 * The controller never sends anything itself and never drops or repeats a request: it only
 * decides when a queued send may go, in order; a send fails instead when the client closes, or
 * when it would have to wait past its deadline. Retrying stays with undici's retry interceptor.
 * No global state: each client has its own controller and clock.
 */

/** Dispatch option (epoch ms) a request may carry: the rate controller fails it rather than keep it waiting past this. */
export const DEADLINE_OPTION = 'dcsDeadline';
/** Dispatch option, `(delayMs) => void`: called when the request must wait for a pause of the whole account (another request's 429). */
export const PAUSE_OBSERVER_OPTION = 'dcsOnPause';

export interface RateControlOptions {
  /**
   * Highest send rate, requests per second, e.g. the account's known quota for this API.
   * @default no limit until the gateway answers 429
   */
  readonly maxRatePerSecond?: number;
  /** Lowest rate a throttled account is slowed to, requests per second. @default 1 */
  readonly minRatePerSecond?: number;
  /** Time after a cut at which the send rate is 30 % above the rate it was cut to. @default 1000 */
  readonly recoveryMs?: number;
}

/** Time and timers of a controller: the system's, or a fake one in tests. */
export interface RateClock {
  /** Milliseconds, monotonic. */
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const SYSTEM_CLOCK: RateClock = {
  now: () => performance.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

/** What the controller is doing, for tests and progress reports. */
export interface RateControlState {
  /** The send rate in requests per second; Infinity while nothing limits it. */
  readonly ratePerSecond: number;
  /** Sends waiting for a token or for a pause to end. */
  readonly queued: number;
  /** Milliseconds every send still waits for a `Retry-After`; 0 when none. */
  readonly pausedForMs: number;
  /** Answers seen, and how many of them were 429. */
  readonly answers: number;
  readonly throttled: number;
  /** Times the rate was cut, and cuts undone because slowing down did not reduce the 429s. */
  readonly cuts: number;
  readonly undone: number;
}

/** Handed to each send and given back with its answer: when (in which epoch) the request was sent. */
export interface SendTicket {
  readonly epoch: unknown;
  readonly settled?: unknown;
}

/** A send waiting in the queue; `cancel` fails it (controller closed, or its deadline cannot be met). */
export interface QueuedSend {
  send(ticket: SendTicket): void;
  cancel(reason: Error): void;
  /** Milliseconds the request may still wait; it fails instead of waiting longer. @default no limit */
  readonly timeLeftMs?: number;
  /** Called once, when queued, if the send must wait for a `Retry-After` pause (with the wait). */
  onPause?(waitMs: number): void;
}

/**
 * A queued send that could not go before its deadline: a `Retry-After` pause of the whole
 * account, or its pace, ends after it. The request was never sent.
 */
export class RateControlDeadlineError extends Error {
  readonly code = 'ERR_DCS_THROTTLED';
  constructor(
    /** How long the send would have had to wait, ms. */
    readonly waitMs: number,
    /** How long it could still wait, ms. */
    readonly timeLeftMs: number,
  ) {
    super(`the account is throttled: sending would have to wait ${Math.ceil(waitMs)} ms, past this request's deadline (${Math.max(0, Math.floor(timeLeftMs))} ms left)`);
    this.name = 'RateControlDeadlineError';
  }
}

/** A queued send with its deadline on the controller's clock. */
interface Waiting {
  readonly entry: QueuedSend;
  readonly deadline: number;
}

/** Answers in one window of evidence after a cut before deciding whether the cut helped. */
export const EVAL_SAMPLES = 32;
/** Answers after a cut that can already show that most requests are still refused. */
const FAST_SAMPLES = 8;
/** Share of 429s that means "clearly over the limit": cut again without waiting. */
const FAST_SHARE = 0.4;
/** A cut never lowers the rate below this fraction of the rate it cuts, or above the other. */
const DEEPEST_CUT = 0.5;
const MILDEST_CUT = 0.95;
/** With the gateway's admitted rate measured, a cut may go this deep. */
const DEEPEST_ESTIMATED_CUT = 0.2;
/** Growth over `recoveryMs` after a cut. */
const GROWTH = 0.3;
/** The token bucket holds this much of a second's worth of tokens (smooths timer lateness). */
const BURST_MS = 20;
/** Window of the measured send rate. */
const SEND_WINDOW_MS = 250;
/** Answers after a cut, and the likelihood ratio, needed to decide that 429s do not depend on our rate. */
const UNDO_SAMPLES = 16;
const UNDO_ODDS = 100;

/** Requests sent between two cuts, and what their answers were. */
class Epoch {
  answers = 0;
  throttled = 0;
  sends = 0;
  constructor(public startAt: number) {}

  /** Share of 429s; with `atLeast`, unanswered requests count as admitted up to that many. */
  share(atLeast = 1): number {
    return this.throttled / Math.max(atLeast, this.answers);
  }

  sendRate(now: number): number {
    return (this.sends * 1000) / Math.max(1, now - this.startAt);
  }
}

/** A run of cuts, from the first 429 until the controller decided whether cutting helped. */
interface Sequence {
  readonly startAt: number;
  /** Non-429 answers since the sequence started: what the saturated gateway admitted. */
  admitted: number;
  /** The epoch the last cut reacted to, the rate it was cut from, and the send rate then. */
  previous: Epoch;
  cutFrom: number;
  sendRateBefore: number;
}

export class AdaptiveRateController {
  private readonly maxRate: number;
  private readonly minRate: number;
  private readonly recoveryMs: number;
  private rate: number;
  /** The rate growth starts from, and when. */
  private base: number;
  private growFrom = 0;
  private tokens = 1;
  private lastRefill: number;
  private pausedUntil = 0;
  private readonly queue: Waiting[] = [];
  private timer: unknown;
  private closed: Error | undefined;
  private readonly sendTimes: number[] = [];
  private readonly answerTimes: number[] = [];
  private firstSendAt: number | undefined;
  private epoch: Epoch;
  /**
   * Requests sent after the first answer since the last cut: the gateway had seen the cut by
   * then. The first round trip after a cut still meets a bucket emptied by the faster sends
   * before it, so only these requests can show whether the cut helped.
   */
  private settled: Epoch | undefined;
  private sequence: Sequence | undefined;
  /** Share of 429s found not to depend on our rate; below about this, 429s cut nothing. */
  private background: number | undefined;
  private answers = 0;
  private throttledAnswers = 0;
  private cuts = 0;
  private undone = 0;

  constructor(
    options: RateControlOptions = {},
    private readonly clock: RateClock = SYSTEM_CLOCK,
  ) {
    this.maxRate = options.maxRatePerSecond ?? Infinity;
    this.minRate = options.minRatePerSecond ?? 1;
    this.recoveryMs = options.recoveryMs ?? 1000;
    this.rate = this.maxRate;
    this.base = this.maxRate;
    this.lastRefill = clock.now();
    this.epoch = new Epoch(clock.now());
  }

  /** Queues a send; it goes at once when nothing limits, otherwise in order when a token is free. */
  schedule(entry: QueuedSend): void {
    if (this.closed) return entry.cancel(this.closed);
    const now = this.clock.now();
    const deadline = now + (entry.timeLeftMs ?? Infinity);
    this.queue.push({ entry, deadline });
    if (this.pausedUntil > now && deadline >= this.pausedUntil) entry.onPause?.(this.pausedUntil - now);
    this.drain();
  }

  /** The answer to a request sent with `ticket`: a 429 (with its `Retry-After`), or anything else. */
  record(ticket: SendTicket, answer: { readonly throttled: boolean; readonly retryAfterMs?: number }): void {
    const now = this.clock.now();
    const epoch = ticket.epoch as Epoch;
    const settled = ticket.settled as Epoch | undefined;
    remember(this.answerTimes, now);
    epoch.answers += 1;
    if (settled) settled.answers += 1;
    this.answers += 1;
    if (answer.throttled) {
      epoch.throttled += 1;
      if (settled) settled.throttled += 1;
      this.throttledAnswers += 1;
      if (answer.retryAfterMs) this.pausedUntil = Math.max(this.pausedUntil, now + answer.retryAfterMs);
    }
    this.react(now, epoch, answer.throttled);
    this.drain();
  }

  state(): RateControlState {
    return {
      ratePerSecond: this.rate,
      queued: this.queue.length,
      pausedForMs: Math.max(0, this.pausedUntil - this.clock.now()),
      answers: this.answers,
      throttled: this.throttledAnswers,
      cuts: this.cuts,
      undone: this.undone,
    };
  }

  /** Stops the timer and fails every queued send with `reason`. */
  close(reason: Error): void {
    this.closed = reason;
    if (this.timer !== undefined) this.clock.clearTimeout(this.timer);
    this.timer = undefined;
    for (const { entry } of this.queue.splice(0)) entry.cancel(reason);
  }

  private react(now: number, epoch: Epoch, throttled: boolean): void {
    const sequence = this.sequence;
    if (!sequence) {
      if (!throttled) return this.grow(now);
      // A 429 for a request sent before the last change of rate says nothing about the new rate.
      if (epoch !== this.epoch) return;
      if (this.background !== undefined && epoch.share(EVAL_SAMPLES) <= this.background * 1.25 + 0.05) return;
      return this.cut(now);
    }
    if (!throttled) sequence.admitted += 1;
    if (epoch === sequence.previous && throttled) return this.refine(now, sequence);
    if (epoch !== this.epoch) return;
    this.settled ??= new Epoch(now);
    if (epoch.answers >= FAST_SAMPLES && throttled && epoch.share() >= FAST_SHARE) return this.cut(now);
    const settled = this.settled;
    if (settled.answers >= UNDO_SAMPLES && this.rateIndependent(now, sequence, settled)) return this.undo(now);
    if (settled.answers >= EVAL_SAMPLES) this.keep(now);
  }

  /** How far to cut `from`, given the epoch the 429s came in. */
  private target(now: number, from: number, epoch: Epoch, sequence: Sequence | undefined): number {
    const elapsed = sequence ? now - sequence.startAt : 0;
    // Once the saturated gateway has admitted enough requests, their rate is the estimate of its
    // limit; before that, the share of 429s is.
    const factor =
      sequence && sequence.admitted >= FAST_SAMPLES && elapsed > 0
        ? Math.max(DEEPEST_ESTIMATED_CUT, (sequence.admitted * 1000) / elapsed / from)
        : Math.max(DEEPEST_CUT, 1 - epoch.share(FAST_SAMPLES));
    return Math.max(this.minRate, from * Math.min(MILDEST_CUT, factor));
  }

  private cut(now: number): void {
    const epoch = this.epoch;
    const sendRate = this.cuts === 0 || epoch.sends === 0 ? this.throughput(now) : epoch.sendRate(now);
    const from = Math.min(this.rate, sendRate);
    this.sequence ??= { startAt: now, admitted: 0, previous: epoch, cutFrom: from, sendRateBefore: sendRate };
    const sequence = this.sequence;
    Object.assign(sequence, { previous: epoch, cutFrom: from, sendRateBefore: sendRate });
    this.setRate(now, this.target(now, from, epoch, sequence));
    this.cuts += 1;
    this.settled = undefined;
    this.epoch = new Epoch(now);
  }

  /** Late 429s for the epoch the last cut reacted to: the cut was sized on less evidence. */
  private refine(now: number, sequence: Sequence): void {
    sequence.cutFrom = Math.min(sequence.cutFrom, this.throughput(now));
    const target = this.target(now, sequence.cutFrom, sequence.previous, sequence);
    if (target < this.rate) this.setRate(now, target);
  }

  /**
   * Whether the answers since the last cut say that 429s do not depend on our rate. If the
   * gateway admits a fixed rate, fewer sends mean a predictably smaller share of 429s; if it
   * refuses a fixed share of requests whatever we do, the share stays. True when the counts
   * favour the second explanation UNDO_ODDS to 1 (decided as soon as they do).
   */
  private rateIndependent(now: number, sequence: Sequence, after: Epoch): boolean {
    const before = sequence.previous.share();
    const predicted = Math.max(0, 1 - ((1 - before) * sequence.sendRateBefore) / Math.max(1e-9, after.sendRate(now)));
    return (
      after.throttled >= 3 &&
      after.share() <= before * 1.5 + 0.05 &&
      logLikelihoodRatio(after.throttled, after.answers, before, predicted) > Math.log(UNDO_ODDS)
    );
  }

  /** The cuts did not help: back to the rate before them; 429s at about this share no longer cut. */
  private undo(now: number): void {
    this.undone += 1;
    this.background = this.settled?.share() ?? 0;
    this.setRate(now, this.maxRate);
    this.epoch = new Epoch(now);
    this.keep(now);
  }

  /** The cuts stand: grow from here. */
  private keep(now: number): void {
    this.sequence = undefined;
    this.settled = undefined;
    this.base = this.rate;
    this.growFrom = now;
  }

  private grow(now: number): void {
    if (this.rate >= this.maxRate || this.base === Infinity) return;
    const target = grownRate(this.base, now - this.growFrom, this.recoveryMs);
    // Never run far ahead of what is actually sent (a pool limited by its concurrency).
    const cap = Math.max(this.rate, 2 * this.windowRate(this.sendTimes, now));
    this.setRate(now, Math.min(this.maxRate, target, cap));
  }

  private setRate(now: number, rate: number): void {
    this.refill(now);
    this.rate = Math.min(this.maxRate, rate);
    this.tokens = Math.min(this.tokens, this.capacity());
    // A timer armed for the old rate would be early or late: the caller drains again.
    if (this.timer !== undefined) this.clock.clearTimeout(this.timer);
    this.timer = undefined;
  }

  private capacity(): number {
    return Math.max(1, (this.rate * BURST_MS) / 1000);
  }

  private refill(now: number): void {
    if (this.rate !== Infinity) this.tokens = Math.min(this.capacity(), this.tokens + ((now - this.lastRefill) / 1000) * this.rate);
    this.lastRefill = now;
  }

  /**
   * Requests per second lately. Right after start, sends over less than a round trip overstate
   * the rate (a request answered and the next one sent count twice); answers do not, once there
   * are enough of them.
   */
  private throughput(now: number): number {
    const sent = this.windowRate(this.sendTimes, now);
    return this.answerTimes.length >= FAST_SAMPLES ? Math.min(sent, this.windowRate(this.answerTimes, now)) : sent;
  }

  /** Events per second over the last SEND_WINDOW_MS (or since the first send, if shorter). */
  private windowRate(times: number[], now: number): number {
    forget(times, now);
    if (this.firstSendAt === undefined) return 0;
    return (times.length * 1000) / Math.max(10, Math.min(SEND_WINDOW_MS, now - this.firstSendAt));
  }

  private drain(): void {
    if (this.timer !== undefined || this.closed) return;
    const now = this.clock.now();
    this.refill(now);
    while (this.queue.length > 0) {
      if (now < this.pausedUntil) {
        this.expire(now, this.pausedUntil);
        if (this.queue.length === 0) return;
        return this.arm(this.pausedUntil - now);
      }
      if (this.rate !== Infinity && this.tokens < 1) {
        const waitMs = ((1 - this.tokens) / this.rate) * 1000;
        if (this.expire(now, now + waitMs, true) > 0) continue;
        return this.arm(waitMs);
      }
      if (this.rate !== Infinity) this.tokens -= 1;
      this.firstSendAt ??= now;
      if (this.cuts === 0 && this.epoch.sends === 0) this.epoch.startAt = now;
      remember(this.sendTimes, now);
      this.epoch.sends += 1;
      if (this.settled) this.settled.sends += 1;
      this.queue.shift()!.entry.send({ epoch: this.epoch, settled: this.settled });
    }
  }

  /**
   * Fails the queued sends that cannot go before `sendAt` (with `headOnly`, only those at the
   * head of the queue). The failures are reported after this call returns (a microtask), so no
   * caller re-enters the controller while it drains.
   */
  private expire(now: number, sendAt: number, headOnly = false): number {
    const failed: Waiting[] = [];
    for (let i = 0; i < this.queue.length; ) {
      if (this.queue[i].deadline >= sendAt) {
        if (headOnly) break;
        i += 1;
      } else {
        failed.push(...this.queue.splice(i, 1));
      }
    }
    for (const { entry, deadline } of failed) queueMicrotask(() => entry.cancel(new RateControlDeadlineError(sendAt - now, deadline - now)));
    return failed.length;
  }

  private arm(ms: number): void {
    this.timer = this.clock.setTimeout(() => {
      this.timer = undefined;
      this.drain();
    }, Math.max(0, Math.ceil(ms)));
  }
}

/**
 * The rate `elapsedMs` after a cut settled at `base`: slow growth at first, faster later
 * (cubic), 30 % above `base` after `recoveryMs`.
 */
export function grownRate(base: number, elapsedMs: number, recoveryMs: number): number {
  return base * (1 + GROWTH * (elapsedMs / recoveryMs) ** 3);
}

/** Adds a timestamp, dropping those out of the window now and then (they are never read again). */
function remember(times: number[], now: number): void {
  times.push(now);
  if (times.length > 4096) forget(times, now);
}

function forget(times: number[], now: number): void {
  let drop = 0;
  while (drop < times.length && times[drop] <= now - SEND_WINDOW_MS) drop += 1;
  times.splice(0, drop);
}

/** log of P(k of n | p1) / P(k of n | p2) for binomial counts; probabilities kept off 0 and 1. */
export function logLikelihoodRatio(k: number, n: number, p1: number, p2: number): number {
  const clamp = (p: number) => Math.min(0.99, Math.max(0.01, p));
  const a = clamp(p1);
  const b = clamp(p2);
  return k * Math.log(a / b) + (n - k) * Math.log((1 - a) / (1 - b));
}
