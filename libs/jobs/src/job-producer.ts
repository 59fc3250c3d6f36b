import { JobsOptions, Queue } from 'bullmq';
import { withQueueDeadline } from './deadline';
import { JOB_QUEUE, JobName, JobPayloads, QueueName } from './queues';

/** How long a request waits for Redis to take a job before the caller falls back (see withQueueDeadline). */
export const ENQUEUE_TIMEOUT_MS = 2000;

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
 * Enqueue after the database transaction commits, never inside it. Every call gives up after `timeoutMs`
 * with QueueUnavailableError (Redis down or not answering) instead of waiting for a reconnect.
 */
export class JobProducer {
  private readonly queues = new Map<QueueName, Queue>();

  constructor(
    private readonly connection: { url: string },
    private readonly prefix: string,
    readonly timeoutMs = ENQUEUE_TIMEOUT_MS,
  ) {}

  async enqueue<N extends JobName>(name: N, payload: JobPayloads[N], options: JobsOptions = {}): Promise<string | undefined> {
    const job = await this.bounded(this.queue(JOB_QUEUE[name]).add(name, payload, { ...DEFAULT_JOB_OPTIONS, ...options }), `queueing ${name}`);
    return job.id;
  }

  /** Any other queue call (e.g. hasLiveJob) under the same deadline. */
  bounded<T>(work: Promise<T>, what: string): Promise<T> {
    return withQueueDeadline(work, this.timeoutMs, what);
  }

  queue(name: QueueName): Queue {
    let queue = this.queues.get(name);
    if (!queue) {
      // A producer's connection never blocks, so it need not wait forever: a command left in ioredis' offline
      // queue is dropped after one failed reconnect rather than piling up through a long outage.
      queue = new Queue(name, { connection: { url: this.connection.url, maxRetriesPerRequest: 1 }, prefix: this.prefix });
      this.queues.set(name, queue);
    }
    return queue;
  }

  async close(): Promise<void> {
    await Promise.all([...this.queues.values()].map((queue) => queue.close()));
    this.queues.clear();
  }
}
