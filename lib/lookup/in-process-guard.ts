/**
 * The synchronous lookup blocks this thread until its worker has the answers; a server running
 * on this same thread (the emulator from `startEmulatorServer`) could then never answer. A batch
 * aimed at one is refused at once, with the two ways out.
 */
import { DcsConfigError } from '../client/errors';
import { inProcessServerAt } from '../util/in-process-servers';
import type { LookupRequest } from './lookup-request';

export function refuseInProcessServers(requests: readonly LookupRequest[]): void {
  for (const request of requests) {
    const server = inProcessServerAt(request.endpoint);
    if (server === undefined) continue;
    throw new DcsConfigError(
      `the endpoint ${request.endpoint} is an emulator started in this process (startEmulatorServer at ${server}); ` +
        'a synchronous lookup blocks this process until it has an answer, so that server could never answer (a deadlock). ' +
        "run the emulator in its own process with spawnEmulator() (from 'cdktf-dcs-bigkey/emulator'), " +
        'or look up asynchronously with await DcsBigKeyScanTasks.fromLookup(scope, id, props)',
    );
  }
}
