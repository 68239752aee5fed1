import { DcsBigKeyClient } from '../../lib/client/client';
import { resolveConnection } from '../../lib/client/connection';
import { resolveProxySettings } from '../../lib/client/proxy';
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

describe('credentials are checked before anything is signed', () => {
  const expectRefused = (fn: () => unknown, name: string, problem: RegExp, secret?: string) => {
    let error: Error | undefined;
    try {
      fn();
    } catch (e) {
      error = e as Error;
    }
    expect(error).toBeInstanceOf(DcsConfigError);
    expect(error!.message).toContain(`invalid ${name}: it `);
    expect(error!.message).toMatch(problem);
    if (secret) expect(error!.message).not.toContain(secret.trim());
    return error!;
  };

  it.each([
    ['a trailing newline', 'SECRETSECRETSECRET\n', /ends with a line break.*trailing newline/],
    ['a trailing CRLF', 'SECRETSECRETSECRET\r\n', /ends with a line break/],
    ['a trailing space', 'SECRETSECRETSECRET ', /ends with a space or other whitespace/],
    ['a leading space', ' SECRETSECRETSECRET', /starts with a space/],
    ['a CR inside', 'SECRET\rSECRETSECRET', /contains a control character/],
    ['a space inside', 'SECRET SECRETSECRET', /contains a space/],
    ['a non-ASCII character', 'SECRETSÉCRETSECRET', /contains a character outside printable ASCII/],
  ])('%s in an environment variable: DcsConfigError naming it, never the value', (_what, value, problem) => {
    const error = expectRefused(() => resolveCredentials({}, { HW_ACCESS_KEY: 'AKAKAKAKAK', HW_SECRET_KEY: value }), 'HW_SECRET_KEY', problem, value);
    expect(error.message).toContain('(the value is not shown)');
    expectRefused(() => resolveCredentials({}, { HUAWEICLOUD_SDK_AK: value, HUAWEICLOUD_SDK_SK: 'S3CR3TS3CR3T' }), 'HUAWEICLOUD_SDK_AK', problem, value);
    expectRefused(() => resolveCredentials({ accessKey: 'AKAKAKAKAK', secretKey: 'S3CR3TS3CR3T', securityToken: value }, {}), 'securityToken', problem, value);
  });

  it('refuses non-string credentials in options, naming the option', () => {
    expectRefused(() => resolveCredentials({ accessKey: 'AKAKAKAKAK', secretKey: 'S3CR3TS3CR3T', securityToken: 42 as never }, {}), 'securityToken', /is a number, not a string/);
    expectRefused(() => resolveCredentials({ accessKey: ['AK'] as never, secretKey: 'S3CR3TS3CR3T' }, {}), 'accessKey', /is an array, not a string/);
    expectRefused(() => resolveCredentials({ accessKey: 'AKAKAKAKAK', secretKey: { s: 1 } as never }, {}), 'secretKey', /is an object, not a string/);
  });

  it('a secret key (or token) set alone says which access key is missing, for every source', () => {
    expect(() => resolveCredentials({}, { HW_SECRET_KEY: 'S3CR3TS3CR3T' })).toThrow('incomplete credentials: HW_SECRET_KEY is set but HW_ACCESS_KEY is not; set both HW_ACCESS_KEY and HW_SECRET_KEY');
    expect(() => resolveCredentials({}, { HUAWEICLOUD_SDK_SK: 'S3CR3TS3CR3T' })).toThrow('HUAWEICLOUD_SDK_SK is set but HUAWEICLOUD_SDK_AK is not');
    expect(() => resolveCredentials({}, { CLOUD_SDK_SK: 'S3CR3TS3CR3T' })).toThrow('CLOUD_SDK_SK is set but CLOUD_SDK_AK is not');
    expect(() => resolveCredentials({}, { HW_SECURITY_TOKEN: 'T0K3NT0K3N' })).toThrow('HW_SECURITY_TOKEN is set but HW_ACCESS_KEY and HW_SECRET_KEY are not');
    // a partly set source is not skipped in favour of a later one (its keys would be someone else's)
    expect(() => resolveCredentials({}, { HUAWEICLOUD_SDK_SK: 'S3CR3TS3CR3T', HW_ACCESS_KEY: 'A', HW_SECRET_KEY: 'S' })).toThrow('HUAWEICLOUD_SDK_SK is set but HUAWEICLOUD_SDK_AK is not');
    // clean credentials still pass
    expect(resolveCredentials({}, { HW_ACCESS_KEY: 'AKAKAKAKAK', HW_SECRET_KEY: 'S3CR3T/+=_-.~S3CR3T' })).toMatchObject({ source: 'HW_ACCESS_KEY' });
  });
});

describe('proxy variables are checked before any request', () => {
  it('reads them as undici does: lower case first, https falling back to http', () => {
    expect(resolveProxySettings({})).toEqual({ httpProxy: '', httpsProxy: '', noProxy: '' });
    expect(resolveProxySettings({ HTTP_PROXY: 'http://p:3128', https_proxy: 'https://q', HTTPS_PROXY: 'not used', NO_PROXY: 'localhost,.internal, 10.0.0.0/8 [::1]:8080' })).toEqual({
      httpProxy: 'http://p:3128',
      httpsProxy: 'https://q',
      noProxy: 'localhost,.internal, 10.0.0.0/8 [::1]:8080',
    });
    expect(resolveProxySettings({ http_proxy: '', HTTP_PROXY: 'http://p:3128' }).httpProxy).toBe('');
  });

  it.each([
    [{ HTTPS_PROXY: 'not a url' }, 'HTTPS_PROXY', /it is not a URL/],
    [{ https_proxy: 'proxy.example.com:3128' }, 'https_proxy', /its scheme "proxy.example.com:" is not http: or https: \(a scheme-less host:port needs http:\/\/ in front\)/],
    [{ HTTP_PROXY: 'socks5://p:1080' }, 'HTTP_PROXY', /its scheme "socks5:" is not http: or https:/],
    [{ HTTP_PROXY: 'http://p:3128/path' }, 'HTTP_PROXY', /has no path, query or fragment/],
    [{ HTTP_PROXY: 'http://user:s3cr3tpassword@p:99999' }, 'HTTP_PROXY', /it is not a URL/],
    [{ NO_PROXY: 'localhost,http://internal.example' }, 'NO_PROXY entry "http://internal.example"', /expected host names/],
    [{ no_proxy: 'a.example:70000' }, 'no_proxy entry "a.example:70000"', /expected host names/],
  ])('%j: DcsConfigError naming the variable (never a proxy password)', (env, name, problem) => {
    let error: Error | undefined;
    try {
      resolveProxySettings(env);
    } catch (e) {
      error = e as Error;
    }
    expect(error).toBeInstanceOf(DcsConfigError);
    expect(error!.message).toContain(`invalid ${name}`);
    expect(error!.message).toMatch(problem);
    expect(error!.message).not.toContain('s3cr3tpassword');
  });

  it('the client takes them from its env option and refuses a bad one at construction', () => {
    const base = { accessKey: 'A', secretKey: 'S', projectId: PROJECT, endpoint: 'http://127.0.0.1:9' };
    expect(() => new DcsBigKeyClient({ ...base, env: { HTTPS_PROXY: 'not a url' } })).toThrow(/invalid HTTPS_PROXY: it is not a URL/);
    expect(() => new DcsBigKeyClient({ ...base, env: {}, proxy: { httpProxy: 'ftp://x', httpsProxy: '', noProxy: '' } })).toThrow(/invalid proxy.httpProxy/);
  });
});

describe('plain http:// only to loopback hosts unless allowed', () => {
  it.each(['http://127.0.0.1:8080', 'http://127.1.2.3', 'http://localhost:9', 'http://[::1]:8080', 'https://dcs.example.invalid'])('%s is accepted', (endpoint) => {
    expect(validateEndpoint(endpoint).origin).toBe(new URL(endpoint).origin);
  });

  it.each(['http://dcs.example.invalid', 'http://10.0.0.1:8080', 'http://[::2]', 'http://localhost.example.invalid', 'http://128.0.0.1'])('%s is refused, with the way out', (endpoint) => {
    expect(() => validateEndpoint(endpoint, '--endpoint')).toThrow(DcsConfigError);
    expect(() => validateEndpoint(endpoint, '--endpoint')).toThrow(/^invalid --endpoint ".*": http:\/\/ would send signed requests \(and any security token\) in clear text; use https:\/\/, or on a network you trust set DCS_BIGKEY_ALLOW_INSECURE_HTTP=1 \(client option allowInsecureHttp: true\)/);
  });

  it('DCS_BIGKEY_ALLOW_INSECURE_HTTP=1 or allowInsecureHttp: true allows it (no request is made here)', () => {
    const base = { accessKey: 'A', secretKey: 'S', projectId: PROJECT };
    expect(() => resolveConnection({ ...base, endpoint: 'http://dcs.example.invalid' }, {})).toThrow(/in clear text/);
    expect(() => resolveConnection({ ...base }, { DCS_BIGKEY_ENDPOINT: 'http://dcs.example.invalid' })).toThrow(/invalid DCS_BIGKEY_ENDPOINT "http:\/\/dcs.example.invalid": http:\/\//);
    expect(resolveConnection({ ...base, endpoint: 'http://dcs.example.invalid' }, { DCS_BIGKEY_ALLOW_INSECURE_HTTP: '1' }).endpoint.origin).toBe('http://dcs.example.invalid');
    expect(resolveConnection({ ...base, endpoint: 'http://dcs.example.invalid', allowInsecureHttp: true }, {}).endpoint.origin).toBe('http://dcs.example.invalid');
    expect(() => resolveConnection({ ...base, endpoint: 'http://dcs.example.invalid', allowInsecureHttp: false }, { DCS_BIGKEY_ALLOW_INSECURE_HTTP: '1' })).toThrow(/in clear text/);
    expect(() => resolveConnection({ ...base, endpoint: 'http://127.0.0.1:1' }, { DCS_BIGKEY_ALLOW_INSECURE_HTTP: 'yes' })).toThrow('invalid DCS_BIGKEY_ALLOW_INSECURE_HTTP "yes": expected 1');
    const client = new DcsBigKeyClient({ ...base, endpoint: 'http://dcs.example.invalid', allowInsecureHttp: true, env: {} });
    expect(client.endpoint.origin).toBe('http://dcs.example.invalid');
    return client.close();
  });
});

describe('ids are normalised to lower case', () => {
  it('instance and project ids', () => {
    expect(validateInstanceId('5560DF16-CEBF-4473-95C4-D1B573C16E79')).toBe('5560df16-cebf-4473-95c4-d1b573c16e79');
    expect(validateProjectId(PROJECT.toUpperCase())).toBe(PROJECT);
    expect(resolveConnection({ accessKey: 'A', secretKey: 'S', region: 'cn-north-4' }, { HW_PROJECT_ID: PROJECT.toUpperCase() }).projectId).toBe(PROJECT);
  });
});
