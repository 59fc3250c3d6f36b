import { EntityManager } from 'typeorm';
import { execute, typedQuery } from '@cargohold/db';
import { ManifestUnderReview } from './gc.repository';
import { ManifestFacts } from './gc-result';

/** A claimed blob review: the blob's size when the claiming transaction holds its row, `held` when another does. */
export interface ClaimedBlob {
  digest: string;
  size: number | null;
  held: boolean;
}

/**
 * The collector's set-based SQL: each statement acts on a whole batch of review items, in the lock order of
 * GcRepository (blobs → manifests → queue rows). Where a batch must not wait while it holds rows (manifests and
 * queue rows once blobs are held, blobs once queue rows are held) it locks with SKIP LOCKED and leaves what it
 * could not lock for a later run, as the one-item reviews do.
 */
export class GcBatchRepository {
  /** The blob lists of the given manifests (immutable, so read before any lock). */
  async blobLists(db: EntityManager, manifestIds: number[]): Promise<Map<number, string[]>> {
    const rows = await typedQuery<{ id: number; digest: string }>(
      db,
      `SELECT manifest_id AS id, blob_digest AS digest FROM manifest_blobs WHERE manifest_id = ANY($1::bigint[])`,
      [manifestIds],
    );
    const lists = new Map<number, string[]>(manifestIds.map((id) => [id, []]));
    for (const row of rows) lists.get(Number(row.id))?.push(row.digest);
    return lists;
  }

  /**
   * Tries the manifest rows without waiting, then, without waiting either, the queue rows of those it locked that are
   * still due, in one statement (neither waits, so their order cannot deadlock; the caller already holds the blobs).
   * `under`: locked and claimed, to be rechecked by a later statement (whose snapshot sees everything committed
   * before these locks were taken). `left`: a push or another collector holds the manifest or its queue row (or the
   * review is no longer due). A manifest that is gone is in neither: its queue row went with it.
   */
  async lockAndClaimManifests(db: EntityManager, manifestIds: number[]): Promise<{ under: ManifestUnderReview[]; left: number[] }> {
    const rows = await typedQuery<ManifestUnderReview & { claimed: boolean; present: boolean }>(
      db,
      `WITH locked AS MATERIALIZED (
         SELECT m.id, m.repository_id, m.digest, m.subject_digest FROM manifests m
          WHERE m.id = ANY($1::bigint[]) ORDER BY m.id FOR UPDATE SKIP LOCKED),
       claimed AS MATERIALIZED (
         SELECT q.manifest_id FROM gc_manifest_review_queue q
          WHERE q.manifest_id IN (SELECT id FROM locked) AND q.review_after <= now() ORDER BY q.manifest_id FOR UPDATE OF q SKIP LOCKED)
       SELECT i.id, l.repository_id AS "repositoryId", r.path AS "repositoryPath", l.digest, l.subject_digest AS "subjectDigest",
              (c.manifest_id IS NOT NULL) AS claimed,
              (l.id IS NOT NULL OR EXISTS (SELECT 1 FROM manifests x WHERE x.id = i.id)) AS present
         FROM unnest($1::bigint[]) AS i(id)
         LEFT JOIN locked l ON l.id = i.id
         LEFT JOIN claimed c ON c.manifest_id = i.id
         LEFT JOIN repositories r ON r.id = l.repository_id
        ORDER BY i.id`,
      [manifestIds],
    );
    const under: ManifestUnderReview[] = [];
    const left: number[] = [];
    for (const row of rows) {
      const id = Number(row.id);
      if (row.claimed) {
        under.push({ id, repositoryId: Number(row.repositoryId), repositoryPath: row.repositoryPath, digest: row.digest, subjectDigest: row.subjectDigest });
      } else if (row.present) {
        left.push(id);
      }
    }
    return { under, left };
  }

  /**
   * Claims up to `limit` due blob reviews (oldest first, none of `skip`) and tries their blob rows, in one statement
   * and without waiting for either: queue rows another collector (or another stream of this one) holds are not
   * claimed, and a blob row a push holds is reported `held` and left alone. The queue rows are locked first and the
   * blob rows only tried, the order GcRepository gives for blob reviews. Returns every claimed digest with its
   * size when this transaction now holds its blob row; `held` when another does; neither when the row is gone.
   */
  async claimBlobBatch(db: EntityManager, skip: string[], limit: number): Promise<ClaimedBlob[]> {
    const rows = await typedQuery<{ digest: string; size: string | null; held: boolean }>(
      db,
      `WITH claimed AS MATERIALIZED (
         SELECT blob_digest FROM gc_blob_review_queue
          WHERE review_after <= now() AND blob_digest <> ALL($1::text[])
          ORDER BY review_after, blob_digest LIMIT $2 FOR UPDATE SKIP LOCKED),
       locked AS MATERIALIZED (
         SELECT b.digest, b.size FROM blobs b WHERE b.digest IN (SELECT blob_digest FROM claimed) ORDER BY b.digest FOR UPDATE OF b SKIP LOCKED)
       SELECT c.blob_digest AS digest, l.size,
              (l.digest IS NULL AND EXISTS (SELECT 1 FROM blobs x WHERE x.digest = c.blob_digest)) AS held
         FROM claimed c LEFT JOIN locked l ON l.digest = c.blob_digest
        ORDER BY c.blob_digest`,
      [skip, limit],
    );
    return rows.map((row) => ({ digest: row.digest, size: row.size === null ? null : Number(row.size), held: row.held }));
  }

  /** GcRepository.manifestFacts for many manifests in one statement, read while their rows are locked. */
  async manifestFacts(db: EntityManager, manifestIds: number[], reviewDelaySeconds: number): Promise<Map<number, ManifestFacts>> {
    const rows = await typedQuery<ManifestFacts & { id: number }>(
      db,
      `SELECT m.id,
              EXISTS (SELECT 1 FROM tags t WHERE t.manifest_id = m.id) AS tagged,
              EXISTS (SELECT 1 FROM manifest_references mr WHERE mr.child_id = m.id) AS "referencedByIndex",
              (m.subject_digest IS NOT NULL AND EXISTS (
                 SELECT 1 FROM manifests s WHERE s.repository_id = m.repository_id AND s.digest = m.subject_digest)) AS "subjectExists",
              (SELECT max(d.deleted_at) + make_interval(secs => $2) FROM deleted_tags d
                WHERE d.repository_id = m.repository_id AND d.digest = m.digest AND d.deleted_at > now() - make_interval(secs => $2)) AS "restorableUntil"
         FROM manifests m WHERE m.id = ANY($1::bigint[])`,
      [manifestIds, reviewDelaySeconds],
    );
    return new Map(rows.map((row) => [Number(row.id), row]));
  }

  async dropManifestReviews(db: EntityManager, manifestIds: number[]): Promise<void> {
    if (manifestIds.length === 0) return;
    await execute(db, `DELETE FROM gc_manifest_review_queue WHERE manifest_id = ANY($1::bigint[])`, [manifestIds]);
  }

  async postponeManifestReviews(db: EntityManager, postponed: Array<{ id: number; until: Date }>): Promise<void> {
    if (postponed.length === 0) return;
    await execute(
      db,
      `UPDATE gc_manifest_review_queue q SET review_after = p.until, reason = 'deleted_tag_restorable'
         FROM unnest($1::bigint[], $2::timestamptz[]) AS p(id, until) WHERE q.manifest_id = p.id`,
      [postponed.map((p) => p.id), postponed.map((p) => p.until)],
    );
  }

  /**
   * Deletes the manifests (their blob lists, references as parent and queue rows cascade) and returns what depended
   * on them: children of the indexes and referrers of the subjects among them, except those deleted with them. One
   * statement: the dependants are read from its snapshot, before the cascades run.
   */
  async deleteManifests(db: EntityManager, manifestIds: number[]): Promise<number[]> {
    const rows = await typedQuery<{ id: number }>(
      db,
      `WITH dependants AS MATERIALIZED (
         SELECT child_id AS id FROM manifest_references WHERE parent_id = ANY($1::bigint[]) AND child_id <> ALL($1::bigint[])
         UNION
         SELECT s.id FROM manifests m JOIN manifests s ON s.repository_id = m.repository_id AND s.subject_digest = m.digest
          WHERE m.id = ANY($1::bigint[]) AND s.id <> ALL($1::bigint[])),
       gone AS (DELETE FROM manifests WHERE id = ANY($1::bigint[]))
       SELECT id FROM dependants ORDER BY id`,
      [manifestIds],
    );
    return rows.map((row) => Number(row.id));
  }

  /**
   * After the manifests' delete (an earlier statement, so this one sees them gone): removes each (repository, blob)
   * link that no manifest of the repository uses any more and that is older than `minAgeSeconds` (a fresh link is an
   * upload waiting for its manifest; GcRepository.removeUnusedLink), and queues every one of the blobs for review
   * `minAgeSeconds` from now, in one statement. The caller holds the rows of all these blobs locked, which every
   * manifest push referencing one of them also takes, so no new reference can appear meanwhile. Returns how many
   * links went.
   */
  async releaseBlobs(db: EntityManager, pairs: Array<{ repositoryId: number; digest: string }>, minAgeSeconds: number): Promise<number> {
    if (pairs.length === 0) return 0;
    const [row] = await typedQuery<{ removed: number }>(
      db,
      `WITH pairs AS (SELECT DISTINCT r, d FROM unnest($1::bigint[], $2::text[]) AS p(r, d)),
       gone AS (
         DELETE FROM repository_blobs rb USING pairs
          WHERE rb.repository_id = pairs.r AND rb.blob_digest = pairs.d AND rb.created_at <= now() - make_interval(secs => $3)
            AND NOT EXISTS (
              SELECT 1 FROM manifest_blobs mb JOIN manifests m ON m.id = mb.manifest_id
               WHERE mb.blob_digest = rb.blob_digest AND m.repository_id = rb.repository_id)
         RETURNING 1),
       queued AS (
         INSERT INTO gc_blob_review_queue (blob_digest, review_after, reason)
         SELECT d, now() + make_interval(secs => $3), 'manifest_deleted' FROM (SELECT DISTINCT d FROM pairs) AS digests ORDER BY d
         ON CONFLICT (blob_digest) DO UPDATE SET review_after = EXCLUDED.review_after, reason = EXCLUDED.reason)
       SELECT count(*)::int AS removed FROM gone`,
      [pairs.map((p) => p.repositoryId), pairs.map((p) => p.digest), minAgeSeconds],
    );
    return row.removed;
  }

  /**
   * Drops the reviews of `reviewed` and deletes those of the `locked` blob rows (held by the caller's transaction)
   * that nothing holds: no repository link, no manifest anywhere, no cache entry. Anything that would add such a
   * reference locks the blob row first, so the check cannot go stale before COMMIT. Returns the deleted blobs; their
   * bytes must go before the transaction commits (BatchReviewer.reviewBlobs says why).
   */
  async deleteUnheldBlobs(db: EntityManager, reviewed: string[], locked: string[]): Promise<Array<{ digest: string; size: number }>> {
    if (reviewed.length === 0) return [];
    const rows = await typedQuery<{ digest: string; size: string }>(
      db,
      `WITH dropped AS (DELETE FROM gc_blob_review_queue WHERE blob_digest = ANY($1::text[])),
       gone AS (
         DELETE FROM blobs b WHERE b.digest = ANY($2::text[])
            AND NOT EXISTS (SELECT 1 FROM repository_blobs WHERE blob_digest = b.digest)
            AND NOT EXISTS (SELECT 1 FROM manifest_blobs WHERE blob_digest = b.digest)
            AND NOT EXISTS (SELECT 1 FROM container_upstream_cache_entries WHERE digest = b.digest)
         RETURNING b.digest, b.size)
       SELECT digest, size FROM gone ORDER BY digest`,
      [reviewed, locked],
    );
    return rows.map((row) => ({ digest: row.digest, size: Number(row.size) }));
  }
}
