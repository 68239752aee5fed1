/**
 * All lookups of one cdktf App (of every kind: big key and hot key tasks, with their keys and
 * autoscan settings; lib/lookup/providers.ts), resolved together: constructs register what they
 * need when they are created, and a live lookup is sent to the lookup worker right then, so it is
 * read while the app goes on building. The first time any value is needed (a typed value read
 * in app code, or at synth) this thread waits for every lookup registered so far: ONE batch,
 * at most DCS_BIGKEY_CONCURRENCY instances read at once. An app with 200 instances pays for one
 * batch, not 200 sequential lookups.
 *
 * The source is live (default), or the snapshot file: `record` (live, and written to the file)
 * or `replay` (from the file, no network). Chosen by DCS_BIGKEY_SNAPSHOT, else the cdktf
 * context key `dcs-bigkey:snapshot` (cdktf.json "context"), else live. A replayed entry older
 * than the configured maximum age carries a `stale` note, which the construct turns into an
 * error (default) or warning annotation.
 */
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { IConstruct } from 'constructs';
import { DcsConfigError } from '../client/errors';
import { positiveIntegerFromEnv, show } from '../client/validation';
import { DEFAULT_BATCH_CONCURRENCY, LookupFailure, LookupOutcome, LookupSuccess } from '../lookup/outcome';
import { inProcessRefusal } from '../lookup/in-process-guard';
import { LookupRequest, LookupTarget, lookupKey, targetOf } from '../lookup/lookup-request';
import { providerOf } from '../lookup/providers';
import {
  DEFAULT_SNAPSHOT_FILE,
  findEntry,
  readSnapshot,
  RECORD_ADVICE,
  REFRESH_COMMAND,
  resolveSnapshotMaxAge,
  SNAPSHOT_FILE_CONTEXT,
  SNAPSHOT_FILE_ENV,
  SNAPSHOT_MODE_CONTEXT,
  SNAPSHOT_MODE_ENV,
  SnapshotEntry,
  SnapshotError,
  SnapshotMaxAge,
  snapshotStaleness,
  writeSnapshot,
} from '../lookup/snapshot-file';

export { SNAPSHOT_FILE_CONTEXT, SNAPSHOT_FILE_ENV, SNAPSHOT_MODE_CONTEXT, SNAPSHOT_MODE_ENV };
import { wallClockMs } from './lookup-worker-protocol';
import { awaitLookups, endLookupWorkerWhenIdle, LookupTicket, startLookup } from './sync-lookup';

export const SNAPSHOT_MODES = ['live', 'record', 'replay'] as const;
export type SnapshotMode = (typeof SNAPSHOT_MODES)[number];


export interface LookupSettings {
  readonly mode: SnapshotMode;
  /** Absolute path of the snapshot file. */
  readonly snapshotFile: string;
  /** Instances read at once. */
  readonly concurrency: number;
  /** How old a replayed entry may be (DCS_BIGKEY_SNAPSHOT_MAX_AGE, context dcs-bigkey:snapshotMaxAge); undefined: any age. */
  readonly maxAge?: SnapshotMaxAge;
}

export function lookupSettings(scope: IConstruct, env: NodeJS.ProcessEnv = process.env): LookupSettings {
  const mode = env[SNAPSHOT_MODE_ENV] || scope.node.tryGetContext(SNAPSHOT_MODE_CONTEXT) || 'live';
  if (!(SNAPSHOT_MODES as readonly string[]).includes(mode)) {
    throw new DcsConfigError(`invalid snapshot mode ${show(mode)} (${SNAPSHOT_MODE_ENV} or context ${SNAPSHOT_MODE_CONTEXT}): expected one of ${SNAPSHOT_MODES.join(', ')}`);
  }
  const file = env[SNAPSHOT_FILE_ENV] || scope.node.tryGetContext(SNAPSHOT_FILE_CONTEXT) || DEFAULT_SNAPSHOT_FILE;
  const concurrency = positiveIntegerFromEnv(env, 'DCS_BIGKEY_CONCURRENCY', DEFAULT_BATCH_CONCURRENCY);
  let maxAge: SnapshotMaxAge | undefined;
  try {
    maxAge = resolveSnapshotMaxAge(env, (key) => scope.node.tryGetContext(key));
  } catch (error) {
    throw new DcsConfigError((error as Error).message);
  }
  return { mode: mode as SnapshotMode, snapshotFile: path.resolve(String(file)), concurrency, ...(maxAge ? { maxAge } : {}) };
}

interface Entry {
  readonly target: LookupTarget;
  readonly request?: LookupRequest;
  /** The live lookup sent to the worker. */
  readonly ticket?: LookupTicket;
  outcome?: LookupOutcome;
}

export interface LookupHandle {
  readonly target: LookupTarget;
  /** The result, resolving every pending lookup of the app first if this one is pending. */
  outcome(): LookupOutcome;
}

const registries = new WeakMap<IConstruct, LookupRegistry>();

export class LookupRegistry {
  static of(scope: IConstruct): LookupRegistry {
    const root = scope.node.root;
    let registry = registries.get(root);
    if (!registry) {
      registry = new LookupRegistry(lookupSettings(root));
      registries.set(root, registry);
    }
    return registry;
  }

  private readonly entries = new Map<string, Entry>();
  /** Results not yet written to the snapshot file (record mode). */
  private readonly unrecorded: Entry[] = [];
  private lookupMs = 0;
  private batches = 0;
  private summaryPrinted = false;

  private constructor(readonly settings: LookupSettings) {}

  /**
   * Registers a lookup; the same target registered twice shares one lookup. A live one (with its
   * request) is sent to the worker now, starting the worker with the first.
   */
  register(target: LookupTarget, request?: LookupRequest): LookupHandle {
    const key = lookupKey(target);
    if (!this.entries.has(key)) {
      if (this.settings.mode !== 'replay' && !request) throw new Error(`a ${this.settings.mode} lookup of ${key} needs its request`);
      const refused = request && inProcessRefusal(request);
      if (refused !== undefined) {
        // Refused before anything is sent: it fails like any lookup (an error annotation at synth).
        this.entries.set(key, { target, request, outcome: failure(target, refused, 'DcsConfigError') });
      } else {
        const ticket = this.settings.mode !== 'replay' ? startLookup(request!, this.settings.concurrency) : undefined;
        this.entries.set(key, { target, request, ticket });
      }
    }
    return { target, outcome: () => this.outcomeOf(key) };
  }

  /** Supplies a result fetched elsewhere (the async form); recorded with the next batch. */
  provide(request: LookupRequest, outcome: LookupOutcome): void {
    const target = targetOf(request);
    const entry = { target, request, outcome };
    this.entries.set(lookupKey(target), entry);
    this.unrecorded.push(entry);
  }

  /** Resolves every pending lookup in one batch (and, in record mode, writes the snapshot once). */
  resolvePending(): void {
    const pending = [...this.entries.values()].filter((e) => e.outcome === undefined);
    if (pending.length > 0) {
      const outcomes = this.settings.mode === 'replay' ? this.timed(() => this.replay(pending)) : this.fetch(pending);
      pending.forEach((entry, i) => (entry.outcome = outcomes[i]));
      this.batches++;
      this.unrecorded.push(...pending);
    }
    if (this.settings.mode === 'record' && this.unrecorded.length > 0) this.record(this.unrecorded.splice(0));
  }

  /** At synth: every lookup resolved, and the worker ended once no app has one outstanding. */
  resolveForSynth(): void {
    this.resolvePending();
    endLookupWorkerWhenIdle();
  }

  /** One line: instances, tasks, sources, failures, milliseconds. */
  summary(): string {
    const outcomes = [...this.entries.values()].map((e) => e.outcome).filter((o): o is LookupOutcome => o !== undefined);
    const ok = outcomes.filter((o): o is LookupSuccess => o.ok);
    const tasks = ok.reduce((n, o) => n + o.count, 0);
    const sources = [...new Set(ok.map((o) => o.source))].sort();
    const failed = outcomes.length - ok.length;
    return (
      `dcs-bigkey: ${outcomes.length} instance${outcomes.length === 1 ? '' : 's'}, ${tasks} task${tasks === 1 ? '' : 's'}, ` +
      `source ${sources.length ? sources.join('+') : 'none'}${failed ? `, ${failed} failed` : ''}, ` +
      `${Math.round(this.lookupMs)} ms in ${this.batches} batch${this.batches === 1 ? '' : 'es'}`
    );
  }

  /**
   * Prints the summary once per app (cdktf may invoke aspects per stack), on stdout: it is
   * information, and cdktf-cli labels every line an app writes to stderr `[ERROR]`. Failures
   * are reported as error annotations, not here.
   */
  printSummaryOnce(): void {
    if (this.summaryPrinted || this.entries.size === 0) return;
    this.summaryPrinted = true;
    process.stdout.write(this.summary() + '\n');
  }

  private outcomeOf(key: string): LookupOutcome {
    const entry = this.entries.get(key)!;
    if (entry.outcome === undefined) this.resolvePending();
    return entry.outcome!;
  }

  private timed<T>(fn: () => T): T {
    const started = performance.now();
    try {
      return fn();
    } finally {
      this.lookupMs += performance.now() - started;
    }
  }

  private fetch(pending: readonly Entry[]): LookupOutcome[] {
    const tickets = pending.map((e) => e.ticket!);
    const first = tickets.reduce((t, ticket) => Math.min(t, ticket.postedAt), Infinity);
    try {
      const outcomes = awaitLookups(tickets);
      // From the first of these lookups sent to the last answered (the worker's start included):
      // the lookups ran while the app was being built, not only while this thread waited.
      this.lookupMs += tickets.reduce((t, ticket) => Math.max(t, ticket.answeredAt ?? first), first) - first;
      return outcomes;
    } catch (error) {
      this.lookupMs += wallClockMs() - first;
      // The worker itself failed (it could not start, or did not answer in time): every lookup
      // of the batch failed, and says so.
      const reason = `the lookup worker failed (${(error as Error).message}); retry, and report it if it persists`;
      return pending.map((e) => failure(e.target, reason, 'LookupWorkerError'));
    }
  }

  private replay(pending: readonly Entry[]): LookupOutcome[] {
    let snapshot;
    try {
      snapshot = readSnapshot(this.settings.snapshotFile);
    } catch (error) {
      return pending.map((e) => failure(e.target, (error as Error).message));
    }
    return pending.map(({ target }) => {
      const entry = findEntry(snapshot, target);
      if (!entry) {
        return failure(target,
          `replay mode: no entry for ${lookupKey(target)} in the snapshot file ${this.settings.snapshotFile}. ` +
          `record it with ${RECORD_ADVICE} (or \`${REFRESH_COMMAND}\` for entries already there), then commit the file`);
      }
      const stale = snapshotStaleness(entry, this.settings.maxAge, new Date());
      return { ok: true, instanceId: target.instanceId, ...providerOf(target.kind).replay(entry), source: 'snapshot', requests: 0, fetchedAt: entry.fetched_at, ...(stale ? { stale } : {}) };
    });
  }

  private record(entries: readonly Entry[]): void {
    const updates: SnapshotEntry[] = [];
    for (const { target, request, outcome } of entries) {
      if (!outcome?.ok || !request) continue;
      updates.push(providerOf(target.kind).entry(target, request, outcome));
    }
    if (updates.length === 0) return;
    try {
      writeSnapshot(this.settings.snapshotFile, readSnapshot(this.settings.snapshotFile), updates);
    } catch (error) {
      const reason = error instanceof SnapshotError ? error.message : `could not write ${this.settings.snapshotFile}: ${(error as Error).message}`;
      throw new DcsConfigError(`record mode: ${reason}`);
    }
  }
}

function failure(target: LookupTarget, message: string, errorName = 'SnapshotError'): LookupFailure {
  return { ok: false, instanceId: target.instanceId, errorName, message, requests: 0 };
}
