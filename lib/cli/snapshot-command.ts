/**
 * `dcs-bigkey snapshot refresh`: re-reads every entry of the snapshot file (the committed record
 * of what synth-time lookups fetched, see lib/lookup/snapshot-file.ts) and rewrites it.
 * All or nothing: if any lookup fails, the file is left exactly as it was.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { resolveCredentials } from '../client/credentials';
import { endpointForRegion } from '../client/endpoint';
import { DcsConfigError } from '../client/errors';
import { BigKeyTaskStatus } from '../client/types';
import { validateEndpoint } from '../client/validation';
import { lookupMany } from '../lookup/batch';
import { clientSettingsFromEnv, LookupRequest, LookupTarget } from '../lookup/lookup-request';
import {
  DEFAULT_SNAPSHOT_FILE,
  readSnapshot,
  RECORD_ADVICE,
  SNAPSHOT_FILE_CONTEXT,
  SNAPSHOT_FILE_ENV,
  SnapshotEntry,
  SnapshotError,
  writeSnapshot,
} from '../lookup/snapshot-file';
import { ENVIRONMENT_HELP, parseFlags } from './args';
import { requireCredentials } from './connection-flags';
import { CliIo, EXIT, UsageError } from './io';

const FLAGS = {
  file: { type: 'string' },
  endpoint: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

export const SNAPSHOT_USAGE = `usage: dcs-bigkey snapshot refresh [--file FILE] [--endpoint URL]

Re-reads every entry of the lookup snapshot file (the one synth uses: DCS_BIGKEY_SNAPSHOT_FILE,
else cdktf.json's context "${SNAPSHOT_FILE_CONTEXT}", else ./${DEFAULT_SNAPSHOT_FILE}) from its
region or endpoint, and rewrites the file atomically.
If any lookup fails, nothing is written. Commit the file to make synths reproducible offline
(synth with DCS_BIGKEY_SNAPSHOT=replay); record new entries with DCS_BIGKEY_SNAPSHOT=record.

  --file FILE      the snapshot file
  --endpoint URL   read every entry from this endpoint instead (e.g. the emulator's)
  -h, --help       this help

credentials come from the environment only (HUAWEICLOUD_SDK_AK/HUAWEICLOUD_SDK_SK,
HW_ACCESS_KEY/HW_SECRET_KEY or CLOUD_SDK_AK/CLOUD_SDK_SK).
${ENVIRONMENT_HELP}

exit codes: 0 refreshed; 1 a lookup failed (file unchanged); 2 usage error (nothing was sent).
`;

export async function runSnapshotCommand(argv: string[], io: CliIo): Promise<number> {
  const [action, ...rest] = argv;
  if (action === '--help' || action === '-h') {
    io.stdout.write(SNAPSHOT_USAGE);
    return EXIT.OK;
  }
  let plan: { file: string; requests: LookupRequest[]; entries: SnapshotEntry[] };
  try {
    if (action !== 'refresh') throw new UsageError(`unknown snapshot action ${JSON.stringify(action ?? '')}: expected refresh`);
    const flags = parseFlags(rest, FLAGS);
    if (flags.help) {
      io.stdout.write(SNAPSHOT_USAGE);
      return EXIT.OK;
    }
    plan = planRefresh(flags, io.env);
  } catch (error) {
    if (error instanceof UsageError || error instanceof DcsConfigError || error instanceof SnapshotError) {
      io.stderr.write(`dcs-bigkey snapshot: ${error.message}\nrun \`dcs-bigkey snapshot --help\` for usage\n`);
      return EXIT.USAGE;
    }
    throw error;
  }

  const outcomes = await lookupMany(plan.requests);
  const failed = outcomes.filter((o) => !o.ok);
  for (const f of failed) if (!f.ok) io.stderr.write(`dcs-bigkey snapshot: ${f.message}\n`);
  if (failed.length > 0) {
    io.stderr.write(`dcs-bigkey snapshot: ${failed.length} of ${outcomes.length} lookups failed; ${plan.file} was left unchanged\n`);
    return EXIT.FAILURE;
  }
  const updates = outcomes.map((o, i): SnapshotEntry => {
    if (!o.ok) throw new Error('unreachable');
    return { ...plan.entries[i], source: o.source, fetched_at: o.fetchedAt, count: o.count, records: o.records };
  });
  try {
    writeSnapshot(plan.file, readSnapshot(plan.file), updates);
  } catch (error) {
    io.stderr.write(`dcs-bigkey snapshot: could not write ${plan.file}: ${(error as Error).message}; it was left as it was\n`);
    return EXIT.FAILURE;
  }
  const tasks = updates.reduce((n, u) => n + u.count, 0);
  io.stdout.write(`refreshed ${updates.length} entr${updates.length === 1 ? 'y' : 'ies'} (${tasks} tasks) in ${plan.file}\n`);
  return EXIT.OK;
}

/** The file synth uses: --file, else DCS_BIGKEY_SNAPSHOT_FILE, else cdktf.json's context, else the default. */
function snapshotFileOf(flags: { file?: string }, env: NodeJS.ProcessEnv): string {
  if (flags.file) return path.resolve(flags.file);
  if (env[SNAPSHOT_FILE_ENV]) return path.resolve(env[SNAPSHOT_FILE_ENV]);
  let context: Record<string, unknown> = {};
  if (fs.existsSync('cdktf.json')) {
    try {
      context = (JSON.parse(fs.readFileSync('cdktf.json', 'utf8')) as { context?: Record<string, unknown> }).context ?? {};
    } catch (error) {
      throw new UsageError(`cdktf.json is not valid JSON (${(error as Error).message}); fix it or pass --file`);
    }
  }
  const fromContext = context[SNAPSHOT_FILE_CONTEXT];
  return path.resolve(typeof fromContext === 'string' ? fromContext : DEFAULT_SNAPSHOT_FILE);
}

function planRefresh(flags: { file?: string; endpoint?: string }, env: NodeJS.ProcessEnv) {
  const file = snapshotFileOf(flags, env);
  const client = clientSettingsFromEnv(env);
  const insecure = { allowInsecureHttp: client.allowInsecureHttp };
  const override = flags.endpoint === undefined ? undefined : validateEndpoint(flags.endpoint, '--endpoint', insecure).origin;
  const snapshot = readSnapshot(file);
  const entries = Object.values(snapshot.entries);
  if (entries.length === 0) throw new UsageError(`${file} has no entries to refresh; record some with ${RECORD_ADVICE}`);
  requireCredentials(env);
  const { accessKey, secretKey, securityToken } = resolveCredentials({}, env);
  const requests = entries.map((entry): LookupRequest => {
    const target: LookupTarget = { instanceId: entry.instance_id, projectId: entry.project_id, ...(entry.status_filter ? { status: entry.status_filter as BigKeyTaskStatus } : {}) };
    const key = `entry ${entry.project_id}/${entry.instance_id}`;
    // An endpoint read from the file is checked like any other (it could have been edited in a pull request).
    const endpoint = override ?? (entry.endpoint !== null ? validateEndpoint(entry.endpoint, `${key} endpoint`, insecure).origin : endpointForRegion(entry.region!, env).origin);
    return { ...target, endpoint, ...(entry.region ? { region: entry.region } : {}), credentials: { accessKey, secretKey, ...(securityToken ? { securityToken } : {}) }, client };
  });
  return { file, requests, entries };
}
