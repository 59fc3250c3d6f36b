import { JobsOptions, Queue } from 'bullmq';
import { JOB_QUEUE, JobName, JobPayloads, QueueName } from './queues';

/** Retries with exponential backoff, and finished jobs kept a while for inspection. */
export const DEFAULT_JOB_OPTIONS: JobsOptions = {
  attempts: 5,
  backoff: { type: 'exponential', delay: 2000 },
  removeOnComplete: { age: 24 * 3600, count: 1000 },
  removeOnFail: { age: 7 * 24 * 3600 },
};

/**
 * Typed enqueueing for the api and the CLI: the payload type follows the job name. Callers pass a
 * deterministic `jobId` where a job must not run twice at once (BullMQ then ignores the duplicate).
 * Enqueue after the database transaction commits, never inside it.
 */
export class JobProducer {
  private readonly queues = new Map<QueueName, Queue>();

  constructor(
    private readonly connection: { url: string },
    private readonly prefix: string,
  ) {}

  async enqueue<N extends JobName>(name: N, payload: JobPayloads[N], options: JobsOptions = {}): Promise<string | undefined> {
    const job = await this.queue(JOB_QUEUE[name]).add(name, payload, { ...DEFAULT_JOB_OPTIONS, ...options });
    return job.id;
  }

  queue(name: QueueName): Queue {
    let queue = this.queues.get(name);
    if (!queue) {
      queue = new Queue(name, { connection: { url: this.connection.url, maxRetriesPerRequest: null }, prefix: this.prefix });
      this.queues.set(name, queue);
    }
    return queue;
  }

  async close(): Promise<void> {
    await Promise.all([...this.queues.values()].map((queue) => queue.close()));
    this.queues.clear();
  }
}
