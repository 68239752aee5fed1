/**
 * The emulator's data file: what the emulated DCS "contains" when it starts.
 *
 * Format (JSON; keys starting with `$`, e.g. `$comment`, are allowed anywhere and ignored;
 * any other unknown key is an error, so typos cannot silently change behaviour):
 *
 * {
 *   "credentials": [                          at least one; requests must be signed with one
 *     { "access_key": "AK…", "secret_key": "SK…",
 *       "security_token": "optional: when set, requests must send it as a signed X-Security-Token" }
 *   ],
 *   "projects": {
 *     "<project id, 32 lowercase hex>": {
 *       "instances": {
 *         "<instance id, lowercase UUID>": {
 *           "name": "orders-cache",               default: "dcs-" + first 8 characters of the id
 *           "bigkey_supported": true,             default true; false → 400 DCS.4919 on all bigkey routes
 *           "lifecycle": {                        how tasks created with POST …/bigkey-task evolve
 *             "waiting_ms": 200,                  time in `waiting` (default 200)
 *             "running_ms": 500,                  then time in `running` (default 500)
 *             "outcome": "success"                then `success` or `failed` (default success)
 *           },
 *           "tasks": [                            big key tasks, served exactly as written (absent vs null kept)
 *             { "id": "<uuid>", "status": "waiting|running|success|failed", "scan_type": "manual|auto",
 *               "created_at": "2026-11-28T02:00:00.000Z",
 *               "started_at": "… or null or absent", "finished_at": "… or null or absent",
 *               "keys": [                         optional, success tasks only: what GET …/bigkey-task/{id} lists
 *                 { "name": "…", "type": "string|list|set|zset|hash", "size": 20971520,
 *                   "db": 0 (default 0, 0-255), "shard": "192.168.0.12:6379" (optional),
 *                   "unit": "byte|count" (optional: byte for strings, count otherwise) } ] }
 *           ],
 *           "generate": {                         adds `count` deterministic finished tasks
 *             "count": 2537 (0 to 1,000,000), "start": "2026-01-01T00:00:00.000Z",
 *             "interval_seconds": 3600 (>= 0.001), "seed": "any string"
 *           },                                    (successful generated tasks get generated keys)
 *           "hotkey_tasks": [ … ],                hot key tasks, as `tasks`; each key also has "freq" (0-255)
 *           "hotkey_generate": { … },             as `generate`, for hot key tasks
 *           "bigkey_autoscan": {                  GET …/bigkey/autoscan (default: disabled, no times)
 *             "enable_auto_scan": true, "schedule_at": ["02:00"] (UTC HH:mm),
 *             "updated_at": "2026-11-01T08:00:00.000Z" (optional) },
 *           "hotkey_autoscan": { … }              GET …/hotkey/autoscan, the same
 *         }
 *       }
 *     }
 *   },
 *   "faults": [ … ]                           fault rules, same objects as POST /_emulator/faults (see faults.ts)
 * }
 *
 * Timestamps are ISO-8601 UTC with milliseconds, the only form the real API emits.
 */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { AutoscanConfig, BigKey, BigKeyTask, HotKey, KEY_TYPES, MAX_DB, MAX_FREQ, MAX_KEYS_PER_SCAN, SCAN_TYPES, ScanKind, TASK_STATUSES } from '../client/types';
import { SCHEDULE_TIME } from '../client/response';
import { FaultSpec, validateFaults } from './faults';
import {
  EmulatorDataError,
  childPath,
  entryPath,
  expectBoolean,
  expectInteger,
  expectKeys,
  expectNumber,
  expectObject,
  expectOneOf,
  expectProjectId,
  expectString,
  expectTimestamp,
  expectUuid,
  fail,
  show,
} from './validate';

/** The demo data shipped in the package (`data/emulator-demo.json`); the same path from `lib/` and `dist/`. */
export const BUNDLED_DEMO_DATA_FILE = path.resolve(__dirname, '..', '..', 'data', 'emulator-demo.json');

export interface EmulatorCredential {
  readonly access_key: string;
  readonly secret_key: string;
  /** When set, requests must carry it as a signed `X-Security-Token` header (temporary credentials). */
  readonly security_token?: string;
}

export const TASK_OUTCOMES = ['success', 'failed'] as const;
export type TaskOutcome = (typeof TASK_OUTCOMES)[number];

/** How a task created with `POST …/bigkey-task` moves through its statuses. */
export interface LifecycleSettings {
  readonly waiting_ms: number;
  readonly running_ms: number;
  readonly outcome: TaskOutcome;
}
export const DEFAULT_LIFECYCLE: LifecycleSettings = { waiting_ms: 200, running_ms: 500, outcome: 'success' };

export interface GenerateSpec {
  readonly count: number;
  /** created_at of the first (oldest) generated task. */
  readonly start: string;
  readonly interval_seconds: number;
  readonly seed: string;
}

/** A key as the data file writes it: `db` defaults to 0 and `unit` follows the type; hot keys add `freq`. */
export type EmulatorKeyData = Omit<BigKey, 'db' | 'unit'> & { readonly db?: number; readonly unit?: BigKey['unit']; readonly freq?: number };

/** A task as the data file holds it: the API record, plus the keys its details list (success tasks only). */
export interface EmulatorTaskData extends BigKeyTask {
  readonly keys?: readonly EmulatorKeyData[];
}

/** Automatic analysis settings as the data file holds them (the API's body without instance_id; schedule_at defaults to none). */
export type EmulatorAutoscanData = Omit<AutoscanConfig, 'instance_id' | 'schedule_at'> & { readonly schedule_at?: readonly string[] };

/** The settings of an instance whose data file says nothing: automatic analysis off. */
export const DEFAULT_AUTOSCAN: EmulatorAutoscanData = { enable_auto_scan: false, schedule_at: [] };

export interface EmulatorInstanceData {
  readonly name?: string;
  readonly bigkey_supported?: boolean;
  readonly lifecycle?: Partial<LifecycleSettings>;
  readonly tasks?: readonly EmulatorTaskData[];
  readonly generate?: GenerateSpec;
  readonly hotkey_tasks?: readonly EmulatorTaskData[];
  readonly hotkey_generate?: GenerateSpec;
  readonly bigkey_autoscan?: EmulatorAutoscanData;
  readonly hotkey_autoscan?: EmulatorAutoscanData;
}

export interface EmulatorProjectData {
  readonly instances: Readonly<Record<string, EmulatorInstanceData>>;
}

export interface EmulatorData {
  readonly credentials: readonly EmulatorCredential[];
  readonly projects: Readonly<Record<string, EmulatorProjectData>>;
  readonly faults?: readonly FaultSpec[];
}

/** Body of `PUT /_emulator/instances/{instance_id}`: an instance plus the project it belongs to. */
export interface PutInstanceBody extends EmulatorInstanceData {
  readonly project_id: string;
}

/** One kind's tasks of an instance after validation. */
export interface ResolvedTasks {
  /** The tasks written in the data, in no particular order. */
  readonly tasks: readonly EmulatorTaskData[];
  /** The generate block's tasks, if any. */
  readonly generated?: GeneratedTasks;
  readonly autoscan: EmulatorAutoscanData;
}

/** An instance after validation, with defaults applied. */
export interface ResolvedInstance {
  readonly name: string;
  readonly bigkey_supported: boolean;
  readonly lifecycle: LifecycleSettings;
  readonly kinds: Readonly<Record<ScanKind, ResolvedTasks>>;
}

const TOP_KEYS = ['credentials', 'projects', 'faults'];
const CREDENTIAL_KEYS = ['access_key', 'secret_key', 'security_token'];
const PROJECT_KEYS = ['instances'];
const INSTANCE_KEYS = ['name', 'bigkey_supported', 'lifecycle', 'tasks', 'generate', 'hotkey_tasks', 'hotkey_generate', 'bigkey_autoscan', 'hotkey_autoscan'];
const LIFECYCLE_KEYS = ['waiting_ms', 'running_ms', 'outcome'];
const TASK_KEYS = ['id', 'status', 'scan_type', 'created_at', 'started_at', 'finished_at', 'keys'];
const KEY_KEYS = ['name', 'type', 'shard', 'db', 'size', 'unit'];
const AUTOSCAN_KEYS = ['enable_auto_scan', 'schedule_at', 'updated_at'];
const GENERATE_KEYS = ['count', 'start', 'interval_seconds', 'seed'];
/** Enough for load tests, small enough that a typo (an extra zero or three) fails fast. */
export const MAX_GENERATED_TASKS = 1_000_000;

/**
 * Validates parsed data-file JSON. Throws EmulatorDataError naming the bad field; `source`
 * (a file name) is put in the message.
 */
export function validateEmulatorData(value: unknown, source?: string): EmulatorData {
  return withSource(source, () => {
    const raw = expectObject(value, '');
    expectKeys(raw, TOP_KEYS, '');
    const credentials = validateCredentials(raw.credentials);
    const projectsRaw = expectObject(raw.projects, 'projects');
    const projects: Record<string, EmulatorProjectData> = {};
    const seenInstances = new Map<string, string>();
    for (const [projectId, projectValue] of Object.entries(projectsRaw)) {
      if (projectId.startsWith('$')) continue;
      const projectField = entryPath('projects', projectId);
      expectProjectId(projectId, projectField);
      const project = expectObject(projectValue, projectField);
      expectKeys(project, PROJECT_KEYS, projectField);
      const instancesField = childPath(projectField, 'instances');
      const instancesRaw = expectObject(project.instances, instancesField);
      const instances: Record<string, EmulatorInstanceData> = {};
      for (const [instanceId, instanceValue] of Object.entries(instancesRaw)) {
        if (instanceId.startsWith('$')) continue;
        const instanceField = entryPath(instancesField, instanceId);
        expectUuid(instanceId, instanceField, 'an instance id');
        // Instance ids are global in DCS; the admin API also addresses instances by id alone.
        const other = seenInstances.get(instanceId);
        if (other) fail(instanceField, `is already defined in project ${other}`);
        seenInstances.set(instanceId, projectId);
        instances[instanceId] = validateInstanceData(instanceValue, instanceField);
      }
      projects[projectId] = { instances };
    }
    const faults = raw.faults === undefined ? [] : validateFaultList(raw.faults);
    return { credentials, projects, faults };
  });
}

/** Validates the body of `PUT /_emulator/instances/{id}`. */
export function validatePutInstanceBody(value: unknown): PutInstanceBody {
  const raw = expectObject(value, '');
  const project_id = expectProjectId(raw.project_id, 'project_id');
  const { project_id: _ignored, ...instance } = raw;
  return { project_id, ...validateInstanceData(instance, '') };
}

/** Reads, parses and validates a data file; every failure names the file. */
export function loadEmulatorData(file: string): EmulatorData {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new EmulatorDataError('', `cannot read the file (${(error as Error).message})`, file);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new EmulatorDataError('', `the file is not valid JSON (${(error as Error).message})`, file);
  }
  return validateEmulatorData(parsed, file);
}

function withSource<T>(source: string | undefined, fn: () => T): T {
  try {
    return fn();
  } catch (error) {
    if (error instanceof EmulatorDataError && source !== undefined && error.source === undefined) {
      throw new EmulatorDataError(error.field, error.problem, source);
    }
    throw error;
  }
}

function validateCredentials(value: unknown): EmulatorCredential[] {
  if (!Array.isArray(value) || value.length === 0) {
    fail('credentials', `must be a non-empty array of { access_key, secret_key } (got ${show(value)}); without one no request can authenticate`);
  }
  const seen = new Set<string>();
  return value.map((item, index) => {
    const field = childPath('credentials', index);
    const raw = expectObject(item, field);
    expectKeys(raw, CREDENTIAL_KEYS, field);
    const access_key = expectString(raw.access_key, childPath(field, 'access_key'));
    if (seen.has(access_key)) fail(childPath(field, 'access_key'), `repeats access key ${access_key}`);
    seen.add(access_key);
    // Never show a secret in an error message, even a malformed one.
    if (typeof raw.secret_key !== 'string' || raw.secret_key.length === 0) fail(childPath(field, 'secret_key'), 'must be a non-empty string');
    const credential: EmulatorCredential = { access_key, secret_key: raw.secret_key };
    if (raw.security_token === undefined) return credential;
    if (typeof raw.security_token !== 'string' || raw.security_token.length === 0) fail(childPath(field, 'security_token'), 'must be a non-empty string when present');
    return { ...credential, security_token: raw.security_token };
  });
}

function validateFaultList(value: unknown): FaultSpec[] {
  if (!Array.isArray(value)) fail('faults', `must be an array of fault rules (got ${show(value)})`);
  return validateFaults(value, 'faults');
}

/** Validates one instance object (data file or admin body) without expanding `generate`. */
export function validateInstanceData(value: unknown, field: string): EmulatorInstanceData {
  const raw = expectObject(value, field);
  expectKeys(raw, INSTANCE_KEYS, field);
  const out: { -readonly [K in keyof EmulatorInstanceData]: EmulatorInstanceData[K] } = {};
  if (raw.name !== undefined) out.name = expectString(raw.name, childPath(field, 'name'));
  if (raw.bigkey_supported !== undefined) out.bigkey_supported = expectBoolean(raw.bigkey_supported, childPath(field, 'bigkey_supported'));
  if (raw.lifecycle !== undefined) out.lifecycle = validateLifecycle(raw.lifecycle, childPath(field, 'lifecycle'));
  if (raw.tasks !== undefined) out.tasks = validateTasks(raw.tasks, childPath(field, 'tasks'), 'bigkey');
  if (raw.generate !== undefined) out.generate = validateGenerate(raw.generate, childPath(field, 'generate'));
  if (raw.hotkey_tasks !== undefined) out.hotkey_tasks = validateTasks(raw.hotkey_tasks, childPath(field, 'hotkey_tasks'), 'hotkey');
  if (raw.hotkey_generate !== undefined) out.hotkey_generate = validateGenerate(raw.hotkey_generate, childPath(field, 'hotkey_generate'));
  if (raw.bigkey_autoscan !== undefined) out.bigkey_autoscan = validateAutoscan(raw.bigkey_autoscan, childPath(field, 'bigkey_autoscan'));
  if (raw.hotkey_autoscan !== undefined) out.hotkey_autoscan = validateAutoscan(raw.hotkey_autoscan, childPath(field, 'hotkey_autoscan'));
  return out;
}

function validateTasks(value: unknown, field: string, kind: ScanKind): EmulatorTaskData[] {
  if (!Array.isArray(value)) fail(field, `must be an array of tasks (got ${show(value)})`);
  const seen = new Set<string>();
  return value.map((task, index) => {
    const taskField = childPath(field, index);
    const valid = validateTask(task, taskField, kind);
    if (seen.has(valid.id)) fail(childPath(taskField, 'id'), `repeats task id ${valid.id}`);
    seen.add(valid.id);
    return valid;
  });
}

function validateAutoscan(value: unknown, field: string): EmulatorAutoscanData {
  const raw = expectObject(value, field);
  expectKeys(raw, AUTOSCAN_KEYS, field);
  const enable_auto_scan = expectBoolean(raw.enable_auto_scan, childPath(field, 'enable_auto_scan'));
  let schedule_at: string[] = [];
  if (raw.schedule_at !== undefined) {
    const timesField = childPath(field, 'schedule_at');
    if (!Array.isArray(raw.schedule_at)) fail(timesField, `must be an array of UTC times "HH:mm" (got ${show(raw.schedule_at)})`);
    schedule_at = raw.schedule_at.map((time, i) => {
      if (typeof time !== 'string' || !SCHEDULE_TIME.test(time)) fail(childPath(timesField, i), `must be a UTC time of day "HH:mm" from "00:00" to "23:59" (got ${show(time)})`);
      return time;
    });
  }
  if (raw.updated_at !== undefined) expectTimestamp(raw.updated_at, childPath(field, 'updated_at'));
  return { enable_auto_scan, schedule_at, ...(raw.updated_at !== undefined ? { updated_at: raw.updated_at as string } : {}) };
}

/** The keys a successful task's details list: checked like the API's own (types, units, bounds), in the API's field order. */
function validateKeys(value: unknown, field: string, kind: ScanKind): (BigKey | HotKey)[] {
  if (!Array.isArray(value)) fail(field, `must be an array of keys (got ${show(value)})`);
  if (value.length > MAX_KEYS_PER_SCAN) fail(field, `has ${value.length} keys: an analysis keeps at most ${MAX_KEYS_PER_SCAN}`);
  return value.map((item, index) => {
    const keyField = childPath(field, index);
    const raw = expectObject(item, keyField);
    expectKeys(raw, kind === 'hotkey' ? [...KEY_KEYS, 'freq'] : KEY_KEYS, keyField);
    if (typeof raw.name !== 'string') fail(childPath(keyField, 'name'), `must be a string (got ${show(raw.name)})`);
    const type = expectOneOf(raw.type, KEY_TYPES, childPath(keyField, 'type'));
    const unit = type === 'string' ? 'byte' : 'count';
    if (raw.unit !== undefined && raw.unit !== unit) fail(childPath(keyField, 'unit'), `must be "${unit}" for a ${type} key (got ${show(raw.unit)})`);
    const size = expectInteger(raw.size, childPath(keyField, 'size'), 0);
    const db = raw.db === undefined ? 0 : expectInteger(raw.db, childPath(keyField, 'db'), 0, MAX_DB);
    if (raw.shard !== undefined && (typeof raw.shard !== 'string' || !/^[A-Za-z0-9.-]+:\d{1,5}$/.test(raw.shard))) {
      fail(childPath(keyField, 'shard'), `must be "ip:port" such as "192.168.0.12:6379" (got ${show(raw.shard)})`);
    }
    const key: BigKey = { name: raw.name, type, ...(raw.shard !== undefined ? { shard: raw.shard as string } : {}), db, size, unit };
    if (kind === 'bigkey') return key;
    return { ...key, freq: expectInteger(raw.freq, childPath(keyField, 'freq'), 0, MAX_FREQ) };
  });
}

function validateLifecycle(value: unknown, field: string): Partial<LifecycleSettings> {
  const raw = expectObject(value, field);
  expectKeys(raw, LIFECYCLE_KEYS, field);
  return {
    ...(raw.waiting_ms !== undefined && { waiting_ms: expectInteger(raw.waiting_ms, childPath(field, 'waiting_ms'), 0, 86_400_000) }),
    ...(raw.running_ms !== undefined && { running_ms: expectInteger(raw.running_ms, childPath(field, 'running_ms'), 0, 86_400_000) }),
    ...(raw.outcome !== undefined && { outcome: expectOneOf(raw.outcome, TASK_OUTCOMES, childPath(field, 'outcome')) }),
  };
}

/** A task as written in the data file; keys are copied in API order, absent stays absent. */
function validateTask(value: unknown, field: string, kind: ScanKind): EmulatorTaskData {
  const raw = expectObject(value, field);
  expectKeys(raw, TASK_KEYS, field);
  const id = expectUuid(raw.id, childPath(field, 'id'), 'a task id');
  const status = expectOneOf(raw.status, TASK_STATUSES, childPath(field, 'status'));
  const scan_type = expectOneOf(raw.scan_type, SCAN_TYPES, childPath(field, 'scan_type'));
  expectTimestamp(raw.created_at, childPath(field, 'created_at'));
  const task: { -readonly [K in keyof BigKeyTask]: BigKeyTask[K] } = { id, status, scan_type, created_at: raw.created_at as string };
  for (const key of ['started_at', 'finished_at'] as const) {
    if (!(key in raw)) continue;
    if (raw[key] !== null) expectTimestamp(raw[key], childPath(field, key));
    task[key] = raw[key] as string | null;
  }
  if (raw.keys === undefined) return task;
  if (status !== 'success') fail(childPath(field, 'keys'), `are listed for a ${status} task: only a successful analysis has keys`);
  return { ...task, keys: validateKeys(raw.keys, childPath(field, 'keys'), kind) };
}

function validateGenerate(value: unknown, field: string): GenerateSpec {
  const raw = expectObject(value, field);
  expectKeys(raw, GENERATE_KEYS, field);
  const count = expectInteger(raw.count, childPath(field, 'count'), 0, MAX_GENERATED_TASKS);
  expectTimestamp(raw.start, childPath(field, 'start'));
  // At least a millisecond apart, so generated created_at values strictly increase.
  const interval_seconds = expectNumber(raw.interval_seconds, childPath(field, 'interval_seconds'), (n) => n >= 0.001, 'a number of seconds >= 0.001');
  if (typeof raw.seed !== 'string') fail(childPath(field, 'seed'), `must be a string (got ${show(raw.seed)})`);
  return { count, start: raw.start as string, interval_seconds, seed: raw.seed };
}

/** Applies the defaults; generated tasks stay virtual (see GeneratedTasks). */
export function resolveInstance(instanceId: string, data: EmulatorInstanceData): ResolvedInstance {
  const generated = (spec: GenerateSpec | undefined, kind: ScanKind) => (spec && spec.count > 0 ? new GeneratedTasks(spec, kind) : undefined);
  return {
    name: data.name ?? `dcs-${instanceId.slice(0, 8)}`,
    bigkey_supported: data.bigkey_supported ?? true,
    lifecycle: { ...DEFAULT_LIFECYCLE, ...data.lifecycle },
    kinds: {
      bigkey: { tasks: data.tasks ?? [], generated: generated(data.generate, 'bigkey'), autoscan: data.bigkey_autoscan ?? DEFAULT_AUTOSCAN },
      hotkey: { tasks: data.hotkey_tasks ?? [], generated: generated(data.hotkey_generate, 'hotkey'), autoscan: data.hotkey_autoscan ?? DEFAULT_AUTOSCAN },
    },
  };
}

/**
 * The `generate` tasks of an instance, computed on demand instead of stored: task i is created
 * at start + i * interval, and its id and other attributes come from a hash of `seed#i`, so
 * they are the same on every run and machine. Mostly auto scans (about 4 in 5), mostly success
 * (about 1 in 12 failed), all finished.
 *
 * Why virtual: 500 instances of 5,000 tasks as objects take seconds to build and gigabytes of
 * heap; as formulas they cost nothing until a page is served. created_at strictly increases
 * with i (interval_seconds >= 0.001), so the tasks are already in time order.
 */
export class GeneratedTasks {
  readonly count: number;
  private readonly startMs: number;
  private readonly intervalMs: number;
  /** Tasks already served, up to MEMO_TASKS per instance (the newest pages are asked for most). */
  private readonly memo = new Map<number, BigKeyTask>();

  constructor(
    readonly spec: GenerateSpec,
    readonly kind: ScanKind = 'bigkey',
  ) {
    this.count = spec.count;
    this.startMs = Date.parse(spec.start);
    this.intervalMs = spec.interval_seconds * 1000;
  }

  createdMs(i: number): number {
    return this.startMs + Math.round(i * this.intervalMs);
  }

  id(i: number): string {
    return uuidFromHash(this.hash(i));
  }

  status(i: number): 'success' | 'failed' {
    return GeneratedTasks.statusOf(this.hash(i));
  }

  task(i: number): BigKeyTask {
    const served = this.memo.get(i);
    if (served) return served;
    const task = this.compute(i);
    if (this.memo.size < MEMO_TASKS) this.memo.set(i, task);
    return task;
  }

  private compute(i: number): BigKeyTask {
    const h = this.hash(i);
    const createdMs = this.createdMs(i);
    const startedMs = createdMs + 500 + (h[2] % 30_000);
    const finishedMs = startedMs + 2_000 + (h[3] % 600_000);
    return {
      id: uuidFromHash(h),
      status: GeneratedTasks.statusOf(h),
      scan_type: h[0] % 5 === 0 ? 'manual' : 'auto',
      created_at: new Date(createdMs).toISOString(),
      started_at: new Date(startedMs).toISOString(),
      finished_at: new Date(finishedMs).toISOString(),
    };
  }

  /** The keys the details of task i list: generated keys when it succeeded, none otherwise. */
  keys(i: number): (BigKey | HotKey)[] {
    return this.status(i) === 'success' ? generatedKeys(`${this.spec.seed}#${i}`, this.kind) : [];
  }

  /** About one task in twelve failed. */
  private static statusOf(h: readonly number[]): 'success' | 'failed' {
    return h[1] % 12 === 0 ? 'failed' : 'success';
  }

  private hash(i: number): [number, number, number, number] {
    return hash128(`${this.spec.seed}#${i}`);
  }
}

/** Generated tasks kept per instance once served: a page of a synth's instance, without the heap of a fleet of big ones. */
const MEMO_TASKS = 128;

/** All `count` generated tasks, oldest first (what the emulator serves for a `generate` block). */
export function generateTasks(spec: GenerateSpec): BigKeyTask[] {
  const generated = new GeneratedTasks(spec);
  return Array.from({ length: generated.count }, (_, i) => generated.task(i));
}

const KEY_WORDS = ['session', 'cart', 'feed', 'profile', 'rank', 'queue', 'catalog', 'counter'];

/**
 * Zero to five plausible keys for a successful analysis, the same for the same seed: strings of
 * 10 KiB to about 8 MiB, collections of 5,000 to 205,000 members, half of them on a cluster shard;
 * hot keys with an LFU counter of 100-255.
 */
export function generatedKeys(seed: string, kind: ScanKind): (BigKey | HotKey)[] {
  const h = hash128(`${seed}#keys`);
  return Array.from({ length: h[0] % 6 }, (_, i) => {
    const k = hash128(`${seed}#key${i}`);
    const type = KEY_TYPES[k[0] % KEY_TYPES.length];
    const key: BigKey = {
      name: `${KEY_WORDS[k[1] % KEY_WORDS.length]}:${type}:${k[2].toString(36)}`,
      type,
      ...(h[1] % 2 === 0 ? { shard: `192.168.0.${10 + (k[3] % 6)}:6379` } : {}),
      db: 0,
      size: type === 'string' ? 10_240 + (k[3] % (8 * 1024 * 1024)) : 5_000 + (k[3] % 200_000),
      unit: type === 'string' ? 'byte' : 'count',
    };
    return kind === 'hotkey' ? { ...key, freq: 100 + (k[2] % 156) } : key;
  });
}

/**
 * cyrb128: a fast non-cryptographic 128-bit string hash. Ids only need to be stable and
 * unique-looking; a crypto hash per task costs about ten times more, which shows when a data
 * file generates hundreds of thousands of tasks.
 */
export function hash128(text: string): [number, number, number, number] {
  let h1 = 1779033703;
  let h2 = 3144134277;
  let h3 = 1013904242;
  let h4 = 2773480762;
  for (let i = 0; i < text.length; i++) {
    const k = text.charCodeAt(i);
    h1 = h2 ^ Math.imul(h1 ^ k, 597399067);
    h2 = h3 ^ Math.imul(h2 ^ k, 2869860233);
    h3 = h4 ^ Math.imul(h3 ^ k, 951274213);
    h4 = h1 ^ Math.imul(h4 ^ k, 2716044179);
  }
  h1 = Math.imul(h3 ^ (h1 >>> 18), 597399067);
  h2 = Math.imul(h4 ^ (h2 >>> 22), 2869860233);
  h3 = Math.imul(h1 ^ (h3 >>> 17), 951274213);
  h4 = Math.imul(h2 ^ (h4 >>> 19), 2716044179);
  h1 ^= h2 ^ h3 ^ h4;
  h2 ^= h1;
  h3 ^= h1;
  h4 ^= h1;
  return [h1 >>> 0, h2 >>> 0, h3 >>> 0, h4 >>> 0];
}

/** Formats 128 hash bits as a version-4-shaped UUID (version nibble 4, variant 8–b). */
function uuidFromHash(h: readonly number[]): string {
  const hex = h.map((word) => word.toString(16).padStart(8, '0')).join('');
  const variant = ((parseInt(hex[16], 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}
