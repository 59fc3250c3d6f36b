import { EntityManager } from 'typeorm';
import { execute, queryOne, typedQuery } from '@cargohold/db';

/** Roots of pending deletes: marked namespaces whose parent is not marked, and marked users. */
export interface StrandedDeletions {
  namespaceIds: number[];
  userIds: number[];
}

const TREE = `WITH RECURSIVE tree AS (
  SELECT id FROM namespaces WHERE id = $1
  UNION ALL SELECT n.id FROM namespaces n JOIN tree t ON n.parent_id = t.id)`;

/**
 * The worker's writes for a group or user delete requested through the REST API (libs/iam marks the rows:
 * `delete_requested_at`). Every step works from the current rows, so a retry continues where a crash stopped.
 */
export class NamespaceDeletionRepository {
  async namespace(db: EntityManager, id: number): Promise<{ id: number; fullPath: string; kind: string; requestedBy: number | null } | null> {
    return queryOne<{ id: number; fullPath: string; kind: string; requestedBy: number | null }>(
      db,
      `SELECT id, full_path AS "fullPath", kind, delete_requested_by AS "requestedBy" FROM namespaces WHERE id = $1 AND delete_requested_at IS NOT NULL`,
      [id],
    );
  }

  async user(db: EntityManager, id: number): Promise<{ id: number; username: string; requestedBy: number | null } | null> {
    return queryOne<{ id: number; username: string; requestedBy: number | null }>(
      db,
      `SELECT id, username, delete_requested_by AS "requestedBy" FROM users WHERE id = $1 AND delete_requested_at IS NOT NULL`,
      [id],
    );
  }

  async personalNamespaceId(db: EntityManager, userId: number): Promise<number | null> {
    const row = await queryOne<{ id: number }>(db, `SELECT id FROM namespaces WHERE kind = 'user' AND owner_id = $1`, [userId]);
    return row?.id ?? null;
  }

  /**
   * Schedules every repository in the tree's projects that is not being deleted yet (one created by a push that
   * was authorised before the mark) and returns all of them.
   */
  async scheduleRepositories(db: EntityManager, namespaceId: number): Promise<number[]> {
    await execute(
      db,
      `${TREE} UPDATE projects SET delete_requested_at = coalesce(delete_requested_at, now()) WHERE namespace_id IN (SELECT id FROM tree)`,
      [namespaceId],
    );
    const rows = await typedQuery<{ id: number }>(
      db,
      `${TREE}, scheduled AS (
         UPDATE repositories SET status = 'delete_scheduled', updated_at = now()
          WHERE project_id IN (SELECT id FROM projects WHERE namespace_id IN (SELECT id FROM tree)) AND (status IS NULL OR status = 'delete_failed'))
       SELECT r.id FROM repositories r JOIN projects p ON p.id = r.project_id WHERE p.namespace_id IN (SELECT id FROM tree) ORDER BY r.id`,
      [namespaceId],
    );
    return rows.map((row) => row.id);
  }

  /**
   * Deletes the tree's rows once no repository is left in it. The project rows are locked first: a push that
   * would create a repository in one of them waits (its insert references the row) and then fails, and one that
   * got in before is seen here ('not_empty': the caller deletes it and comes back).
   */
  async deleteTreeIfEmpty(
    db: EntityManager,
    namespaceId: number,
    beforeDrop: (namespaceIds: number[]) => Promise<unknown> = async () => undefined,
  ): Promise<{ outcome: 'deleted' | 'gone' | 'not_empty'; projects: number }> {
    const tree = await typedQuery<{ id: number }>(db, `${TREE} SELECT id FROM namespaces WHERE id IN (SELECT id FROM tree) FOR UPDATE`, [namespaceId]);
    if (tree.length === 0) return { outcome: 'gone', projects: 0 };
    const ids = tree.map((row) => row.id);
    const projects = await typedQuery<{ id: number }>(db, `SELECT id FROM projects WHERE namespace_id = ANY($1) FOR UPDATE`, [ids]);
    const projectIds = projects.map((row) => row.id);
    const [left] = await typedQuery<{ notEmpty: boolean }>(db, `SELECT EXISTS (SELECT 1 FROM repositories WHERE project_id = ANY($1)) AS "notEmpty"`, [projectIds]);
    if (left.notEmpty) return { outcome: 'not_empty', projects: projectIds.length };
    // Memberships have no foreign key (their source is polymorphic); token bots of these projects and groups lose their purpose.
    await execute(
      db,
      `UPDATE users SET state = 'blocked' WHERE bot AND id IN (
         SELECT user_id FROM members WHERE (source_type = 'project' AND source_id = ANY($1)) OR (source_type = 'namespace' AND source_id = ANY($2)))`,
      [projectIds, ids],
    );
    await execute(db, `DELETE FROM members WHERE (source_type = 'project' AND source_id = ANY($1)) OR (source_type = 'namespace' AND source_id = ANY($2))`, [
      projectIds,
      ids,
    ]);
    await beforeDrop(ids);
    // Subgroups and projects go with the root through their cascading foreign keys.
    await execute(db, `DELETE FROM namespaces WHERE id = $1`, [namespaceId]);
    return { outcome: 'deleted', projects: projectIds.length };
  }

  async deleteUser(db: EntityManager, userId: number): Promise<boolean> {
    const gone = await queryOne<{ id: number }>(
      db,
      `WITH gone AS (DELETE FROM users WHERE id = $1 AND delete_requested_at IS NOT NULL RETURNING id) SELECT id FROM gone`,
      [userId],
    );
    return gone !== null;
  }

  /** The audit row of the finished delete, in the transaction that removes the rows. */
  async recordDeleted(
    db: EntityManager,
    requestedBy: number | null,
    entity: { type: 'Group' | 'User'; id: number; path: string },
    eventName: string,
    details: Record<string, unknown>,
  ): Promise<void> {
    await execute(
      db,
      `INSERT INTO audit_events (author_id, author_name, author_kind, entity_type, entity_id, entity_path, event_name, target_type, target_id, target_details, details)
       VALUES ($1, (SELECT username FROM users WHERE id = $1), $2, $3, $4, $5, $6, $3, $8, $5, $7)`,
      [requestedBy, requestedBy === null ? 'system' : 'user', entity.type, entity.id, entity.path, eventName, JSON.stringify(details), String(entity.id)],
    );
  }

  /** Pending deletes untouched for `olderThanSeconds`: their job was lost or never queued. */
  async listStranded(db: EntityManager, olderThanSeconds: number, limit: number): Promise<StrandedDeletions> {
    const namespaces = await typedQuery<{ id: number }>(
      db,
      `SELECT n.id FROM namespaces n LEFT JOIN namespaces p ON p.id = n.parent_id
        WHERE n.kind = 'group' AND n.delete_requested_at < now() - make_interval(secs => $1) AND p.delete_requested_at IS NULL
        ORDER BY n.delete_requested_at LIMIT $2`,
      [olderThanSeconds, limit],
    );
    const users = await typedQuery<{ id: number }>(
      db,
      `SELECT id FROM users WHERE delete_requested_at < now() - make_interval(secs => $1) ORDER BY delete_requested_at LIMIT $2`,
      [olderThanSeconds, limit],
    );
    return {
      namespaceIds: namespaces.map((row) => row.id),
      userIds: users.map((row) => row.id),
    };
  }
}
