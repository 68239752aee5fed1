/**
 * Running `dcs-bigkey` in tests: as the built executable in a real process
 * (`node dist/cli/main.js …`), or in-process through a command's run function. Both capture
 * stdout, stderr and the exit code; every captured text is kept so a suite can check at the
 * end that no credential ever appeared in any output.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { BufferStream, CliIo } from '../../lib/cli/io';
import { EmulatorProcess, spawnEmulator } from '../../lib/emulator';
import { useEmulatorProcess } from './emulator-fixture';
import { expectValidGateReport } from './json-schemas';

export const REPO_ROOT = path.resolve(__dirname, '..', '..');
export const BUILT_CLI = path.join(REPO_ROOT, 'dist', 'cli', 'main.js');

export const DEMO_CREDENTIALS = {
  accessKey: 'DCSEMULATORDEMOAK001',
  secretKey: 'dcs-emulator-demo-secret-0000000000000000',
} as const;

export interface CliRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Every output captured by this process's runs, for a final secret scan. */
export const capturedOutputs: string[] = [];

export function requireBuiltCli(): void {
  if (!existsSync(BUILT_CLI)) throw new Error(`${BUILT_CLI} is missing: run \`npx tsc -p tsconfig.json\` (npm test builds first)`);
}

/**
 * A clean environment for the child: PATH only, plus what the test gives. Nothing of the
 * developer's own HW_* / HUAWEICLOUD_* variables can leak into a test.
 */
export function cleanEnv(extra: Readonly<Record<string, string | undefined>> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH ?? '/usr/bin:/bin' };
  for (const [key, value] of Object.entries(extra)) if (value !== undefined) env[key] = value;
  return env;
}

/** Demo credentials and project in the environment, the endpoint given by the caller. */
export function demoEnv(endpoint?: string, extra: Readonly<Record<string, string | undefined>> = {}): NodeJS.ProcessEnv {
  return cleanEnv({
    HUAWEICLOUD_SDK_AK: DEMO_CREDENTIALS.accessKey,
    HUAWEICLOUD_SDK_SK: DEMO_CREDENTIALS.secretKey,
    HUAWEICLOUD_SDK_PROJECT_ID: '0b6bd4e1a8f34b0c9a8a4f5c1e0d2a7b',
    ...(endpoint ? { DCS_BIGKEY_ENDPOINT: endpoint } : {}),
    ...extra,
  });
}

/** Runs the built executable as a real process (`nodeArgs` e.g. a small `--max-old-space-size`). */
export function runBuiltCli(args: readonly string[], env: NodeJS.ProcessEnv, timeoutMs = 50_000, nodeArgs: readonly string[] = []): Promise<CliRun> {
  return runNode([...nodeArgs, BUILT_CLI, ...args], env, timeoutMs);
}

/** Runs `node ARGS…` as a real process, capturing its output. */
export function runNode(args: readonly string[], env: NodeJS.ProcessEnv, timeoutMs = 50_000): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => (stdout += c));
    child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.once('close', (code) => {
      clearTimeout(timer);
      capturedOutputs.push(stdout, stderr);
      resolve({ code, stdout, stderr });
    });
  });
}

export type CommandRunner = (argv: string[], io: CliIo) => Promise<number>;

/** Runs a command in-process with captured streams. */
export async function runInProcess(
  run: CommandRunner,
  args: readonly string[],
  env: NodeJS.ProcessEnv,
  options: { isTTY?: boolean; now?: () => Date } = {},
): Promise<CliRun> {
  const stdout = new BufferStream();
  const stderr = new BufferStream();
  const code = await run([...args], { stdout, stderr, env, isTTY: options.isTTY ?? false, ...(options.now ? { now: options.now } : {}) });
  capturedOutputs.push(stdout.text, stderr.text);
  return { code, stdout: stdout.text, stderr: stderr.text };
}

/** Fails naming the secret and where it appeared (the secret itself is not repeated). */
export function expectNoCredentials(texts: readonly string[], secrets: readonly string[] = [DEMO_CREDENTIALS.secretKey, DEMO_CREDENTIALS.accessKey]): void {
  for (const [i, text] of texts.entries()) {
    for (const [j, secret] of secrets.entries()) {
      if (text.includes(secret)) throw new Error(`credential #${j} appeared in captured output #${i}: ${text.slice(0, 200)}…`);
    }
  }
}

/**
 * The `dcs-bigkey-gate/v1` contract: the shipped JSON Schema (schemas/gate-report-v1.schema.json,
 * nothing undeclared), and the structural checks below (documented in lib/cli/report/json.ts).
 */
export function expectGateJsonSchema(doc: any): void {
  expectValidGateReport(doc);
  const verdicts = ['pass', 'warn', 'blocked', 'error'];
  const iso = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
  expect(Object.keys(doc).sort()).toEqual(['exit_code', 'generated_at', 'instances', 'schema', 'summary', 'verdict']);
  expect(doc.schema).toBe('dcs-bigkey-gate/v1');
  expect(doc.generated_at).toMatch(iso);
  expect(verdicts).toContain(doc.verdict);
  expect([0, 1, 3]).toContain(doc.exit_code);
  expect(Object.keys(doc.summary).sort()).toEqual(['blocked', 'error', 'pass', 'total', 'warn']);
  expect(doc.summary.total).toBe(doc.instances.length);
  for (const v of verdicts) expect(doc.summary[v]).toBe(doc.instances.filter((i: any) => i.verdict === v).length);
  for (const i of doc.instances) {
    expect(Object.keys(i).sort()).toEqual(['auto_scan', 'big_keys', 'findings', 'instance_id', 'latest_auto', 'lookup_error', 'name', 'policies', 'project_id', 'tasks_read', 'verdict']);
    // Which policies were evaluated: never none (a gate that checks nothing must not run).
    expect(i.policies.length).toBeGreaterThan(0);
    for (const p of i.policies) expect(['latest-auto-failed', 'max-auto-scan-age', 'require-successful-scan', 'stuck-task', 'big-keys', 'auto-scan-enabled']).toContain(p);
    // Keys and settings only where their policy was evaluated and the lookup did not fail; never a key's name.
    if (i.big_keys !== null) {
      expect(i.policies).toContain('big-keys');
      expect(Object.keys(i.big_keys).sort()).toEqual(['finished_at', 'largest_collection', 'largest_string', 'num', 'task_id']);
      for (const key of [i.big_keys.largest_string, i.big_keys.largest_collection]) if (key !== null) expect(Object.keys(key).sort()).toEqual(['db', 'shard', 'size', 'type', 'unit']);
    }
    if (i.auto_scan !== null) expect(i.policies).toContain('auto-scan-enabled');
    expect(i.name === null || typeof i.name === 'string').toBe(true);
    expect(i.instance_id).toMatch(/^[0-9a-f-]{36}$/);
    expect(i.project_id).toMatch(/^[0-9a-f]{32}$/);
    expect(verdicts).toContain(i.verdict);
    if (i.latest_auto !== null) {
      expect(Object.keys(i.latest_auto).sort()).toEqual(['age_seconds', 'created_at', 'finished_at', 'id', 'started_at', 'status']);
      expect(i.latest_auto.age_seconds === null || Number.isInteger(i.latest_auto.age_seconds)).toBe(true);
    }
    expect(i.tasks_read === null || Number.isInteger(i.tasks_read)).toBe(true);
    for (const f of i.findings) {
      expect(Object.keys(f).sort()).toEqual(['message', 'policy', 'severity', 'task_id']);
      expect(['latest-auto-failed', 'max-auto-scan-age', 'require-successful-scan', 'stuck-task', 'big-keys', 'auto-scan-enabled', 'lookup-failed']).toContain(f.policy);
      expect(['error', 'warning']).toContain(f.severity);
    }
    if (i.lookup_error !== null) expect(Object.keys(i.lookup_error).sort()).toEqual(['error_code', 'name', 'request_id', 'status']);
    if (i.verdict === 'pass') expect(i.findings).toEqual([]);
    if (i.verdict === 'error') expect(i.lookup_error).not.toBeNull();
  }
}

export interface CliTestContext {
  readonly emulator: EmulatorProcess;
  /** A temporary directory for fleet files, removed after the tests. */
  readonly dir: string;
}

/**
 * The lifecycle every command test file shares: an emulator process (useEmulatorProcess: faults
 * and stats cleared before each test) and a temporary directory for the file's tests (after
 * `setup`), and at the end a scan of every captured output for credentials.
 */
export function useCliEmulator(prefix: string, setup: (context: CliTestContext) => Promise<void> = async () => undefined, setupTimeoutMs = 60_000): CliTestContext {
  const context = useEmulatorProcess(() => spawnEmulator({ quiet: true })) as { emulator: EmulatorProcess; dir: string };
  beforeAll(async () => {
    context.dir = mkdtempSync(path.join(tmpdir(), prefix));
    await setup(context);
  }, setupTimeoutMs);
  afterAll(async () => {
    if (context.dir) rmSync(context.dir, { recursive: true, force: true });
    // Whatever happened above: no credential in any output of any run.
    expectNoCredentials(capturedOutputs);
  });
  return context;
}
