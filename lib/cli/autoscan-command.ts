/**
 * `dcs-bigkey autoscan`: both automatic analysis settings of an instance (big key and hot key),
 * read at once. A view, not a gate: `dcs-bigkey gate --require-auto-scan` gates on it.
 */
import { AutoscanSettings, DcsBigKeyClient } from '../client/client';
import { SCAN_API, SCAN_KINDS } from '../client/types';
import { FlagValues } from './args';
import { INSTANCE_FLAGS, InstancePlan, planInstance, runClientCommand } from './client-command';
import { CREDENTIALS_HELP, locationFlagsHelp } from './connection-flags';
import { CliIo, EXIT, terminalWidth } from './io';
import { hanging, renderTable } from './report/table';

export const AUTOSCAN_FORMATS = ['table', 'json'] as const;

export const AUTOSCAN_USAGE = `usage: dcs-bigkey autoscan --instance-id ID [--project-id P]
                           [--region R | --endpoint URL] [--format table|json]

Prints the automatic analysis settings of a DCS instance, big key
(ShowBigkeyAutoscanConfig) and hot key (ShowHotkeyAutoscanConfig): whether
each is enabled, its schedule (UTC times of day) and when it last changed.
To block deployments when automatic big key analysis is off, use
\`dcs-bigkey gate --require-auto-scan\`.

  --instance-id ID   the DCS instance id (a UUID)
${locationFlagsHelp(21)}
  --format F         table (default, for people) or json ({"instance_id",
                     "bigkey": {"enable_auto_scan", "schedule_at",
                     "updated_at"}, "hotkey": {…}})
  -h, --help         this help

${CREDENTIALS_HELP}

exit codes: 0 printed (whatever the settings say); 1 the API or the network
failed (for either setting); 2 usage error (nothing was sent).
`;

type AutoscanPlan = InstancePlan<(typeof AUTOSCAN_FORMATS)[number]>;

export function runAutoscanCommand(argv: string[], io: CliIo): Promise<number> {
  const plan = (flags: FlagValues<typeof INSTANCE_FLAGS>, env: NodeJS.ProcessEnv) => planInstance(flags, env, AUTOSCAN_FORMATS);
  return runClientCommand({ name: 'autoscan', usage: AUTOSCAN_USAGE, flags: INSTANCE_FLAGS, plan, run: printSettings }, argv, io);
}

async function printSettings(client: DcsBigKeyClient, plan: AutoscanPlan, io: CliIo): Promise<number> {
  // Both at once; either failing fails the command (no half answer).
  const [bigkey, hotkey] = await Promise.all(SCAN_KINDS.map((kind) => client.showAutoscanConfig(kind, plan.instanceId)));
  const settings = { bigkey, hotkey };
  if (plan.format === 'json') {
    const body = (s: AutoscanSettings) => ({ enable_auto_scan: s.enable_auto_scan, schedule_at: s.schedule_at, updated_at: s.updated_at ?? null });
    io.stdout.write(JSON.stringify({ instance_id: plan.instanceId, bigkey: body(bigkey), hotkey: body(hotkey) }, null, 2) + '\n');
    return EXIT.OK;
  }
  const width = terminalWidth(io);
  const rows = SCAN_KINDS.map((kind) => {
    const s = settings[kind];
    return [SCAN_API[kind].noun, s.enable_auto_scan ? (s.schedule_at.length > 0 ? 'yes' : 'yes, no schedule: never runs') : 'no', s.schedule_at.join(', ') || '-', s.updated_at ?? '-'];
  });
  io.stdout.write(
    hanging(`instance ${plan.instanceId}: automatic analysis settings (source: ${bigkey.meta.source})`, width, 2) +
      '\n' +
      renderTable([{ header: 'ANALYSIS' }, { header: 'ENABLED', minWidth: 8 }, { header: 'SCHEDULE (UTC)', minWidth: 5 }, { header: 'UPDATED', drop: 1 }], rows, { width }),
  );
  return EXIT.OK;
}
