/**
 * The real `cdktn synth` (cdktn-cli) of the example built with CDK Terrain
 * (DCS_BIGKEY_FRAMEWORK=cdktn), as a user of the fork runs it. cdktn-cli 0.24 needs Node >=
 * 22.19: this Node if recent enough, else Node 22 from the npm registry (test/support/node22.ts);
 * skipped, with the reason in the title, where neither can be had.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { cleanEnv, cliSynth } from '../support/cli-synth';
import { DEMO, REPO_ROOT, SECRETS } from '../support/emulator-fixture';
import { node22 } from '../support/node22';
import { outputs, readOutdir } from '../support/synth';

const node = node22();
const cdktnVersion = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'node_modules', 'cdktn', 'package.json'), 'utf8')).version;
const cli = path.join(REPO_ROOT, 'node_modules', 'cdktn-cli', 'bin', 'cdktn');
const cdktnSynth = (extra: Record<string, string> = {}) => cliSynth(['path' in node ? node.path : '', cli], cleanEnv({ DCS_BIGKEY_FRAMEWORK: 'cdktn', ...extra }));

if (!('path' in node)) console.warn(`cdktn-cli tests skipped: ${node.reason}`);
const describeWithNode22 = 'path' in node
  ? (name: string, fn: () => void) => describe(`${name} (cdktn-cli on Node ${node.version})`, fn)
  : (name: string, fn: () => void) => describe.skip(`${name} (SKIPPED: ${node.reason})`, fn);

describeWithNode22('npx cdktn synth of the example built with cdktn', () => {
  it('passes against the embedded emulator and writes the stacks with cdktn', () => {
    const run = cdktnSynth();
    expect({ status: run.status, text: run.text }).toEqual({ status: 0, text: expect.stringMatching(/dcs-bigkey: 1 instance, \d+ tasks, source emulator/) });
    const result = readOutdir(run.outdir);
    expect(JSON.parse(fs.readFileSync(path.join(run.outdir, 'manifest.json'), 'utf8')).version).toBe(cdktnVersion);
    expect(outputs(result.stacks.producer)['orders-cache_latest_auto_status']).toBe('success');
    expect(Object.keys(result.stacks.consumer.resource)).toEqual(['terraform_data']);
    for (const secret of [...SECRETS, DEMO.accessKey]) expect(result.allText + run.text).not.toContain(secret);
  });

  it('fails with the gate message, naming the failed task, for the demo instance whose latest automatic scan failed', () => {
    const run = cdktnSynth({ DCS_BIGKEY_DEMO: 'failing' });
    expect(run.status).not.toBe(0);
    expect(run.text).toContain(`the latest automatic big key scan of instance ${DEMO.instances.sessionsCache} (sessions-cache) failed: task e8043eda-5371-47de-b413-4c25a0c8f6ba`);
  });
});
