/**
 * `dcs-bigkey tasks`: the big key (or, with --hot, hot key) analysis tasks of one instance,
 * every page (newest first) or one page exactly as the API returns it.
 */
import { DcsBigKeyClient } from '../client/client';
import { BigKeyTaskStatus, MAX_PAGE_LIMIT, SCAN_API, ScanKind, TASK_STATUSES } from '../client/types';
import { validateStatus } from '../client/validation';
import { parseFlags, parseInteger } from './args';
import { INSTANCE_FLAGS, InstancePlan, planInstance, runClientCommand } from './client-command';
import { CREDENTIALS_HELP, locationFlagsHelp } from './connection-flags';
import { CliIo, EXIT, terminalWidth } from './io';
import { renderTasksTable } from './report/table';

export const TASKS_FORMATS = ['table', 'json'] as const;

export const TASKS_FLAGS = {
  ...INSTANCE_FLAGS,
  status: { type: 'string' },
  offset: { type: 'string' },
  limit: { type: 'string' },
  hot: { type: 'boolean' },
} as const;

export const TASKS_USAGE = `usage: dcs-bigkey tasks --instance-id ID [--hot] [--project-id P]
                        [--region R | --endpoint URL] [--status S]
                        [--offset N --limit N] [--format table|json]

Lists the big key analysis tasks of a DCS instance (ListBigkeyScanTasks), or
with --hot its hot key analysis tasks (ListHotKeyScanTasks), read the same way.
Without --offset and --limit: every task, all pages read, newest first.
With either: that one page, exactly as the API returns it (the API's default
limit is 10).

  --instance-id ID   the DCS instance id (a UUID)
  --hot              hot key analysis tasks instead of big key ones
${locationFlagsHelp(21)}
  --status S         only tasks in this status:
                     ${TASK_STATUSES.join(', ')}
  --offset N         index of the first record (>= 0)
  --limit N          records in the page (1-1000)
  --format F         table (default, for people; fits the terminal: COLUMNS,
                     else its width, unlimited when not one) or json
                     ({"instance_id", "count", "records"} with the API's
                     field names)
  -h, --help         this help

${CREDENTIALS_HELP}

exit codes: 0 listed; 1 the API or the network failed (the message has the
error code and request id); 2 usage error (nothing was sent).
`;

interface TasksPlan extends InstancePlan<(typeof TASKS_FORMATS)[number]> {
  readonly kind: ScanKind;
  readonly status?: BigKeyTaskStatus;
  readonly offset?: number;
  readonly limit?: number;
}

/** Checks every flag; throws UsageError or DcsConfigError before anything is sent. */
function planTasks(flags: ReturnType<typeof parseFlags<typeof TASKS_FLAGS>>, env: NodeJS.ProcessEnv): TasksPlan {
  const base = planInstance(flags, env, TASKS_FORMATS);
  const status = flags.status === undefined ? undefined : validateStatus(flags.status, '--status');
  // parseInteger enforces the API's ranges (offset >= 0, limit 1-1000).
  const offset = flags.offset === undefined ? undefined : parseInteger('offset', flags.offset, 0);
  const limit = flags.limit === undefined ? undefined : parseInteger('limit', flags.limit, 1, MAX_PAGE_LIMIT);
  return { ...base, kind: flags.hot ? 'hotkey' : 'bigkey', status, offset, limit };
}

export function runTasksCommand(argv: string[], io: CliIo): Promise<number> {
  return runClientCommand({ name: 'tasks', usage: TASKS_USAGE, flags: TASKS_FLAGS, plan: planTasks, run: listTasks }, argv, io);
}

async function listTasks(client: DcsBigKeyClient, plan: TasksPlan, io: CliIo): Promise<number> {
  const now = io.now ?? (() => new Date());
  const paged = plan.offset !== undefined || plan.limit !== undefined;
  const listing = paged
    ? await client.listTasks(plan.kind, plan.instanceId, { offset: plan.offset, limit: plan.limit, status: plan.status })
    : await client.listAllTasks(plan.kind, plan.instanceId, { status: plan.status });
  // Only the API's fields: the same object a caller of the API would see.
  const body = { instance_id: listing.instance_id, count: listing.count, records: listing.records };
  if (plan.format === 'json') {
    io.stdout.write(JSON.stringify(body, null, 2) + '\n');
  } else {
    const source = `${listing.meta.source}${plan.status ? `, status ${plan.status} only` : ''}`;
    io.stdout.write(renderTasksTable(body, source, paged ? { offset: plan.offset, limit: plan.limit } : undefined, now(), { width: terminalWidth(io) }, `${SCAN_API[plan.kind].noun} task`));
  }
  return EXIT.OK;
}
