/**
 * The two frameworks the constructs serve, for suites parameterised with
 * `describe.each(FRAMEWORKS)('under %s', (name, cdk) => ...)`. cdktn has cdktf's API under another
 * package name, so both are typed as cdktf's module.
 */
import * as cdktf from 'cdktf';
import * as cdktn from 'cdktn';
import type { FrameworkName } from '../../lib/construct/terraform-types';

export type Cdk = typeof cdktf;

export const FRAMEWORKS: ReadonlyArray<readonly [FrameworkName, Cdk]> = [
  ['cdktf', cdktf],
  ['cdktn', cdktn as unknown as Cdk],
];
