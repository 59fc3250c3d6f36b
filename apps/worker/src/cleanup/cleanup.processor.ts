import { InjectQueue, Processor, WorkerHost } from '@nestjs/bullmq';
import { Inject } from '@nestjs/common';
import { Job, Queue } from 'bullmq';
import { Logger } from '@cargohold/common';
import { cleanupRunJobId, DEFAULT_JOB_OPTIONS, JobName, JobPayloads, QueueName } from '@cargohold/jobs';
import { LOGGER } from '@cargohold/platform';
import { CleanupPolicyService } from '@cargohold/registry';
import { cleanupJobDuration, cleanupTagsDeleted } from './cleanup.metrics';

/** Repositories one job handles before it hands the rest of the run to a new job, so big projects share the worker. */
const REPOSITORIES_PER_JOB = 25;

/**
 * Cleanup policies: the periodic scheduler and the per-project runs it enqueues. A short lock means a run held
 * by a worker that died (kill -9, lost machine) is noticed as stalled and picked up by another within ~30 s.
 */
@Processor(QueueName.Cleanup, { concurrency: 2, lockDuration: 15_000, stalledInterval: 15_000 })
export class CleanupProcessor extends WorkerHost {
  constructor(
    private readonly policies: CleanupPolicyService,
    @InjectQueue(QueueName.Cleanup) private readonly queue: Queue,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {
    super();
  }

  async process(job: Job): Promise<unknown> {
    const timer = cleanupJobDuration.startTimer({ job: job.name });
    try {
      switch (job.name as JobName) {
        case JobName.ScheduleCleanupPolicies:
          return await this.schedule();
        case JobName.RunCleanupPolicy:
          return await this.run(job as Job<JobPayloads[JobName.RunCleanupPolicy]>);
        default:
          throw new Error(`no handler for job ${job.name} on ${QueueName.Cleanup}`);
      }
    } finally {
      timer();
    }
  }

  private async schedule(): Promise<{ scheduled: number }> {
    const runs = await this.policies.scheduleDue();
    for (const run of runs) await this.enqueueRun(run.projectId, run.runId, 0);
    if (runs.length > 0) this.logger.info({ scheduled: runs.length }, 'cleanup runs scheduled');
    return { scheduled: runs.length };
  }

  private async run(job: Job<JobPayloads[JobName.RunCleanupPolicy]>): Promise<unknown> {
    const { runId, projectId } = job.data;
    try {
      const run = await this.policies.execute(runId, REPOSITORIES_PER_JOB);
      cleanupTagsDeleted.inc(run.deletedTags);
      if (run.status === 'unfinished') await this.enqueueRun(projectId, runId, run.repositoriesDone);
      const kept = { protectedTagsSkipped: run.protectedTagsSkipped, immutableTagsSkipped: run.immutableTagsSkipped };
      this.logger.info({ runId, projectId, status: run.status, deletedTags: run.deletedTags, ...kept }, 'cleanup run progressed');
      return { status: run.status, deletedTags: run.deletedTags };
    } catch (error) {
      // The last attempt marks the run failed so the API shows it; earlier ones let BullMQ retry with backoff.
      if (job.attemptsMade + 1 >= (job.opts.attempts ?? 1)) await this.policies.markFailed(runId, (error as Error).message);
      throw error;
    }
  }

  /** The job id names the run and its progress, so a duplicate enqueue (two schedulers, a retry) is ignored. */
  private async enqueueRun(projectId: number, runId: number, progress: number): Promise<void> {
    await this.queue.add(JobName.RunCleanupPolicy, { projectId, runId }, { ...DEFAULT_JOB_OPTIONS, jobId: cleanupRunJobId(runId, progress) });
  }
}
