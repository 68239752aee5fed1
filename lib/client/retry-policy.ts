/**
 * When and how long to wait before retrying, as a callback for undici's retry interceptor
 * (the interceptor does the re-dispatching; this only decides).
 *
 * Retried: 429 (honouring Retry-After), 500/502/503/504, connection resets and timeouts.
 * Not retried: a refused connection (a wrong endpoint far more often than a blip), so a
 * misconfigured synth fails at once.
 * Never retried: any other status (400/401/403/404 above all: retrying a bad signature can
 * lock the access key for 5 minutes). Waits are exponential with jitter, and no retry starts
 * if its wait would end past the operation's deadline. A server's Retry-After is a floor, with
 * jitter in proportion to it (none for `Retry-After: 0`; see retryAfterDelay); the client's rate
 * controller (rate-control.ts) spreads the retries of a throttled account over time anyway.
 */
import type { RetryHandler } from 'undici';

export const RETRYABLE_STATUS_CODES: readonly number[] = [429, 500, 502, 503, 504];
export const RETRYABLE_ERROR_CODES: readonly string[] = [
  'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'ENETUNREACH', 'EHOSTUNREACH', 'EAI_AGAIN',
  'UND_ERR_SOCKET', 'UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT', 'UND_ERR_CLOSED',
];

export interface RetrySettings {
  /** Retries after the first attempt. @default 6 */
  readonly maxRetries: number;
  /** First backoff step. @default 200 */
  readonly minDelayMs: number;
  /** Largest backoff step (a server's Retry-After is honoured beyond it, within the deadline). @default 10000 */
  readonly maxDelayMs: number;
}

export const DEFAULT_RETRY: RetrySettings = { maxRetries: 6, minDelayMs: 200, maxDelayMs: 10_000 };

export interface RetryObserver {
  /** Called before each retry is scheduled; `reason` is a status or an error code. */
  onRetry?(reason: string, delayMs: number): void;
}

/** Exponential backoff with "equal jitter": half fixed, half random, so waits never collapse to 0. */
export function backoffDelay(attempt: number, settings: RetrySettings, random: () => number = Math.random): number {
  const ceiling = Math.min(settings.maxDelayMs, settings.minDelayMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(ceiling / 2 + random() * (ceiling / 2));
}

/** Jitter added to a server's Retry-After: up to this fraction of it, so a fleet told to wait the same time does not return in lockstep. */
export const RETRY_AFTER_JITTER = 0.1;

/**
 * The wait before retry `attempt` (1 = the first) of a request answered with `Retry-After`:
 * what the server asked for, plus jitter in proportion to it, never a fixed cost: the first
 * retry after `Retry-After: 0` goes at once. A request refused again backs off exponentially
 * from its second retry on, whatever Retry-After says, so retries cannot hammer a gateway that
 * keeps answering `Retry-After: 0`.
 */
export function retryAfterDelay(retryAfterMs: number, attempt: number, settings: RetrySettings, random: () => number = Math.random): number {
  const asked = retryAfterMs + Math.round(random() * retryAfterMs * RETRY_AFTER_JITTER);
  return attempt > 1 ? Math.max(asked, backoffDelay(attempt - 1, settings, random)) : asked;
}

/** Milliseconds a Retry-After header asks for (seconds or an HTTP date); undefined if absent or bad. */
export function retryAfterMs(value: string | string[] | undefined, now = Date.now()): number | undefined {
  const raw = Array.isArray(value) ? value[0] : value;
  if (raw === undefined || raw.trim() === '') return undefined;
  if (/^\d+(\.\d+)?$/.test(raw.trim())) return Math.round(Number(raw) * 1000);
  const at = Date.parse(raw);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

interface RetryableError extends Error {
  statusCode?: number;
  code?: string;
  headers?: Record<string, string | string[] | undefined>;
}

/** Why an error may be retried, or undefined when it must not be. */
export function retryReason(err: RetryableError): string | undefined {
  if (typeof err.statusCode === 'number' && err.statusCode > 0) {
    return RETRYABLE_STATUS_CODES.includes(err.statusCode) ? `HTTP ${err.statusCode}` : undefined;
  }
  return err.code && RETRYABLE_ERROR_CODES.includes(err.code) ? err.code : undefined;
}

/** A retry callback bound to one operation's deadline (epoch ms). */
export function retryCallback(settings: RetrySettings, deadline: number, observer: RetryObserver = {}): RetryHandler.RetryCallback {
  return (err, { state }, cb) => {
    const e = err as RetryableError;
    const reason = retryReason(e);
    if (!reason || state.counter > settings.maxRetries) return cb(err);
    const asked = e.statusCode === 429 || e.statusCode === 503 ? retryAfterMs(e.headers?.['retry-after']) : undefined;
    // Retry-After is a floor set by the server (honoured in full; the deadline decides whether to
    // wait that long).
    const delay = asked !== undefined ? retryAfterDelay(asked, state.counter, settings) : backoffDelay(state.counter, settings);
    if (Date.now() + delay > deadline) return cb(err);
    observer.onRetry?.(reason, delay);
    // Nothing to wait for: no timer tick either (the retry still goes through the rate controller).
    if (delay === 0) return cb(null);
    setTimeout(() => cb(null), delay);
  };
}
