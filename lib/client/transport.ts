/**
 * The HTTP stack of one client: undici's proxy-aware keep-alive agent, composed with
 *   signing (innermost, so every attempt is signed anew with a fresh X-Sdk-Date),
 *   undici's retry interceptor (policy in retry-policy.ts), and
 *   undici's responseError interceptor (outermost: a final error status becomes a ResponseError
 *   carrying the parsed error body and headers).
 * Never touches undici's global dispatcher.
 */
import { Dispatcher, EnvHttpProxyAgent, interceptors } from 'undici';
import { Credentials } from './credentials';
import { NO_PROXY_SETTINGS, ProxySettings } from './proxy';
import { authorizationHeader, formatSdkDate } from './signer';

export interface TransportOptions {
  readonly credentials: Credentials;
  readonly projectId: string;
  /** Extra trusted CA certificate(s), PEM. */
  readonly ca?: string | Buffer | readonly (string | Buffer)[];
  /** Sockets per origin. */
  readonly connections?: number;
  /** Clock for X-Sdk-Date; tests use it to prove the date window. */
  readonly now?: () => Date;
  /** Proxies, already checked (proxy.ts); passed to undici explicitly, so process.env is not read again. @default none */
  readonly proxy?: ProxySettings;
  /** Largest response body in bytes: undici aborts the connection past it (UND_ERR_RES_EXCEEDED_MAX_SIZE). @default no limit */
  readonly maxResponseBytes?: number;
}

export function signingInterceptor(options: Pick<TransportOptions, 'credentials' | 'projectId' | 'now'>): Dispatcher.DispatcherComposeInterceptor {
  const now = options.now ?? (() => new Date());
  return (dispatch) => (opts, handler) => {
    const url = new URL(opts.path, String(opts.origin));
    const signed: Record<string, string> = {
      host: url.host,
      'content-type': 'application/json',
      'x-project-id': options.projectId,
      'x-sdk-date': formatSdkDate(now()),
    };
    if (options.credentials.securityToken) signed['x-security-token'] = options.credentials.securityToken;
    const query: Record<string, string[]> = {};
    url.searchParams.forEach((value, key) => (query[key] ??= []).push(value));
    const body = typeof opts.body === 'string' ? opts.body : undefined;
    const authorization = authorizationHeader({ method: opts.method, path: url.pathname, query, headers: signed, body }, options.credentials);
    const headers = { ...(opts.headers as Record<string, string> | undefined), ...signed, authorization };
    return dispatch({ ...opts, headers }, handler);
  };
}

export function createDispatcher(options: TransportOptions): Dispatcher {
  const ca = options.ca === undefined ? undefined : Array.isArray(options.ca) ? [...options.ca] : options.ca;
  const tls = ca === undefined ? undefined : { ca: ca as string | Buffer | (string | Buffer)[] };
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
  return agent.compose(signingInterceptor(options), interceptors.retry({ throwOnError: false }), interceptors.responseError());
}
