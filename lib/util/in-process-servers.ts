/**
 * Which HTTP servers run in this very process (the emulator started in-process with
 * `startEmulatorServer`). The synchronous lookup blocks this process's main thread while its
 * worker sends the requests, so such a server could never answer: the lookup would hang until
 * its deadline and then blame the network. The registry lets it refuse at once instead.
 *
 * Kept on globalThis under a Symbol.for key, so every copy of the library loaded in the process
 * (two installs, the cdktf and the cdktn builds) sees the same servers.
 */
const REGISTRY = Symbol.for('cdktf-dcs-bigkey/in-process-emulators');

interface Listening {
  readonly protocol: string;
  readonly hostname: string;
  readonly port: string;
}

function registry(): Map<string, Listening> {
  const holder = globalThis as unknown as Record<symbol, Map<string, Listening> | undefined>;
  return (holder[REGISTRY] ??= new Map());
}

/** Records a server listening at `origin`; returns the function that forgets it (on close). */
export function registerInProcessServer(origin: string): () => void {
  const url = new URL(origin);
  const key = `${origin} ${Math.random()}`;
  registry().set(key, { protocol: url.protocol, hostname: url.hostname, port: url.port });
  return () => {
    registry().delete(key);
  };
}

/** Addresses that reach any local interface: a server on 0.0.0.0 also answers 127.0.0.1 and localhost. */
const LOCAL = /^(localhost|127\.\d+\.\d+\.\d+|\[::1?\]|\[::ffff:7f[0-9a-f]{2}:[0-9a-f]{1,4}\]|0\.0\.0\.0)$/;

/** The in-process server an endpoint would reach, as its origin, or undefined. */
export function inProcessServerAt(endpoint: string): string | undefined {
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    return undefined;
  }
  for (const server of registry().values()) {
    if (server.protocol !== url.protocol || server.port !== url.port) continue;
    if (server.hostname === url.hostname || (LOCAL.test(server.hostname) && LOCAL.test(url.hostname))) {
      return `${server.protocol}//${server.hostname}:${server.port}`;
    }
  }
  return undefined;
}
