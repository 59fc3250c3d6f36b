import { EntityManager } from 'typeorm';
import { execute, prepared, queryOne, typedQuery } from '@cargohold/db';

export interface UploadRow {
  id: string;
  repositoryPath: string;
  projectId: number;
  size: number;
  createdAt: Date;
}

const COLUMNS = `id, repository_path AS "repositoryPath", project_id AS "projectId", size, created_at AS "createdAt"`;

/**
 * A CTE that commits its statement without waiting for the WAL flush (synchronous_commit = off for that one
 * implicit transaction; the session keeps its setting). Used for the per-chunk bookkeeping of an upload
 * (lease, size): while a push streams, the disk is busy with its bytes and each flush waited about a
 * millisecond behind them, twice per PATCH (chunked pushes measured 9% faster without the waits).
 *
 * What a database crash can lose is the last ~200 ms of these commits, and that loses no pushed data: a lost
 * lease lapses anyway (the size check in `advance` still guards the writer); a lost size makes the client's
 * next chunk fail with RANGE_INVALID and the push start over, and `UploadService.finish` refuses to commit an upload
 * whose stored bytes disagree with the recorded size. The commit that publishes a blob stays synchronous
 * (and, the WAL being sequential, flushes these with it).
 */
const NO_FLUSH_WAIT = `no_flush_wait AS (SELECT set_config('synchronous_commit', 'off', true))`;

/** Every PATCH and PUT of a session that is not parked in this process claims it: prepared. */
const CLAIM = prepared(
  'upload_claim',
  `WITH ${NO_FLUSH_WAIT}, claimed AS (
     UPDATE uploads SET lease_until = now() + make_interval(secs => $3)
      WHERE id = $1 AND repository_path = $2 AND (lease_until IS NULL OR lease_until < now())
      RETURNING ${COLUMNS})
   SELECT claimed.* FROM claimed, no_flush_wait`,
);

/** A long chunk renews its lease; a parked lease nobody took is released (every POST's, when no PATCH follows here). */
const RENEW = prepared(
  'upload_lease_renew',
  `WITH ${NO_FLUSH_WAIT}, leased AS (UPDATE uploads SET lease_until = now() + make_interval(secs => $2) WHERE id = $1 AND lease_until IS NOT NULL RETURNING id)
   SELECT leased.id FROM leased, no_flush_wait`,
);
const RELEASE = prepared(
  'upload_lease_release',
  `WITH ${NO_FLUSH_WAIT}, leased AS (UPDATE uploads SET lease_until = NULL WHERE id = $1 RETURNING id)
   SELECT leased.id FROM leased, no_flush_wait`,
);

/** Every PATCH records the new size (and keeps its lease): prepared. */
const ADVANCE = prepared(
  'upload_advance',
  `WITH ${NO_FLUSH_WAIT}, moved AS (
     UPDATE uploads SET size = $3, updated_at = now(), lease_until = now() + make_interval(secs => $4)
      WHERE id = $1 AND size = $2 RETURNING id)
   SELECT moved.id FROM moved, no_flush_wait`,
);

/**
 * Every upload POST: the session opened in one statement (open_upload_session, migration 1763800070000: the limit
 * counted under a per-project advisory lock, the row created leased to its creator), committed without waiting for
 * its WAL flush as the chunk bookkeeping is (NO_FLUSH_WAIT says why that loses no pushed data).
 */
const OPEN = prepared(
  'upload_open',
  `SELECT set_config('synchronous_commit', 'off', true), open_upload_session($1::uuid, $2::text, $3::bigint, $4::integer, $5::integer, $6::integer) AS "createdAt"`,
);

/** The `uploads` table: upload sessions, shared by every api replica. */
export class UploadRepository {
  /**
   * Opens session `id`, leased to the caller for `leaseSeconds`, unless the project already holds `limit` open
   * sessions (null: no limit); the sessions of one project are counted one opening at a time (advisory lock
   * `lockClass`, the project). Returns the new session's row, or null when the limit refused it.
   */
  async open(
    db: EntityManager,
    session: { id: string; repositoryPath: string; projectId: number },
    limit: { sessions: number; lockClass: number } | null,
    leaseSeconds: number,
  ): Promise<UploadRow | null> {
    const row = await queryOne<{ createdAt: Date | null }>(db, OPEN, [session.id, session.repositoryPath, session.projectId, limit?.sessions ?? null, limit?.lockClass ?? null, leaseSeconds]);
    return row?.createdAt ? { ...session, size: 0, createdAt: row.createdAt } : null;
  }

  /** The upload `id` of `repositoryPath`; null when there is none (or it belongs to another repository). */
  async find(db: EntityManager, id: string, repositoryPath: string): Promise<UploadRow | null> {
    return queryOne<UploadRow>(db, `SELECT ${COLUMNS} FROM uploads WHERE id = $1 AND repository_path = $2`, [id, repositoryPath]);
  }

  /**
   * Takes the write lease of the upload `id` of `repositoryPath` when no live writer holds it, and returns the
   * row as it stands under the lease: finding and claiming in one round trip (a chunk whose lease is parked
   * in its process skips even that).
   * Null when the upload is unknown, belongs to another repository, or is leased by another request.
   */
  async claim(db: EntityManager, id: string, repositoryPath: string, leaseSeconds: number): Promise<UploadRow | null> {
    return queryOne<UploadRow>(db, CLAIM, [id, repositoryPath, leaseSeconds]);
  }

  /**
   * Extends a held lease while a long chunk is still streaming. Never takes a free one: a renewal that arrives
   * late (sent before the chunk ended, delivered after the lease was released) must not lock the upload for
   * nobody.
   */
  async renew(db: EntityManager, id: string, leaseSeconds: number): Promise<void> {
    await execute(db, RENEW, [id, leaseSeconds]);
  }

  async release(db: EntityManager, id: string): Promise<void> {
    await execute(db, RELEASE, [id]);
  }

  /**
   * Moves the recorded size forward only from the size the writer started at (optimistic concurrency), and
   * extends the writer's lease by `leaseSeconds` in the same statement: the writer keeps it (parked) for its next
   * chunk or its commit. False when the size had moved, which a held lease rules out unless it lapsed.
   */
  async advance(db: EntityManager, id: string, from: number, to: number, leaseSeconds: number): Promise<boolean> {
    const rows = await typedQuery<{ id: string }>(db, ADVANCE, [id, from, to, leaseSeconds]);
    return rows.length > 0;
  }

  async delete(db: EntityManager, id: string): Promise<void> {
    await execute(db, `DELETE FROM uploads WHERE id = $1`, [id]);
  }

  async listStale(db: EntityManager, olderThanSeconds: number, limit: number): Promise<string[]> {
    const rows = await typedQuery<{ id: string }>(
      db,
      `SELECT id FROM uploads WHERE updated_at < now() - make_interval(secs => $1) ORDER BY updated_at LIMIT $2`,
      [olderThanSeconds, limit],
    );
    return rows.map((row) => row.id);
  }
}
