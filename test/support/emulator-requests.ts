/**
 * Signed requests to the emulator for its own tests, built directly on the signer (not on the
 * library's client) so each test controls exactly what is sent: the date, the key, which
 * headers are signed, a tampered signature, a missing X-Project-Id.
 */
import { Agent, request } from 'undici';
import { authorizationHeader, formatSdkDate } from '../../lib/client/signer';
import { DEMO, EmulatorData, EmulatorProcess, spawnEmulator } from '../../lib/emulator';
import { useEmulatorProcess } from './emulator-fixture';

export interface SignedRequestOptions {
  readonly method?: 'GET' | 'POST' | 'DELETE' | 'PUT';
  /** Wire path, e.g. `/v2/{project}/instances/{id}/bigkey-tasks`. */
  readonly path: string;
  /** Query parameters in wire order. */
  readonly query?: Readonly<Record<string, string | number>>;
  readonly accessKey?: string;
  readonly secretKey?: string;
  /** Sent and signed as X-Security-Token. */
  readonly securityToken?: string;
  /** X-Project-Id; default: the project id in the path; null: not sent. */
  readonly projectIdHeader?: string | null;
  /** X-Sdk-Date. @default now */
  readonly date?: Date;
  /** Flip one character of the signature. */
  readonly tamperSignature?: boolean;
  /** Send no Authorization header at all. */
  readonly unsigned?: boolean;
  /** Send this query on the wire instead of the signed one (a request altered after signing). */
  readonly wireQuery?: Readonly<Record<string, string | number>>;
  /** Replace the SignedHeaders list in the Authorization header (e.g. claim fewer headers). */
  readonly signedHeadersClaim?: string;
}

export interface EmulatorResponse {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly text: string;
  /** The body parsed as JSON (throws on a malformed body). */
  json<T = any>(): T;
}

export class SignedRequester {
  private readonly agent = new Agent({ connections: 64, keepAliveTimeout: 2_000 });

  constructor(
    readonly baseUrl: string,
    readonly defaults: { readonly accessKey: string; readonly secretKey: string },
  ) {}

  async send(options: SignedRequestOptions): Promise<EmulatorResponse> {
    const method = options.method ?? 'GET';
    const url = new URL(options.path, this.baseUrl);
    for (const [key, value] of Object.entries(options.query ?? {})) url.searchParams.append(key, String(value));
    const projectId = options.projectIdHeader === undefined ? /^\/v2\/([^/]+)\//.exec(options.path)?.[1] : options.projectIdHeader;
    const signed: Record<string, string> = {
      host: url.host,
      'content-type': 'application/json',
      'x-sdk-date': formatSdkDate(options.date ?? new Date()),
    };
    if (projectId !== null && projectId !== undefined) signed['x-project-id'] = projectId;
    if (options.securityToken !== undefined) signed['x-security-token'] = options.securityToken;
    const query: Record<string, string[]> = {};
    url.searchParams.forEach((value, key) => (query[key] ??= []).push(value));
    let authorization = authorizationHeader(
      { method, path: url.pathname, query, headers: signed },
      { accessKey: options.accessKey ?? this.defaults.accessKey, secretKey: options.secretKey ?? this.defaults.secretKey },
    );
    if (options.signedHeadersClaim !== undefined) authorization = authorization.replace(/SignedHeaders=[^,]+/, `SignedHeaders=${options.signedHeadersClaim}`);
    if (options.tamperSignature) authorization = authorization.slice(0, -1) + (authorization.endsWith('0') ? '1' : '0');
    const headers: Record<string, string> = { ...signed };
    delete headers.host; // undici sets Host itself, to the same value
    if (!options.unsigned) headers.authorization = authorization;
    const wire = new URL(url.pathname, this.baseUrl);
    for (const [key, value] of Object.entries(options.wireQuery ?? {})) wire.searchParams.append(key, String(value));
    const response = await request(options.wireQuery ? wire : url, { method, headers, dispatcher: this.agent });
    const text = await response.body.text();
    return {
      status: response.statusCode,
      headers: response.headers,
      text,
      json: () => JSON.parse(text),
    };
  }

  close(): Promise<void> {
    return this.agent.close();
  }
}

export function listPath(projectId: string, instanceId: string): string {
  return `/v2/${projectId}/instances/${instanceId}/bigkey-tasks`;
}

export function taskPath(projectId: string, instanceId: string, taskId?: string, kind: 'bigkey' | 'hotkey' = 'bigkey'): string {
  return `/v2/${projectId}/instances/${instanceId}/${kind}-task${taskId === undefined ? '' : `/${taskId}`}`;
}

export function hotListPath(projectId: string, instanceId: string): string {
  return `/v2/${projectId}/instances/${instanceId}/hotkey-tasks`;
}

export function autoscanPath(projectId: string, instanceId: string, kind: 'bigkey' | 'hotkey' = 'bigkey'): string {
  return `/v2/${projectId}/instances/${instanceId}/${kind}/autoscan`;
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export interface SignedEmulatorContext {
  readonly emulator: EmulatorProcess;
  /** Signs with the demo credentials unless a request says otherwise. */
  readonly dcs: SignedRequester;
}

/**
 * An emulator process serving `data()` for a test file (useEmulatorProcess: faults and stats
 * cleared before each test), and a requester signing with the demo credentials. The fields are
 * set once the tests run.
 */
export function useSignedEmulator(data: () => EmulatorData): SignedEmulatorContext {
  const context = useEmulatorProcess(() => spawnEmulator({ data: data(), quiet: true })) as { emulator: EmulatorProcess; dcs: SignedRequester };
  beforeAll(() => {
    context.dcs = new SignedRequester(context.emulator.url, { accessKey: DEMO.accessKey, secretKey: DEMO.secretKey });
  });
  afterAll(async () => context.dcs?.close());
  return context;
}
