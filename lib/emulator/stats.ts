/**
 * Request counters for `GET /_emulator/stats`: what tests assert a client's request count and
 * maximum concurrency with. A request is "in flight" from its arrival until its response is
 * finished or its connection is closed, so injected latency counts.
 */
import { performance } from 'node:perf_hooks';
import type { EmulatorStats, InstanceStats, RequestLogEntry } from './admin-types';

export const STATS_LOG_LIMIT = 10_000;

interface MutableInstanceStats {
  requests: number;
  list_requests: number;
  routes: Record<string, number>;
  max_in_flight: number;
  statuses: Record<string, number>;
}

export interface RequestStart {
  readonly requestId: string;
  readonly method: string;
  readonly path: string;
  readonly query: Readonly<Record<string, string>>;
  readonly instanceId: string | null;
  readonly isList: boolean;
  /** The DCS route's name (`list`, `show`, `hotkey_list`, …); null for an unknown path. */
  readonly route?: string | null;
}

/** Epoch milliseconds with sub-millisecond precision, so overlapping requests are visible. */
export function preciseNowMs(): number {
  return performance.timeOrigin + performance.now();
}

export class StatsRecorder {
  private requests = 0;
  private listRequests = 0;
  private maxInFlight = 0;
  private inFlight = 0;
  private statuses: Record<string, number> = {};
  private routes: Record<string, number> = {};
  /** Current in-flight per instance; survives resets because those requests are still running. */
  private readonly inFlightByInstance = new Map<string, number>();
  private byInstance = new Map<string, MutableInstanceStats>();
  private log: RequestLogEntry[] = [];

  /** Records the arrival of a DCS request; call the returned function exactly once when it ends. */
  begin(start: RequestStart): (status: number) => void {
    const startedMs = preciseNowMs();
    this.requests += 1;
    if (start.isList) this.listRequests += 1;
    if (start.route) this.routes[start.route] = (this.routes[start.route] ?? 0) + 1;
    this.inFlight += 1;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    const id = start.instanceId;
    if (id !== null) {
      const stats = this.instanceStats(id);
      stats.requests += 1;
      if (start.isList) stats.list_requests += 1;
      if (start.route) stats.routes[start.route] = (stats.routes[start.route] ?? 0) + 1;
      const current = (this.inFlightByInstance.get(id) ?? 0) + 1;
      this.inFlightByInstance.set(id, current);
      stats.max_in_flight = Math.max(stats.max_in_flight, current);
    }
    let ended = false;
    return (status) => {
      if (ended) return;
      ended = true;
      this.inFlight -= 1;
      this.statuses[String(status)] = (this.statuses[String(status)] ?? 0) + 1;
      if (id !== null) {
        this.inFlightByInstance.set(id, (this.inFlightByInstance.get(id) ?? 1) - 1);
        const statuses = this.instanceStats(id).statuses;
        statuses[String(status)] = (statuses[String(status)] ?? 0) + 1;
      }
      this.log.push({
        request_id: start.requestId,
        method: start.method,
        path: start.path,
        query: start.query,
        status,
        instance_id: id,
        started_ms: startedMs,
        ended_ms: preciseNowMs(),
      });
      if (this.log.length > STATS_LOG_LIMIT) this.log.splice(0, this.log.length - STATS_LOG_LIMIT);
    };
  }

  snapshot(): EmulatorStats {
    const by_instance: Record<string, InstanceStats> = {};
    for (const [id, stats] of this.byInstance) by_instance[id] = { ...stats, statuses: { ...stats.statuses }, routes: { ...stats.routes } };
    return {
      requests: this.requests,
      list_requests: this.listRequests,
      in_flight: this.inFlight,
      max_in_flight: this.maxInFlight,
      statuses: { ...this.statuses },
      routes: { ...this.routes },
      by_instance,
      log: [...this.log],
    };
  }

  /** Zeroes the counters; requests still running keep counting toward the new maxima. */
  reset(): void {
    this.requests = 0;
    this.listRequests = 0;
    this.maxInFlight = this.inFlight;
    this.statuses = {};
    this.routes = {};
    this.byInstance = new Map();
    for (const [id, current] of this.inFlightByInstance) if (current > 0) this.instanceStats(id).max_in_flight = current;
    this.log = [];
  }

  private instanceStats(id: string): MutableInstanceStats {
    let stats = this.byInstance.get(id);
    if (!stats) {
      stats = { requests: 0, list_requests: 0, routes: {}, max_in_flight: 0, statuses: {} };
      this.byInstance.set(id, stats);
    }
    return stats;
  }
}
