import { EntityManager } from 'typeorm';
import { execute, queryOne, typedQuery } from '@cargohold/db';
import { likePattern, PageRequest, Paged, pagedQuery } from './paging';

export interface UserRecord {
  id: number;
  username: string;
  email: string | null;
  name: string;
  isAdmin: boolean;
  state: 'active' | 'blocked';
  bot: boolean;
  createdAt: Date;
}

export interface NewUser {
  username: string;
  email: string | null;
  name: string;
  passwordHash: string | null;
  isAdmin: boolean;
  bot: boolean;
}

export interface UserFilter {
  username?: string;
  search?: string;
  state?: 'active' | 'blocked';
  /** Bots are left out of user lists unless asked for, as in GitLab. */
  includeBots?: boolean;
}

const COLUMNS = `u.id, u.username, u.email, u.name, u.is_admin AS "isAdmin", u.state, u.bot, u.created_at AS "createdAt"`;

/** The `users` table. */
export class UserRepository {
  async insert(db: EntityManager, user: NewUser): Promise<UserRecord> {
    const [created] = await typedQuery<UserRecord>(
      db,
      `INSERT INTO users AS u (username, email, name, password_hash, is_admin, bot) VALUES ($1, $2, $3, $4, $5, $6) RETURNING ${COLUMNS}`,
      [user.username, user.email, user.name, user.passwordHash, user.isAdmin, user.bot],
    );
    return created;
  }

  async findById(db: EntityManager, id: number): Promise<UserRecord | null> {
    return queryOne<UserRecord>(db, `SELECT ${COLUMNS} FROM users u WHERE u.id = $1`, [id]);
  }

  async findByUsername(db: EntityManager, username: string): Promise<UserRecord | null> {
    return queryOne<UserRecord>(db, `SELECT ${COLUMNS} FROM users u WHERE lower(u.username) = lower($1)`, [username]);
  }

  async findByIds(db: EntityManager, ids: number[]): Promise<UserRecord[]> {
    if (ids.length === 0) return [];
    return typedQuery<UserRecord>(db, `SELECT ${COLUMNS} FROM users u WHERE u.id = ANY($1)`, [ids]);
  }

  /** The user and the password hash, for a password login. */
  async findLogin(db: EntityManager, username: string): Promise<(UserRecord & { passwordHash: string | null }) | null> {
    return queryOne<UserRecord & { passwordHash: string | null }>(
      db,
      `SELECT ${COLUMNS}, u.password_hash AS "passwordHash" FROM users u WHERE lower(u.username) = lower($1)`,
      [username],
    );
  }

  async setPasswordHash(db: EntityManager, id: number, passwordHash: string): Promise<void> {
    await execute(db, `UPDATE users SET password_hash = $2 WHERE id = $1`, [id, passwordHash]);
  }

  /** Signs the user out of every browser: deletes their web sessions (apps/api's web_sessions rows); returns how many. */
  async endWebSessions(db: EntityManager, id: number): Promise<number> {
    // typedQuery unwraps TypeORM's [rows, rowCount] answer to a DELETE (counting that pair always said 2).
    const rows = await typedQuery<{ id: number }>(db, `DELETE FROM web_sessions WHERE user_id = $1 RETURNING id`, [id]);
    return rows.length;
  }

  async emailTaken(db: EntityManager, email: string): Promise<boolean> {
    return (await queryOne(db, `SELECT 1 FROM users WHERE lower(email) = lower($1) LIMIT 1`, [email])) !== null;
  }

  async any(db: EntityManager): Promise<boolean> {
    return (await queryOne(db, `SELECT 1 FROM users LIMIT 1`)) !== null;
  }

  /** Sets the given columns; undefined ones are left alone. */
  async update(
    db: EntityManager,
    id: number,
    changes: { name?: string; email?: string; username?: string; isAdmin?: boolean; passwordHash?: string },
  ): Promise<void> {
    const columns: [string, unknown][] = [
      ['name', changes.name],
      ['email', changes.email],
      ['username', changes.username],
      ['is_admin', changes.isAdmin],
      ['password_hash', changes.passwordHash],
    ];
    const set = columns.filter(([, value]) => value !== undefined);
    if (set.length === 0) return;
    await execute(db, `UPDATE users SET ${set.map(([column], i) => `${column} = $${i + 2}`).join(', ')} WHERE id = $1`, [id, ...set.map(([, value]) => value)]);
  }

  async setState(db: EntityManager, id: number, state: 'active' | 'blocked'): Promise<void> {
    await execute(db, `UPDATE users SET state = $2 WHERE id = $1`, [id, state]);
  }

  async list(db: EntityManager, filter: UserFilter, page: PageRequest): Promise<Paged<UserRecord>> {
    const where: string[] = [];
    const params: unknown[] = [];
    if (!filter.includeBots) where.push('NOT u.bot');
    if (filter.username !== undefined) {
      params.push(filter.username);
      where.push(`lower(u.username) = lower($${params.length})`);
    }
    if (filter.search !== undefined) {
      params.push(likePattern(filter.search));
      where.push(`(u.username ILIKE $${params.length} OR u.name ILIKE $${params.length} OR u.email ILIKE $${params.length})`);
    }
    if (filter.state !== undefined) {
      params.push(filter.state);
      where.push(`u.state = $${params.length}`);
    }
    const sql = `SELECT ${COLUMNS} FROM users u${where.length ? ` WHERE ${where.join(' AND ')}` : ''}`;
    return pagedQuery(db, sql, params, '"id" ASC', page, (row: UserRecord) => row);
  }
}
