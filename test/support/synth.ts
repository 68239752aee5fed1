/**
 * Synthesizes an app the way `cdktf synth` does (stacks written, annotations collected in the
 * manifest, error annotations reported after writing) and reads back what it wrote.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { App } from 'cdktf';
import * as cdktf from 'cdktf';
import type { Cdk } from './frameworks';

export interface SynthResult {
  readonly outdir: string;
  /** cdk.tf.json per stack. */
  readonly stacks: Record<string, any>;
  /** Annotations per stack, from the manifest. */
  readonly annotations: Record<string, Array<{ level: string; message: string; constructPath: string }>>;
  /** Every file written, concatenated: for scanning for secrets. */
  readonly allText: string;
}

/** A new App of the given framework (cdktf by default) writing to a fresh temporary directory. */
export function newApp(context: Record<string, unknown> = {}, cdk: Cdk = cdktf): App {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'dcs-bigkey-synth-'));
  return new cdk.App({ outdir, context });
}

/**
 * Synthesizes the app and reads back what it wrote. Stacks created while
 * CDKTF_CONTINUE_SYNTH_ON_ERROR_ANNOTATIONS is set (see `continueOnErrorAnnotations`) are written
 * despite error annotations, as cdktf-cli does, so the annotations can be read from the manifest.
 */
export function synthApp(app: App): SynthResult {
  app.synth();
  return readOutdir(app.outdir);
}

/** Makes stacks created from now on write their files despite error annotations (cdktf reads this at stack creation). */
export function continueOnErrorAnnotations(): void {
  process.env.CDKTF_CONTINUE_SYNTH_ON_ERROR_ANNOTATIONS = 'true';
}

export function readOutdir(outdir: string): SynthResult {
  const manifest = JSON.parse(fs.readFileSync(path.join(outdir, 'manifest.json'), 'utf8'));
  const stacks: SynthResult['stacks'] = {};
  const annotations: SynthResult['annotations'] = {};
  for (const [name, stack] of Object.entries<any>(manifest.stacks)) {
    stacks[name] = JSON.parse(fs.readFileSync(path.join(outdir, stack.synthesizedStackPath), 'utf8'));
    annotations[name] = stack.annotations;
  }
  return { outdir, stacks, annotations, allText: readAll(outdir) };
}

function readAll(dir: string): string {
  return fs.readdirSync(dir, { withFileTypes: true }).map((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? readAll(p) : fs.readFileSync(p, 'utf8');
  }).join('\n');
}

/** Output values of a synthesized stack, by name. */
export function outputs(stack: any): Record<string, unknown> {
  return Object.fromEntries(Object.entries<any>(stack.output ?? {}).map(([k, v]) => [k, v.value]));
}
