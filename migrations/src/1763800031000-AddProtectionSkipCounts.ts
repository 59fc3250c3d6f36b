import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Protection rules in the asynchronous deletes (issue #19): a cleanup run counts the protected and the immutable
 * tags it kept, and a bulk delete request remembers its requester's protection level (40 Maintainer, 50 Owner,
 * 60 administrator), so the worker keeps exactly the tags the requester may not delete. A request recorded before
 * this migration has none: the worker then keeps every tag a rule protects from deletion.
 */
export class AddProtectionSkipCounts1763800031000 implements MigrationInterface {
  name = 'AddProtectionSkipCounts1763800031000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      ALTER TABLE cleanup_policy_runs
        ADD COLUMN IF NOT EXISTS protected_tags_skipped integer NOT NULL DEFAULT 0,
        ADD COLUMN IF NOT EXISTS immutable_tags_skipped integer NOT NULL DEFAULT 0`);
    await db.query(`ALTER TABLE bulk_tag_delete_requests ADD COLUMN IF NOT EXISTS requester_access_level smallint`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE bulk_tag_delete_requests DROP COLUMN IF EXISTS requester_access_level`);
    await db.query(`ALTER TABLE cleanup_policy_runs DROP COLUMN IF EXISTS protected_tags_skipped, DROP COLUMN IF EXISTS immutable_tags_skipped`);
  }
}
