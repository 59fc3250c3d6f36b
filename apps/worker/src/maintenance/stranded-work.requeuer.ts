import { InjectQueue } from '@nestjs/bullmq';
import { Inject, Injectable } from '@nestjs/common';
import { Queue } from 'bullmq';
import { DataSource } from 'typeorm';
import { Logger } from '@cargohold/common';
import { AppConfig } from '@cargohold/config';
import {
  bulkDeleteJobId,
  cleanupRunJobId,
  DEFAULT_JOB_OPTIONS,
  groupDeleteJobId,
  hasLiveJob,
  JobName,
  QueueName,
  repositoryDeleteJobId,
  userDeleteJobId,
} from '@cargohold/jobs';
import { APP_CONFIG, LOGGER } from '@cargohold/platform';
import { CleanupPolicyService, NamespaceDeletionService, RegistryContext, RegistryDeletionService, WebhookRepository, webhookDeliveryJobOptions } from '@cargohold/registry';

/** Candidates looked at per run; a backlog larger than this is worked off over the following runs. */
const BATCH = 1000;

export interface RequeueResult {
  deliveries: number;
  repositoryDeletes: number;
  bulkDeletes: number;
  cleanupRuns: number;
  /** Group and user deletes (DELETE /groups/:id, DELETE /users/:id). */
  namespaceDeletes: number;
}

/**
 * Puts back on the queue the work the database says is due but no job carries: webhook deliveries left
 * `pending` (registry events write them in the transaction of the change: the outbox), repositories left
 * `delete_scheduled`, recorded bulk tag delete requests and cleanup runs waiting for their job, when the api or
 * the worker could not enqueue (Redis down, the process killed between the commit and the enqueue), or whose
 * jobs Redis lost.
 *
 * Safe to run any time and on every worker replica: job ids are derived from the rows, a candidate whose job
 * still exists (waiting, delayed, running) is left alone, and the handlers are idempotent.
 */
@Injectable()
export class StrandedWorkRequeuer {
  private readonly hooks = new WebhookRepository();
  private readonly deletion: RegistryDeletionService;
  private readonly namespaceDeletion: NamespaceDeletionService;

  constructor(
    private readonly db: DataSource,
    ctx: RegistryContext,
    @InjectQueue(QueueName.Webhooks) private readonly webhooks: Queue,
    @InjectQueue(QueueName.RegistryDeletes) private readonly deletes: Queue,
    @InjectQueue(QueueName.Cleanup) private readonly cleanup: Queue,
    private readonly cleanupPolicies: CleanupPolicyService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {
    this.deletion = new RegistryDeletionService(ctx);
    this.namespaceDeletion = new NamespaceDeletionService(ctx, this.deletion);
  }

  async requeue(olderThanSeconds: number): Promise<RequeueResult> {
    const result = {
      deliveries: await this.requeueDeliveries(olderThanSeconds),
      repositoryDeletes: await this.requeueRepositoryDeletes(olderThanSeconds),
      bulkDeletes: await this.requeueBulkDeletes(olderThanSeconds),
      cleanupRuns: await this.requeueCleanupRuns(olderThanSeconds),
      namespaceDeletes: await this.requeueNamespaceDeletes(olderThanSeconds),
    };
    if (result.deliveries + result.repositoryDeletes + result.bulkDeletes + result.cleanupRuns + result.namespaceDeletes > 0) this.logger.warn(result, 'requeued work whose jobs were missing');
    return result;
  }

  private async requeueDeliveries(olderThanSeconds: number): Promise<number> {
    let requeued = 0;
    for (const deliveryId of await this.hooks.listStrandedDeliveries(this.db.manager, olderThanSeconds, BATCH)) {
      const options = webhookDeliveryJobOptions(deliveryId, this.config.webhooks.retryBaseDelayMs);
      if (await hasLiveJob(this.webhooks, options.jobId)) continue;
      await this.webhooks.add(JobName.DeliverWebhook, { deliveryId }, { ...DEFAULT_JOB_OPTIONS, ...options });
      requeued++;
    }
    return requeued;
  }

  private async requeueRepositoryDeletes(olderThanSeconds: number): Promise<number> {
    let requeued = 0;
    for (const repositoryId of await this.deletion.strandedRepositoryDeletes(olderThanSeconds, BATCH)) {
      // The id the api gives the job, so a request arriving meanwhile and this run cannot queue it twice.
      const jobId = repositoryDeleteJobId(repositoryId);
      if (await hasLiveJob(this.deletes, jobId)) continue;
      await this.deletes.add(JobName.DeleteRepository, { repositoryId, requestedBy: null }, { ...DEFAULT_JOB_OPTIONS, jobId });
      requeued++;
    }
    return requeued;
  }

  private async requeueBulkDeletes(olderThanSeconds: number): Promise<number> {
    let requeued = 0;
    for (const request of await this.deletion.strandedBulkDeleteRequests(olderThanSeconds, BATCH)) {
      const jobId = bulkDeleteJobId(request.id);
      if (await hasLiveJob(this.deletes, jobId)) continue;
      const payload = { repositoryId: request.repositoryId, params: request.params, requestedBy: request.requestedBy, requestId: request.id };
      await this.deletes.add(JobName.BulkDeleteTags, payload, { ...DEFAULT_JOB_OPTIONS, jobId });
      requeued++;
    }
    return requeued;
  }

  private async requeueCleanupRuns(olderThanSeconds: number): Promise<number> {
    let requeued = 0;
    for (const { runId, projectId, progress } of await this.cleanupPolicies.strandedRuns(olderThanSeconds, BATCH)) {
      const jobId = cleanupRunJobId(runId, progress);
      if (await hasLiveJob(this.cleanup, jobId)) continue;
      await this.cleanup.add(JobName.RunCleanupPolicy, { projectId, runId }, { ...DEFAULT_JOB_OPTIONS, jobId });
      requeued++;
    }
    return requeued;
  }

  /** Groups and users marked for deletion whose job is gone (the mark is the durable record, as for repositories). */
  private async requeueNamespaceDeletes(olderThanSeconds: number): Promise<number> {
    let requeued = 0;
    const { namespaceIds, userIds } = await this.namespaceDeletion.strandedDeletions(olderThanSeconds, BATCH);
    for (const namespaceId of namespaceIds) {
      const jobId = groupDeleteJobId(namespaceId);
      if (await hasLiveJob(this.deletes, jobId)) continue;
      await this.deletes.add(JobName.DeleteGroup, { namespaceId }, { ...DEFAULT_JOB_OPTIONS, jobId });
      requeued++;
    }
    for (const userId of userIds) {
      const jobId = userDeleteJobId(userId);
      if (await hasLiveJob(this.deletes, jobId)) continue;
      await this.deletes.add(JobName.DeleteUser, { userId }, { ...DEFAULT_JOB_OPTIONS, jobId });
      requeued++;
    }
    return requeued;
  }
}
