import { Queue } from 'bullmq';
import { Gauge, metricsRegistry } from '@cargohold/common';
import { QueueName } from '@cargohold/jobs';

/** Jobs waiting, running, delayed and failed per queue, read from Redis when Prometheus scrapes. */
export function registerQueueDepthGauge(queues: Queue[]): void {
  new Gauge({
    name: 'cargohold_queue_jobs',
    help: 'Jobs per queue and state',
    labelNames: ['queue', 'state'] as const,
    registers: [metricsRegistry],
    async collect() {
      for (const queue of queues) {
        const counts = await queue.getJobCounts('waiting', 'active', 'delayed', 'failed', 'completed');
        for (const [state, count] of Object.entries(counts)) this.set({ queue: queue.name as QueueName, state }, count);
      }
    },
  });
}
