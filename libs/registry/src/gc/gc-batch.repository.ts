import { EntityManager } from 'typeorm';
import { execute, typedQuery } from '@cargohold/db';
import { ManifestUnderReview } from './gc.repository';
import { ManifestFacts } from './gc-result';

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

  /** Locks, without waiting, those of the manifests nobody else holds; returns them. */
  async tryLockManifests(db: EntityManager, manifestIds: number[]): Promise<ManifestUnderReview[]> {
    const rows = await typedQuery<ManifestUnderReview>(
      db,
      `SELECT m.id, m.repository_id AS "repositoryId", r.path AS "repositoryPath", m.digest, m.subject_digest AS "subjectDigest"
         FROM manifests m JOIN repositories r ON r.id = m.repository_id
        WHERE m.id = ANY($1::bigint[]) ORDER BY m.id FOR UPDATE OF m SKIP LOCKED`,
      [manifestIds],
    );
    return rows.map((row) => ({ ...row, id: Number(row.id), repositoryId: Number(row.repositoryId) }));
  }

  async existingManifests(db: EntityManager, manifestIds: number[]): Promise<Set<number>> {
    if (manifestIds.length === 0) return new Set();
    const rows = await typedQuery<{ id: number }>(db, `SELECT id FROM manifests WHERE id = ANY($1::bigint[])`, [manifestIds]);
    return new Set(rows.map((row) => Number(row.id)));
  }

  /** Locks the queue rows still due that no other collector holds; returns their manifest ids. */
  async claimManifestReviews(db: EntityManager, manifestIds: number[]): Promise<Set<number>> {
    if (manifestIds.length === 0) return new Set();
    const rows = await typedQuery<{ id: number }>(
      db,
      `SELECT manifest_id AS id FROM gc_manifest_review_queue
        WHERE manifest_id = ANY($1::bigint[]) AND review_after <= now() ORDER BY manifest_id FOR UPDATE SKIP LOCKED`,
      [manifestIds],
    );
    return new Set(rows.map((row) => Number(row.id)));
  }

  async claimBlobReviews(db: EntityManager, digests: string[]): Promise<string[]> {
    const rows = await typedQuery<{ digest: string }>(
      db,
      `SELECT blob_digest AS digest FROM gc_blob_review_queue
        WHERE blob_digest = ANY($1::text[]) AND review_after <= now() ORDER BY blob_digest FOR UPDATE SKIP LOCKED`,
      [digests],
    );
    return rows.map((row) => row.digest);
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

  /** Children of the indexes and referrers of the subjects about to be deleted, except those deleted with them. */
  async dependants(db: EntityManager, manifestIds: number[]): Promise<number[]> {
    const rows = await typedQuery<{ id: number }>(
      db,
      `SELECT child_id AS id FROM manifest_references WHERE parent_id = ANY($1::bigint[]) AND child_id <> ALL($1::bigint[])
       UNION
       SELECT s.id FROM manifests m JOIN manifests s ON s.repository_id = m.repository_id AND s.subject_digest = m.digest
        WHERE m.id = ANY($1::bigint[]) AND s.id <> ALL($1::bigint[])`,
      [manifestIds],
    );
    return rows.map((row) => Number(row.id));
  }

  /** Deletes the manifests; their blob lists, references as parent and queue rows cascade. */
  async deleteManifests(db: EntityManager, manifestIds: number[]): Promise<void> {
    await execute(db, `DELETE FROM manifests WHERE id = ANY($1::bigint[])`, [manifestIds]);
  }

  /**
   * GcRepository.removeUnusedLink for many (repository, blob) pairs in one statement. The caller holds the rows of
   * all these blobs locked, which every manifest push referencing one of them also takes, so no new reference can
   * appear meanwhile; the statement runs after the manifests' delete, so it sees them gone.
   */
  async removeUnusedLinks(db: EntityManager, pairs: Array<{ repositoryId: number; digest: string }>, minAgeSeconds: number): Promise<number> {
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
         RETURNING 1)
       SELECT count(*)::int AS removed FROM gone`,
      [pairs.map((p) => p.repositoryId), pairs.map((p) => p.digest), minAgeSeconds],
    );
    return row.removed;
  }

  /** Locks, without waiting, those of the blob rows nobody else holds; returns digest → size of them. */
  async tryLockBlobs(db: EntityManager, digests: string[]): Promise<Map<string, number>> {
    if (digests.length === 0) return new Map();
    const rows = await typedQuery<{ digest: string; size: string }>(db, `SELECT digest, size FROM blobs WHERE digest = ANY($1::text[]) ORDER BY digest FOR UPDATE SKIP LOCKED`, [
      digests,
    ]);
    return new Map(rows.map((row) => [row.digest, Number(row.size)]));
  }

  /** Of the given (locked) blobs, those nothing holds: no repository link, no manifest anywhere, no cache entry. */
  async unheldBlobs(db: EntityManager, digests: string[]): Promise<string[]> {
    if (digests.length === 0) return [];
    const rows = await typedQuery<{ digest: string }>(
      db,
      `SELECT d AS digest FROM unnest($1::text[]) AS d
        WHERE NOT EXISTS (SELECT 1 FROM repository_blobs WHERE blob_digest = d)
          AND NOT EXISTS (SELECT 1 FROM manifest_blobs WHERE blob_digest = d)
          AND NOT EXISTS (SELECT 1 FROM container_upstream_cache_entries WHERE digest = d)`,
      [digests],
    );
    return rows.map((row) => row.digest);
  }

  /** Drops the reviews of `reviewed` and deletes the rows of `deleted` (a subset of them) in one statement. */
  async finishBlobReviews(db: EntityManager, reviewed: string[], deleted: string[]): Promise<void> {
    if (reviewed.length === 0) return;
    await execute(
      db,
      `WITH dropped AS (DELETE FROM gc_blob_review_queue WHERE blob_digest = ANY($1::text[]))
       DELETE FROM blobs WHERE digest = ANY($2::text[])`,
      [reviewed, deleted],
    );
  }
}
