/**
 * A server (or a proxy, or a wrong endpoint) that lies must not crash or flood the client.
 * The emulator, a real server in its own process, plays the rogue with its fault rules: a lying
 * `count`, a huge body (with and without Content-Length), a redirect. Each test asserts the typed
 * error, the number of requests the server saw (its admin stats), and — for the command and a
 * synth — that the client process, run with a small heap, finishes with that error instead of
 * dying (today's failure: a V8 fatal error, exit 133, after allocating for a count of 1e15).
 * The client's cases run against its modules and against the lookup worker's bundle.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import type { DcsApiError } from '../../lib/client/errors';
import { FaultSpec } from '../../lib/emulator';
import { DEMO, demoClientOptions, newInstanceId } from '../support/emulator-fixture';
import { demoEnv, expectGateJsonSchema, REPO_ROOT, requireBuiltCli, runBuiltCli, runNode, useCliEmulator } from '../support/cli-harness';
import { CLIENT_BUILDS } from '../support/client-builds';
import { readOutdir } from '../support/synth';

/** A heap far too small for today's client to survive a count of 1e15 or a 200 MiB body. */
const SMALL_HEAP = ['--max-old-space-size=64'];

const context = useCliEmulator('dcs-bigkey-rogue-', async () => requireBuiltCli());

/** A fresh instance with `count` generated tasks and these faults on it. */
async function rogue(count: number, ...faults: FaultSpec[]): Promise<string> {
  const id = newInstanceId();
  await context.emulator.admin.putInstance(id, { project_id: DEMO.projectId, generate: { count, start: '2026-01-01T00:00:00.000Z', interval_seconds: 60, seed: id } });
  for (const fault of faults) await context.emulator.admin.addFaults({ ...fault, instance_id: id });
  return id;
}

async function listRequests(id: string): Promise<number> {
  return (await context.emulator.admin.stats()).by_instance[id]?.list_requests ?? 0;
}

describe.each(CLIENT_BUILDS)('the client from %s', (_build, build) => {
  async function clientFailure(id: string, options: object = {}): Promise<Error> {
    const client = new build.DcsBigKeyClient({ ...demoClientOptions(context.emulator), ...options });
    try {
      await client.listAllBigKeyTasks(id);
    } catch (error) {
      return error as Error;
    } finally {
      await client.close();
    }
    throw new Error('expected a failure');
  }

  describe('a lying count', () => {
    it('count 1e15 with no records: DcsMalformedResponseError after 1 request (client)', async () => {
      const id = await rogue(0, { kind: 'bad_count', value: 1e15 });
      const error = await clientFailure(id);
      expect(error).toBeInstanceOf(build.DcsMalformedResponseError);
      expect(error.message).toContain('malformed body: count is 1000000000000000 but the first page has only 0 records (a page of 1000 was asked for)');
      expect(error.message).toMatch(/\(request id [0-9a-f]+\)/);
      expect(await listRequests(id)).toBe(1);
    });

    it('count 1e9 with a full first page: over maxTasks after 1 request (no million requests)', async () => {
      const id = await rogue(1000, { kind: 'bad_count', value: 1e9 });
      const error = await clientFailure(id);
      expect(error).toBeInstanceOf(build.DcsMalformedResponseError);
      expect(error.message).toMatch(/count is 1000000000, more than the 100000 tasks this client reads for one instance \(maxTasks, DCS_BIGKEY_MAX_TASKS\).*raise maxTasks \(or DCS_BIGKEY_MAX_TASKS\)/);
      expect(await listRequests(id)).toBe(1);
    });

    it('maxTasks is configurable: a larger count fails after page 0', async () => {
      const id = await rogue(1500);
      expect(await clientFailure(id, { maxTasks: 1200 })).toBeInstanceOf(build.DcsMalformedResponseError);
      expect(await listRequests(id)).toBe(1);
    });

    it('a count that under-reports the list by whole pages is caught by reading one record past it', async () => {
      const id = await rogue(2500, { kind: 'bad_count', value: 1999 });
      const error = await clientFailure(id);
      expect(error).toBeInstanceOf(build.DcsMalformedResponseError);
      expect(error.message).toContain('count is 1999 but there are records at offset 1999');
      expect(await listRequests(id)).toBe(3);
    });
  });

  describe('a huge body', () => {
    it.each([
      ['declared', 'the body is 209715200 bytes (Content-Length), more than the 16777216 bytes allowed (maxResponseBytes)'],
      ['chunked', 'the body grew past the limit while it was read, more than the 16777216 bytes allowed (maxResponseBytes)'],
    ] as const)('200 MiB, %s: aborted, DcsMalformedResponseError (never a consistency error), 1 request', async (length, message) => {
      const id = await rogue(3, { kind: 'huge', mib: 200, length });
      const error = await clientFailure(id);
      expect(error).toBeInstanceOf(build.DcsMalformedResponseError);
      expect(error.message).toContain(message);
      expect(error.message).toMatch(/check that the endpoint is the DCS API/);
      expect(await listRequests(id)).toBe(1);
    });

    it('the cap is the client option maxResponseBytes', async () => {
      const id = await rogue(3, { kind: 'huge', mib: 2 });
      expect((await clientFailure(id, { maxResponseBytes: 1024 * 1024 })).message).toContain('the body is 2097152 bytes (Content-Length), more than the 1048576 bytes allowed');
      const client = new build.DcsBigKeyClient({ ...demoClientOptions(context.emulator), maxResponseBytes: 4 * 1024 * 1024 });
      try {
        // Within the cap the (space-padded, valid) body is read and parsed.
        expect((await client.listBigKeyTasks(id)).count).toBe(0);
      } finally {
        await client.close();
      }
    });
  });

  describe('a redirect', () => {
    it('302 is reported as a redirect with its status and Location, not followed, not "body is not JSON" (client)', async () => {
      const id = await rogue(3, { kind: 'redirect', status: 302, location: 'https://dcs.example.invalid/elsewhere' });
      const error = (await clientFailure(id)) as DcsApiError;
      expect(error).toBeInstanceOf(build.DcsApiError);
      expect(error.status).toBe(302);
      expect(error.location).toBe('https://dcs.example.invalid/elsewhere');
      expect(error.message).toMatch(/failed: HTTP 302 \(request id [0-9a-f]+\)\. the endpoint answered with a redirect to "https:\/\/dcs\.example\.invalid\/elsewhere", which is not followed: set the endpoint to the final URL/);
      expect(error.message).not.toMatch(/not JSON/);
      expect(await listRequests(id)).toBe(1);
    });
  });
});

describe('a lying count', () => {
  it('maxTasks is configurable through DCS_BIGKEY_MAX_TASKS for the command', async () => {
    const id = await rogue(1500);
    const run = await runBuiltCli(['tasks', '--instance-id', id, '--format', 'json'], demoEnv(context.emulator.url, { DCS_BIGKEY_MAX_TASKS: '1000' }));
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('count is 1500, more than the 1000 tasks this client reads for one instance');
    const ok = await runBuiltCli(['tasks', '--instance-id', id, '--format', 'json'], demoEnv(context.emulator.url, { DCS_BIGKEY_MAX_TASKS: '1500' }));
    expect(JSON.parse(ok.stdout).records).toHaveLength(1500);
    const bad = await runBuiltCli(['tasks', '--instance-id', id], demoEnv(context.emulator.url, { DCS_BIGKEY_MAX_TASKS: 'lots' }));
    expect(bad).toMatchObject({ code: 2, stderr: expect.stringMatching(/invalid DCS_BIGKEY_MAX_TASKS "lots": expected an integer from 1 to 10000000/) });
    expect(await listRequests(id)).toBe(1 + 2); // over the limit: page 0 only; within it: 2 pages; none for the bad value
  });


  it('count 1e15: `dcs-bigkey tasks` with a 64 MB heap exits 1 with the typed error, after 1 request', async () => {
    const id = await rogue(0, { kind: 'bad_count', value: 1e15 });
    const run = await runBuiltCli(['tasks', '--instance-id', id], demoEnv(context.emulator.url), 50_000, SMALL_HEAP);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^dcs-bigkey tasks: ListBigkeyScanTasks for instance \S+ returned a malformed body: count is 1000000000000000 but the first page has only 0 records/);
    expect(await listRequests(id)).toBe(1);
  });

  it('count 1e15: `dcs-bigkey gate` with a 64 MB heap exits 3 (fail closed), after 1 request', async () => {
    const id = await rogue(0, { kind: 'bad_count', value: 1e15 });
    const run = await runBuiltCli(['gate', '--instance-id', id, '--format', 'json'], demoEnv(context.emulator.url), 50_000, SMALL_HEAP);
    expect(run.code).toBe(3);
    const doc = JSON.parse(run.stdout);
    expectGateJsonSchema(doc);
    expect(doc.instances[0].lookup_error).toMatchObject({ name: 'DcsMalformedResponseError' });
    expect(doc.instances[0].findings[0].message).toContain('count is 1000000000000000');
    expect(await listRequests(id)).toBe(1);
  });

  it('count 1e15: a synth with a 128 MB heap finishes, its gate failing closed, after 1 request', async () => {
    const id = await rogue(0, { kind: 'bad_count', value: 1e15 });
    const dir = mkdtempSync(path.join(tmpdir(), 'dcs-bigkey-rogue-synth-'));
    const app = path.join(dir, 'app.js');
    writeFileSync(
      app,
      [
        `const { App, TerraformStack } = require(${JSON.stringify(path.join(REPO_ROOT, 'node_modules', 'cdktf'))});`,
        `const { DcsBigKeyScanTasks } = require(${JSON.stringify(path.join(REPO_ROOT, 'dist', 'index.js'))});`,
        `const app = new App({ outdir: ${JSON.stringify(path.join(dir, 'out'))} });`,
        `new DcsBigKeyScanTasks(new TerraformStack(app, 'producer'), 'rogue', { instanceId: ${JSON.stringify(id)} });`,
        'app.synth();',
      ].join('\n'),
    );
    const run = await runNode(['--max-old-space-size=128', app], demoEnv(context.emulator.url, { CDKTF_CONTINUE_SYNTH_ON_ERROR_ANNOTATIONS: 'true', CHECKPOINT_DISABLE: '1' }), 120_000);
    expect(run.stderr).not.toMatch(/heap out of memory|FATAL ERROR/);
    expect(run.code).toBe(0);
    const errors = readOutdir(path.join(dir, 'out')).annotations.producer.filter((a) => a.level === '@cdktf/error').map((a) => a.message);
    expect(errors).toEqual([expect.stringMatching(/^\[lookup-failed\] .* could not be read, so the gate cannot pass: .*malformed body: count is 1000000000000000 but the first page has only 0 records/)]);
    expect(await listRequests(id)).toBe(1);
  });



});

describe('a huge body', () => {

  it('200 MiB without Content-Length: `dcs-bigkey tasks` with a 64 MB heap exits 1 with the typed error', async () => {
    const id = await rogue(3, { kind: 'huge', mib: 200, length: 'chunked' });
    const run = await runBuiltCli(['tasks', '--instance-id', id], demoEnv(context.emulator.url), 50_000, SMALL_HEAP);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/returned a malformed body: the body grew past the limit while it was read, more than the 16777216 bytes allowed/);
    expect(run.stderr).not.toMatch(/being created or deleted/);
    expect(await listRequests(id)).toBe(1);
  });

});

describe('a redirect', () => {

  it('`dcs-bigkey tasks` exits 1 and `dcs-bigkey gate` exits 3, naming the redirect; 1 request each', async () => {
    const id = await rogue(3, { kind: 'redirect', status: 301, location: 'https://dcs.example.invalid/' });
    const tasks = await runBuiltCli(['tasks', '--instance-id', id], demoEnv(context.emulator.url));
    expect(tasks.code).toBe(1);
    expect(tasks.stderr).toMatch(/HTTP 301 .*redirect to "https:\/\/dcs\.example\.invalid\/"/);
    const gate = await runBuiltCli(['gate', '--instance-id', id, '--format', 'json'], demoEnv(context.emulator.url));
    expect(gate.code).toBe(3);
    expect(JSON.parse(gate.stdout).instances[0].lookup_error).toMatchObject({ name: 'DcsApiError', status: 301 });
    expect(await listRequests(id)).toBe(2);
  });
});
