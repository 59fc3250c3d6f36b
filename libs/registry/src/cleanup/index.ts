export * from './cleanup-policy';
export * from './cleanup-policy-change';
export * from './cleanup-policy.service';
export * from './cleanup-preview.service';
export type { CleanupRun, CleanupRunStatus, PolicySource } from './cleanup-run.repository';
