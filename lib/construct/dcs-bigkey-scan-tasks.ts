/**
 * `DcsBigKeyScanTasks`: the big key analysis tasks of one DCS instance, read during
 * `cdktf synth`, as typed values, as Terraform outputs, and as deployment gates.
 *
 *   const scans = new DcsBigKeyScanTasks(stack, 'orders-cache', { instanceId, region: 'cn-north-4' });
 *   scans.latestAuto?.status   // a plain string at synth time, not a token
 *
 * The lookup runs lazily, batched with every other instance of the app (lookup-registry.ts).
 */
import { Construct, IConstruct } from 'constructs';
import { DcsConnectionOptions } from '../client/connection';
import { DcsConfigError, DcsError } from '../client/errors';
import { validateBoolean } from '../client/validation';
import { BigKeyTask, BigKeyTaskStatus } from '../client/types';
import { LookupOutcome, lookupMany, LookupSuccess, toFailure } from '../lookup/batch';
import { resolveLookupRequest, resolveLookupTarget } from '../lookup/lookup-request';
import type { SnapshotStaleness } from '../lookup/snapshot-file';
import { evaluateGate, Finding, GatePolicies, hasTaskPolicy, label, lookupFailureFinding, ResolvedGatePolicies, resolveLookupPolicies } from '../policy/gate-policy';
import { ageMs, summarizeTasks, TaskSummary } from '../policy/task-summary';
import { addAspect, Aspect, Framework, frameworkOf } from './framework';
import { LookupHandle, LookupRegistry } from './lookup-registry';
import { OUTPUT_SUFFIXES, OutputSuffix, outputName, validateOutputPrefix } from './outputs';
import { FrameworkName, TerraformOutputLike } from './terraform-types';

export interface DcsBigKeyScanTasksProps extends DcsConnectionOptions {
  /** The DCS instance id (a UUID). */
  readonly instanceId: string;
  /**
   * Only tasks in this status (filtered by the API).
   * @default - all tasks
   */
  readonly status?: BigKeyTaskStatus;
  /**
   * Deployment gates checked at synth. An `error` finding makes `cdktf synth` exit non-zero.
   * The headline policy `latestAutoFailed` is on unless set to `'off'`; the others add to it.
   * A failed lookup is an error unless `onLookupFailure: 'warning'`. With `status`, no policy is
   * evaluated (a filtered list has no latest automatic scan) and gates evaluating any are an error.
   * @default - { latestAutoFailed: 'error' } (none with `status`); a failed lookup is an error in any case
   */
  readonly gates?: GatePolicies;
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

const outputPrefixesByStack = new WeakMap<IConstruct, Set<string>>();

export class DcsBigKeyScanTasks extends Construct {
  /**
   * The async form, for apps that fetch in an async `main()`: the lookup runs on this thread's
   * event loop (no worker), then the construct is created with its result.
   */
  static async fromLookup(scope: Construct, id: string, props: DcsBigKeyScanTasksProps): Promise<DcsBigKeyScanTasks> {
    frameworkOf(scope, `DcsBigKeyScanTasks ${scope.node.path}/${id}`); // a bad scope fails before any request
    const registry = LookupRegistry.of(scope);
    if (registry.settings.mode !== 'replay') {
      const request = withConstructPath(`${scope.node.path}/${id}`, () => resolveLookupRequest(props, process.env));
      let outcome: LookupOutcome;
      try {
        [outcome] = await lookupMany([request]);
      } catch (error) {
        outcome = toFailure(request.instanceId, error);
      }
      registry.provide(request, outcome);
    }
    return new DcsBigKeyScanTasks(scope, id, props);
  }

  readonly instanceId: string;
  readonly projectId: string;
  /** Prefix of this construct's output names. */
  readonly outputPrefix: string;
  /** The outputs, by suffix (`TerraformOutput`s of the stack's framework); empty when `createOutputs` is false. */
  readonly outputs: Partial<Record<OutputSuffix, TerraformOutputLike>>;
  /** The package of the stack this construct is in, whose outputs, aspects and annotations it uses. */
  readonly framework: FrameworkName;
  private readonly fw: Framework;
  private readonly policies: ResolvedGatePolicies;
  private readonly lookup: LookupHandle;
  private summaryCache?: TaskSummary;

  constructor(scope: Construct, id: string, props: DcsBigKeyScanTasksProps) {
    super(scope, id);
    // First: a scope in no stack of an installed framework fails before anything else is done.
    this.fw = frameworkOf(this, `DcsBigKeyScanTasks ${this.node.path}`);
    this.framework = this.fw.name;
    const registry = LookupRegistry.of(this);
    const resolved = withConstructPath(this.node.path, () => {
      const target = resolveLookupTarget(props, process.env);
      const request = registry.settings.mode === 'replay' ? undefined : resolveLookupRequest(props, process.env);
      const policies = resolveLookupPolicies(props.gates, target.status, 'gates');
      const prefix = validateOutputPrefix(props.outputPrefix ?? id);
      const withOutputs = validateBoolean(props.createOutputs ?? true, 'createOutputs');
      return { target, request, policies, prefix, withOutputs };
    });
    this.instanceId = resolved.target.instanceId;
    this.projectId = resolved.target.projectId;
    this.outputPrefix = resolved.prefix;
    this.policies = resolved.policies;
    this.lookup = registry.register(resolved.target, resolved.request);
    this.outputs = resolved.withOutputs ? this.createOutputs() : {};
    // With the stack's own framework: the other package's aspects are never visited at synth.
    addAspect(this.fw, this, new GateAspect(this, registry, this.fw), `DcsBigKeyScanTasks ${this.node.path}`);
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
  /** The newest automatic (`scan_type: auto`) scan, or undefined. */
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
    return evaluateGate(this.subject(), this.summary(), this.policies, now);
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

  private subject() {
    return { instanceId: this.instanceId, name: this.node.id };
  }

  private lookupFailure(message: string): Finding {
    return lookupFailureFinding(this.subject(), new Error(message), this.policies);
  }

  private success(): LookupSuccess {
    const outcome = this.lookup.outcome();
    if (!outcome.ok) throw new DcsLookupFailedError(`DcsBigKeyScanTasks ${this.node.path}: ${outcome.message}`);
    return outcome;
  }

  private summary(): TaskSummary {
    return (this.summaryCache ??= summarizeTasks(this.success().records));
  }

  private createOutputs() {
    const stack = this.fw.api.TerraformStack.of(this);
    const taken = outputPrefixesByStack.get(stack) ?? new Set<string>();
    outputPrefixesByStack.set(stack, taken);
    if (taken.has(this.outputPrefix)) {
      throw new DcsConfigError(`DcsBigKeyScanTasks ${this.node.path}: output prefix "${this.outputPrefix}" is already used in stack ${stack.node.id}; give this construct another id or pass a distinct outputPrefix`);
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
    const outputs = {} as Record<OutputSuffix, TerraformOutputLike>;
    for (const suffix of Object.keys(OUTPUT_SUFFIXES) as OutputSuffix[]) {
      const name = outputName(this.outputPrefix, suffix);
      const placeholder = suffix === 'count' ? 0 : '';
      const value = {
        creationStack: [`output ${name} of DcsBigKeyScanTasks ${this.node.path}`],
        resolve: (context: { readonly preparing?: boolean }) => (context.preparing ? placeholder : this.outputValue(suffix)),
        toString(): string {
          return Token.asString(this);
        },
      };
      outputs[suffix] = new TerraformOutput(this, name, { value, staticId: true, description: OUTPUT_SUFFIXES[suffix] });
    }
    return outputs;
  }

  private outputValue(suffix: OutputSuffix): string | number {
    if (suffix === 'instance_id') return this.instanceId;
    const outcome = this.lookup.outcome();
    if (!outcome.ok) {
      if (suffix === 'count') return -1;
      if (suffix === 'records') return '[]';
      if (suffix === 'gate_message') return this.lookupFailure(outcome.message).message;
      return suffix.endsWith('_status') ? 'unknown' : '';
    }
    const s = this.summary();
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
      case 'gate_message': {
        if (this.lookup.target.status !== undefined) {
          // Fail closed for consumers: a filtered list cannot say whether the latest automatic scan failed.
          return `the big key scan tasks of ${label(this.subject())} were read filtered by status "${this.lookup.target.status}", which cannot gate a deployment; gate on a DcsBigKeyScanTasks without a status filter`;
        }
        // Only the clock-free headline policy: outputs must not change with the synth's time.
        const headline = evaluateGate(this.subject(), s, { onLookupFailure: 'error', latestAutoFailed: 'error' }, new Date(0));
        return headline[0]?.message ?? '';
      }
    }
  }

  /** Output name of a suffix, for readers in other stacks. */
  outputName(suffix: OutputSuffix): string {
    return outputName(this.outputPrefix, suffix);
  }
}

/** Turns findings into annotations once, when the framework synthesizes the stack. */
class GateAspect implements Aspect {
  private applied = false;
  constructor(
    private readonly target: DcsBigKeyScanTasks,
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

function withConstructPath<T>(path: string, fn: () => T): T {
  try {
    return fn();
  } catch (error) {
    if (error instanceof DcsConfigError) throw new DcsConfigError(`DcsBigKeyScanTasks ${path}: ${error.message}`);
    throw error;
  }
}
