import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { checkWebhookUrl, HostResolver } from './webhook-url-guard';
import { WebhookUrlError } from './webhook-errors';
import { REGISTRY_HOOK_HEADER } from './webhook-payload';
import { SIGNATURE_HEADER, signWebhookBody } from './webhook-signature';
import { postWebhook, WebhookTransport } from './webhook-transport';
import { WebhookRepository } from './webhook.repository';

export interface DeliverySettings {
  timeoutMs: number;
  /** PUBLIC_URL, sent as X-Gitlab-Instance. */
  instanceUrl: string;
  /** Consecutive failed attempts before a hook is disabled for a while, and for good. */
  disableAfter: { temporaryAfter: number; permanentAfter: number };
}

/** `retry`: throw so the queue tries again later; `done`: nothing more to do (delivered, or pointless to retry). */
export type AttemptResult = { outcome: 'delivered'; status: number } | { outcome: 'retry'; error: string } | { outcome: 'done'; reason: string };

/**
 * One delivery attempt of one `webhook_deliveries` row: re-check the URL against the SSRF rule (DNS may have
 * changed since the hook was saved), POST the stored payload with the token and the body's HMAC signature,
 * record the attempt, and count the hook's consecutive failures for auto-disabling.
 */
export class WebhookDeliverer {
  constructor(
    private readonly db: DataSource,
    private readonly hooks: WebhookRepository,
    private readonly settings: DeliverySettings,
    private readonly transport: WebhookTransport = postWebhook,
    private readonly resolve?: HostResolver,
  ) {}

  async attempt(deliveryId: number, attempt: number, finalAttempt: boolean): Promise<AttemptResult> {
    const manager = this.db.manager;
    const work = await this.hooks.findDeliveryWork(manager, deliveryId);
    if (!work) return { outcome: 'done', reason: 'the delivery or its hook no longer exists' };
    const { delivery, hook } = work;
    if (delivery.status === 'succeeded') return { outcome: 'done', reason: 'already delivered' };
    const fail = async (error: string, responseStatus: number | null, durationMs: number | null, retry: boolean): Promise<AttemptResult> => {
      const last = finalAttempt || !retry;
      await this.hooks.recordAttempt(manager, deliveryId, { attempts: attempt, status: last ? 'failed' : 'pending', responseStatus, durationMs, error });
      return last ? { outcome: 'done', reason: error } : { outcome: 'retry', error };
    };
    if (hook.permanentlyDisabled) return fail('the webhook is disabled after repeated failures', null, null, false);
    if (hook.disabledUntil && hook.disabledUntil.getTime() > Date.now()) {
      return fail(`the webhook is disabled until ${hook.disabledUntil.toISOString()}`, null, null, true);
    }

    let target: { url: URL; addresses: string[] };
    try {
      target = await checkWebhookUrl(hook.url, { allowLocal: await this.hooks.allowLocalRequests(manager), resolve: this.resolve });
    } catch (error) {
      if (error instanceof WebhookUrlError) return fail(`url ${error.message}`, null, null, false);
      throw error;
    }

    const body = JSON.stringify(delivery.payload);
    const headers: Record<string, string> = {
      'Content-Type': 'application/json',
      'User-Agent': 'cargohold-webhooks/1.0',
      'X-Gitlab-Event': REGISTRY_HOOK_HEADER,
      'X-Gitlab-Instance': this.settings.instanceUrl,
      'X-Gitlab-Webhook-UUID': randomUUID(),
      // The same on every retry of this delivery: receivers dedupe with it (delivery is at-least-once).
      'X-Gitlab-Event-UUID': delivery.uuid,
      'Idempotency-Key': delivery.uuid,
    };
    if (hook.token) {
      headers['X-Gitlab-Token'] = hook.token;
      headers[SIGNATURE_HEADER] = signWebhookBody(body, hook.token);
    }

    const started = Date.now();
    try {
      const response = await this.transport({ url: target.url, addresses: target.addresses, headers, body, timeoutMs: this.settings.timeoutMs, verifyTls: hook.enableSslVerification });
      const durationMs = Date.now() - started;
      if (response.status >= 200 && response.status < 300) {
        await this.hooks.recordAttempt(manager, deliveryId, { attempts: attempt, status: 'succeeded', responseStatus: response.status, durationMs, error: null });
        await this.hooks.recordHookSuccess(manager, hook.id);
        return { outcome: 'delivered', status: response.status };
      }
      await this.hooks.recordHookFailure(manager, hook.id, this.settings.disableAfter);
      return fail(`HTTP ${response.status}${response.bodyStart ? `: ${response.bodyStart.slice(0, 200)}` : ''}`, response.status, durationMs, true);
    } catch (error) {
      await this.hooks.recordHookFailure(manager, hook.id, this.settings.disableAfter);
      return fail((error as Error).message || String(error), null, Date.now() - started, true);
    }
  }
}
