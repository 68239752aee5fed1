/**
 * The local DCS big key API emulator: for testing stacks and clients without a cloud account.
 *
 *   const emulator = await spawnEmulator();          // separate process (safe with synchronous lookups)
 *   await emulator.admin.addFaults({ kind: 'throttle', count: 2 });
 *   …point the client's endpoint at emulator.url with the demo credentials…
 *   await emulator.stop();
 */
export { startEmulatorServer } from './server';
export type { EmulatorServerOptions, RunningEmulator } from './server';
export { spawnEmulator } from './process';
export type { SpawnEmulatorOptions, EmulatorProcess } from './process';
export { runEmulatorCommand, EMULATOR_USAGE } from './command';
export type { EmulatorCommandIo } from './command';
export { EmulatorAdminClient, EmulatorAdminError } from './admin-client';
export { BUNDLED_DEMO_DATA_FILE, DEFAULT_AUTOSCAN, DEFAULT_LIFECYCLE, generateTasks, loadEmulatorData, validateEmulatorData } from './data-file';
export type {
  EmulatorAutoscanData,
  EmulatorKeyData,
  EmulatorTaskData,
  EmulatorCredential,
  EmulatorData,
  EmulatorInstanceData,
  EmulatorProjectData,
  GenerateSpec,
  LifecycleSettings,
  PutInstanceBody,
  TaskOutcome,
} from './data-file';
export { DCS_ROUTE_NAMES, FAULT_KINDS } from './faults';
export type {
  BadCountFault,
  ErrorFault,
  DcsRouteName,
  FaultCommon,
  FaultKind,
  FaultRoute,
  FaultSpec,
  FaultState,
  HugeFault,
  LatencyFault,
  MalformedFault,
  MutateFault,
  RateLimitFault,
  RedirectFault,
  ResetFault,
  ThrottleFault,
} from './faults';
export type { BigKeyRecord, BigKeyTaskDetails } from './store';
export { EmulatorDataError } from './validate';
export type * from './admin-types';

/** The bundled demo data's credentials and ids, for examples and tests. */
export const DEMO = {
  accessKey: 'DCSEMULATORDEMOAK001',
  secretKey: 'dcs-emulator-demo-secret-0000000000000000',
  projectId: '0b6bd4e1a8f34b0c9a8a4f5c1e0d2a7b',
  instances: {
    ordersCache: '5560df16-cebf-4473-95c4-d1b573c16e79',
    sessionsCache: '7c9e6679-7425-40de-944b-e07fc1f90ae7',
    catalogCache: '9b2f4c1e-3d5a-4e6f-8a7b-0c1d2e3f4a5b',
    legacyCache: 'c1a3a4f0-1111-4c4c-8d8d-0123456789ab',
    /** A cluster instance whose latest successful big key scan found a 20 MiB string key. */
    feedCache: '3f5c6d1a-9b2e-4c7d-8e1f-2a3b4c5d6e7f',
    /** Automatic big key analysis switched off. */
    reportsCache: '8a7b6c5d-4e3f-4a1b-9c2d-0e1f2a3b4c5d',
  },
} as const;
