// Client layer (no cdktf): types, signer, client, errors.
export * from './client/types';
export * from './client/errors';
export { DcsBigKeyClient, DcsClientOptions, TaskListing, TaskPage, ResponseMeta, DataSource } from './client/client';
export { DcsConnectionOptions, resolveConnection, ENDPOINT_ENV, PROJECT_ID_ENV, REGION_ENV } from './client/connection';
export { CredentialOptions, Credentials, CREDENTIAL_ENV_SOURCES } from './client/credentials';
export { KNOWN_REGIONS, endpointForRegion } from './client/endpoint';
export { RetrySettings, DEFAULT_RETRY } from './client/retry-policy';
export * as signer from './client/signer';
