export * from './gate-policy';
export * from './task-summary';
export * from './duration';
