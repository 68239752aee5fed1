/**
 * `dcs-bigkey emulator [--port P] [--host H] [--data FILE] [--quiet] [--tls-cert FILE --tls-key FILE]`:
 * runs the emulator in the foreground until SIGINT/SIGTERM (serving HTTPS when given a certificate).
 *
 * Contract with whoever starts it (people, scripts, spawnEmulator): the first stdout line is
 * the base URL and nothing else goes to stdout; the per-request log goes to stderr.
 * Exit codes: 0 after a clean stop or --help; 2 for bad flags, an unusable data file or an
 * unusable TLS certificate or key (found before serving anything); 1 when the server cannot
 * listen (e.g. port in use).
 */
import { FlagValues, parseStrictFlags } from '../cli/args';
import { UsageError } from '../cli/io';
import { BUNDLED_DEMO_DATA_FILE, loadEmulatorData } from './data-file';
import { EmulatorTlsError, EmulatorTlsOptions, loadEmulatorTls, startEmulatorServer } from './server';
import { EmulatorDataError } from './validate';

export interface EmulatorCommandIo {
  readonly stdout: { write(text: string): unknown };
  readonly stderr: { write(text: string): unknown };
}

/**
 * Set by spawnEmulator together with an IPC channel: the emulator then also stops when its
 * parent goes away (the channel closes), so a crashed or killed test run leaves no server behind.
 */
export const EXIT_WITH_PARENT_ENV = 'DCS_BIGKEY_EMULATOR_EXIT_WITH_PARENT';

export const EMULATOR_USAGE = `Usage: dcs-bigkey emulator [--port P] [--host H] [--data FILE] [--quiet]
                           [--tls-cert FILE --tls-key FILE]

Runs a local emulator of the Huawei Cloud DCS cache analysis API: signed
requests; list, create, show and delete of big key and hot key analysis
tasks; both automatic analysis settings (GET); fault injection; an admin API
under /_emulator.

Options:
  --port P     port to listen on; 0 picks a free one (default 0)
  --host H     address to listen on (default 127.0.0.1)
  --data FILE  data file with credentials, projects, instances, tasks and faults
               (default: the bundled demo data, data/emulator-demo.json
               in this package)
  --quiet      no per-request log on stderr
  --tls-cert FILE
  --tls-key FILE
               serve HTTPS with this PEM certificate (chain) and its unencrypted
               PEM private key; give both or neither
  -h, --help   show this help

The first line on stdout is the base URL, e.g. http://127.0.0.1:40123
(https://127.0.0.1:40123 with --tls-cert and --tls-key).
Stops on SIGINT or SIGTERM.
`;

/** The flags `dcs-bigkey emulator` accepts (every one is in EMULATOR_USAGE; a test keeps them so). */
export const EMULATOR_FLAGS = {
  port: { type: 'string' },
  host: { type: 'string' },
  data: { type: 'string' },
  quiet: { type: 'boolean' },
  'tls-cert': { type: 'string' },
  'tls-key': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

export async function runEmulatorCommand(argv: string[], io: EmulatorCommandIo = process): Promise<number> {
  const usageError = (message: string): number => {
    io.stderr.write(`dcs-bigkey emulator: ${message}\nrun \`dcs-bigkey emulator --help\` for usage\n`);
    return 2;
  };

  let values: FlagValues<typeof EMULATOR_FLAGS>;
  try {
    // The parsing of every other command: unknown flags, missing values, stray arguments and a flag given twice are usage errors.
    values = parseStrictFlags(argv, EMULATOR_FLAGS);
  } catch (error) {
    if (error instanceof UsageError) return usageError(error.message);
    throw error;
  }
  if (values.help) {
    io.stdout.write(EMULATOR_USAGE);
    return 0;
  }

  let port = 0;
  if (values.port !== undefined) {
    port = /^\d{1,5}$/.test(values.port) ? Number(values.port) : Number.NaN;
    if (!(port >= 0 && port <= 65535)) return usageError(`--port must be an integer from 0 to 65535 (got ${JSON.stringify(values.port)})`);
  }
  const host = values.host ?? '127.0.0.1';
  if (host.length === 0) return usageError('--host must not be empty');
  const dataFile = values.data ?? BUNDLED_DEMO_DATA_FILE;
  const certFile = values['tls-cert'];
  const keyFile = values['tls-key'];
  if ((certFile === undefined) !== (keyFile === undefined)) {
    return usageError(`--tls-cert and --tls-key go together (got only ${certFile === undefined ? '--tls-key' : '--tls-cert'})`);
  }
  let tls: EmulatorTlsOptions | undefined;
  if (certFile !== undefined && keyFile !== undefined) {
    tls = { certFile, keyFile };
    try {
      loadEmulatorTls(tls); // an unusable certificate or key is a usage error, found before serving
    } catch (error) {
      if (error instanceof EmulatorTlsError) return usageError(error.message);
      throw error;
    }
  }

  let data;
  try {
    data = loadEmulatorData(dataFile);
  } catch (error) {
    if (error instanceof EmulatorDataError) return usageError(error.message);
    throw error;
  }

  const quiet = values.quiet === true;
  let emulator;
  try {
    emulator = await startEmulatorServer({ data, host, port, tls, log: quiet ? undefined : (line) => io.stderr.write(`${line}\n`) });
  } catch (error) {
    io.stderr.write(`dcs-bigkey emulator: cannot listen on ${host}:${port}: ${(error as Error).message}\n`);
    return 1;
  }
  io.stdout.write(`${emulator.url}\n`);
  if (!quiet) io.stderr.write(`dcs-bigkey emulator: serving ${dataFile} at ${emulator.url} (admin API: ${emulator.url}/_emulator/health); stop with Ctrl-C\n`);

  const reason = await stopSignal();
  await emulator.close();
  if (!quiet) io.stderr.write(`dcs-bigkey emulator: stopped (${reason})\n`);
  return 0;
}

/** Resolves with the name of the first stop signal: SIGINT, SIGTERM or the parent going away. */
function stopSignal(): Promise<string> {
  const watchParent = process.env[EXIT_WITH_PARENT_ENV] === '1' && typeof process.send === 'function';
  // The channel must not keep this process alive by itself once the server is closed.
  if (watchParent) process.channel?.unref();
  return new Promise((resolve) => {
    const stop = (reason: string): void => {
      process.off('SIGINT', onInt);
      process.off('SIGTERM', onTerm);
      process.off('disconnect', onDisconnect);
      if (watchParent && process.connected) process.disconnect();
      resolve(reason);
    };
    const onInt = (): void => stop('SIGINT');
    const onTerm = (): void => stop('SIGTERM');
    const onDisconnect = (): void => stop('parent exited');
    process.once('SIGINT', onInt);
    process.once('SIGTERM', onTerm);
    if (watchParent) process.once('disconnect', onDisconnect);
  });
}
