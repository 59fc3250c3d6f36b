import { EntityManager } from 'typeorm';
import { execute, queryOne, typedQuery } from '@cargohold/db';

/**
 * The marks of an asynchronous group or user delete (`delete_requested_at` on namespaces, projects, users). The
 * mark is written in the request's transaction and is the durable record of the work: the worker's deletion
 * and the stranded-work requeuer read it. Marking a project also schedules its registry repositories for
 * deletion (`repositories.status`), so from the commit on nothing new can be pushed and the repository-delete
 * path owns their removal.
 */
export class DeletionRequestRepository {
  /** Marks the namespace, every namespace below it and all their projects and repositories. Returns the namespace ids. */
  async markNamespaceTree(db: EntityManager, namespaceId: number, requestedBy: number | null): Promise<number[]> {
    const rows = await typedQuery<{ id: number }>(
      db,
      `WITH RECURSIVE tree AS (
         SELECT id FROM namespaces WHERE id = $1
         UNION ALL SELECT n.id FROM namespaces n JOIN tree t ON n.parent_id = t.id)
       , marked AS (
         UPDATE namespaces SET delete_requested_at = coalesce(delete_requested_at, now()), delete_requested_by = coalesce(delete_requested_by, $2)
          WHERE id IN (SELECT id FROM tree) RETURNING id)
       SELECT id FROM marked`,
      [namespaceId, requestedBy],
    );
    const namespaceIds = rows.map((row) => row.id);
    await execute(
      db,
      `UPDATE projects SET delete_requested_at = coalesce(delete_requested_at, now()), delete_requested_by = coalesce(delete_requested_by, $2)
        WHERE namespace_id = ANY($1)`,
      [namespaceIds, requestedBy],
    );
    await execute(
      db,
      `UPDATE repositories SET status = 'delete_scheduled', updated_at = now()
        WHERE project_id IN (SELECT id FROM projects WHERE namespace_id = ANY($1)) AND (status IS NULL OR status = 'delete_failed')`,
      [namespaceIds],
    );
    return namespaceIds;
  }

  /** Whether the namespace or one of its ancestors is being deleted (nothing may be created in it). */
  async namespacePendingDelete(db: EntityManager, namespaceId: number): Promise<boolean> {
    const pending = await queryOne(
      db,
      `WITH RECURSIVE up AS (
         SELECT id, parent_id, delete_requested_at FROM namespaces WHERE id = $1
         UNION ALL SELECT n.id, n.parent_id, n.delete_requested_at FROM namespaces n JOIN up ON n.id = up.parent_id)
       SELECT 1 FROM up WHERE delete_requested_at IS NOT NULL LIMIT 1`,
      [namespaceId],
    );
    return pending !== null;
  }

  /**
   * Marks the user for deletion, blocked so that no credential of theirs works from the commit on, and removes
   * what only served them: personal access tokens, memberships, web sessions.
   */
  async markUser(db: EntityManager, userId: number, requestedBy: number | null): Promise<void> {
    await execute(
      db,
      `UPDATE users SET state = 'blocked', delete_requested_at = coalesce(delete_requested_at, now()), delete_requested_by = coalesce(delete_requested_by, $2)
        WHERE id = $1`,
      [userId, requestedBy],
    );
    await execute(db, `DELETE FROM personal_access_tokens WHERE user_id = $1`, [userId]);
    await execute(db, `DELETE FROM members WHERE user_id = $1`, [userId]);
    await execute(db, `DELETE FROM web_sessions WHERE user_id = $1`, [userId]);
  }

  async userPendingDelete(db: EntityManager, userId: number): Promise<boolean> {
    return (await queryOne(db, `SELECT 1 FROM users WHERE id = $1 AND delete_requested_at IS NOT NULL`, [userId])) !== null;
  }

  /** Groups in which the user is the only Owner (GitLab's `solo_owned_groups`): top-most ones only. */
  async soloOwnedGroupIds(db: EntityManager, userId: number): Promise<number[]> {
    const rows = await typedQuery<{ id: number }>(
      db,
      `SELECT m.source_id AS id FROM members m
        WHERE m.source_type = 'namespace' AND m.user_id = $1 AND m.access_level = 50
          AND NOT EXISTS (SELECT 1 FROM members o WHERE o.source_type = 'namespace' AND o.source_id = m.source_id
                             AND o.access_level = 50 AND o.user_id <> $1)
        ORDER BY m.source_id`,
      [userId],
    );
    return rows.map((row) => row.id);
  }

  /** Whether a project in the namespace holds registry repositories (a username change would move their paths). */
  async namespaceHasRepositories(db: EntityManager, namespaceId: number): Promise<boolean> {
    const found = await queryOne(db, `SELECT 1 FROM repositories r JOIN projects p ON p.id = r.project_id WHERE p.namespace_id = $1 LIMIT 1`, [namespaceId]);
    return found !== null;
  }

  /** Renames a personal namespace and its projects' full paths (only when none holds registry repositories). */
  async renameUserNamespace(db: EntityManager, namespaceId: number, name: string, path: string): Promise<void> {
    await execute(db, `UPDATE namespaces SET name = $2, path = $3, full_path = $3 WHERE id = $1`, [namespaceId, name, path]);
    await execute(db, `UPDATE projects SET full_path = $2 || '/' || path WHERE namespace_id = $1`, [namespaceId, path]);
  }
}
