/**
 * Many lookups at once: one keep-alive client per (endpoint, project, access key), instances
 * read concurrently under one bound, each by the provider of its kind (providers.ts; a lookup's
 * extra requests — its keys, its autoscan settings — run inside its slot, in the same batch).
 * Failures are per lookup, as data, so one bad instance never hides the others' results. No
 * cdktf here: the construct's worker (which feeds a LookupBatch lookups as the app registers
 * them), its async form and the snapshot refresh command (lookupMany) all stand on this.
 */
import { DcsClientPool } from '../client/client-pool';
import { concurrencyLimit } from '../util/concurrency';
import { clientSettingsFromEnv, LookupRequest } from './lookup-request';
import { DEFAULT_BATCH_CONCURRENCY, LookupOutcome, toFailure } from './outcome';
import { providerOf } from './providers';

export { DEFAULT_BATCH_CONCURRENCY, toFailure } from './outcome';
export type { LookupFailure, LookupOutcome, LookupSuccess } from './outcome';

export interface BatchOptions {
  /** Instances read at once. @default 32 */
  readonly concurrency?: number;
}

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
