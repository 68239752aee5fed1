import { createHash } from 'node:crypto';
import {
  authorizationHeader,
  canonicalQueryString,
  canonicalRequest,
  canonicalUri,
  formatSdkDate,
  parseAuthorization,
  parseSdkDate,
  percentEncode,
} from '../../lib/client/signer';

describe('SDK-HMAC-SHA256 signer', () => {
  // The published vector of Huawei's signing guide (../shared/reference/huawei-signing.md).
  const vector = {
    method: 'GET',
    path: '/v1/77b6a44cba5143ab91d13ab9a8ff44fd/vpcs',
    query: { limit: '2', marker: '13551d6b-755d-4757-b956-536f674975c0' },
    headers: {
      'Content-Type': 'application/json',
      Host: 'service.region.example.com',
      'X-Sdk-Date': '20191115T033655Z',
    },
  };
  const key = { accessKey: 'QTWAOYTTINDUT2QVKYUC', secretKey: 'MFyfvK41ba2giqM7Uio6PznpdUKGpownRZlmVmHc' };

  it('hashes the canonical request of the published vector to the published digest', () => {
    const digest = createHash('sha256').update(canonicalRequest(vector)).digest('hex');
    expect(digest).toBe('b25362e603ee30f4f25e7858e8a7160fd36e803bb2dfe206278659d71a9bcd7a');
  });

  it('produces the published Authorization header', () => {
    expect(authorizationHeader(vector, key)).toBe(
      'SDK-HMAC-SHA256 Access=QTWAOYTTINDUT2QVKYUC, SignedHeaders=content-type;host;x-sdk-date, ' +
        'Signature=7be6668032f70418fcc22abc52071e57aff61b84a1d2381bb430d6870f4f6ebe',
    );
  });

  it('lays out the canonical request with a blank line after the last header', () => {
    expect(canonicalRequest(vector).split('\n')).toEqual([
      'GET',
      '/v1/77b6a44cba5143ab91d13ab9a8ff44fd/vpcs/',
      'limit=2&marker=13551d6b-755d-4757-b956-536f674975c0',
      'content-type:application/json',
      'host:service.region.example.com',
      'x-sdk-date:20191115T033655Z',
      '',
      'content-type;host;x-sdk-date',
      'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
    ]);
  });

  it('percent-encodes everything but unreserved characters, upper-case hex, space as %20', () => {
    expect(percentEncode('AZaz09-._~')).toBe('AZaz09-._~');
    expect(percentEncode("a b!'()*/+=&é")).toBe('a%20b%21%27%28%29%2A%2F%2B%3D%26%C3%A9');
  });

  it('encodes each path segment and ends the canonical URI with a slash', () => {
    expect(canonicalUri('/v2/p/instances/i/bigkey-tasks')).toBe('/v2/p/instances/i/bigkey-tasks/');
    expect(canonicalUri('/v2/a b/x')).toBe('/v2/a%20b/x/');
    expect(canonicalUri('/v2/a%20b/x')).toBe('/v2/a%20b/x/');
    expect(canonicalUri('/')).toBe('/');
  });

  it('sorts query keys, sorts repeated values and encodes both', () => {
    expect(canonicalQueryString({ status: 'running', limit: '1000', offset: '0' })).toBe('limit=1000&offset=0&status=running');
    expect(canonicalQueryString({ b: ['z', 'a'], 'a key': 'v w' })).toBe('a%20key=v%20w&b=a&b=z');
    expect(canonicalQueryString(undefined)).toBe('');
    expect(canonicalQueryString({})).toBe('');
  });

  it('changes the signature when any signed part changes', () => {
    const base = authorizationHeader(vector, key);
    expect(authorizationHeader({ ...vector, query: { ...vector.query, limit: '3' } }, key)).not.toBe(base);
    expect(authorizationHeader({ ...vector, path: '/v1/other/vpcs' }, key)).not.toBe(base);
    expect(authorizationHeader({ ...vector, headers: { ...vector.headers, 'X-Sdk-Date': '20191115T033656Z' } }, key)).not.toBe(base);
    expect(authorizationHeader(vector, { ...key, secretKey: key.secretKey + 'x' })).not.toBe(base);
  });

  it('formats and parses X-Sdk-Date', () => {
    const date = new Date('2019-11-15T03:36:55.123Z');
    expect(formatSdkDate(date)).toBe('20191115T033655Z');
    expect(parseSdkDate('20191115T033655Z')?.toISOString()).toBe('2019-11-15T03:36:55.000Z');
    expect(parseSdkDate('2019-11-15')).toBeUndefined();
  });

  it('parses its own Authorization header and rejects other schemes', () => {
    const parsed = parseAuthorization(authorizationHeader(vector, key));
    expect(parsed).toEqual({
      accessKey: 'QTWAOYTTINDUT2QVKYUC',
      signedHeaders: ['content-type', 'host', 'x-sdk-date'],
      signature: '7be6668032f70418fcc22abc52071e57aff61b84a1d2381bb430d6870f4f6ebe',
    });
    expect(parseAuthorization('Bearer abc')).toBeUndefined();
  });
});
