import { EntityManager } from 'typeorm';
import { execute, queryOne, typedQuery } from '@cargohold/db';

export type WebhookOwner = { kind: 'project' | 'group'; id: number };

export interface WebhookRecord {
  id: number;
  projectId: number | null;
  groupId: number | null;
  url: string;
  name: string;
  description: string;
  /** The token itself never leaves the data layer except towards the delivering worker. */
  hasToken: boolean;
  enableSslVerification: boolean;
  registryEvents: boolean;
  flags: Record<string, unknown>;
  recentFailures: number;
  backoffCount: number;
  disabledUntil: Date | null;
  permanentlyDisabled: boolean;
  createdAt: Date;
}

export interface WebhookChanges {
  url?: string;
  name?: string;
  description?: string;
  /** undefined: keep; null: clear. */
  token?: string | null;
  enableSslVerification?: boolean;
  registryEvents?: boolean;
  flags?: Record<string, unknown>;
}

export interface DeliveryRecord {
  id: number;
  webhookId: number;
  uuid: string;
  event: string;
  payload: Record<string, unknown>;
  status: 'pending' | 'succeeded' | 'failed';
  responseStatus: number | null;
  durationMs: number | null;
  attempts: number;
  lastError: string | null;
  createdAt: Date;
  updatedAt: Date;
  deliveredAt: Date | null;
}

/** A delivery with what the worker needs of its hook, secrets included. */
export interface DeliveryWork {
  delivery: DeliveryRecord;
  hook: { id: number; url: string; token: string | null; enableSslVerification: boolean; permanentlyDisabled: boolean; disabledUntil: Date | null };
}

const HOOK_COLUMNS = `id, project_id AS "projectId", group_id AS "groupId", url, name, description, token IS NOT NULL AS "hasToken",
  enable_ssl_verification AS "enableSslVerification", registry_events AS "registryEvents", flags, recent_failures AS "recentFailures",
  backoff_count AS "backoffCount", disabled_until AS "disabledUntil", permanently_disabled AS "permanentlyDisabled", created_at AS "createdAt"`;

const DELIVERY_COLUMNS = `d.id, d.webhook_id AS "webhookId", d.uuid, d.event, d.payload, d.status, d.response_status AS "responseStatus",
  d.duration_ms AS "durationMs", d.attempts, d.last_error AS "lastError", d.created_at AS "createdAt", d.updated_at AS "updatedAt",
  d.delivered_at AS "deliveredAt"`;

function ownerColumn(owner: WebhookOwner): 'project_id' | 'group_id' {
  return owner.kind === 'project' ? 'project_id' : 'group_id';
}

/** The `webhooks`, `webhook_deliveries` and `application_settings` tables. */
export class WebhookRepository {
  async list(db: EntityManager, owner: WebhookOwner, limit: number, offset: number): Promise<{ items: WebhookRecord[]; total: number }> {
    const column = ownerColumn(owner);
    const items = await typedQuery<WebhookRecord>(db, `SELECT ${HOOK_COLUMNS} FROM webhooks WHERE ${column} = $1 ORDER BY id LIMIT $2 OFFSET $3`, [owner.id, limit, offset]);
    const [{ total }] = await typedQuery<{ total: number }>(db, `SELECT count(*)::int AS total FROM webhooks WHERE ${column} = $1`, [owner.id]);
    return { items, total };
  }

  async find(db: EntityManager, owner: WebhookOwner, id: number): Promise<WebhookRecord | null> {
    return queryOne<WebhookRecord>(db, `SELECT ${HOOK_COLUMNS} FROM webhooks WHERE id = $1 AND ${ownerColumn(owner)} = $2`, [id, owner.id]);
  }

  async insert(db: EntityManager, owner: WebhookOwner, input: WebhookChanges & { url: string }): Promise<WebhookRecord> {
    const [hook] = await typedQuery<WebhookRecord>(
      db,
      `INSERT INTO webhooks (${ownerColumn(owner)}, url, name, description, token, enable_ssl_verification, registry_events, flags)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING ${HOOK_COLUMNS}`,
      [owner.id, input.url, input.name ?? '', input.description ?? '', input.token || null, input.enableSslVerification ?? true, input.registryEvents ?? true, JSON.stringify(input.flags ?? {})],
    );
    return hook;
  }

  /** Any edit re-enables the hook (as in GitLab): failure counters and disabling are reset. */
  async update(db: EntityManager, owner: WebhookOwner, id: number, changes: WebhookChanges): Promise<WebhookRecord | null> {
    return queryOne<WebhookRecord>(
      db,
      `WITH changed AS (
         UPDATE webhooks SET
           url = coalesce($3, url),
           name = coalesce($4, name),
           description = coalesce($5, description),
           token = CASE WHEN $6::boolean THEN $7 ELSE token END,
           enable_ssl_verification = coalesce($8, enable_ssl_verification),
           registry_events = coalesce($9, registry_events),
           flags = flags || $10::jsonb,
           recent_failures = 0, backoff_count = 0, disabled_until = NULL, permanently_disabled = false, updated_at = now()
         WHERE id = $1 AND ${ownerColumn(owner)} = $2
         RETURNING ${HOOK_COLUMNS})
       SELECT * FROM changed`,
      [
        id,
        owner.id,
        changes.url ?? null,
        changes.name ?? null,
        changes.description ?? null,
        changes.token !== undefined,
        changes.token || null,
        changes.enableSslVerification ?? null,
        changes.registryEvents ?? null,
        JSON.stringify(changes.flags ?? {}),
      ],
    );
  }

  async delete(db: EntityManager, owner: WebhookOwner, id: number): Promise<boolean> {
    const gone = await queryOne<{ id: number }>(db, `WITH gone AS (DELETE FROM webhooks WHERE id = $1 AND ${ownerColumn(owner)} = $2 RETURNING id) SELECT id FROM gone`, [id, owner.id]);
    return gone !== null;
  }

  async insertDeliveries(db: EntityManager, rows: Array<{ webhookId: number; uuid: string; event: string; payload: unknown }>): Promise<number[]> {
    if (rows.length === 0) return [];
    const inserted = await typedQuery<{ id: number }>(
      db,
      `INSERT INTO webhook_deliveries (webhook_id, uuid, event, payload)
       SELECT * FROM unnest($1::bigint[], $2::uuid[], $3::text[], $4::jsonb[]) RETURNING id`,
      [rows.map((r) => r.webhookId), rows.map((r) => r.uuid), rows.map((r) => r.event), rows.map((r) => JSON.stringify(r.payload))],
    );
    return inserted.map((row) => row.id);
  }

  async listDeliveries(
    db: EntityManager,
    webhookId: number,
    filter: { status?: 'pending' | 'succeeded' | 'failed'; responseStatus?: [number, number] },
    limit: number,
    offset: number,
  ): Promise<{ items: DeliveryRecord[]; total: number }> {
    const where = [`d.webhook_id = $1`];
    const params: unknown[] = [webhookId];
    if (filter.status) where.push(`d.status = $${params.push(filter.status)}`);
    if (filter.responseStatus) {
      where.push(`d.response_status BETWEEN $${params.push(filter.responseStatus[0])} AND $${params.push(filter.responseStatus[1])}`);
    }
    const clause = where.join(' AND ');
    const items = await typedQuery<DeliveryRecord>(
      db,
      `SELECT ${DELIVERY_COLUMNS} FROM webhook_deliveries d WHERE ${clause} ORDER BY d.id DESC LIMIT $${params.length + 1} OFFSET $${params.length + 2}`,
      [...params, limit, offset],
    );
    const [{ total }] = await typedQuery<{ total: number }>(db, `SELECT count(*)::int AS total FROM webhook_deliveries d WHERE ${clause}`, params);
    return { items, total };
  }

  async findDeliveryWork(db: EntityManager, deliveryId: number): Promise<DeliveryWork | null> {
    const row = await queryOne<DeliveryRecord & { hookUrl: string; hookToken: string | null; hookSsl: boolean; hookPermanentlyDisabled: boolean; hookDisabledUntil: Date | null }>(
      db,
      `SELECT ${DELIVERY_COLUMNS}, w.url AS "hookUrl", w.token AS "hookToken", w.enable_ssl_verification AS "hookSsl",
              w.permanently_disabled AS "hookPermanentlyDisabled", w.disabled_until AS "hookDisabledUntil"
       FROM webhook_deliveries d JOIN webhooks w ON w.id = d.webhook_id WHERE d.id = $1`,
      [deliveryId],
    );
    if (!row) return null;
    const { hookUrl, hookToken, hookSsl, hookPermanentlyDisabled, hookDisabledUntil, ...delivery } = row;
    return {
      delivery,
      hook: { id: delivery.webhookId, url: hookUrl, token: hookToken, enableSslVerification: hookSsl, permanentlyDisabled: hookPermanentlyDisabled, disabledUntil: hookDisabledUntil },
    };
  }

  /**
   * Deliveries still `pending` and untouched for `olderThanSeconds`: every attempt updates the row, so these
   * are either queued behind a long backlog or lost to the queue (never enqueued, or Redis lost its data).
   */
  async listStrandedDeliveries(db: EntityManager, olderThanSeconds: number, limit: number): Promise<number[]> {
    const rows = await typedQuery<{ id: number }>(
      db,
      `SELECT id FROM webhook_deliveries
        WHERE status = 'pending' AND updated_at < now() - make_interval(secs => $1)
        ORDER BY updated_at LIMIT $2`,
      [olderThanSeconds, limit],
    );
    return rows.map((row) => row.id);
  }

  /** One attempt's outcome. `status` stays `pending` while retries remain. */
  async recordAttempt(
    db: EntityManager,
    deliveryId: number,
    attempt: { attempts: number; status: DeliveryRecord['status']; responseStatus: number | null; durationMs: number | null; error: string | null },
  ): Promise<void> {
    await execute(
      db,
      `UPDATE webhook_deliveries SET attempts = GREATEST(attempts, $2), status = $3, response_status = $4, duration_ms = $5, last_error = $6,
         updated_at = now(), delivered_at = CASE WHEN $3 = 'succeeded' THEN now() ELSE delivered_at END
       WHERE id = $1 AND status <> 'succeeded'`,
      [deliveryId, attempt.attempts, attempt.status, attempt.responseStatus, attempt.durationMs, attempt.error],
    );
  }

  async recordHookSuccess(db: EntityManager, webhookId: number): Promise<void> {
    await execute(db, `UPDATE webhooks SET recent_failures = 0, backoff_count = 0, disabled_until = NULL WHERE id = $1 AND recent_failures > 0`, [webhookId]);
  }

  /**
   * GitLab-like auto-disabling, counted per failed attempt: from `temporaryAfter` consecutive failures the hook
   * is disabled for 1 minute, doubling with each further failure up to a day; from `permanentAfter` failures
   * it stays disabled until someone edits it.
   */
  async recordHookFailure(db: EntityManager, webhookId: number, limits: { temporaryAfter: number; permanentAfter: number }): Promise<void> {
    await execute(
      db,
      `UPDATE webhooks SET
         recent_failures = recent_failures + 1,
         permanently_disabled = recent_failures + 1 >= $3,
         backoff_count = CASE WHEN recent_failures + 1 >= $2 THEN backoff_count + 1 ELSE backoff_count END,
         disabled_until = CASE WHEN recent_failures + 1 >= $2 AND recent_failures + 1 < $3
           THEN now() + least(interval '1 day', interval '1 minute' * power(2, backoff_count)) ELSE disabled_until END
       WHERE id = $1`,
      [webhookId, limits.temporaryAfter, limits.permanentAfter],
    );
  }

  async allowLocalRequests(db: EntityManager): Promise<boolean> {
    const row = await queryOne<{ allow: boolean }>(db, `SELECT allow_local_requests_from_web_hooks_and_services AS "allow" FROM application_settings WHERE id = 1`);
    return row?.allow === true;
  }

  async setAllowLocalRequests(db: EntityManager, allow: boolean): Promise<void> {
    await execute(
      db,
      `INSERT INTO application_settings (id, allow_local_requests_from_web_hooks_and_services, updated_at) VALUES (1, $1, now())
       ON CONFLICT (id) DO UPDATE SET allow_local_requests_from_web_hooks_and_services = $1, updated_at = now()`,
      [allow],
    );
  }
}
