export * from './gate-policy';
export * from './task-summary';
export * from './duration';
export * from './size';
export * from './key-scan';
export { evaluateAutoScanEnabled, evaluateKeyLimits, keyLimitsText, MAX_KEY_COUNT, MAX_MEMBERS, resolveKeyLimits } from './key-policy';
export type { ResolvedKeyLimits } from './key-policy';
