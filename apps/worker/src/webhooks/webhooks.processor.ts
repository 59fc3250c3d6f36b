import { Processor, WorkerHost } from '@nestjs/bullmq';
import { Inject } from '@nestjs/common';
import { Job } from 'bullmq';
import { Logger } from '@cargohold/common';
import { JobName, JobPayloads, QueueName } from '@cargohold/jobs';
import { LOGGER } from '@cargohold/platform';
import { AttemptResult, WebhookDeliverer } from '@cargohold/registry';

/**
 * Webhook deliveries, at least once: an attempt that fails or times out throws, so BullMQ retries it with
 * exponential backoff; the last attempt marks the delivery failed instead. Concurrency is high because a slow
 * receiver holds its slot until WEBHOOK_TIMEOUT_MS.
 */
@Processor(QueueName.Webhooks, { concurrency: 16 })
export class WebhooksProcessor extends WorkerHost {
  constructor(
    private readonly deliverer: WebhookDeliverer,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {
    super();
  }

  async process(job: Job): Promise<AttemptResult> {
    if ((job.name as JobName) !== JobName.DeliverWebhook) throw new Error(`no handler for job ${job.name} on ${QueueName.Webhooks}`);
    const { deliveryId } = job.data as JobPayloads[JobName.DeliverWebhook];
    const attempt = job.attemptsMade + 1;
    const result = await this.deliverer.attempt(deliveryId, attempt, attempt >= (job.opts.attempts ?? 1));
    if (result.outcome === 'retry') {
      this.logger.info({ deliveryId, attempt, error: result.error }, 'webhook delivery failed, will retry');
      throw new Error(result.error);
    }
    if (result.outcome === 'done') this.logger.warn({ deliveryId, attempt, reason: result.reason }, 'webhook delivery given up');
    return result;
  }
}
