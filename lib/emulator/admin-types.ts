/**
 * Wire types of the emulator's admin API (`/_emulator/...`), shared by the server and the
 * admin client so the two cannot drift apart. The admin API needs no signature.
 */
import type { FaultState } from './faults';

/** `GET /_emulator/health` */
export interface EmulatorHealth {
  readonly status: 'ok';
  readonly projects: number;
  readonly instances: number;
  readonly tasks: number;
  readonly faults: number;
  readonly uptime_ms: number;
}

/** `GET /_emulator/faults` */
export interface FaultListResponse {
  readonly faults: readonly FaultState[];
}

/** `POST /_emulator/faults` */
export interface AddFaultsResponse {
  readonly ids: readonly string[];
}

/** `DELETE /_emulator/faults` */
export interface ClearFaultsResponse {
  readonly removed: number;
}

/** `PUT /_emulator/instances/{instance_id}` */
export interface InstanceSummary {
  readonly project_id: string;
  readonly instance_id: string;
  readonly name: string;
  readonly bigkey_supported: boolean;
  /** Big key tasks. */
  readonly task_count: number;
  readonly hotkey_task_count: number;
}

/** Per-instance counters in `GET /_emulator/stats` (keyed by the instance id in the request path). */
export interface InstanceStats {
  readonly requests: number;
  /** Big key list requests (`GET …/bigkey-tasks`). */
  readonly list_requests: number;
  /** Requests by route name (`list`, `show`, `autoscan`, `hotkey_list`, …; see the fault rules' `route`). */
  readonly routes: Readonly<Record<string, number>>;
  /** Most requests for this instance handled at the same time (injected latency included). */
  readonly max_in_flight: number;
  /** Responses by HTTP status; `"0"` counts connections reset without a response. */
  readonly statuses: Readonly<Record<string, number>>;
}

/** One DCS request in the stats log. */
export interface RequestLogEntry {
  readonly request_id: string;
  readonly method: string;
  readonly path: string;
  /** Query parameters (first value of each). */
  readonly query: Readonly<Record<string, string>>;
  /** HTTP status; 0 when the connection was reset without a response. */
  readonly status: number;
  readonly instance_id: string | null;
  /** Epoch milliseconds (fractional) when the request arrived and when it was answered. */
  readonly started_ms: number;
  readonly ended_ms: number;
}

/**
 * `GET /_emulator/stats`. Counts DCS API requests only: admin calls are not counted, so a test
 * can read stats as often as it likes without changing them.
 */
export interface EmulatorStats {
  readonly requests: number;
  readonly list_requests: number;
  /** Requests being handled right now. */
  readonly in_flight: number;
  /** Most DCS requests handled at the same time since start or the last reset. */
  readonly max_in_flight: number;
  /**
   * Every DCS response by HTTP status (`"0"`: connection reset without a response), whatever
   * the path: e.g. the share of requests a `rate_limit` rule answered 429.
   */
  readonly statuses: Readonly<Record<string, number>>;
  /** Every DCS request by route name (`list`, `show`, `autoscan`, `hotkey_list`, …). */
  readonly routes: Readonly<Record<string, number>>;
  readonly by_instance: Readonly<Record<string, InstanceStats>>;
  /** The last 10,000 requests, oldest first. */
  readonly log: readonly RequestLogEntry[];
}

/** Error body of the admin API. */
export interface AdminErrorBody {
  readonly error_code: string;
  readonly error_msg: string;
}
