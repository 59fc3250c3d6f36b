import { EntityManager } from 'typeorm';
import { execute, prepared, queryOne, typedQuery } from '@cargohold/db';
import { ENSURE_REPOSITORY_CTES, ImageRepositoryRow, repositoryFromJson, repositoryNameIn } from './image-repository.repository';

export interface LinkedBlob {
  digest: string;
  size: number;
  mediaType: string | null;
}

const FIND_LINKED = prepared(
  'blob_find_linked',
  `SELECT b.digest, b.size, b.media_type AS "mediaType"
     FROM repositories r
     JOIN repository_blobs rb ON rb.repository_id = r.id AND rb.blob_digest = $2
     JOIN blobs b ON b.digest = rb.blob_digest
    WHERE r.path = $1 AND r.status IS NULL`,
);

const UPSERT_AND_LOCK = prepared(
  'blob_upsert_and_lock',
  `WITH inserted AS (INSERT INTO blobs (digest, size) VALUES ($1, $2) ON CONFLICT (digest) DO NOTHING RETURNING digest),
        locked AS (SELECT digest FROM blobs WHERE digest = $1 AND NOT EXISTS (SELECT 1 FROM inserted) FOR UPDATE)
   SELECT EXISTS (SELECT 1 FROM inserted) OR EXISTS (SELECT 1 FROM locked) AS held`,
);

/**
 * An upload's commit, its first statement: the repository ensured (share-locked or created, ENSURE_REPOSITORY_CTES
 * with $1-$3), then the blob row $4 inserted with size $5 or, when it exists, locked FOR UPDATE as UPSERT_AND_LOCK
 * does, both under a one-time filter on the repository so the rows are locked in that order (see MOUNT).
 * `repository` is null when a concurrent first push created it after the snapshot, `held` false when GC deleted the
 * blob row this statement waited for: nothing was written in either case, and the statement runs again.
 */
const ENSURE_AND_UPSERT = prepared(
  'blob_commit_lock',
  `WITH ${ENSURE_REPOSITORY_CTES},
        inserted AS (
          INSERT INTO blobs (digest, size) SELECT $4, $5 WHERE EXISTS (SELECT 1 FROM repository)
          ON CONFLICT (digest) DO NOTHING RETURNING digest),
        locked AS (
          SELECT digest FROM blobs
           WHERE digest = $4 AND EXISTS (SELECT 1 FROM repository) AND NOT EXISTS (SELECT 1 FROM inserted) FOR UPDATE)
   SELECT (SELECT row_to_json(repository) FROM repository) AS repository,
          EXISTS (SELECT 1 FROM inserted) OR EXISTS (SELECT 1 FROM locked) AS held`,
);

/**
 * A cross-repository mount in one statement, without a transaction around it: the repository ensured (share-locked
 * or created, ENSURE_REPOSITORY_CTES with $1-$3), then the blob row $4 locked as GC locks it before deleting, then
 * the link and the blob's GC review cancelled. `locked` filters on the repository, so PostgreSQL evaluates that
 * first (a one-time filter above the blob scan): the repository row before the blob row, the order an upload's
 * commit and a manifest push take them in (the other order deadlocked against a concurrent upload of the same blob
 * into the same repository). `repositories` is 0 when a concurrent first push created the repository after the
 * statement's snapshot (nothing was written: run it again); `linked` false when the blob no longer exists.
 */
const MOUNT = prepared(
  'blob_mount',
  `WITH ${ENSURE_REPOSITORY_CTES},
        locked AS (SELECT digest FROM blobs WHERE digest = $4 AND EXISTS (SELECT 1 FROM repository) FOR UPDATE),
        linked AS (
          INSERT INTO repository_blobs (repository_id, blob_digest) SELECT r.id, l.digest FROM repository r, locked l
          ON CONFLICT (repository_id, blob_digest) DO UPDATE SET created_at = now() RETURNING blob_digest),
        unqueued AS (DELETE FROM gc_blob_review_queue WHERE blob_digest IN (SELECT digest FROM locked))
   SELECT (SELECT count(*) FROM repository)::int AS repositories, EXISTS (SELECT 1 FROM linked) AS linked`,
);

/**
 * Linking a blob to a repository: the link row, and the blob's review for GC cancelled (a blob pushed again is no
 * longer garbage). created_at is refreshed on a re-push: GC keeps links younger than its review delay, so a blob
 * uploaded again for a manifest that is about to be pushed survives the review of the manifest that last used it.
 * LINK also ends the upload session it is given, so the session's row goes with the commit that records the blob.
 */
const LINK = prepared(
  'blob_link',
  `WITH linked AS (
          INSERT INTO repository_blobs (repository_id, blob_digest) VALUES ($1, $2)
          ON CONFLICT (repository_id, blob_digest) DO UPDATE SET created_at = now() RETURNING blob_digest),
        unqueued AS (DELETE FROM gc_blob_review_queue WHERE blob_digest = $2),
        ended AS (DELETE FROM uploads WHERE id = $3::uuid)
   SELECT count(*) FROM linked`,
);

/**
 * Every manifest PUT: the sizes of the blobs `digests` (an array expression) that repository `repositoryId` (an
 * expression) links, share-locked in digest order: the order GC takes blob rows in. The manifest PUT's reads embed
 * it (ManifestPushReadRepository).
 */
export function lockLinkedSizesSql(repositoryId: string, digests: string): string {
  return `SELECT b.digest, b.size FROM blobs b
     JOIN repository_blobs rb ON rb.blob_digest = b.digest AND rb.repository_id = ${repositoryId}
    WHERE b.digest = ANY(${digests})
    ORDER BY b.digest
      FOR SHARE OF b, rb`;
}

const LOCK_LINKED_SIZES = prepared('blob_lock_linked_sizes', lockLinkedSizesSql('$1', '$2'));

/** The `blobs` and `repository_blobs` tables: which bytes exist, and which repository may serve them. */
export class BlobRepository {
  /** The hot path of a blob GET/HEAD: one indexed lookup by repository path and digest. */
  async findLinked(db: EntityManager, repositoryPath: string, digest: string): Promise<LinkedBlob | null> {
    return queryOne<LinkedBlob>(db, FIND_LINKED, [repositoryPath, digest]);
  }

  /**
   * Inserts the blob row if needed and locks it until the transaction ends. Garbage collection
   * locks the same row before deleting a blob, so a push that holds this lock always wins.
   *
   * One statement: a row this statement inserts is locked by the insert itself; a row that was already there
   * (the insert did nothing) is locked FOR UPDATE by the `locked` CTE. Neither: the row was locked by GC,
   * which then deleted it (the lock is granted on a vanished row), so insert again. Without the retry the upload
   * would move its bytes into place with no row and fail on the link.
   */
  async upsertAndLock(db: EntityManager, digest: string, size: number): Promise<void> {
    for (;;) {
      const held = await queryOne<{ held: boolean }>(db, UPSERT_AND_LOCK, [digest, size]);
      if (held?.held) return;
    }
  }

  /**
   * The repository ensured and upsertAndLock in one statement (an upload's commit): the repository row,
   * share-locked or created, then the blob row inserted or locked until the transaction ends.
   */
  async ensureRepositoryAndLock(db: EntityManager, project: { id: number; fullPath: string }, path: string, digest: string, size: number): Promise<ImageRepositoryRow> {
    const name = repositoryNameIn(project.fullPath, path);
    for (;;) {
      const row = await queryOne<{ repository: ImageRepositoryRow | null; held: boolean }>(db, ENSURE_AND_UPSERT, [project.id, path, name, digest, size]);
      if (row?.repository && row.held) return repositoryFromJson(row.repository);
    }
  }

  /**
   * Links blob `digest` into repository `path` (created for the project on its first push, named as
   * repositoryNameIn says) in one statement; false, with nothing written, when the blob no longer exists.
   */
  async mount(db: EntityManager, project: { id: number; fullPath: string }, path: string, digest: string): Promise<boolean> {
    const name = repositoryNameIn(project.fullPath, path);
    for (;;) {
      const row = await queryOne<{ repositories: number; linked: boolean }>(db, MOUNT, [project.id, path, name, digest]);
      if (row && row.repositories > 0) return row.linked;
    }
  }

  /**
   * Links a blob (whose row the caller holds locked) to the repository, and, given `uploadId`, ends that upload
   * session in the same statement (its row goes with the commit that records the blob).
   */
  async link(db: EntityManager, repositoryId: number, digest: string, uploadId?: string): Promise<void> {
    await execute(db, LINK, [repositoryId, digest, uploadId ?? null]);
  }

  /** Removes a repository's link to a blob; true when there was one. */
  async unlink(db: EntityManager, repositoryId: number, digest: string, reviewAfterSeconds: number): Promise<boolean> {
    const gone = await queryOne<{ blob_digest: string }>(
      db,
      `WITH gone AS (DELETE FROM repository_blobs WHERE repository_id = $1 AND blob_digest = $2 RETURNING blob_digest)
       SELECT blob_digest FROM gone`,
      [repositoryId, digest],
    );
    if (!gone) return false;
    await queueBlobReview(db, [digest], reviewAfterSeconds, 'blob_unlinked');
    return true;
  }

  /**
   * Of the given digests, those the repository cannot serve. The blob rows are share-locked so
   * garbage collection cannot delete them while the manifest that references them is written. The link
   * rows are locked too: GC removes links under the blob lock, and a lock on the blob alone would let this
   * query, having waited for GC, still return the link it read before GC deleted it.
   */
  /**
   * The stored sizes of those of `digests` linked to the repository, share-locked so GC cannot remove them before
   * the caller's transaction ends. A digest missing from the map is not available to the repository. The sizes come
   * with the same statement, so checking descriptor sizes costs no extra round trip.
   */
  async lockLinkedSizes(db: EntityManager, repositoryId: number, digests: string[]): Promise<Map<string, number>> {
    if (digests.length === 0) return new Map();
    const rows = await typedQuery<{ digest: string; size: number }>(db, LOCK_LINKED_SIZES, [repositoryId, digests]);
    return new Map(rows.map((row) => [row.digest, row.size]));
  }

  async sizes(db: EntityManager, digests: string[]): Promise<Map<string, number>> {
    if (digests.length === 0) return new Map();
    const rows = await typedQuery<{ digest: string; size: number }>(db, `SELECT digest, size FROM blobs WHERE digest = ANY($1)`, [digests]);
    return new Map(rows.map((row) => [row.digest, row.size]));
  }
}

/**
 * Queues (or re-queues) for GC review every digest `source` yields: a FROM item with one column `d`. The review is due
 * `delay` seconds from now (a parameter reference), for `reason` (one too).
 */
function queueBlobReviewSql(source: string, delay: string, reason: string): string {
  return `INSERT INTO gc_blob_review_queue (blob_digest, review_after, reason)
     SELECT d, now() + make_interval(secs => ${delay}), ${reason} FROM ${source}
     ON CONFLICT (blob_digest) DO UPDATE SET review_after = EXCLUDED.review_after, reason = EXCLUDED.reason`;
}

export async function queueBlobReview(db: EntityManager, digests: string[], delaySeconds: number, reason: string): Promise<void> {
  if (digests.length === 0) return;
  await execute(db, queueBlobReviewSql('unnest($1::text[]) AS d', '$2', '$3'), [digests, delaySeconds, reason]);
}

/**
 * Queues for GC review every blob the project's repositories link, in the transaction that is about to delete the
 * project (its repositories, manifests and links go by cascade, and a blob with no link left is never reviewed
 * otherwise: its row and bytes would stay forever). The review rechecks every blob under its lock, so one still
 * linked elsewhere stays.
 */
export async function queueBlobReviewOfProject(db: EntityManager, projectId: number, delaySeconds: number): Promise<void> {
  const linked = `(SELECT DISTINCT rb.blob_digest AS d FROM repository_blobs rb JOIN repositories r ON r.id = rb.repository_id WHERE r.project_id = $1) AS linked`;
  await execute(db, queueBlobReviewSql(linked, '$2', `'project_deleted'`), [projectId, delaySeconds]);
}
