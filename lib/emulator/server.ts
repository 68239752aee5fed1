/**
 * The emulator's HTTP server (`node:http`, or `node:https` when given a certificate; in-process):
 * request ids, body reading, dispatch to the DCS routes or the admin API, the per-request log line
 * and the stats.
 *
 * In-process use suits asynchronous clients only. The library's synchronous lookup blocks its
 * thread with Atomics.wait, which would also block an in-process server: use spawnEmulator
 * (process.ts) for that. A running server is registered (lib/util/in-process-servers.ts) so
 * that a synchronous lookup aimed at it fails at once instead of hanging.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { IncomingMessage, Server, ServerResponse, createServer } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { createSecureContext } from 'node:tls';
import type { AddressInfo, Socket } from 'node:net';
import { ADMIN_PREFIX, handleAdminRequest } from './admin-routes';
import { RequestVerifier } from './auth';
import { BUNDLED_DEMO_DATA_FILE, EmulatorData, loadEmulatorData, validateEmulatorData } from './data-file';
import { DcsContext, handleDcsRequest, matchDcsRoute } from './dcs-routes';
import { FaultSet } from './faults';
import { Reply, dcsError, sendReply, unknownRoute } from './responses';
import { StatsRecorder } from './stats';
import { registerInProcessServer } from '../util/in-process-servers';
import { EmulatorStore } from './store';

/** PEM files for serving HTTPS. */
export interface EmulatorTlsOptions {
  /** The server certificate (chain), PEM. */
  readonly certFile: string;
  /** Its private key, PEM (unencrypted). */
  readonly keyFile: string;
}

/** The certificate or key of EmulatorTlsOptions cannot be read or used. */
export class EmulatorTlsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'EmulatorTlsError';
  }
}

/** Reads the PEM files and checks that they make a usable TLS context (the key matches the cert). */
export function loadEmulatorTls(tls: EmulatorTlsOptions): { cert: Buffer; key: Buffer } {
  const read = (file: string, what: string): Buffer => {
    try {
      return readFileSync(file);
    } catch (error) {
      throw new EmulatorTlsError(`cannot read the TLS ${what} ${file}: ${(error as Error).message}`);
    }
  };
  const cert = read(tls.certFile, 'certificate');
  const key = read(tls.keyFile, 'key');
  try {
    createSecureContext({ cert, key });
  } catch (error) {
    throw new EmulatorTlsError(`unusable TLS certificate ${tls.certFile} and key ${tls.keyFile}: ${(error as Error).message}`);
  }
  return { cert, key };
}

export interface EmulatorServerOptions {
  /** The data to serve (validated here). Takes precedence over `dataFile`. */
  readonly data?: EmulatorData;
  /** A data file to load. @default the bundled demo data (`data/emulator-demo.json`) */
  readonly dataFile?: string;
  /** @default "127.0.0.1" */
  readonly host?: string;
  /** 0 picks a free port. @default 0 */
  readonly port?: number;
  /** Receives one line per request (no headers, no secrets). @default no logging */
  readonly log?: (line: string) => void;
  /** The server clock in epoch ms (signature window, task lifecycle, timestamps). @default Date.now */
  readonly now?: () => number;
  /** Serve HTTPS with this certificate and key (same routes). @default plain HTTP */
  readonly tls?: EmulatorTlsOptions;
}

export interface RunningEmulator {
  /** Base URL, e.g. `http://127.0.0.1:40123`, or `https://…` with TLS (no trailing slash). */
  readonly url: string;
  readonly port: number;
  /** Stops accepting, drops open connections, and resolves when the server is closed. */
  close(): Promise<void>;
}

/** Largest request body accepted (admin PUTs of big instances included). */
const MAX_BODY_BYTES = 64 * 1024 * 1024;

export async function startEmulatorServer(options: EmulatorServerOptions = {}): Promise<RunningEmulator> {
  const data = options.data !== undefined ? validateEmulatorData(options.data) : loadEmulatorData(options.dataFile ?? BUNDLED_DEMO_DATA_FILE);
  const now = options.now ?? Date.now;
  const store = new EmulatorStore(data);
  const faults = new FaultSet();
  faults.add(data.faults ?? []);
  const stats = new StatsRecorder();
  const sleeper = new Sleeper();
  const dcs: DcsContext = { store, faults, verifier: new RequestVerifier(data.credentials), now, sleep: (ms) => sleeper.sleep(ms) };
  const admin = { store, faults, stats, startedMs: Date.now() };
  const log = options.log;
  const tls = options.tls === undefined ? undefined : loadEmulatorTls(options.tls);

  const onRequest = (req: IncomingMessage, res: ServerResponse): void => {
    handle(req, res).catch((error: unknown) => {
      // A bug in the emulator must still answer (and be visible), not hang the client.
      if (!res.headersSent && !res.destroyed) sendReply(res, dcsError(500, 'DCS.5000', `Emulator internal error: ${(error as Error).message}`));
    });
  };
  const server: Server =
    tls === undefined ? createServer({ keepAliveTimeout: 5_000 }, onRequest) : createHttpsServer({ keepAliveTimeout: 5_000, ...tls }, onRequest);

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const startedMs = Date.now();
    const requestId = nextRequestId();
    const method = req.method ?? 'GET';
    res.setHeader('X-Request-Id', requestId);
    res.setHeader('X-Dcs-Emulator', '1');
    const url = parseUrl(req.url);
    const isAdmin = url !== undefined && (url.pathname === ADMIN_PREFIX || url.pathname.startsWith(`${ADMIN_PREFIX}/`));
    const route = url && !isAdmin ? matchDcsRoute(method, url.pathname) : undefined;
    const endStats = isAdmin
      ? undefined
      : stats.begin({
          requestId,
          method,
          path: url?.pathname ?? String(req.url),
          query: url ? Object.fromEntries([...url.searchParams.keys()].map((key) => [key, url.searchParams.get(key)!])) : {},
          instanceId: route?.instanceId ?? null,
          isList: route?.name === 'list',
          route: route?.name ?? null,
        });
    res.once('close', () => {
      const status = res.headersSent ? res.statusCode : 0;
      endStats?.(status);
      log?.(`${new Date().toISOString()} ${method} ${req.url ?? ''} ${status === 0 ? 'reset' : status} ${Date.now() - startedMs}ms ${requestId}`);
    });

    const body = await readBody(req);
    let reply: Reply;
    let afterSend: (() => void) | undefined;
    if (url === undefined) reply = dcsError(400, 'DCS.4000', `Invalid request URL ${JSON.stringify(req.url)}.`);
    else if (body === undefined) reply = dcsError(413, 'DCS.4130', `Request body larger than ${MAX_BODY_BYTES} bytes.`);
    else if (isAdmin) reply = handleAdminRequest(admin, method, url.pathname, body);
    else if (!route) reply = unknownRoute(requestId);
    else ({ reply, afterSend } = await handleDcsRequest(dcs, { route, requestId, method, pathname: url.pathname, searchParams: url.searchParams, headers: req.headers, body }));
    if (res.destroyed) return; // the client went away (e.g. while injected latency ran)
    sendReply(res, reply);
    afterSend?.();
  }

  // Track sockets so close() does not wait for idle keep-alive connections (with TLS these are
  // the raw TCP sockets under the TLS ones; destroying them ends both).
  const sockets = new Set<Socket>();
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' || address.address.includes(':') ? `[${address.address}]` : address.address;
  const url = `${tls === undefined ? 'http' : 'https'}://${host}:${address.port}`;
  // Known to the synchronous lookup, which refuses to wait on a server of its own process.
  const forget = registerInProcessServer(url);
  let closing: Promise<void> | undefined;
  return {
    url,
    port: address.port,
    close: () => (closing ??= closeServer(server, sockets, sleeper).finally(forget)),
  };
}

async function closeServer(server: Server, sockets: Set<Socket>, sleeper: Sleeper): Promise<void> {
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  sleeper.cancelAll();
  for (const socket of sockets) socket.destroy();
  await closed;
}

function parseUrl(raw: string | undefined): URL | undefined {
  try {
    return new URL(raw ?? '/', 'http://emulator.invalid');
  } catch {
    return undefined;
  }
}

/**
 * Request ids: 32 hex digits, unique in this process — a random prefix per process and a
 * counter (a random draw per request cost more than the rest of a list request's bookkeeping).
 */
const REQUEST_ID_PREFIX = randomBytes(8).toString('hex');
let requestCounter = 0;
function nextRequestId(): string {
  return REQUEST_ID_PREFIX + (requestCounter++).toString(16).padStart(16, '0');
}

const EMPTY_BODY = Buffer.alloc(0);

/** The whole body, or undefined when it exceeds the limit. */
async function readBody(req: IncomingMessage): Promise<Buffer | undefined> {
  // A request without a body (every list request) is complete when it arrives: no stream to read.
  if (req.complete && req.readableLength === 0) return EMPTY_BODY;
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) return undefined;
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

/** Injected-latency timers, cut short on close so a stopping server never waits for them. */
class Sleeper {
  private readonly pending = new Map<NodeJS.Timeout, () => void>();

  sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.pending.delete(timer);
        resolve();
      }, ms);
      this.pending.set(timer, resolve);
    });
  }

  cancelAll(): void {
    for (const [timer, resolve] of this.pending) {
      clearTimeout(timer);
      resolve();
    }
    this.pending.clear();
  }
}

