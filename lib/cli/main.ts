#!/usr/bin/env node
/**
 * `dcs-bigkey`: the command line of cdktf-dcs-bigkey (package bin → dist/cli/main.js).
 *
 *   dcs-bigkey tasks     list the big key (or hot key) analysis tasks of an instance
 *   dcs-bigkey keys      the keys the latest successful analysis found (names included)
 *   dcs-bigkey autoscan  both automatic analysis settings of an instance
 *   dcs-bigkey gate      deployment gate over one instance or a fleet file (exit codes for CI)
 *   dcs-bigkey snapshot  list or refresh the lookup snapshot file
 *   dcs-bigkey emulator  run the local DCS emulator
 *
 * Each command is `run…Command(argv, io) → exit code` in its own module, loaded on demand, so
 * tests run the very same code in-process and as this executable.
 */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { CliIo } from './io';
import { redact } from '../client/errors';
import { redactingIo, secretsIn } from './redact';

type CommandRunner = (argv: string[], io: CliIo) => Promise<number>;

interface Command {
  readonly summary: string;
  readonly run: CommandRunner;
}

const COMMANDS: Readonly<Record<string, Command>> = {
  tasks: {
    summary: 'list the big key (or, --hot, hot key) analysis tasks of an instance',
    run: async (argv, io) => (await import('./tasks-command')).runTasksCommand(argv, io),
  },
  keys: {
    summary: 'the keys the latest successful analysis of an instance found',
    run: async (argv, io) => (await import('./keys-command')).runKeysCommand(argv, io),
  },
  autoscan: {
    summary: 'the automatic big key and hot key analysis settings of an instance',
    run: async (argv, io) => (await import('./autoscan-command')).runAutoscanCommand(argv, io),
  },
  gate: {
    summary: 'deployment gate over the scans of an instance or a fleet',
    run: async (argv, io) => (await import('./gate-command')).runGateCommand(argv, io),
  },
  emulator: {
    summary: 'run the local DCS cache analysis API emulator (tests, demos)',
    run: async (argv, io) => (await import('../emulator/command')).runEmulatorCommand(argv, io),
  },
  snapshot: {
    summary: 'list or refresh the lookup snapshot file synths replay',
    run: async (argv, io) => (await import('./snapshot-command')).runSnapshotCommand(argv, io),
  },
};

export function usage(): string {
  const names = Object.keys(COMMANDS);
  const width = Math.max(...names.map((n) => n.length));
  const lines = Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(width)}  ${c.summary}`);
  return [
    'usage: dcs-bigkey <command> [flags]',
    '',
    'Huawei Cloud DCS big key and hot key analysis: list the tasks, the keys',
    'they found and the automatic analysis settings; gate deployments on them.',
    '',
    'commands:',
    ...lines,
    '',
    'run `dcs-bigkey <command> --help` for the flags of a command, and',
    '`dcs-bigkey --version` for the version of the package.',
    'credentials come from the environment only: HUAWEICLOUD_SDK_AK and',
    'HUAWEICLOUD_SDK_SK, HW_ACCESS_KEY and HW_SECRET_KEY, or CLOUD_SDK_AK and',
    'CLOUD_SDK_SK; the project from HUAWEICLOUD_SDK_PROJECT_ID or HW_PROJECT_ID;',
    'the endpoint from DCS_BIGKEY_ENDPOINT, else the region from HW_REGION_NAME',
    'or HUAWEICLOUD_SDK_REGION.',
    '',
  ].join('\n');
}

export function version(): string {
  const file = path.join(__dirname, '..', '..', 'package.json');
  return (JSON.parse(readFileSync(file, 'utf8')) as { version: string }).version;
}

export async function main(argv: string[], rawIo: CliIo): Promise<number> {
  const io = redactingIo(rawIo);
  const [command, ...rest] = argv;
  if (command === undefined) {
    io.stderr.write(usage());
    return 2;
  }
  if (command === '--help' || command === '-h' || command === 'help') {
    io.stdout.write(usage());
    return 0;
  }
  if (command === '--version' || command === '-v') {
    io.stdout.write(`${version()}\n`);
    return 0;
  }
  const found = Object.prototype.hasOwnProperty.call(COMMANDS, command) ? COMMANDS[command] : undefined;
  if (found) return found.run(rest, io);
  io.stderr.write(`dcs-bigkey: unknown command ${JSON.stringify(command)}: expected one of ${Object.keys(COMMANDS).join(', ')}\nrun \`dcs-bigkey --help\` for usage\n`);
  return 2;
}

if (require.main === module) {
  // A closed pipe (`dcs-bigkey tasks … | head`) is not an error.
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw error;
  });
  const io = {
    stdout: process.stdout,
    stderr: process.stderr,
    env: process.env,
    isTTY: process.stderr.isTTY === true,
    ...(process.stdout.isTTY ? { columns: process.stdout.columns } : {}),
  };
  main(process.argv.slice(2), io).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      // Not through the commands' redacting io: redact here too, so nothing escapes it.
      process.stderr.write(redact(`dcs-bigkey: unexpected error: ${(error as Error)?.stack ?? String(error)}\n`, secretsIn(process.env)));
      process.exitCode = 70;
    },
  );
}
