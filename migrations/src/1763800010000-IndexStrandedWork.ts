import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Partial indexes for the worker's stranded-work check (every 5 minutes): pending webhook deliveries and
 * repositories being deleted, by how long they have been untouched. Both sets are normally near empty, so the
 * indexes stay small while the tables grow.
 */
export class IndexStrandedWork1763800010000 implements MigrationInterface {
  name = 'IndexStrandedWork1763800010000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`CREATE INDEX IF NOT EXISTS ix_webhook_deliveries_pending_on_updated_at ON webhook_deliveries (updated_at) WHERE status = 'pending'`);
    await db.query(
      `CREATE INDEX IF NOT EXISTS ix_repositories_deleting_on_updated_at ON repositories (updated_at) WHERE status IN ('delete_scheduled', 'delete_ongoing')`,
    );
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP INDEX IF EXISTS ix_repositories_deleting_on_updated_at`);
    await db.query(`DROP INDEX IF EXISTS ix_webhook_deliveries_pending_on_updated_at`);
  }
}
