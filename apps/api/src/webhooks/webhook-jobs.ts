import { AppConfig } from '@cargohold/config';
import { DEFAULT_JOB_OPTIONS, JobName, JobProducer } from '@cargohold/jobs';
import { DeliveryEnqueuer, webhookDeliveryJobOptions } from '@cargohold/registry';

/** One DeliverWebhook job per delivery row: 5 attempts, WEBHOOK_RETRY_BASE_DELAY_MS apart and doubling. */
export function deliveryEnqueuer(producer: JobProducer, config: AppConfig): DeliveryEnqueuer {
  // In parallel, each under the producer's deadline: with Redis down the request waits one deadline, not one per row.
  return async (ids) => {
    await Promise.all(
      ids.map((deliveryId) =>
        producer.enqueue(JobName.DeliverWebhook, { deliveryId }, { ...DEFAULT_JOB_OPTIONS, ...webhookDeliveryJobOptions(deliveryId, config.webhooks.retryBaseDelayMs) }),
      ),
    );
  };
}
