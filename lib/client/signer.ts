/**
 * Huawei Cloud AK/SK request signing, "SDK-HMAC-SHA256".
 *
 * Pure: no I/O, no clock (the caller passes the date), so it is proven by test vectors.
 * See Huawei's API signing guide; the steps are numbered as there.
 */
import { createHash, createHmac } from 'node:crypto';

export const SIGNING_ALGORITHM = 'SDK-HMAC-SHA256';
const EMPTY_BODY_SHA256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';

export interface SigningKey {
  readonly accessKey: string;
  readonly secretKey: string;
}

export interface RequestToSign {
  readonly method: string;
  /** The wire path, without query string, e.g. `/v2/p/instances/i/bigkey-tasks`. */
  readonly path: string;
  /** Query parameters; repeated keys as arrays. */
  readonly query?: Readonly<Record<string, string | readonly string[]>>;
  /** Headers to sign (names in any case). Must include `host` and `x-sdk-date`. */
  readonly headers: Readonly<Record<string, string>>;
  readonly body?: string | Buffer;
}

/** `YYYYMMDDTHHmmssZ` in UTC, the format of `X-Sdk-Date`. */
export function formatSdkDate(date: Date): string {
  return date.toISOString().replace(/[-:]/g, '').replace(/\.\d{3}Z$/, 'Z');
}

/** Parses an `X-Sdk-Date` value; undefined when it is not one. */
export function parseSdkDate(value: string): Date | undefined {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(value);
  if (!m) return undefined;
  const date = new Date(`${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6]}Z`);
  return Number.isNaN(date.getTime()) ? undefined : date;
}

/** Percent-encodes every UTF-8 byte except `A-Z a-z 0-9 - . _ ~`, with upper-case hex. */
export function percentEncode(value: string): string {
  // encodeURIComponent leaves ! ' ( ) * unescaped; the signing rules escape them.
  return encodeURIComponent(value).replace(/[!'()*]/g, (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase());
}

export function canonicalUri(path: string): string {
  const encoded = path.split('/').map((segment) => percentEncode(decodeSegment(segment))).join('/');
  return encoded.endsWith('/') ? encoded : encoded + '/';
}

/** Wire paths may already be percent-encoded; sign the decoded form encoded once. */
function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

export function canonicalQueryString(query: RequestToSign['query']): string {
  if (!query) return '';
  const pairs: string[] = [];
  for (const key of Object.keys(query).sort()) {
    const raw = query[key];
    const values = (typeof raw === 'string' ? [raw] : [...raw]).sort();
    for (const value of values) pairs.push(`${percentEncode(key)}=${percentEncode(value)}`);
  }
  return pairs.join('&');
}

function normalizedHeaders(headers: RequestToSign['headers']): Map<string, string> {
  const out = new Map<string, string>();
  for (const [name, value] of Object.entries(headers)) out.set(name.toLowerCase(), value.trim());
  return new Map([...out.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

export function signedHeaderNames(headers: RequestToSign['headers']): string {
  return [...normalizedHeaders(headers).keys()].join(';');
}

export function canonicalRequest(request: RequestToSign): string {
  return canonicalRequestWith(request, normalizedHeaders(request.headers));
}

/** The canonical request, with the request's headers already normalized (signing needs them twice). */
function canonicalRequestWith(request: RequestToSign, headers: Map<string, string>): string {
  const canonicalHeaders = [...headers.entries()].map(([name, value]) => `${name}:${value}\n`).join('');
  return [
    request.method.toUpperCase(),
    canonicalUri(request.path),
    canonicalQueryString(request.query),
    canonicalHeaders,
    [...headers.keys()].join(';'),
    hashBody(request.body),
  ].join('\n');
}

function hashBody(body: RequestToSign['body']): string {
  if (body === undefined || body.length === 0) return EMPTY_BODY_SHA256;
  return createHash('sha256').update(body).digest('hex');
}

export function stringToSign(request: RequestToSign): string {
  return stringToSignWith(request, normalizedHeaders(request.headers));
}

function stringToSignWith(request: RequestToSign, headers: Map<string, string>): string {
  const date = headerValue(request.headers, 'x-sdk-date');
  if (!date) throw new Error('cannot sign a request without an x-sdk-date header');
  const digest = createHash('sha256').update(canonicalRequestWith(request, headers), 'utf8').digest('hex');
  return `${SIGNING_ALGORITHM}\n${date}\n${digest}`;
}

/** Hex HMAC-SHA256 of the string to sign, keyed with the secret key. */
export function signature(request: RequestToSign, secretKey: string): string {
  return signatureWith(request, normalizedHeaders(request.headers), secretKey);
}

function signatureWith(request: RequestToSign, headers: Map<string, string>, secretKey: string): string {
  return createHmac('sha256', secretKey).update(stringToSignWith(request, headers), 'utf8').digest('hex');
}

/** The `Authorization` header value for a request (its headers normalized once, for the list and the signature). */
export function authorizationHeader(request: RequestToSign, key: SigningKey): string {
  const headers = normalizedHeaders(request.headers);
  return `${SIGNING_ALGORITHM} Access=${key.accessKey}, SignedHeaders=${[...headers.keys()].join(';')}, Signature=${signatureWith(request, headers, key.secretKey)}`;
}

export interface ParsedAuthorization {
  readonly accessKey: string;
  readonly signedHeaders: readonly string[];
  readonly signature: string;
}

/** Parses an `Authorization` header of this scheme; undefined when malformed. */
export function parseAuthorization(value: string): ParsedAuthorization | undefined {
  const m = /^SDK-HMAC-SHA256\s+Access=([^,\s]+),\s*SignedHeaders=([^,\s]+),\s*Signature=([0-9a-f]{64})$/.exec(value.trim());
  if (!m) return undefined;
  return { accessKey: m[1], signedHeaders: m[2].split(';'), signature: m[3] };
}

function headerValue(headers: RequestToSign['headers'], name: string): string | undefined {
  for (const [key, value] of Object.entries(headers)) if (key.toLowerCase() === name) return value;
  return undefined;
}
