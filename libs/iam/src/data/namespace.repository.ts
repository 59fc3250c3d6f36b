import { EntityManager } from 'typeorm';
import { execute, queryOne, typedQuery } from '@cargohold/db';
import { Visibility } from '../domain/visibility';
import { activeMembership, ancestorsCte, descendantsCte, likePattern, PageRequest, Paged, pagedQuery } from './paging';

export interface NamespaceRecord {
  id: number;
  kind: 'user' | 'group';
  name: string;
  path: string;
  fullPath: string;
  parentId: number | null;
  ownerId: number | null;
  visibility: Visibility;
  description: string;
  createdAt: Date;
  /** Display names from the top-level group down, joined by " / " (GitLab's full_name). */
  fullName: string;
}

export type NewNamespace = Omit<NamespaceRecord, 'id' | 'createdAt' | 'fullName'>;

/** Who is looking: decides which groups are visible. */
export interface Viewer {
  userId: number | null;
  isAdmin: boolean;
  /** A real signed-in user (not a bot): sees internal groups. */
  signedIn: boolean;
}

export interface GroupFilter {
  parentId?: number;
  topLevelOnly?: boolean;
  search?: string;
  /** Only groups the viewer is a member of (directly or through an ancestor). */
  membership?: boolean;
  /** Only these groups (e.g. the descendants of one group). */
  ids?: number[];
}

/** `GET /namespaces`: whose namespaces, and how narrowed. */
export interface NamespaceFilter {
  /** The user whose namespaces are listed (their own and their groups'); null lists every namespace (administrators). */
  userId: number | null;
  /** Only groups the user owns (plus their own namespace), GitLab's `owned_only`. */
  ownedOnly?: boolean;
  search?: string;
}

/** Counts GitLab shows to those who administer a namespace. */
export interface NamespaceCounts {
  membersCountWithDescendants: number;
  projectsCount: number;
}

// full_name is computed from the ancestors' names, so renaming a parent never leaves stale copies.
const COLUMNS = `n.id, n.kind, n.name, n.path, n.full_path AS "fullPath", n.parent_id AS "parentId", n.owner_id AS "ownerId",
  n.visibility, n.description, n.created_at AS "createdAt",
  (WITH RECURSIVE chain AS (
     SELECT id, parent_id, name, 0 AS depth FROM namespaces WHERE id = n.id
     UNION ALL SELECT p.id, p.parent_id, p.name, c.depth + 1 FROM namespaces p JOIN chain c ON p.id = c.parent_id)
   SELECT string_agg(name, ' / ' ORDER BY depth DESC) FROM chain) AS "fullName"`;

/** Groups a user belongs to, with every subgroup below them: `member_groups(id)`. $1 is the user id. */
const MEMBER_GROUPS_CTE = `member_groups AS (
    SELECT m.source_id AS id FROM members m WHERE m.user_id = $1 AND m.source_type = 'namespace' AND ${activeMembership('m')}
    UNION
    SELECT c.id FROM namespaces c JOIN member_groups g ON c.parent_id = g.id
  )`;

/** The `namespaces` table: user namespaces and (nested) groups. */
export class NamespaceRepository {
  async insert(db: EntityManager, ns: NewNamespace): Promise<NamespaceRecord> {
    const [inserted] = await typedQuery<{ id: number }>(
      db,
      `INSERT INTO namespaces (kind, name, path, full_path, parent_id, owner_id, visibility, description)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`,
      [ns.kind, ns.name, ns.path, ns.fullPath, ns.parentId, ns.ownerId, ns.visibility, ns.description],
    );
    return (await this.findById(db, inserted.id))!;
  }

  async findById(db: EntityManager, id: number): Promise<NamespaceRecord | null> {
    return queryOne<NamespaceRecord>(db, `SELECT ${COLUMNS} FROM namespaces n WHERE n.id = $1`, [id]);
  }

  async findByFullPath(db: EntityManager, fullPath: string): Promise<NamespaceRecord | null> {
    return queryOne<NamespaceRecord>(db, `SELECT ${COLUMNS} FROM namespaces n WHERE n.full_path = lower($1)`, [fullPath]);
  }

  async findUserNamespace(db: EntityManager, userId: number): Promise<NamespaceRecord | null> {
    return queryOne<NamespaceRecord>(db, `SELECT ${COLUMNS} FROM namespaces n WHERE n.kind = 'user' AND n.owner_id = $1`, [userId]);
  }

  /** The namespace and its ancestors, nearest first. */
  async ancestorIds(db: EntityManager, id: number): Promise<number[]> {
    const rows = await typedQuery<{ id: number }>(db, `WITH RECURSIVE ${ancestorsCte('$1')} SELECT id FROM ancestors ORDER BY depth`, [id]);
    return rows.map((row) => row.id);
  }

  /** Whether `id` is `ancestorId` or lies below it. */
  async isWithin(db: EntityManager, id: number, ancestorId: number): Promise<boolean> {
    return (await queryOne(db, `WITH RECURSIVE ${ancestorsCte('$1')} SELECT 1 FROM ancestors WHERE id = $2`, [id, ancestorId])) !== null;
  }

  /** Whether the user is a member of a group below `id` or of a project inside one: such users see `id` too. */
  async hasDescendantMembership(db: EntityManager, id: number, userId: number): Promise<boolean> {
    const found = await queryOne(
      db,
      `WITH RECURSIVE ${descendantsCte('$1')}
       SELECT 1 FROM members m
        WHERE m.user_id = $2 AND ${activeMembership('m')}
          AND ((m.source_type = 'namespace' AND m.source_id IN (SELECT id FROM descendants))
            OR (m.source_type = 'project' AND m.source_id IN (SELECT p.id FROM projects p WHERE p.namespace_id IN (SELECT id FROM descendants))))
        LIMIT 1`,
      [id, userId],
    );
    return found !== null;
  }

  /** Groups the viewer may see, filtered. */
  async listGroups(db: EntityManager, viewer: Viewer, filter: GroupFilter, page: PageRequest): Promise<Paged<NamespaceRecord>> {
    const params: unknown[] = [viewer.userId ?? 0];
    const where = [`n.kind = 'group'`];
    if (filter.membership) where.push(`n.id IN (SELECT id FROM member_groups)`);
    else if (!viewer.isAdmin) {
      where.push(
        `(n.visibility = 'public'${viewer.signedIn ? ` OR n.visibility = 'internal'` : ''} OR n.id IN (SELECT id FROM member_groups))`,
      );
    }
    if (filter.parentId !== undefined) {
      params.push(filter.parentId);
      where.push(`n.parent_id = $${params.length}`);
    }
    if (filter.topLevelOnly) where.push('n.parent_id IS NULL');
    if (filter.ids !== undefined) {
      params.push(filter.ids);
      where.push(`n.id = ANY($${params.length}::bigint[])`);
    }
    if (filter.search !== undefined) {
      params.push(likePattern(filter.search));
      where.push(`(n.name ILIKE $${params.length} OR n.path ILIKE $${params.length})`);
    }
    const sql = `WITH RECURSIVE ${MEMBER_GROUPS_CTE} SELECT ${COLUMNS} FROM namespaces n WHERE ${where.join(' AND ')}`;
    return pagedQuery(db, sql, params, '"name" ASC, "id" ASC', page, (row: NamespaceRecord) => row);
  }

  /** Every group below `id` (children, grandchildren, ...), not `id` itself. */
  async descendantIds(db: EntityManager, id: number): Promise<number[]> {
    const rows = await typedQuery<{ id: number }>(db, `WITH RECURSIVE ${descendantsCte('$1')} SELECT id FROM descendants WHERE id <> $1`, [id]);
    return rows.map((row) => row.id);
  }

  /**
   * GitLab's `User#namespaces`: the user's own namespace and the groups they are a direct member of (Owner only with
   * `ownedOnly`); every namespace when `userId` is null. Ordered by id.
   */
  async listNamespaces(db: EntityManager, filter: NamespaceFilter, page: PageRequest): Promise<Paged<NamespaceRecord>> {
    const params: unknown[] = [];
    const where: string[] = [];
    if (filter.userId !== null) {
      params.push(filter.userId, filter.ownedOnly ? 50 : 0);
      where.push(`((n.kind = 'user' AND n.owner_id = $1) OR n.id IN (
        SELECT m.source_id FROM members m WHERE m.user_id = $1 AND m.source_type = 'namespace' AND m.access_level >= $2 AND ${activeMembership('m')}))`);
    }
    if (filter.search !== undefined) {
      params.push(likePattern(filter.search));
      where.push(`(n.name ILIKE $${params.length} OR n.path ILIKE $${params.length})`);
    }
    const sql = `SELECT ${COLUMNS} FROM namespaces n${where.length ? ` WHERE ${where.join(' AND ')}` : ''}`;
    return pagedQuery(db, sql, params, '"id" ASC', page, (row: NamespaceRecord) => row);
  }

  /** Distinct active members of the group and its subgroups (GitLab's members_count_with_descendants), and its projects. */
  async counts(db: EntityManager, id: number): Promise<NamespaceCounts> {
    const [counts] = await typedQuery<NamespaceCounts>(
      db,
      `WITH RECURSIVE ${descendantsCte('$1')}
       SELECT (SELECT count(DISTINCT m.user_id)::int FROM members m
                WHERE m.source_type = 'namespace' AND m.source_id IN (SELECT id FROM descendants) AND ${activeMembership('m')}) AS "membersCountWithDescendants",
              (SELECT count(*)::int FROM projects p WHERE p.namespace_id = $1) AS "projectsCount"`,
      [id],
    );
    return counts;
  }

  /** Whether a group or project already uses this full path: they share one path space. */
  async pathTaken(db: EntityManager, fullPath: string): Promise<boolean> {
    const taken = await queryOne(db, `SELECT 1 FROM namespaces WHERE full_path = $1 UNION ALL SELECT 1 FROM projects WHERE full_path = $1 LIMIT 1`, [fullPath]);
    return taken !== null;
  }

  /** Serialises creations of the same path across replicas until the transaction ends. */
  async lockPath(db: EntityManager, fullPath: string): Promise<void> {
    await execute(db, `SELECT pg_advisory_xact_lock(hashtext('cargohold:path:' || $1))`, [fullPath]);
  }
}
