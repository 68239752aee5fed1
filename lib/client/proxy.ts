/**
 * The proxy settings of a client, read from its environment the way undici's EnvHttpProxyAgent
 * reads them (lower-case names first: `http_proxy`, then `HTTP_PROXY`; https falls back to the
 * http proxy; `no_proxy`, then `NO_PROXY`), and checked before any request. The checked values
 * are then passed to EnvHttpProxyAgent explicitly, so what is validated is what is used (and a
 * client's `env` option decides, not whatever process.env holds at that moment).
 *
 * A malformed value is a DcsConfigError naming the variable. Proxy URLs may carry a password,
 * so their values are never shown.
 */
import { DcsConfigError } from './errors';
import { show } from './validation';

export interface ProxySettings {
  /** Proxy for http:// endpoints ("" = none). */
  readonly httpProxy: string;
  /** Proxy for https:// endpoints ("" = the http proxy, if any). */
  readonly httpsProxy: string;
  /** Hosts reached directly: comma or space separated names, `.domain`, `*.domain`, IPs, optional `:port`, or `*`. */
  readonly noProxy: string;
}

export const NO_PROXY_SETTINGS: ProxySettings = { httpProxy: '', httpsProxy: '', noProxy: '' };

/** The variable that is in effect: the lower-case name wins when it is set at all (as in undici). */
function pick(env: NodeJS.ProcessEnv, lower: string, upper: string): { name: string; value: string } {
  if (env[lower] !== undefined) return { name: lower, value: env[lower] ?? '' };
  return { name: upper, value: env[upper] ?? '' };
}

export function resolveProxySettings(env: NodeJS.ProcessEnv): ProxySettings {
  const http = pick(env, 'http_proxy', 'HTTP_PROXY');
  const https = pick(env, 'https_proxy', 'HTTPS_PROXY');
  const no = pick(env, 'no_proxy', 'NO_PROXY');
  return {
    httpProxy: checkProxyUrl(http.value, http.name),
    httpsProxy: checkProxyUrl(https.value, https.name),
    noProxy: checkNoProxy(no.value, no.name),
  };
}

/** Checks settings given explicitly (the client's `proxy` option, or a lookup carried to the worker). */
export function validateProxySettings(settings: ProxySettings): ProxySettings {
  const text = (value: unknown, name: string): string => {
    if (value === undefined) return '';
    if (typeof value !== 'string') throw new DcsConfigError(`invalid ${name}: expected a string`);
    return value;
  };
  return {
    httpProxy: checkProxyUrl(text(settings.httpProxy, 'proxy.httpProxy'), 'proxy.httpProxy'),
    httpsProxy: checkProxyUrl(text(settings.httpsProxy, 'proxy.httpsProxy'), 'proxy.httpsProxy'),
    noProxy: checkNoProxy(text(settings.noProxy, 'proxy.noProxy'), 'proxy.noProxy'),
  };
}

const PROXY_FIX = 'expected a proxy URL such as http://proxy.example.com:3128 (http:// or https://, a host, an optional port)';

function checkProxyUrl(value: string, name: string): string {
  if (value === '') return '';
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new DcsConfigError(`invalid ${name}: it is not a URL (the value is not shown: it may hold a password); ${PROXY_FIX}`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    // `proxy.example.com:3128` parses with the host as its scheme: say so.
    throw new DcsConfigError(`invalid ${name}: its scheme ${show(url.protocol)} is not http: or https: (a scheme-less host:port needs http:// in front); ${PROXY_FIX}`);
  }
  if (url.hostname === '') throw new DcsConfigError(`invalid ${name}: it has no host; ${PROXY_FIX}`);
  if ((url.pathname !== '/' && url.pathname !== '') || url.search || url.hash) {
    throw new DcsConfigError(`invalid ${name}: a proxy URL has no path, query or fragment; ${PROXY_FIX}`);
  }
  return value;
}

/**
 * One NO_PROXY entry, as other tools write them: `*`, a host name, `.domain`, `*.domain`, an
 * IPv4 or IPv6 address (bracketed with a port), with an optional `:port`; or a CIDR range
 * (accepted because the same variable serves other tools, but undici matches host names only).
 */
const NO_PROXY_ENTRY = new RegExp(
  '^(?:' +
    [
      '\\*',
      '(?:\\*?\\.)?[A-Za-z0-9_-]+(?:\\.[A-Za-z0-9_-]+)*\\.?(?::\\d{1,5})?',
      '\\[[0-9A-Fa-f:.]+\\](?::\\d{1,5})?',
      '[0-9A-Fa-f]*:[0-9A-Fa-f:.]*',
      '\\d{1,3}(?:\\.\\d{1,3}){3}\\/\\d{1,2}',
      '[0-9A-Fa-f]*:[0-9A-Fa-f:.]*\\/\\d{1,3}',
    ].join('|') +
    ')$',
);

function checkNoProxy(value: string, name: string): string {
  for (const entry of value.split(/[,\s]+/)) {
    if (entry === '') continue;
    const port = /^[^:]*:(\d+)$|\]:(\d+)$/.exec(entry);
    const portNumber = port ? Number(port[1] ?? port[2]) : 1;
    if (!NO_PROXY_ENTRY.test(entry) || portNumber < 1 || portNumber > 65535) {
      throw new DcsConfigError(
        `invalid ${name} entry ${show(entry)}: expected host names, .domain or *.domain suffixes, IP addresses or *, each with an optional :port, separated by commas (no scheme, no path)`,
      );
    }
  }
  return value;
}
