import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * An upload POST opens its session in one statement instead of a transaction of three round trips (#24).
 *
 * With a per-project session limit, creation is serialised per project by an advisory lock, and the count that
 * follows must see every session committed before the lock was granted. A single SQL statement cannot do that (its
 * snapshot is taken before it waits for the lock); a VOLATILE PL/pgSQL function can: in READ COMMITTED each of its
 * statements takes a fresh snapshot, so the count runs after the lock. The lock is released when the caller's
 * statement commits, after the row is visible. The function's statements are planned once per connection.
 *
 * The session is created leased to its creator for `lease_seconds`: the api parks that lease, so the first PATCH
 * skips the claim (UploadLeases). Returns the session's created_at, or NULL when the project is at its limit.
 * `lock_class` is the api's advisory lock class (UPLOAD_LIMIT_LOCK); `session_limit` NULL means no limit.
 *
 * The index makes the count read the project's sessions only, not every open session of the instance.
 */
export class OpenUploadSessionInOneStatement1763800070000 implements MigrationInterface {
  name = 'OpenUploadSessionInOneStatement1763800070000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`CREATE INDEX IF NOT EXISTS ix_uploads_on_project_id ON uploads (project_id)`);
    await db.query(`
      CREATE FUNCTION open_upload_session(session_id uuid, path text, owner_id bigint, session_limit integer, lock_class integer, lease_seconds integer)
      RETURNS timestamptz LANGUAGE plpgsql VOLATILE AS $$
      DECLARE
        opened timestamptz;
      BEGIN
        IF session_limit IS NOT NULL THEN
          PERFORM pg_advisory_xact_lock(lock_class, (owner_id % 2147483647)::integer);
          IF (SELECT count(*) FROM uploads WHERE project_id = owner_id) >= session_limit THEN
            RETURN NULL;
          END IF;
        END IF;
        INSERT INTO uploads (id, repository_path, project_id, lease_until)
        VALUES (session_id, path, owner_id, now() + make_interval(secs => lease_seconds))
        RETURNING created_at INTO opened;
        RETURN opened;
      END
      $$`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP FUNCTION IF EXISTS open_upload_session(uuid, text, bigint, integer, integer, integer)`);
    await db.query(`DROP INDEX IF EXISTS ix_uploads_on_project_id`);
  }
}
