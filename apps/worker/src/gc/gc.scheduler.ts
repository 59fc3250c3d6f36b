import { InjectQueue } from '@nestjs/bullmq';
import { Inject, Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { JobsOptions, Queue } from 'bullmq';
import { AppConfig } from '@cargohold/config';
import { JobName, QueueName } from '@cargohold/jobs';
import { APP_CONFIG } from '@cargohold/platform';

const RUN_OPTIONS: JobsOptions = { attempts: 3, backoff: { type: 'exponential', delay: 5000 }, removeOnComplete: 100, removeOnFail: 1000 };

/** Seconds between review runs: every minute, sooner when the review delay itself is shorter (tests, demos). */
export function reviewInterval(reviewDelaySeconds: number): number {
  return Math.min(60, Math.max(5, reviewDelaySeconds));
}

/** Seconds between orphan sweeps, which list the whole store: hourly. */
export const SWEEP_INTERVAL = 3600;

/**
 * Registers the recurring GC jobs. upsertJobScheduler is idempotent and each tick's job id is derived from
 * the scheduler id and the tick time, so every replica may call this and a tick still runs once. One run
 * is also queued at start under a fixed job id (replicas starting together add it once), so a worker that
 * was killed mid-run resumes the work at once rather than on the next tick.
 */
@Injectable()
export class GcScheduler implements OnApplicationBootstrap {
  constructor(
    @InjectQueue(QueueName.Gc) private readonly queue: Queue,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.queue.upsertJobScheduler(
      JobName.GcReview,
      { every: reviewInterval(this.config.gcReviewDelay) * 1000 },
      { name: JobName.GcReview, data: {}, opts: RUN_OPTIONS },
    );
    await this.queue.upsertJobScheduler(JobName.GcSweepOrphans, { every: SWEEP_INTERVAL * 1000 }, { name: JobName.GcSweepOrphans, data: {}, opts: RUN_OPTIONS });
    await this.queue.add(JobName.GcReview, {}, { ...RUN_OPTIONS, jobId: `${JobName.GcReview}-at-start`, removeOnComplete: true, removeOnFail: true });
  }
}
