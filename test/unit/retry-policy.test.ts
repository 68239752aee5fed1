import { backoffDelay, DEFAULT_RETRY, retryAfterDelay, retryAfterMs, retryCallback, retryReason } from '../../lib/client/retry-policy';

function err(props: Record<string, unknown>): Error {
  return Object.assign(new Error('x'), props);
}

describe('retry policy', () => {
  it('retries 429 and 5xx gateway statuses, never 400/401/403/404', () => {
    for (const status of [429, 500, 502, 503, 504]) expect(retryReason(err({ statusCode: status }))).toBe(`HTTP ${status}`);
    for (const status of [400, 401, 403, 404, 409]) expect(retryReason(err({ statusCode: status }))).toBeUndefined();
  });

  it('retries connection resets and timeouts, not other errors', () => {
    for (const code of ['ECONNRESET', 'UND_ERR_SOCKET', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT']) expect(retryReason(err({ code }))).toBe(code);
    expect(retryReason(err({ code: 'ERR_TLS_CERT_ALTNAME_INVALID' }))).toBeUndefined();
    // a refused connection is a wrong endpoint far more often than a blip: fail fast
    expect(retryReason(err({ code: 'ECONNREFUSED' }))).toBeUndefined();
  });

  it('grows the backoff exponentially, with jitter, up to the cap', () => {
    const s = { maxRetries: 10, minDelayMs: 100, maxDelayMs: 1000 };
    expect(backoffDelay(1, s, () => 0)).toBe(50);
    expect(backoffDelay(1, s, () => 1)).toBe(100);
    expect(backoffDelay(3, s, () => 0)).toBe(200);
    expect(backoffDelay(3, s, () => 1)).toBe(400);
    expect(backoffDelay(10, s, () => 1)).toBe(1000);
  });

  it('reads Retry-After as seconds or an HTTP date', () => {
    expect(retryAfterMs('2')).toBe(2000);
    expect(retryAfterMs('0')).toBe(0);
    expect(retryAfterMs(new Date(10_000).toUTCString(), 4_000)).toBe(6000);
    expect(retryAfterMs('soon')).toBeUndefined();
    expect(retryAfterMs(undefined)).toBeUndefined();
  });

  function decide(e: Error, counter: number, deadline: number, settings = DEFAULT_RETRY) {
    return new Promise<{ retried: boolean; delays: number[] }>((resolve) => {
      const delays: number[] = [];
      retryCallback(settings, deadline, { onRetry: (_r, d) => delays.push(d) })(e, { state: { counter }, opts: {} as never }, (result) =>
        resolve({ retried: !result, delays }),
      );
    });
  }

  it('honours Retry-After on 429; Retry-After: 0 is retried at once, with no fixed jitter', async () => {
    const out = await decide(err({ statusCode: 429, headers: { 'retry-after': '0' } }), 1, Date.now() + 10_000);
    expect(out.retried).toBe(true);
    expect(out.delays).toEqual([0]);
  });

  it('adds jitter in proportion to Retry-After only, and backs off a request refused again', () => {
    const s = { maxRetries: 10, minDelayMs: 200, maxDelayMs: 10_000 };
    for (const r of [0, 0.5, 1]) expect(retryAfterDelay(0, 1, s, () => r)).toBe(0);
    expect(retryAfterDelay(2000, 1, s, () => 0)).toBe(2000);
    expect(retryAfterDelay(2000, 1, s, () => 1)).toBe(2200);
    // the second retry of the same request waits at least the backoff, whatever Retry-After says
    expect(retryAfterDelay(0, 2, s, () => 0)).toBe(100);
    expect(retryAfterDelay(0, 3, s, () => 1)).toBe(400);
    expect(retryAfterDelay(5000, 2, s, () => 0)).toBe(5000);
  });

  it('honours a Retry-After longer than the largest backoff step, within the deadline', () => {
    jest.useFakeTimers();
    try {
      const delays: number[] = [];
      let retried = false;
      const settings = { maxRetries: 3, minDelayMs: 10, maxDelayMs: 100 };
      retryCallback(settings, Date.now() + 60_000, { onRetry: (_r, d) => delays.push(d) })(err({ statusCode: 429, headers: { 'retry-after': '15' } }), { state: { counter: 1 }, opts: {} as never }, (e) => {
        retried = !e;
      });
      expect(delays[0]).toBeGreaterThanOrEqual(15_000);
      expect(delays[0]).toBeLessThanOrEqual(16_500); // jitter: at most a tenth of the wait
      jest.advanceTimersByTime(14_999);
      expect(retried).toBe(false);
      jest.advanceTimersByTime(1_501);
      expect(retried).toBe(true);
    } finally {
      jest.useRealTimers();
    }
  });

  it('gives up past maxRetries, past the deadline, and on a non-retryable status', async () => {
    expect((await decide(err({ statusCode: 503 }), DEFAULT_RETRY.maxRetries + 1, Date.now() + 60_000)).retried).toBe(false);
    expect((await decide(err({ statusCode: 429, headers: { 'retry-after': '5' } }), 1, Date.now() + 1000)).retried).toBe(false);
    expect((await decide(err({ statusCode: 401 }), 1, Date.now() + 60_000)).retried).toBe(false);
  });
});
