import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Browser sessions of the web UI. Only a SHA-256 digest of the session id (the HttpOnly cookie's value) is
 * stored. A session opened with a personal access token keeps that token's id and scopes, and ends with it.
 */
export class CreateWebSessions1763800006000 implements MigrationInterface {
  name = 'CreateWebSessions1763800006000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE IF NOT EXISTS web_sessions (
        id bigserial CONSTRAINT pk_web_sessions PRIMARY KEY,
        id_digest bytea NOT NULL,
        user_id bigint NOT NULL CONSTRAINT fk_web_sessions_user_id_users REFERENCES users (id) ON DELETE CASCADE,
        personal_access_token_id bigint
          CONSTRAINT fk_web_sessions_personal_access_token_id_personal_access_tokens REFERENCES personal_access_tokens (id) ON DELETE CASCADE,
        scopes text[],
        created_at timestamptz NOT NULL DEFAULT now(),
        expires_at timestamptz NOT NULL
      )`);
    await db.query(`CREATE UNIQUE INDEX IF NOT EXISTS ix_web_sessions_on_id_digest ON web_sessions (id_digest)`);
    await db.query(`CREATE INDEX IF NOT EXISTS ix_web_sessions_on_user_id ON web_sessions (user_id)`);
    await db.query(`CREATE INDEX IF NOT EXISTS ix_web_sessions_on_expires_at ON web_sessions (expires_at)`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TABLE IF EXISTS web_sessions`);
  }
}
