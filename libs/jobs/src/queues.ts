import type { BulkDeleteRules } from '@cargohold/registry';

/** Queue names: stable, kebab-case, shared by the api (producer) and the worker (consumer). */
export enum QueueName {
  /** Housekeeping: abandoned upload purge, stranded work, deleted tag records, pull-through cache expiry. */
  Maintenance = 'maintenance',
  /** Deletes asked for through the REST API: bulk tag delete, repository delete, group and user delete. */
  RegistryDeletes = 'registry-deletes',
  /** Cleanup policies: the scheduler and one run per project. */
  Cleanup = 'cleanup',
  /** Online garbage collection of untagged manifests and unreferenced blobs. */
  Gc = 'gc',
  /** Webhook deliveries. */
  Webhooks = 'webhooks',
}

/** Job names and their payloads. Payloads carry ids and parameters only, never whole objects. */
export enum JobName {
  PurgeStaleUploads = 'purge-stale-uploads',
  RequeueStrandedWork = 'requeue-stranded-work',
  PruneDeletedTags = 'prune-deleted-tags',
  ExpirePullThroughCache = 'expire-pull-through-cache',
  BulkDeleteTags = 'bulk-delete-tags',
  DeleteRepository = 'delete-repository',
  DeleteGroup = 'delete-group',
  DeleteUser = 'delete-user',
  ScheduleCleanupPolicies = 'schedule-cleanup-policies',
  RunCleanupPolicy = 'run-cleanup-policy',
  GcReview = 'gc-review',
  GcSweepOrphans = 'gc-sweep-orphans',
  DeliverWebhook = 'deliver-webhook',
}

export interface JobPayloads {
  [JobName.PurgeStaleUploads]: { olderThanSeconds: number };
  /** Work recorded in the database whose job was never queued (Redis down, a process died in between). */
  [JobName.RequeueStrandedWork]: { olderThanSeconds: number };
  /** Deleted tag records past their restore window (the window is the worker's GC_REVIEW_DELAY). */
  [JobName.PruneDeletedTags]: Record<string, never>;
  /** Pull-through cache entries not pulled for their TTL (dependency proxy policy, VIRTUAL_REGISTRY_CACHE_TTL_DAYS). */
  [JobName.ExpirePullThroughCache]: Record<string, never>;
  /**
   * `params`: the rules as the api validated them; `requestId`: the bulk_tag_delete_requests row it runs (absent
   * in jobs queued before those rows existed).
   */
  [JobName.BulkDeleteTags]: { repositoryId: number; params: BulkDeleteRules; requestedBy: number | null; requestId?: number };
  [JobName.DeleteRepository]: { repositoryId: number; requestedBy: number | null };
  /** A group tree marked by `DELETE /groups/:id` (or a user's hard delete); the requester is on its row. */
  [JobName.DeleteGroup]: { namespaceId: number };
  /** A user marked by `DELETE /users/:id`: their personal projects, then the user. */
  [JobName.DeleteUser]: { userId: number };
  [JobName.ScheduleCleanupPolicies]: Record<string, never>;
  [JobName.RunCleanupPolicy]: { projectId: number; runId: number };
  [JobName.GcReview]: Record<string, never>;
  [JobName.GcSweepOrphans]: Record<string, never>;
  [JobName.DeliverWebhook]: { deliveryId: number };
}

/** Which queue each job runs on. */
export const JOB_QUEUE: Record<JobName, QueueName> = {
  [JobName.PurgeStaleUploads]: QueueName.Maintenance,
  [JobName.RequeueStrandedWork]: QueueName.Maintenance,
  [JobName.PruneDeletedTags]: QueueName.Maintenance,
  [JobName.ExpirePullThroughCache]: QueueName.Maintenance,
  [JobName.BulkDeleteTags]: QueueName.RegistryDeletes,
  [JobName.DeleteRepository]: QueueName.RegistryDeletes,
  [JobName.DeleteGroup]: QueueName.RegistryDeletes,
  [JobName.DeleteUser]: QueueName.RegistryDeletes,
  [JobName.ScheduleCleanupPolicies]: QueueName.Cleanup,
  [JobName.RunCleanupPolicy]: QueueName.Cleanup,
  [JobName.GcReview]: QueueName.Gc,
  [JobName.GcSweepOrphans]: QueueName.Gc,
  [JobName.DeliverWebhook]: QueueName.Webhooks,
};
