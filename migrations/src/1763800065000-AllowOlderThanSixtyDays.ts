import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * GitLab's cleanup policies accept `older_than: 60d` (added in GitLab 14.4); ours refused it although the web form
 * offered it. The check constraint gains the value; keep_pulled_within keeps its four windows.
 */
export class AllowOlderThanSixtyDays1763800065000 implements MigrationInterface {
  name = 'AllowOlderThanSixtyDays1763800065000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE cleanup_policies DROP CONSTRAINT IF EXISTS ck_cleanup_policies_older_than`);
    await db.query(
      `ALTER TABLE cleanup_policies ADD CONSTRAINT ck_cleanup_policies_older_than CHECK (older_than IN ('7d', '14d', '30d', '60d', '90d'))`,
    );
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`UPDATE cleanup_policies SET older_than = '90d' WHERE older_than = '60d'`);
    await db.query(`ALTER TABLE cleanup_policies DROP CONSTRAINT IF EXISTS ck_cleanup_policies_older_than`);
    await db.query(`ALTER TABLE cleanup_policies ADD CONSTRAINT ck_cleanup_policies_older_than CHECK (older_than IN ('7d', '14d', '30d', '90d'))`);
  }
}
