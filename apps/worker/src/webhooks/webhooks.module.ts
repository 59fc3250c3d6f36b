import { BullModule, getQueueToken } from '@nestjs/bullmq';
import { Module } from '@nestjs/common';
import { Queue } from 'bullmq';
import { DataSource } from 'typeorm';
import { Logger } from '@cargohold/common';
import { AppConfig } from '@cargohold/config';
import { DEFAULT_JOB_OPTIONS, ENQUEUE_TIMEOUT_MS, JobName, QueueName, withQueueDeadline } from '@cargohold/jobs';
import { APP_CONFIG, LOGGER, REGISTRY_EVENT_SINK } from '@cargohold/platform';
import {
  RegistryEventRecorder,
  WebhookDeliverer,
  WebhookDispatcher,
  WebhookRepository,
  webhookDeliveryJobOptions,
} from '@cargohold/registry';
import { WebhooksProcessor } from './webhooks.processor';

/** Consecutive failed attempts before a hook is disabled for a while (GitLab: 4), and for good (GitLab: 40). */
const DISABLE_AFTER = { temporaryAfter: 4, permanentAfter: 40 };

/**
 * The worker's side of registry events: delivers webhooks (QueueName.Webhooks), and provides the process's
 * registry event sink (REGISTRY_EVENT_SINK, handed to RegistryContextModule) so the worker's own changes (cleanup
 * runs, bulk and repository deletes) reach the audit trail and the hooks like the api's do.
 */
@Module({
  imports: [BullModule.registerQueue({ name: QueueName.Webhooks })],
  providers: [
    { provide: WebhookRepository, useFactory: () => new WebhookRepository() },
    {
      provide: WebhookDeliverer,
      inject: [DataSource, WebhookRepository, APP_CONFIG],
      useFactory: (db: DataSource, hooks: WebhookRepository, config: AppConfig) =>
        new WebhookDeliverer(db, hooks, { timeoutMs: config.webhooks.timeoutMs, instanceUrl: config.publicUrl, disableAfter: DISABLE_AFTER }),
    },
    {
      provide: REGISTRY_EVENT_SINK,
      inject: [DataSource, WebhookRepository, APP_CONFIG, LOGGER, getQueueToken(QueueName.Webhooks)],
      useFactory: (db: DataSource, hooks: WebhookRepository, config: AppConfig, logger: Logger, queue: Queue) => {
        // Bounded like the api's: a job that recorded events must not stall behind a Redis outage (the rows
        // are committed; the stranded-work requeuer queues them).
        const enqueue = async (ids: number[]) => {
          const adds = ids.map((id) =>
            queue.add(JobName.DeliverWebhook, { deliveryId: id }, { ...DEFAULT_JOB_OPTIONS, ...webhookDeliveryJobOptions(id, config.webhooks.retryBaseDelayMs) }),
          );
          await withQueueDeadline(Promise.all(adds), ENQUEUE_TIMEOUT_MS, 'queueing webhook deliveries');
        };
        return new RegistryEventRecorder(new WebhookDispatcher(db, hooks, config.publicUrl, enqueue, logger), config.publicUrl);
      },
    },
    WebhooksProcessor,
  ],
  exports: [REGISTRY_EVENT_SINK],
})
export class WebhooksWorkerModule {}

