/**
 * The adaptive rate controller on a fake clock: a simulated pool of lookups (fixed concurrency,
 * fixed round trip) against a simulated gateway, every step deterministic. Behaviour only: how
 * many requests were sent when, which were refused, what the controller's rate is.
 */
import { AdaptiveRateController, grownRate, RateClock, RateControlDeadlineError, RateControlOptions, SendTicket } from '../../lib/client/rate-control';

/** Timers on a virtual clock, run in time order (ties in the order they were set). */
class FakeClock implements RateClock {
  private t = 0;
  private seq = 0;
  private timers: { at: number; seq: number; fn: () => void }[] = [];

  now(): number {
    return this.t;
  }

  setTimeout(fn: () => void, ms: number): unknown {
    const timer = { at: this.t + Math.max(0, ms), seq: this.seq++, fn };
    this.timers.push(timer);
    return timer;
  }

  clearTimeout(handle: unknown): void {
    this.timers = this.timers.filter((timer) => timer !== handle);
  }

  /** Runs timers until none is left, or until the clock would pass `until`. */
  run(until = Infinity): void {
    for (;;) {
      this.timers.sort((a, b) => a.at - b.at || a.seq - b.seq);
      const next = this.timers[0];
      if (!next || next.at > until) break;
      this.timers.shift();
      this.t = Math.max(this.t, next.at);
      next.fn();
    }
    if (until !== Infinity) this.t = Math.max(this.t, until);
  }
}

/** What the gateway answers a request arriving at `t` (ms): admitted, or 429 with this Retry-After. */
type Gateway = (t: number, request: number) => { throttled: false } | { throttled: true; retryAfterMs: number };

const open: Gateway = () => ({ throttled: false });

/** A token bucket per account, like Huawei's API gateway (and the emulator's rate_limit fault). */
function tokenBucket(ratePerSecond: number, burst: number, retryAfterMs = 0): Gateway {
  let tokens = burst;
  let last = 0;
  return (t) => {
    tokens = Math.min(burst, tokens + ((t - last) / 1000) * ratePerSecond);
    last = t;
    if (tokens >= 1) {
      tokens -= 1;
      return { throttled: false };
    }
    return { throttled: true, retryAfterMs };
  };
}

/** Refuses every `n`th request, whatever the rate (a per-instance limit, a flaky gateway). */
function everyNth(n: number): Gateway {
  let k = 0;
  return () => (++k % n === 0 ? { throttled: true, retryAfterMs: 0 } : { throttled: false });
}

interface FleetRun {
  /** Send times (ms), one per HTTP request, retries included. */
  readonly sends: number[];
  readonly throttled: number;
  /** Lookups in the order they completed, and how many times each was sent. */
  readonly completed: number[];
  readonly attempts: Map<number, number>;
  readonly maxInFlight: number;
  readonly endMs: number;
}

/**
 * `lookups` lookups, `concurrency` at a time; each is one request, answered `rttMs` later, retried
 * (through the controller again, like undici's retry interceptor does) until admitted.
 */
function runFleet(options: {
  readonly clock: FakeClock;
  readonly controller?: AdaptiveRateController;
  readonly gateway: Gateway;
  readonly lookups: number;
  readonly concurrency?: number;
  readonly rttMs?: number;
  readonly first?: number;
}): FleetRun {
  const { clock, controller, gateway, lookups } = options;
  const concurrency = options.concurrency ?? 16;
  const rtt = options.rttMs ?? 20;
  const first = options.first ?? 0;
  const sends: number[] = [];
  const completed: number[] = [];
  const attempts = new Map<number, number>();
  let throttled = 0;
  let next = first;
  let inFlight = 0;
  let maxInFlight = 0;
  let requestNo = 0;
  const attempt = (lookup: number) => {
    const send = (ticket?: SendTicket) => {
      sends.push(clock.now());
      attempts.set(lookup, (attempts.get(lookup) ?? 0) + 1);
      inFlight += 1;
      maxInFlight = Math.max(maxInFlight, inFlight);
      const answer = gateway(clock.now() + rtt / 2, requestNo++);
      clock.setTimeout(() => {
        inFlight -= 1;
        if (ticket) controller!.record(ticket, answer);
        if (answer.throttled) {
          throttled += 1;
          clock.setTimeout(() => attempt(lookup), answer.retryAfterMs);
        } else {
          completed.push(lookup);
          if (next < first + lookups) attempt(next++);
        }
      }, rtt);
    };
    if (controller) controller.schedule({ send, cancel: () => undefined });
    else send();
  };
  for (let i = 0; i < concurrency && next < first + lookups; i++) attempt(next++);
  clock.run();
  return { sends, throttled, completed, attempts, maxInFlight, endMs: clock.now() };
}

/** Sends per second within [fromMs, toMs). */
function rateBetween(sends: readonly number[], fromMs: number, toMs: number): number {
  return (sends.filter((t) => t >= fromMs && t < toMs).length * 1000) / (toMs - fromMs);
}

function controllerOn(clock: FakeClock, options: RateControlOptions = {}) {
  return new AdaptiveRateController(options, clock);
}

describe('adaptive rate control', () => {
  it('limits nothing until the first 429: every send goes at once', () => {
    const clock = new FakeClock();
    const controller = controllerOn(clock);
    const sent: number[] = [];
    for (let i = 0; i < 100; i++) controller.schedule({ send: () => sent.push(i), cancel: () => undefined });
    expect(sent).toHaveLength(100);
    expect(controller.state()).toMatchObject({ ratePerSecond: Infinity, queued: 0, cuts: 0 });
  });

  it('against an account limit: slows the whole pool to about the limit, few 429s, none lost or repeated', () => {
    const rate = 100;
    const clock = new FakeClock();
    const controller = controllerOn(clock);
    const ours = runFleet({ clock, controller, gateway: tokenBucket(rate, 5), lookups: 500 });
    const baseline = runFleet({ clock: new FakeClock(), gateway: tokenBucket(rate, 5), lookups: 500 });

    expect([...ours.completed].sort((a, b) => a - b)).toEqual(Array.from({ length: 500 }, (_, i) => i));
    expect(ours.sends).toHaveLength(500 + ours.throttled);
    expect(ours.maxInFlight).toBeLessThanOrEqual(16);
    // The controller learnt the limit: after the first second it sends at about the limit...
    expect(rateBetween(ours.sends, 1000, ours.endMs - 100)).toBeGreaterThan(rate * 0.8);
    expect(rateBetween(ours.sends, 1000, ours.endMs - 100)).toBeLessThan(rate * 1.1);
    expect(controller.state().ratePerSecond).toBeGreaterThan(rate * 0.8);
    expect(controller.state().ratePerSecond).toBeLessThan(rate * 1.3);
    // ...so few requests are refused; without it, most retries are.
    expect(ours.throttled / ours.sends.length).toBeLessThan(0.08);
    expect(baseline.throttled / baseline.sends.length).toBeGreaterThan(0.5);
    // and it is no slower than the limit allows: 500 requests at 100/s take 5 s
    expect(ours.endMs).toBeLessThan(5000 * 1.1);
  });

  it('raises the rate again once the gateway stops refusing', () => {
    const clock = new FakeClock();
    const controller = controllerOn(clock, { recoveryMs: 500 });
    runFleet({ clock, controller, gateway: tokenBucket(100, 5), lookups: 300 });
    const cut = controller.state().ratePerSecond;
    expect(cut).toBeLessThan(150);
    const start = clock.now();
    const after = runFleet({ clock, controller, gateway: open, lookups: 2000, first: 300 });
    expect(after.throttled).toBe(0);
    // 16 at a time, 20 ms round trips: 800/s is what the pool can do without a limit
    expect(controller.state().ratePerSecond).toBeGreaterThan(cut * 3);
    expect(rateBetween(after.sends, after.endMs - 500, after.endMs - 50)).toBeGreaterThan(700);
    expect(after.endMs - start).toBeLessThan((2000 / 800) * 1000 * 1.5);
  });

  it('grows cubically after a cut: 30 % above the cut rate after recoveryMs, slower before, faster after', () => {
    expect(grownRate(100, 0, 1000)).toBe(100);
    expect(grownRate(100, 1000, 1000)).toBeCloseTo(130, 6);
    expect(grownRate(100, 500, 1000)).toBeCloseTo(103.75, 6);
    expect(grownRate(100, 2000, 1000)).toBeCloseTo(340, 6);
    expect(grownRate(100, 250, 500)).toBeCloseTo(grownRate(100, 500, 1000), 6);
  });

  it('recovers sooner with a shorter recoveryMs', () => {
    const rates = [200, 2000].map((recoveryMs) => {
      const clock = new FakeClock();
      const controller = controllerOn(clock, { recoveryMs });
      runFleet({ clock, controller, gateway: tokenBucket(100, 5), lookups: 300 });
      runFleet({ clock, controller, gateway: open, lookups: 400, first: 300 });
      return controller.state().ratePerSecond;
    });
    expect(rates[0]).toBeGreaterThan(rates[1] * 1.5);
  });

  it('undoes a cut that did not reduce the share of 429s (they do not depend on our rate)', () => {
    const clock = new FakeClock();
    const controller = controllerOn(clock);
    const run = runFleet({ clock, controller, gateway: everyNth(5), lookups: 500 });
    const unlimited = runFleet({ clock: new FakeClock(), gateway: everyNth(5), lookups: 500 });
    expect(controller.state()).toMatchObject({ undone: 1, ratePerSecond: Infinity });
    expect(controller.state().cuts).toBeGreaterThanOrEqual(1);
    expect(run.completed).toHaveLength(500);
    // it costs at most a few round trips over sending without any control
    expect(run.endMs).toBeLessThan(unlimited.endMs + 100);
  });

  it('pauses every send for the Retry-After of a 429, then sends the queue in order', () => {
    const clock = new FakeClock();
    const controller = controllerOn(clock);
    const sent: number[] = [];
    let ticket: SendTicket | undefined;
    controller.schedule({ send: (t) => (ticket = t), cancel: () => undefined });
    clock.run(10);
    controller.record(ticket!, { throttled: true, retryAfterMs: 500 });
    for (let i = 0; i < 5; i++) controller.schedule({ send: () => sent.push(i), cancel: () => undefined });
    expect(controller.state().pausedForMs).toBe(500);
    clock.run(509);
    expect(sent).toEqual([]);
    clock.run(510);
    expect(sent.length).toBeGreaterThan(0);
    clock.run();
    expect(sent).toEqual([0, 1, 2, 3, 4]);
  });

  it('fails at once, unsent, a queued request that would have to wait past its deadline', async () => {
    const clock = new FakeClock();
    const controller = controllerOn(clock, { maxRatePerSecond: 10 });
    let ticket: SendTicket | undefined;
    controller.schedule({ send: (t) => (ticket = t), cancel: () => undefined });
    controller.record(ticket!, { throttled: true, retryAfterMs: 5000 });
    const outcome: string[] = [];
    const entry = (name: string, timeLeftMs: number) => ({
      timeLeftMs,
      send: () => outcome.push(`${name} sent at ${clock.now()}`),
      cancel: (e: Error) => outcome.push(`${name} failed at ${clock.now()}: ${e.name} ${(e as RateControlDeadlineError).waitMs}`),
    });
    controller.schedule(entry('short', 1000));
    controller.schedule(entry('long', 60_000));
    await Promise.resolve(); // failures are reported on a microtask
    expect(outcome).toEqual(['short failed at 0: RateControlDeadlineError 5000']);
    clock.run(5000);
    expect(outcome).toEqual(['short failed at 0: RateControlDeadlineError 5000', 'long sent at 5000']);
    // paced at (at most) 10/s: the next token is 100 ms or more away, too late for a request with 50 ms left
    controller.schedule(entry('paced', 50));
    await Promise.resolve();
    expect(outcome[2]).toMatch(/^paced failed at 5000: RateControlDeadlineError /);
    expect(Number(outcome[2].split(' ').pop())).toBeGreaterThanOrEqual(100);
  });

  it('never exceeds maxRatePerSecond, from the first request on', () => {
    const clock = new FakeClock();
    const controller = controllerOn(clock, { maxRatePerSecond: 50 });
    const run = runFleet({ clock, controller, gateway: open, lookups: 200 });
    for (let t = 0; t < run.endMs; t += 100) expect(run.sends.filter((s) => s >= t && s < t + 1000).length).toBeLessThanOrEqual(50 + 2);
    expect(run.endMs).toBeGreaterThanOrEqual(((200 - 2) / 50) * 1000);
  });

  it('defaults as the README states them: minRatePerSecond 1, recoveryMs 1000', () => {
    // A gateway that refuses a long run of requests (the rate falls to its floor), then a token
    // bucket the rate recovers under: the floor and the recovery both shape the send times.
    const scenario = (options?: RateControlOptions) => {
      const clock = new FakeClock();
      const controller = controllerOn(clock, options);
      let k = 0;
      const bucket = tokenBucket(100, 5);
      const gateway: Gateway = (t, n) => (++k <= 300 ? { throttled: true, retryAfterMs: 0 } : bucket(t, n));
      return runFleet({ clock, controller, gateway, lookups: 120 }).sends;
    };
    const defaults = scenario();
    expect(defaults).toEqual(scenario({ minRatePerSecond: 1, recoveryMs: 1000 }));
    // and the scenario tells the values apart
    expect(defaults).not.toEqual(scenario({ minRatePerSecond: 2, recoveryMs: 1000 }));
    expect(defaults).not.toEqual(scenario({ minRatePerSecond: 1, recoveryMs: 500 }));
  });

  it('keeps at least minRatePerSecond when everything is refused', () => {
    const clock = new FakeClock();
    const controller = controllerOn(clock, { minRatePerSecond: 5 });
    let refused = 0;
    const gateway: Gateway = () => (++refused <= 400 ? { throttled: true, retryAfterMs: 0 } : { throttled: false });
    const run = runFleet({ clock, controller, gateway, lookups: 20 });
    expect(controller.state().ratePerSecond).toBeGreaterThanOrEqual(5);
    expect(run.completed).toHaveLength(20);
    expect(run.endMs).toBeLessThan((420 / 5) * 1000 * 1.1);
  });

  it('sends every queued request exactly once and in order, whatever the answers (seeded random gateways)', () => {
    for (let seed = 1; seed <= 20; seed++) {
      const random = mulberry32(seed);
      const clock = new FakeClock();
      const controller = controllerOn(clock, { minRatePerSecond: 20, maxRatePerSecond: 2000 });
      const order: number[] = [];
      const gateway: Gateway = () => (random() < 0.3 * random() ? { throttled: true, retryAfterMs: Math.floor(random() * 3) * 100 } : { throttled: false });
      const run = runFleet({ clock, controller, gateway, lookups: 300, concurrency: 1 + Math.floor(random() * 32), rttMs: 1 + Math.floor(random() * 50) });
      expect([...run.completed].sort((a, b) => a - b)).toEqual(Array.from({ length: 300 }, (_, i) => i));
      expect(run.sends).toHaveLength(300 + run.throttled);
      const state = controller.state();
      expect(state.ratePerSecond).toBeGreaterThanOrEqual(20);
      expect(state.ratePerSecond).toBeLessThanOrEqual(2000);
      expect(state.queued).toBe(0);
      // FIFO: direct schedule order is kept even while limited
      for (let i = 0; i < 10; i++) controller.schedule({ send: () => order.push(i), cancel: () => undefined });
      clock.run();
      expect(order).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    }
  });

  it('close fails every queued send with the reason and sends nothing after', () => {
    const clock = new FakeClock();
    const controller = controllerOn(clock);
    let ticket: SendTicket | undefined;
    controller.schedule({ send: (t) => (ticket = t), cancel: () => undefined });
    controller.record(ticket!, { throttled: true, retryAfterMs: 1000 });
    const sent: number[] = [];
    const cancelled: string[] = [];
    for (let i = 0; i < 3; i++) controller.schedule({ send: () => sent.push(i), cancel: (e) => cancelled.push(e.message) });
    controller.close(new Error('closed'));
    controller.schedule({ send: () => sent.push(9), cancel: (e) => cancelled.push(e.message) });
    clock.run();
    expect(sent).toEqual([]);
    expect(cancelled).toEqual(['closed', 'closed', 'closed', 'closed']);
  });
});

/** A small seeded PRNG, so the random gateways are the same on every run. */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
