import { InjectQueue } from '@nestjs/bullmq';
import { Inject, Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { Queue } from 'bullmq';
import { AppConfig } from '@cargohold/config';
import { JobName, QueueName } from '@cargohold/jobs';
import { APP_CONFIG } from '@cargohold/platform';

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
      { name: JobName.PurgeStaleUploads, data: { olderThanSeconds: this.config.uploadPurgeAge }, opts: { attempts: 3, backoff: { type: 'exponential', delay: 5000 }, removeOnComplete: 100, removeOnFail: 1000 } },
    );
  }
}
