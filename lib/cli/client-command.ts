/**
 * The shape every one-instance command shares (`tasks`, `keys`, `autoscan`): flags parsed and
 * checked, a plan and a client made — all before any request, a problem there is a usage error
 * (exit 2) — then the command's requests, whose failures say what went wrong (exit 1), and the
 * client closed in every case. Output passes through the redacting io.
 */
import { DcsBigKeyClient } from '../client/client';
import { DcsConfigError, DcsError } from '../client/errors';
import { validateInstanceId } from '../client/validation';
import { FlagSpecs, FlagValues, parseChoice, parseFlags } from './args';
import { clientFor, Location, resolveLocation } from './connection-flags';
import { CliIo, EXIT, UsageError } from './io';
import { redactingIo } from './redact';
import { plain } from './report/table';

/** The flags every one-instance command has: the instance, where to send, the output format, help. */
export const INSTANCE_FLAGS = {
  'instance-id': { type: 'string' },
  'project-id': { type: 'string' },
  region: { type: 'string' },
  endpoint: { type: 'string' },
  format: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

/** What every one-instance command's plan starts from. */
export interface InstancePlan<F extends string> {
  readonly instanceId: string;
  readonly format: F;
  readonly location: Location;
}

/** Checks the shared flags (the first of `formats` is the default); throws UsageError or DcsConfigError. */
export function planInstance<F extends string>(flags: FlagValues<typeof INSTANCE_FLAGS>, env: NodeJS.ProcessEnv, formats: readonly F[]): InstancePlan<F> {
  if (flags['instance-id'] === undefined) throw new UsageError('--instance-id is required: the DCS instance id, a UUID');
  return {
    instanceId: validateInstanceId(flags['instance-id'], '--instance-id'),
    format: flags.format === undefined ? formats[0] : parseChoice('format', flags.format, formats),
    location: resolveLocation({ projectId: flags['project-id'], region: flags.region, endpoint: flags.endpoint }, env),
  };
}

export interface ClientCommand<S extends FlagSpecs, P extends { readonly location: Location }> {
  /** The command's name, as messages start with it (`dcs-bigkey <name>: …`). */
  readonly name: string;
  readonly usage: string;
  readonly flags: S;
  /** Checks every flag; throws UsageError or DcsConfigError before anything is sent. */
  plan(flags: FlagValues<S>, env: NodeJS.ProcessEnv): P;
  /** Sends the requests and prints; returns the exit code. Errors it throws are reported as failures. */
  run(client: DcsBigKeyClient, plan: P, io: CliIo): Promise<number>;
}

export async function runClientCommand<S extends FlagSpecs, P extends { readonly location: Location }>(command: ClientCommand<S, P>, argv: string[], rawIo: CliIo): Promise<number> {
  const io = redactingIo(rawIo);
  let plan: P;
  let client: DcsBigKeyClient;
  try {
    const flags = parseFlags(argv, command.flags);
    if ((flags as { help?: boolean }).help) {
      io.stdout.write(command.usage);
      return EXIT.OK;
    }
    plan = command.plan(flags, io.env);
    client = clientFor(plan.location, io.env);
  } catch (error) {
    if (error instanceof UsageError || error instanceof DcsConfigError) {
      io.stderr.write(`dcs-bigkey ${command.name}: ${error.message}\nrun \`dcs-bigkey ${command.name} --help\` for usage\n`);
      return EXIT.USAGE;
    }
    throw error;
  }
  try {
    return await command.run(client, plan, io);
  } catch (error) {
    const message = error instanceof DcsError ? error.message : `unexpected error: ${(error as Error)?.stack ?? String(error)}`;
    io.stderr.write(`dcs-bigkey ${command.name}: ${plain(message)}\n`);
    return error instanceof DcsConfigError ? EXIT.USAGE : EXIT.FAILURE;
  } finally {
    await client.close();
  }
}
