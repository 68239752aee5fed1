/**
 * One keep-alive client per (endpoint, project, access key), shared by every lookup that goes
 * there: a batch of synth-time lookups and a fleet gate both reuse connections this way.
 */
import { DcsBigKeyClient, DcsClientOptions } from './client';

export type PooledClientOptions = DcsClientOptions & { readonly endpoint: string; readonly projectId: string };

export class DcsClientPool {
  private readonly clients = new Map<string, DcsBigKeyClient>();

  /** The client for these options, created (and so fully validated) on first use. */
  get(options: PooledClientOptions): DcsBigKeyClient {
    const key = `${options.endpoint} ${options.projectId} ${options.accessKey ?? ''}`;
    let client = this.clients.get(key);
    if (!client) {
      client = new DcsBigKeyClient(options);
      this.clients.set(key, client);
    }
    return client;
  }

  /** Closes every client; a failure to close one does not stop the others. */
  async closeAll(): Promise<void> {
    await Promise.all([...this.clients.values()].map((c) => c.close().catch(() => undefined)));
    this.clients.clear();
  }
}
