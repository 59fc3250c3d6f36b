import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * GC takes due reviews in (review_after, key) order. A tag cleanup or bulk delete queues thousands of reviews with the
 * same review_after (one statement, one now()), and an index on review_after alone then made every batch sort all of
 * them to find the first few hundred. The composite indexes give the order directly and replace the old ones.
 */
export class AddGcReviewIndexes1763800066100 implements MigrationInterface {
  name = 'AddGcReviewIndexes1763800066100';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`CREATE INDEX ix_gc_manifest_review_queue_on_review_after_and_manifest_id ON gc_manifest_review_queue (review_after, manifest_id)`);
    await db.query(`DROP INDEX IF EXISTS ix_gc_manifest_review_queue_on_review_after`);
    await db.query(`CREATE INDEX ix_gc_blob_review_queue_on_review_after_and_blob_digest ON gc_blob_review_queue (review_after, blob_digest)`);
    await db.query(`DROP INDEX IF EXISTS ix_gc_blob_review_queue_on_review_after`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`CREATE INDEX ix_gc_blob_review_queue_on_review_after ON gc_blob_review_queue (review_after)`);
    await db.query(`DROP INDEX IF EXISTS ix_gc_blob_review_queue_on_review_after_and_blob_digest`);
    await db.query(`CREATE INDEX ix_gc_manifest_review_queue_on_review_after ON gc_manifest_review_queue (review_after)`);
    await db.query(`DROP INDEX IF EXISTS ix_gc_manifest_review_queue_on_review_after_and_manifest_id`);
  }
}
