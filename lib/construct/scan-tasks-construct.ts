/**
 * What DcsBigKeyScanTasks and DcsHotKeyScanTasks share — everything but the kind of analysis
 * and the names of its key values: the lookup (registered with the app's one registry, read by
 * its provider in the one worker batch, replayed from the one snapshot file), the typed values,
 * the outputs, the gates (lib/policy) turned into annotations at synth, and the async form.
 *
 * Key names are customer data: a lookup keeps them only with `exposeKeyNames: true` (they are
 * dropped in the worker, where the details are read), so by default no value, output, message
 * or snapshot entry of this construct can hold one.
 */
import { Construct, IConstruct } from 'constructs';
import { DcsConnectionOptions } from '../client/connection';
import { DcsConfigError, DcsError } from '../client/errors';
import { AutoscanConfig, BigKey, BigKeyTask, BigKeyTaskStatus, HotKey, SCAN_API, ScanKind } from '../client/types';
import { show, validateBoolean } from '../client/validation';
import type * as Batch from '../lookup/batch';
import { LookupOutcome, LookupSuccess, toFailure } from '../lookup/outcome';
import { LookupParts, resolveLookupRequest, resolveLookupTarget, targetOf } from '../lookup/lookup-request';
import { lookupKindOf } from '../lookup/providers';
import type { SnapshotStaleness } from '../lookup/snapshot-file';
import { evaluateGate, Finding, GatePolicies, hasTaskPolicy, label, lookupFailureFinding, ResolvedGatePolicies, resolveLookupPolicies } from '../policy/gate-policy';
import { hottestKey, KeyScan, largestCollection, largestString } from '../policy/key-scan';
import { ageMs, summarizeTasks, TaskSummary } from '../policy/task-summary';
import { addAspect, Aspect, Framework, frameworkOf } from './framework';
import { LookupHandle, LookupRegistry, SnapshotMode } from './lookup-registry';
import { AUTO_SCAN_OUTPUT_SUFFIXES, BIG_KEY_OUTPUT_SUFFIXES, HOT_KEY_OUTPUT_SUFFIXES, OUTPUT_SUFFIXES, OutputSuffix, outputName, validateOutputPrefix } from './outputs';
import { FrameworkName, TerraformOutputLike } from './terraform-types';

/** The props both constructs take. */
export interface ScanTasksProps extends DcsConnectionOptions {
  /** The DCS instance id (a UUID). */
  readonly instanceId: string;
  /**
   * Only tasks in this status (filtered by the API).
   * @default - all tasks
   */
  readonly status?: BigKeyTaskStatus;
  /**
   * Read the automatic analysis settings (one more request, sent with the list): typed value
   * `autoScan`, outputs `<prefix>_auto_scan_enabled` and `<prefix>_auto_scan_schedule_at`.
   * @default - true when gates.autoScanEnabled is set, else false
   */
  readonly readAutoScan?: boolean;
  /**
   * Keep the names of the keys read (customer data) in typed values, outputs, gate messages and
   * snapshot entries. Without it they appear in none of them (types, sizes, shards, dbs only).
   * @default false
   */
  readonly exposeKeyNames?: boolean;
  /**
   * Prefix of the Terraform output names (`<prefix>_latest_auto_status`, ...).
   * @default the construct id
   */
  readonly outputPrefix?: string;
  /**
   * Whether to create the Terraform outputs.
   * @default true
   */
  readonly createOutputs?: boolean;
}

/** Thrown when a typed value is read but the lookup failed. */
export class DcsLookupFailedError extends DcsError {}

/** What tells the two constructs apart. */
export interface ScanTasksKind {
  readonly scanKind: ScanKind;
  /** The class name, for messages. */
  readonly className: string;
  /** The prop that asks for the keys (`readBigKeys`, `readHotKeys`) and the gate that needs them (`bigKeys`, `hotKeys`). */
  readonly readKeysProp: 'readBigKeys' | 'readHotKeys';
  readonly keyGate: 'bigKeys' | 'hotKeys';
}

const outputPrefixesByStack = new WeakMap<IConstruct, Set<string>>();

/** The props of either construct, as the base reads them. */
type AnyScanTasksProps = ScanTasksProps & { readonly gates?: GatePolicies; readonly readBigKeys?: boolean; readonly readHotKeys?: boolean };

/** A subclass: constructible, with its kind. */
interface ScanTasksClass<T, P> {
  new (scope: Construct, id: string, props: P): T;
  readonly KIND: ScanTasksKind;
}

export abstract class ScanTasksConstruct extends Construct {
  /**
   * The async form, for apps that fetch in an async `main()`: the lookup runs on this thread's
   * event loop (no worker), then the construct is created with its result.
   */
  static async fromLookup<T, P extends ScanTasksProps>(this: ScanTasksClass<T, P>, scope: Construct, id: string, props: P): Promise<T> {
    const kind = this.KIND;
    const path = `${scope.node.path}/${id}`;
    frameworkOf(scope, `${kind.className} ${path}`); // a bad scope fails before any request
    const registry = LookupRegistry.of(scope);
    // Every prop is checked before the request, as the constructor would check it.
    const { request } = resolveProps(kind, path, id, props as AnyScanTasksProps, registry.settings.mode);
    if (request !== undefined) {
      let outcome: LookupOutcome;
      try {
        // The client and its HTTP stack are loaded only here, by the async form that uses them.
        const { lookupMany } = require('../lookup/batch') as typeof Batch;
        [outcome] = await lookupMany([request]);
      } catch (error) {
        outcome = toFailure(request.instanceId, error);
      }
      registry.provide(request, outcome);
    }
    return new this(scope, id, props);
  }

  readonly instanceId: string;
  readonly projectId: string;
  /** Prefix of this construct's output names. */
  readonly outputPrefix: string;
  /** The outputs, by suffix (`TerraformOutput`s of the stack's framework); empty when `createOutputs` is false. */
  readonly outputs: Partial<Record<OutputSuffix, TerraformOutputLike>>;
  /** The package of the stack this construct is in, whose outputs, aspects and annotations it uses. */
  readonly framework: FrameworkName;
  /** Whether this construct reads the keys of its latest successful scan. */
  readonly readsKeys: boolean;
  /** Whether this construct reads the automatic analysis settings. */
  readonly readsAutoScan: boolean;
  protected readonly kind: ScanTasksKind;
  private readonly fw: Framework;
  private readonly policies: ResolvedGatePolicies;
  private readonly lookup: LookupHandle;
  private summaryCache?: TaskSummary;

  protected constructor(scope: Construct, id: string, props: AnyScanTasksProps, kind: ScanTasksKind) {
    super(scope, id);
    this.kind = kind;
    // First: a scope in no stack of an installed framework fails before anything else is done.
    this.fw = frameworkOf(this, `${kind.className} ${this.node.path}`);
    this.framework = this.fw.name;
    const registry = LookupRegistry.of(this);
    const resolved = resolveProps(kind, this.node.path, id, props, registry.settings.mode);
    this.instanceId = resolved.target.instanceId;
    this.projectId = resolved.target.projectId;
    this.outputPrefix = resolved.prefix;
    this.policies = resolved.policies;
    this.readsKeys = resolved.parts.keys === true;
    this.readsAutoScan = resolved.parts.autoscan === true;
    this.lookup = registry.register(resolved.target, resolved.request);
    this.outputs = resolved.withOutputs ? this.createOutputs() : {};
    // With the stack's own framework: the other package's aspects are never visited at synth.
    addAspect(this.fw, this, new GateAspect(this, registry, this.fw), `${kind.className} ${this.node.path}`);
  }

  /** All tasks read, newest first by `created_at`. */
  get records(): readonly BigKeyTask[] {
    return this.summary().records;
  }
  /** Number of tasks read. */
  get count(): number {
    return this.summary().count;
  }
  /** The newest task, or undefined when there is none. */
  get latest(): BigKeyTask | undefined {
    return this.summary().latest;
  }
  /** The newest automatic (`scan_type: auto`) scan (a failed one, of several created at the same moment), or undefined. */
  get latestAuto(): BigKeyTask | undefined {
    return this.summary().latestAuto;
  }
  /** The newest manual scan, or undefined. */
  get latestManual(): BigKeyTask | undefined {
    return this.summary().latestManual;
  }
  /** The newest successful task, or undefined. */
  get latestSuccessful(): BigKeyTask | undefined {
    return this.summary().latestSuccessful;
  }
  /** The newest automatic scan that has finished (success or failed), or undefined. */
  get latestFinishedAuto(): BigKeyTask | undefined {
    return this.summary().latestFinishedAuto;
  }
  /** Where the data came from: `live`, `emulator` or `snapshot`. */
  get source(): LookupSuccess['source'] {
    return this.success().source;
  }
  /** When the data was read (ISO-8601); for a snapshot, when it was recorded. */
  get fetchedAt(): string {
    return this.success().fetchedAt;
  }

  /**
   * The automatic analysis settings (of this kind of analysis). Read with `readAutoScan: true` or
   * an `autoScanEnabled` gate; reading it otherwise is a DcsConfigError.
   */
  get autoScan(): AutoscanConfig {
    const outcome = this.success();
    if (!this.readsAutoScan || !outcome.autoscan) throw new DcsConfigError(`${this.kind.className} ${this.node.path}: the automatic analysis settings were not read; set readAutoScan: true (or gates.autoScanEnabled)`);
    return outcome.autoscan;
  }

  /**
   * Why the replayed snapshot entry is too old to gate on (older than DCS_BIGKEY_SNAPSHOT_MAX_AGE
   * or context `dcs-bigkey:snapshotMaxAge`); undefined when it is not, or the data is live.
   */
  get staleSnapshot(): SnapshotStaleness | undefined {
    const outcome = this.lookup.outcome();
    return outcome.ok ? outcome.stale : undefined;
  }

  /** Milliseconds since the newest automatic scan finished; undefined when none has. */
  latestAutoScanAgeMs(now: Date = new Date()): number | undefined {
    return ageMs(this.latestFinishedAuto?.finished_at, now);
  }

  /** The gate findings at `now` (what synth turns into annotations). Never throws for a failed lookup. */
  findings(now: Date = new Date()): Finding[] {
    const outcome = this.lookup.outcome();
    if (!outcome.ok) return [this.lookupFailure(outcome.message)];
    return evaluateGate(this.subject(), this.summary(), this.policies, now, { kind: this.kind.scanKind, keys: outcome.keyScan, autoscan: outcome.autoscan });
  }

  /** Why no gate policy is evaluated for this lookup (a status filter), or undefined when some is. */
  uncheckedReason(): string | undefined {
    if (hasTaskPolicy(this.policies)) return undefined;
    const status = this.lookup.target.status;
    const why = status !== undefined
      ? `its tasks are filtered by status "${status}" (a filtered list has no latest automatic scan), and its gate_message output blocks consumers`
      : "every policy is turned off (gates.latestAutoFailed: 'off' and no other policy)";
    return `no gate policy is evaluated for ${label(this.subject())}: ${why}; only a failed lookup is reported`;
  }

  /**
   * What else in the stack has the name of one of this construct's outputs. The framework writes
   * one output per name and silently keeps the last: another output named like ours (the app's
   * own, or another construct's whose prefix and suffix spell the same name, `x_big_key` +
   * `_count`) would replace what consumers read, `gate_message` included.
   */
  outputNameClashes(): string[] {
    const byName = outputsByName(this.fw, this.fw.api.TerraformStack.of(this));
    const clashes: string[] = [];
    for (const output of Object.values(this.outputs)) {
      const others = (byName.get(output.friendlyUniqueId) ?? []).filter((o) => o !== output);
      if (others.length === 0) continue;
      clashes.push(
        `output ${output.friendlyUniqueId} of ${this.kind.className} ${this.node.path} has the name of ${others.map((o) => o.node.path).join(', ')} too, ` +
          `and the stack keeps only one of them, so consumers could read the other's value; give this construct another outputPrefix, or the other output another name`,
      );
    }
    return clashes;
  }

  /**
   * Why the headline policy, on, had nothing to judge (the lookup succeeded, but no automatic
   * scan has a result yet), or undefined: the gate then passes on no evidence, and says so.
   */
  noEvidenceReason(): string | undefined {
    const outcome = this.lookup.outcome();
    if (!outcome.ok || !this.policies.latestAutoFailed || this.summary().latestSettledAuto) return undefined;
    const { noun, autoscanPath } = SCAN_API[this.kind.scanKind];
    const blocking = this.policies.maxAutoScanAge || this.policies.requireSuccessfulScan;
    return `no automatic ${noun} scan of ${label(this.subject())} has a result yet (${this.summary().count} tasks read), so latestAutoFailed had nothing to judge; ` +
      `enable automatic analysis (PUT .../${autoscanPath})` +
      (blocking ? '' : ', and add gates.maxAutoScanAge or gates.requireSuccessfulScan to block until there is evidence');
  }

  /** Output name of a suffix, for readers in other stacks. */
  outputName(suffix: OutputSuffix): string {
    return outputName(this.outputPrefix, suffix);
  }

  /**
   * The keys of the latest successful scan; undefined when no scan succeeded. Reading it when
   * the keys were not read (no readBigKeys/readHotKeys, no key gate) is a DcsConfigError.
   */
  protected keyScan(): KeyScan | undefined {
    const outcome = this.success();
    if (!this.readsKeys || outcome.keyScan === undefined) {
      throw new DcsConfigError(`${this.kind.className} ${this.node.path}: the keys were not read; set ${this.kind.readKeysProp}: true (or gates.${this.kind.keyGate})`);
    }
    return outcome.keyScan ?? undefined;
  }

  private subject() {
    return { instanceId: this.instanceId, name: this.node.id };
  }

  private lookupFailure(message: string): Finding {
    return lookupFailureFinding(this.subject(), new Error(message), this.policies, this.kind.scanKind);
  }

  private success(): LookupSuccess {
    const outcome = this.lookup.outcome();
    if (!outcome.ok) throw new DcsLookupFailedError(`${this.kind.className} ${this.node.path}: ${outcome.message}`);
    return outcome;
  }

  private summary(): TaskSummary {
    return (this.summaryCache ??= summarizeTasks(this.success().records));
  }

  /** The suffixes of this construct's outputs: the base set, then those of what it reads (never changing with the data). */
  private outputSuffixes(): OutputSuffix[] {
    const keys = this.kind.scanKind === 'hotkey' ? HOT_KEY_OUTPUT_SUFFIXES : BIG_KEY_OUTPUT_SUFFIXES;
    return [
      ...(Object.keys(OUTPUT_SUFFIXES) as OutputSuffix[]),
      ...(this.readsKeys ? (Object.keys(keys) as OutputSuffix[]) : []),
      ...(this.readsAutoScan ? (Object.keys(AUTO_SCAN_OUTPUT_SUFFIXES) as OutputSuffix[]) : []),
    ];
  }

  private createOutputs() {
    const stack = this.fw.api.TerraformStack.of(this);
    const taken = outputPrefixesByStack.get(stack) ?? new Set<string>();
    outputPrefixesByStack.set(stack, taken);
    if (taken.has(this.outputPrefix)) {
      throw new DcsConfigError(`${this.kind.className} ${this.node.path}: output prefix "${this.outputPrefix}" is already used in stack ${stack.node.id}; give this construct another id or pass a distinct outputPrefix`);
    }
    taken.add(this.outputPrefix);
    // Values are produced at synth, from the lookup, by plain resolvables (the framework's
    // IResolvable). Not Lazy: every Lazy records a full stack trace when it is created, which
    // made up most of the time spent creating these constructs (12 outputs each).
    // The framework first resolves every element while it prepares the stack (to find
    // cross-stack references) and discards the result: a placeholder then, so the lookups go
    // on while the stack is prepared; synth waits for them at the gate aspect, which runs
    // before the annotations are collected, and the final resolve has the real values.
    const { TerraformOutput, Token } = this.fw.api;
    const descriptions: Readonly<Record<string, string>> = { ...OUTPUT_SUFFIXES, ...BIG_KEY_OUTPUT_SUFFIXES, ...HOT_KEY_OUTPUT_SUFFIXES, ...AUTO_SCAN_OUTPUT_SUFFIXES };
    const outputs: Partial<Record<OutputSuffix, TerraformOutputLike>> = {};
    for (const suffix of this.outputSuffixes()) {
      const name = outputName(this.outputPrefix, suffix);
      const placeholder = NUMERIC_OUTPUTS.has(suffix) ? 0 : '';
      const value = {
        creationStack: [`output ${name} of ${this.kind.className} ${this.node.path}`],
        resolve: (context: { readonly preparing?: boolean }) => (context.preparing ? placeholder : this.outputValue(suffix)),
        toString(): string {
          return Token.asString(this);
        },
      };
      outputs[suffix] = new TerraformOutput(this, name, { value, staticId: true, description: descriptions[suffix] });
    }
    return outputs;
  }

  private outputValue(suffix: OutputSuffix): string | number {
    if (suffix === 'instance_id') return this.instanceId;
    const outcome = this.lookup.outcome();
    if (!outcome.ok) {
      if (NUMERIC_OUTPUTS.has(suffix)) return -1;
      if (suffix === 'records' || suffix === 'big_keys' || suffix === 'hot_keys' || suffix === 'auto_scan_schedule_at') return '[]';
      if (suffix === 'gate_message') return this.lookupFailure(outcome.message).message;
      return suffix.endsWith('_status') || suffix === 'auto_scan_enabled' ? 'unknown' : '';
    }
    const s = this.summary();
    const scan = outcome.keyScan ?? undefined;
    const size = (key: BigKey | undefined) => (scan === undefined ? -1 : key?.size ?? 0);
    switch (suffix) {
      case 'count': return s.count;
      case 'latest_id': return s.latest?.id ?? '';
      case 'latest_status': return s.latest?.status ?? '';
      case 'latest_auto_id': return s.latestAuto?.id ?? '';
      case 'latest_auto_status': return s.latestAuto?.status ?? '';
      case 'latest_auto_created_at': return s.latestAuto?.created_at ?? '';
      case 'latest_auto_finished_at': return s.latestAuto?.finished_at ?? '';
      case 'latest_successful_id': return s.latestSuccessful?.id ?? '';
      case 'latest_successful_finished_at': return s.latestSuccessful?.finished_at ?? '';
      case 'records': return JSON.stringify(s.records.map(canonicalRecord));
      case 'gate_message': return this.gateMessage(s);
      case 'big_key_scan_id':
      case 'hot_key_scan_id': return scan?.task_id ?? '';
      case 'big_key_count':
      case 'hot_key_count': return scan?.num ?? -1;
      case 'largest_string_bytes': return size(scan && largestString(scan.keys));
      case 'largest_collection_members': return size(scan && largestCollection(scan.keys));
      case 'max_hot_key_freq': return scan === undefined ? -1 : hottestKey(scan.keys as HotKey[])?.freq ?? 0;
      case 'big_keys':
      case 'hot_keys': return JSON.stringify((scan?.keys ?? []).map(canonicalKey));
      case 'auto_scan_enabled': return outcome.autoscan === undefined ? 'unknown' : String(outcome.autoscan.enable_auto_scan);
      case 'auto_scan_schedule_at': return JSON.stringify(outcome.autoscan?.schedule_at ?? []);
    }
  }

  private gateMessage(s: TaskSummary): string {
    if (this.lookup.target.status !== undefined) {
      // Fail closed for consumers: a filtered list cannot say whether the latest automatic scan failed.
      return `the ${this.kind.scanKind === 'hotkey' ? 'hot' : 'big'} key scan tasks of ${label(this.subject())} were read filtered by status "${this.lookup.target.status}", which cannot gate a deployment; gate on a ${this.kind.className} without a status filter`;
    }
    // Only the clock-free headline policy: outputs must not change with the synth's time.
    const headline = evaluateGate(this.subject(), s, { onLookupFailure: 'error', latestAutoFailed: 'error' }, new Date(0), { kind: this.kind.scanKind });
    return headline[0]?.message ?? '';
  }
}

/** Every output of a stack by its name, gathered once per stack (at synth, when the stack is complete). */
const outputsByStack = new WeakMap<IConstruct, Map<string, TerraformOutputLike[]>>();

function outputsByName(fw: Framework, stack: IConstruct): Map<string, TerraformOutputLike[]> {
  let byName = outputsByStack.get(stack);
  if (byName === undefined) {
    byName = new Map();
    for (const c of stack.node.findAll()) {
      if (!(c instanceof fw.api.TerraformOutput)) continue;
      const output = c as TerraformOutputLike;
      const same = byName.get(output.friendlyUniqueId);
      if (same) same.push(output);
      else byName.set(output.friendlyUniqueId, [output]);
    }
    outputsByStack.set(stack, byName);
  }
  return byName;
}

/** Outputs whose value is a number (placeholder 0 while the stack is prepared, -1 when the lookup failed). */
const NUMERIC_OUTPUTS: ReadonlySet<OutputSuffix> = new Set<OutputSuffix>(['count', 'big_key_count', 'largest_string_bytes', 'largest_collection_members', 'hot_key_count', 'max_hot_key_freq']);

/**
 * Every prop of a construct, checked and resolved (DcsConfigError naming the construct, the prop
 * and the value): what it looks up, and — unless the lookup is replayed — the request to send.
 * The constructor and the async form both start here, so nothing is sent for props the
 * constructor would refuse.
 */
function resolveProps(kind: ScanTasksKind, path: string, id: string, props: AnyScanTasksProps, mode: SnapshotMode) {
  return withConstructPath(kind, path, () => {
    checkPropNames(kind, props);
    const parts = lookupParts(kind, props);
    const request = mode === 'replay' ? undefined : resolveLookupRequest({ ...props, ...parts }, process.env);
    const target = request !== undefined ? targetOf(request) : resolveLookupTarget({ ...props, ...parts }, process.env);
    const policies = resolveLookupPolicies(props.gates, target.status, 'gates', kind.scanKind);
    const prefix = validateOutputPrefix(props.outputPrefix ?? id);
    const withOutputs = validateBoolean(props.createOutputs ?? true, 'createOutputs');
    return { target, request, policies, prefix, withOutputs, parts };
  });
}

/** The props of ScanTasksProps (with the connection's) and of both constructs but their key prop. */
const COMMON_PROPS: readonly string[] = [
  'instanceId', 'projectId', 'region', 'endpoint', 'accessKey', 'secretKey', 'securityToken',
  'status', 'readAutoScan', 'exposeKeyNames', 'outputPrefix', 'createOutputs', 'gates',
];

/**
 * A prop this construct does not know is refused, not ignored: a misspelt one (`gate` for
 * `gates`, or the other construct's `readBigKeys`) from JavaScript, or a props object built
 * elsewhere, would otherwise leave the gate it meant to set silently unchecked.
 */
function checkPropNames(kind: ScanTasksKind, props: object): void {
  if (typeof props !== 'object' || props === null) throw new DcsConfigError(`invalid props ${show(props)}: expected an object such as { instanceId: '5560df16-…' }`);
  const known = [...COMMON_PROPS, kind.readKeysProp];
  for (const key of Object.keys(props)) {
    if (!known.includes(key)) throw new DcsConfigError(`unknown prop ${show(key)}: expected ${known.join(', ')}`);
  }
}

/** What a lookup of this construct reads: keys when asked for or gated on, autoscan settings likewise. */
function lookupParts(kind: ScanTasksKind, props: AnyScanTasksProps): LookupParts {
  const gates = (typeof props.gates === 'object' && props.gates !== null ? props.gates : {}) as GatePolicies;
  const read = (value: unknown, name: string, gated: boolean, gate: string): boolean => {
    const wanted = value === undefined ? gated : validateBoolean(value, name);
    if (gated && !wanted) throw new DcsConfigError(`${name} is false, but gates.${gate} needs what it reads; remove the gate, or the ${name}: false`);
    return wanted;
  };
  const keys = read(props[kind.readKeysProp], kind.readKeysProp, gates[kind.keyGate] !== undefined, kind.keyGate);
  if (keys && props.status !== undefined) {
    throw new DcsConfigError(`${kind.readKeysProp} cannot be used with status "${props.status}": the latest successful task of a filtered list is not the instance's; use a second ${kind.className} without status`);
  }
  const autoscan = read(props.readAutoScan, 'readAutoScan', gates.autoScanEnabled !== undefined, 'autoScanEnabled');
  const keyNames = props.exposeKeyNames === undefined ? false : validateBoolean(props.exposeKeyNames, 'exposeKeyNames');
  return { kind: lookupKindOf(kind.scanKind), keys, keyNames, autoscan };
}

/** Turns findings into annotations once, when the framework synthesizes the stack. */
class GateAspect implements Aspect {
  private applied = false;
  constructor(
    private readonly target: ScanTasksConstruct,
    private readonly registry: LookupRegistry,
    private readonly framework: Framework,
  ) {}

  visit(node: IConstruct): void {
    if (node !== this.target || this.applied) return;
    this.applied = true;
    this.registry.resolveForSynth();
    this.registry.printSummaryOnce();
    const annotations = this.framework.api.Annotations.of(this.target);
    const unchecked = this.target.uncheckedReason();
    if (unchecked) annotations.addInfo(unchecked);
    const noEvidence = this.target.noEvidenceReason();
    if (noEvidence) annotations.addInfo(noEvidence);
    for (const clash of this.target.outputNameClashes()) annotations.addError(`[output-name] ${clash}`);
    const stale = this.target.staleSnapshot;
    const notes = [...this.target.findings().map((f) => ({ severity: f.severity, message: `[${f.policy}] ${f.message}` })), ...(stale ? [{ severity: stale.severity, message: `[snapshot-max-age] ${stale.message}` }] : [])];
    for (const { severity, message } of notes) {
      if (severity === 'error') annotations.addError(message);
      else annotations.addWarning(message);
    }
  }
}

/** A record with the API's fields in a fixed order, so output JSON is byte-stable. */
function canonicalRecord(t: BigKeyTask) {
  return { id: t.id, scan_type: t.scan_type, status: t.status, created_at: t.created_at, started_at: t.started_at ?? null, finished_at: t.finished_at ?? null };
}

/** A key with its fields in a fixed order (the name only where it was kept), so output JSON is byte-stable. */
function canonicalKey(k: BigKey) {
  const freq = (k as Partial<HotKey>).freq;
  return { ...(k.name !== undefined ? { name: k.name } : {}), type: k.type, size: k.size, unit: k.unit, shard: k.shard ?? null, db: k.db, ...(freq !== undefined ? { freq } : {}) };
}

function withConstructPath<T>(kind: ScanTasksKind, path: string, fn: () => T): T {
  try {
    return fn();
  } catch (error) {
    if (error instanceof DcsConfigError) throw new DcsConfigError(`${kind.className} ${path}: ${error.message}`);
    throw error;
  }
}
