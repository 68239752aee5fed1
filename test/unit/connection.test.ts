import { resolveConnection } from '../../lib/client/connection';
import { resolveCredentials } from '../../lib/client/credentials';
import { endpointForRegion, KNOWN_REGIONS } from '../../lib/client/endpoint';
import { DcsConfigError } from '../../lib/client/errors';
import { validateEndpoint, validateInstanceId, validateLimit, validateOffset, validateProjectId, validateQuery, validateStatus } from '../../lib/client/validation';

const PROJECT = '0b6bd4e1a8f34b0c9a8a4f5c1e0d2a7b';

describe('credentials precedence', () => {
  const all = {
    HUAWEICLOUD_SDK_AK: 'SDKAK', HUAWEICLOUD_SDK_SK: 'SDKSK', HUAWEICLOUD_SDK_SECURITY_TOKEN: 'SDKTOKEN',
    HW_ACCESS_KEY: 'HWAK', HW_SECRET_KEY: 'HWSK', HW_SECURITY_TOKEN: 'HWTOKEN',
    CLOUD_SDK_AK: 'DOCAK', CLOUD_SDK_SK: 'DOCSK',
  };

  it('takes explicit options first', () => {
    expect(resolveCredentials({ accessKey: 'A', secretKey: 'S' }, all)).toEqual({ accessKey: 'A', secretKey: 'S', securityToken: undefined, source: 'options' });
  });

  it('then the official SDK variables, then the Terraform provider, then the doc samples', () => {
    expect(resolveCredentials({}, all)).toMatchObject({ accessKey: 'SDKAK', secretKey: 'SDKSK', securityToken: 'SDKTOKEN', source: 'HUAWEICLOUD_SDK_AK' });
    const { HUAWEICLOUD_SDK_AK, HUAWEICLOUD_SDK_SK, HUAWEICLOUD_SDK_SECURITY_TOKEN, ...rest } = all;
    expect(resolveCredentials({}, rest)).toMatchObject({ accessKey: 'HWAK', secretKey: 'HWSK', securityToken: 'HWTOKEN', source: 'HW_ACCESS_KEY' });
    expect(resolveCredentials({}, { CLOUD_SDK_AK: 'DOCAK', CLOUD_SDK_SK: 'DOCSK' })).toMatchObject({ accessKey: 'DOCAK', secretKey: 'DOCSK', source: 'CLOUD_SDK_AK' });
    void [HUAWEICLOUD_SDK_AK, HUAWEICLOUD_SDK_SK, HUAWEICLOUD_SDK_SECURITY_TOKEN];
  });

  it('never mixes a key of one source with the secret of another', () => {
    expect(() => resolveCredentials({}, { HUAWEICLOUD_SDK_AK: 'A', HW_SECRET_KEY: 'S' })).toThrow(/HUAWEICLOUD_SDK_AK is set but HUAWEICLOUD_SDK_SK is not/);
    expect(() => resolveCredentials({ accessKey: 'A' }, all)).toThrow(/secretKey is missing/);
  });

  it('names every variable when nothing is set', () => {
    const error = (() => { try { resolveCredentials({}, {}); } catch (e) { return e as Error; } })();
    expect(error).toBeInstanceOf(DcsConfigError);
    for (const name of ['HUAWEICLOUD_SDK_AK', 'HW_ACCESS_KEY', 'CLOUD_SDK_AK', 'HW_SECURITY_TOKEN']) expect(error?.message).toContain(name);
  });
});

describe('endpoint', () => {
  it('maps every known region to dcs.{region}.myhuaweicloud.com', () => {
    for (const region of KNOWN_REGIONS) expect(endpointForRegion(region, {}).origin).toBe(`https://dcs.${region}.myhuaweicloud.com`);
  });

  it('lets HW_CLOUD change the domain and then accepts regions it cannot know', () => {
    expect(endpointForRegion('cn-north-4', { HW_CLOUD: 'example.cloud' }).origin).toBe('https://dcs.cn-north-4.example.cloud');
    expect(endpointForRegion('xx-private-1', { HW_CLOUD: 'example.cloud' }).origin).toBe('https://dcs.xx-private-1.example.cloud');
  });

  it('rejects an unknown region with the list and the way out', () => {
    expect(() => endpointForRegion('mars-north-1', {})).toThrow(/unknown region "mars-north-1": expected one of af-south-1, .*or pass an endpoint URL/);
    expect(() => endpointForRegion('cn-north-4', { HW_CLOUD: 'bad domain' })).toThrow(/invalid HW_CLOUD "bad domain"/);
  });

  it('resolves explicit endpoint, then region, then the environment', () => {
    const creds = { accessKey: 'A', secretKey: 'S' };
    expect(resolveConnection({ ...creds, projectId: PROJECT, endpoint: 'http://127.0.0.1:9', region: 'cn-north-4' }, {}).endpoint.origin).toBe('http://127.0.0.1:9');
    expect(resolveConnection({ ...creds, projectId: PROJECT, region: 'cn-east-3' }, { DCS_BIGKEY_ENDPOINT: 'http://127.0.0.1:9' }).endpoint.origin).toBe('https://dcs.cn-east-3.myhuaweicloud.com');
    expect(resolveConnection({ ...creds, projectId: PROJECT }, { DCS_BIGKEY_ENDPOINT: 'http://127.0.0.1:9' }).endpoint.origin).toBe('http://127.0.0.1:9');
    expect(resolveConnection({ ...creds, projectId: PROJECT }, { HW_REGION_NAME: 'ap-southeast-1' }).endpoint.origin).toBe('https://dcs.ap-southeast-1.myhuaweicloud.com');
    expect(() => resolveConnection({ ...creds, projectId: PROJECT }, {})).toThrow(/no region or endpoint: pass region .*HW_REGION_NAME/);
  });

  it('resolves the project id from options, then HUAWEICLOUD_SDK_PROJECT_ID, then HW_PROJECT_ID', () => {
    const base = { accessKey: 'A', secretKey: 'S', region: 'cn-north-4' };
    const other = 'ffffffffffffffffffffffffffffffff';
    expect(resolveConnection({ ...base, projectId: PROJECT }, { HW_PROJECT_ID: other }).projectId).toBe(PROJECT);
    expect(resolveConnection(base, { HUAWEICLOUD_SDK_PROJECT_ID: PROJECT, HW_PROJECT_ID: other }).projectId).toBe(PROJECT);
    expect(resolveConnection(base, { HW_PROJECT_ID: other }).projectId).toBe(other);
    expect(() => resolveConnection(base, {})).toThrow(/no project id: pass projectId, or set HUAWEICLOUD_SDK_PROJECT_ID or HW_PROJECT_ID/);
    expect(() => resolveConnection(base, { HW_PROJECT_ID: 'nope' })).toThrow(/invalid HW_PROJECT_ID "nope"/);
  });
});

describe('validation before any request', () => {
  it.each([
    [() => validateInstanceId('orders'), /invalid instance id "orders": expected a DCS instance id, a UUID/],
    [() => validateInstanceId(undefined), /invalid instance id \(missing\)/],
    [() => validateProjectId('0b6bd4e1'), /invalid project id "0b6bd4e1": expected 32 hexadecimal characters/],
    [() => validateLimit(0), /invalid limit 0: expected an integer from 1 to 1000/],
    [() => validateLimit(1001), /invalid limit 1001/],
    [() => validateLimit(2.5), /invalid limit 2.5/],
    [() => validateOffset(-1), /invalid offset -1: expected an integer >= 0/],
    [() => validateStatus('done'), /invalid status "done": expected one of waiting, running, success, failed/],
    [() => validateQuery({ limit: 5000 }), /invalid limit 5000/],
    [() => validateEndpoint('ftp://x'), /invalid endpoint "ftp:\/\/x": expected a base URL/],
    [() => validateEndpoint('not a url'), /invalid endpoint "not a url"/],
    [() => validateEndpoint('https://a:b@dcs.example.com'), /must not contain user info/],
    [() => validateEndpoint('https://dcs.example.com/v2?x=1'), /must have no path, query or fragment/],
  ])('%#: rejects with a message naming the value and what is allowed', (fn, message) => {
    expect(fn).toThrow(DcsConfigError);
    expect(fn).toThrow(message);
  });

  it('accepts the values the API accepts', () => {
    expect(validateInstanceId('5560df16-cebf-4473-95c4-d1b573c16e79')).toBe('5560df16-cebf-4473-95c4-d1b573c16e79');
    expect(validateLimit(1)).toBe(1);
    expect(validateLimit(1000)).toBe(1000);
    expect(validateOffset(0)).toBe(0);
    expect(validateStatus('failed')).toBe('failed');
    expect(validateEndpoint('http://127.0.0.1:8080').origin).toBe('http://127.0.0.1:8080');
  });
});
