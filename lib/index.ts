// Client layer (no cdktf): types, signer, client, errors.
// The client (and lookupMany, which runs lookups with it) are exported lazily, loaded on first use:
// an app that only builds constructs never loads the client or its HTTP stack on its own thread.
import type * as Client from './client/client';
import type * as Batch from './lookup/batch';
import { lazyExport } from './util/lazy-export';
// Named here for Node's ESM loader, which reads a CommonJS module's names from its source (the
// getters below are defined when it runs): `import { DcsBigKeyClient } from 'cdktf-dcs-bigkey'`.
exports.DcsBigKeyClient = exports.lookupMany = undefined;
export declare const DcsBigKeyClient: typeof Client.DcsBigKeyClient;
export type DcsBigKeyClient = Client.DcsBigKeyClient;
lazyExport(exports, 'DcsBigKeyClient', () => (require('./client/client') as typeof Client).DcsBigKeyClient);
export declare const lookupMany: typeof Batch.lookupMany;
lazyExport(exports, 'lookupMany', () => (require('./lookup/batch') as typeof Batch).lookupMany);

export * from './client/types';
export * from './client/errors';
export { DEFAULT_MAX_RESPONSE_BYTES, DEFAULT_MAX_TASKS, MAX_TASKS_ENV } from './client/limits';
export type { ProxySettings } from './client/proxy';
export { ALLOW_INSECURE_HTTP_ENV } from './client/validation';
export type { AutoscanSettings, DcsClientOptions, RetryEvent, TaskDetails, TaskListing, TaskPage, ResponseMeta, DataSource } from './client/client';
export { resolveConnection, ENDPOINT_ENV, PROJECT_ID_ENV, REGION_ENV } from './client/connection';
export type { DcsConnectionOptions } from './client/connection';
export { CREDENTIAL_ENV_SOURCES } from './client/credentials';
export type { CredentialOptions, Credentials } from './client/credentials';
export { KNOWN_REGIONS, endpointForRegion } from './client/endpoint';
export { DEFAULT_RETRY } from './client/retry-policy';
export type { RetrySettings } from './client/retry-policy';
export type { RateControlOptions, RateControlState } from './client/rate-control';
export * as signer from './client/signer';

// Gate policies (shared by the construct and `dcs-bigkey gate`).
export * from './policy';

// Lookups without cdktf: batch and snapshot file.
export { LOOKUP_KINDS, lookupKey } from './lookup/lookup-request';
export type { LookupKind, LookupOptions, LookupParts, LookupRequest, LookupTarget } from './lookup/lookup-request';
export { LOOKUP_PROVIDERS } from './lookup/providers';
export type { LookupData, LookupProvider } from './lookup/providers';
export { readScanData } from './lookup/scan-data';
export type { ScanData, ScanDataRequest } from './lookup/scan-data';
export type { LookupOutcome, LookupSuccess, LookupFailure } from './lookup/outcome';
export {
  DEFAULT_SNAPSHOT_FILE,
  SNAPSHOT_MAX_AGE_CONTEXT,
  SNAPSHOT_MAX_AGE_ENV,
  SNAPSHOT_MAX_AGE_SEVERITY_CONTEXT,
  SNAPSHOT_MAX_AGE_SEVERITY_ENV,
} from './lookup/snapshot-file';
export type { SnapshotEntry, SnapshotFile, SnapshotMaxAge, SnapshotStaleness } from './lookup/snapshot-file';

// Constructs, for cdktf and cdktn stacks alike (each builds with the framework of its stack).
export { DcsBigKeyScanTasks, DcsLookupFailedError } from './construct/dcs-bigkey-scan-tasks';
export type { DcsBigKeyScanTasksProps, ScanTasksProps } from './construct/dcs-bigkey-scan-tasks';
export { DcsHotKeyScanTasks } from './construct/dcs-hotkey-scan-tasks';
export type { DcsHotKeyScanTasksProps } from './construct/dcs-hotkey-scan-tasks';
export { ScanTasksConstruct } from './construct/scan-tasks-construct';
export type { ScanTasksKind } from './construct/scan-tasks-construct';
export { DcsBigKeyScanGate, DEFAULT_GATE_ENFORCEMENT, GATE_ENFORCEMENTS, PASSING_AUTO_STATUSES } from './construct/dcs-bigkey-scan-gate';
export type { DcsBigKeyScanGateProps, GateEnforcement } from './construct/dcs-bigkey-scan-gate';
export { AUTO_SCAN_OUTPUT_SUFFIXES, BIG_KEY_OUTPUT_SUFFIXES, HOT_KEY_OUTPUT_SUFFIXES, OUTPUT_SUFFIXES, outputName } from './construct/outputs';
export type { OutputSuffix } from './construct/outputs';
export { FRAMEWORK_PACKAGES } from './construct/terraform-types';
export type { FrameworkName, RemoteStateLike, TerraformElementLike, TerraformOutputLike, TerraformResourceLike } from './construct/terraform-types';
export { SNAPSHOT_MODES, SNAPSHOT_MODE_ENV, SNAPSHOT_FILE_ENV, SNAPSHOT_MODE_CONTEXT, SNAPSHOT_FILE_CONTEXT } from './construct/lookup-registry';
export type { SnapshotMode } from './construct/lookup-registry';
