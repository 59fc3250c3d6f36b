import { EntityManager } from 'typeorm';
import { execute, queryOne, typedQuery } from '@cargohold/db';

export type DeletionStatus = 'delete_scheduled' | 'delete_ongoing' | 'delete_failed';

/**
 * The writes of a repository delete. Each batch is its own short transaction in the caller, so a repository
 * with a million tags never holds locks for long, and every step deletes "what is left": running it again
 * after a crash or a retry continues where it stopped.
 */
export class RepositoryDeletionRepository {
  /** Marks the repository for deletion; false when it is gone. Already scheduled or failed ones are rescheduled. */
  async markScheduled(db: EntityManager, repositoryId: number): Promise<boolean> {
    const marked = await queryOne<{ id: number }>(
      db,
      `WITH marked AS (
         UPDATE repositories SET status = 'delete_scheduled', updated_at = now()
          WHERE id = $1 AND (status IS NULL OR status IN ('delete_scheduled', 'delete_failed'))
         RETURNING id)
       SELECT id FROM marked`,
      [repositoryId],
    );
    if (marked) return true;
    // An ongoing delete is already what was asked for.
    return (await queryOne(db, `SELECT 1 FROM repositories WHERE id = $1`, [repositoryId])) !== null;
  }

  /**
   * Repositories scheduled for deletion, or being deleted, with no change for `olderThanSeconds`: either queued
   * behind a backlog, or their job was lost (never enqueued because the api died or Redis failed right after
   * the mark, or dropped when Redis lost its data).
   */
  async listStranded(db: EntityManager, olderThanSeconds: number, limit: number): Promise<number[]> {
    const rows = await typedQuery<{ id: number }>(
      db,
      `SELECT id FROM repositories
        WHERE status IN ('delete_scheduled', 'delete_ongoing') AND updated_at < now() - make_interval(secs => $1)
        ORDER BY updated_at LIMIT $2`,
      [olderThanSeconds, limit],
    );
    return rows.map((row) => row.id);
  }

  /** Moves a repository that is being deleted to `status`; null when it no longer exists or is not being deleted. */
  async setStatus(db: EntityManager, repositoryId: number, status: DeletionStatus): Promise<string | null> {
    const changed = await queryOne<{ status: string }>(
      db,
      `WITH changed AS (
         UPDATE repositories SET status = $2, updated_at = now() WHERE id = $1 AND status IS NOT NULL RETURNING status)
       SELECT status FROM changed`,
      [repositoryId, status],
    );
    return changed?.status ?? null;
  }

  async deleteTagsBatch(db: EntityManager, repositoryId: number, limit: number): Promise<number> {
    const [row] = await typedQuery<{ n: number }>(
      db,
      `WITH gone AS (
         DELETE FROM tags WHERE id IN (SELECT id FROM tags WHERE repository_id = $1 LIMIT $2 FOR UPDATE SKIP LOCKED) RETURNING id)
       SELECT count(*)::int AS n FROM gone`,
      [repositoryId, limit],
    );
    return row.n;
  }

  /**
   * Deletes manifests no index and no tag references: parents go first (their references cascade), so
   * each batch frees the children for the next one. Content addressing rules out cycles.
   */
  async deleteManifestsBatch(db: EntityManager, repositoryId: number, limit: number): Promise<number> {
    const [row] = await typedQuery<{ n: number }>(
      db,
      `WITH victims AS (
         SELECT m.id FROM manifests m
          WHERE m.repository_id = $1
            AND NOT EXISTS (SELECT 1 FROM manifest_references r WHERE r.child_id = m.id)
            AND NOT EXISTS (SELECT 1 FROM tags t WHERE t.manifest_id = m.id)
          LIMIT $2 FOR UPDATE OF m SKIP LOCKED),
       gone AS (DELETE FROM manifests WHERE id IN (SELECT id FROM victims) RETURNING id)
       SELECT count(*)::int AS n FROM gone`,
      [repositoryId, limit],
    );
    return row.n;
  }

  /** Removes the repository's links to blobs; returns the digests, which the caller queues for GC review. */
  async unlinkBlobsBatch(db: EntityManager, repositoryId: number, limit: number): Promise<string[]> {
    const rows = await typedQuery<{ digest: string }>(
      db,
      `WITH gone AS (
         DELETE FROM repository_blobs
          WHERE repository_id = $1
            AND blob_digest IN (SELECT blob_digest FROM repository_blobs WHERE repository_id = $1 LIMIT $2 FOR UPDATE SKIP LOCKED)
         RETURNING blob_digest)
       SELECT blob_digest AS digest FROM gone`,
      [repositoryId, limit],
    );
    return rows.map((row) => row.digest);
  }

  /**
   * Deletes the repository row if nothing is left in it. The row lock serialises with pushes (which upsert
   * the same row), so a push that slipped in during the batches is seen here and the caller goes round again.
   */
  async deleteIfEmpty(db: EntityManager, repositoryId: number): Promise<'deleted' | 'gone' | 'not_empty'> {
    if (!(await queryOne(db, `SELECT id FROM repositories WHERE id = $1 FOR UPDATE`, [repositoryId]))) return 'gone';
    const [left] = await typedQuery<{ notEmpty: boolean }>(
      db,
      `SELECT EXISTS (SELECT 1 FROM tags WHERE repository_id = $1)
           OR EXISTS (SELECT 1 FROM manifests WHERE repository_id = $1)
           OR EXISTS (SELECT 1 FROM repository_blobs WHERE repository_id = $1) AS "notEmpty"`,
      [repositoryId],
    );
    if (left.notEmpty) return 'not_empty';
    await execute(db, `DELETE FROM repositories WHERE id = $1`, [repositoryId]);
    return 'deleted';
  }
}
