/**
 * Region → endpoint: `https://dcs.{region}.{cloud}`, `cloud` being `HW_CLOUD` or
 * `myhuaweicloud.com` (the Terraform provider's rule). The region list is the official SDK's.
 */
import { DcsConfigError } from './errors';
import { show, validateEndpoint } from './validation';

export const KNOWN_REGIONS: readonly string[] = [
  'af-south-1', 'cn-north-1', 'cn-north-2', 'cn-north-4', 'cn-north-9', 'cn-north-12', 'cn-east-2', 'cn-east-3',
  'cn-east-4', 'cn-east-5', 'cn-south-1', 'cn-south-2', 'cn-southwest-2', 'ap-southeast-1', 'ap-southeast-2',
  'ap-southeast-3', 'ap-southeast-4', 'ap-southeast-5', 'ru-northwest-2', 'ru-moscow-1', 'sa-brazil-1', 'la-north-2',
  'la-south-2', 'na-mexico-1', 'ae-ad-1', 'tr-west-1', 'eu-west-101', 'eu-west-0', 'me-east-1', 'my-kualalumpur-1',
];

const DEFAULT_CLOUD = 'myhuaweicloud.com';
/** What a region name looks like (`cn-north-4`); one outside KNOWN_REGIONS also needs HW_CLOUD. */
export const REGION_SHAPE = /^[a-z]{2}(-[a-z0-9]+)+$/;
const CLOUD_SHAPE = /^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+$/i;

/**
 * The DCS endpoint of a region. A region outside the known list is accepted only with a custom
 * `HW_CLOUD` (a cloud whose regions this library cannot know).
 */
export function endpointForRegion(region: string, env: NodeJS.ProcessEnv): URL {
  const cloud = env.HW_CLOUD || DEFAULT_CLOUD;
  if (!CLOUD_SHAPE.test(cloud)) throw new DcsConfigError(`invalid HW_CLOUD ${show(cloud)}: expected a domain such as myhuaweicloud.com`);
  const known = KNOWN_REGIONS.includes(region);
  if (!known && (cloud === DEFAULT_CLOUD || !REGION_SHAPE.test(region))) {
    throw new DcsConfigError(
      `unknown region ${show(region)}: expected one of ${KNOWN_REGIONS.join(', ')}; ` +
        'or pass an endpoint URL (for example the local emulator\'s), or set HW_CLOUD for another cloud',
    );
  }
  return validateEndpoint(`https://dcs.${region}.${cloud}`);
}
