/**
 * `dcs-bigkey emulator`: flags and exit codes in-process, and the real executable (started as
 * users start it) printing its URL, logging requests and stopping on SIGTERM.
 */
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { DEMO, EmulatorProcess, runEmulatorCommand, spawnEmulator } from '../../lib/emulator';
import { SignedRequester, listPath } from '../support/emulator-requests';

function captureIo(): { io: { stdout: { write(t: string): boolean }; stderr: { write(t: string): boolean } }; out: () => string; err: () => string } {
  let out = '';
  let err = '';
  return {
    io: {
      stdout: { write: (t: string) => ((out += t), true) },
      stderr: { write: (t: string) => ((err += t), true) },
    },
    out: () => out,
    err: () => err,
  };
}

describe('runEmulatorCommand flags', () => {
  it('prints usage for --help and returns 0', async () => {
    const { io, out, err } = captureIo();
    expect(await runEmulatorCommand(['--help'], io)).toBe(0);
    expect(out()).toMatch(/^Usage: dcs-bigkey emulator \[--port P\] \[--host H\] \[--data FILE\] \[--quiet\]/);
    expect(err()).toBe('');
    expect(await runEmulatorCommand(['-h'], captureIo().io)).toBe(0);
  });

  it.each([
    [['--bogus'], /Unknown option '--bogus'/],
    [['--port'], /--port/],
    [['--port', 'abc'], /--port must be an integer from 0 to 65535 \(got "abc"\)/],
    [['--port', '70000'], /--port must be an integer from 0 to 65535/],
    [['stray'], /stray/],
    // A flag given twice, each with an unusable data file: were it accepted, the run would end at the data file, not serve.
    [['--port', '0', '--port', '8080', '--data', '/nonexistent/emulator.json'], /^dcs-bigkey emulator: --port is given more than once; give it once\nrun `dcs-bigkey emulator --help` for usage\n$/],
    [['--quiet', '--quiet', '--data', '/nonexistent/emulator.json'], /--quiet is given more than once; give it once/],
    [['--data=/nonexistent/a.json', '--data', '/nonexistent/b.json'], /--data is given more than once; give it once/],
    [['--data', '/nonexistent/emulator.json'], /invalid emulator data in \/nonexistent\/emulator\.json: cannot read the file/],
  ])('returns 2 with a message on stderr for %j', async (argv, message) => {
    const { io, out, err } = captureIo();
    expect(await runEmulatorCommand(argv, io)).toBe(2);
    expect(err()).toMatch(/^dcs-bigkey emulator: /);
    expect(err()).toMatch(message);
    expect(out()).toBe('');
  });
});

describe('the dcs-bigkey executable', () => {
  const main = path.resolve(__dirname, '..', '..', 'lib', 'cli', 'main.ts');
  const run = (...args: string[]) => spawnSync(process.execPath, ['--import', 'tsx', main, 'emulator', ...args], { encoding: 'utf8', timeout: 20_000 });

  it('exits 0 for `emulator --help` and 2 for a bad flag', () => {
    const help = run('--help');
    expect(help.status).toBe(0);
    expect(help.stdout).toContain('Usage: dcs-bigkey emulator');
    const bad = run('--nope');
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain("Unknown option '--nope'");
  });

  it('exits 2 for a flag given twice, as every other command does, and starts no server', () => {
    const twice = run('--port', '0', '--port', '0', '--data', '/nonexistent/emulator.json');
    expect(twice.status).toBe(2);
    expect(twice.stdout).toBe('');
    expect(twice.stderr).toBe('dcs-bigkey emulator: --port is given more than once; give it once\nrun `dcs-bigkey emulator --help` for usage\n');
  });
});

describe('spawnEmulator', () => {
  let emulator: EmulatorProcess | undefined;
  afterEach(async () => {
    await emulator?.stop();
    emulator = undefined;
  });

  it('serves the bundled demo data, logs one line per request on stderr, and stops on SIGTERM', async () => {
    emulator = await spawnEmulator();
    expect(emulator.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const dcs = new SignedRequester(emulator.url, { accessKey: DEMO.accessKey, secretKey: DEMO.secretKey });
    try {
      const response = await dcs.send({ path: listPath(DEMO.projectId, DEMO.instances.ordersCache), query: { limit: 2 } });
      expect(response.status).toBe(200);
      expect(response.json().count).toBe(12);
      const requestId = response.headers['x-request-id'] as string;
      const deadline = Date.now() + 3_000;
      while (!emulator.stderr().includes(requestId) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      const line = emulator.stderr().split('\n').find((l) => l.includes(requestId))!;
      expect(line).toMatch(new RegExp(`^\\d{4}-\\d{2}-\\d{2}T[\\d:.]+Z GET /v2/${DEMO.projectId}/instances/${DEMO.instances.ordersCache}/bigkey-tasks\\?limit=2 200 \\d+ms ${requestId}$`));
      expect(emulator.stderr()).not.toMatch(/SDK-HMAC-SHA256|Signature=|dcs-emulator-demo-secret/);
    } finally {
      await dcs.close();
    }
    const pid = emulator.pid;
    await emulator.stop();
    expect(() => process.kill(pid, 0)).toThrow(); // the process is gone
    expect(emulator.stderr()).toContain('stopped (SIGTERM)');
  });

  it('rejects with the child stderr when the data is unusable', async () => {
    await expect(spawnEmulator({ dataFile: '/nonexistent/data.json', quiet: true })).rejects.toThrow(
      /exited before printing its URL \(exit code 2\); its stderr:\n.*invalid emulator data in \/nonexistent\/data\.json: cannot read the file/,
    );
  });
});
