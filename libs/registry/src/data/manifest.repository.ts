import { EntityManager } from 'typeorm';
import { execute, prepared, queryOne, typedQuery } from '@cargohold/db';
import { deletionParams, recordDeletedTagsCte } from '../deleted-tags/deleted-tag.repository';
import { TagDeletion } from '../deleted-tags/tag-deletion';

export interface StoredManifest {
  id: number;
  digest: string;
  mediaType: string;
  payload: Buffer;
}

export interface ManifestHead {
  id: number;
  digest: string;
  mediaType: string;
  size: number;
}

export interface NewManifest {
  repositoryId: number;
  digest: string;
  mediaType: string;
  artifactType: string | null;
  subjectDigest: string | null;
  configDigest: string | null;
  totalSize: number;
  payload: Buffer;
  blobDigests: string[];
  childIds: number[];
}

export interface BudgetedManifest {
  digest: string;
  mediaType: string;
  size: number;
  /** Null when reading it would have exceeded the caller's byte budget. */
  payload: Buffer | null;
}

export interface ReferrerRow {
  digest: string;
  mediaType: string;
  artifactType: string | null;
  size: number;
  payload: Buffer;
  /** How many rows the page query looked at (those returned plus those cut by the byte budget). */
  fetched: number;
}

export interface ReferrerPageQuery {
  artifactType?: string;
  /** Digest of the last referrer of the previous page. */
  after?: string;
  limit: number;
  /** Bytes of referrer payloads read for one page (their annotations are listed). */
  payloadBudget: number;
}

/** The manifest PUT's statements, run on every push: prepared (parsed and planned once per connection). */
const LOCK_CHILDREN = prepared(
  'manifest_lock_children',
  `SELECT id, digest, octet_length(payload) AS size FROM manifests WHERE repository_id = $1 AND digest = ANY($2) ORDER BY id FOR SHARE`,
);

const INSERT_OR_LOCK = prepared(
  'manifest_insert_or_lock',
  `WITH inserted AS (
     INSERT INTO manifests (repository_id, digest, media_type, artifact_type, subject_digest, config_digest, total_size, payload)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
     ON CONFLICT (repository_id, digest) DO NOTHING
     RETURNING id),
   blob_links AS (
     INSERT INTO manifest_blobs (manifest_id, blob_digest) SELECT inserted.id, d FROM inserted, unnest($9::text[]) AS d
     ON CONFLICT DO NOTHING),
   child_links AS (
     INSERT INTO manifest_references (parent_id, child_id) SELECT inserted.id, c FROM inserted, unnest($10::bigint[]) AS c
     ON CONFLICT DO NOTHING),
   existing AS (
     SELECT id FROM manifests WHERE repository_id = $1 AND digest = $2 AND NOT EXISTS (SELECT 1 FROM inserted) FOR SHARE)
   SELECT id FROM inserted UNION ALL SELECT id FROM existing`,
);

/** The `manifests`, `manifest_blobs` and `manifest_references` tables. */
export class ManifestRepository {
  /** Manifest GET by tag: one indexed query from path and tag to the payload. */
  async findByTag(db: EntityManager, repositoryPath: string, tag: string, withPayload: boolean): Promise<StoredManifest | ManifestHead | null> {
    return queryOne<StoredManifest | ManifestHead>(
      db,
      `SELECT m.id, m.digest, m.media_type AS "mediaType", ${withPayload ? 'm.payload' : 'octet_length(m.payload) AS size'}
         FROM repositories r
         JOIN tags t ON t.repository_id = r.id AND t.name = $2
         JOIN manifests m ON m.id = t.manifest_id
        WHERE r.path = $1 AND r.status IS NULL`,
      [repositoryPath, tag],
    );
  }

  async findByDigest(db: EntityManager, repositoryPath: string, digest: string, withPayload: boolean): Promise<StoredManifest | ManifestHead | null> {
    return queryOne<StoredManifest | ManifestHead>(
      db,
      `SELECT m.id, m.digest, m.media_type AS "mediaType", ${withPayload ? 'm.payload' : 'octet_length(m.payload) AS size'}
         FROM repositories r
         JOIN manifests m ON m.repository_id = r.id AND m.digest = $2
        WHERE r.path = $1 AND r.status IS NULL`,
      [repositoryPath, digest],
    );
  }

  /**
   * Several manifests of a repository in one query, for read-only views: each found digest with its payload size,
   * and its payload only while the running total of payload sizes (in the order of `digests`) stays within
   * `byteBudget`; later ones come back with `payload` null. The payloads past the budget are never fetched
   * (octet_length reads the stored length, and the CASE decides before the value is detoasted).
   */
  async findManyWithinBudget(db: EntityManager, repositoryPath: string, digests: string[], byteBudget: number): Promise<BudgetedManifest[]> {
    if (digests.length === 0) return [];
    return typedQuery<BudgetedManifest>(
      db,
      `SELECT m.digest, m.media_type AS "mediaType", sized.size, CASE WHEN sized.running <= $3 THEN m.payload END AS payload
         FROM (SELECT m.id, octet_length(m.payload) AS size,
                      sum(octet_length(m.payload)) OVER (ORDER BY array_position($2::text[], m.digest)) AS running
                 FROM repositories r
                 JOIN manifests m ON m.repository_id = r.id AND m.digest = ANY($2::text[])
                WHERE r.path = $1 AND r.status IS NULL) sized
         JOIN manifests m ON m.id = sized.id
        ORDER BY array_position($2::text[], m.digest)`,
      [repositoryPath, digests, byteBudget],
    );
  }

  /**
   * Ids and payload sizes of the given manifests in the repository, locked against deletion while a parent is
   * written. octet_length reads a stored value's length from its header, without fetching the payload.
   */
  async lockChildren(db: EntityManager, repositoryId: number, digests: string[]): Promise<Map<string, { id: number; size: number }>> {
    if (digests.length === 0) return new Map();
    const rows = await typedQuery<{ id: number; digest: string; size: number }>(db, LOCK_CHILDREN, [repositoryId, digests]);
    return new Map(rows.map((row) => [row.digest, { id: row.id, size: row.size }]));
  }

  /** Inserts the manifest with its references, or returns the existing one (same digest means same bytes). */
  async insert(db: EntityManager, manifest: NewManifest): Promise<number> {
    // GC may be deleting the same (untagged) manifest: the share lock below then waits for it and finds
    // nothing, and the insert is simply tried again.
    for (;;) {
      const id = await this.insertOrLock(db, manifest);
      if (id !== null) return id;
    }
  }

  /**
   * One statement: insert the manifest with its blob and child links, or, when the repository already has it,
   * share-lock the existing row (so GC cannot delete it before the caller's transaction ends). Null when a
   * concurrent transaction inserted or deleted it after this statement's snapshot: the caller tries again.
   */
  private async insertOrLock(db: EntityManager, manifest: NewManifest): Promise<number | null> {
    const row = await queryOne<{ id: number }>(
      db,
      INSERT_OR_LOCK,
      [manifest.repositoryId, manifest.digest, manifest.mediaType, manifest.artifactType, manifest.subjectDigest,
        manifest.configDigest, manifest.totalSize, manifest.payload, [...new Set(manifest.blobDigests)], [...new Set(manifest.childIds)]],
    );
    return row?.id ?? null;
  }

  /**
   * Deletes a manifest and the tags that point to it; returns the digests of blobs it referenced, or null if absent.
   * The tags are recorded as deleted: listed, and restorable should the same digest be pushed again in time.
   */
  async delete(db: EntityManager, repositoryId: number, digest: string, deletion: TagDeletion): Promise<{ id: number; blobDigests: string[] } | null> {
    const found = await queryOne<{ id: number }>(db, `SELECT id FROM manifests WHERE repository_id = $1 AND digest = $2 FOR UPDATE`, [repositoryId, digest]);
    if (!found) return null;
    const { id } = found;
    const blobs = await typedQuery<{ digest: string }>(db, `SELECT blob_digest AS digest FROM manifest_blobs WHERE manifest_id = $1`, [id]);
    await execute(db, `WITH gone AS (DELETE FROM tags WHERE manifest_id = $1 RETURNING repository_id, name, manifest_id), ${recordDeletedTagsCte('gone', 2)} SELECT 1`, [
      id,
      ...deletionParams(deletion),
    ]);
    await execute(db, `DELETE FROM manifests WHERE id = $1`, [id]);
    return { id, blobDigests: blobs.map((row) => row.digest) };
  }

  async isReferencedByIndex(db: EntityManager, manifestId: number): Promise<boolean> {
    return (await queryOne(db, `SELECT 1 FROM manifest_references WHERE child_id = $1 LIMIT 1`, [manifestId])) !== null;
  }

  /**
   * One page of the manifests whose subject is `subjectDigest`, in digest order after `after`: at most `limit`
   * rows, and rows only while their payloads stay within `payloadBudget` bytes together (the first row always
   * comes, so a page reads at most max(budget, one manifest)). `fetched` on each row counts the rows the page looked
   * at, so a caller sees rows cut by the budget. Payloads of rows cut are not read: octet_length reads the stored
   * length, and the cut is made before the payload column is output.
   *
   * The repository is a scalar subquery, not a join, so the planner sees one repository id and reads the page in
   * order from ix_manifests_on_repository_id_and_subject_digest_and_digest, stopping at the limit (a join made it
   * read and sort every referrer of the subject).
   */
  async findReferrers(db: EntityManager, repositoryPath: string, subjectDigest: string, page: ReferrerPageQuery): Promise<ReferrerRow[]> {
    const params: unknown[] = [repositoryPath, subjectDigest, page.limit, page.payloadBudget];
    let filter = '';
    if (page.artifactType !== undefined) {
      params.push(page.artifactType);
      filter += ` AND m.artifact_type = $${params.length}`;
    }
    if (page.after !== undefined) {
      params.push(page.after);
      filter += ` AND m.digest COLLATE "C" > $${params.length}`;
    }
    return typedQuery<ReferrerRow>(
      db,
      `WITH page AS (
         SELECT m.digest, m.media_type, m.artifact_type, octet_length(m.payload) AS size, m.payload
           FROM manifests m
          WHERE m.repository_id = (SELECT id FROM repositories WHERE path = $1) AND m.subject_digest = $2${filter}
          ORDER BY m.digest COLLATE "C"
          LIMIT $3),
       budgeted AS (
         SELECT *, sum(size) OVER (ORDER BY digest COLLATE "C") - size AS before, count(*) OVER () AS fetched FROM page)
       SELECT digest, media_type AS "mediaType", artifact_type AS "artifactType", size, payload, fetched
         FROM budgeted
        WHERE before + size <= $4 OR before = 0
        ORDER BY digest COLLATE "C"`,
      params,
    );
  }
}
