import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Pull statistics (issue 21): when a tag and a manifest were last pulled (manifest GET, not HEAD) and how many
 * times. The api counts pulls in memory and adds them in batches (libs/registry/src/pulls), so these columns move
 * at most once per flush interval per row. A tag's figures count GETs by its name and GETs by the digest it
 * named at the time; a manifest's count every GET that served it.
 *
 * The index serves `order_by=last_pulled_at` on the REST tag list (forward: least recently pulled first with the
 * never-pulled ones ahead; backward: most recently pulled first, never-pulled last) and finds a repository's most
 * recently pulled tags for retention. `name` last makes the order total, so offset pages are stable.
 * ADD COLUMN with a constant default rewrites nothing (PostgreSQL 11+); the index build locks tag writes for its
 * duration (seconds for millions of rows), as every index of this project is built.
 */
export class AddPullStatistics1763800040000 implements MigrationInterface {
  name = 'AddPullStatistics1763800040000';

  async up(db: QueryRunner): Promise<void> {
    for (const table of ['tags', 'manifests']) {
      await db.query(`ALTER TABLE ${table} ADD COLUMN IF NOT EXISTS last_pulled_at timestamptz`);
      await db.query(`ALTER TABLE ${table} ADD COLUMN IF NOT EXISTS pull_count bigint NOT NULL DEFAULT 0`);
    }
    await db.query(
      `CREATE INDEX IF NOT EXISTS ix_tags_on_repository_id_and_last_pulled_at_and_name ON tags (repository_id, last_pulled_at NULLS FIRST, name)`,
    );
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP INDEX IF EXISTS ix_tags_on_repository_id_and_last_pulled_at_and_name`);
    for (const table of ['tags', 'manifests']) {
      await db.query(`ALTER TABLE ${table} DROP COLUMN IF EXISTS pull_count`);
      await db.query(`ALTER TABLE ${table} DROP COLUMN IF EXISTS last_pulled_at`);
    }
  }
}
