import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Tags deleted through /v2/, the REST API, bulk deletes and cleanup policies, kept while their manifest is still
 * within the GC review window (GC_REVIEW_DELAY) so that they can be restored; the worker prunes older rows.
 *
 * The manifest is named by digest, not by a foreign key: a manifest deleted by digest (or collected by GC) must
 * leave the row behind, so a restore can answer that the manifest is gone (410) rather than that no such tag was
 * deleted (404), and a manifest pushed again under the same digest can be restored to.
 */
export class CreateDeletedTags1763800047000 implements MigrationInterface {
  name = 'CreateDeletedTags1763800047000';

  async up(db: QueryRunner): Promise<void> {
    // A cleanup run records every tag it deletes, so each index here is paid once per deleted tag: three in all. The
    // primary key serves the listing (a repository's deletions, newest first) and the prune (a range per repository).
    await db.query(`
      CREATE TABLE IF NOT EXISTS deleted_tags (
        id bigserial NOT NULL,
        repository_id bigint NOT NULL CONSTRAINT fk_deleted_tags_repository_id_repositories REFERENCES repositories (id) ON DELETE CASCADE,
        name text COLLATE "C" NOT NULL,
        digest text NOT NULL,
        how text NOT NULL CONSTRAINT ck_deleted_tags_how CHECK (how IN ('registry', 'api', 'bulk_delete', 'cleanup')),
        deleted_by_kind text,
        deleted_by_id bigint,
        deleted_by_name text,
        deleted_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT pk_deleted_tags PRIMARY KEY (repository_id, deleted_at, id)
      )`);
    // The restore: the deletions of one name.
    await db.query(`CREATE INDEX IF NOT EXISTS ix_deleted_tags_on_repository_id_and_name ON deleted_tags (repository_id, name)`);
    // GC's recheck of a manifest: is a restorable tag still naming it?
    await db.query(`CREATE INDEX IF NOT EXISTS ix_deleted_tags_on_repository_id_and_digest ON deleted_tags (repository_id, digest, deleted_at)`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TABLE IF EXISTS deleted_tags`);
  }
}
