/**
 * `dcs-bigkey tasks`: the big key analysis tasks of one instance, every page (newest first)
 * or one page exactly as the API returns it.
 */
import { DcsBigKeyClient } from '../client/client';
import { DcsConfigError, DcsError } from '../client/errors';
import { BigKeyTaskStatus, MAX_PAGE_LIMIT, TASK_STATUSES } from '../client/types';
import { validateInstanceId, validateStatus } from '../client/validation';
import { ENVIRONMENT_HELP, parseChoice, parseFlags, parseInteger } from './args';
import { clientFor, Location, resolveLocation } from './connection-flags';
import { CliIo, EXIT, UsageError } from './io';
import { redactingIo } from './redact';
import { plain, renderTasksTable } from './report/table';

export const TASKS_FORMATS = ['table', 'json'] as const;

const FLAGS = {
  'instance-id': { type: 'string' },
  'project-id': { type: 'string' },
  region: { type: 'string' },
  endpoint: { type: 'string' },
  status: { type: 'string' },
  offset: { type: 'string' },
  limit: { type: 'string' },
  format: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

export const TASKS_USAGE = `usage: dcs-bigkey tasks --instance-id ID [--project-id P] [--region R | --endpoint URL]
                        [--status S] [--offset N --limit N] [--format table|json]

Lists the big key analysis tasks of a DCS instance (ListBigkeyScanTasks).
Without --offset and --limit: every task, all pages read, newest first.
With either: that one page, exactly as the API returns it (the API's default limit is 10).

  --instance-id ID   the DCS instance id (a UUID)
  --project-id P     project id (32 hex); default HUAWEICLOUD_SDK_PROJECT_ID or HW_PROJECT_ID
  --region R         e.g. cn-north-4; default HW_REGION_NAME or HUAWEICLOUD_SDK_REGION
  --endpoint URL     explicit base URL (e.g. the emulator's); default DCS_BIGKEY_ENDPOINT
  --status S         only tasks in this status: ${TASK_STATUSES.join(', ')}
  --offset N         index of the first record (>= 0)
  --limit N          records in the page (1-1000)
  --format F         table (default, for people) or json ({"instance_id", "count", "records"}
                     with the API's field names)
  -h, --help         this help

credentials come from the environment only (HUAWEICLOUD_SDK_AK/HUAWEICLOUD_SDK_SK,
HW_ACCESS_KEY/HW_SECRET_KEY or CLOUD_SDK_AK/CLOUD_SDK_SK), never from flags.
${ENVIRONMENT_HELP}

exit codes: 0 listed; 1 the API or the network failed (the message has the error code and
request id); 2 usage error (nothing was sent).
`;

interface TasksPlan {
  readonly instanceId: string;
  readonly status?: BigKeyTaskStatus;
  readonly offset?: number;
  readonly limit?: number;
  readonly format: (typeof TASKS_FORMATS)[number];
  readonly location: Location;
}

/** Checks every flag; throws UsageError or DcsConfigError before anything is sent. */
function planTasks(flags: ReturnType<typeof parseFlags<typeof FLAGS>>, env: NodeJS.ProcessEnv): TasksPlan {
  if (flags['instance-id'] === undefined) throw new UsageError('--instance-id is required: the DCS instance id, a UUID');
  const instanceId = validateInstanceId(flags['instance-id'], '--instance-id');
  const status = flags.status === undefined ? undefined : validateStatus(flags.status, '--status');
  // parseInteger enforces the API's ranges (offset >= 0, limit 1-1000).
  const offset = flags.offset === undefined ? undefined : parseInteger('offset', flags.offset, 0);
  const limit = flags.limit === undefined ? undefined : parseInteger('limit', flags.limit, 1, MAX_PAGE_LIMIT);
  const format = flags.format === undefined ? 'table' : parseChoice('format', flags.format, TASKS_FORMATS);
  const location = resolveLocation({ projectId: flags['project-id'], region: flags.region, endpoint: flags.endpoint }, env);
  return { instanceId, status, offset, limit, format, location };
}

export async function runTasksCommand(argv: string[], rawIo: CliIo): Promise<number> {
  const io = redactingIo(rawIo);
  const now = io.now ?? (() => new Date());
  let plan: TasksPlan;
  let client: DcsBigKeyClient;
  try {
    const flags = parseFlags(argv, FLAGS);
    if (flags.help) {
      io.stdout.write(TASKS_USAGE);
      return EXIT.OK;
    }
    plan = planTasks(flags, io.env);
    client = clientFor(plan.location, io.env);
  } catch (error) {
    if (error instanceof UsageError || error instanceof DcsConfigError) {
      io.stderr.write(`dcs-bigkey tasks: ${error.message}\nrun \`dcs-bigkey tasks --help\` for usage\n`);
      return EXIT.USAGE;
    }
    throw error;
  }

  try {
    const paged = plan.offset !== undefined || plan.limit !== undefined;
    const listing = paged
      ? await client.listBigKeyTasks(plan.instanceId, { offset: plan.offset, limit: plan.limit, status: plan.status })
      : await client.listAllBigKeyTasks(plan.instanceId, { status: plan.status });
    // Only the API's fields: the same object a caller of the API would see.
    const body = { instance_id: listing.instance_id, count: listing.count, records: listing.records };
    if (plan.format === 'json') {
      io.stdout.write(JSON.stringify(body, null, 2) + '\n');
    } else {
      const source = `${listing.meta.source}${plan.status ? `, status ${plan.status} only` : ''}`;
      io.stdout.write(renderTasksTable(body, source, paged ? { offset: plan.offset, limit: plan.limit } : undefined, now()));
    }
    return EXIT.OK;
  } catch (error) {
    const message = error instanceof DcsError ? error.message : `unexpected error: ${(error as Error)?.stack ?? String(error)}`;
    io.stderr.write(`dcs-bigkey tasks: ${plain(message)}\n`);
    return error instanceof DcsConfigError ? EXIT.USAGE : EXIT.FAILURE;
  } finally {
    await client.close();
  }
}
