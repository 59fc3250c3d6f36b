import { EntityManager } from 'typeorm';
import { execute, prepared, queryOne } from '@cargohold/db';
import { PageRequest, Paged, pagedQuery } from '../data/paging';

export type AuditEntityType = 'User' | 'Project' | 'Group' | 'Gitlab::Audit::InstanceScope';

export interface AuditEventRecord {
  id: number;
  authorId: number | null;
  authorName: string | null;
  authorKind: string;
  entityType: AuditEntityType;
  entityId: number | null;
  entityPath: string | null;
  eventName: string;
  targetType: string | null;
  targetId: string | null;
  targetDetails: string | null;
  details: Record<string, unknown>;
  ipAddress: string | null;
  createdAt: Date;
}

export type NewAuditEvent = Omit<AuditEventRecord, 'id' | 'createdAt'>;

export interface AuditEventFilter {
  entityType?: AuditEntityType;
  entityId?: number;
  createdAfter?: Date;
  createdBefore?: Date;
}

/** GitLab's events feed over the trail: project events of the given names, by author and/or project, by day. */
export interface EventFeedFilter {
  eventNames: string[];
  authorId?: number;
  projectIds?: number[];
  /** YYYY-MM-DD: only events before the start of that day (UTC), as GitLab's `before`. */
  before?: string;
  /** YYYY-MM-DD: only events after the end of that day (UTC), as GitLab's `after`. */
  after?: string;
  sort: 'asc' | 'desc';
}

const COLUMNS = `id, author_id AS "authorId", author_name AS "authorName", author_kind AS "authorKind", entity_type AS "entityType",
  entity_id AS "entityId", entity_path AS "entityPath", event_name AS "eventName", target_type AS "targetType", target_id AS "targetId",
  target_details AS "targetDetails", details, ip_address AS "ipAddress", created_at AS "createdAt"`;

/** The columns an event is written with, in the order of insertValues. */
const INSERT_COLUMNS =
  'author_id, author_name, author_kind, entity_type, entity_id, entity_path, event_name, target_type, target_id, target_details, details, ip_address';

/**
 * Prepared: every docker login (/jwt/auth on each push and pull) appends one row, so the statement is parsed and
 * planned once per connection rather than per login.
 */
const INSERT_EVENT = prepared('audit_event_insert', `INSERT INTO audit_events (${INSERT_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`);

/** The failed-login counter (FailedLoginWindows): one row per window and key, `details.count` incremented. */
const INSERT_OR_COUNT_EVENT = prepared(
  'audit_event_insert_or_count',
  `INSERT INTO audit_events (${INSERT_COLUMNS}, aggregate_key)
   VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)
   ON CONFLICT (aggregate_key) WHERE aggregate_key IS NOT NULL
   DO UPDATE SET details = audit_events.details
     || jsonb_build_object('count', COALESCE((audit_events.details->>'count')::bigint, 1) + 1, 'last_at', to_jsonb(now()))`,
);

/** Parameters $1..$12 for INSERT_COLUMNS; `details` is passed apart because insertOrCount stores it with a count. */
function insertValues(event: NewAuditEvent, details: Record<string, unknown>): unknown[] {
  return [
    event.authorId,
    event.authorName,
    event.authorKind,
    event.entityType,
    event.entityId,
    event.entityPath,
    event.eventName,
    event.targetType,
    event.targetId,
    event.targetDetails,
    JSON.stringify(details),
    event.ipAddress,
  ];
}

/** The append-only `audit_events` table. */
export class AuditEventRepository {
  async insert(db: EntityManager, event: NewAuditEvent): Promise<void> {
    await execute(db, INSERT_EVENT, insertValues(event, event.details));
  }

  /**
   * Adds one occurrence to the aggregated row named `aggregateKey`, creating it (with `details.count` 1) the first
   * time: one statement, atomic across replicas (ux_audit_events_on_aggregate_key).
   */
  async insertOrCount(db: EntityManager, event: NewAuditEvent, aggregateKey: string): Promise<void> {
    await execute(db, INSERT_OR_COUNT_EVENT, [...insertValues(event, { ...event.details, count: 1 }), aggregateKey]);
  }

  /** Newest first; uses ix_audit_events_on_entity_and_created_at or ix_audit_events_on_created_at. */
  async list(db: EntityManager, filter: AuditEventFilter, page: PageRequest): Promise<Paged<AuditEventRecord>> {
    const where: string[] = [];
    const params: unknown[] = [];
    if (filter.entityType) where.push(`entity_type = $${params.push(filter.entityType)}`);
    if (filter.entityId !== undefined) where.push(`entity_id = $${params.push(filter.entityId)}`);
    if (filter.createdAfter) where.push(`created_at >= $${params.push(filter.createdAfter)}`);
    if (filter.createdBefore) where.push(`created_at <= $${params.push(filter.createdBefore)}`);
    const sql = `SELECT ${COLUMNS} FROM audit_events${where.length ? ` WHERE ${where.join(' AND ')}` : ''}`;
    return pagedQuery(db, sql, params, 'created_at DESC, id DESC', page, (row: AuditEventRecord) => row);
  }

  /** Uses ix_audit_events_on_entity_and_created_at (by project) or ix_audit_events_on_author_id_and_created_at (by author). */
  async feed(db: EntityManager, filter: EventFeedFilter, page: PageRequest): Promise<Paged<AuditEventRecord>> {
    const params: unknown[] = [filter.eventNames];
    const where = [`entity_type = 'Project'`, `event_name = ANY($1::text[])`];
    if (filter.authorId !== undefined) where.push(`author_id = $${params.push(filter.authorId)}`);
    if (filter.projectIds !== undefined) where.push(`entity_id = ANY($${params.push(filter.projectIds)}::bigint[])`);
    if (filter.before) where.push(`created_at < ($${params.push(filter.before)}::date::timestamp AT TIME ZONE 'UTC')`);
    if (filter.after) where.push(`created_at >= (($${params.push(filter.after)}::date + 1)::timestamp AT TIME ZONE 'UTC')`);
    const direction = filter.sort === 'asc' ? 'ASC' : 'DESC';
    const sql = `SELECT ${COLUMNS} FROM audit_events WHERE ${where.join(' AND ')}`;
    return pagedQuery(db, sql, params, `created_at ${direction}, id ${direction}`, page, (row: AuditEventRecord) => row);
  }

  async find(db: EntityManager, id: number, filter: AuditEventFilter): Promise<AuditEventRecord | null> {
    const where = [`id = $1`];
    const params: unknown[] = [id];
    if (filter.entityType) where.push(`entity_type = $${params.push(filter.entityType)}`);
    if (filter.entityId !== undefined) where.push(`entity_id = $${params.push(filter.entityId)}`);
    return queryOne<AuditEventRecord>(db, `SELECT ${COLUMNS} FROM audit_events WHERE ${where.join(' AND ')}`, params);
  }

  /** Display paths of entities, stored with each event so the trail reads well after renames and deletes. */
  async entityPath(db: EntityManager, type: AuditEntityType, id: number | null): Promise<string | null> {
    if (id === null) return null;
    const sql =
      type === 'Project'
        ? `SELECT full_path AS path FROM projects WHERE id = $1`
        : type === 'Group'
          ? `SELECT full_path AS path FROM namespaces WHERE id = $1`
          : type === 'User'
            ? `SELECT username AS path FROM users WHERE id = $1`
            : null;
    if (!sql) return 'gitlab_instance';
    const row = await queryOne<{ path: string }>(db, sql, [id]);
    return row?.path ?? null;
  }

  async userIdByUsername(db: EntityManager, username: string): Promise<number | null> {
    const row = await queryOne<{ id: number }>(db, `SELECT id FROM users WHERE lower(username) = lower($1)`, [username]);
    return row?.id ?? null;
  }

  /** Owner and name of a personal (or project/group bot) access token, for revocation events. */
  async personalAccessToken(db: EntityManager, id: number): Promise<{ userId: number; name: string } | null> {
    return queryOne<{ userId: number; name: string }>(db, `SELECT user_id AS "userId", name FROM personal_access_tokens WHERE id = $1`, [id]);
  }

  async deployTokenName(db: EntityManager, id: number): Promise<string | null> {
    const row = await queryOne<{ name: string }>(db, `SELECT name FROM deploy_tokens WHERE id = $1`, [id]);
    return row?.name ?? null;
  }
}
