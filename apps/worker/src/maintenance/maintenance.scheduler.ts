import { InjectQueue } from '@nestjs/bullmq';
import { Inject, Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { Queue } from 'bullmq';
import { AppConfig } from '@cargohold/config';
import { JobName, QueueName } from '@cargohold/jobs';
import { APP_CONFIG } from '@cargohold/platform';

const HOUSEKEEPING_JOB_OPTIONS = { attempts: 3, backoff: { type: 'exponential' as const, delay: 5000 }, removeOnComplete: 100, removeOnFail: 1000 };

/**
 * How long work may sit in the database without its job before it is requeued: longer than any enqueue takes,
 * short enough that a lost webhook or repository delete resumes within minutes. Checked every STRANDED_EVERY_MS.
 */
export const STRANDED_AFTER_SECONDS = 600;
const STRANDED_EVERY_MS = 5 * 60 * 1000;

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
      { every: STRANDED_EVERY_MS },
      { name: JobName.RequeueStrandedWork, data: { olderThanSeconds: STRANDED_AFTER_SECONDS }, opts: HOUSEKEEPING_JOB_OPTIONS },
    );
  }
}
