import { InjectQueue } from '@nestjs/bullmq';
import { Inject, Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { Queue } from 'bullmq';
import { AppConfig } from '@cargohold/config';
import { JobName, QueueName } from '@cargohold/jobs';
import { APP_CONFIG } from '@cargohold/platform';

const HOUSEKEEPING_JOB_OPTIONS = { attempts: 3, backoff: { type: 'exponential' as const, delay: 5000 }, removeOnComplete: 100, removeOnFail: 1000 };

/**
 * How often the stranded-work check runs: twice per STRANDED_WORK_AFTER (default 600 s: every 5 minutes), at
 * least every 5 s and at most every 5 minutes, so work recorded during a Redis outage resumes within about
 * STRANDED_WORK_AFTER of Redis coming back.
 */
export function strandedCheckEveryMs(strandedAfterSeconds: number): number {
  return Math.min(300, Math.max(5, Math.floor(strandedAfterSeconds / 2))) * 1000;
}

/**
 * How often deleted tag records are pruned: once per GC_REVIEW_DELAY, at least every minute and at most every
 * hour (a record is kept for its window and a grace after it, see pruneAfterSeconds, so nothing is lost by waiting).
 */
export function pruneDeletedTagsEveryMs(reviewDelaySeconds: number): number {
  return Math.min(3600, Math.max(60, reviewDelaySeconds)) * 1000;
}

/** Registers the recurring maintenance jobs. upsertJobScheduler is idempotent, so every worker replica may call it. */
@Injectable()
export class MaintenanceScheduler implements OnApplicationBootstrap {
  constructor(
    @InjectQueue(QueueName.Maintenance) private readonly queue: Queue,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const every = Math.max(60, Math.min(this.config.uploadPurgeAge, 3600)) * 1000;
    await this.queue.upsertJobScheduler(
      JobName.PurgeStaleUploads,
      { every },
      { name: JobName.PurgeStaleUploads, data: { olderThanSeconds: this.config.uploadPurgeAge }, opts: HOUSEKEEPING_JOB_OPTIONS },
    );
    await this.queue.upsertJobScheduler(
      JobName.RequeueStrandedWork,
      { every: strandedCheckEveryMs(this.config.strandedWorkAfter) },
      { name: JobName.RequeueStrandedWork, data: { olderThanSeconds: this.config.strandedWorkAfter }, opts: HOUSEKEEPING_JOB_OPTIONS },
    );
    await this.queue.upsertJobScheduler(
      JobName.PruneDeletedTags,
      { every: pruneDeletedTagsEveryMs(this.config.gcReviewDelay) },
      { name: JobName.PruneDeletedTags, data: {}, opts: HOUSEKEEPING_JOB_OPTIONS },
    );
    // TTLs are whole days: the same cadence (every minute to every hour) removes an entry within an hour of its due.
    await this.queue.upsertJobScheduler(
      JobName.ExpirePullThroughCache,
      { every: pruneDeletedTagsEveryMs(this.config.gcReviewDelay) },
      { name: JobName.ExpirePullThroughCache, data: {}, opts: HOUSEKEEPING_JOB_OPTIONS },
    );
  }
}
