/**
 * `DcsBigKeyScanGate`: the gate in a consuming stack (or another app). It reads the producer's
 * outputs through `terraform_remote_state` and makes the consumer's `terraform plan` fail with
 * the producer's message when the producer's latest automatic scan failed or its lookup failed.
 *
 * Enforced by preconditions, routed through locals so the condition refers to an object (a
 * literal baked in at synth fails `terraform validate`):
 *   - `null-resource`: a `null_resource` with a lifecycle precondition; make resources depend on
 *     `gate.resource` so they are never planned past a failed scan;
 *   - `output`: an output with a precondition (added with addOverride: cdktf drops
 *     `TerraformOutput.precondition`). Uses only Terraform built-ins, so it works where
 *     providers cannot be downloaded.
 */
import { conditional, Fn, Op, TerraformLocal, TerraformOutput, TerraformRemoteState, TerraformStack } from 'cdktf';
import { DataTerraformRemoteStateLocal } from 'cdktf';
import { Construct } from 'constructs';
import { provider, resource } from '@cdktf/provider-null';
import { DcsConfigError } from '../client/errors';
import { show } from '../client/validation';
import { outputName, validateOutputPrefix } from './outputs';

export const GATE_ENFORCEMENTS = ['null-resource', 'output'] as const;
export type GateEnforcement = (typeof GATE_ENFORCEMENTS)[number];

/** Statuses of the latest automatic scan that let a consumer deploy ("" = no automatic scan yet). */
export const PASSING_AUTO_STATUSES: readonly string[] = ['', 'waiting', 'running', 'success'];

export interface DcsBigKeyScanGateProps {
  /** Output prefix of the producing `DcsBigKeyScanTasks`: its construct id, unless it set `outputPrefix`. */
  readonly producerOutputPrefix: string;
  /**
   * The producer's state, for any backend (`DataTerraformRemoteStateS3`, `...Oss`, `...Http`, ...).
   * @default - a local backend at `localStatePath`
   */
  readonly remoteState?: TerraformRemoteState;
  /**
   * Path of the producer's local state file, relative to the consumer's working directory
   * (`cdktf.out/stacks/<consumer>`), e.g. `../producer/terraform.producer.tfstate`.
   * @default - required when `remoteState` is not given
   */
  readonly localStatePath?: string;
  /**
   * How the gate is enforced.
   * @default ['null-resource', 'output']
   */
  readonly enforcement?: readonly GateEnforcement[];
}

export class DcsBigKeyScanGate extends Construct {
  readonly remoteState: TerraformRemoteState;
  /** The producer's latest automatic scan status (a Terraform token). */
  readonly latestAutoStatus: string;
  /** The producer's gate message, "" when the consumer may deploy (a Terraform token). */
  readonly gateMessage: string;
  /** The `null_resource` carrying the precondition; make resources depend on it. */
  readonly resource?: resource.Resource;
  /** The output carrying the precondition, named `<id>_gate`. */
  readonly output?: TerraformOutput;

  constructor(scope: Construct, id: string, props: DcsBigKeyScanGateProps) {
    super(scope, id);
    const where = `DcsBigKeyScanGate ${this.node.path}`;
    const prefix = guard(where, () => validateOutputPrefix(props.producerOutputPrefix, 'producerOutputPrefix', "pass the producer construct's id, or its outputPrefix"));
    const enforcement = props.enforcement ?? GATE_ENFORCEMENTS;
    for (const e of enforcement) {
      if (!GATE_ENFORCEMENTS.includes(e)) throw new DcsConfigError(`${where}: invalid enforcement ${show(e)}: expected ${GATE_ENFORCEMENTS.join(' or ')}`);
    }
    if (enforcement.length === 0) throw new DcsConfigError(`${where}: enforcement is empty, so nothing would be gated; pass 'null-resource' and/or 'output'`);
    if (props.remoteState && props.localStatePath) throw new DcsConfigError(`${where}: pass remoteState or localStatePath, not both`);
    if (props.remoteState) {
      this.remoteState = props.remoteState;
    } else if (props.localStatePath) {
      this.remoteState = new DataTerraformRemoteStateLocal(this, 'producer', { path: props.localStatePath });
    } else {
      throw new DcsConfigError(`${where}: no producer state: pass localStatePath (e.g. ../producer/terraform.producer.tfstate) or remoteState`);
    }

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
        `the latest automatic big key scan of ${prefix} has status ${status.asString}, which does not allow deployment; check the producer stack and its lookup`,
        message.asString,
      ),
    };

    if (enforcement.includes('null-resource')) {
      ensureNullProvider(TerraformStack.of(this));
      this.resource = new resource.Resource(this, 'gate', { triggers: { latest_auto_status: status.asString } });
      this.resource.addOverride('lifecycle.precondition', [precondition]);
    }
    if (enforcement.includes('output')) {
      this.output = new TerraformOutput(this, `${id}_gate`, { value: status.asString, staticId: true, description: `latest automatic big key scan status of ${prefix}, checked by a precondition` });
      this.output.addOverride('precondition', [precondition]);
    }
  }
}

function ensureNullProvider(stack: TerraformStack): void {
  const has = stack.node.findAll().some((c) => c instanceof provider.NullProvider);
  if (!has) new provider.NullProvider(stack, 'dcs-bigkey-null-provider');
}

function guard<T>(where: string, fn: () => T): T {
  try {
    return fn();
  } catch (error) {
    if (error instanceof DcsConfigError) throw new DcsConfigError(`${where}: ${error.message}`);
    throw error;
  }
}
