/**
 * `dcs-bigkey snapshot list|refresh`: the snapshot file (the committed record of what
 * synth-time lookups fetched, see lib/lookup/snapshot-file.ts) seen and kept fresh.
 *
 * `list` shows every entry with where it came from and how old it is (and whether it is older
 * than the maximum age synth would accept). `refresh` re-reads entries from where they came
 * from and rewrites the file, all or nothing; `--instance-id` limits it to one instance's
 * entries and leaves the others byte-identical.
 *
 * Entries recorded from the DCS emulator (`source: "emulator"`, e.g. the example's embedded
 * one, on a throwaway 127.0.0.1 port) cannot be re-read from the address they name: refresh
 * skips them, saying so, unless `--endpoint` gives the address of a running emulator.
 */
import * as path from 'node:path';
import { resolveCredentials } from '../client/credentials';
import { endpointForRegion } from '../client/endpoint';
import { DcsConfigError } from '../client/errors';
import { validateEndpoint, validateInstanceId } from '../client/validation';
import { lookupMany } from '../lookup/batch';
import { clientSettingsFromEnv, LookupRequest } from '../lookup/lookup-request';
import { providerOf } from '../lookup/providers';
import {
  DEFAULT_SNAPSHOT_FILE,
  entryAgeMs,
  entryKey,
  readSnapshot,
  RECORD_ADVICE,
  resolveSnapshotMaxAge,
  SNAPSHOT_FILE_CONTEXT,
  SNAPSHOT_FILE_ENV,
  SNAPSHOT_MAX_AGE_CONTEXT,
  SNAPSHOT_MAX_AGE_ENV,
  SnapshotEntry,
  SnapshotError,
  SnapshotMaxAge,
  snapshotStaleness,
  writeSnapshot,
} from '../lookup/snapshot-file';
import { formatDuration } from '../policy/duration';
import { FileReadError, parseJsonText, readBoundedTextFile } from '../util/bounded-file';
import { parseChoice, parseFlags } from './args';
import { CREDENTIALS_HELP, requireCredentials } from './connection-flags';
import { CliIo, EXIT, terminalWidth, UsageError } from './io';
import { redactingIo } from './redact';
import { hanging, renderTable } from './report/table';

export const LIST_FLAGS = {
  file: { type: 'string' },
  format: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

export const REFRESH_FLAGS = {
  file: { type: 'string' },
  'instance-id': { type: 'string' },
  endpoint: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

export const LIST_FORMATS = ['table', 'json'] as const;

export const SNAPSHOT_USAGE = `usage: dcs-bigkey snapshot list [--file FILE] [--format table|json]
       dcs-bigkey snapshot refresh [--file FILE] [--instance-id ID]
                                   [--endpoint URL]

The lookup snapshot file is the record of what synth-time lookups fetched;
synths replay it offline with DCS_BIGKEY_SNAPSHOT=replay (record entries with
DCS_BIGKEY_SNAPSHOT=record). It is the file synth uses: --file, else
DCS_BIGKEY_SNAPSHOT_FILE, else cdktf.json's context "${SNAPSHOT_FILE_CONTEXT}",
else ./${DEFAULT_SNAPSHOT_FILE}.

list      every entry: instance, project, what it holds (big or hot key
          tasks, keys, autoscan settings), status filter, source (live or
          emulator), where from (region or endpoint), when fetched, its age
          and tasks; "stale" when older than the maximum age synth accepts
          (${SNAPSHOT_MAX_AGE_ENV}, or context "${SNAPSHOT_MAX_AGE_CONTEXT}")
refresh   re-reads entries from their region or endpoint and rewrites the
          file atomically; if any lookup fails, nothing is written. Entries
          recorded from the DCS emulator (source "emulator", e.g. the
          example's embedded one on a throwaway port) are skipped, saying
          so, unless --endpoint names a running emulator.

  --file FILE        the snapshot file
  --format F         list: table (default) or json
  --instance-id ID   refresh: only this instance's entries (the others stay
                     byte-identical)
  --endpoint URL     refresh: read the entries from this endpoint instead
                     (e.g. a running emulator's)
  -h, --help         this help

refresh: ${CREDENTIALS_HELP}

exit codes: 0 done (refresh: also when every entry was skipped); 1 a lookup
failed (file unchanged); 2 usage error (nothing was sent).
`;

export async function runSnapshotCommand(argv: string[], rawIo: CliIo): Promise<number> {
  const io = redactingIo(rawIo);
  const [action, ...rest] = argv;
  try {
    if (action === '--help' || action === '-h') {
      io.stdout.write(SNAPSHOT_USAGE);
      return EXIT.OK;
    }
    if (action === 'list') return listCommand(rest, io);
    if (action === 'refresh') return await refreshCommand(rest, io);
    throw new UsageError(`unknown snapshot action ${JSON.stringify(action ?? '')}: expected list or refresh`);
  } catch (error) {
    if (error instanceof UsageError || error instanceof DcsConfigError || error instanceof SnapshotError) {
      io.stderr.write(`dcs-bigkey snapshot: ${error.message}\nrun \`dcs-bigkey snapshot --help\` for usage\n`);
      return EXIT.USAGE;
    }
    throw error;
  }
}

function listCommand(argv: string[], io: CliIo): number {
  const flags = parseFlags(argv, LIST_FLAGS);
  if (flags.help) {
    io.stdout.write(SNAPSHOT_USAGE);
    return EXIT.OK;
  }
  const format = flags.format === undefined ? 'table' : parseChoice('format', flags.format, LIST_FORMATS);
  const { file, maxAge } = snapshotSettings(flags, io.env);
  const now = (io.now ?? (() => new Date()))();
  const entries = Object.entries(readSnapshot(file).entries).map(([key, entry]) => ({ key, entry, ageMs: entryAgeMs(entry, now), stale: snapshotStaleness(entry, maxAge, now) !== undefined }));
  if (format === 'json') {
    const doc = {
      file,
      max_age: maxAge ? { value: maxAge.text, severity: maxAge.severity } : null,
      entries: entries.map(({ key, entry, ageMs, stale }) => ({
        key,
        project_id: entry.project_id,
        instance_id: entry.instance_id,
        status_filter: entry.status_filter,
        lookup: entry.kind ?? 'bigkey-tasks',
        keys: entry.keys !== undefined,
        key_names: entry.key_names === true,
        autoscan: entry.autoscan !== undefined,
        source: entry.source,
        region: entry.region,
        endpoint: entry.endpoint,
        fetched_at: entry.fetched_at,
        age_seconds: Math.floor(ageMs / 1000),
        count: entry.count,
        stale: maxAge ? stale : null,
      })),
    };
    io.stdout.write(JSON.stringify(doc, null, 2) + '\n');
    return EXIT.OK;
  }
  const staleCount = entries.filter((e) => e.stale).length;
  const limit = maxAge ? `; maximum age ${maxAge.text} (${maxAge.severity}): ${staleCount} stale` : `; no maximum age set (${SNAPSHOT_MAX_AGE_ENV})`;
  io.stdout.write(hanging(`${file}: ${entryCount(entries.length)}${limit}`, terminalWidth(io), 2));
  if (entries.length === 0) {
    io.stdout.write(`(no entries; record some with ${RECORD_ADVICE})\n`);
    return EXIT.OK;
  }
  const rows = entries.map(({ entry, ageMs, stale }) => [
    entry.instance_id,
    entry.project_id,
    lookupText(entry),
    entry.status_filter ?? 'all',
    entry.source,
    entry.region ?? entry.endpoint ?? '-',
    entry.fetched_at,
    `${formatDuration(ageMs)}${stale ? ' (stale)' : ''}`,
    String(entry.count),
  ]);
  io.stdout.write('\n' + renderTable(
    [{ header: 'INSTANCE' }, { header: 'PROJECT', drop: 2 }, { header: 'LOOKUP', drop: 1.5, minWidth: 13 }, { header: 'STATUS', drop: 4 }, { header: 'SOURCE' }, { header: 'FROM', drop: 3, minWidth: 12 }, { header: 'FETCHED', drop: 1 }, { header: 'AGE' }, { header: 'TASKS', drop: 5 }],
    rows,
    { width: terminalWidth(io) },
  ));
  return EXIT.OK;
}

async function refreshCommand(argv: string[], io: CliIo): Promise<number> {
  const flags = parseFlags(argv, REFRESH_FLAGS);
  if (flags.help) {
    io.stdout.write(SNAPSHOT_USAGE);
    return EXIT.OK;
  }
  const plan = planRefresh(flags, io.env);
  for (const entry of plan.skipped) {
    io.stderr.write(
      `dcs-bigkey snapshot: skipped ${entryKey(entry)}: it was recorded from the DCS emulator at ${entry.endpoint ?? '(no endpoint)'}, ` +
        'whose address does not last (the example starts one on a throwaway port); refresh it with --endpoint URL of a running emulator, or record it again\n',
    );
  }
  if (plan.requests.length === 0) {
    io.stdout.write(`refreshed no entries in ${plan.file} (${entryCount(plan.skipped.length, 'emulator ')} skipped); the file was left as it was\n`);
    return EXIT.OK;
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
    // Where the entry came from stays as it was (also when --endpoint read it from elsewhere).
    const entry = plan.entries[i];
    const provider = providerOf(entry.kind);
    return provider.entry(provider.targetOf(entry), { region: entry.region ?? undefined, endpoint: entry.endpoint ?? '' }, o);
  });
  try {
    writeSnapshot(plan.file, readSnapshot(plan.file), updates);
  } catch (error) {
    io.stderr.write(`dcs-bigkey snapshot: could not write ${plan.file}: ${(error as Error).message}; it was left as it was\n`);
    return EXIT.FAILURE;
  }
  const tasks = updates.reduce((n, u) => n + u.count, 0);
  const skipped = plan.skipped.length > 0 ? `; ${entryCount(plan.skipped.length, 'emulator ')} skipped` : '';
  io.stdout.write(`refreshed ${entryCount(updates.length)} (${tasks} tasks) in ${plan.file}${skipped}\n`);
  return EXIT.OK;
}

/** The file synth uses, and the maximum age synth accepts: flags, else the environment, else cdktf.json's context. */
function snapshotSettings(flags: { file?: string }, env: NodeJS.ProcessEnv): { file: string; maxAge?: SnapshotMaxAge } {
  const context = cdktfContext();
  const fromContext = context[SNAPSHOT_FILE_CONTEXT];
  const file = path.resolve(flags.file || env[SNAPSHOT_FILE_ENV] || (typeof fromContext === 'string' ? fromContext : DEFAULT_SNAPSHOT_FILE));
  const maxAge = resolveSnapshotMaxAge(env, (key) => context[key]);
  return { file, ...(maxAge ? { maxAge } : {}) };
}

/** Upper bound on cdktf.json: an app's configuration, a few hundred bytes in practice. */
const MAX_CDKTF_JSON_BYTES = 1024 * 1024;

/**
 * cdktf.json's "context" in the current directory (where `cdktf synth` runs), or nothing. Read
 * like every configuration file here: a regular file, bounded, its errors never quoting it.
 */
function cdktfContext(): Record<string, unknown> {
  let text: string;
  try {
    text = readBoundedTextFile('cdktf.json', MAX_CDKTF_JSON_BYTES, 'cdktf configuration');
  } catch (error) {
    if (error instanceof FileReadError && error.code === 'ENOENT') return {};
    throw new UsageError(`${(error as Error).message}; fix it or pass --file`);
  }
  const parsed = parseJsonText(text);
  if (!parsed.ok) throw new UsageError(`cdktf.json is not valid JSON (${parsed.problem}); fix it or pass --file`);
  const context = (parsed.value as { context?: unknown } | null)?.context;
  return typeof context === 'object' && context !== null && !Array.isArray(context) ? (context as Record<string, unknown>) : {};
}

/** `big key tasks`, `hot key tasks, keys (names), autoscan`: what an entry's lookup read. */
function lookupText(entry: SnapshotEntry): string {
  const parts = [entry.kind === 'hotkey-tasks' ? 'hot key tasks' : 'big key tasks'];
  if (entry.keys !== undefined) parts.push(entry.key_names ? 'keys (names)' : 'keys');
  if (entry.autoscan !== undefined) parts.push('autoscan');
  return parts.join(', ');
}

function entryCount(n: number, kind = ''): string {
  return `${n} ${kind}entr${n === 1 ? 'y' : 'ies'}`;
}

function planRefresh(flags: { file?: string; 'instance-id'?: string; endpoint?: string }, env: NodeJS.ProcessEnv) {
  const { file } = snapshotSettings(flags, env);
  const client = clientSettingsFromEnv(env);
  const insecure = { allowInsecureHttp: client.allowInsecureHttp };
  const override = flags.endpoint === undefined ? undefined : validateEndpoint(flags.endpoint, '--endpoint', insecure).origin;
  // Both sides lower case: ids are normalised (validateInstanceId) and the file holds them in lower case.
  const only = flags['instance-id'] === undefined ? undefined : validateInstanceId(flags['instance-id'], '--instance-id');
  const all = Object.values(readSnapshot(file).entries);
  if (all.length === 0) throw new UsageError(`${file} has no entries to refresh; record some with ${RECORD_ADVICE}`);
  const selected = only === undefined ? all : all.filter((e) => e.instance_id === only);
  if (selected.length === 0) {
    const known = [...new Set(all.map((e) => e.instance_id))];
    throw new UsageError(`${file} has no entry for instance ${flags['instance-id']}: it has ${known.slice(0, 5).join(', ')}${known.length > 5 ? ` and ${known.length - 5} more` : ''}; record it with ${RECORD_ADVICE}`);
  }
  // An emulator's address does not outlive it: without --endpoint those entries cannot be re-read.
  const skipped = override === undefined ? selected.filter((e) => e.source === 'emulator') : [];
  if (only !== undefined && skipped.length === selected.length) {
    throw new UsageError(
      `the entries of instance ${flags['instance-id']} were recorded from the DCS emulator at ${selected[0].endpoint ?? '(no endpoint)'}, whose address does not last: ` +
        'pass --endpoint URL of a running emulator (for example `dcs-bigkey emulator --port 8080` and --endpoint http://127.0.0.1:8080), or record them again',
    );
  }
  const entries = selected.filter((e) => !skipped.includes(e));
  if (entries.length === 0) return { file, requests: [], entries, skipped };
  requireCredentials(env);
  const { accessKey, secretKey, securityToken } = resolveCredentials({}, env);
  const requests = entries.map((entry): LookupRequest => {
    // The same lookup again: its kind and what it read (keys, key names, autoscan settings) come with the entry.
    const target = providerOf(entry.kind).targetOf(entry);
    // An endpoint read from the file is checked like any other (it could have been edited in a pull request).
    const endpoint = override ?? (entry.endpoint !== null ? validateEndpoint(entry.endpoint, `entry ${entryKey(entry)} endpoint`, insecure).origin : endpointForRegion(entry.region!, env).origin);
    return { ...target, endpoint, ...(entry.region ? { region: entry.region } : {}), credentials: { accessKey, secretKey, ...(securityToken ? { securityToken } : {}) }, client };
  });
  return { file, requests, entries, skipped };
}
