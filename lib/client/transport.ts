/**
 * The HTTP stack of one client: undici's proxy-aware keep-alive agent, composed with
 *   signing (innermost, so every attempt is signed anew with a fresh X-Sdk-Date, after any wait),
 *   rate control (each attempt, retries included, waits for the client's adaptive rate
 *   controller, rate-control.ts, which learns from every answer's status),
 *   undici's retry interceptor (policy in retry-policy.ts), and
 *   undici's responseError interceptor (outermost: a final error status becomes a ResponseError
 *   carrying the parsed error body and headers).
 * Never touches undici's global dispatcher. Loaded by the client when it is created, so a
 * process that sends no request loads neither this nor undici (undici.ts).
 *
 * A request's body is read by a plain dispatch handler (requestText), not undici's `request()`:
 * its response stream, async resource and body consumer cost more CPU than the rest of a small
 * JSON listing, and a synth reads hundreds of them on a worker thread that shares the cores.
 */
import type { IncomingHttpHeaders } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Dispatcher } from 'undici';
import { Credentials } from './credentials';
import { NO_PROXY_SETTINGS, ProxySettings } from './proxy';
import { AdaptiveRateController, DEADLINE_OPTION, PAUSE_OBSERVER_OPTION, SendTicket } from './rate-control';
import { retryAfterMs } from './retry-policy';
import { authorizationHeader, formatSdkDate } from './signer';
import { undici } from './undici';

export interface TransportOptions {
  readonly credentials: Credentials;
  readonly projectId: string;
  /** Extra trusted CA certificate(s), PEM. */
  readonly ca?: string | Buffer | readonly (string | Buffer)[];
  /** Sockets per origin. */
  readonly connections?: number;
  /** Clock for X-Sdk-Date; tests use it to prove the date window. */
  readonly now?: () => Date;
  /** The client's rate controller; none: every attempt is sent at once. */
  readonly rateController?: AdaptiveRateController;
  /** Proxies, already checked (proxy.ts); passed to undici explicitly, so process.env is not read again. @default none */
  readonly proxy?: ProxySettings;
  /** Largest response body in bytes: undici aborts the connection past it (UND_ERR_RES_EXCEEDED_MAX_SIZE). @default no limit */
  readonly maxResponseBytes?: number;
}

export function signingInterceptor(options: Pick<TransportOptions, 'credentials' | 'projectId' | 'now'>): Dispatcher.DispatcherComposeInterceptor {
  const now = options.now ?? (() => new Date());
  // The host of each origin, parsed once: a client talks to one.
  const hosts = new Map<string, string>();
  return (dispatch) => (opts, handler) => {
    const origin = String(opts.origin);
    let host = hosts.get(origin);
    if (host === undefined) hosts.set(origin, (host = new URL(origin).host));
    // What is signed is the path as sent (the client builds it from checked ids) and its query.
    const at = opts.path.indexOf('?');
    const signed: Record<string, string> = {
      host,
      'content-type': 'application/json',
      'x-project-id': options.projectId,
      'x-sdk-date': formatSdkDate(now()),
    };
    if (options.credentials.securityToken) signed['x-security-token'] = options.credentials.securityToken;
    const query: Record<string, string[]> = {};
    if (at >= 0) new URLSearchParams(opts.path.slice(at + 1)).forEach((value, key) => (query[key] ??= []).push(value));
    const body = typeof opts.body === 'string' ? opts.body : undefined;
    const path = at >= 0 ? opts.path.slice(0, at) : opts.path;
    const authorization = authorizationHeader({ method: opts.method, path, query, headers: signed, body }, options.credentials);
    const headers = { ...(opts.headers as Record<string, string> | undefined), ...signed, authorization };
    return dispatch({ ...opts, headers }, handler);
  };
}

/**
 * Sends each attempt when the rate controller lets it go (in order; at once while nothing limits)
 * and tells the controller how it was answered. Never sends an attempt twice, never drops one:
 * a send still queued when the client closes fails with the close reason.
 */
export function rateControlInterceptor(controller: AdaptiveRateController): Dispatcher.DispatcherComposeInterceptor {
  return (dispatch) => (opts, handler) => {
    const extra = opts as unknown as Record<string, unknown>;
    const deadline = extra[DEADLINE_OPTION];
    const onPause = extra[PAUSE_OBSERVER_OPTION];
    controller.schedule({
      timeLeftMs: typeof deadline === 'number' ? deadline - Date.now() : undefined,
      onPause: typeof onPause === 'function' ? (onPause as (delayMs: number) => void) : undefined,
      send: (ticket) => {
        try {
          dispatch(opts, new AnswerObserver(handler, controller, ticket));
        } catch (error) {
          handler.onResponseError?.(null as unknown as Dispatcher.DispatchController, error as Error);
        }
      },
      cancel: (reason) => handler.onResponseError?.(null as unknown as Dispatcher.DispatchController, reason),
    });
    return true;
  };
}

/** Passes everything on unchanged; reports the status of the answer (429 or not) to the controller. */
class AnswerObserver implements Dispatcher.DispatchHandler {
  constructor(
    private readonly handler: Dispatcher.DispatchHandler,
    private readonly controller: AdaptiveRateController,
    private readonly ticket: SendTicket,
  ) {}

  onRequestStart(controller: Dispatcher.DispatchController, context: unknown): void {
    this.handler.onRequestStart?.(controller, context);
  }

  onRequestUpgrade(controller: Dispatcher.DispatchController, statusCode: number, headers: IncomingHttpHeaders, socket: Duplex): void {
    this.handler.onRequestUpgrade?.(controller, statusCode, headers, socket);
  }

  onResponseStart(controller: Dispatcher.DispatchController, statusCode: number, headers: IncomingHttpHeaders, statusMessage?: string): void {
    const throttled = statusCode === 429;
    this.controller.record(this.ticket, { throttled, retryAfterMs: throttled ? retryAfterMs(headers['retry-after']) : undefined });
    this.handler.onResponseStart?.(controller, statusCode, headers, statusMessage);
  }

  onResponseData(controller: Dispatcher.DispatchController, chunk: Buffer): void {
    this.handler.onResponseData?.(controller, chunk);
  }

  onResponseEnd(controller: Dispatcher.DispatchController, trailers: IncomingHttpHeaders): void {
    this.handler.onResponseEnd?.(controller, trailers);
  }

  onResponseError(controller: Dispatcher.DispatchController, error: Error): void {
    this.handler.onResponseError?.(controller, error);
  }
}

export function createDispatcher(options: TransportOptions): Dispatcher {
  const ca = options.ca === undefined ? undefined : Array.isArray(options.ca) ? [...options.ca] : options.ca;
  const tls = ca === undefined ? undefined : { ca: ca as string | Buffer | (string | Buffer)[] };
  const { EnvHttpProxyAgent, interceptors } = undici();
  const agent = new EnvHttpProxyAgent({
    ...(options.proxy ?? NO_PROXY_SETTINGS),
    ...(options.maxResponseBytes !== undefined ? { maxResponseSize: options.maxResponseBytes } : {}),
    connections: options.connections ?? 32,
    keepAliveTimeout: 10_000,
    // `connect` is TLS to the endpoint directly (and to an https proxy); through a proxy tunnel,
    // undici uses `requestTls` instead, so the CA goes to both.
    connect: tls,
    requestTls: tls,
  });
  // The retry policy is given per request (it carries that request's deadline); these defaults
  // only make the interceptor hand the final response on instead of throwing a bodiless error.
  return agent.compose([
    signingInterceptor(options),
    ...(options.rateController ? [rateControlInterceptor(options.rateController)] : []),
    interceptors.retry({ throwOnError: false }),
    interceptors.responseError(),
  ]);
}

/** A response as the client uses it: status, headers and, when it was read, the body as text. */
export interface TextResponse {
  readonly statusCode: number;
  readonly headers: IncomingHttpHeaders;
  /** Undefined when the body was not read: a redirect's, or one whose Content-Length is over the limit. */
  readonly text?: string;
}

/** Bodies that are not read, up to this much, are drained so a short one keeps its connection. */
const DRAIN_BYTES = 64 * 1024;

/** Aborts a response whose body is not wanted; never retried (the request was answered). */
class UnreadBody extends Error {
  readonly code = 'ERR_DCS_UNREAD_BODY';
}

/**
 * Sends one request through the dispatcher (its interceptors included) and resolves with the
 * response: the body as UTF-8 text, except for a redirect (3xx) or a Content-Length over
 * `maxBodyBytes`, whose body is not read (drained when short, else the connection is closed).
 * Rejects with what the dispatcher reports: a network error, the responseError interceptor's
 * ResponseError, undici's body size limit.
 */
export function requestText(dispatcher: Dispatcher, options: Dispatcher.DispatchOptions, maxBodyBytes: number): Promise<TextResponse> {
  return new Promise((resolve, reject) => {
    try {
      dispatcher.dispatch(options, new TextCollector(resolve, reject, maxBodyBytes));
    } catch (error) {
      reject(error);
    }
  });
}

class TextCollector implements Dispatcher.DispatchHandler {
  private readonly chunks: Buffer[] = [];
  private bytes = 0;
  private statusCode = 0;
  private headers: IncomingHttpHeaders = {};
  /** The body is drained, not kept. */
  private unread = false;
  private settled = false;

  constructor(
    private readonly resolve: (response: TextResponse) => void,
    private readonly reject: (error: Error) => void,
    private readonly maxBodyBytes: number,
  ) {}

  // Present so undici takes this for a handler of its current API (it wraps those without it).
  onRequestStart(): void {}

  onResponseStart(controller: Dispatcher.DispatchController, statusCode: number, headers: IncomingHttpHeaders): void {
    this.statusCode = statusCode;
    this.headers = headers;
    const declared = Number(headers['content-length']);
    if ((statusCode >= 300 && statusCode < 400) || declared > this.maxBodyBytes) {
      this.unread = true;
      this.settle({ statusCode, headers });
      if (declared > DRAIN_BYTES) controller.abort(new UnreadBody('the body of this response is not read'));
    }
  }

  onResponseData(controller: Dispatcher.DispatchController, chunk: Buffer): void {
    this.bytes += chunk.length;
    if (!this.unread) this.chunks.push(chunk);
    else if (this.bytes > DRAIN_BYTES) controller.abort(new UnreadBody('the body of this response is not read'));
  }

  onResponseEnd(): void {
    this.settle({ statusCode: this.statusCode, headers: this.headers, text: Buffer.concat(this.chunks, this.bytes).toString('utf8') });
  }

  onResponseError(_controller: Dispatcher.DispatchController, error: Error): void {
    if (this.settled) return;
    this.settled = true;
    this.reject(error);
  }

  private settle(response: TextResponse): void {
    if (this.settled) return;
    this.settled = true;
    this.resolve(response);
  }
}
