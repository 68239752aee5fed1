/**
 * The example's two stacks, built with the framework main.ts chose (cdktf or cdktn: this code is
 * the same for both).
 *
 * The producer stack reads the big key scan tasks of a DCS instance at synth time, uses them as
 * plain values, publishes them as outputs, and gates synth on them. The consumer stack (which
 * could be in another app or repository) reads the producer's outputs from its state and fails
 * its own `terraform plan` when the producer's latest automatic scan failed.
 */
import { Construct } from 'constructs';
import { DcsBigKeyScanGate, DcsBigKeyScanTasks, GateEnforcement, Severity } from '../../lib';
import type { Cdk } from './framework';

export interface ProducerStackProps {
  /** Construct id of the lookup, and so the prefix of its outputs. */
  readonly cacheName: string;
  readonly instanceId: string;
  /** Severity of the headline gate. @default 'error' */
  readonly latestAutoFailed?: Severity;
}

export function producerStack(cdk: Cdk, scope: Construct, id: string, props: ProducerStackProps) {
  const stack = new cdk.TerraformStack(scope, id);
  new cdk.LocalBackend(stack, { path: `terraform.${id}.tfstate` });

  // Connection (project, region or endpoint, credentials) comes from the environment.
  const scans = new DcsBigKeyScanTasks(stack, props.cacheName, {
    instanceId: props.instanceId,
    gates: {
      latestAutoFailed: props.latestAutoFailed ?? 'error',
      stuckTask: { maxDuration: '6h', severity: 'warning' },
    },
  });

  // The tasks are plain values here, not tokens: construct code can branch on them.
  const auto = scans.latestAuto;
  new cdk.TerraformOutput(stack, 'review_note', {
    staticId: true,
    value: auto
      ? `latest automatic big key scan of ${props.cacheName}: ${auto.status} (task ${auto.id}, created ${auto.created_at})`
      : `${props.cacheName} has no automatic big key scan yet`,
  });
  return { stack, scans };
}

export interface ConsumerStackProps {
  /** The producer's cacheName (its output prefix). */
  readonly producerOutputPrefix: string;
  /** The producer's stack id; its local state is read from ../<id>/terraform.<id>.tfstate. */
  readonly producerStackId: string;
  /** @default ['terraform-data', 'output'] */
  readonly enforcement?: readonly GateEnforcement[];
}

export function consumerStack(cdk: Cdk, scope: Construct, id: string, props: ConsumerStackProps) {
  const stack = new cdk.TerraformStack(scope, id);
  new cdk.LocalBackend(stack, { path: `terraform.${id}.tfstate` });
  const gate = new DcsBigKeyScanGate(stack, `${props.producerOutputPrefix}-gate`, {
    producerOutputPrefix: props.producerOutputPrefix,
    localStatePath: `../${props.producerStackId}/terraform.${props.producerStackId}.tfstate`,
    enforcement: props.enforcement,
  });
  // Real resources would declare `dependsOn: [gate.resource!]` so they are never planned past a
  // failed scan.
  return { stack, gate };
}
