import { OnWorkerEvent, Processor, WorkerHost } from '@nestjs/bullmq';
import { Inject } from '@nestjs/common';
import { Job, UnrecoverableError } from 'bullmq';
import { Logger } from '@cargohold/common';
import { JobName, JobPayloads, QueueName } from '@cargohold/jobs';
import { LOGGER } from '@cargohold/platform';
import {
  bulkDeletion,
  BulkDeleteResult,
  NamespaceDeleteResult,
  NamespaceDeletionService,
  RegistryDeletionService,
  RepositoryDeleteResult,
  RetentionRuleError,
  SYSTEM_ACTOR,
} from '@cargohold/registry';

/**
 * The deletes the management API schedules. Handlers are idempotent (they work from the database's current
 * state in batches), so BullMQ's retries with backoff (DEFAULT_JOB_OPTIONS) and a job delivered twice are safe.
 */
@Processor(QueueName.RegistryDeletes, { concurrency: 2 })
export class RegistryDeletesProcessor extends WorkerHost {
  constructor(
    private readonly deletion: RegistryDeletionService,
    private readonly namespaces: NamespaceDeletionService,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {
    super();
  }

  async process(job: Job): Promise<BulkDeleteResult | RepositoryDeleteResult | NamespaceDeleteResult> {
    switch (job.name as JobName) {
      case JobName.BulkDeleteTags:
        return this.bulkDeleteTags(job as Job<JobPayloads[JobName.BulkDeleteTags]>);
      case JobName.DeleteRepository: {
        const { repositoryId, requestedBy } = job.data as JobPayloads[JobName.DeleteRepository];
        const actor = requestedBy === null ? SYSTEM_ACTOR : { kind: 'user' as const, id: requestedBy, name: null };
        const result = await this.deletion.deleteRepository(repositoryId, actor);
        this.logger.info({ job: job.name, jobId: job.id, repositoryId, ...result }, 'registry repository delete finished');
        return result;
      }
      case JobName.DeleteGroup: {
        const { namespaceId } = job.data as JobPayloads[JobName.DeleteGroup];
        const result = await this.namespaces.deleteGroup(namespaceId);
        this.logger.info({ job: job.name, jobId: job.id, namespaceId, ...result }, 'group delete finished');
        return result;
      }
      case JobName.DeleteUser: {
        const { userId } = job.data as JobPayloads[JobName.DeleteUser];
        const result = await this.namespaces.deleteUser(userId);
        this.logger.info({ job: job.name, jobId: job.id, userId, ...result }, 'user delete finished');
        return result;
      }
      default:
        throw new Error(`no handler for job ${job.name} on ${QueueName.RegistryDeletes}`);
    }
  }

  /** After the last attempt of a repository delete, GitLab's status `delete_failed` tells the user. */
  @OnWorkerEvent('failed')
  async onFailed(job: Job | undefined, error: Error): Promise<void> {
    if (!job) return;
    const final = job.attemptsMade >= (job.opts.attempts ?? 1) || error instanceof UnrecoverableError;
    this.logger.warn({ job: job.name, jobId: job.id, attemptsMade: job.attemptsMade, final, err: error }, 'registry delete job failed');
    const bulkRequest = job.name === JobName.BulkDeleteTags ? (job.data as JobPayloads[JobName.BulkDeleteTags]).requestId : undefined;
    if (final && bulkRequest !== undefined) {
      await this.deletion.dropBulkDeleteRequest(bulkRequest).catch((failure: unknown) => {
        this.logger.error({ err: failure, jobId: job.id }, 'could not drop the failed bulk delete request');
      });
    }
    if (final && job.name === JobName.DeleteRepository) {
      await this.deletion.markDeleteFailed((job.data as JobPayloads[JobName.DeleteRepository]).repositoryId).catch((failure: unknown) => {
        this.logger.error({ err: failure, jobId: job.id }, 'could not mark the repository delete_failed');
      });
    }
  }

  private async bulkDeleteTags(job: Job<JobPayloads[JobName.BulkDeleteTags]>): Promise<BulkDeleteResult> {
    const { repositoryId, params, requestId, requestedBy } = job.data;
    // A job from before the payload was typed may lack it; no retry can help then.
    if (!params?.nameRegexDelete) throw new UnrecoverableError('bulk delete without name_regex_delete');
    try {
      // Ages are judged at the time of the request (its row's requested_at; job.timestamp for a job without a
      // row, which survives retries), not of each attempt.
      const result =
        requestId !== undefined
          ? await this.deletion.runBulkDeleteRequest(requestId)
          : await this.deletion.bulkDeleteTags(repositoryId, params, new Date(job.timestamp), bulkDeletion(requestedBy ?? null));
      this.logger.info({ job: job.name, jobId: job.id, repositoryId, ...result }, 'registry bulk tag delete finished');
      return result;
    } catch (error) {
      // The api validated the rules; one that still fails will fail on every retry.
      if (error instanceof RetentionRuleError) throw new UnrecoverableError(error.message);
      throw error;
    }
  }
}
