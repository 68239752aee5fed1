/**
 * The example's choice of where to read from, without starting anything: the demo switch and
 * its errors. (The real `cdktf synth` runs are in test/integration/example-synth.test.ts.)
 */
import { CLOUD_ENV, demoMode, exampleEnvironment } from '../../examples/app/environment';
import { CREDENTIAL_ENV_SOURCES } from '../../lib';

it('DCS_BIGKEY_DEMO: passing or failing; unset or empty means "only when nothing is configured"; anything else is an error listing the valid values', () => {
  expect(demoMode({})).toBeUndefined();
  expect(demoMode({ DCS_BIGKEY_DEMO: '' })).toBeUndefined();
  expect(demoMode({ DCS_BIGKEY_DEMO: 'passing' })).toBe('passing');
  expect(demoMode({ DCS_BIGKEY_DEMO: 'failing' })).toBe('failing');
  for (const bad of ['Passing', 'fail', 'true', '1']) {
    expect(() => demoMode({ DCS_BIGKEY_DEMO: bad })).toThrow(`invalid DCS_BIGKEY_DEMO "${bad}": expected one of passing, failing`);
  }
});

it('the demo removes every credential variable the library reads', () => {
  for (const source of CREDENTIAL_ENV_SOURCES) {
    for (const name of [source.ak, source.sk, source.token]) if (name) expect(CLOUD_ENV).toContain(name);
  }
  expect(CLOUD_ENV).toEqual(expect.arrayContaining(['HUAWEICLOUD_SDK_PROJECT_ID', 'HW_PROJECT_ID', 'HW_REGION_NAME', 'DCS_BIGKEY_ENDPOINT', 'HW_CLOUD']));
});

it('with credentials and no instance id, it says how to run the demo instead', async () => {
  await expect(exampleEnvironment({ HW_ACCESS_KEY: 'AKAKAKAKAKAK', HW_SECRET_KEY: 'SKSKSKSKSKSK' })).rejects.toThrow(/set DCS_BIGKEY_INSTANCE_ID .* or set DCS_BIGKEY_DEMO=passing to run the demo/);
  await expect(exampleEnvironment({ HW_ACCESS_KEY: 'AKAKAKAKAKAK', DCS_BIGKEY_DEMO: 'yes' })).rejects.toThrow(/invalid DCS_BIGKEY_DEMO "yes"/);
});

it('with Huawei Cloud configured it reads DCS_BIGKEY_INSTANCE_ID, named DCS_BIGKEY_CACHE_NAME (default "cache"), not the demo', async () => {
  const cloud = { HW_ACCESS_KEY: 'AKAKAKAKAKAK', HW_SECRET_KEY: 'SKSKSKSKSKSK', DCS_BIGKEY_INSTANCE_ID: '5560df16-cebf-4473-95c4-d1b573c16e79' };
  expect(await exampleEnvironment({ ...cloud })).toMatchObject({ cacheName: 'cache', instanceId: cloud.DCS_BIGKEY_INSTANCE_ID });
  expect(await exampleEnvironment({ ...cloud, DCS_BIGKEY_CACHE_NAME: 'orders-cache' })).toMatchObject({ cacheName: 'orders-cache' });
  expect(await exampleEnvironment({ ...cloud, DCS_BIGKEY_CACHE_NAME: '' })).toMatchObject({ cacheName: 'cache' });
  // an endpoint alone counts as configured too
  await expect(exampleEnvironment({ DCS_BIGKEY_ENDPOINT: 'http://127.0.0.1:9' })).rejects.toThrow(/credentials or an endpoint are configured, so the example reads a real instance: set DCS_BIGKEY_INSTANCE_ID/);
});
