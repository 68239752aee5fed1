/**
 * The emulated DCS state: projects → instances → the tasks of each kind of analysis (big key
 * and hot key: one TaskSet each, the same code), and each kind's automatic analysis settings.
 *
 * Performance shape: each task set keeps its tasks in one array sorted newest first, rebuilt
 * only when the task set changes (create, delete, mutate, replace), and per-status views
 * cached until the next change or the next status transition of a live task. A list request
 * is then a slice plus building the records of that one page. Generated tasks are held as
 * plain indexes into their formula (data-file.ts GeneratedTasks) and turned into records only
 * when served, so 500 instances of 5,000 tasks start in milliseconds and use little memory.
 *
 * Ordering: newest first by created_at; equal created_at ordered by id (ascending), so pages
 * are stable and never overlap or skip.
 */
import { randomUUID } from 'node:crypto';
import { AutoscanConfig, BigKey, BigKeyTask, BigKeyTaskStatus, HotKey, ScanKind, ScanTaskDetails, TASK_STATUSES } from '../client/types';
import { EmulatorAutoscanData, EmulatorData, EmulatorInstanceData, EmulatorTaskData, GeneratedTasks, LifecycleSettings, generatedKeys, resolveInstance } from './data-file';

/** A key found by a finished analysis (the task details call); hot keys add `freq`. */
export type BigKeyRecord = BigKey | HotKey;

/** `GET …/bigkey-task/{id}` (or hotkey-task): the record plus the keys found. */
export type BigKeyTaskDetails = ScanTaskDetails<BigKeyRecord> & { readonly instance_id: string };

/** A task written in the data, created with POST, or inserted by the mutate fault. */
interface StoredTask {
  readonly id: string;
  readonly createdMs: number;
  /** The record to serve, for tasks whose status never changes (data file, mutate). */
  readonly fixed?: BigKeyTask;
  /** The keys its details list (data file). */
  readonly keys?: readonly BigKeyRecord[];
  /** For tasks created with POST: status is computed from the clock at read time. */
  readonly live?: { readonly created_at: string; readonly lifecycle: LifecycleSettings };
}

/** A stored task, or the index of a generated one. */
type TaskRef = StoredTask | number;

interface StatusViews {
  readonly version: number;
  /** The views are exact until this time (next transition of a live task). */
  readonly validUntilMs: number;
  readonly byStatus: ReadonlyMap<BigKeyTaskStatus, readonly TaskRef[]>;
}

export interface ListQuery {
  readonly offset: number;
  readonly limit: number;
  readonly status?: BigKeyTaskStatus;
}

/** The tasks of one kind of analysis on one instance. */
export class TaskSet {
  private readonly stored = new Map<string, StoredTask>();
  /** Generated tasks removed by DELETE or by `mutate` with keep_count. */
  private readonly generatedDeleted = new Set<number>();
  /** id → index of generated tasks, built on the first lookup by id. */
  private generatedIds?: Map<string, number>;
  private ordered: TaskRef[] = [];
  private version = 0;
  private views?: StatusViews;

  constructor(
    readonly kind: ScanKind,
    tasks: readonly EmulatorTaskData[],
    private readonly generated: GeneratedTasks | undefined,
    private readonly lifecycle: LifecycleSettings,
  ) {
    // Validated keys (data-file.ts): db and unit filled in.
    for (const { keys, ...task } of tasks) this.stored.set(task.id, { id: task.id, createdMs: Date.parse(task.created_at), fixed: task, ...(keys ? { keys: keys as readonly BigKeyRecord[] } : {}) });
    this.changed();
  }

  get count(): number {
    return this.ordered.length;
  }

  /** One page plus the total that matches the status filter. */
  list(query: ListQuery, nowMs: number): { count: number; records: BigKeyTask[] } {
    const matching = query.status === undefined ? this.ordered : this.statusViews(nowMs).byStatus.get(query.status) ?? [];
    const page = matching.slice(query.offset, query.offset + query.limit);
    return { count: matching.length, records: page.map((ref) => this.recordAt(ref, nowMs)) };
  }

  /** `POST …/bigkey-task` (or hotkey-task): a manual task that starts `waiting` and follows the lifecycle. */
  create(nowMs: number): BigKeyTask {
    const task: StoredTask = { id: randomUUID(), createdMs: nowMs, live: { created_at: new Date(nowMs).toISOString(), lifecycle: this.lifecycle } };
    this.stored.set(task.id, task);
    this.changed();
    return this.recordAt(task, nowMs);
  }

  /** The record and the keys it found: as written in the data, generated for generated and created tasks, none until it succeeded. */
  details(id: string, nowMs: number): Omit<BigKeyTaskDetails, 'instance_id'> | undefined {
    const ref = this.find(id);
    if (ref === undefined) return undefined;
    const record = this.recordAt(ref, nowMs);
    let keys: readonly BigKeyRecord[] = [];
    if (typeof ref === 'number') keys = this.generated!.keys(ref);
    else if (ref.fixed) keys = ref.keys ?? [];
    else if (record.status === 'success') keys = createdTaskKeys(ref.id, this.kind);
    return { ...record, num: keys.length, keys };
  }

  delete(id: string): boolean {
    const ref = this.find(id);
    if (ref === undefined) return false;
    this.remove(ref);
    this.changed();
    return true;
  }

  /**
   * The `mutate` fault: a new auto scan appears at the front (newest, running), as when the
   * schedule fires between two page reads; with keepCount the oldest task is deleted too, so
   * the total stays the same while every later page shifts by one.
   */
  mutate(nowMs: number, keepCount: boolean): void {
    const newestMs = this.ordered.length > 0 ? this.createdMsOf(this.ordered[0]) : Number.NEGATIVE_INFINITY;
    const createdMs = Math.max(nowMs, newestMs + 1);
    const created_at = new Date(createdMs).toISOString();
    const id = randomUUID();
    const fixed: BigKeyTask = { id, status: 'running', scan_type: 'auto', created_at, started_at: created_at, finished_at: null };
    if (keepCount && this.ordered.length > 0) this.remove(this.ordered[this.ordered.length - 1]);
    this.stored.set(id, { id, createdMs, fixed });
    this.changed();
  }

  private find(id: string): TaskRef | undefined {
    const task = this.stored.get(id);
    if (task || !this.generated) return task;
    if (!this.generatedIds) {
      this.generatedIds = new Map();
      for (let i = 0; i < this.generated.count; i++) this.generatedIds.set(this.generated.id(i), i);
    }
    const index = this.generatedIds.get(id);
    return index === undefined || this.generatedDeleted.has(index) ? undefined : index;
  }

  private remove(ref: TaskRef): void {
    if (typeof ref === 'number') this.generatedDeleted.add(ref);
    else this.stored.delete(ref.id);
  }

  /**
   * Rebuilds the newest-first order once per change: sorts the stored tasks and merges them
   * with the generated ones, which are already in time order (newest = highest index).
   */
  private changed(): void {
    const stored = [...this.stored.values()].sort((a, b) => this.compare(a, b));
    const ordered: TaskRef[] = [];
    let s = 0;
    for (let i = (this.generated?.count ?? 0) - 1; i >= 0; i--) {
      if (this.generatedDeleted.has(i)) continue;
      while (s < stored.length && this.compare(stored[s], i) < 0) ordered.push(stored[s++]);
      ordered.push(i);
    }
    while (s < stored.length) ordered.push(stored[s++]);
    this.ordered = ordered;
    this.version += 1;
    this.views = undefined;
  }

  private compare(a: TaskRef, b: TaskRef): number {
    const byTime = this.createdMsOf(b) - this.createdMsOf(a);
    if (byTime !== 0) return byTime;
    const idA = this.idOf(a);
    const idB = this.idOf(b);
    return idA < idB ? -1 : idA > idB ? 1 : 0;
  }

  private createdMsOf(ref: TaskRef): number {
    return typeof ref === 'number' ? this.generated!.createdMs(ref) : ref.createdMs;
  }

  private idOf(ref: TaskRef): string {
    return typeof ref === 'number' ? this.generated!.id(ref) : ref.id;
  }

  private statusViews(nowMs: number): StatusViews {
    const current = this.views;
    if (current && current.version === this.version && nowMs < current.validUntilMs) return current;
    const byStatus = new Map<BigKeyTaskStatus, TaskRef[]>(TASK_STATUSES.map((status) => [status, []]));
    let validUntilMs = Number.POSITIVE_INFINITY;
    for (const ref of this.ordered) {
      const status = typeof ref === 'number' ? this.generated!.status(ref) : statusAt(ref, nowMs);
      byStatus.get(status)!.push(ref);
      const next = typeof ref !== 'number' && ref.live ? nextTransitionMs(ref.createdMs, ref.live.lifecycle, nowMs) : undefined;
      if (next !== undefined) validUntilMs = Math.min(validUntilMs, next);
    }
    this.views = { version: this.version, validUntilMs, byStatus };
    return this.views;
  }

  /** The record as the API serves it at `nowMs`. */
  private recordAt(ref: TaskRef, nowMs: number): BigKeyTask {
    if (typeof ref === 'number') return this.generated!.task(ref);
    if (ref.fixed) return ref.fixed;
    return liveRecord(ref, nowMs);
  }
}

export class InstanceState {
  readonly name: string;
  readonly bigkeySupported: boolean;
  readonly lifecycle: LifecycleSettings;
  /** The tasks of each kind of analysis. */
  readonly tasks: Readonly<Record<ScanKind, TaskSet>>;
  private readonly autoscanData: Readonly<Record<ScanKind, EmulatorAutoscanData>>;

  constructor(
    readonly projectId: string,
    readonly instanceId: string,
    data: EmulatorInstanceData,
  ) {
    const resolved = resolveInstance(instanceId, data);
    this.name = resolved.name;
    this.bigkeySupported = resolved.bigkey_supported;
    this.lifecycle = resolved.lifecycle;
    const set = (kind: ScanKind) => new TaskSet(kind, resolved.kinds[kind].tasks, resolved.kinds[kind].generated, this.lifecycle);
    this.tasks = { bigkey: set('bigkey'), hotkey: set('hotkey') };
    this.autoscanData = { bigkey: resolved.kinds.bigkey.autoscan, hotkey: resolved.kinds.hotkey.autoscan };
  }

  /** Big key tasks (what the admin API has always counted). */
  get taskCount(): number {
    return this.tasks.bigkey.count;
  }

  /** `GET …/bigkey/autoscan` (or hotkey/autoscan), in the API's field order. */
  autoscan(kind: ScanKind): AutoscanConfig {
    const { enable_auto_scan, schedule_at, updated_at } = this.autoscanData[kind];
    return { instance_id: this.instanceId, enable_auto_scan, schedule_at: schedule_at ?? [], ...(updated_at !== undefined ? { updated_at } : {}) };
  }

  details(kind: ScanKind, id: string, nowMs: number): BigKeyTaskDetails | undefined {
    const details = this.tasks[kind].details(id, nowMs);
    if (!details) return undefined;
    // The API's field order: the record, instance_id after id, then num and keys.
    const { id: taskId, ...rest } = details;
    return { id: taskId, instance_id: this.instanceId, ...rest };
  }
}

function statusAt(task: StoredTask, nowMs: number): BigKeyTaskStatus {
  if (task.fixed) return task.fixed.status;
  const { waiting_ms, running_ms, outcome } = task.live!.lifecycle;
  const elapsed = nowMs - task.createdMs;
  if (elapsed < waiting_ms) return 'waiting';
  if (elapsed < waiting_ms + running_ms) return 'running';
  return outcome;
}

function nextTransitionMs(createdMs: number, lifecycle: LifecycleSettings, nowMs: number): number | undefined {
  const started = createdMs + lifecycle.waiting_ms;
  const finished = started + lifecycle.running_ms;
  if (nowMs < started) return started;
  if (nowMs < finished) return finished;
  return undefined;
}

/** A POST-created task at `nowMs`: times are null until they are reached. */
function liveRecord(task: StoredTask, nowMs: number): BigKeyTask {
  const { created_at, lifecycle } = task.live!;
  const status = statusAt(task, nowMs);
  const startedMs = task.createdMs + lifecycle.waiting_ms;
  const finishedMs = startedMs + lifecycle.running_ms;
  return {
    id: task.id,
    status,
    scan_type: 'manual',
    created_at,
    started_at: status === 'waiting' ? null : new Date(startedMs).toISOString(),
    finished_at: status === 'waiting' || status === 'running' ? null : new Date(finishedMs).toISOString(),
  };
}

/** The keys a POST-created task finds once it succeeded: generated from its id, at least one (so a test can always see some). */
function createdTaskKeys(taskId: string, kind: ScanKind): BigKeyRecord[] {
  const keys = generatedKeys(taskId, kind);
  if (keys.length > 0) return keys;
  const key: BigKey = { name: `session:string:${taskId.slice(0, 8)}`, type: 'string', db: 0, size: 12_288, unit: 'byte' };
  return [kind === 'hotkey' ? { ...key, freq: 180 } : key];
}

export interface ProjectState {
  readonly projectId: string;
  readonly instances: Map<string, InstanceState>;
}

/** All projects and instances; instance ids are unique across projects (as in DCS). */
export class EmulatorStore {
  private readonly projects = new Map<string, ProjectState>();
  private readonly instanceProject = new Map<string, string>();

  constructor(data: Pick<EmulatorData, 'projects'>) {
    for (const [projectId, project] of Object.entries(data.projects)) {
      this.ensureProject(projectId);
      for (const [instanceId, instance] of Object.entries(project.instances)) this.putInstance(projectId, instanceId, instance);
    }
  }

  project(projectId: string): ProjectState | undefined {
    return this.projects.get(projectId);
  }

  instance(projectId: string, instanceId: string): InstanceState | undefined {
    return this.projects.get(projectId)?.instances.get(instanceId);
  }

  /** Creates or replaces an instance (moving it if it lived in another project). */
  putInstance(projectId: string, instanceId: string, data: EmulatorInstanceData): InstanceState {
    const state = new InstanceState(projectId, instanceId, data); // validate/expand before touching anything
    this.deleteInstance(instanceId);
    this.ensureProject(projectId).instances.set(instanceId, state);
    this.instanceProject.set(instanceId, projectId);
    return state;
  }

  /** Removes an instance; its (possibly now empty) project stays known. */
  deleteInstance(instanceId: string): boolean {
    const projectId = this.instanceProject.get(instanceId);
    if (projectId === undefined) return false;
    this.projects.get(projectId)?.instances.delete(instanceId);
    this.instanceProject.delete(instanceId);
    return true;
  }

  summary(): { projects: number; instances: number; tasks: number } {
    let instances = 0;
    let tasks = 0;
    for (const project of this.projects.values()) {
      instances += project.instances.size;
      for (const instance of project.instances.values()) tasks += instance.taskCount;
    }
    return { projects: this.projects.size, instances, tasks };
  }

  private ensureProject(projectId: string): ProjectState {
    let project = this.projects.get(projectId);
    if (!project) {
      project = { projectId, instances: new Map() };
      this.projects.set(projectId, project);
    }
    return project;
  }
}
