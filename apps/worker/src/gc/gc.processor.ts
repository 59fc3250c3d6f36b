import { Processor, WorkerHost } from '@nestjs/bullmq';
import { Inject } from '@nestjs/common';
import { Job } from 'bullmq';
import { Logger } from '@cargohold/common';
import { JobName, QueueName } from '@cargohold/jobs';
import { LOGGER } from '@cargohold/platform';
import { GarbageCollector, GcResult } from '@cargohold/registry';
import { recordGcResult, recordQueueDepths, startGcRunTimer } from './gc.metrics';

/**
 * Bounds one review run, so a run under a steady stream of new garbage still ends (and frees the worker
 * for a graceful shutdown soon); the next scheduled run continues where this one stopped.
 */
export const MAX_ITEMS_PER_RUN = 20_000;

/** Online garbage collection. The collector does the work; this maps jobs to it and records metrics. */
@Processor(QueueName.Gc)
export class GcProcessor extends WorkerHost {
  constructor(
    private readonly collector: GarbageCollector,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {
    super();
  }

  async process(job: Job): Promise<GcResult> {
    switch (job.name as JobName) {
      case JobName.GcReview:
        return this.measured(job.name, () => this.collector.review(MAX_ITEMS_PER_RUN));
      case JobName.GcSweepOrphans:
        return this.measured(job.name, () => this.collector.sweepOrphans());
      default:
        throw new Error(`no handler for job ${job.name} on ${QueueName.Gc}`);
    }
  }

  private async measured(name: string, run: () => Promise<GcResult>): Promise<GcResult> {
    const done = startGcRunTimer(name);
    try {
      const result = await run();
      done('completed');
      recordGcResult(result);
      recordQueueDepths(await this.collector.queueDepths());
      if (result.manifestsDeleted + result.blobsDeleted + result.orphanBlobsDeleted + result.orphanUploadsAborted > 0) {
        this.logger.info({ job: name, ...result }, 'garbage collected');
      }
      return result;
    } catch (error) {
      done('failed');
      throw error;
    }
  }
}
