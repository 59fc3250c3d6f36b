import { InjectQueue } from '@nestjs/bullmq';
import { Inject, Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { Queue } from 'bullmq';
import { AppConfig } from '@cargohold/config';
import { JobName, QueueName } from '@cargohold/jobs';
import { APP_CONFIG } from '@cargohold/platform';

/** Looks for due cleanup policies every CLEANUP_SCHEDULE_INTERVAL seconds; idempotent across worker replicas. */
@Injectable()
export class CleanupScheduler implements OnApplicationBootstrap {
  constructor(
    @InjectQueue(QueueName.Cleanup) private readonly queue: Queue,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.queue.upsertJobScheduler(
      JobName.ScheduleCleanupPolicies,
      { every: this.config.cleanupScheduleInterval * 1000 },
      { name: JobName.ScheduleCleanupPolicies, data: {}, opts: { attempts: 1, removeOnComplete: 100, removeOnFail: 100 } },
    );
  }
}
