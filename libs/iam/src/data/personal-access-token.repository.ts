import { EntityManager } from 'typeorm';
import { execute, prepared, queryOne, typedQuery } from '@cargohold/db';
import { likePattern, PageRequest, Paged, pagedQuery } from './paging';

export interface PersonalAccessTokenRecord {
  id: number;
  userId: number;
  name: string;
  description: string | null;
  scopes: string[];
  /** YYYY-MM-DD or null (never expires). */
  expiresAt: string | null;
  revoked: boolean;
  /** Not revoked and not expired (a token stops working on its expiry date). */
  active: boolean;
  lastUsedAt: Date | null;
  createdAt: Date;
}

/** A token found by its secret's digest, with what authentication needs to know about its user. */
export interface TokenOwnerRecord extends PersonalAccessTokenRecord {
  tokenDigest: Buffer;
  username: string;
  isAdmin: boolean;
  userState: 'active' | 'blocked';
  bot: boolean;
}

export interface NewPersonalAccessToken {
  userId: number;
  name: string;
  description: string | null;
  digest: Buffer;
  scopes: string[];
  expiresAt: string | null;
}

export interface TokenFilter {
  userId?: number;
  state?: 'active' | 'inactive';
  revoked?: boolean;
  search?: string;
}

const COLUMNS = `t.id, t.user_id AS "userId", t.name, t.description, t.scopes, t.expires_at::text AS "expiresAt", t.revoked,
  (NOT t.revoked AND (t.expires_at IS NULL OR t.expires_at > current_date)) AS active,
  t.last_used_at AS "lastUsedAt", t.created_at AS "createdAt"`;

/** Bot users that are members of the given source: the owners of its project or group access tokens. */
const RESOURCE_BOTS = `SELECT m.user_id FROM members m JOIN users b ON b.id = m.user_id AND b.bot WHERE m.source_type = $1 AND m.source_id = $2`;

/** Every request authenticated by an access token (REST, and each registry token) looks it up: prepared. */
const FIND_BY_DIGEST = prepared(
  'personal_access_token_by_digest',
  `SELECT ${COLUMNS}, t.token_digest AS "tokenDigest", u.username, u.is_admin AS "isAdmin", u.state AS "userState", u.bot
     FROM personal_access_tokens t JOIN users u ON u.id = t.user_id WHERE t.token_digest = $1`,
);

/** The `personal_access_tokens` table; project and group access tokens are rows owned by their bot user. */
export class PersonalAccessTokenRepository {
  async insert(db: EntityManager, token: NewPersonalAccessToken): Promise<PersonalAccessTokenRecord> {
    const [created] = await typedQuery<PersonalAccessTokenRecord>(
      db,
      `INSERT INTO personal_access_tokens AS t (user_id, name, description, token_digest, scopes, expires_at)
       VALUES ($1, $2, $3, $4, $5, $6) RETURNING ${COLUMNS}`,
      [token.userId, token.name, token.description, token.digest, token.scopes, token.expiresAt],
    );
    return created;
  }

  async findById(db: EntityManager, id: number): Promise<PersonalAccessTokenRecord | null> {
    return queryOne<PersonalAccessTokenRecord>(db, `SELECT ${COLUMNS} FROM personal_access_tokens t WHERE t.id = $1`, [id]);
  }

  async findByDigest(db: EntityManager, digest: Buffer): Promise<TokenOwnerRecord | null> {
    return queryOne<TokenOwnerRecord>(db, FIND_BY_DIGEST, [digest]);
  }

  async list(db: EntityManager, filter: TokenFilter, page: PageRequest): Promise<Paged<PersonalAccessTokenRecord>> {
    const where: string[] = [];
    const params: unknown[] = [];
    if (filter.userId !== undefined) {
      params.push(filter.userId);
      where.push(`t.user_id = $${params.length}`);
    }
    if (filter.state === 'active') where.push(`NOT t.revoked AND (t.expires_at IS NULL OR t.expires_at > current_date)`);
    if (filter.state === 'inactive') where.push(`(t.revoked OR t.expires_at <= current_date)`);
    if (filter.revoked !== undefined) {
      params.push(filter.revoked);
      where.push(`t.revoked = $${params.length}`);
    }
    if (filter.search !== undefined) {
      params.push(likePattern(filter.search));
      where.push(`t.name ILIKE $${params.length}`);
    }
    const sql = `SELECT ${COLUMNS} FROM personal_access_tokens t${where.length ? ` WHERE ${where.join(' AND ')}` : ''}`;
    return pagedQuery(db, sql, params, '"id" ASC', page, (row: PersonalAccessTokenRecord) => row);
  }

  /** Project or group access tokens: tokens of the bot users that are members of the source, with the bot's level. */
  async listForResource(
    db: EntityManager,
    sourceType: 'project' | 'namespace',
    sourceId: number,
    page: PageRequest,
  ): Promise<Paged<PersonalAccessTokenRecord & { accessLevel: number }>> {
    const sql = `SELECT ${COLUMNS}, m.access_level AS "accessLevel" FROM personal_access_tokens t
      JOIN members m ON m.user_id = t.user_id AND m.source_type = $1 AND m.source_id = $2
      WHERE t.user_id IN (${RESOURCE_BOTS})`;
    return pagedQuery(db, sql, [sourceType, sourceId], '"id" ASC', page, (row: PersonalAccessTokenRecord & { accessLevel: number }) => row);
  }

  async findForResource(
    db: EntityManager,
    sourceType: 'project' | 'namespace',
    sourceId: number,
    tokenId: number,
  ): Promise<(PersonalAccessTokenRecord & { accessLevel: number }) | null> {
    return queryOne<PersonalAccessTokenRecord & { accessLevel: number }>(
      db,
      `SELECT ${COLUMNS}, m.access_level AS "accessLevel" FROM personal_access_tokens t
        JOIN members m ON m.user_id = t.user_id AND m.source_type = $1 AND m.source_id = $2
       WHERE t.user_id IN (${RESOURCE_BOTS}) AND t.id = $3`,
      [sourceType, sourceId, tokenId],
    );
  }

  async revoke(db: EntityManager, id: number): Promise<boolean> {
    const changed = await queryOne<{ id: number }>(
      db,
      `WITH changed AS (UPDATE personal_access_tokens SET revoked = true WHERE id = $1 AND NOT revoked RETURNING id) SELECT id FROM changed`,
      [id],
    );
    return changed !== null;
  }

  /** Records use, at most once a minute per token, so authentication does not write on every request. */
  async touch(db: EntityManager, id: number): Promise<void> {
    await execute(
      db,
      `UPDATE personal_access_tokens SET last_used_at = now() WHERE id = $1 AND (last_used_at IS NULL OR last_used_at < now() - interval '1 minute')`,
      [id],
    );
  }
}
