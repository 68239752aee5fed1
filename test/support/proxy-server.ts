/**
 * A tiny HTTP forward proxy for transport tests, run in a separate process (the library's
 * synchronous lookup blocks this thread with Atomics.wait; a proxy living here would stall).
 *
 *   - CONNECT host:port     a TCP tunnel (undici's ProxyAgent tunnels every request this way,
 *                           http:// targets included)
 *   - GET http://host/path  plain absolute-URI forwarding (what curl and older clients send)
 *   - GET /__proxy/stats    {"tunnels":n,"requests":n,"targets":["host:port",…]} — on the proxy
 *                           itself, never forwarded; POST /__proxy/reset zeroes it
 *
 * As a script (`node --import tsx test/support/proxy-server.ts`) it listens on 127.0.0.1 and a
 * free port, prints its URL as the first stdout line, and stops on SIGTERM/SIGINT or when its
 * parent's IPC channel closes. `startProxy()` spawns it (lib/util/url-child) and reads the
 * stats over HTTP.
 */
import * as http from 'node:http';
import * as net from 'node:net';
import { spawnUrlChild } from '../../lib/util/url-child';

export interface ProxyStats {
  /** CONNECT tunnels opened. */
  readonly tunnels: number;
  /** Absolute-URI requests forwarded. */
  readonly requests: number;
  /** `host:port` of every tunnel and forwarded request, in order. */
  readonly targets: readonly string[];
}

export interface ProxyProcess {
  /** e.g. `http://127.0.0.1:40125` */
  readonly url: string;
  readonly pid: number;
  stats(): Promise<ProxyStats>;
  reset(): Promise<void>;
  stop(): Promise<void>;
}

// ---------------------------------------------------------------------------------------------
// The proxy (runs in the child)

function runProxy(): void {
  let tunnels = 0;
  let requests = 0;
  const targets: string[] = [];
  const sockets = new Set<net.Socket>();
  const track = (socket: net.Socket): void => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  };

  const server = http.createServer((req, res) => {
    const raw = req.url ?? '/';
    if (raw.startsWith('/')) {
      // Origin-form: addressed to the proxy itself.
      if (req.method === 'GET' && raw === '/__proxy/stats') {
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ tunnels, requests, targets }));
      } else if (req.method === 'POST' && raw === '/__proxy/reset') {
        tunnels = 0;
        requests = 0;
        targets.length = 0;
        res.writeHead(204).end();
      } else {
        res.writeHead(400, { 'content-type': 'text/plain' }).end(`not a proxy request: ${req.method} ${raw}\n`);
      }
      req.resume();
      return;
    }
    let target: URL;
    try {
      target = new URL(raw);
      if (target.protocol !== 'http:') throw new Error(`unsupported scheme ${target.protocol}`);
    } catch (error) {
      res.writeHead(400, { 'content-type': 'text/plain' }).end(`bad absolute URI ${raw}: ${(error as Error).message}\n`);
      req.resume();
      return;
    }
    requests += 1;
    targets.push(target.host);
    const upstream = http.request(
      {
        host: target.hostname.replace(/^\[|\]$/g, ''),
        port: target.port || 80,
        method: req.method,
        path: `${target.pathname}${target.search}`,
        headers: endToEnd(req.headers),
        agent: false,
      },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, endToEnd(answer.headers));
        answer.pipe(res);
      },
    );
    upstream.on('error', (error) => {
      if (!res.headersSent) res.writeHead(502, { 'content-type': 'text/plain' }).end(`proxy: ${error.message}\n`);
      else res.destroy();
    });
    req.pipe(upstream);
  });

  server.on('connection', track);
  server.on('connect', (req: http.IncomingMessage, client: net.Socket, head: Buffer) => {
    const authority = req.url ?? '';
    const match = /^(\[[^\]]+\]|[^:]+):(\d+)$/.exec(authority);
    if (!match) {
      client.end('HTTP/1.1 400 Bad Request\r\n\r\n');
      return;
    }
    tunnels += 1;
    targets.push(authority);
    const upstream = net.connect(Number(match[2]), match[1].replace(/^\[|\]$/g, ''));
    track(upstream);
    let connected = false;
    upstream.once('connect', () => {
      connected = true;
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      if (head.length > 0) upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
    });
    upstream.on('error', () => {
      if (!connected) client.end('HTTP/1.1 502 Bad Gateway\r\n\r\n');
      else client.destroy();
    });
    client.on('error', () => upstream.destroy());
    client.once('close', () => upstream.destroy());
    upstream.once('close', () => client.destroy());
  });

  const stop = (): void => {
    server.close();
    for (const socket of sockets) socket.destroy();
    if (process.connected) process.disconnect();
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
  if (typeof process.send === 'function') {
    process.channel?.unref();
    process.once('disconnect', stop);
  }
  server.listen(0, '127.0.0.1', () => {
    const { port } = server.address() as net.AddressInfo;
    process.stdout.write(`http://127.0.0.1:${port}\n`);
  });
}

/** The headers without the hop-by-hop ones (RFC 9110 7.6.1), for forwarding. */
function endToEnd(headers: http.IncomingHttpHeaders): http.OutgoingHttpHeaders {
  const hopByHop = new Set(['connection', 'keep-alive', 'proxy-connection', 'proxy-authorization', 'proxy-authenticate', 'te', 'trailer', 'transfer-encoding', 'upgrade']);
  return Object.fromEntries(Object.entries(headers).filter(([name, value]) => value !== undefined && !hopByHop.has(name)));
}

// ---------------------------------------------------------------------------------------------
// The parent side

function getJson(url: string, method: 'GET' | 'POST'): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    // node:http with agent:false: never the code under test's dispatcher, never an env proxy.
    const req = http.request(url, { method, agent: false }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
    });
    req.on('error', reject);
    req.end();
  });
}

/** Spawns the proxy as a child process and waits for its URL. */
export async function startProxy(timeoutMs = 20_000): Promise<ProxyProcess> {
  const child = await spawnUrlChild({
    label: 'test proxy',
    nodeArgs: __filename.endsWith('.ts') ? ['--import', 'tsx'] : [],
    script: __filename,
    args: [],
    urlPattern: /^http:\/\/127\.0\.0\.1:\d+$/,
    startTimeoutMs: timeoutMs,
    stderrTailBytes: 16_384,
  });
  child.unref();
  const { url } = child;
  return {
    url,
    pid: child.pid,
    stats: async () => {
      const { status, text } = await getJson(`${url}/__proxy/stats`, 'GET');
      if (status !== 200) throw new Error(`proxy stats: HTTP ${status}: ${text}`);
      return JSON.parse(text) as ProxyStats;
    },
    reset: async () => {
      const { status, text } = await getJson(`${url}/__proxy/reset`, 'POST');
      if (status !== 204) throw new Error(`proxy reset: HTTP ${status}: ${text}`);
    },
    stop: () => child.stop(5_000),
  };
}

if (require.main === module) runProxy();
