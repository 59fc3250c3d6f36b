import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The REST tag list at millions of tags (issue 24, the web UI at scale): `order_by=created_at` walks
 * ix_tags_on_repository_id_and_created_at_and_name (either direction; `name` last makes the order total, so offset
 * pages are stable) instead of sorting the repository, and the `name=` substring filter (ILIKE '%text%') reads
 * the trigram index ix_tags_on_name_trgm instead of every tag of the repository (at 1 000 000 tags a rare
 * substring took 0.9 s, 7 ms with it). pg_trgm ships with PostgreSQL (contrib) and is a trusted extension: the
 * database's owner may create it. The GIN index uses fastupdate (the default), so a tag insert appends to its
 * pending list rather than updating the trigram tree.
 */
export class IndexTagsForListing1763800060000 implements MigrationInterface {
  name = 'IndexTagsForListing1763800060000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`CREATE EXTENSION IF NOT EXISTS pg_trgm`);
    await db.query(`CREATE INDEX IF NOT EXISTS ix_tags_on_repository_id_and_created_at_and_name ON tags (repository_id, created_at, name)`);
    await db.query(`CREATE INDEX IF NOT EXISTS ix_tags_on_name_trgm ON tags USING gin (name gin_trgm_ops)`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP INDEX IF EXISTS ix_tags_on_name_trgm`);
    await db.query(`DROP INDEX IF EXISTS ix_tags_on_repository_id_and_created_at_and_name`);
  }
}
