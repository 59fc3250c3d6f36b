import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The referrers API pages a subject's referrers in digest order (`ORDER BY digest COLLATE "C"`, cursor
 * `digest COLLATE "C" > $last`, LIMIT; ManifestRepository.findReferrers). With only (repository_id, subject_digest)
 * indexed, every page read and sorted all referrers of the subject; with digest as the third key, in the "C"
 * collation the query names (the database default may be another), a page is one index range scan that stops at
 * the limit. The old two-column index is a prefix of the new one and goes (GC's subject lookup uses the new one).
 *
 * Not CONCURRENTLY: migrations run in a transaction, as every index of this project is created. The build locks
 * writes to manifests for its duration (seconds for millions of rows).
 */
export class IndexReferrersByDigest1763800011000 implements MigrationInterface {
  name = 'IndexReferrersByDigest1763800011000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(
      `CREATE INDEX IF NOT EXISTS ix_manifests_on_repository_id_and_subject_digest_and_digest
         ON manifests (repository_id, subject_digest, digest COLLATE "C") WHERE subject_digest IS NOT NULL`,
    );
    await db.query(`DROP INDEX IF EXISTS ix_manifests_on_repository_id_and_subject_digest`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(
      `CREATE INDEX IF NOT EXISTS ix_manifests_on_repository_id_and_subject_digest ON manifests (repository_id, subject_digest) WHERE subject_digest IS NOT NULL`,
    );
    await db.query(`DROP INDEX IF EXISTS ix_manifests_on_repository_id_and_subject_digest_and_digest`);
  }
}
