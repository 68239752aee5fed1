/**
 * What a handler answers, and the error bodies the emulated service and gateway use.
 *
 * Handlers return a Reply value instead of writing to the socket themselves, so the server
 * can apply faults (truncate the body, replace it) and count the result in one place.
 */
import type { FaultErrorStatus } from './faults';
import type { ServerResponse } from 'node:http';

export type Reply =
  | { readonly kind: 'json'; readonly status: number; readonly body?: unknown; readonly headers?: Readonly<Record<string, string>> }
  /** A body sent as is (the `malformed` fault's cut-off JSON, the `redirect` fault's empty body). */
  | { readonly kind: 'text'; readonly status: number; readonly text: string; readonly headers?: Readonly<Record<string, string>> }
  /** A body of `bytes` bytes written chunk by chunk, never held whole (the `huge` fault): `head`, spaces, `tail`. */
  | { readonly kind: 'stream'; readonly status: number; readonly bytes: number; readonly head: string; readonly tail: string; readonly declareLength: boolean }
  /** Destroy the connection without a response (the `reset` fault). */
  | { readonly kind: 'reset' };

export const JSON_CONTENT_TYPE = 'application/json;charset=UTF-8';

export function json(status: number, body?: unknown, headers?: Record<string, string>): Reply {
  return { kind: 'json', status, body, headers };
}

/** DCS service errors carry `error_code`, `error_msg` and an always-null `error_ext_msg`. */
export function dcsError(status: number, error_code: string, error_msg: string): Reply {
  return json(status, { error_code, error_msg, error_ext_msg: null });
}

/** API gateway errors (APIGW.*) carry the request id in the body, as Huawei's gateway does. */
export function gatewayError(status: number, error_code: string, error_msg: string, requestId: string, headers?: Record<string, string>): Reply {
  return json(status, { error_code, error_msg, request_id: requestId }, headers);
}

export function authError(reason: string, requestId: string): Reply {
  return gatewayError(401, 'APIGW.0301', `Incorrect IAM authentication information: ${reason}`, requestId);
}

export function unknownRoute(requestId: string): Reply {
  return gatewayError(404, 'APIGW.0101', 'The API does not exist or has not been published in the environment', requestId);
}

export function throttled(retryAfterSeconds: number, requestId: string): Reply {
  return gatewayError(429, 'APIGW.0308', 'The throttling threshold has been reached', requestId, { 'Retry-After': String(retryAfterSeconds) });
}

/**
 * The `error` fault's bodies. 403 is a request rejected by the service (IAM denial); 500 is the
 * DCS service's own internal error; 502/503/504 come from the gateway in front of it. Only the
 * statuses are documented, so the codes here are the emulator's choice: clients should key on
 * the HTTP status.
 */
export function injectedError(status: FaultErrorStatus, requestId: string, code?: string, message?: string): Reply {
  switch (status) {
    case 403:
      return dcsError(403, code ?? 'DCS.4003', message ?? 'Request rejected: the user has no permission for this operation.');
    case 500:
      return dcsError(500, code ?? 'DCS.5000', message ?? 'Internal service error.');
    case 502:
      return gatewayError(502, code ?? 'APIGW.0202', message ?? 'Bad gateway: the backend service is unavailable', requestId);
    case 503:
      return gatewayError(503, code ?? 'APIGW.0203', message ?? 'Service unavailable, please try again later', requestId);
    case 504:
      return gatewayError(504, code ?? 'APIGW.0204', message ?? 'Backend timeout', requestId);
  }
}

/** Writes a reply; `reset` destroys the socket instead. */
export function sendReply(res: ServerResponse, reply: Reply): void {
  if (reply.kind === 'reset') {
    res.socket?.destroy();
    return;
  }
  if (reply.kind === 'stream') {
    streamReply(res, reply);
    return;
  }
  const text = reply.kind === 'text' ? reply.text : reply.body === undefined || reply.status === 204 ? '' : JSON.stringify(reply.body);
  res.statusCode = reply.status;
  res.setHeader('Content-Type', JSON_CONTENT_TYPE);
  if (reply.headers) for (const [name, value] of Object.entries(reply.headers)) res.setHeader(name, value);
  if (reply.status !== 204) res.setHeader('Content-Length', Buffer.byteLength(text));
  res.end(reply.status === 204 ? undefined : text);
}

const STREAM_CHUNK = Buffer.alloc(64 * 1024, 0x20);

/**
 * Writes a huge body with backpressure, 64 KiB of spaces at a time between `head` and `tail`;
 * stops as soon as the client goes away (a client that refuses the body closes the connection).
 */
function streamReply(res: ServerResponse, reply: Extract<Reply, { kind: 'stream' }>): void {
  res.statusCode = reply.status;
  res.setHeader('Content-Type', JSON_CONTENT_TYPE);
  if (reply.declareLength) res.setHeader('Content-Length', reply.bytes);
  const head = Buffer.from(reply.head);
  const tail = Buffer.from(reply.tail);
  let padding = reply.bytes - head.length - tail.length;
  res.write(head);
  const pump = (): void => {
    while (padding > 0 && !res.destroyed) {
      const chunk = padding >= STREAM_CHUNK.length ? STREAM_CHUNK : STREAM_CHUNK.subarray(0, padding);
      padding -= chunk.length;
      if (!res.write(chunk)) {
        res.once('drain', pump);
        return;
      }
    }
    if (!res.destroyed) res.end(tail);
  };
  pump();
}
