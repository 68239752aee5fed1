/**
 * Which framework the example is built with: cdktf (default) or CDK Terrain, chosen by
 * DCS_BIGKEY_FRAMEWORK=cdktf|cdktn. The library's constructs need no switch — they build with
 * the framework of the stack they are in; only the example's own App and stacks are chosen here.
 * A real app simply imports its one framework: `import { App, TerraformStack } from 'cdktn'`.
 */
import type * as cdktf from 'cdktf';
import { FRAMEWORK_PACKAGES, FrameworkName } from '../../lib';

/** cdktf's API; cdktn has the same one under another package name. */
export type Cdk = typeof cdktf;

export const FRAMEWORK_ENV = 'DCS_BIGKEY_FRAMEWORK';

export function exampleFramework(env: NodeJS.ProcessEnv = process.env): { name: FrameworkName; cdk: Cdk } {
  const name = env[FRAMEWORK_ENV] || 'cdktf';
  if (!(FRAMEWORK_PACKAGES as readonly string[]).includes(name)) {
    throw new Error(`invalid ${FRAMEWORK_ENV} ${JSON.stringify(name)}: expected one of ${FRAMEWORK_PACKAGES.join(', ')}`);
  }
  return { name: name as FrameworkName, cdk: require(name) as Cdk };
}
