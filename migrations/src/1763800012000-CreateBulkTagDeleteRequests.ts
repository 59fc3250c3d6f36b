import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Bulk tag deletes asked for through the REST API, recorded in PostgreSQL before their job is queued: a request
 * accepted while Redis is down (or whose job Redis lost) is queued by the worker's stranded-work requeuer, as
 * webhook deliveries and repository deletes are. The worker removes the row when the delete is done. Also an
 * index for the same requeuer's look at cleanup runs waiting for their job.
 */
export class CreateBulkTagDeleteRequests1763800012000 implements MigrationInterface {
  name = 'CreateBulkTagDeleteRequests1763800012000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE IF NOT EXISTS bulk_tag_delete_requests (
        id bigserial CONSTRAINT pk_bulk_tag_delete_requests PRIMARY KEY,
        repository_id bigint NOT NULL
          CONSTRAINT fk_bulk_tag_delete_requests_repository_id_repositories REFERENCES repositories (id) ON DELETE CASCADE,
        params jsonb NOT NULL,
        requested_by bigint,
        requested_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await db.query(`CREATE INDEX IF NOT EXISTS ix_bulk_tag_delete_requests_on_updated_at ON bulk_tag_delete_requests (updated_at)`);
    await db.query(`CREATE INDEX IF NOT EXISTS ix_bulk_tag_delete_requests_on_repository_id ON bulk_tag_delete_requests (repository_id)`);
    // The same check looks for cleanup runs waiting for a job (normally none), as for the rows above.
    await db.query(
      `CREATE INDEX IF NOT EXISTS ix_cleanup_policy_runs_waiting_on_id ON cleanup_policy_runs (id) WHERE status IN ('scheduled', 'unfinished')`,
    );
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP INDEX IF EXISTS ix_cleanup_policy_runs_waiting_on_id`);
    await db.query(`DROP TABLE IF EXISTS bulk_tag_delete_requests`);
  }
}
