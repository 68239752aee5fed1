/**
 * `DcsBigKeyScanGate`: the gate in a consuming stack (or another app). It reads the producer's
 * outputs through `terraform_remote_state` and makes the consumer's `terraform plan` fail with
 * the producer's message when the producer's latest automatic scan failed or its lookup failed.
 * It builds with the framework of its stack (cdktf or cdktn, see framework.ts).
 *
 * Enforced by preconditions, routed through locals so the condition refers to an object (a
 * literal baked in at synth fails `terraform validate`):
 *   - `terraform-data`: the built-in `terraform_data` resource (Terraform >= 1.4, no provider to
 *     download) with a lifecycle precondition; make resources depend on `gate.resource` so they
 *     are never planned past a failed scan. Synth needs no terraform binary (see terraformData);
 *   - `null-resource`: the same on a `null_resource`, from the optional `@cdktf/provider-null`
 *     (cdktf only: that package is built on cdktf), loaded only when chosen;
 *   - `output`: an output with a precondition (added with addOverride: cdktf drops
 *     `TerraformOutput.precondition`). Uses only Terraform built-ins.
 */
import { Construct } from 'constructs';
import { DcsConfigError } from '../client/errors';
import { show } from '../client/validation';
import { elementFramework, Framework, frameworkOf, loadNullProvider } from './framework';
import { outputName, validateOutputPrefix } from './outputs';
import { FrameworkName, RemoteStateLike, TerraformOutputLike, TerraformResourceLike } from './terraform-types';

export const GATE_ENFORCEMENTS = ['terraform-data', 'null-resource', 'output'] as const;
export type GateEnforcement = (typeof GATE_ENFORCEMENTS)[number];
/** What a gate enforces with when `enforcement` is not given. */
export const DEFAULT_GATE_ENFORCEMENT: readonly GateEnforcement[] = ['terraform-data', 'output'];
const RESOURCE_FORMS: readonly GateEnforcement[] = ['terraform-data', 'null-resource'];

/** Statuses of the latest automatic scan that let a consumer deploy ("" = no automatic scan yet). */
export const PASSING_AUTO_STATUSES: readonly string[] = ['', 'waiting', 'running', 'success'];

export interface DcsBigKeyScanGateProps {
  /** Output prefix of the producing `DcsBigKeyScanTasks`: its construct id, unless it set `outputPrefix`. */
  readonly producerOutputPrefix: string;
  /**
   * The producer's state, for any backend (`DataTerraformRemoteStateS3`, `...Oss`, `...Http`, ...),
   * from the framework the consuming stack is built with (`cdktf` or `cdktn`).
   * @default - a local backend at `localStatePath`
   */
  readonly remoteState?: RemoteStateLike;
  /**
   * Path of the producer's local state file, relative to the consumer's working directory
   * (`cdktf.out/stacks/<consumer>`), e.g. `../producer/terraform.producer.tfstate`.
   * @default - required when `remoteState` is not given
   */
  readonly localStatePath?: string;
  /**
   * How the gate is enforced: `terraform-data` (a built-in `terraform_data` resource with a
   * lifecycle precondition), `null-resource` (the same on a `null_resource`; needs
   * `@cdktf/provider-null`, cdktf only), `output` (an output with a precondition). At most one
   * resource form.
   * @default ['terraform-data', 'output']
   */
  readonly enforcement?: readonly GateEnforcement[];
}

export class DcsBigKeyScanGate extends Construct {
  readonly remoteState: RemoteStateLike;
  /** The producer's latest automatic scan status (a Terraform token). */
  readonly latestAutoStatus: string;
  /** The producer's gate message, "" when the consumer may deploy (a Terraform token). */
  readonly gateMessage: string;
  /** The `terraform_data` (or `null_resource`) carrying the precondition; make resources depend on it. */
  readonly resource?: TerraformResourceLike;
  /** The output carrying the precondition, named `<id>_gate`. */
  readonly output?: TerraformOutputLike;
  /** The package of the stack this gate is in. */
  readonly framework: FrameworkName;

  constructor(scope: Construct, id: string, props: DcsBigKeyScanGateProps) {
    super(scope, id);
    const where = `DcsBigKeyScanGate ${this.node.path}`;
    const fw = frameworkOf(this, where);
    this.framework = fw.name;
    const { conditional, Fn, Op, TerraformLocal, TerraformOutput } = fw.api;
    const prefix = guard(where, () => validateOutputPrefix(props.producerOutputPrefix, 'producerOutputPrefix', "pass the producer construct's id, or its outputPrefix"));
    const enforcement = validateEnforcement(props.enforcement ?? DEFAULT_GATE_ENFORCEMENT, where);
    this.remoteState = producerState(this, fw, props, where);

    const status = new TerraformLocal(this, 'latest_auto_status', this.remoteState.getString(outputName(prefix, 'latest_auto_status')));
    const message = new TerraformLocal(this, 'gate_message', this.remoteState.getString(outputName(prefix, 'gate_message')));
    this.latestAutoStatus = status.asString;
    this.gateMessage = message.asString;

    // `length(x) < 1`, not `x == ""` or `length(x) == 0`: cdktf's operators render falsy
    // literals ("" and 0) as `undefined`.
    const noMessage = Op.lt(Fn.lengthOf(message.asString), 1);
    const precondition = {
      condition: Op.and(Fn.contains(PASSING_AUTO_STATUSES, status.asString), noMessage),
      error_message: conditional(
        noMessage,
        // No quotes in this text: it sits inside a Terraform string template.
        `the latest automatic scan of ${prefix} has status ${status.asString}, which does not allow deployment; check the producer stack and its lookup`,
        message.asString,
      ),
    };

    if (enforcement.includes('terraform-data')) {
      this.resource = terraformData(this, fw);
    } else if (enforcement.includes('null-resource')) {
      this.resource = nullResource(this, fw, status.asString, where);
    }
    this.resource?.addOverride('lifecycle.precondition', [precondition]);
    if (enforcement.includes('output')) {
      const output = new TerraformOutput(this, `${id}_gate`, { value: status.asString, staticId: true, description: `latest automatic scan status of ${prefix}, checked by a precondition` });
      output.addOverride('precondition', [precondition]);
      this.output = output;
    }
  }
}

function validateEnforcement(enforcement: readonly GateEnforcement[], where: string): readonly GateEnforcement[] {
  for (const e of enforcement) {
    if (!GATE_ENFORCEMENTS.includes(e)) throw new DcsConfigError(`${where}: invalid enforcement ${show(e)}: expected ${GATE_ENFORCEMENTS.join(', ')}`);
  }
  if (enforcement.length === 0) throw new DcsConfigError(`${where}: enforcement is empty, so nothing would be gated; pass ${DEFAULT_GATE_ENFORCEMENT.map((e) => `'${e}'`).join(' and/or ')}`);
  if (RESOURCE_FORMS.every((form) => enforcement.includes(form))) {
    throw new DcsConfigError(`${where}: enforcement has two resource forms ('terraform-data' and 'null-resource'); pass one of them`);
  }
  return enforcement;
}

function producerState(scope: Construct, fw: Framework, props: DcsBigKeyScanGateProps, where: string): RemoteStateLike {
  if (props.remoteState && props.localStatePath) throw new DcsConfigError(`${where}: pass remoteState or localStatePath, not both`);
  if (props.localStatePath) return new fw.api.DataTerraformRemoteStateLocal(scope, 'producer', { path: props.localStatePath });
  if (!props.remoteState) throw new DcsConfigError(`${where}: no producer state: pass localStatePath (e.g. ../producer/terraform.producer.tfstate) or remoteState`);
  // An element of the other package would crash synth (cdktn) or be synthesized by a package
  // that does not know it: say so now.
  const owner = elementFramework(props.remoteState);
  if (owner !== fw.name) {
    const what = owner ? `a ${owner} remote state` : `not a TerraformRemoteState of ${fw.name}`;
    throw new DcsConfigError(`${where}: remoteState ${props.remoteState.node.path} is ${what}, but the stack is built with ${fw.name}; create it from '${fw.name}' (e.g. new DataTerraformRemoteStateS3(...) imported from '${fw.name}')`);
  }
  return props.remoteState;
}

/**
 * A `terraform_data` resource. Not the frameworks' `DataResource` class: both cdktf 0.21 and
 * cdktn 0.24 give it a validation that runs `terraform version` at synth and fails synth where
 * the binary is missing, and synth needs no terraform otherwise. Terraform checks the version
 * itself at plan (before 1.4 it knows no `terraform_data`, and the plan fails: closed).
 */
function terraformData(scope: Construct, fw: Framework): TerraformResourceLike {
  return new fw.api.TerraformResource(scope, 'gate', { terraformResourceType: 'terraform_data', terraformGeneratorMetadata: { providerName: 'terraform' } });
}

function nullResource(scope: Construct, fw: Framework, latestAutoStatus: string, where: string): TerraformResourceLike {
  const { provider, resource } = loadNullProvider(fw, where);
  const stack = fw.api.TerraformStack.of(scope);
  if (!stack.node.findAll().some((c) => c instanceof provider.NullProvider)) new provider.NullProvider(stack, 'dcs-bigkey-null-provider');
  return new resource.Resource(scope, 'gate', { triggers: { latest_auto_status: latestAutoStatus } });
}

function guard<T>(where: string, fn: () => T): T {
  try {
    return fn();
  } catch (error) {
    if (error instanceof DcsConfigError) throw new DcsConfigError(`${where}: ${error.message}`);
    throw error;
  }
}
