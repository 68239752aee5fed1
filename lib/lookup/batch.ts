/**
 * Many lookups at once: one keep-alive client per (endpoint, project, access key), instances
 * read concurrently under one bound, each by the provider of its kind (providers.ts; a lookup's
 * extra requests — its keys, its autoscan settings — run inside its slot, in the same batch).
 * Failures are per lookup, as data, so one bad instance never hides the others' results. No
 * cdktf here: the construct's worker (which feeds a LookupBatch lookups as the app registers
 * them), its async form and the snapshot refresh command (lookupMany) all stand on this.
 */
import { DataSource } from '../client/client';
import { DcsClientPool } from '../client/client-pool';
import { errorFacts } from '../client/errors';
import { concurrencyLimit } from '../util/concurrency';
import { clientSettingsFromEnv, LookupRequest } from './lookup-request';
import { LookupData, providerOf } from './providers';
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

export interface BatchOptions {
  /** Instances read at once. @default 32 */
  readonly concurrency?: number;
}

export const DEFAULT_BATCH_CONCURRENCY = 32;

/**
 * Lookups that arrive over time, at most `concurrency` instances read at once, sharing one
 * client pool. `lookup` never rejects: a failure is an outcome.
 */
export class LookupBatch {
  private readonly pool = new DcsClientPool();
  private readonly limit: ReturnType<typeof concurrencyLimit>;

  constructor(options: BatchOptions = {}) {
    this.limit = concurrencyLimit(options.concurrency ?? DEFAULT_BATCH_CONCURRENCY);
  }

  lookup(request: LookupRequest): Promise<LookupOutcome> {
    return this.limit(async () => {
      try {
        const settings = request.client ?? clientSettingsFromEnv(process.env);
        const client = this.pool.get({ endpoint: request.endpoint, projectId: request.projectId, ...request.credentials, ...settings, env: {} });
        const { requests, source, ...data } = await providerOf(request.kind).fetch(client, request);
        return { ok: true as const, instanceId: request.instanceId, ...data, source, requests, fetchedAt: new Date().toISOString() };
      } catch (error) {
        return toFailure(request.instanceId, error);
      }
    });
  }

  /** Closes the pool's connections. */
  close(): Promise<void> {
    return this.pool.closeAll();
  }
}

export async function lookupMany(requests: readonly LookupRequest[], options: BatchOptions = {}): Promise<LookupOutcome[]> {
  const batch = new LookupBatch(options);
  try {
    return await Promise.all(requests.map((request) => batch.lookup(request)));
  } finally {
    await batch.close();
  }
}

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
