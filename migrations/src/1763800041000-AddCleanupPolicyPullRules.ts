import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Retention by use (issue 21): a cleanup policy may also keep the N tags pulled most recently (1 to 100, as Harbor's
 * "most recently pulled" takes any count; GitLab's keep_n choices are among them) and every tag pulled within a
 * window (older_than's choices). The API checks both first and answers with the allowed values.
 */
export class AddCleanupPolicyPullRules1763800041000 implements MigrationInterface {
  name = 'AddCleanupPolicyPullRules1763800041000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE cleanup_policies ADD COLUMN IF NOT EXISTS keep_n_recently_pulled integer`);
    await db.query(`ALTER TABLE cleanup_policies ADD COLUMN IF NOT EXISTS keep_pulled_within text`);
    await db.query(`ALTER TABLE cleanup_policies DROP CONSTRAINT IF EXISTS ck_cleanup_policies_keep_n_recently_pulled`);
    await db.query(
      `ALTER TABLE cleanup_policies ADD CONSTRAINT ck_cleanup_policies_keep_n_recently_pulled CHECK (keep_n_recently_pulled BETWEEN 1 AND 100)`,
    );
    await db.query(`ALTER TABLE cleanup_policies DROP CONSTRAINT IF EXISTS ck_cleanup_policies_keep_pulled_within`);
    await db.query(
      `ALTER TABLE cleanup_policies ADD CONSTRAINT ck_cleanup_policies_keep_pulled_within CHECK (keep_pulled_within IN ('7d', '14d', '30d', '90d'))`,
    );
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE cleanup_policies DROP COLUMN IF EXISTS keep_pulled_within`);
    await db.query(`ALTER TABLE cleanup_policies DROP COLUMN IF EXISTS keep_n_recently_pulled`);
  }
}
