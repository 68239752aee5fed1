/**
 * The synchronous lookup blocks this thread until its worker has the answers; a server running
 * on this same thread (the emulator from `startEmulatorServer`) could then never answer. A lookup
 * aimed at one is refused before it is sent, with the two ways out.
 */
import { inProcessServerAt } from '../util/in-process-servers';
import type { LookupRequest } from './lookup-request';

/** Why a synchronous lookup of this request must be refused, or undefined when it may be sent. */
export function inProcessRefusal(request: LookupRequest): string | undefined {
  const server = inProcessServerAt(request.endpoint);
  if (server === undefined) return undefined;
  return (
    `the endpoint ${request.endpoint} is an emulator started in this process (startEmulatorServer at ${server}); ` +
    'a synchronous lookup blocks this process until it has an answer, so that server could never answer (a deadlock). ' +
    "run the emulator in its own process with spawnEmulator() (from 'cdktf-dcs-bigkey/emulator'), " +
    'or look up asynchronously with await DcsBigKeyScanTasks.fromLookup(scope, id, props)'
  );
}
