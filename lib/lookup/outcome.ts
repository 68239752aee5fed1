/**
 * What a lookup gives: its data, or why it failed (as data: one bad instance never hides the
 * others' results). Apart from batch.ts, which runs lookups, so that a synth's app thread — which
 * only waits for outcomes, replays them or records them — never loads the client and its HTTP stack.
 */
import type { DataSource } from '../client/client';
import { errorFacts } from '../client/errors';
import type { LookupData } from './providers';
import type { SnapshotStaleness } from './snapshot-file';

export interface LookupSuccess extends LookupData {
  readonly ok: true;
  readonly instanceId: string;
  readonly source: DataSource | 'snapshot';
  readonly requests: number;
  /** When the data was read, ISO-8601. */
  readonly fetchedAt: string;
  /** Replayed from a snapshot entry older than the configured maximum age. */
  readonly stale?: SnapshotStaleness;
}

export interface LookupFailure {
  readonly ok: false;
  readonly instanceId: string;
  /** The error class name, e.g. DcsApiError. */
  readonly errorName: string;
  /** Already says what went wrong, the value seen and what to do; never a secret. */
  readonly message: string;
  readonly status?: number;
  readonly errorCode?: string;
  readonly requestId?: string;
  readonly requests: number;
}

export type LookupOutcome = LookupSuccess | LookupFailure;

/** Instances read at once by default. */
export const DEFAULT_BATCH_CONCURRENCY = 32;

export function toFailure(instanceId: string, error: unknown): LookupFailure {
  const { name, status, errorCode, requestId, attempts } = errorFacts(error);
  return {
    ok: false,
    instanceId,
    errorName: name,
    message: (error as Error)?.message ?? String(error),
    ...(status !== undefined ? { status } : {}),
    ...(errorCode !== undefined ? { errorCode } : {}),
    ...(requestId !== undefined ? { requestId } : {}),
    requests: attempts ?? 0,
  };
}
