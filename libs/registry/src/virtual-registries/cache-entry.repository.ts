import { EntityManager } from 'typeorm';
import { execute, queryOne, typedQuery } from '@cargohold/db';
import { queueBlobReview } from '../data/blob.repository';
import { CacheEntryRow } from './virtual-registry-rows';

const ENTRY_COLUMNS = `upstream_id AS "upstreamId", relative_path AS "relativePath", digest, content_type AS "contentType", size,
  upstream_etag AS "upstreamEtag", upstream_checked_at AS "upstreamCheckedAt", created_at AS "createdAt", updated_at AS "updatedAt",
  downloaded_at AS "downloadedAt", downloads_count AS "downloadsCount"`;

export interface CachedContent {
  upstreamId: number;
  relativePath: string;
  digest: string;
  contentType: string;
  size: number;
  upstreamEtag?: string | null;
}

/**
 * `container_upstream_cache_entries`: what each upstream's cache holds. An entry is a holder of its digest's `blobs`
 * row for GC (GcRepository.blobHolders); every statement here that removes entries queues their digests for review,
 * so GC reclaims bytes nothing else holds once the review delay has passed (a pull still reading them finishes first).
 */
export class CacheEntryRepository {
  async find(db: EntityManager, upstreamId: number, relativePath: string): Promise<CacheEntryRow | null> {
    return queryOne<CacheEntryRow>(db, `SELECT ${ENTRY_COLUMNS} FROM container_upstream_cache_entries WHERE upstream_id = $1 AND relative_path = $2`, [
      upstreamId,
      relativePath,
    ]);
  }

  /**
   * Records content the store now holds at its digest: ensures the `blobs` row, locks it (`FOR UPDATE`, as an upload's
   * commit does, so GC cannot delete it until this transaction ends) and inserts or replaces the entry (a tag that moved
   * upstream points at the new digest; `upstream_checked_at` is now). Returns whether the blob row existed before, so
   * the caller can check, under the lock, that the bytes are still in the store (GC may have removed them between
   * its publish and this transaction) — the same recheck an upload's commit does.
   */
  async record(db: EntityManager, content: CachedContent): Promise<{ blobExisted: boolean }> {
    const inserted = await queryOne<{ digest: string }>(
      db,
      `INSERT INTO blobs (digest, size, media_type) VALUES ($1, $2, $3) ON CONFLICT (digest) DO NOTHING RETURNING digest`,
      [content.digest, content.size, content.contentType],
    );
    // A row GC deletes while we wait for its lock is gone when the lock is granted: insert again, as uploads do.
    while (!(await queryOne<{ digest: string }>(db, `SELECT digest FROM blobs WHERE digest = $1 FOR UPDATE`, [content.digest]))) {
      await execute(db, `INSERT INTO blobs (digest, size, media_type) VALUES ($1, $2, $3) ON CONFLICT (digest) DO NOTHING`, [
        content.digest,
        content.size,
        content.contentType,
      ]);
    }
    await execute(
      db,
      `INSERT INTO container_upstream_cache_entries (upstream_id, relative_path, digest, content_type, size, upstream_etag)
       VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (upstream_id, relative_path) DO UPDATE
         SET digest = EXCLUDED.digest, content_type = EXCLUDED.content_type, size = EXCLUDED.size,
             upstream_etag = EXCLUDED.upstream_etag, upstream_checked_at = now(), updated_at = now()`,
      [content.upstreamId, content.relativePath, content.digest, content.contentType, content.size, content.upstreamEtag ?? null],
    );
    return { blobExisted: inserted === null };
  }

  /** A revalidation found the upstream unchanged (HEAD answered the same digest): valid for another period. */
  async markChecked(db: EntityManager, upstreamId: number, relativePath: string): Promise<void> {
    await execute(db, `UPDATE container_upstream_cache_entries SET upstream_checked_at = now() WHERE upstream_id = $1 AND relative_path = $2`, [
      upstreamId,
      relativePath,
    ]);
  }

  /** A pull served the entry: it counts for the listing and keeps the entry from the TTL expiry. */
  async markDownloaded(db: EntityManager, upstreamId: number, relativePath: string): Promise<void> {
    await execute(
      db,
      `UPDATE container_upstream_cache_entries SET downloaded_at = now(), downloads_count = downloads_count + 1
        WHERE upstream_id = $1 AND relative_path = $2`,
      [upstreamId, relativePath],
    );
  }

  /** One page of an upstream's entries, optionally those whose path contains `search`, oldest first. */
  async list(db: EntityManager, upstreamId: number, search: string | null, limit: number, offset: number): Promise<{ rows: CacheEntryRow[]; total: number }> {
    const where = `upstream_id = $1 AND ($2::text IS NULL OR strpos(relative_path, $2) > 0)`;
    const [{ total }] = await typedQuery<{ total: number }>(db, `SELECT count(*)::int AS total FROM container_upstream_cache_entries WHERE ${where}`, [
      upstreamId,
      search,
    ]);
    const rows = await typedQuery<CacheEntryRow>(
      db,
      `SELECT ${ENTRY_COLUMNS} FROM container_upstream_cache_entries WHERE ${where} ORDER BY created_at, relative_path LIMIT $3 OFFSET $4`,
      [upstreamId, search, limit, offset],
    );
    return { rows, total };
  }

  /** Deletes one entry and queues its digest for GC review; false when there was none. */
  async delete(db: EntityManager, upstreamId: number, relativePath: string, reviewAfterSeconds: number): Promise<boolean> {
    const gone = await typedQuery<{ digest: string }>(
      db,
      `DELETE FROM container_upstream_cache_entries WHERE upstream_id = $1 AND relative_path = $2 RETURNING digest`,
      [upstreamId, relativePath],
    );
    await queueBlobReview(db, distinct(gone), reviewAfterSeconds, 'cache_entry_removed');
    return gone.length > 0;
  }

  /** Deletes every entry of these upstreams (purge, or before the upstreams themselves go); returns how many went. */
  async deleteAll(db: EntityManager, upstreamIds: number[], reviewAfterSeconds: number): Promise<number> {
    if (upstreamIds.length === 0) return 0;
    const gone = await typedQuery<{ digest: string }>(db, `DELETE FROM container_upstream_cache_entries WHERE upstream_id = ANY($1::bigint[]) RETURNING digest`, [
      upstreamIds,
    ]);
    await queueBlobReview(db, distinct(gone), reviewAfterSeconds, 'cache_entry_removed');
    return gone.length;
  }

  /** Deletes every entry of the groups' upstreams (the groups are being deleted); returns how many went. */
  async deleteForGroups(db: EntityManager, groupIds: number[], reviewAfterSeconds: number): Promise<number> {
    if (groupIds.length === 0) return 0;
    const gone = await typedQuery<{ digest: string }>(
      db,
      `DELETE FROM container_upstream_cache_entries WHERE upstream_id IN (SELECT id FROM container_upstreams WHERE group_id = ANY($1::bigint[])) RETURNING digest`,
      [groupIds],
    );
    await queueBlobReview(db, distinct(gone), reviewAfterSeconds, 'cache_entry_removed');
    return gone.length;
  }

  /** Deletes up to `limit` entries of an upstream not downloaded for `ttlDays`; returns how many went. */
  async expire(db: EntityManager, upstreamId: number, ttlDays: number, limit: number, reviewAfterSeconds: number): Promise<number> {
    const gone = await typedQuery<{ digest: string }>(
      db,
      `DELETE FROM container_upstream_cache_entries
        WHERE (upstream_id, relative_path) IN (
          SELECT upstream_id, relative_path FROM container_upstream_cache_entries
           WHERE upstream_id = $1 AND downloaded_at < now() - make_interval(days => $2)
           ORDER BY downloaded_at LIMIT $3 FOR UPDATE SKIP LOCKED)
        RETURNING digest`,
      [upstreamId, ttlDays, limit],
    );
    await queueBlobReview(db, distinct(gone), reviewAfterSeconds, 'cache_entry_expired');
    return gone.length;
  }

  /** Bytes the group's caches hold, each digest once (a layer cached through two upstreams is stored once). */
  async groupUsage(db: EntityManager, groupId: number): Promise<number> {
    const [row] = await typedQuery<{ bytes: number }>(
      db,
      `SELECT coalesce(sum(size), 0)::bigint AS bytes FROM (
         SELECT DISTINCT e.digest, e.size FROM container_upstream_cache_entries e
           JOIN container_upstreams u ON u.id = e.upstream_id WHERE u.group_id = $1) d`,
      [groupId],
    );
    return row.bytes;
  }
}

function distinct(rows: { digest: string }[]): string[] {
  return [...new Set(rows.map((row) => row.digest))];
}
