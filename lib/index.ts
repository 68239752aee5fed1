// Client layer (no cdktf): types, signer, client, errors.
export * from './client/types';
export * from './client/errors';
export { DcsBigKeyClient, DcsClientOptions, TaskListing, TaskPage, ResponseMeta, DataSource } from './client/client';
export { DcsConnectionOptions, resolveConnection, ENDPOINT_ENV, PROJECT_ID_ENV, REGION_ENV } from './client/connection';
export { CredentialOptions, Credentials, CREDENTIAL_ENV_SOURCES } from './client/credentials';
export { KNOWN_REGIONS, endpointForRegion } from './client/endpoint';
export { RetrySettings, DEFAULT_RETRY } from './client/retry-policy';
export * as signer from './client/signer';

// Gate policies (shared by the construct and `dcs-bigkey gate`).
export * from './policy';

// Lookups without cdktf: batch and snapshot file.
export { LookupOptions, LookupRequest, LookupTarget, lookupKey } from './lookup/lookup-request';
export { lookupMany, LookupOutcome, LookupSuccess, LookupFailure } from './lookup/batch';
export { DEFAULT_SNAPSHOT_FILE, SnapshotEntry, SnapshotFile } from './lookup/snapshot-file';

// cdktf constructs.
export { DcsBigKeyScanTasks, DcsBigKeyScanTasksProps, DcsLookupFailedError } from './construct/dcs-bigkey-scan-tasks';
export { DcsBigKeyScanGate, DcsBigKeyScanGateProps, GateEnforcement, GATE_ENFORCEMENTS, PASSING_AUTO_STATUSES } from './construct/dcs-bigkey-scan-gate';
export { OUTPUT_SUFFIXES, OutputSuffix, outputName } from './construct/outputs';
export { SnapshotMode, SNAPSHOT_MODES, SNAPSHOT_MODE_ENV, SNAPSHOT_FILE_ENV, SNAPSHOT_MODE_CONTEXT, SNAPSHOT_FILE_CONTEXT } from './construct/lookup-registry';
