import { EntityManager } from 'typeorm';
import { execute, queryOne, typedQuery } from '@cargohold/db';
import { ManifestFacts } from './gc-result';

export interface ManifestUnderReview {
  id: number;
  repositoryId: number;
  /** The repository's path, for telling manifest caches (GET by digest) that the manifest is gone. */
  repositoryPath: string;
  digest: string;
  subjectDigest: string | null;
}

/**
 * SQL of the online garbage collector: the review queues, the rechecks and the deletes.
 *
 * Lock order, shared with pushes so nobody waits in a circle:
 *   blobs rows (digest order) → manifests row → review queue row.
 * Pushes take blobs (FOR SHARE / FOR UPDATE) before manifests and queue rows; GC does the same, and
 * where it must hold a queue row first (blob review) it only ever tries the blob lock with SKIP LOCKED.
 */
export class GcRepository {
  /**
   * Due manifest reviews, oldest first, without locks: candidates only. Each one is locked and rechecked
   * in its own short transaction. `skip` holds the items this run already passed over (locked by a push or
   * another collector), so they are not offered again.
   */
  async dueManifestReviews(db: EntityManager, skip: number[], limit: number): Promise<number[]> {
    const rows = await typedQuery<{ id: number }>(
      db,
      `SELECT manifest_id AS id FROM gc_manifest_review_queue
        WHERE review_after <= now() AND manifest_id <> ALL($1::bigint[])
        ORDER BY review_after, manifest_id LIMIT $2`,
      [skip, limit],
    );
    return rows.map((row) => row.id);
  }

  /** A manifest's blobs never change after it is written, so they can be read before any lock is taken. */
  async manifestBlobDigests(db: EntityManager, manifestId: number): Promise<string[]> {
    const rows = await typedQuery<{ digest: string }>(db, `SELECT blob_digest AS digest FROM manifest_blobs WHERE manifest_id = $1 ORDER BY blob_digest`, [manifestId]);
    return rows.map((row) => row.digest);
  }

  /** Locks blob rows in digest order (the order pushes use); returns digest → size of those that exist. */
  async lockBlobs(db: EntityManager, digests: string[]): Promise<Map<string, number>> {
    if (digests.length === 0) return new Map();
    const rows = await typedQuery<{ digest: string; size: number }>(db, `SELECT digest, size FROM blobs WHERE digest = ANY($1) ORDER BY digest FOR UPDATE`, [digests]);
    return new Map(rows.map((row) => [row.digest, row.size]));
  }

  async lockManifest(db: EntityManager, manifestId: number): Promise<ManifestUnderReview | null> {
    return queryOne<ManifestUnderReview>(
      db,
      `SELECT m.id, m.repository_id AS "repositoryId", r.path AS "repositoryPath", m.digest, m.subject_digest AS "subjectDigest"
         FROM manifests m JOIN repositories r ON r.id = m.repository_id
        WHERE m.id = $1 FOR UPDATE OF m`,
      [manifestId],
    );
  }

  /** Locks the queue row if it is still due and no other collector holds it. */
  async claimManifestReview(db: EntityManager, manifestId: number): Promise<boolean> {
    const claimed = await queryOne(
      db,
      `SELECT manifest_id FROM gc_manifest_review_queue WHERE manifest_id = $1 AND review_after <= now() FOR UPDATE SKIP LOCKED`,
      [manifestId],
    );
    return claimed !== null;
  }

  async dropManifestReview(db: EntityManager, manifestId: number): Promise<void> {
    await execute(db, `DELETE FROM gc_manifest_review_queue WHERE manifest_id = $1`, [manifestId]);
  }

  /**
   * What keeps a manifest alive, read while its row is locked. A deleted tag naming it keeps it until its window
   * (`reviewDelaySeconds`) has passed: a restore share-locks the row, so it cannot slip in between.
   */
  async manifestFacts(db: EntityManager, manifest: ManifestUnderReview, reviewDelaySeconds: number): Promise<ManifestFacts> {
    const [row] = await typedQuery<ManifestFacts>(
      db,
      `SELECT EXISTS (SELECT 1 FROM tags WHERE manifest_id = $1) AS tagged,
              EXISTS (SELECT 1 FROM manifest_references WHERE child_id = $1) AS "referencedByIndex",
              ($3::text IS NOT NULL AND EXISTS (SELECT 1 FROM manifests WHERE repository_id = $2 AND digest = $3)) AS "subjectExists",
              (SELECT max(deleted_at) + make_interval(secs => $5) FROM deleted_tags
                WHERE repository_id = $2 AND digest = $4 AND deleted_at > now() - make_interval(secs => $5)) AS "restorableUntil"`,
      [manifest.id, manifest.repositoryId, manifest.subjectDigest, manifest.digest, reviewDelaySeconds],
    );
    return row;
  }

  /** Moves a claimed review to `reviewAfter` (a restorable deleted tag keeps the manifest until then). */
  async postponeManifestReview(db: EntityManager, manifestId: number, reviewAfter: Date): Promise<void> {
    await execute(db, `UPDATE gc_manifest_review_queue SET review_after = $2, reason = 'deleted_tag_restorable' WHERE manifest_id = $1`, [manifestId, reviewAfter]);
  }

  /** Children of an index (they lose a reference when it goes) and referrers whose subject this is. */
  async dependants(db: EntityManager, manifest: ManifestUnderReview): Promise<number[]> {
    const rows = await typedQuery<{ id: number }>(
      db,
      `SELECT child_id AS id FROM manifest_references WHERE parent_id = $1
       UNION
       SELECT id FROM manifests WHERE repository_id = $2 AND subject_digest = $3 AND id <> $1`,
      [manifest.id, manifest.repositoryId, manifest.digest],
    );
    return rows.map((row) => row.id);
  }

  /** Deletes the manifest; manifest_blobs, manifest_references (as parent) and its queue row cascade. */
  async deleteManifest(db: EntityManager, manifestId: number): Promise<void> {
    await execute(db, `DELETE FROM manifests WHERE id = $1`, [manifestId]);
  }

  /**
   * Removes the repository's link to `digest` if nothing there needs it any more: no manifest in the
   * repository references the blob, and the link is older than the review delay (a freshly uploaded blob is
   * waiting for its manifest). The caller holds the blob row's lock, which every manifest push referencing
   * the blob also takes, so no new reference can appear meanwhile. Returns how many links went (0 or 1).
   */
  async removeUnusedLink(db: EntityManager, repositoryId: number, digest: string, minAgeSeconds: number): Promise<number> {
    const [row] = await typedQuery<{ removed: number }>(
      db,
      `WITH gone AS (
         DELETE FROM repository_blobs rb
          WHERE rb.repository_id = $1 AND rb.blob_digest = $2 AND rb.created_at <= now() - make_interval(secs => $3)
            AND NOT EXISTS (
              SELECT 1 FROM manifest_blobs mb JOIN manifests m ON m.id = mb.manifest_id
               WHERE mb.blob_digest = rb.blob_digest AND m.repository_id = rb.repository_id)
         RETURNING rb.blob_digest
       )
       SELECT count(*)::int AS removed FROM gone`,
      [repositoryId, digest, minAgeSeconds],
    );
    return row.removed;
  }

  /** Deletes the blob row and its queue row; the caller has checked that nothing references it. */
  async deleteBlob(db: EntityManager, digest: string): Promise<void> {
    await execute(db, `DELETE FROM gc_blob_review_queue WHERE blob_digest = $1`, [digest]);
    await execute(db, `DELETE FROM blobs WHERE digest = $1`, [digest]);
  }

  /** Of the given digests, those with a `blobs` row. */
  async existingBlobs(db: EntityManager, digests: string[]): Promise<Set<string>> {
    if (digests.length === 0) return new Set();
    const rows = await typedQuery<{ digest: string }>(db, `SELECT digest FROM blobs WHERE digest = ANY($1)`, [digests]);
    return new Set(rows.map((row) => row.digest));
  }

  /**
   * Claims the address of a store file that has no row, by inserting a placeholder row in the caller's
   * transaction. An upload committing the same digest inserts the same row first, so this waits for it
   * (and then finds the row) or makes that upload wait until the file is gone and the placeholder removed.
   * True when the placeholder was inserted, i.e. the file really is an orphan.
   */
  async claimOrphan(db: EntityManager, digest: string, size: number): Promise<boolean> {
    const inserted = await queryOne<{ digest: string }>(
      db,
      `INSERT INTO blobs (digest, size) VALUES ($1, $2) ON CONFLICT (digest) DO NOTHING RETURNING digest`,
      [digest, size],
    );
    return inserted !== null;
  }

  /** Of the given upload ids, those with an `uploads` row. */
  async existingUploads(db: EntityManager, ids: string[]): Promise<Set<string>> {
    if (ids.length === 0) return new Set();
    const rows = await typedQuery<{ id: string }>(db, `SELECT id::text AS id FROM uploads WHERE id::text = ANY($1::text[])`, [ids]);
    return new Set(rows.map((row) => row.id));
  }

  /** Queue sizes for metrics: everything queued, and what of it is due now. */
  async queueDepths(db: EntityManager): Promise<{ manifests: number; manifestsDue: number; blobs: number; blobsDue: number }> {
    const [row] = await typedQuery<{ manifests: number; manifestsDue: number; blobs: number; blobsDue: number }>(
      db,
      `SELECT (SELECT count(*)::int FROM gc_manifest_review_queue) AS manifests,
              (SELECT count(*)::int FROM gc_manifest_review_queue WHERE review_after <= now()) AS "manifestsDue",
              (SELECT count(*)::int FROM gc_blob_review_queue) AS blobs,
              (SELECT count(*)::int FROM gc_blob_review_queue WHERE review_after <= now()) AS "blobsDue"`,
    );
    return row;
  }
}
