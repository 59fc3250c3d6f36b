import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A write lease on an upload session: the api that streams a chunk (or commits the upload) holds it, so two
 * replicas can never write the same upload at once and the digest checked is always of the bytes stored.
 * A lease left by a crashed process simply expires.
 */
export class AddUploadWriteLease1763800009000 implements MigrationInterface {
  name = 'AddUploadWriteLease1763800009000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE uploads ADD COLUMN IF NOT EXISTS lease_until timestamptz`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE uploads DROP COLUMN IF EXISTS lease_until`);
  }
}
