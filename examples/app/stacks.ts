/**
 * The example's two stacks.
 *
 * ProducerStack reads the big key scan tasks of a DCS instance at synth time, uses them as plain
 * values, publishes them as outputs, and gates synth on them. ConsumerStack (which could be in
 * another app or repository) reads the producer's outputs from its state and fails its own
 * `terraform plan` when the producer's latest automatic scan failed.
 */
import { LocalBackend, TerraformOutput, TerraformStack } from 'cdktf';
import { Construct } from 'constructs';
import { DcsBigKeyScanGate, DcsBigKeyScanTasks, GateEnforcement, Severity } from '../../lib';

export interface ProducerStackProps {
  /** Construct id of the lookup, and so the prefix of its outputs. */
  readonly cacheName: string;
  readonly instanceId: string;
  /** Severity of the headline gate. @default 'error' */
  readonly latestAutoFailed?: Severity;
}

export class ProducerStack extends TerraformStack {
  readonly scans: DcsBigKeyScanTasks;

  constructor(scope: Construct, id: string, props: ProducerStackProps) {
    super(scope, id);
    new LocalBackend(this, { path: `terraform.${id}.tfstate` });

    // Connection (project, region or endpoint, credentials) comes from the environment.
    this.scans = new DcsBigKeyScanTasks(this, props.cacheName, {
      instanceId: props.instanceId,
      gates: {
        latestAutoFailed: props.latestAutoFailed ?? 'error',
        stuckTask: { maxDuration: '6h', severity: 'warning' },
      },
    });

    // The tasks are plain values here, not tokens: construct code can branch on them.
    const auto = this.scans.latestAuto;
    new TerraformOutput(this, 'review_note', {
      staticId: true,
      value: auto
        ? `latest automatic big key scan of ${props.cacheName}: ${auto.status} (task ${auto.id}, created ${auto.created_at})`
        : `${props.cacheName} has no automatic big key scan yet`,
    });
  }
}

export interface ConsumerStackProps {
  /** The producer's cacheName (its output prefix). */
  readonly producerOutputPrefix: string;
  /** The producer's stack id; its local state is read from ../<id>/terraform.<id>.tfstate. */
  readonly producerStackId: string;
  /** @default both */
  readonly enforcement?: readonly GateEnforcement[];
}

export class ConsumerStack extends TerraformStack {
  readonly gate: DcsBigKeyScanGate;

  constructor(scope: Construct, id: string, props: ConsumerStackProps) {
    super(scope, id);
    new LocalBackend(this, { path: `terraform.${id}.tfstate` });
    this.gate = new DcsBigKeyScanGate(this, `${props.producerOutputPrefix}-gate`, {
      producerOutputPrefix: props.producerOutputPrefix,
      localStatePath: `../${props.producerStackId}/terraform.${props.producerStackId}.tfstate`,
      enforcement: props.enforcement,
    });
    // Real resources would declare `dependsOn: [this.gate.resource!]` so they are never planned
    // past a failed scan.
  }
}
