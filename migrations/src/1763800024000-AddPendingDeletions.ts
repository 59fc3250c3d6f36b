import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * `DELETE /groups/:id` and `DELETE /users/:id` are asynchronous, as in GitLab: the request marks the group tree
 * (or the user and their personal namespace) in one transaction, the worker then deletes every registry
 * repository through the repository-delete path and finally the rows. The mark is the durable record of the
 * work (the stranded-work requeuer finds it when the job was lost) and what denies pushes meanwhile.
 * `delete_requested_by`: the user who asked, for the audit rows the worker writes.
 */
export class AddPendingDeletions1763800024000 implements MigrationInterface {
  name = 'AddPendingDeletions1763800024000';

  async up(db: QueryRunner): Promise<void> {
    for (const table of ['namespaces', 'projects', 'users']) {
      await db.query(`ALTER TABLE ${table} ADD COLUMN IF NOT EXISTS delete_requested_at timestamptz`);
      await db.query(`ALTER TABLE ${table} ADD COLUMN IF NOT EXISTS delete_requested_by bigint`);
      await db.query(
        `CREATE INDEX IF NOT EXISTS ix_${table}_on_delete_requested_at ON ${table} (delete_requested_at) WHERE delete_requested_at IS NOT NULL`,
      );
    }
  }

  async down(db: QueryRunner): Promise<void> {
    for (const table of ['namespaces', 'projects', 'users']) {
      await db.query(`DROP INDEX IF EXISTS ix_${table}_on_delete_requested_at`);
      await db.query(`ALTER TABLE ${table} DROP COLUMN IF EXISTS delete_requested_by`);
      await db.query(`ALTER TABLE ${table} DROP COLUMN IF EXISTS delete_requested_at`);
    }
  }
}
