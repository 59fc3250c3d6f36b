/** Queue names: stable, kebab-case, shared by the api (producer) and the worker (consumer). */
export enum QueueName {
  Maintenance = 'maintenance',
}

/** Job names and their payloads. Payloads carry ids only, never whole objects. */
export enum JobName {
  PurgeStaleUploads = 'purge-stale-uploads',
}

export interface JobPayloads {
  [JobName.PurgeStaleUploads]: { olderThanSeconds: number };
}

/** Which queue each job runs on. */
export const JOB_QUEUE: Record<JobName, QueueName> = {
  [JobName.PurgeStaleUploads]: QueueName.Maintenance,
};

/** Redis key prefix for BullMQ, so several platforms (or test runs) can share one Redis. */
export function queuePrefix(prefix?: string): string {
  return prefix && prefix.length > 0 ? prefix : 'cargohold';
}
