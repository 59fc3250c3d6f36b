import { EntityManager } from 'typeorm';
import { execute, queryOne } from '@cargohold/db';

/** What a live session resolves to: the user, and the scopes of the token it was opened with (null: a password). */
export interface LiveSessionRecord {
  userId: number;
  username: string;
  isAdmin: boolean;
  scopes: string[] | null;
  personalAccessTokenId: number | null;
}

export interface NewWebSession {
  idDigest: Buffer;
  userId: number;
  personalAccessTokenId: number | null;
  scopes: string[] | null;
  expiresAt: Date;
}

/** The `web_sessions` table. */
export class WebSessionRepository {
  async insert(db: EntityManager, session: NewWebSession): Promise<void> {
    await execute(
      db,
      `INSERT INTO web_sessions (id_digest, user_id, personal_access_token_id, scopes, expires_at) VALUES ($1, $2, $3, $4, $5)`,
      [session.idDigest, session.userId, session.personalAccessTokenId, session.scopes, session.expiresAt],
    );
  }

  /**
   * The session, only while it is unexpired, its user active, and the token it was opened with (if any) still
   * neither revoked nor expired: revoking the token or blocking the user ends the session at the next request.
   */
  async findLive(db: EntityManager, idDigest: Buffer): Promise<LiveSessionRecord | null> {
    return queryOne<LiveSessionRecord>(
      db,
      `SELECT s.user_id AS "userId", u.username, u.is_admin AS "isAdmin", s.scopes, s.personal_access_token_id AS "personalAccessTokenId"
         FROM web_sessions s
         JOIN users u ON u.id = s.user_id AND u.state = 'active'
         LEFT JOIN personal_access_tokens t ON t.id = s.personal_access_token_id
        WHERE s.id_digest = $1 AND s.expires_at > now()
          AND (s.personal_access_token_id IS NULL OR (NOT t.revoked AND (t.expires_at IS NULL OR t.expires_at > current_date)))`,
      [idDigest],
    );
  }

  async delete(db: EntityManager, idDigest: Buffer): Promise<void> {
    await execute(db, `DELETE FROM web_sessions WHERE id_digest = $1`, [idDigest]);
  }

  async deleteExpired(db: EntityManager): Promise<void> {
    await execute(db, `DELETE FROM web_sessions WHERE expires_at <= now()`);
  }
}
