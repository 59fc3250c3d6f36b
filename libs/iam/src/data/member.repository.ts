import { EntityManager } from 'typeorm';
import { queryOne, typedQuery } from '@cargohold/db';
import { activeMembership, ancestorsCte, PageRequest, Paged, pagedQuery } from './paging';

/** A membership's source: a project, or a namespace (GitLab's groups; stored as source_type 'namespace'). */
export type MemberSource = { type: 'project'; id: number; namespaceId: number } | { type: 'group'; id: number };

export interface MemberRecord {
  id: number;
  sourceType: 'namespace' | 'project';
  sourceId: number;
  userId: number;
  accessLevel: number;
  /** YYYY-MM-DD or null. */
  expiresAt: string | null;
  createdById: number | null;
  createdAt: Date;
  user: MemberUser;
  createdBy: MemberUser | null;
}

export interface MemberUser {
  id: number;
  username: string;
  name: string;
  state: 'active' | 'blocked';
  bot: boolean;
}

const COLUMNS = `m.id, m.source_type AS "sourceType", m.source_id AS "sourceId", m.user_id AS "userId", m.access_level AS "accessLevel",
  m.expires_at::text AS "expiresAt", m.created_by_id AS "createdById", m.created_at AS "createdAt",
  json_build_object('id', u.id, 'username', u.username, 'name', u.name, 'state', u.state, 'bot', u.bot) AS "user",
  CASE WHEN cb.id IS NULL THEN NULL
       ELSE json_build_object('id', cb.id, 'username', cb.username, 'name', cb.name, 'state', cb.state, 'bot', cb.bot) END AS "createdBy"`;
const FROM = `members m JOIN users u ON u.id = m.user_id LEFT JOIN users cb ON cb.id = m.created_by_id`;

function sourceType(source: MemberSource): 'namespace' | 'project' {
  return source.type === 'group' ? 'namespace' : 'project';
}

/**
 * Every active membership that counts for the source, direct or inherited from an ancestor group:
 * `effective(...)`. $1 is the source id; for projects $2 is the project's namespace id.
 */
function effectiveCte(source: MemberSource): string {
  const namespaceParam = source.type === 'project' ? '$2' : '$1';
  const direct = source.type === 'project' ? `(m.source_type = 'project' AND m.source_id = $1) OR ` : '';
  return `${ancestorsCte(namespaceParam)}, effective AS (
    SELECT ${COLUMNS} FROM ${FROM}
     WHERE (${direct}(m.source_type = 'namespace' AND m.source_id IN (SELECT id FROM ancestors))) AND ${activeMembership('m')}
  )`;
}

function effectiveParams(source: MemberSource): unknown[] {
  return source.type === 'project' ? [source.id, source.namespaceId] : [source.id];
}

/** The `members` table. Expired memberships are treated as absent everywhere. */
export class MemberRepository {
  async find(db: EntityManager, source: MemberSource, userId: number): Promise<MemberRecord | null> {
    return queryOne<MemberRecord>(
      db,
      `SELECT ${COLUMNS} FROM ${FROM} WHERE m.source_type = $1 AND m.source_id = $2 AND m.user_id = $3 AND ${activeMembership('m')}`,
      [sourceType(source), source.id, userId],
    );
  }

  /**
   * Adds a membership. An expired row for the same user is replaced (it no longer counts anyway).
   * Returns null when an active membership already exists.
   */
  async insert(
    db: EntityManager,
    source: MemberSource,
    member: { userId: number; accessLevel: number; expiresAt: string | null; createdById: number | null },
  ): Promise<MemberRecord | null> {
    const inserted = await queryOne<{ id: number }>(
      db,
      `INSERT INTO members AS m (source_type, source_id, user_id, access_level, expires_at, created_by_id)
       VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (source_type, source_id, user_id) DO UPDATE
         SET access_level = EXCLUDED.access_level, expires_at = EXCLUDED.expires_at, created_by_id = EXCLUDED.created_by_id, created_at = now()
         WHERE NOT ${activeMembership('m')}
       RETURNING m.id`,
      [sourceType(source), source.id, member.userId, member.accessLevel, member.expiresAt, member.createdById],
    );
    return inserted ? this.find(db, source, member.userId) : null;
  }

  async update(db: EntityManager, source: MemberSource, userId: number, changes: { accessLevel: number; expiresAt?: string | null }): Promise<MemberRecord | null> {
    const changed = await queryOne<{ id: number }>(
      db,
      `WITH changed AS (
         UPDATE members m SET access_level = $4, expires_at = CASE WHEN $5 THEN $6::date ELSE m.expires_at END
          WHERE m.source_type = $1 AND m.source_id = $2 AND m.user_id = $3 AND ${activeMembership('m')}
          RETURNING m.id)
       SELECT id FROM changed`,
      [sourceType(source), source.id, userId, changes.accessLevel, changes.expiresAt !== undefined, changes.expiresAt ?? null],
    );
    return changed ? this.find(db, source, userId) : null;
  }

  async delete(db: EntityManager, source: MemberSource, userId: number): Promise<boolean> {
    const gone = await queryOne<{ id: number }>(
      db,
      `WITH gone AS (DELETE FROM members WHERE source_type = $1 AND source_id = $2 AND user_id = $3 RETURNING id) SELECT id FROM gone`,
      [sourceType(source), source.id, userId],
    );
    return gone !== null;
  }

  async listDirect(db: EntityManager, source: MemberSource, page: PageRequest): Promise<Paged<MemberRecord>> {
    const sql = `SELECT ${COLUMNS} FROM ${FROM} WHERE m.source_type = $1 AND m.source_id = $2 AND ${activeMembership('m')}`;
    return pagedQuery(db, sql, [sourceType(source), source.id], '"userId" ASC', page, (row: MemberRecord) => row);
  }

  /** Direct and inherited members, one row per user: the membership giving the highest level. */
  async listEffective(db: EntityManager, source: MemberSource, page: PageRequest): Promise<Paged<MemberRecord>> {
    const sql = `WITH RECURSIVE ${effectiveCte(source)}
      SELECT DISTINCT ON ("userId") * FROM effective ORDER BY "userId", "accessLevel" DESC, ("sourceType" = 'project') DESC`;
    return pagedQuery(db, `SELECT * FROM (${sql}) AS best`, effectiveParams(source), '"userId" ASC', page, (row: MemberRecord) => row);
  }

  /** The user's effective membership of the source: the direct or inherited row giving the highest level (as `listEffective`). */
  async findEffective(db: EntityManager, source: MemberSource, userId: number): Promise<MemberRecord | null> {
    const params = [...effectiveParams(source), userId];
    return queryOne<MemberRecord>(
      db,
      `WITH RECURSIVE ${effectiveCte(source)}
       SELECT * FROM effective WHERE "userId" = $${params.length} ORDER BY "accessLevel" DESC, ("sourceType" = 'project') DESC LIMIT 1`,
      params,
    );
  }

  /** The user's highest active level on the source through memberships (0 when none). */
  async effectiveLevel(db: EntityManager, source: MemberSource, userId: number): Promise<number> {
    const params = [...effectiveParams(source), userId];
    const [row] = await typedQuery<{ level: number }>(
      db,
      `WITH RECURSIVE ${effectiveCte(source)} SELECT COALESCE(max("accessLevel"), 0)::int AS level FROM effective WHERE "userId" = $${params.length}`,
      params,
    );
    return row.level;
  }

  /** The highest level the user inherits from ancestor groups only (for a group: its parents; for a project: its namespace chain). */
  async inheritedLevel(db: EntityManager, source: MemberSource, userId: number): Promise<{ level: number; groupId: number | null }> {
    const params = [source.type === 'project' ? source.namespaceId : source.id, userId, source.type === 'group'];
    const row = await queryOne<{ level: number; groupId: number }>(
      db,
      `WITH RECURSIVE ${ancestorsCte('$1')}
       SELECT m.access_level AS level, m.source_id AS "groupId" FROM members m JOIN ancestors a ON a.id = m.source_id
        WHERE m.source_type = 'namespace' AND m.user_id = $2 AND ${activeMembership('m')} AND NOT ($3 AND a.depth = 0)
        ORDER BY m.access_level DESC LIMIT 1`,
      params,
    );
    return row ?? { level: 0, groupId: null };
  }

  async countOwners(db: EntityManager, groupId: number): Promise<number> {
    const [row] = await typedQuery<{ n: number }>(
      db,
      `SELECT count(*)::int AS n FROM members m JOIN users u ON u.id = m.user_id
        WHERE m.source_type = 'namespace' AND m.source_id = $1 AND m.access_level = 50 AND u.state = 'active' AND ${activeMembership('m')}`,
      [groupId],
    );
    return row.n;
  }
}
