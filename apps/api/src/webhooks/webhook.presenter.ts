import { DeliveryRecord, WebhookRecord } from '@cargohold/registry';
import { GITLAB_HOOK_FLAGS } from './webhook.dto';
import { WebhookDeliveryEntity, WebhookEntity } from './webhook.entity';

/** GitLab's push_events defaults to true, every other flag to false. */
const FLAG_DEFAULTS: Record<string, unknown> = Object.fromEntries(GITLAB_HOOK_FLAGS.map((flag) => [flag, flag === 'push_events']));

/** GitLab's ProjectHook / GroupHook entity plus `registry_events`. The token is never shown, only whether one is set. */
export function presentWebhook(hook: WebhookRecord): WebhookEntity {
  const disabledUntil = hook.disabledUntil && hook.disabledUntil.getTime() > Date.now() ? hook.disabledUntil : null;
  return {
    id: hook.id,
    url: hook.url,
    name: hook.name,
    description: hook.description,
    ...(hook.projectId !== null ? { project_id: hook.projectId } : { group_id: hook.groupId }),
    ...FLAG_DEFAULTS,
    push_events_branch_filter: '',
    branch_filter_strategy: 'wildcard',
    ...hook.flags,
    registry_events: hook.registryEvents,
    enable_ssl_verification: hook.enableSslVerification,
    // GitLab's values: executable, temporarily_disabled, disabled.
    alert_status: hook.permanentlyDisabled ? 'disabled' : disabledUntil ? 'temporarily_disabled' : 'executable',
    disabled_until: disabledUntil,
    recent_failures: hook.recentFailures,
    url_variables: [],
    custom_headers: [],
    token_present: hook.hasToken,
    created_at: hook.createdAt,
  };
}

/** One row of `GET .../hooks/:hook_id/events`: our delivery log (GitLab's WebHookLog, trimmed to what we record). */
export function presentDelivery(delivery: DeliveryRecord, url: string): WebhookDeliveryEntity {
  return {
    id: delivery.id,
    url,
    trigger: 'registry_hooks',
    event_name: delivery.event,
    event_uuid: delivery.uuid,
    status: delivery.status,
    response_status: delivery.responseStatus === null ? null : String(delivery.responseStatus),
    execution_duration: delivery.durationMs === null ? null : delivery.durationMs / 1000,
    duration_ms: delivery.durationMs,
    attempts: delivery.attempts,
    last_error: delivery.lastError,
    request_data: delivery.payload,
    created_at: delivery.createdAt,
    updated_at: delivery.updatedAt,
    delivered_at: delivery.deliveredAt,
  };
}
