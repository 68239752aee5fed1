/**
 * `dcs-bigkey keys`: the keys the latest successful big key (or, with --hot, hot key) analysis
 * of an instance found, or those of one task, names included. An operator's view: key names are
 * customer data, which the constructs, their outputs and snapshots, and the gate's reports never
 * show (unless a construct opts in); this command is where an operator looks them up.
 */
import { DcsBigKeyClient } from '../client/client';
import { BigKey, HotKey, SCAN_API, ScanKind } from '../client/types';
import { validateTaskId } from '../client/validation';
import { readScanData } from '../lookup/scan-data';
import { describeTask } from '../policy/task-summary';
import { KeyScan, keyScanOf, shortKeySize } from '../policy/key-scan';
import { parseFlags } from './args';
import { INSTANCE_FLAGS, InstancePlan, planInstance, runClientCommand } from './client-command';
import { CREDENTIALS_HELP, locationFlagsHelp } from './connection-flags';
import { CliIo, EXIT, terminalWidth } from './io';
import { hanging, MIN_TABLE_WIDTH, plain, renderTable } from './report/table';
import { displayWidth } from './text-width';

export const KEYS_FORMATS = ['table', 'json'] as const;

export const KEYS_FLAGS = {
  ...INSTANCE_FLAGS,
  'task-id': { type: 'string' },
  hot: { type: 'boolean' },
} as const;

export const KEYS_USAGE = `usage: dcs-bigkey keys --instance-id ID [--task-id T] [--hot]
                       [--project-id P] [--region R | --endpoint URL]
                       [--format table|json]

Prints the keys the latest successful big key analysis of a DCS instance
found (ShowBigkeyScanTaskDetails), or with --hot its latest successful hot
key analysis (ShowHotkeyTaskDetails), names included. Key names are customer
data: this is an operator's view; the constructs' outputs and snapshots and
the gate's reports show types, sizes, shards and dbs only.

  --instance-id ID   the DCS instance id (a UUID)
  --task-id T        the keys of this task instead of the latest successful
  --hot              hot key analysis (keys with their LFU counter, freq)
${locationFlagsHelp(21)}
  --format F         table (default, for people: strings by size, then
                     collections by members; hot keys by freq) or json
                     ({"instance_id", "task_id", "scan_type", "finished_at",
                     "num", "keys"} with the API's field names and order)
  -h, --help         this help

${CREDENTIALS_HELP}

exit codes: 0 printed; 1 no successful analysis (or the task named has not
succeeded), or the API or the network failed; 2 usage error (nothing sent).
`;

interface KeysPlan extends InstancePlan<(typeof KEYS_FORMATS)[number]> {
  readonly kind: ScanKind;
  readonly taskId?: string;
}

function planKeys(flags: ReturnType<typeof parseFlags<typeof KEYS_FLAGS>>, env: NodeJS.ProcessEnv): KeysPlan {
  const base = planInstance(flags, env, KEYS_FORMATS);
  const taskId = flags['task-id'] === undefined ? undefined : validateTaskId(flags['task-id'], '--task-id');
  return { ...base, kind: flags.hot ? 'hotkey' : 'bigkey', ...(taskId !== undefined ? { taskId } : {}) };
}

/** What the keys command found: the keys, or why there are none to show. */
type Found = { readonly scan: KeyScan; readonly source: string } | { readonly none: string };

async function findKeys(client: DcsBigKeyClient, plan: KeysPlan): Promise<Found> {
  const { kind, instanceId } = plan;
  const noun = SCAN_API[kind].noun;
  if (plan.taskId === undefined) {
    const data = await readScanData(client, { kind, instanceId, keys: true, keyNames: true });
    if (!data.keyScan) {
      const latest = data.records[0];
      return {
        none:
          `instance ${instanceId} has no successful ${noun} analysis (${data.count} task${data.count === 1 ? '' : 's'} read${latest ? `, the latest is ${describeTask(latest)}` : ''}), ` +
          `so there are no keys to show. run one (POST .../${SCAN_API[kind].taskPath}) and wait for it to succeed`,
      };
    }
    return { scan: data.keyScan, source: data.source };
  }
  const details = await client.showTaskDetails(kind, instanceId, plan.taskId);
  if (details.status !== 'success') {
    const why = details.status === 'failed' ? 'it failed, so it found no keys' : `its keys are known once it succeeds`;
    return { none: `${noun} ${describeTask(details)} of instance ${instanceId} has not succeeded: ${why}` };
  }
  return { scan: keyScanOf(details, true), source: details.meta.source };
}

export function runKeysCommand(argv: string[], io: CliIo): Promise<number> {
  return runClientCommand({ name: 'keys', usage: KEYS_USAGE, flags: KEYS_FLAGS, plan: planKeys, run: printKeys }, argv, io);
}

async function printKeys(client: DcsBigKeyClient, plan: KeysPlan, io: CliIo): Promise<number> {
  const found = await findKeys(client, plan);
  if ('none' in found) {
    io.stderr.write(`dcs-bigkey keys: ${plain(found.none)}\n`);
    return EXIT.FAILURE;
  }
  const { scan } = found;
  if (plan.format === 'json') {
    io.stdout.write(JSON.stringify({ instance_id: plan.instanceId, task_id: scan.task_id, scan_type: scan.scan_type, finished_at: scan.finished_at, num: scan.num, keys: scan.keys }, null, 2) + '\n');
  } else {
    io.stdout.write(renderKeysTable(plan.instanceId, plan.kind, scan, found.source, terminalWidth(io)));
  }
  return EXIT.OK;
}

/** The keys for people: a header naming the task, then strings by size and collections by members (hot keys by freq). */
export function renderKeysTable(instanceId: string, kind: ScanKind, scan: KeyScan, source: string, width?: number): string {
  const noun = SCAN_API[kind].noun;
  const header = hanging(
    `instance ${instanceId}: ${scan.num} ${noun}${scan.num === 1 ? '' : 's'} found by task ${scan.task_id} (${scan.scan_type}, finished ${scan.finished_at ?? 'at an unknown time'}; source: ${source})`,
    width,
    2,
  );
  if (scan.keys.length === 0) return header + `(no ${noun}s)\n`;
  const hot = kind === 'hotkey';
  const keys = [...scan.keys].sort(hot ? (a, b) => (b as HotKey).freq - (a as HotKey).freq || b.size - a.size : (a, b) => Number(a.unit === 'count') - Number(b.unit === 'count') || b.size - a.size);
  const rows = keys.map((k: BigKey) => [
    k.name ?? '',
    k.type,
    shortKeySize(k),
    k.shard ?? '-',
    String(k.db),
    ...(hot ? [String((k as HotKey).freq)] : []),
  ]);
  return header + '\n' + fitKeysTable(hot ? [...KEY_COLUMNS, 'FREQ'] : KEY_COLUMNS, rows, width);
}

const KEY_COLUMNS = ['NAME', 'TYPE', 'SIZE', 'SHARD', 'DB'] as const;

/**
 * On a narrow terminal the shard, then the db, go before the names are wrapped: a name is what an
 * operator copies (the JSON has everything). The first of these tables that fits with every name
 * whole; else, without both, the names wrap (down to 24 columns).
 */
function fitKeysTable(headers: readonly string[], rows: readonly (readonly string[])[], width: number | undefined): string {
  const limit = width === undefined ? Infinity : Math.max(width, MIN_TABLE_WIDTH);
  const without = (hidden: readonly string[]) => {
    const kept = headers.map((h, i) => ({ h, i })).filter(({ h }) => !hidden.includes(h));
    return { headers: kept.map(({ h }) => h), rows: rows.map((row) => kept.map(({ i }) => row[i])) };
  };
  for (const hidden of [[], ['SHARD'], ['SHARD', 'DB']]) {
    const table = without(hidden);
    const text = renderTable(table.headers, table.rows); // unlimited: nothing wraps or moves
    if (Math.max(...text.split('\n').map(displayWidth)) <= limit) return text;
  }
  const narrow = without(['SHARD', 'DB']);
  return renderTable(narrow.headers.map((h) => (h === 'NAME' ? { header: h, minWidth: 24 } : h)), narrow.rows, { width });
}
