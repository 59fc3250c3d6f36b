import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Registry events: project and group webhooks with their delivery log, the audit trail, and the instance
 * settings row (for now only GitLab's `allow_local_requests_from_web_hooks_and_services`).
 *
 * Hook tokens are stored as given, not as digests: the worker has to send them to the receiver
 * (`X-Gitlab-Token`) and sign bodies with them. The API never returns them.
 */
export class CreateWebhooksAndAudit1763800007000 implements MigrationInterface {
  name = 'CreateWebhooksAndAudit1763800007000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE IF NOT EXISTS webhooks (
        id bigserial CONSTRAINT pk_webhooks PRIMARY KEY,
        project_id bigint CONSTRAINT fk_webhooks_project_id_projects REFERENCES projects (id) ON DELETE CASCADE,
        group_id bigint CONSTRAINT fk_webhooks_group_id_namespaces REFERENCES namespaces (id) ON DELETE CASCADE,
        url text NOT NULL,
        name text NOT NULL DEFAULT '',
        description text NOT NULL DEFAULT '',
        token text,
        enable_ssl_verification boolean NOT NULL DEFAULT true,
        registry_events boolean NOT NULL DEFAULT true,
        -- GitLab's other event flags (push_events, tag_push_events, ...): accepted and stored, never triggered here.
        flags jsonb NOT NULL DEFAULT '{}',
        -- Consecutive failed delivery attempts; reset by a success or by editing the hook.
        recent_failures integer NOT NULL DEFAULT 0,
        backoff_count integer NOT NULL DEFAULT 0,
        disabled_until timestamptz,
        permanently_disabled boolean NOT NULL DEFAULT false,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT ck_webhooks_owner CHECK (num_nonnulls(project_id, group_id) = 1)
      )`);
    await db.query(`CREATE INDEX IF NOT EXISTS ix_webhooks_on_project_id ON webhooks (project_id) WHERE project_id IS NOT NULL`);
    await db.query(`CREATE INDEX IF NOT EXISTS ix_webhooks_on_group_id ON webhooks (group_id) WHERE group_id IS NOT NULL`);

    await db.query(`
      CREATE TABLE IF NOT EXISTS webhook_deliveries (
        id bigserial CONSTRAINT pk_webhook_deliveries PRIMARY KEY,
        webhook_id bigint NOT NULL CONSTRAINT fk_webhook_deliveries_webhook_id_webhooks REFERENCES webhooks (id) ON DELETE CASCADE,
        -- Sent as Idempotency-Key and X-Gitlab-Event-UUID, the same on every retry, so receivers can dedupe.
        uuid uuid NOT NULL,
        event text NOT NULL,
        payload jsonb NOT NULL,
        status text NOT NULL DEFAULT 'pending' CONSTRAINT ck_webhook_deliveries_status CHECK (status IN ('pending', 'succeeded', 'failed')),
        response_status integer,
        duration_ms integer,
        attempts integer NOT NULL DEFAULT 0,
        last_error text,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        delivered_at timestamptz
      )`);
    await db.query(`CREATE INDEX IF NOT EXISTS ix_webhook_deliveries_on_webhook_id_and_id ON webhook_deliveries (webhook_id, id DESC)`);
    await db.query(`CREATE INDEX IF NOT EXISTS ix_webhook_deliveries_on_status_and_created_at ON webhook_deliveries (created_at) WHERE status = 'pending'`);

    await db.query(`
      CREATE TABLE IF NOT EXISTS audit_events (
        id bigserial CONSTRAINT pk_audit_events PRIMARY KEY,
        -- No foreign keys: the trail outlives the users, projects and groups it mentions.
        author_id bigint,
        author_name text,
        author_kind text NOT NULL,
        entity_type text NOT NULL,
        entity_id bigint,
        entity_path text,
        event_name text NOT NULL,
        target_type text,
        target_id text,
        target_details text,
        details jsonb NOT NULL DEFAULT '{}',
        ip_address text,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await db.query(`CREATE INDEX IF NOT EXISTS ix_audit_events_on_entity_and_created_at ON audit_events (entity_type, entity_id, created_at DESC, id DESC)`);
    await db.query(`CREATE INDEX IF NOT EXISTS ix_audit_events_on_created_at ON audit_events (created_at DESC, id DESC)`);

    await db.query(`
      CREATE TABLE IF NOT EXISTS application_settings (
        id integer CONSTRAINT pk_application_settings PRIMARY KEY DEFAULT 1 CONSTRAINT ck_application_settings_single_row CHECK (id = 1),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await db.query(
      `ALTER TABLE application_settings ADD COLUMN IF NOT EXISTS allow_local_requests_from_web_hooks_and_services boolean NOT NULL DEFAULT false`,
    );
    await db.query(`INSERT INTO application_settings (id) VALUES (1) ON CONFLICT (id) DO NOTHING`);
  }

  async down(db: QueryRunner): Promise<void> {
    for (const table of ['webhook_deliveries', 'webhooks', 'audit_events', 'application_settings']) {
      await db.query(`DROP TABLE IF EXISTS ${table}`);
    }
  }
}
