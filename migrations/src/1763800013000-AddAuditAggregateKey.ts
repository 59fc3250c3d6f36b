import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Failed logins are audited as one row per (address, name tried, minute) that counts them, not one row per attempt
 * (AuditLog.recordLogin). `aggregate_key` names that window; the unique partial index lets every replica add to
 * the same row with one upsert. Ordinary events leave it null, so the index holds only aggregated rows.
 */
export class AddAuditAggregateKey1763800013000 implements MigrationInterface {
  name = 'AddAuditAggregateKey1763800013000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE audit_events ADD COLUMN IF NOT EXISTS aggregate_key text`);
    await db.query(`CREATE UNIQUE INDEX IF NOT EXISTS ux_audit_events_on_aggregate_key ON audit_events (aggregate_key) WHERE aggregate_key IS NOT NULL`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP INDEX IF EXISTS ux_audit_events_on_aggregate_key`);
    await db.query(`ALTER TABLE audit_events DROP COLUMN IF EXISTS aggregate_key`);
  }
}
