/**
 * Types of the DCS `ListBigkeyScanTasks` call, exactly as the API reference names them
 * (`GET /v2/{project_id}/instances/{instance_id}/bigkey-tasks`).
 */

/** Status of a big key analysis task. */
export const TASK_STATUSES = ['waiting', 'running', 'success', 'failed'] as const;
export type BigKeyTaskStatus = (typeof TASK_STATUSES)[number];

/** `manual`: started by a user; `auto`: started by the automatic analysis schedule. */
export const SCAN_TYPES = ['manual', 'auto'] as const;
export type BigKeyScanType = (typeof SCAN_TYPES)[number];

/** One big key analysis task as the API returns it. */
export interface BigKeyTask {
  readonly id: string;
  readonly status: BigKeyTaskStatus;
  readonly scan_type: BigKeyScanType;
  /** ISO-8601 UTC with milliseconds, e.g. `2020-06-15T02:21:18.669Z`. */
  readonly created_at: string;
  /** Absent or null until the task starts. */
  readonly started_at?: string | null;
  /** Absent or null until the task ends. */
  readonly finished_at?: string | null;
}

/** Query parameters of the list call; all optional. */
export interface ListBigKeyTasksQuery {
  /** Index of the first record returned (>= 0). The API defaults to 0. */
  readonly offset?: number;
  /** Records per page (1–1000). The API defaults to 10. */
  readonly limit?: number;
  /** Only tasks in this status. */
  readonly status?: BigKeyTaskStatus;
}

/** The 200 response body of the list call. */
export interface ListBigKeyTasksResponse {
  readonly instance_id: string;
  /** Total number of tasks on all pages. */
  readonly count: number;
  /** This page of tasks. */
  readonly records: readonly BigKeyTask[];
}

/** The error body every DCS error status carries. */
export interface DcsErrorBody {
  readonly error_code?: string;
  readonly error_msg?: string;
  readonly error_ext_msg?: string | null;
}

export const MAX_PAGE_LIMIT = 1000;
export const DEFAULT_PAGE_LIMIT = 10;
