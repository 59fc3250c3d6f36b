import { InjectQueue, Processor, WorkerHost } from '@nestjs/bullmq';
import { Inject } from '@nestjs/common';
import { Job, Queue } from 'bullmq';
import { Logger } from '@cargohold/common';
import { JobName, QueueName } from '@cargohold/jobs';
import { LOGGER } from '@cargohold/platform';
import { GarbageCollector, GcResult } from '@cargohold/registry';
import { recordGcResult, recordQueueDepths, startGcRunTimer } from './gc.metrics';

/**
 * Bounds one review run, so a run under a steady stream of new garbage still ends (and frees the worker
 * for a graceful shutdown soon). A run that stops at the bound queues the next one at once: a backlog of
 * hundreds of thousands of items drains in back-to-back runs rather than one run a minute.
 */
export const MAX_ITEMS_PER_RUN = 20_000;

/** Online garbage collection. The collector does the work; this maps jobs to it and records metrics. */
@Processor(QueueName.Gc)
export class GcProcessor extends WorkerHost {
  constructor(
    private readonly collector: GarbageCollector,
    @Inject(LOGGER) private readonly logger: Logger,
    @InjectQueue(QueueName.Gc) private readonly queue: Queue,
  ) {
    super();
  }

  async process(job: Job): Promise<GcResult> {
    switch (job.name as JobName) {
      case JobName.GcReview: {
        let continued = false;
        const result = await this.measured(job.name, async () => {
          const reviewed = await this.collector.review(MAX_ITEMS_PER_RUN);
          continued = reviewed.manifestsReviewed + reviewed.blobsReviewed + reviewed.skipped >= MAX_ITEMS_PER_RUN;
          return reviewed;
        }, () => !continued);
        if (continued) await this.continueAfter();
        return result;
      }
      case JobName.GcSweepOrphans:
        return this.measured(job.name, () => this.collector.sweepOrphans());
      default:
        throw new Error(`no handler for job ${job.name} on ${QueueName.Gc}`);
    }
  }

  /** Queues the next review run now (a second one, should a retry queue it again, finds nothing left to claim). */
  private async continueAfter(): Promise<void> {
    await this.queue.add(JobName.GcReview, {}, { jobId: `${JobName.GcReview}-continued-${Date.now()}`, removeOnComplete: true, removeOnFail: true });
  }

  /**
   * Runs a job with its metrics. The queue depths are counted only when `countQueues` says so: a review run that
   * stopped at its bound leaves them to the run it queues (counting a backlog of hundreds of thousands of rows takes
   * a noticeable part of a second, every 20 000 items).
   */
  private async measured(name: string, run: () => Promise<GcResult>, countQueues: () => boolean = () => true): Promise<GcResult> {
    const done = startGcRunTimer(name);
    try {
      const result = await run();
      done('completed');
      recordGcResult(result);
      if (countQueues()) recordQueueDepths(await this.collector.queueDepths());
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
