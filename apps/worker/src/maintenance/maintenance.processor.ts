import { Processor, WorkerHost } from '@nestjs/bullmq';
import { Inject } from '@nestjs/common';
import { Job } from 'bullmq';
import { Logger } from '@cargohold/common';
import { JobName, JobPayloads, QueueName } from '@cargohold/jobs';
import { APP_CONFIG, LOGGER } from '@cargohold/platform';
import { AppConfig } from '@cargohold/config';
import { DeletedTagService, PullThroughCacheExpiry, RegistryContext, UploadService } from '@cargohold/registry';
import { RequeueResult, StrandedWorkRequeuer } from './stranded-work.requeuer';

/**
 * Housekeeping jobs: removing abandoned upload sessions and their bytes, requeueing work whose job was lost,
 * pruning deleted tag records past their restore window, expiring pull-through cache entries not pulled for their TTL.
 */
@Processor(QueueName.Maintenance)
export class MaintenanceProcessor extends WorkerHost {
  private readonly uploads: UploadService;
  private readonly deletedTags: DeletedTagService;
  private readonly cacheExpiry: PullThroughCacheExpiry;

  constructor(
    ctx: RegistryContext,
    private readonly stranded: StrandedWorkRequeuer,
    @Inject(LOGGER) private readonly logger: Logger,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    super();
    this.uploads = new UploadService(ctx);
    this.deletedTags = new DeletedTagService(ctx);
    this.cacheExpiry = new PullThroughCacheExpiry(ctx.db, { virtualRegistryTtlDays: config.pullThrough.virtualRegistryTtlDays, reviewDelaySeconds: config.gcReviewDelay });
  }

  async process(job: Job): Promise<{ purged: number } | { pruned: number } | { expired: number } | RequeueResult> {
    switch (job.name as JobName) {
      case JobName.PurgeStaleUploads: {
        const { olderThanSeconds } = job.data as JobPayloads[JobName.PurgeStaleUploads];
        let purged = 0;
        // Batches of 1000 until none is left, so a backlog is cleared in one run.
        for (let batch = await this.uploads.purgeStale(olderThanSeconds); batch > 0; batch = await this.uploads.purgeStale(olderThanSeconds)) {
          purged += batch;
        }
        this.logger.info({ job: job.name, purged }, 'stale uploads purged');
        return { purged };
      }
      case JobName.RequeueStrandedWork: {
        const { olderThanSeconds } = job.data as JobPayloads[JobName.RequeueStrandedWork];
        return this.stranded.requeue(olderThanSeconds);
      }
      case JobName.PruneDeletedTags: {
        const pruned = await this.deletedTags.prune();
        if (pruned > 0) this.logger.info({ job: job.name, pruned }, 'deleted tag records pruned');
        return { pruned };
      }
      case JobName.ExpirePullThroughCache: {
        const expired = await this.cacheExpiry.expire();
        if (expired > 0) this.logger.info({ job: job.name, expired }, 'pull-through cache entries expired');
        return { expired };
      }
      default:
        throw new Error(`no handler for job ${job.name} on ${QueueName.Maintenance}`);
    }
  }
}
