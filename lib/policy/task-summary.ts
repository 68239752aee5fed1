/**
 * The facts gates and outputs are built on, derived from a task list. Pure.
 */
import { BigKeyTask, BigKeyTaskStatus } from '../client/types';

export interface TaskSummary {
  readonly count: number;
  /** Newest first by created_at. */
  readonly records: readonly BigKeyTask[];
  readonly latest?: BigKeyTask;
  readonly latestAuto?: BigKeyTask;
  readonly latestManual?: BigKeyTask;
  readonly latestSuccessful?: BigKeyTask;
  /** The newest automatic scan that has finished (success or failed) and has its `finished_at`. */
  readonly latestFinishedAuto?: BigKeyTask;
  /**
   * The newest automatic scan with a result (`success` or `failed`, whatever its times say): what
   * the headline policy judges, as scans still waiting or running have none yet.
   */
  readonly latestSettledAuto?: BigKeyTask;
}

/** `records` must be newest first (as the client returns them). */
export function summarizeTasks(records: readonly BigKeyTask[]): TaskSummary {
  const hasResult = (t: BigKeyTask) => t.status === 'success' || t.status === 'failed';
  return {
    count: records.length,
    records,
    latest: records[0],
    latestAuto: latestAutoOf(records, () => true),
    latestManual: records.find((t) => t.scan_type === 'manual'),
    latestSuccessful: records.find((t) => t.status === 'success'),
    latestFinishedAuto: records.find((t) => t.scan_type === 'auto' && hasResult(t) && !!t.finished_at),
    latestSettledAuto: latestAutoOf(records, hasResult),
  };
}

/**
 * The newest automatic scan that is `eligible`. Automatic scans created at the same moment have
 * no order (the list breaks the tie by id): a failed one among them is the latest, so an id never
 * decides whether the headline policy passes.
 */
function latestAutoOf(records: readonly BigKeyTask[], eligible: (t: BigKeyTask) => boolean): BigKeyTask | undefined {
  const candidate = (t: BigKeyTask) => t.scan_type === 'auto' && eligible(t);
  const first = records.find(candidate);
  if (first === undefined || first.status === 'failed') return first;
  const at = Date.parse(first.created_at);
  return records.find((t) => candidate(t) && t.status === 'failed' && Date.parse(t.created_at) === at) ?? first;
}

/**
 * How far ahead of this machine's clock a recorded time may be (the clock that wrote it may run
 * a little ahead) before its age counts as unknown: a negative age must not pass an age limit.
 */
export const CLOCK_SKEW_MS = 5 * 60_000;

/** Milliseconds from `since` to `now`; undefined when `since` is absent. */
export function ageMs(since: string | null | undefined, now: Date): number | undefined {
  return since ? now.getTime() - Date.parse(since) : undefined;
}

export const IN_PROGRESS: readonly BigKeyTaskStatus[] = ['waiting', 'running'];

/** One line naming a task, its status and its times, for messages people read. */
export function describeTask(task: BigKeyTask): string {
  const times = [`created ${task.created_at}`];
  if (task.started_at) times.push(`started ${task.started_at}`);
  if (task.finished_at) times.push(`finished ${task.finished_at}`);
  return `task ${task.id} (${task.scan_type}, status ${task.status}, ${times.join(', ')})`;
}
