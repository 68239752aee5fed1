/**
 * The Terraform elements this library takes and gives, as structural types: an element of
 * cdktf and one of cdktn both fit, and a user's type check needs neither package installed
 * (no declaration file this library publishes refers to cdktf or cdktn).
 */
import { IConstruct } from 'constructs';

/** The packages the constructs work with: cdktf 0.21 and its maintained fork CDK Terrain (cdktn >= 0.24). */
export const FRAMEWORK_PACKAGES = ['cdktf', 'cdktn'] as const;
/** The package a stack belongs to. */
export type FrameworkName = (typeof FRAMEWORK_PACKAGES)[number];

/** A Terraform element of either framework. */
export interface TerraformElementLike extends IConstruct {
  /** The element's Terraform address (what `dependsOn` takes). */
  readonly fqn: string;
  /** The element's name in the synthesized configuration. */
  readonly friendlyUniqueId: string;
  /** Overrides part of the synthesized configuration (escape hatch). */
  addOverride(path: string, value: any): void;
}

/** A `TerraformOutput` of either framework. */
export interface TerraformOutputLike extends TerraformElementLike {
  readonly value: any;
}

/** A `TerraformResource` of either framework (`terraform_data`, `null_resource`, ...). */
export interface TerraformResourceLike extends TerraformElementLike {
  readonly terraformResourceType: string;
}

/**
 * A `TerraformRemoteState` of either framework: `DataTerraformRemoteStateLocal`, `...S3`,
 * `...Http`, ... from `cdktf` or `cdktn` (the one the consuming stack is built with).
 */
export interface RemoteStateLike extends IConstruct {
  getString(output: string): string;
}
