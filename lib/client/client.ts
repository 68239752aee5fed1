/**
 * The DCS cache analysis client: the task lists of both kinds of analysis (big key and hot key:
 * `ListBigkeyScanTasks`, `ListHotKeyScanTasks`), one page or every record; a task's details
 * with the keys it found (`ShowBigkeyScanTaskDetails`, `ShowHotkeyTaskDetails`); and the
 * automatic analysis settings (`ShowBigkeyAutoscanConfig`, `ShowHotkeyAutoscanConfig`). Every
 * call shares the signing, retries, rate control, body cap and error reporting; every body is
 * checked before it is returned (response.ts).
 * No cdktf here: the construct, the command line and the benchmarks all stand on this.
 */
import type { Dispatcher } from 'undici';
import { DcsConnectionOptions, EndpointOptions, ResolvedConnection, resolveConnection } from './connection';
import {
  DcsApiError,
  DcsConfigError,
  DcsConsistencyError,
  DcsError,
  DcsMalformedResponseError,
  DcsNetworkError,
  DcsOperation,
  DcsThrottledError,
  redact,
} from './errors';
import { DEFAULT_MAX_RESPONSE_BYTES, MAX_RESPONSE_BYTES_LIMIT, MAX_TASKS_ENV, resolveMaxTasks } from './limits';
import { InconsistentPagesError, listAllPages, MalformedPagesError } from './paging';
import { ProxySettings, resolveProxySettings, validateProxySettings } from './proxy';
import { parseAutoscanResponse, parseDetailsResponse, parseListResponse, ResponseShapeError } from './response';
import { AdaptiveRateController, DEADLINE_OPTION, PAUSE_OBSERVER_OPTION, RateControlDeadlineError, RateControlOptions, RateControlState } from './rate-control';
import { DEFAULT_RETRY, RetrySettings, retryCallback } from './retry-policy';
import type * as Transport from './transport';
import {
  AutoscanConfig,
  BigKey,
  BigKeyTaskStatus,
  DcsErrorBody,
  DEFAULT_PAGE_LIMIT,
  HotKey,
  ListBigKeyTasksQuery,
  ListBigKeyTasksResponse,
  SCAN_API,
  SCAN_KINDS,
  ScanKind,
  ScanTaskDetails,
} from './types';
import { undici } from './undici';
import { show, validateInstanceId, validatePositiveInteger, validateQuery, validateStatus, validateTaskId } from './validation';

export interface DcsClientOptions extends DcsConnectionOptions, EndpointOptions {
  /** Environment to read defaults from (credentials, project, endpoint, proxies, limits). @default process.env */
  readonly env?: NodeJS.ProcessEnv;
  /**
   * Proxies, checked before any request (see proxy.ts).
   * @default from `env`: http_proxy/HTTP_PROXY, https_proxy/HTTPS_PROXY, no_proxy/NO_PROXY
   */
  readonly proxy?: ProxySettings;
  /**
   * Most tasks read for one instance by `listAllBigKeyTasks`: a larger `count` is refused after
   * the first page (DcsMalformedResponseError), never paged through.
   * @default DCS_BIGKEY_MAX_TASKS, else 100000
   */
  readonly maxTasks?: number;
  /**
   * Largest HTTP response body, in bytes: a larger one is aborted (its Content-Length checked
   * first, streamed bytes counted otherwise) and reported as DcsMalformedResponseError.
   * @default 16 MiB (a full page of 1000 tasks is about 250 KB)
   */
  readonly maxResponseBytes?: number;
  /** Extra trusted CA certificate(s), PEM (for a TLS-inspecting proxy or a private endpoint). @default the system's */
  readonly ca?: string | Buffer | readonly (string | Buffer)[];
  /** Pages of one listing in flight at once. @default 8 */
  readonly pageConcurrency?: number;
  /** Retry backoff settings. @default 6 retries, 200 ms first step, 10 s largest wait */
  readonly retry?: Partial<RetrySettings>;
  /** Time allowed for a response's headers, and between body chunks. @default 30000 */
  readonly requestTimeoutMs?: number;
  /** Time allowed for one request including all its retries. @default 120000 */
  readonly deadlineMs?: number;
  /** Whole re-reads when a list changes while being paged, before failing. @default 2 */
  readonly consistencyRereads?: number;
  /** Clock for request signing. @default the system clock */
  readonly now?: () => Date;
  /**
   * Adaptive rate control shared by every request of this client (one endpoint, project and
   * access key: the scope of Huawei's account-level throttling): a 429 pauses all of them for its
   * Retry-After and lowers the send rate, which grows again on success (see rate-control.ts).
   * `false` sends every attempt at once, each retry honouring only its own Retry-After.
   * @default enabled, no limit until the first 429, at least 1 request/s, 1000 ms recovery
   */
  readonly rateControl?: RateControlOptions | false;
  /**
   * Called before each retry wait, e.g. to show "throttled by the API, waiting 8 s", and when a
   * request must wait because another request's 429 paused them all (rate control).
   * @default - nothing is called
   */
  readonly onRetry?: (event: RetryEvent) => void;
}

/** A retry about to wait: what failed and for how long the client waits before sending again. */
export interface RetryEvent {
  readonly instanceId: string;
  readonly operation: DcsOperation;
  /** Why, e.g. `HTTP 429` or `ECONNRESET`. */
  readonly reason: string;
  readonly delayMs: number;
  /** True when the API throttled the request (HTTP 429). */
  readonly throttled: boolean;
}

/** Where a response came from: Huawei Cloud, or the project's local emulator. */
export type DataSource = 'live' | 'emulator';

export interface ResponseMeta {
  /** HTTP requests sent, retries included. */
  readonly requests: number;
  /** X-Request-Id of the last response of each call. */
  readonly requestIds: readonly string[];
  readonly source: DataSource;
}

export interface TaskPage extends ListBigKeyTasksResponse {
  readonly meta: ResponseMeta;
}

export interface TaskListing extends ListBigKeyTasksResponse {
  readonly meta: ResponseMeta & { readonly rereads: number };
}

/** A task's details (the keys it found), with how they were read. */
export type TaskDetails<K extends BigKey = BigKey> = ScanTaskDetails<K> & { readonly meta: ResponseMeta };

/** Automatic analysis settings, with how they were read. */
export type AutoscanSettings = AutoscanConfig & { readonly meta: ResponseMeta };

const USER_AGENT = 'cdktf-dcs-bigkey';

export class DcsBigKeyClient {
  readonly endpoint: URL;
  readonly projectId: string;
  /** Where the credentials came from (`options` or an environment variable name). */
  readonly credentialSource: string;
  private readonly connection: ResolvedConnection;
  private readonly transport: typeof Transport;
  private readonly dispatcher: Dispatcher;
  private readonly rateController: AdaptiveRateController | undefined;
  private readonly retry: RetrySettings;
  private readonly pageConcurrency: number;
  private readonly requestTimeoutMs: number;
  private readonly deadlineMs: number;
  private readonly rereads: number;
  private readonly onRetry?: (event: RetryEvent) => void;
  private readonly maxTasks: number;
  private readonly maxResponseBytes: number;

  /** Resolves and checks all configuration; throws DcsConfigError before any request. */
  constructor(options: DcsClientOptions = {}) {
    const env = options.env ?? process.env;
    this.connection = resolveConnection(options, env);
    this.endpoint = this.connection.endpoint;
    this.projectId = this.connection.projectId;
    this.credentialSource = this.connection.credentials.source;
    this.retry = { ...DEFAULT_RETRY, ...options.retry };
    this.pageConcurrency = validatePositiveInteger(options.pageConcurrency ?? 8, 'pageConcurrency', 64);
    this.requestTimeoutMs = validatePositiveInteger(options.requestTimeoutMs ?? 30_000, 'requestTimeoutMs');
    this.deadlineMs = validatePositiveInteger(options.deadlineMs ?? 120_000, 'deadlineMs');
    const rereads = options.consistencyRereads ?? 2;
    if (!Number.isInteger(rereads) || rereads < 0) throw new DcsConfigError(`invalid consistencyRereads ${rereads}: expected an integer >= 0`);
    this.rereads = rereads;
    this.rateController = options.rateControl === false ? undefined : new AdaptiveRateController(validateRateControl(options.rateControl ?? {}));
    this.onRetry = options.onRetry;
    this.maxTasks = resolveMaxTasks(options.maxTasks, env);
    this.maxResponseBytes = validatePositiveInteger(options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES, 'maxResponseBytes', MAX_RESPONSE_BYTES_LIMIT);
    const proxy = options.proxy === undefined ? resolveProxySettings(env) : validateProxySettings(options.proxy);
    // The HTTP stack (undici) is loaded here, by the first client created, not when this module
    // is: the constructs' main thread never sends a request (their worker does).
    this.transport = require('./transport') as typeof Transport;
    this.dispatcher = this.transport.createDispatcher({
      proxy,
      maxResponseBytes: this.maxResponseBytes,
      credentials: this.connection.credentials,
      projectId: this.projectId,
      ca: options.ca,
      connections: Math.max(32, this.pageConcurrency),
      now: options.now,
      rateController: this.rateController,
    });
  }

  /** One page of big key tasks, exactly as the API returns it (server default limit 10 when `limit` is absent). */
  listBigKeyTasks(instanceId: string, query: ListBigKeyTasksQuery = {}): Promise<TaskPage> {
    return this.listTasks('bigkey', instanceId, query);
  }

  /** One page of hot key tasks (`ListHotKeyScanTasks`), like listBigKeyTasks. */
  listHotKeyTasks(instanceId: string, query: ListBigKeyTasksQuery = {}): Promise<TaskPage> {
    return this.listTasks('hotkey', instanceId, query);
  }

  /** One page of either kind's tasks, exactly as the API returns it. */
  async listTasks(kind: ScanKind, rawInstanceId: string, query: ListBigKeyTasksQuery = {}): Promise<TaskPage> {
    validateKind(kind);
    const instanceId = validateInstanceId(rawInstanceId);
    validateQuery(query);
    const result = await this.getList(kind, instanceId, query);
    const limit = query.limit ?? DEFAULT_PAGE_LIMIT;
    if (result.body.records.length > limit) {
      throw new DcsMalformedResponseError(SCAN_API[kind].list, instanceId, `the page has ${result.body.records.length} records, more than the limit of ${limit} asked for`, result.requestId);
    }
    return { ...result.body, meta: meta(result) };
  }

  /**
   * Every big key task (optionally of one status), newest first by `created_at`, deduplicated by
   * id, read with the fewest requests and checked for consistency (see paging.ts).
   */
  listAllBigKeyTasks(instanceId: string, options: { readonly status?: BigKeyTaskStatus } = {}): Promise<TaskListing> {
    return this.listAllTasks('bigkey', instanceId, options);
  }

  /** Every hot key task, with the same paging, consistency checks and caps as listAllBigKeyTasks. */
  listAllHotKeyTasks(instanceId: string, options: { readonly status?: BigKeyTaskStatus } = {}): Promise<TaskListing> {
    return this.listAllTasks('hotkey', instanceId, options);
  }

  /** Every task of either kind: one implementation of paging for both lists. */
  async listAllTasks(kind: ScanKind, rawInstanceId: string, options: { readonly status?: BigKeyTaskStatus } = {}): Promise<TaskListing> {
    validateKind(kind);
    const instanceId = validateInstanceId(rawInstanceId);
    if (options.status !== undefined) validateStatus(options.status);
    const operation = SCAN_API[kind].list;
    let requests = 0;
    let source: DataSource = 'live';
    let instance = instanceId;
    const requestIds: string[] = [];
    try {
      const paged = await listAllPages(
        async (offset, limit) => {
          const result = await this.getList(kind, instanceId, { offset, limit, status: options.status });
          requests += result.attempts;
          if (result.requestId) requestIds.push(result.requestId);
          source = result.source;
          instance = result.body.instance_id;
          return result.body;
        },
        { concurrency: this.pageConcurrency, rereads: this.rereads, maxTasks: this.maxTasks },
      );
      return { instance_id: instance, count: paged.count, records: paged.records, meta: { requests, requestIds, source, rereads: paged.rereads } };
    } catch (error) {
      if (error instanceof InconsistentPagesError) throw new DcsConsistencyError(instanceId, error.reason, error.attempts, operation);
      if (error instanceof MalformedPagesError) {
        const advice = error.overLimit ? `if the instance really has that many tasks, raise maxTasks (or ${MAX_TASKS_ENV}); otherwise report the request id to Huawei Cloud support` : undefined;
        throw new DcsMalformedResponseError(operation, instanceId, error.problem, requestIds.at(-1), advice);
      }
      throw error;
    }
  }

  /** The details of a big key analysis task: its record, `num` and the keys it found (`ShowBigkeyScanTaskDetails`). */
  showBigKeyTaskDetails(instanceId: string, taskId: string): Promise<TaskDetails<BigKey>> {
    return this.showTaskDetails('bigkey', instanceId, taskId);
  }

  /** The details of a hot key analysis task: keys with their LFU counter `freq` (`ShowHotkeyTaskDetails`). */
  showHotKeyTaskDetails(instanceId: string, taskId: string): Promise<TaskDetails<HotKey>> {
    return this.showTaskDetails('hotkey', instanceId, taskId) as Promise<TaskDetails<HotKey>>;
  }

  /** A task's details of either kind, checked (see parseDetailsResponse): malformed keys are never returned. */
  async showTaskDetails(kind: ScanKind, rawInstanceId: string, rawTaskId: string): Promise<TaskDetails> {
    validateKind(kind);
    const instanceId = validateInstanceId(rawInstanceId);
    const taskId = validateTaskId(rawTaskId);
    const api = SCAN_API[kind];
    const path = `/v2/${this.projectId}/instances/${instanceId}/${api.taskPath}/${taskId}`;
    const result = await this.getJson(api.details, instanceId, path, (text) => parseDetailsResponse(text, { kind, taskId, instanceId }));
    return { ...result.body, meta: meta(result) };
  }

  /** The automatic big key analysis settings (`ShowBigkeyAutoscanConfig`). */
  showBigKeyAutoscanConfig(instanceId: string): Promise<AutoscanSettings> {
    return this.showAutoscanConfig('bigkey', instanceId);
  }

  /** The automatic hot key analysis settings (`ShowHotkeyAutoscanConfig`). */
  showHotKeyAutoscanConfig(instanceId: string): Promise<AutoscanSettings> {
    return this.showAutoscanConfig('hotkey', instanceId);
  }

  /** Either kind's automatic analysis settings, checked (booleans, `HH:mm` times, the instance asked for). */
  async showAutoscanConfig(kind: ScanKind, rawInstanceId: string): Promise<AutoscanSettings> {
    validateKind(kind);
    const instanceId = validateInstanceId(rawInstanceId);
    const api = SCAN_API[kind];
    const path = `/v2/${this.projectId}/instances/${instanceId}/${api.autoscanPath}`;
    const result = await this.getJson(api.autoscan, instanceId, path, (text) => parseAutoscanResponse(text, instanceId));
    return { ...result.body, meta: meta(result) };
  }

  /** What the rate controller is doing (undefined when rate control is off). */
  rateControlState(): RateControlState | undefined {
    return this.rateController?.state();
  }

  /** Closes the keep-alive connections (a request still waiting for the rate controller fails). */
  async close(): Promise<void> {
    // Not retryable (an undici "closed" error would be): the request fails at once.
    this.rateController?.close(Object.assign(new Error('the client was closed while this request waited for the rate controller'), { code: 'ERR_DCS_CLIENT_CLOSED' }));
    await this.dispatcher.close();
  }

  private getList(kind: ScanKind, instanceId: string, query: ListBigKeyTasksQuery) {
    // Checked values (validateQuery), joined by hand: a URLSearchParams per request costs more than the request's signing.
    const search: string[] = [];
    if (query.offset !== undefined) search.push(`offset=${query.offset}`);
    if (query.limit !== undefined) search.push(`limit=${query.limit}`);
    if (query.status !== undefined) search.push(`status=${encodeURIComponent(query.status)}`);
    const api = SCAN_API[kind];
    const path = `/v2/${this.projectId}/instances/${instanceId}/${api.tasksPath}${search.length ? `?${search.join('&')}` : ''}`;
    return this.getJson(api.list, instanceId, path, (text) => parseListResponse(text, instanceId));
  }

  /** Sends a GET and checks its body with `parse`: a body that breaks the contract is DcsMalformedResponseError, never data. */
  private async getJson<T>(operation: DcsOperation, instanceId: string, path: string, parse: (text: string) => T) {
    const response = await this.send(operation, instanceId, path);
    try {
      return { ...response, body: parse(response.text) };
    } catch (error) {
      if (error instanceof ResponseShapeError) {
        throw new DcsMalformedResponseError(operation, instanceId, this.redact(error.message), response.requestId);
      }
      throw error;
    }
  }

  private async send(operation: DcsOperation, instanceId: string, path: string, method: Dispatcher.HttpMethod = 'GET') {
    let attempts = 1;
    const deadline = Date.now() + this.deadlineMs;
    const requestOptions = {
      origin: this.endpoint.origin,
      path,
      method,
      headers: { accept: 'application/json', 'user-agent': USER_AGENT },
      headersTimeout: this.requestTimeoutMs,
      bodyTimeout: this.requestTimeoutMs,
      retryOptions: {
        retry: retryCallback(this.retry, deadline, {
          onRetry: (reason, delayMs) => {
            attempts++;
            this.report({ instanceId, operation, reason, delayMs, throttled: reason === 'HTTP 429' });
          },
        }),
      },
      // another request's 429 paused every request of this client: reported like a retry wait
      [PAUSE_OBSERVER_OPTION]: (delayMs: number) => this.report({ instanceId, operation, reason: 'HTTP 429', delayMs, throttled: true }),
      // read by the rate control interceptor: a send that would wait past it fails unsent
      [DEADLINE_OPTION]: deadline,
    };
    try {
      const response = await this.transport.requestText(this.dispatcher, requestOptions as Dispatcher.DispatchOptions, this.maxResponseBytes);
      const requestId = header(response.headers, 'x-request-id');
      if (response.statusCode >= 300 && response.statusCode < 400) {
        const location = header(response.headers, 'location');
        throw new DcsApiError({ operation, instanceId, status: response.statusCode, requestId, attempts, ...(location !== undefined ? { location: this.redact(location.slice(0, 1024)) } : {}) });
      }
      if (response.text === undefined) {
        // Refused before reading it; undici counts the bytes of bodies that declare no length.
        throw this.tooLarge(operation, instanceId, `the body is ${header(response.headers, 'content-length')} bytes (Content-Length)`, requestId);
      }
      return { text: response.text, attempts, requestId, source: (header(response.headers, 'x-dcs-emulator') ? 'emulator' : 'live') as DataSource };
    } catch (error) {
      throw this.toDcsError(error, operation, instanceId, attempts);
    }
  }

  private report(event: RetryEvent): void {
    try {
      this.onRetry?.(event);
    } catch {
      // An observer (a progress display) must never change what happens to the request.
    }
  }

  private tooLarge(operation: DcsOperation, instanceId: string, what: string, requestId?: string): DcsMalformedResponseError {
    return new DcsMalformedResponseError(
      operation,
      instanceId,
      `${what}, more than the ${this.maxResponseBytes} bytes allowed (maxResponseBytes); the request was aborted`,
      requestId,
      'check that the endpoint is the DCS API (not a proxy or web page), or raise maxResponseBytes if it is',
    );
  }

  private toDcsError(error: unknown, operation: DcsOperation, instanceId: string, attempts: number): Error {
    if (error instanceof DcsError) return error;
    if (error instanceof RateControlDeadlineError) return new DcsThrottledError(operation, instanceId, attempts - 1, Math.ceil(error.waitMs));
    if ((error as { code?: string }).code === 'UND_ERR_RES_EXCEEDED_MAX_SIZE') return this.tooLarge(operation, instanceId, 'the body grew past the limit while it was read');
    if (error instanceof undici().errors.ResponseError) {
      const body = (typeof error.body === 'object' && error.body !== null ? error.body : {}) as DcsErrorBody;
      return new DcsApiError({
        operation,
        instanceId,
        status: error.statusCode,
        errorCode: typeof body.error_code === 'string' ? this.redact(body.error_code) : undefined,
        errorMsg: typeof body.error_msg === 'string' ? this.redact(body.error_msg.slice(0, 1024)) : undefined,
        requestId: header(error.headers as Record<string, string | string[] | undefined>, 'x-request-id'),
        attempts,
      });
    }
    const e = error as { code?: string; message?: string };
    return new DcsNetworkError(operation, instanceId, this.endpoint.origin, e.code ?? 'ERROR', attempts, this.redact(e.message ?? String(error)));
  }

  private redact(text: string): string {
    const { accessKey, secretKey, securityToken } = this.connection.credentials;
    return redact(text, [secretKey, securityToken, accessKey]);
  }
}

function validateKind(kind: unknown): asserts kind is ScanKind {
  if (!(SCAN_KINDS as readonly unknown[]).includes(kind)) throw new DcsConfigError(`invalid analysis kind ${show(kind)}: expected one of ${SCAN_KINDS.join(', ')}`);
}

function meta(result: { readonly attempts: number; readonly requestId?: string; readonly source: DataSource }): ResponseMeta {
  return { requests: result.attempts, requestIds: [result.requestId ?? ''], source: result.source };
}

function validateRateControl(options: RateControlOptions): RateControlOptions {
  const positive = (value: number | undefined, name: string) => {
    if (value !== undefined && !(typeof value === 'number' && Number.isFinite(value) && value > 0)) {
      throw new DcsConfigError(`invalid rateControl.${name} ${String(value)}: expected a number > 0`);
    }
  };
  positive(options.maxRatePerSecond, 'maxRatePerSecond');
  positive(options.minRatePerSecond, 'minRatePerSecond');
  positive(options.recoveryMs, 'recoveryMs');
  if (options.maxRatePerSecond !== undefined && options.minRatePerSecond !== undefined && options.minRatePerSecond > options.maxRatePerSecond) {
    throw new DcsConfigError(`invalid rateControl: minRatePerSecond ${options.minRatePerSecond} is above maxRatePerSecond ${options.maxRatePerSecond}`);
  }
  return options;
}

function header(headers: Record<string, string | string[] | undefined> | undefined, name: string): string | undefined {
  const value = headers?.[name];
  return Array.isArray(value) ? value[0] : value;
}
