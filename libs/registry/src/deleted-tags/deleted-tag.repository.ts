import { EntityManager } from 'typeorm';
import { queryOne, typedQuery } from '@cargohold/db';
import { escapeLike } from '../management/repository-query.repository';
import { TagDeletion, TagDeletionHow } from './tag-deletion';

/**
 * The data-modifying CTE that records deleted tags, for the statements that delete them: `source` names an
 * earlier CTE of the same statement returning `repository_id, name, manifest_id` of the deleted `tags` rows,
 * and `$firstParam` .. `$firstParam+3` are deletionParams(). Set-based on purpose: a cleanup run deleting a
 * million tags writes its records with one INSERT ... SELECT per batch, in the statement that deletes them, so a
 * tag is recorded exactly when it is deleted (a tag moved meanwhile is neither).
 */
export function recordDeletedTagsCte(source: string, firstParam: number): string {
  const p = (offset: number) => `$${firstParam + offset}`;
  return `recorded_deletions AS (
    INSERT INTO deleted_tags (repository_id, name, digest, how, deleted_by_kind, deleted_by_id, deleted_by_name)
    SELECT g.repository_id, g.name, m.digest, ${p(0)}::text, ${p(1)}::text, ${p(2)}::bigint, ${p(3)}::text
      FROM ${source} g JOIN manifests m ON m.id = g.manifest_id)`;
}

/** The four parameters recordDeletedTagsCte() refers to; the system (cleanup policies) is recorded as nobody. */
export function deletionParams(deletion: TagDeletion): unknown[] {
  const { actor } = deletion;
  if (actor.kind === 'system' || actor.kind === 'anonymous') return [deletion.how, null, null, null];
  return [deletion.how, actor.kind, actor.id, actor.name];
}

export interface DeletedTagRecord {
  id: number;
  name: string;
  digest: string;
  how: TagDeletionHow;
  deletedAt: Date;
  /** `user`, `deploy_token` or `job`; null for the system. */
  deletedByKind: string | null;
  deletedById: number | null;
  deletedByName: string | null;
  /** When the GC review window ends for this deletion: the tag cannot be restored after it. */
  restorableUntil: Date;
  /** The manifest is still in the repository. */
  manifestExists: boolean;
  /** A tag of that name exists again. */
  nameTaken: boolean;
}

/** The newest deletion of a tag name, taken out of the records by a restore. */
export interface DeletedTagToRestore {
  id: number;
  digest: string;
  how: TagDeletionHow;
  deletedAt: Date;
  /** Still within the GC review window, judged by this transaction's clock. */
  withinWindow: boolean;
}

/** The manifest a restore points the tag at. */
export interface RestoreTarget {
  id: number;
  mediaType: string;
  totalSize: number;
}

const WINDOW = `make_interval(secs => $2)`;

/** The `deleted_tags` table: what was deleted, and when, for the restore within the GC review window. */
export class DeletedTagRepository {
  /** A page of the repository's deletions still within the window (`windowSeconds`), newest first. */
  async list(db: EntityManager, repositoryId: number, windowSeconds: number, page: { limit: number; offset: number }, name?: string): Promise<DeletedTagRecord[]> {
    const [filter, params] = nameFilter(name, [repositoryId, windowSeconds]);
    return typedQuery<DeletedTagRecord>(
      db,
      `SELECT d.id, d.name, d.digest, d.how, d.deleted_at AS "deletedAt", d.deleted_at + ${WINDOW} AS "restorableUntil",
              d.deleted_by_kind AS "deletedByKind", d.deleted_by_id AS "deletedById",
              coalesce(d.deleted_by_name, u.username) AS "deletedByName",
              EXISTS (SELECT 1 FROM manifests m WHERE m.repository_id = d.repository_id AND m.digest = d.digest) AS "manifestExists",
              EXISTS (SELECT 1 FROM tags t WHERE t.repository_id = d.repository_id AND t.name = d.name) AS "nameTaken"
         FROM deleted_tags d LEFT JOIN users u ON d.deleted_by_kind = 'user' AND u.id = d.deleted_by_id
        WHERE d.repository_id = $1 AND d.deleted_at > now() - ${WINDOW} ${filter}
        ORDER BY d.deleted_at DESC, d.id DESC LIMIT $${params.length + 1} OFFSET $${params.length + 2}`,
      [...params, page.limit, page.offset],
    );
  }

  async count(db: EntityManager, repositoryId: number, windowSeconds: number, name?: string): Promise<number> {
    const [filter, params] = nameFilter(name, [repositoryId, windowSeconds]);
    const row = await queryOne<{ n: number }>(db, `SELECT count(*)::int AS n FROM deleted_tags d WHERE d.repository_id = $1 AND d.deleted_at > now() - ${WINDOW} ${filter}`, params);
    return row?.n ?? 0;
  }

  /**
   * Takes the newest deletion of `name` (of `name` at `digest`, when given) out of the records, locked first so two
   * restores of it take turns; a restore that then fails rolls back and the record is there again. Null when the
   * name was never deleted here (or its record was pruned).
   */
  async takeNewest(db: EntityManager, repositoryId: number, windowSeconds: number, name: string, digest?: string): Promise<DeletedTagToRestore | null> {
    return queryOne<DeletedTagToRestore>(
      db,
      `WITH newest AS (
         SELECT ctid FROM deleted_tags
          WHERE repository_id = $1 AND name = $3 AND ($4::text IS NULL OR digest = $4)
          ORDER BY deleted_at DESC, id DESC LIMIT 1 FOR UPDATE),
       taken AS (
         DELETE FROM deleted_tags d USING newest WHERE d.ctid = newest.ctid
         RETURNING d.id, d.digest, d.how, d.deleted_at, d.deleted_at > now() - ${WINDOW} AS within)
       SELECT id, digest, how, deleted_at AS "deletedAt", within AS "withinWindow" FROM taken`,
      [repositoryId, windowSeconds, name, digest ?? null],
    );
  }

  /**
   * The manifest a deleted tag names, share-locked: GC locks it FOR UPDATE before it rechecks and deletes, so
   * it either deleted it already (null here) or waits until the restored tag has committed and keeps it.
   */
  async lockTarget(db: EntityManager, repositoryId: number, digest: string): Promise<RestoreTarget | null> {
    return queryOne<RestoreTarget>(
      db,
      `SELECT id, media_type AS "mediaType", total_size AS "totalSize" FROM manifests WHERE repository_id = $1 AND digest = $2 FOR SHARE`,
      [repositoryId, digest],
    );
  }

  /**
   * Deletes up to `limit` records older than `olderThanSeconds`; returns how many went. Repository by repository,
   * each an index range of the primary key (every record's repository exists: the foreign key cascades).
   */
  async prune(db: EntityManager, olderThanSeconds: number, limit: number): Promise<number> {
    const row = await queryOne<{ n: number }>(
      db,
      `WITH gone AS (
         DELETE FROM deleted_tags WHERE ctid = ANY (ARRAY(
           SELECT old.ctid FROM repositories r,
                  LATERAL (SELECT ctid FROM deleted_tags d WHERE d.repository_id = r.id AND d.deleted_at < now() - make_interval(secs => $1)
                           ORDER BY d.deleted_at LIMIT $2) old
            LIMIT $2))
         RETURNING 1)
       SELECT count(*)::int AS n FROM gone`,
      [olderThanSeconds, limit],
    );
    return row?.n ?? 0;
  }
}

function nameFilter(name: string | undefined, params: unknown[]): [string, unknown[]] {
  if (!name) return ['', params];
  params.push(`%${escapeLike(name)}%`);
  return [`AND d.name ILIKE $${params.length}`, params];
}
