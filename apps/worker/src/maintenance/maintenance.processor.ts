import { Processor, WorkerHost } from '@nestjs/bullmq';
import { Inject } from '@nestjs/common';
import { Job } from 'bullmq';
import { Logger } from '@cargohold/common';
import { JobName, JobPayloads, QueueName } from '@cargohold/jobs';
import { LOGGER } from '@cargohold/platform';
import { RegistryContext, UploadService } from '@cargohold/registry';

/** Housekeeping jobs: removing abandoned upload sessions and their bytes. */
@Processor(QueueName.Maintenance)
export class MaintenanceProcessor extends WorkerHost {
  private readonly uploads: UploadService;

  constructor(
    ctx: RegistryContext,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {
    super();
    this.uploads = new UploadService(ctx);
  }

  async process(job: Job): Promise<{ purged: number }> {
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
      default:
        throw new Error(`no handler for job ${job.name} on ${QueueName.Maintenance}`);
    }
  }
}
