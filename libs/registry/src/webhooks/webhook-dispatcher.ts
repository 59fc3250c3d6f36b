import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { buildRegistryPayload, RegistryPayloadEvent } from './webhook-payload';
import { WebhookRecord, WebhookRepository } from './webhook.repository';

/** Hands delivery ids to the queue (JobName.DeliverWebhook, one job per id). Called after the rows committed. */
export type DeliveryEnqueuer = (deliveryIds: number[]) => Promise<void>;

/**
 * Fan-out of registry events to webhooks: one `webhook_deliveries` row per matching enabled hook (the project's
 * and its ancestor groups'), then one job per row. Receivers are only ever called by the worker.
 */
export class WebhookDispatcher {
  constructor(
    private readonly db: DataSource,
    private readonly hooks: WebhookRepository,
    private readonly publicUrl: string,
    private readonly enqueue: DeliveryEnqueuer,
  ) {}

  async dispatch(projectId: number, input: RegistryPayloadEvent): Promise<number[]> {
    const { project, hookIds } = await this.hooks.findRegistryTargets(this.db.manager, projectId);
    if (!project || hookIds.length === 0) return [];
    const payload = buildRegistryPayload(input, project, this.publicUrl);
    const ids = await this.hooks.insertDeliveries(
      this.db.manager,
      hookIds.map((webhookId) => ({ webhookId, uuid: randomUUID(), event: input.name, payload })),
    );
    await this.enqueue(ids);
    return ids;
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
    await this.enqueue([id]);
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
