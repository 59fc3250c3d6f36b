import { EntityManager } from 'typeorm';
import { prepared, queryOne } from '@cargohold/db';

/** The `audit_events` row of a registry event; the entity is always the project, its path read from its row. */
export interface OutboxAuditRow {
  authorId: number | null;
  authorName: string | null;
  authorKind: string;
  eventName: string;
  /** Target type `ContainerRepository`; id and details are the image reference. */
  target: string;
  details: Record<string, unknown>;
  ipAddress: string | null;
}

/** One webhook payload, without its `project` member (filled in from the project row, see below). */
export interface OutboxPayload {
  event: string;
  payload: Record<string, unknown>;
}

/** One statement per registry event (every push and delete): prepared, so PostgreSQL plans it once per connection. */
const RECORD = prepared(
  'event_outbox_record',
  `WITH RECURSIVE project AS (SELECT id, full_path, namespace_id FROM projects WHERE id = $1),
   ancestors AS (
     SELECT n.id, n.parent_id, n.kind FROM namespaces n JOIN project p ON n.id = p.namespace_id
     UNION ALL
     SELECT n.id, n.parent_id, n.kind FROM namespaces n JOIN ancestors a ON n.id = a.parent_id
   ),
   hooks AS (
     SELECT w.id FROM webhooks w, project p
      WHERE (w.project_id = p.id OR w.group_id IN (SELECT id FROM ancestors WHERE kind = 'group'))
        AND w.registry_events AND NOT w.permanently_disabled AND (w.disabled_until IS NULL OR w.disabled_until <= now())
   ),
   audit AS (
     INSERT INTO audit_events (author_id, author_name, author_kind, entity_type, entity_id, entity_path, event_name,
                               target_type, target_id, target_details, details, ip_address)
     SELECT $2, $3, $4, 'Project', p.id, p.full_path, $5, 'ContainerRepository', $6, $6, $7::jsonb, $8 FROM project p
     RETURNING id
   ),
   deliveries AS (
     INSERT INTO webhook_deliveries (webhook_id, uuid, event, payload)
     SELECT h.id, gen_random_uuid(), e.event,
            -- The project member as buildRegistryPayload writes it, from the row this statement read.
            e.payload || jsonb_build_object('project', jsonb_build_object('id', p.id, 'path_with_namespace', p.full_path, 'web_url', $9 || '/' || p.full_path))
       FROM project p
      CROSS JOIN unnest($10::text[], $11::jsonb[]) WITH ORDINALITY AS e(event, payload, n)
      CROSS JOIN hooks h
      ORDER BY e.n, h.id
     RETURNING id
   )
   SELECT ARRAY(SELECT id FROM deliveries ORDER BY id) AS "deliveryIds", (SELECT count(*) FROM audit) AS audited`,
);

/**
 * The transactional outbox of registry events: in ONE statement, run inside the transaction of the change, the
 * audit row and one `webhook_deliveries` row per payload and matching hook (the project's and its ancestor
 * groups', enabled, wanting registry events). Both commit with the change or not at all; the deliveries are
 * queued after the commit, and the stranded-work requeuer queues any that were not.
 */
export class EventOutboxRepository {
  /** Returns the new delivery ids, in payload then hook order. Nothing is written for a project that is gone. */
  async record(db: EntityManager, projectId: number, publicUrl: string, audit: OutboxAuditRow, payloads: OutboxPayload[]): Promise<number[]> {
    // A bigint[] comes back as strings: the driver's number parsing covers bigint columns, not arrays of them.
    const row = await queryOne<{ deliveryIds: string[] }>(
      db,
      RECORD,
      [
        projectId,
        audit.authorId,
        audit.authorName,
        audit.authorKind,
        audit.eventName,
        audit.target,
        JSON.stringify(audit.details),
        audit.ipAddress,
        publicUrl,
        payloads.map((p) => p.event),
        payloads.map((p) => JSON.stringify(p.payload)),
      ],
    );
    return (row?.deliveryIds ?? []).map(Number);
  }
}
