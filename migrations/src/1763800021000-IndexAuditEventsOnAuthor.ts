import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * `GET /events` lists the caller's own events newest first: the audit trail by author, in time order. The other
 * readers (by entity, by time) have their indexes already.
 */
export class IndexAuditEventsOnAuthor1763800021000 implements MigrationInterface {
  name = 'IndexAuditEventsOnAuthor1763800021000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(
      `CREATE INDEX IF NOT EXISTS ix_audit_events_on_author_id_and_created_at ON audit_events (author_id, created_at DESC, id DESC) WHERE author_id IS NOT NULL`,
    );
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP INDEX IF EXISTS ix_audit_events_on_author_id_and_created_at`);
  }
}
