import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { buildRegistryPayload } from './webhook-payload';
import { WebhookRecord, WebhookRepository } from './webhook.repository';

/**
 * Hands delivery ids to the queue (JobName.DeliverWebhook, one job per id). Called after the rows committed; it
 * must give up quickly (rejecting) when Redis does not answer.
 */
export type DeliveryEnqueuer = (deliveryIds: number[]) => Promise<void>;

/** The part of a logger the dispatcher uses. */
export interface DispatchLogger {
  warn(details: object, message: string): void;
}

/**
 * Queues committed `webhook_deliveries` rows (registry events record them in their own transaction, see
 * RegistryEventRecorder) and sends test deliveries. Queueing fails open: a row that could not be queued
 * (Redis down or slow) stays `pending`, and the worker's stranded-work requeuer queues it once Redis is back.
 * Receivers are only ever called by the worker.
 */
export class WebhookDispatcher {
  constructor(
    private readonly db: DataSource,
    private readonly hooks: WebhookRepository,
    private readonly publicUrl: string,
    private readonly enqueue: DeliveryEnqueuer,
    private readonly logger: DispatchLogger,
  ) {}

  /** Never throws: the rows are committed, the requeuer is the fallback. */
  async deliver(deliveryIds: number[]): Promise<void> {
    if (deliveryIds.length === 0) return;
    try {
      await this.enqueue(deliveryIds);
    } catch (error) {
      this.logger.warn({ err: error, deliveryIds }, 'webhook deliveries not queued now (redis unavailable); the stranded-work requeuer queues them later');
    }
  }

  /** `POST .../hooks/:hook_id/test/registry_events`: a sample push event to this one hook, through the queue. */
  async dispatchTest(hook: WebhookRecord, owner: { id: number; fullPath: string }, actor: { id: number | null; name: string | null }): Promise<number> {
    const repositoryPath = hook.projectId !== null ? owner.fullPath : `${owner.fullPath}/example`;
    const payload = buildRegistryPayload(
      {
        name: 'test',
        event: {
          projectId: owner.id,
          repositoryPath,
          tag: 'latest',
          digest: `sha256:${'0'.repeat(64)}`,
          mediaType: 'application/vnd.oci.image.manifest.v1+json',
          size: 0,
          actor: { kind: 'user', id: actor.id, name: actor.name },
          occurredAt: new Date(),
        },
      },
      owner,
      this.publicUrl,
    );
    const [id] = await this.hooks.insertDeliveries(this.db.manager, [{ webhookId: hook.id, uuid: randomUUID(), event: 'test', payload }]);
    await this.deliver([id]);
    return id;
  }
}

/** Attempts and backoff of a DeliverWebhook job, the same whether the api or the worker queues it. */
export const WEBHOOK_DELIVERY_ATTEMPTS = 5;

export function webhookDeliveryJobOptions(deliveryId: number, retryBaseDelayMs: number) {
  return {
    // Derived from the row, so a row is never queued twice (BullMQ ignores a duplicate job id).
    jobId: `webhook-delivery-${deliveryId}`,
    attempts: WEBHOOK_DELIVERY_ATTEMPTS,
    backoff: { type: 'exponential' as const, delay: retryBaseDelayMs },
  };
}
