/**
 * The README, `--help` and the flag parser describe the same command. For every command: the
 * flags its parser accepts are exactly the flags its --help lists; its --help synopsis and the
 * README's synopsis name the same flags; every flag it accepts is described in the README's
 * section on the command; and the defaults both texts state are the code's.
 */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { FlagSpecs } from '../../lib/cli/args';
import { AUTOSCAN_USAGE } from '../../lib/cli/autoscan-command';
import { INSTANCE_FLAGS } from '../../lib/cli/client-command';
import { DEFAULT_FLEET_CONCURRENCY, GATE_FLAGS, GATE_USAGE, MAX_FLEET_CONCURRENCY, runGateCommand } from '../../lib/cli/gate-command';
import { KEYS_FLAGS, KEYS_USAGE } from '../../lib/cli/keys-command';
import { main, usage } from '../../lib/cli/main';
import { LIST_FLAGS, REFRESH_FLAGS, SNAPSHOT_USAGE } from '../../lib/cli/snapshot-command';
import { TASKS_FLAGS, TASKS_USAGE } from '../../lib/cli/tasks-command';
import { EXIT } from '../../lib/cli/io';
import { DEFAULT_MAX_TASKS } from '../../lib/client/limits';
import { EMULATOR_FLAGS, EMULATOR_USAGE } from '../../lib/emulator/command';
import { runInProcess } from '../support/cli-harness';

const README = readFileSync(path.join(__dirname, '..', '..', 'README.md'), 'utf8');

/** The README's text from a `## ` heading to the next one. */
function readmeSection(heading: string): string {
  const start = README.indexOf(`\n## ${heading}\n`);
  expect(start).toBeGreaterThan(-1);
  const end = README.indexOf('\n## ', start + 1);
  return README.slice(start, end === -1 ? undefined : end);
}

const COMMAND_SECTION = readmeSection('The `dcs-bigkey` command');
/** The synopsis: the first code block of the command's section. */
const README_SYNOPSIS = /```\n([\s\S]*?)```/.exec(COMMAND_SECTION)![1];

/** `--flag` names in a text (not `--` inside words, not the `-h` short form). */
function flagsIn(text: string): Set<string> {
  return new Set([...text.matchAll(/(?<![\w-])--([a-z][a-z0-9-]*)/g)].map((m) => m[1]));
}

/**
 * The flags of each form of a synopsis (`dcs-bigkey <command> [flags]` lines, continued on
 * indented lines), by command words: `gate`, `snapshot list`, …; forms of one command merged.
 */
function synopsisFlags(synopsis: string): Map<string, Set<string>> {
  const forms = new Map<string, Set<string>>();
  let current: Set<string> | undefined;
  for (const line of synopsis.split('\n')) {
    const at = line.indexOf('dcs-bigkey ');
    if (at !== -1) {
      const words = line.slice(at + 'dcs-bigkey '.length).split(/\s+/);
      const command = words.slice(0, words.findIndex((w) => !/^[a-z]+$/.test(w))).join(' ');
      current = forms.get(command) ?? new Set();
      forms.set(command, current);
    }
    if (current) for (const flag of flagsIn(line)) current.add(flag);
  }
  return forms;
}

/** The --help's synopsis: its lines up to the first blank one. */
const helpSynopsis = (text: string): string => text.slice(0, text.indexOf('\n\n'));

/** Flags the --help defines: indented lines that start with the flag (`  --port P  …`, `  -h, --help  …`). */
function definedFlags(text: string): Set<string> {
  return new Set([...text.matchAll(/^ {2}(?:-[a-z], )?--([a-z][a-z0-9-]*)/gm)].map((m) => m[1]));
}

interface CommandDoc {
  readonly command: string;
  readonly flags: FlagSpecs;
  readonly usage: string;
}

const COMMANDS: readonly CommandDoc[] = [
  { command: 'tasks', flags: TASKS_FLAGS, usage: TASKS_USAGE },
  { command: 'keys', flags: KEYS_FLAGS, usage: KEYS_USAGE },
  { command: 'autoscan', flags: INSTANCE_FLAGS, usage: AUTOSCAN_USAGE },
  { command: 'gate', flags: GATE_FLAGS, usage: GATE_USAGE },
  { command: 'snapshot list', flags: LIST_FLAGS, usage: SNAPSHOT_USAGE },
  { command: 'snapshot refresh', flags: REFRESH_FLAGS, usage: SNAPSHOT_USAGE },
  { command: 'emulator', flags: EMULATOR_FLAGS, usage: EMULATOR_USAGE },
];

const accepted = (flags: FlagSpecs) => new Set(Object.keys(flags));
const sorted = (set: Iterable<string>) => [...set].sort();

describe.each(COMMANDS)('dcs-bigkey $command', ({ command, flags, usage: help }) => {
  it('--help and the README synopsis name the same flags, each one the parser accepts', () => {
    const fromHelp = synopsisFlags(helpSynopsis(help)).get(command);
    const fromReadme = synopsisFlags(README_SYNOPSIS).get(command);
    expect(fromHelp).toBeDefined();
    expect(fromReadme).toBeDefined();
    expect(sorted(fromReadme!)).toEqual(sorted(fromHelp!));
    for (const flag of fromHelp!) expect({ flag, accepted: accepted(flags).has(flag) }).toEqual({ flag, accepted: true });
  });

  it('--help describes every flag the parser accepts (and -h)', () => {
    const defined = definedFlags(help);
    for (const flag of accepted(flags)) expect({ flag, described: defined.has(flag) }).toEqual({ flag, described: true });
    for (const [flag, spec] of Object.entries(flags)) if (spec.short) expect(help).toContain(`-${spec.short}, --${flag}`);
  });

  it('the README describes every flag the parser accepts', () => {
    const described = flagsIn(COMMAND_SECTION);
    for (const flag of accepted(flags)) {
      if (flag === 'help') continue; // "`--help` on every command"
      expect({ flag, described: described.has(flag) }).toEqual({ flag, described: true });
    }
    expect(COMMAND_SECTION).toContain('`--help` on every command');
  });
});

it('every flag a --help defines is one its parser accepts', () => {
  const byUsage = new Map<string, Set<string>>();
  for (const { flags, usage: help } of COMMANDS) byUsage.set(help, new Set([...(byUsage.get(help) ?? []), ...accepted(flags)]));
  for (const [help, flags] of byUsage) {
    for (const flag of definedFlags(help)) expect({ flag, accepted: flags.has(flag) }).toEqual({ flag, accepted: true });
  }
});

it('the README synopsis has a line for every command of `dcs-bigkey --help`, and no other', () => {
  const commands = [...usage().matchAll(/^ {2}([a-z]+) {2,}/gm)].map((m) => m[1]);
  expect(commands.length).toBeGreaterThan(5);
  expect(sorted(new Set([...synopsisFlags(README_SYNOPSIS).keys()].map((c) => c.split(' ')[0])))).toEqual(sorted(commands));
});

it('`dcs-bigkey --version` (and -v), named in `dcs-bigkey --help` and the README, prints the package version', async () => {
  const { version } = JSON.parse(readFileSync(path.join(__dirname, '..', '..', 'package.json'), 'utf8')) as { version: string };
  for (const flag of ['--version', '-v']) expect(await runInProcess(main, [flag], {})).toEqual({ code: 0, stdout: `${version}\n`, stderr: '' });
  expect(usage()).toContain('`dcs-bigkey --version` for the version');
  expect(COMMAND_SECTION).toContain('`dcs-bigkey --version` prints the package\'s version');
});

it('--help on every command is what `dcs-bigkey <command> --help` prints, exit 0', async () => {
  for (const { command, usage: help } of COMMANDS) {
    expect(await runInProcess(main, [...command.split(' '), '--help'], {})).toEqual({ code: 0, stdout: help, stderr: '' });
  }
});

describe('exit codes: --help and the README state the same ones', () => {
  /** The paragraph of the README's command section that starts with `start`, on one line. */
  const paragraph = (start: string) => {
    const found = COMMAND_SECTION.split(/\n\s*\n/).find((p) => p.startsWith(start));
    expect({ start, found: found !== undefined }).toEqual({ start, found: true });
    return found!.replace(/\s+/g, ' ');
  };
  /** Codes in an "exit codes" text: a lone digit after "exit", a comma or a semicolon (or at a line start, as in gate's list). */
  const codes = (text: string) => new Set([...text.matchAll(/(?:\b[Ee]xit|[,;]|^) *(\d)\b(?![\d.,/%])/gm)].map((m) => Number(m[1])));
  const helpCodes = (help: string) => codes(help.slice(help.indexOf('exit codes:') + 'exit codes:'.length));

  it.each([
    ['tasks', TASKS_USAGE, '`tasks` without'],
    ['keys', KEYS_USAGE, '`keys` prints'],
    ['autoscan', AUTOSCAN_USAGE, '`autoscan` prints'],
    ['gate', GATE_USAGE, '`gate` checks'],
    ['snapshot', SNAPSHOT_USAGE, '`snapshot list` and `snapshot refresh`'],
  ])('%s', (_command, help, start) => {
    const fromHelp = helpCodes(help);
    expect(fromHelp.size).toBeGreaterThanOrEqual(3);
    expect(sorted([...codes(paragraph(start))].map(String))).toEqual(sorted([...fromHelp].map(String)));
    for (const code of fromHelp) expect(Object.values(EXIT)).toContain(code);
  });
});

describe('defaults and bounds the texts state are the code\'s', () => {
  it('gate --concurrency: the default and the range in --help and README; with --instance-id it is a usage error', async () => {
    expect(GATE_USAGE).toContain(`1-${MAX_FLEET_CONCURRENCY} (default ${DEFAULT_FLEET_CONCURRENCY})`);
    expect(COMMAND_SECTION).toContain(`instances at once, default ${DEFAULT_FLEET_CONCURRENCY}; with \`--fleet\` only`);
    expect(COMMAND_SECTION).toContain(`Fleets are checked concurrently (${DEFAULT_FLEET_CONCURRENCY} at a time)`);
    const run = await runInProcess(runGateCommand, ['--instance-id', '5560df16-cebf-4473-95c4-d1b573c16e79', '--concurrency', '4'], {
      HW_ACCESS_KEY: 'AKAKAKAKAK', HW_SECRET_KEY: 'SKSKSKSKSKSK', HW_PROJECT_ID: '0b6bd4e1a8f34b0c9a8a4f5c1e0d2a7b', DCS_BIGKEY_ENDPOINT: 'http://127.0.0.1:9',
    });
    expect(run).toMatchObject({ code: 2, stdout: '', stderr: expect.stringContaining('--concurrency applies to --fleet only') });
  });

  it('DCS_BIGKEY_MAX_TASKS: the default in every --help that sends requests and in the README', () => {
    for (const help of [TASKS_USAGE, KEYS_USAGE, AUTOSCAN_USAGE, GATE_USAGE, SNAPSHOT_USAGE]) {
      expect(help.replace(/\s+/g, ' ')).toContain(`DCS_BIGKEY_MAX_TASKS caps the tasks read per instance (default ${DEFAULT_MAX_TASKS})`);
    }
    expect(README).toContain(`\`DCS_BIGKEY_MAX_TASKS\` (read at synth and by the command), else ${DEFAULT_MAX_TASKS.toLocaleString('en-US')}`);
  });

  it('the headline policy judges the newest automatic scan with a result: --help and README say so', () => {
    expect(GATE_USAGE.replace(/\s+/g, ' ')).toContain('block when the newest automatic scan with a result failed (on by default; newer scans still waiting or running do not clear it)');
    expect(COMMAND_SECTION.replace(/\s+/g, ' ')).toContain('The headline policy "the latest automatic scan with a result must not have failed"');
  });

  it('the environment `dcs-bigkey --help` names is the one the client reads, in its order', () => {
    const flat = usage().replace(/\s+/g, ' ');
    expect(flat).toContain('the project from HUAWEICLOUD_SDK_PROJECT_ID or HW_PROJECT_ID');
    expect(flat).toContain('the endpoint from DCS_BIGKEY_ENDPOINT, else the region from HW_REGION_NAME or HUAWEICLOUD_SDK_REGION');
  });
});
