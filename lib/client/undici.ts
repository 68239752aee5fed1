/**
 * The parts of undici the client uses, loaded on first use (the first client created) and by
 * their own files. undici's index also loads fetch, WebSocket, EventSource, the cache and mock
 * agents, HTTP/2 helpers and more (about 110 modules); the proxy-aware agent, the two
 * interceptors, the errors and `connect()` are about a third of them and half its load time.
 * The synth-time lookup worker pays that load on the critical path of every synth, and a
 * process that never sends a request (a replayed synth, the main thread of a live one) pays
 * nothing.
 *
 * undici has no "exports" map, so these are its own module paths. Should a release move one,
 * the index is loaded instead: a new undici costs load time, never correctness.
 */
import type * as Undici from 'undici';

export interface UndiciParts {
  readonly EnvHttpProxyAgent: typeof Undici.EnvHttpProxyAgent;
  readonly interceptors: Pick<typeof Undici.interceptors, 'retry' | 'responseError'>;
  readonly errors: Pick<typeof Undici.errors, 'ResponseError'>;
}

let parts: UndiciParts | undefined;

export function undici(): UndiciParts {
  return (parts ??= loadParts());
}

function loadParts(): UndiciParts {
  try {
    const dispatcher = require('undici/lib/dispatcher/dispatcher') as { prototype: Record<string, unknown> };
    // What undici's index does for every dispatcher (Object.assign(Dispatcher.prototype, api)),
    // for the one API method used: `connect`, with which the proxy agent opens its CONNECT
    // tunnels (the client dispatches with its own handler); the same function, so loading the
    // index later changes nothing.
    if (typeof dispatcher.prototype.connect !== 'function') dispatcher.prototype.connect = require('undici/lib/api/api-connect');
    return {
      EnvHttpProxyAgent: require('undici/lib/dispatcher/env-http-proxy-agent'),
      interceptors: { retry: require('undici/lib/interceptor/retry'), responseError: require('undici/lib/interceptor/response-error') },
      errors: { ResponseError: require('undici/lib/core/errors').ResponseError },
    };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'MODULE_NOT_FOUND') throw error;
    return require('undici') as typeof Undici;
  }
}
