/**
 * The README's "real output" is real: its fleet file, gated with `dcs-bigkey gate --fleet
 * fleet.json --format markdown` against the emulator's bundled demo data at the time the README
 * names, prints exactly the markdown between its `<!-- begin … -->` and `<!-- end -->` markers
 * (only the request id, which the emulator numbers per run, may differ), with the exit code the
 * marker names.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { runGateCommand } from '../../lib/cli/gate-command';
import { demoEnv, REPO_ROOT, runInProcess, useCliEmulator } from '../support/cli-harness';

const README = readFileSync(path.join(REPO_ROOT, 'README.md'), 'utf8');
const BEGIN = /<!-- begin: real output of `dcs-bigkey gate --fleet fleet\.json --format markdown` \(exit code (\d)\) -->\n/;

const context = useCliEmulator('dcs-bigkey-readme-');

it("the README's markdown report is what the command prints for the README's fleet file", async () => {
  const begin = BEGIN.exec(README);
  expect(begin).not.toBeNull();
  const end = README.indexOf('\n<!-- end -->', begin!.index);
  const shown = README.slice(begin!.index + begin![0].length, end).trim();
  // The fleet file is the last JSON block before the output; the emulator it names is this test's.
  const blocks = [...README.slice(0, begin!.index).matchAll(/```json\n([\s\S]*?)```/g)];
  const fleet = JSON.parse(blocks[blocks.length - 1][1]);
  expect(fleet.defaults.endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  const file = path.join(context.dir, 'fleet.json');
  writeFileSync(file, JSON.stringify({ ...fleet, defaults: { ...fleet.defaults, endpoint: context.emulator.url } }));
  const checked = /checked (\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z)/.exec(shown)![1];

  const run = await runInProcess(runGateCommand, ['--fleet', file, '--format', 'markdown'], demoEnv(), { now: () => new Date(checked) });
  expect(run.code).toBe(Number(begin![1]));
  const requestIds = (text: string) => text.replace(/\(request id [0-9a-f]{32}\)/g, '(request id …)');
  expect(requestIds(run.stdout.trim())).toBe(requestIds(shown));
});
