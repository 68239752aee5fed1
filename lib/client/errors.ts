/**
 * One error family for everything the client can fail with. Messages are lower case, name
 * what went wrong and the value seen, and say what to do. They never carry a secret: every
 * message built from outside text passes through `redact` with the secrets in play.
 */

/** The API operations, named as Huawei Cloud's SDKs name them. */
export type DcsOperation =
  | 'ListBigkeyScanTasks'
  | 'ShowBigkeyScanTaskDetails'
  | 'ShowBigkeyAutoscanConfig'
  | 'ListHotKeyScanTasks'
  | 'ShowHotkeyTaskDetails'
  | 'ShowHotkeyAutoscanConfig'
  | 'CreateBigkeyScanTask'
  | 'DeleteBigkeyScanTask'
  | 'CreateHotkeyScanTask'
  | 'DeleteHotkeyScanTask';

/** True for the hot key operations (their advice speaks of hot key analysis). */
function isHotKeyOperation(operation: DcsOperation | undefined): boolean {
  return operation !== undefined && /Hot[Kk]ey/.test(operation);
}

/** Base class: `instanceof DcsError` catches everything this library throws on purpose. */
export class DcsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

/** Bad input or configuration, found before any request was sent. */
export class DcsConfigError extends DcsError {}

export interface DcsApiErrorDetails {
  readonly operation: DcsOperation;
  readonly instanceId: string;
  readonly status: number;
  readonly errorCode?: string;
  readonly errorMsg?: string;
  readonly requestId?: string;
  readonly attempts: number;
  /** A redirect's `Location` header (3xx). */
  readonly location?: string;
}

/** The API answered with an error status (after retries, where the status is retryable). */
// The interface merges with the class: its fields are the details, assigned in the constructor.
export interface DcsApiError extends DcsApiErrorDetails {}
export class DcsApiError extends DcsError {
  constructor(details: DcsApiErrorDetails) {
    super(describeApiError(details));
    Object.assign(this, details);
  }
}

/** No HTTP answer: connection refused or reset, timeout, deadline, DNS. */
export class DcsNetworkError extends DcsError {
  constructor(
    readonly operation: DcsOperation,
    readonly instanceId: string,
    readonly endpoint: string,
    readonly code: string,
    readonly attempts: number,
    cause: string,
  ) {
    super(
      `${operation} for instance ${instanceId} failed: no answer from ${endpoint} (${code}: ${cause}) after ${plural(attempts, 'attempt')}. ` +
        'check the endpoint or region, network access and proxy settings (HTTPS_PROXY, NO_PROXY), then retry',
    );
  }
}

/**
 * Never sent: the API is throttling this account (a `Retry-After` pause of every request to the
 * endpoint, or the adaptive send rate) past the request's deadline. See rate-control.ts.
 */
export class DcsThrottledError extends DcsError {
  readonly code = 'ERR_DCS_THROTTLED';
  constructor(
    readonly operation: DcsOperation,
    readonly instanceId: string,
    readonly attempts: number,
    /** How long the request would have had to wait before it could be sent, ms. */
    readonly waitMs: number,
  ) {
    super(
      `${operation} for instance ${instanceId} was not sent: the API is throttling this account and the request would have had to wait ${waitMs} ms, past its deadline` +
        `${attempts > 0 ? ` (after ${plural(attempts, 'attempt')})` : ''}. retry later, lower the concurrency, or raise deadlineMs`,
    );
  }
}

/** A 2xx answer whose body is not what the API contract says. Never used as data. */
export class DcsMalformedResponseError extends DcsError {
  constructor(
    readonly operation: DcsOperation,
    readonly instanceId: string,
    readonly problem: string,
    readonly requestId?: string,
    /** What to do, when not the default (retry, then report the request id). */
    advice = 'retry, and report the request id to Huawei Cloud support if it persists',
  ) {
    super(`${operation} for instance ${instanceId} returned a malformed body: ${problem}${requestIdSuffix(requestId)}. the data was not used; ${advice}`);
  }
}

/** The list changed while it was being paged, on every re-read allowed. */
export class DcsConsistencyError extends DcsError {
  constructor(
    readonly instanceId: string,
    readonly reason: string,
    readonly attempts: number,
    readonly operation: DcsOperation = 'ListBigkeyScanTasks',
  ) {
    super(
      `${operation} for instance ${instanceId} could not get a consistent list: ${reason} (re-read ${plural(attempts, 'time')}). ` +
        'tasks were being created or deleted while paging; retry when the instance is quieter',
    );
  }
}

/** What to do, by HTTP status and `error_code`. */
export function adviceFor(status: number, errorCode?: string, location?: string, operation?: DcsOperation): string {
  if (status >= 300 && status < 400) {
    return `the endpoint answered with a redirect${location ? ` to ${JSON.stringify(location)}` : ' (no Location)'}, which is not followed: set the endpoint to the final URL${location ? ' (its origin)' : ''} of the DCS API`;
  }
  if (errorCode === 'DCS.4919') {
    return isHotKeyOperation(operation)
      ? 'this instance does not support hot key analysis (it needs Redis 4.0 or later with maxmemory-policy allkeys-lfu or volatile-lfu); remove it from the lookup or change its maxmemory-policy'
      : 'this instance does not support big key analysis (its engine or edition cannot run it); remove it from the lookup';
  }
  if (errorCode === 'APIGW.0308' || status === 429) return 'the API is throttling requests; retry later or lower the concurrency';
  switch (status) {
    case 400:
      return operation === undefined || operation.startsWith('List')
        ? 'check the query values (offset >= 0, limit 1-1000, status one of waiting, running, success, failed)'
        : 'the request was refused as invalid; check the instance and task ids';
    case 401:
      return "check the access key and secret key (and the security token for temporary credentials), and that this machine's clock is within 15 minutes of UTC";
    case 403:
      return 'the credentials are not allowed to read this instance: grant the IAM user DCS read permission (e.g. DCS ReadOnlyAccess) in this project';
    case 404:
      return operation !== undefined && /Details$/.test(operation)
        ? 'check the task id (it may have been deleted since it was listed), the project id and the instance id'
        : 'check the project id and the instance id, and that the region or endpoint is the one the instance is in';
    default:
      return status >= 500 ? 'the service failed; retry later, and report the request id to Huawei Cloud support if it persists' : 'see the error message';
  }
}

function describeApiError(d: DcsApiErrorDetails): string {
  const code = d.errorCode ? ` ${d.errorCode}` : '';
  const msg = d.errorMsg ? ` "${d.errorMsg}"` : '';
  const attempts = d.attempts > 1 ? ` after ${plural(d.attempts, 'attempt')}` : '';
  return `${d.operation} for instance ${d.instanceId} failed: HTTP ${d.status}${code}${msg}${requestIdSuffix(d.requestId)}${attempts}. ${adviceFor(d.status, d.errorCode, d.location, d.operation)}`;
}

function requestIdSuffix(requestId?: string): string {
  return requestId ? ` (request id ${requestId})` : '';
}

export function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/** Replaces every occurrence of each secret (of 4+ characters) with `***`. */
export function redact(text: string, secrets: readonly (string | undefined)[]): string {
  let out = text;
  for (const secret of secrets) if (secret && secret.length >= 4) out = out.split(secret).join('***');
  return out;
}

/** The machine-readable facts of any error, for reports: class, HTTP status, codes, request id. */
export interface ErrorFacts {
  /** The error class, e.g. DcsApiError, DcsNetworkError. */
  readonly name: string;
  readonly status?: number;
  readonly errorCode?: string;
  readonly requestId?: string;
  /** For network errors, e.g. ECONNRESET. */
  readonly code?: string;
  /** HTTP requests sent, retries included, when known. */
  readonly attempts?: number;
}

export function errorFacts(error: unknown): ErrorFacts {
  const e = (error ?? {}) as { name?: unknown; status?: unknown; errorCode?: unknown; requestId?: unknown; code?: unknown; attempts?: unknown };
  return {
    name: typeof e.name === 'string' && e.name ? e.name : 'Error',
    ...(typeof e.status === 'number' ? { status: e.status } : {}),
    ...(typeof e.errorCode === 'string' ? { errorCode: e.errorCode } : {}),
    ...(typeof e.requestId === 'string' ? { requestId: e.requestId } : {}),
    ...(typeof e.code === 'string' ? { code: e.code } : {}),
    ...(typeof e.attempts === 'number' ? { attempts: e.attempts } : {}),
  };
}
