/**
 * `dcs-bigkey gate`: a deployment gate over the big key scans of one instance or a fleet: the
 * task list, and, when a policy needs them, the keys of the latest successful scan and the
 * automatic analysis settings (read by lib/lookup/scan-data.ts, as synth-time lookups read them).
 *
 * Every input is checked before the first request (exit 2). Lookups run concurrently (one
 * shared client per endpoint and project); a failed lookup is that instance's `error`
 * verdict and the others go on. The policies are lib/policy's: this file only maps flags and
 * the fleet file onto them and prints what they find.
 */
import { appendFileSync } from 'node:fs';
import { DcsBigKeyClient, RetryEvent } from '../client/client';
import { DcsClientPool } from '../client/client-pool';
import { DcsConfigError, DcsError, errorFacts } from '../client/errors';
import { allowInsecureHttp, validateInstanceId } from '../client/validation';
import { readScanData, ScanData } from '../lookup/scan-data';
import { parseDuration } from '../policy/duration';
import { parseSize } from '../policy/size';
import { MAX_KEY_COUNT, MAX_MEMBERS } from '../policy/key-policy';
import { enabledPolicies, evaluateGate, GatePolicies, GateSubject, hasTaskPolicy, lookupFailureFinding, ResolvedGatePolicies, resolveGatePolicies, verdictOf } from '../policy/gate-policy';
import { ageMs, summarizeTasks } from '../policy/task-summary';
import { mapWithConcurrency } from '../util/concurrency';
import { parseChoice, parseFlags, parseInteger } from './args';
import { CREDENTIALS_HELP, Location, locationFlagsHelp, requireCredentials, resolveLocation } from './connection-flags';
import { FleetEntry, PolicyLayer, readFleetFile, withoutNulls } from './fleet-file';
import { CliIo, EXIT, terminalWidth, UsageError } from './io';
import { Progress, progressMode } from './progress';
import { parseReportFlag, removeUnwrittenReports, ReportFile, writeReportFiles } from './report-files';
import { redactingIo } from './redact';
import { escapeData, renderGateGithub } from './report/github';
import { renderGateJson } from './report/json';
import { renderGateMarkdown } from './report/markdown';
import { buildReport, GateReport, InstanceResult } from './report/model';
import { renderGateTable } from './report/table';

export const GATE_FORMATS = ['table', 'json', 'markdown', 'github'] as const;
export type GateFormat = (typeof GATE_FORMATS)[number];

export const DEFAULT_FLEET_CONCURRENCY = 16;
export const MAX_FLEET_CONCURRENCY = 256;
/** Retries per request in a gate run: throttling slows a fleet down instead of failing it. */
export const GATE_RETRY = { maxRetries: 10 } as const;

export const GATE_FLAGS = {
  'instance-id': { type: 'string' },
  name: { type: 'string' },
  'project-id': { type: 'string' },
  region: { type: 'string' },
  endpoint: { type: 'string' },
  fleet: { type: 'string' },
  'fail-on-latest-auto-failed': { type: 'boolean' },
  'no-latest-auto-failed': { type: 'boolean' },
  'max-auto-age': { type: 'string' },
  'require-success': { type: 'boolean' },
  'stuck-after': { type: 'string' },
  'max-big-keys': { type: 'string' },
  'max-string-size': { type: 'string' },
  'max-members': { type: 'string' },
  'require-auto-scan': { type: 'boolean' },
  'warn-only': { type: 'string' },
  format: { type: 'string' },
  report: { type: 'string' },
  concurrency: { type: 'string' },
  verbose: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

export const GATE_USAGE = `usage: dcs-bigkey gate --instance-id ID [--name NAME] [--project-id P]
                       [--region R | --endpoint URL] [policy flags]
                       [--format F] [--report F=FILE,...] [--verbose]
       dcs-bigkey gate --fleet FILE [--concurrency N] [policy flags]
                       [--format F] [--report F=FILE,...] [--verbose]

Checks the big key analysis tasks of a DCS instance (or of every instance in
a fleet file) against deployment policies, prints why, and exits with a code
CI can act on.

target:
  --instance-id ID      the DCS instance id (a UUID)
  --name NAME           a name for it in reports (optional)
${locationFlagsHelp(24)}
  --fleet FILE          a JSON fleet file instead of --instance-id (locations
                        and policies per instance; see below)
  --concurrency N       instances checked at once, 1-${MAX_FLEET_CONCURRENCY} (default ${DEFAULT_FLEET_CONCURRENCY})

policies (latest-auto-failed, the headline policy, is on unless turned off;
the others add to it):
  --fail-on-latest-auto-failed
                        block when the newest automatic scan with a result
                        failed (on by default; newer scans still waiting or
                        running do not clear it)
  --no-latest-auto-failed
                        turn the headline policy off (another policy must
                        then be on: a gate that checks nothing is a usage
                        error)
  --max-auto-age DURATION
                        block when no automatic scan finished within DURATION
                        (e.g. 7d, 36h)
  --require-success     block when no scan (manual or automatic) ever succeeded
  --stuck-after DURATION
                        block when a scan has been waiting or running longer
                        than DURATION
  --max-big-keys N      block when the latest successful scan found more than
                        N big keys
  --max-string-size SIZE
                        block when it found a string key over SIZE (e.g.
                        10MB)
  --max-members N       block when it found a list, set, zset or hash with
                        more than N members
                        (these three are one policy, big-keys: they read the
                        keys of that scan, one more request per instance; no
                        successful scan blocks too)
  --require-auto-scan   block when automatic big key analysis is disabled or
                        has no schedule time (auto-scan-enabled)
  --warn-only POLICY[,POLICY]
                        report these policies as warnings instead of blocking:
                        latest-auto-failed, max-auto-age, require-success,
                        stuck-after, big-keys, require-auto-scan (a lookup
                        that fails is never a warning here: the gate fails
                        closed)

durations: digits and a unit w, d, h, m or s, units largest first and each at
most once, no spaces (90m, 36h, 7d, 1d12h, 1w, 60s); from 1s to 3650d.
sizes: digits and an optional unit B, KB, MB or GB, 1024-based as in Redis
(10MB = 10485760 bytes), no spaces or decimals; at most 512MB.

output (every format states, per instance, the policies evaluated):
  --format F            the report on stdout, one of:
                        table (default): for people; fits the terminal
                        (COLUMNS, else its width; unlimited when not one)
                        json: the dcs-bigkey-gate/v1 schema
                        (schemas/gate-report-v1.schema.json)
                        markdown: a pull-request comment, at most 64,000
                        characters; a larger fleet's is shortened (problems
                        first) and says what it left out
                        github: ::error/::warning workflow commands (at most
                        10 of each), the policies per instance in a
                        ::group::, and a ::notice summary; with
                        GITHUB_STEP_SUMMARY set, the markdown report is
                        appended to that file
  --report F=FILE,...   also write reports of this run to files, e.g.
                        json=gate.json,markdown=gate.md (formats as above;
                        each file written atomically; checked before any
                        request)
  --verbose             progress (and retry waits) on stderr even when it is
                        not a terminal
  -h, --help            this help

exit codes:
  0  every instance passes (warnings allowed)
  1  at least one instance is blocked by a policy
  2  usage error: bad flag, value, fleet file, report path or configuration,
     or an instance whose policies are all off (no request was sent)
  3  at least one lookup failed (network, 401/403/404, DCS.4919, malformed
     data): the gate cannot pass without data; 3 wins over 1 (only a fleet
     entry with "onLookupFailure": "warning" turns its failed lookup into a
     warning). Also 3 when a --report file could not be written (every
     report then says exit code 3, and the file that could not be
     written is removed).

fleet file (JSON; schema: schemas/fleet-file.schema.json, "$schema" allowed):
  { "defaults": { "project_id": "…", "region": "…" | "endpoint": "…",
                  "policies": { … } },
    "instances": [ { "name": "…", "instance_id": "…", "project_id": "…",
                     "region" | "endpoint": "…", "policies": { … } } ] }
  policies use the GatePolicies names: latestAutoFailed, maxAutoScanAge
  {maxAge, severity}, requireSuccessfulScan, stuckTask {maxDuration,
  severity}, bigKeys {maxCount, maxStringBytes, maxMembers, severity},
  autoScanEnabled, onLookupFailure; severities are "error" or "warning",
  "off" (or null) turns a policy off. latestAutoFailed is on unless turned
  off. The policy flags apply to every instance, defaults.policies override
  them, an entry's policies override both (a policy as a whole: an entry's
  bigKeys replaces the flags' limits). An entry whose policies are all off is
  a usage error.

${CREDENTIALS_HELP}
`;

type GateFlags = ReturnType<typeof parseFlags<typeof GATE_FLAGS>>;
type PolicyKey = keyof GatePolicies;

/** One instance to check, fully resolved. */
export interface GateTarget {
  readonly index: number;
  readonly name?: string;
  readonly instanceId: string;
  readonly location: Location;
  readonly policies: ResolvedGatePolicies;
}

export interface GatePlan {
  readonly targets: readonly GateTarget[];
  readonly format: GateFormat;
  readonly concurrency: number;
  readonly verbose: boolean;
  readonly fleet: boolean;
  /** Reports written to files besides stdout's (--report). */
  readonly reports: readonly ReportFile<GateFormat>[];
}

/** Names --warn-only accepts: the flags' and lib/policy's. */
const WARN_ONLY_NAMES: Readonly<Record<string, Exclude<PolicyKey, 'onLookupFailure'>>> = {
  'latest-auto-failed': 'latestAutoFailed',
  'fail-on-latest-auto-failed': 'latestAutoFailed',
  latestAutoFailed: 'latestAutoFailed',
  'max-auto-age': 'maxAutoScanAge',
  'max-auto-scan-age': 'maxAutoScanAge',
  maxAutoScanAge: 'maxAutoScanAge',
  'require-success': 'requireSuccessfulScan',
  'require-successful-scan': 'requireSuccessfulScan',
  requireSuccessfulScan: 'requireSuccessfulScan',
  'stuck-after': 'stuckTask',
  'stuck-task': 'stuckTask',
  stuckTask: 'stuckTask',
  'big-keys': 'bigKeys',
  'max-big-keys': 'bigKeys',
  'max-string-size': 'bigKeys',
  'max-members': 'bigKeys',
  bigKeys: 'bigKeys',
  'require-auto-scan': 'autoScanEnabled',
  'auto-scan-enabled': 'autoScanEnabled',
  autoScanEnabled: 'autoScanEnabled',
};


const WARN_ONLY_LABEL: Readonly<Record<string, string>> = {
  latestAutoFailed: 'latest-auto-failed',
  maxAutoScanAge: 'max-auto-age',
  requireSuccessfulScan: 'require-success',
  stuckTask: 'stuck-after',
  bigKeys: 'big-keys',
  autoScanEnabled: 'require-auto-scan',
};

const FLAG_OF: Readonly<Record<string, string>> = {
  latestAutoFailed: '--fail-on-latest-auto-failed',
  maxAutoScanAge: '--max-auto-age DURATION',
  requireSuccessfulScan: '--require-success',
  stuckTask: '--stuck-after DURATION',
  bigKeys: '--max-big-keys N, --max-string-size SIZE or --max-members N',
  autoScanEnabled: '--require-auto-scan',
};

export async function runGateCommand(argv: string[], rawIo: CliIo): Promise<number> {
  const io = redactingIo(rawIo);
  const now = io.now ?? (() => new Date());
  let plan: GatePlan;
  let progress: Progress | undefined;
  const names = new Map<string, string>();
  // Every client reports its retry waits to the progress display (made once the plan is known).
  const onRetry = (event: RetryEvent) => progress?.retry(names.get(event.instanceId.toLowerCase()) ?? event.instanceId, event);
  const clients = new DcsClientPool();
  try {
    const flags = parseFlags(argv, GATE_FLAGS);
    if (flags.help) {
      io.stdout.write(GATE_USAGE);
      return EXIT.OK;
    }
    plan = planGate(flags, io.env);
    // Constructing the clients checks credentials and the rest of the configuration: still no request.
    requireCredentials(io.env); // a plan always has at least one target (an empty fleet is a usage error)
    for (const target of plan.targets) clientOf(clients, target, plan, io.env, onRetry);
  } catch (error) {
    await clients.closeAll();
    return usageFailure(error, io);
  }

  for (const target of plan.targets) names.set(target.instanceId.toLowerCase(), target.name ?? target.instanceId);
  const shown = new Progress(io.stderr, plan.targets.length, progressMode({ isTTY: io.isTTY, verbose: plan.verbose }));
  progress = shown;
  let results: InstanceResult[];
  try {
    results = await mapWithConcurrency(plan.targets, plan.concurrency, async (target) => {
      const result = await gateOne(target, clientOf(clients, target, plan, io.env, onRetry), now);
      shown.tick(target.name ?? target.instanceId, result.verdict);
      return result;
    });
  } finally {
    shown.finish();
    await clients.closeAll();
  }

  let report = buildReport(results, now());
  const failures = writeReportFiles(plan.reports, (format) => renderGateReport(report, format));
  if (failures.length > 0) {
    // Every report says the exit code the command ends with: one read instead of the process
    // status (`--format json … || true`, then the report's exit_code) must not read a pass.
    report = { ...report, exitCode: EXIT.LOOKUP_FAILED };
    const failed = new Set(failures.map((f) => f.file));
    failures.push(...writeReportFiles(plan.reports.filter((r) => !failed.has(r.file)), (format) => renderGateReport(report, format)));
  }
  for (const failure of failures) {
    io.stderr.write(`dcs-bigkey gate: could not write the report ${failure.file}: ${failure.message}; the gate's result is incomplete (exit code ${EXIT.LOOKUP_FAILED})\n`);
  }
  // A file that does not hold this run's final report must not stay to be read as one.
  for (const left of removeUnwrittenReports(failures.map((f) => f.file))) {
    io.stderr.write(`dcs-bigkey gate: could not remove ${left.file} either (${left.message}): it is not this run's report; delete it\n`);
  }
  const stepSummary = plan.format === 'github' ? appendStepSummary(report, io) : false;
  io.stdout.write(renderGateReport(report, plan.format, { stepSummary, width: terminalWidth(io) }));
  return report.exitCode;
}

/** A report in one format; `width` fits the table to a terminal (files get it whole). */
export function renderGateReport(report: GateReport, format: GateFormat, options: { stepSummary?: boolean; width?: number } = {}): string {
  switch (format) {
    case 'json':
      return renderGateJson(report);
    case 'markdown':
      return renderGateMarkdown(report);
    case 'github':
      return renderGateGithub(report, options);
    case 'table':
      return renderGateTable(report, { width: options.width });
  }
}

/**
 * In GitHub Actions, `$GITHUB_STEP_SUMMARY` names a file whose markdown becomes the job
 * summary: the markdown report is appended there. A failure to do so is a warning annotation,
 * not a gate failure (the annotations still carry the result).
 */
function appendStepSummary(report: GateReport, io: CliIo): boolean {
  const file = io.env.GITHUB_STEP_SUMMARY;
  if (!file) return false;
  try {
    appendFileSync(file, renderGateMarkdown(report) + '\n');
    return true;
  } catch (error) {
    io.stdout.write(`::warning::${escapeData(`dcs-bigkey gate: could not append the report to GITHUB_STEP_SUMMARY (${file}): ${(error as Error).message}`)}\n`);
    return false;
  }
}

/** Checks every flag and the fleet file, resolving each instance's location and policies. Throws UsageError/DcsConfigError. */
export function planGate(flags: GateFlags, env: NodeJS.ProcessEnv): GatePlan {
  const format = flags.format === undefined ? 'table' : parseChoice('format', flags.format, GATE_FORMATS);
  const cliLayer = policyFlags(flags);
  const warnOnly = flags['warn-only'] === undefined ? [] : parseWarnOnly(flags['warn-only']);
  const concurrency = flags.concurrency === undefined ? DEFAULT_FLEET_CONCURRENCY : parseInteger('concurrency', flags.concurrency, 1, MAX_FLEET_CONCURRENCY);
  let targets: GateTarget[];
  let fleet = false;

  if (flags.fleet !== undefined) {
    for (const flag of ['instance-id', 'name', 'project-id', 'region', 'endpoint'] as const) {
      if (flags[flag] !== undefined) {
        throw new UsageError(`--${flag} cannot be combined with --fleet: set it in the fleet file (per instance, or under "defaults")`);
      }
    }
    fleet = true;
    const file = readFleetFile(flags.fleet, { allowInsecureHttp: allowInsecureHttp(undefined, env) });
    targets = file.instances.map((entry) => {
      try {
        return {
          index: entry.index,
          ...(entry.name !== undefined ? { name: entry.name } : {}),
          instanceId: entry.instanceId,
          location: entryLocation(entry, file.defaults.location, env),
          policies: resolveLayers([cliLayer, file.defaults.policies, entry.policies], warnOnly, `${entry.where}.policies`),
        };
      } catch (error) {
        if (error instanceof DcsError || error instanceof UsageError) throw new UsageError(`fleet file ${file.file}: ${entry.where}: ${error.message}`);
        throw error;
      }
    });
  } else {
    if (flags['instance-id'] === undefined) throw new UsageError('no instance: pass --instance-id ID, or --fleet FILE for many instances');
    if (flags.concurrency !== undefined) throw new UsageError('--concurrency applies to --fleet only');
    const instanceId = validateInstanceId(flags['instance-id'], '--instance-id');
    if (flags.name !== undefined && (flags.name.trim() === '' || /[\u0000-\u001f\u007f]/.test(flags.name))) {
      throw new UsageError('invalid --name: expected a non-empty name without control characters');
    }
    targets = [{
      index: 0,
      ...(flags.name !== undefined ? { name: flags.name } : {}),
      instanceId,
      location: resolveLocation({ projectId: flags['project-id'], region: flags.region, endpoint: flags.endpoint }, env),
      policies: resolveLayers([cliLayer], warnOnly, 'policies'),
    }];
  }

  for (const target of targets) {
    if (hasTaskPolicy(target.policies)) continue;
    // A gate that checks nothing must not run: it would pass whatever the tasks say.
    throw new UsageError(
      fleet
        ? `fleet file ${flags.fleet}: ${fleetWhere(target)}: every policy is off, so its gate would check nothing; turn one on for it (e.g. "latestAutoFailed": "error") or remove it from the fleet`
        : '--no-latest-auto-failed turns off the headline policy and no other policy flag is given, so the gate would check nothing; add --max-auto-age, --require-success, --stuck-after, --max-big-keys, --max-string-size, --max-members or --require-auto-scan, or drop --no-latest-auto-failed',
    );
  }

  for (const key of warnOnly) {
    if (!targets.some((t) => t.policies[key] !== undefined)) {
      throw new UsageError(`--warn-only names ${WARN_ONLY_LABEL[key]}, which is not enabled${fleet ? ' for any instance' : ''}: add ${FLAG_OF[key]}${fleet ? ' or set it in the fleet file' : ''}`);
    }
  }

  const reports = flags.report === undefined ? [] : parseReportFlag(flags.report, GATE_FORMATS);
  return { targets, format, concurrency, verbose: flags.verbose === true, fleet, reports };
}

/** The policy flags as the lowest layer (the headline policy is on below every layer). */
function policyFlags(flags: GateFlags): PolicyLayer {
  if (flags['fail-on-latest-auto-failed'] && flags['no-latest-auto-failed']) {
    throw new UsageError('--fail-on-latest-auto-failed and --no-latest-auto-failed contradict each other: give one');
  }
  const duration = (flag: string, value: string): string => {
    try {
      parseDuration(value, `--${flag}`, { milliseconds: false });
    } catch (error) {
      throw new UsageError((error as Error).message);
    }
    return value;
  };
  const bigKeys = {
    ...(flags['max-big-keys'] !== undefined ? { maxCount: parseInteger('max-big-keys', flags['max-big-keys'], 0, MAX_KEY_COUNT) } : {}),
    ...(flags['max-string-size'] !== undefined ? { maxStringBytes: size('max-string-size', flags['max-string-size']) } : {}),
    ...(flags['max-members'] !== undefined ? { maxMembers: parseInteger('max-members', flags['max-members'], 0, MAX_MEMBERS) } : {}),
  };
  return {
    ...(flags['fail-on-latest-auto-failed'] ? { latestAutoFailed: 'error' as const } : {}),
    ...(flags['no-latest-auto-failed'] ? { latestAutoFailed: 'off' as const } : {}),
    ...(flags['max-auto-age'] !== undefined ? { maxAutoScanAge: { maxAge: duration('max-auto-age', flags['max-auto-age']) } } : {}),
    ...(flags['require-success'] ? { requireSuccessfulScan: 'error' as const } : {}),
    ...(flags['stuck-after'] !== undefined ? { stuckTask: { maxDuration: duration('stuck-after', flags['stuck-after']) } } : {}),
    ...(Object.keys(bigKeys).length > 0 ? { bigKeys } : {}),
    ...(flags['require-auto-scan'] ? { autoScanEnabled: 'error' as const } : {}),
  };
}

/** A size flag in bytes (the size grammar of lib/policy/size.ts), or a usage error naming the flag. */
function size(flag: string, value: string): number {
  try {
    return parseSize(value, `--${flag}`);
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}

function parseWarnOnly(raw: string): Exclude<PolicyKey, 'onLookupFailure'>[] {
  const names = raw.split(',').map((n) => n.trim()).filter((n) => n !== '');
  if (names.length === 0) throw new UsageError(`invalid --warn-only ${JSON.stringify(raw)}: expected policy names separated by commas, e.g. max-auto-age,stuck-after`);
  const keys = new Set<Exclude<PolicyKey, 'onLookupFailure'>>();
  for (const name of names) {
    if (name === 'lookup-failed' || name === 'onLookupFailure') {
      throw new UsageError('--warn-only cannot make lookup-failed a warning: the gate fails closed when it cannot read an instance (remove the instance from the fleet, or set "onLookupFailure" for it in the fleet file)');
    }
    const key = Object.prototype.hasOwnProperty.call(WARN_ONLY_NAMES, name) ? WARN_ONLY_NAMES[name] : undefined;
    if (!key) throw new UsageError(`invalid --warn-only policy ${JSON.stringify(name)}: expected latest-auto-failed, max-auto-age, require-success, stuck-after, big-keys or require-auto-scan`);
    keys.add(key);
  }
  return [...keys];
}

/**
 * Later layers override earlier ones field by field; `"off"` (or `null`) turns a policy off.
 * Below every layer the headline policy is on: the latest automatic scan must not have failed.
 * --warn-only then lowers the named policies to warnings.
 */
export function resolveLayers(layers: readonly (PolicyLayer | undefined)[], warnOnly: readonly PolicyKey[], where: string): ResolvedGatePolicies {
  const merged: PolicyLayer = { latestAutoFailed: 'error' };
  for (const layer of layers) if (layer) Object.assign(merged, layer);
  const policies: Record<string, unknown> = { ...withoutNulls(merged) };
  for (const key of warnOnly) {
    const value = policies[key];
    if (value === undefined || value === 'off') continue;
    policies[key] = typeof value === 'object' ? { ...(value as object), severity: 'warning' } : 'warning';
  }
  return resolveGatePolicies(policies as GatePolicies, where);
}

/** How a fleet target is named in errors, e.g. `instances[3] ("orders-cache")`. */
function fleetWhere(target: GateTarget): string {
  return `instances[${target.index}]${target.name !== undefined ? ` (${JSON.stringify(target.name)})` : ''}`;
}

function entryLocation(entry: FleetEntry, defaults: FleetEntry['location'], env: NodeJS.ProcessEnv): Location {
  const own = entry.location.region !== undefined || entry.location.endpoint !== undefined;
  const place = own ? entry.location : defaults;
  const from = (field: string, set: boolean) => (set ? `${entry.where}.${field}` : `defaults.${field}`);
  return resolveLocation(
    { projectId: entry.location.projectId ?? defaults.projectId, region: place.region, endpoint: place.endpoint },
    env,
    {
      projectId: entry.location.projectId !== undefined ? `${entry.where}.project_id` : 'project_id (in the entry or in defaults)',
      region: place.region !== undefined ? from('region', own) : 'region (in the entry or in defaults)',
      endpoint: place.endpoint !== undefined ? from('endpoint', own) : 'endpoint',
    },
  );
}

/** Looks one instance up and applies its policies. Never throws: a failure is the `error` verdict. */
export async function gateOne(target: GateTarget, client: DcsBigKeyClient, now: () => Date): Promise<InstanceResult> {
  const subject: GateSubject = { instanceId: target.instanceId, ...(target.name !== undefined ? { name: target.name } : {}) };
  const base = {
    ...(target.name !== undefined ? { name: target.name } : {}),
    instanceId: target.instanceId,
    projectId: target.location.projectId,
    policies: enabledPolicies(target.policies),
  };
  let data: ScanData;
  try {
    // Keys and settings only when a policy needs them; key names are never read into a report.
    data = await readScanData(client, { kind: 'bigkey', instanceId: target.instanceId, keys: target.policies.bigKeys !== undefined, autoscan: target.policies.autoScanEnabled !== undefined });
  } catch (caught) {
    const error = caught instanceof Error ? caught : new Error(String(caught));
    const findings = [lookupFailureFinding(subject, error, target.policies)];
    return { ...base, verdict: verdictOf(findings), findings, lookupError: errorFacts(error) };
  }
  const at = now();
  const summary = summarizeTasks(data.records);
  const findings = evaluateGate(subject, summary, target.policies, at, { kind: 'bigkey', keys: data.keyScan, autoscan: data.autoscan });
  const latestAuto = summary.latestAuto;
  return {
    ...base,
    verdict: verdictOf(findings),
    ...(latestAuto ? { latestAuto } : {}),
    ...(latestAuto?.finished_at ? { latestAutoAgeMs: ageMs(latestAuto.finished_at, at) } : {}),
    tasksRead: summary.count,
    ...(data.keyScan !== undefined ? { keyScan: data.keyScan } : {}),
    ...(data.autoscan ? { autoscan: data.autoscan } : {}),
    findings,
  };
}

/** The pooled client of a target's location (one per endpoint and project); credentials from the environment. */
function clientOf(pool: DcsClientPool, target: GateTarget, plan: GatePlan, env: NodeJS.ProcessEnv, onRetry: (event: RetryEvent) => void): DcsBigKeyClient {
  return pool.get({ ...(plan.fleet ? { retry: GATE_RETRY } : {}), endpoint: target.location.endpoint, projectId: target.location.projectId, env, onRetry });
}

/** Usage and configuration errors: exit 2. Anything else here is unexpected: exit 3 (the gate could not decide). */
function usageFailure(error: unknown, io: CliIo): number {
  if (error instanceof UsageError || error instanceof DcsConfigError) {
    io.stderr.write(`dcs-bigkey gate: ${error.message}\nrun \`dcs-bigkey gate --help\` for usage\n`);
    return EXIT.USAGE;
  }
  io.stderr.write(`dcs-bigkey gate: unexpected error, the gate cannot pass: ${(error as Error)?.stack ?? String(error)}\n`);
  return EXIT.LOOKUP_FAILED;
}
