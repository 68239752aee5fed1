/**
 * Verifies SDK-HMAC-SHA256 request signatures the way Huawei Cloud's API gateway does, by
 * recomputing the signature with the library's own signer from what actually arrived on the
 * wire (method, path, query, the headers the client says it signed, body).
 *
 * A failure returns the reason (which check failed) for the 401 body; reasons may name the
 * access key or a header, never a secret or the expected signature.
 *
 * Not emulated: the gateway's lock-out after five consecutive failures (it would make one
 * deliberate bad-signature test break the next tests for five minutes).
 */
import { timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { parseAuthorization, parseSdkDate, signature } from '../client/signer';
import { EmulatorCredential } from './data-file';

/** The gateway's window for X-Sdk-Date around its own clock. */
export const MAX_CLOCK_SKEW_MS = 15 * 60 * 1000;

export interface IncomingSignedRequest {
  readonly method: string;
  /** The wire path (still percent-encoded), without the query string. */
  readonly path: string;
  readonly query: Readonly<Record<string, readonly string[]>>;
  readonly headers: IncomingHttpHeaders;
  readonly body: Buffer;
  /** The project id in the path, which X-Project-Id must equal. */
  readonly projectId: string;
}

export type AuthResult = { readonly ok: true; readonly accessKey: string } | { readonly ok: false; readonly reason: string };

export class RequestVerifier {
  private readonly byAccessKey: ReadonlyMap<string, EmulatorCredential>;

  constructor(credentials: readonly EmulatorCredential[]) {
    this.byAccessKey = new Map(credentials.map((credential) => [credential.access_key, credential]));
  }

  verify(request: IncomingSignedRequest, nowMs: number): AuthResult {
    const header = single(request.headers.authorization);
    if (!header) return deny('missing Authorization header');
    const auth = parseAuthorization(header);
    if (!auth) return deny('malformed Authorization header (expected "SDK-HMAC-SHA256 Access=<AK>, SignedHeaders=<names>, Signature=<64 hex>")');
    const signedHeaders = auth.signedHeaders.map((name) => name.toLowerCase());
    for (const required of ['host', 'x-sdk-date']) {
      if (!signedHeaders.includes(required)) return deny(`SignedHeaders must include ${required}`);
    }

    const dateText = single(request.headers['x-sdk-date']);
    if (!dateText) return deny('missing X-Sdk-Date header');
    const date = parseSdkDate(dateText);
    if (!date) return deny(`X-Sdk-Date ${JSON.stringify(dateText)} is not in the format YYYYMMDDTHHmmssZ`);
    if (Math.abs(nowMs - date.getTime()) > MAX_CLOCK_SKEW_MS) {
      return deny(`signature expired: X-Sdk-Date ${dateText} is more than 15 minutes from the server time ${new Date(nowMs).toISOString()}`);
    }

    const credential = this.byAccessKey.get(auth.accessKey);
    if (!credential) return deny(`unknown access key ${auth.accessKey}`);

    const signed: Record<string, string> = {};
    for (const name of signedHeaders) {
      const value = single(request.headers[name]);
      if (value === undefined) return deny(`signed header ${name} is not in the request`);
      signed[name] = value;
    }
    const expected = signature({ method: request.method, path: request.path, query: request.query, headers: signed, body: request.body }, credential.secret_key);
    // Both are 64 lowercase hex characters (parseAuthorization checked), so lengths match.
    if (!timingSafeEqual(Buffer.from(expected, 'utf8'), Buffer.from(auth.signature, 'utf8'))) {
      return deny('signature does not match the request (check the secret key and the canonical request)');
    }

    if (credential.security_token !== undefined) {
      if (!('x-security-token' in signed)) return deny('this access key is temporary: a signed X-Security-Token header is required');
      if (!sameText(signed['x-security-token'], credential.security_token)) return deny('X-Security-Token does not match the access key');
    }

    const projectHeader = single(request.headers['x-project-id']);
    if (!projectHeader) return deny('missing X-Project-Id header');
    if (projectHeader !== request.projectId) return deny(`X-Project-Id ${projectHeader} does not match the project id ${request.projectId} in the path`);
    return { ok: true, accessKey: credential.access_key };
  }
}

function deny(reason: string): AuthResult {
  return { ok: false, reason };
}

function single(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value.join(', ') : value;
}

function sameText(a: string, b: string): boolean {
  const left = Buffer.from(a, 'utf8');
  const right = Buffer.from(b, 'utf8');
  return left.length === right.length && timingSafeEqual(left, right);
}
