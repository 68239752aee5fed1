/**
 * `dcs-bigkey gate`: a deployment gate over the big key scans of one instance or a fleet.
 *
 * Every input is checked before the first request (exit 2). Lookups run concurrently (one
 * shared client per endpoint and project); a failed lookup is that instance's `error`
 * verdict and the others go on. The policies are lib/policy's: this file only maps flags and
 * the fleet file onto them and prints what they find.
 */
import { DcsBigKeyClient } from '../client/client';
import { DcsClientPool } from '../client/client-pool';
import { DcsConfigError, DcsError, errorFacts } from '../client/errors';
import { BigKeyTask } from '../client/types';
import { validateInstanceId } from '../client/validation';
import { parseDuration } from '../policy/duration';
import { enabledPolicies, evaluateGate, GatePolicies, GateSubject, hasTaskPolicy, lookupFailureFinding, ResolvedGatePolicies, resolveGatePolicies, verdictOf } from '../policy/gate-policy';
import { ageMs, summarizeTasks } from '../policy/task-summary';
import { mapWithConcurrency } from '../util/concurrency';
import { ENVIRONMENT_HELP, parseChoice, parseFlags, parseInteger } from './args';
import { Location, requireCredentials, resolveLocation } from './connection-flags';
import { FleetEntry, PolicyLayer, readFleetFile, withoutNulls } from './fleet-file';
import { CliIo, EXIT, UsageError } from './io';
import { Progress, progressMode } from './progress';
import { redactingIo } from './redact';
import { renderGateGithub } from './report/github';
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

const FLAGS = {
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
  'warn-only': { type: 'string' },
  format: { type: 'string' },
  concurrency: { type: 'string' },
  verbose: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

export const GATE_USAGE = `usage: dcs-bigkey gate --instance-id ID [--name NAME] [--project-id P] [--region R | --endpoint URL]
                       [policy flags] [--format table|json|markdown|github] [--verbose]
       dcs-bigkey gate --fleet FILE [policy flags] [--concurrency N] [--format …] [--verbose]

Checks the big key analysis tasks of a DCS instance (or of every instance in a fleet file)
against deployment policies, prints why, and exits with a code CI can act on.

target:
  --instance-id ID        the DCS instance id (a UUID)
  --name NAME             a name for it in reports (optional)
  --project-id P          project id (32 hex); default HUAWEICLOUD_SDK_PROJECT_ID or HW_PROJECT_ID
  --region R              e.g. cn-north-4; default HW_REGION_NAME or HUAWEICLOUD_SDK_REGION
  --endpoint URL          explicit base URL (e.g. the emulator's); default DCS_BIGKEY_ENDPOINT
  --fleet FILE            a JSON fleet file instead of --instance-id (locations and policies per
                          instance; see below)
  --concurrency N         instances checked at once, 1-${MAX_FLEET_CONCURRENCY} (default ${DEFAULT_FLEET_CONCURRENCY})

policies (the headline policy latest-auto-failed is on unless turned off; the others add to it):
  --fail-on-latest-auto-failed   block when the newest automatic scan failed (on by default)
  --no-latest-auto-failed        turn the headline policy off (another policy must then be on:
                                 a gate that checks nothing is a usage error)
  --max-auto-age DURATION        block when no automatic scan finished within DURATION (e.g. 7d, 36h)
  --require-success              block when no scan (manual or automatic) ever succeeded
  --stuck-after DURATION         block when a scan has been waiting or running longer than DURATION
  --warn-only POLICY[,POLICY]    report these policies as warnings instead of blocking:
                                 latest-auto-failed, max-auto-age, require-success, stuck-after
                                 (a lookup that fails is never a warning here: the gate fails closed)

durations: digits and a unit w, d, h, m or s, units largest first and each at most once, no
  spaces (90m, 36h, 7d, 1d12h, 1w, 60s); from 1s to 3650d

output (every format states, per instance, the policies evaluated):
  --format table|json|markdown|github
                          table (default) for people; json: the dcs-bigkey-gate/v1 schema;
                          markdown: a pull-request comment or $GITHUB_STEP_SUMMARY;
                          github: ::error/::warning workflow commands, the policies per
                          instance in a ::group::, and a ::notice:: summary
  --verbose               progress on stderr even when it is not a terminal
  -h, --help              this help

exit codes:
  0  every instance passes (warnings allowed)
  1  at least one instance is blocked by a policy
  2  usage error: bad flag, value, fleet file or configuration, or an instance whose
     policies are all off (no request was sent)
  3  at least one lookup failed (network, 401/403/404, DCS.4919, malformed data): the gate
     cannot pass without data; 3 wins over 1 (only a fleet entry with
     "onLookupFailure": "warning" turns its failed lookup into a warning)

fleet file (JSON):
  { "defaults": { "project_id": "…", "region": "…" | "endpoint": "…", "policies": { … } },
    "instances": [ { "name": "…", "instance_id": "…", "project_id": "…", "region" | "endpoint": "…",
                     "policies": { … } } ] }
  policies use the GatePolicies names: latestAutoFailed, maxAutoScanAge {maxAge, severity},
  requireSuccessfulScan, stuckTask {maxDuration, severity}, onLookupFailure; severities are
  "error" or "warning", "off" (or null) turns a policy off. latestAutoFailed is on unless
  turned off. The policy flags apply to every instance, defaults.policies override them, an
  entry's policies override both. An entry whose policies are all off is a usage error.

credentials come from the environment only (HUAWEICLOUD_SDK_AK/HUAWEICLOUD_SDK_SK,
HW_ACCESS_KEY/HW_SECRET_KEY or CLOUD_SDK_AK/CLOUD_SDK_SK), never from flags.
${ENVIRONMENT_HELP}
`;

type GateFlags = ReturnType<typeof parseFlags<typeof FLAGS>>;
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
};


const WARN_ONLY_LABEL: Readonly<Record<string, string>> = {
  latestAutoFailed: 'latest-auto-failed',
  maxAutoScanAge: 'max-auto-age',
  requireSuccessfulScan: 'require-success',
  stuckTask: 'stuck-after',
};

const FLAG_OF: Readonly<Record<string, string>> = {
  latestAutoFailed: '--fail-on-latest-auto-failed',
  maxAutoScanAge: '--max-auto-age DURATION',
  requireSuccessfulScan: '--require-success',
  stuckTask: '--stuck-after DURATION',
};

export async function runGateCommand(argv: string[], rawIo: CliIo): Promise<number> {
  const io = redactingIo(rawIo);
  const now = io.now ?? (() => new Date());
  let plan: GatePlan;
  const clients = new DcsClientPool();
  try {
    const flags = parseFlags(argv, FLAGS);
    if (flags.help) {
      io.stdout.write(GATE_USAGE);
      return EXIT.OK;
    }
    plan = planGate(flags, io.env);
    // Constructing the clients checks credentials and the rest of the configuration: still no request.
    requireCredentials(io.env); // a plan always has at least one target (an empty fleet is a usage error)
    for (const target of plan.targets) clientOf(clients, target, plan, io.env);
  } catch (error) {
    await clients.closeAll();
    return usageFailure(error, io);
  }

  const progress = new Progress(io.stderr, plan.targets.length, progressMode({ isTTY: io.isTTY, verbose: plan.verbose, total: plan.targets.length }));
  let results: InstanceResult[];
  try {
    results = await mapWithConcurrency(plan.targets, plan.concurrency, async (target) => {
      const result = await gateOne(target, clientOf(clients, target, plan, io.env), now);
      progress.tick(target.name ?? target.instanceId, result.verdict);
      return result;
    });
  } finally {
    progress.finish();
    await clients.closeAll();
  }

  const report = buildReport(results, now());
  io.stdout.write(renderGateReport(report, plan.format));
  return report.exitCode;
}

export function renderGateReport(report: GateReport, format: GateFormat): string {
  switch (format) {
    case 'json':
      return renderGateJson(report);
    case 'markdown':
      return renderGateMarkdown(report);
    case 'github':
      return renderGateGithub(report);
    case 'table':
      return renderGateTable(report);
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
    const file = readFleetFile(flags.fleet);
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
        : '--no-latest-auto-failed turns off the headline policy and no other policy flag is given, so the gate would check nothing; add --max-auto-age, --require-success or --stuck-after, or drop --no-latest-auto-failed',
    );
  }

  for (const key of warnOnly) {
    if (!targets.some((t) => t.policies[key] !== undefined)) {
      throw new UsageError(`--warn-only names ${WARN_ONLY_LABEL[key]}, which is not enabled${fleet ? ' for any instance' : ''}: add ${FLAG_OF[key]}${fleet ? ' or set it in the fleet file' : ''}`);
    }
  }

  return { targets, format, concurrency, verbose: flags.verbose === true, fleet };
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
  return {
    ...(flags['fail-on-latest-auto-failed'] ? { latestAutoFailed: 'error' as const } : {}),
    ...(flags['no-latest-auto-failed'] ? { latestAutoFailed: 'off' as const } : {}),
    ...(flags['max-auto-age'] !== undefined ? { maxAutoScanAge: { maxAge: duration('max-auto-age', flags['max-auto-age']) } } : {}),
    ...(flags['require-success'] ? { requireSuccessfulScan: 'error' as const } : {}),
    ...(flags['stuck-after'] !== undefined ? { stuckTask: { maxDuration: duration('stuck-after', flags['stuck-after']) } } : {}),
  };
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
    if (!key) throw new UsageError(`invalid --warn-only policy ${JSON.stringify(name)}: expected latest-auto-failed, max-auto-age, require-success or stuck-after`);
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
  let records: readonly BigKeyTask[];
  try {
    records = (await client.listAllBigKeyTasks(target.instanceId)).records;
  } catch (caught) {
    const error = caught instanceof Error ? caught : new Error(String(caught));
    const findings = [lookupFailureFinding(subject, error, target.policies)];
    return { ...base, verdict: verdictOf(findings), findings, lookupError: errorFacts(error) };
  }
  const at = now();
  const summary = summarizeTasks(records);
  const findings = evaluateGate(subject, summary, target.policies, at);
  const latestAuto = summary.latestAuto;
  return {
    ...base,
    verdict: verdictOf(findings),
    ...(latestAuto ? { latestAuto } : {}),
    ...(latestAuto?.finished_at ? { latestAutoAgeMs: ageMs(latestAuto.finished_at, at) } : {}),
    tasksRead: summary.count,
    findings,
  };
}

/** The pooled client of a target's location (one per endpoint and project); credentials from the environment. */
function clientOf(pool: DcsClientPool, target: GateTarget, plan: GatePlan, env: NodeJS.ProcessEnv): DcsBigKeyClient {
  return pool.get({ ...(plan.fleet ? { retry: GATE_RETRY } : {}), endpoint: target.location.endpoint, projectId: target.location.projectId, env });
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
