/**
 * A small typed client for the emulator's admin API (`/_emulator/...`, see admin-routes.ts).
 * Uses its own undici Agent, never the global dispatcher, so it cannot change how the code
 * under test makes its requests (nor share its connection pool or its stats).
 */
import { Agent, request } from 'undici';
import type {
  AddFaultsResponse,
  AdminErrorBody,
  ClearFaultsResponse,
  EmulatorHealth,
  EmulatorStats,
  FaultListResponse,
  InstanceSummary,
} from './admin-types';
import type { PutInstanceBody } from './data-file';
import type { FaultSpec, FaultState } from './faults';

/** An admin call answered with an error status. */
export class EmulatorAdminError extends Error {
  constructor(
    readonly status: number,
    readonly body: unknown,
    message: string,
  ) {
    super(message);
    this.name = 'EmulatorAdminError';
  }
}

export class EmulatorAdminClient {
  private readonly agent = new Agent({ connections: 4, keepAliveTimeout: 1_000 });
  private readonly baseUrl: string;

  /** `baseUrl`: the emulator's URL, e.g. `http://127.0.0.1:40123`. */
  constructor(baseUrl: string) {
    this.baseUrl = baseUrl.replace(/\/+$/, '');
  }

  health(): Promise<EmulatorHealth> {
    return this.call('GET', '/_emulator/health');
  }

  /** Adds one rule or several; returns their ids (for removeFault). */
  async addFaults(faults: FaultSpec | readonly FaultSpec[]): Promise<string[]> {
    const response = await this.call<AddFaultsResponse>('POST', '/_emulator/faults', faults);
    return [...response.ids];
  }

  async listFaults(): Promise<FaultState[]> {
    const response = await this.call<FaultListResponse>('GET', '/_emulator/faults');
    return [...response.faults];
  }

  /** Removes every rule; returns how many there were. */
  async clearFaults(): Promise<number> {
    const response = await this.call<ClearFaultsResponse>('DELETE', '/_emulator/faults');
    return response.removed;
  }

  async removeFault(id: string): Promise<void> {
    await this.call('DELETE', `/_emulator/faults/${encodeURIComponent(id)}`);
  }

  /** Creates or replaces an instance (and its project when new). */
  putInstance(instanceId: string, body: PutInstanceBody): Promise<InstanceSummary> {
    return this.call('PUT', `/_emulator/instances/${encodeURIComponent(instanceId)}`, body);
  }

  async deleteInstance(instanceId: string): Promise<void> {
    await this.call('DELETE', `/_emulator/instances/${encodeURIComponent(instanceId)}`);
  }

  stats(): Promise<EmulatorStats> {
    return this.call('GET', '/_emulator/stats');
  }

  async resetStats(): Promise<void> {
    await this.call('POST', '/_emulator/stats/reset');
  }

  /** Closes this client's connections. */
  close(): Promise<void> {
    return this.agent.close();
  }

  private async call<T>(method: 'GET' | 'POST' | 'PUT' | 'DELETE', path: string, body?: unknown): Promise<T> {
    const response = await request(`${this.baseUrl}${path}`, {
      method,
      dispatcher: this.agent,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
      headersTimeout: 30_000,
      bodyTimeout: 30_000,
    });
    const text = await response.body.text();
    let parsed: unknown;
    try {
      parsed = text.length === 0 ? undefined : JSON.parse(text);
    } catch {
      parsed = text;
    }
    if (response.statusCode >= 400) {
      const message = (parsed as AdminErrorBody | undefined)?.error_msg ?? text;
      throw new EmulatorAdminError(response.statusCode, parsed, `emulator admin ${method} ${path} failed with ${response.statusCode}: ${message}`);
    }
    return parsed as T;
  }
}
