import { Queue } from 'bullmq';
import { JobName } from './queues';

/**
 * Whether a job with this id is still waiting, delayed or running. A finished one (completed or failed, kept
 * for inspection) is removed, so the id can be used again: BullMQ ignores an add under an id it still holds.
 */
export async function hasLiveJob(queue: Queue, jobId: string): Promise<boolean> {
  const job = await queue.getJob(jobId);
  if (!job) return false;
  if ((await job.isCompleted()) || (await job.isFailed())) {
    await job.remove();
    return false;
  }
  return true;
}

/** The id of a repository's delete job: one at a time per repository, whoever queues it. */
export function repositoryDeleteJobId(repositoryId: number): string {
  return `${JobName.DeleteRepository}-${repositoryId}`;
}

/** The id of a recorded bulk tag delete's job: the api and the stranded-work requeuer queue it under the same id. */
export function bulkDeleteJobId(requestId: number): string {
  return `${JobName.BulkDeleteTags}-${requestId}`;
}

/** The id of a cleanup run's job from `progress` repositories on (0 for its first): scheduler, api, processor and requeuer agree. */
export function cleanupRunJobId(runId: number, progress: number): string {
  return `cleanup-run-${runId}-${progress}`;
}

/** The id of a group delete's job (api and requeuer agree, so it is queued once). */
export function groupDeleteJobId(namespaceId: number): string {
  return `${JobName.DeleteGroup}-${namespaceId}`;
}

/** The id of a user delete's job. */
export function userDeleteJobId(userId: number): string {
  return `${JobName.DeleteUser}-${userId}`;
}
