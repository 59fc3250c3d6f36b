import { EntityManager } from 'typeorm';
import { execute, queryOne, typedQuery } from '@cargohold/db';
import { RegistryAccessLevel } from '../domain/registry-access-level';
import { Visibility } from '../domain/visibility';
import { activeMembership, likePattern, PageRequest, Paged, pagedQuery } from './paging';
import { Viewer } from './namespace.repository';

export interface ProjectRecord {
  id: number;
  namespaceId: number;
  name: string;
  path: string;
  fullPath: string;
  description: string;
  visibility: Visibility;
  containerRegistryAccessLevel: RegistryAccessLevel;
  creatorId: number | null;
  createdAt: Date;
  namespace: { id: number; name: string; path: string; kind: 'user' | 'group'; fullPath: string; parentId: number | null };
  /** GitLab's name_with_namespace: display names joined by " / ". */
  nameWithNamespace: string;
}

export interface NewProject {
  namespaceId: number;
  name: string;
  path: string;
  fullPath: string;
  description: string;
  visibility: Visibility;
  containerRegistryAccessLevel?: RegistryAccessLevel;
  creatorId: number | null;
}

/** The editable attributes of a project; absent ones stay as they are. */
export interface ProjectChanges {
  name?: string;
  path?: string;
  fullPath?: string;
  description?: string;
  visibility?: Visibility;
  containerRegistryAccessLevel?: RegistryAccessLevel;
}

/** What the registry needs to know about the project owning an image path. */
export interface OwningProjectRecord {
  id: number;
  namespaceId: number;
  visibility: Visibility;
  containerRegistryAccessLevel: RegistryAccessLevel;
  /** Deletion of the project (or its group) was requested: pushes are denied from then on. */
  pendingDelete: boolean;
}

export interface ProjectFilter {
  search?: string;
  visibility?: Visibility;
  /** Only projects where the viewer's membership (direct, inherited or as namespace owner) is at least this level. */
  minAccessLevel?: number;
  namespaceId?: number;
  /** Only projects directly in one of these namespaces (a group and its subgroups). */
  namespaceIds?: number[];
  ids?: number[];
}

export type ProjectOrder = 'id' | 'name' | 'path' | 'created_at';

const COLUMNS = `p.id, p.namespace_id AS "namespaceId", p.name, p.path, p.full_path AS "fullPath", p.description, p.visibility,
  p.container_registry_access_level AS "containerRegistryAccessLevel", p.creator_id AS "creatorId", p.created_at AS "createdAt",
  json_build_object('id', n.id, 'name', n.name, 'path', n.path, 'kind', n.kind, 'fullPath', n.full_path, 'parentId', n.parent_id) AS namespace,
  (WITH RECURSIVE chain AS (
     SELECT id, parent_id, name, 0 AS depth FROM namespaces WHERE id = p.namespace_id
     UNION ALL SELECT a.id, a.parent_id, a.name, c.depth + 1 FROM namespaces a JOIN chain c ON a.id = c.parent_id)
   SELECT string_agg(name, ' / ' ORDER BY depth DESC) FROM chain) || ' / ' || p.name AS "nameWithNamespace"`;
const FROM = `projects p JOIN namespaces n ON n.id = p.namespace_id`;

/**
 * `member_projects(id, access_level)`: every project the user $1 reaches through a project membership,
 * a group membership (inherited by all subgroups), or by owning the user namespace.
 */
export const MEMBER_PROJECTS_CTE = `member_groups AS (
    SELECT m.source_id AS id, m.access_level FROM members m
     WHERE m.user_id = $1 AND m.source_type = 'namespace' AND ${activeMembership('m')}
    UNION
    SELECT c.id, g.access_level FROM namespaces c JOIN member_groups g ON c.parent_id = g.id
  ), member_projects AS (
    SELECT p.id, g.access_level FROM projects p JOIN member_groups g ON g.id = p.namespace_id
    UNION ALL
    SELECT m.source_id, m.access_level FROM members m WHERE m.user_id = $1 AND m.source_type = 'project' AND ${activeMembership('m')}
    UNION ALL
    SELECT p.id, 50 FROM projects p JOIN namespaces un ON un.id = p.namespace_id AND un.kind = 'user' AND un.owner_id = $1
  )`;

/** The `projects` table. */
export class ProjectRepository {
  async insert(db: EntityManager, project: NewProject): Promise<ProjectRecord> {
    const [inserted] = await typedQuery<{ id: number }>(
      db,
      `INSERT INTO projects (namespace_id, name, path, full_path, description, visibility, container_registry_access_level, creator_id)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`,
      [
        project.namespaceId,
        project.name,
        project.path,
        project.fullPath,
        project.description,
        project.visibility,
        project.containerRegistryAccessLevel ?? 'enabled',
        project.creatorId,
      ],
    );
    return (await this.findById(db, inserted.id))!;
  }

  /** Applies the changes; the caller holds the row lock (lockForUpdate) and has validated them. */
  async update(db: EntityManager, id: number, changes: ProjectChanges): Promise<void> {
    const columns: Record<keyof ProjectChanges, string> = {
      name: 'name',
      path: 'path',
      fullPath: 'full_path',
      description: 'description',
      visibility: 'visibility',
      containerRegistryAccessLevel: 'container_registry_access_level',
    };
    const sets: string[] = [];
    const params: unknown[] = [id];
    for (const key of Object.keys(columns) as Array<keyof ProjectChanges>) {
      if (changes[key] === undefined) continue;
      params.push(changes[key]);
      sets.push(`${columns[key]} = $${params.length}`);
    }
    if (sets.length === 0) return;
    await execute(db, `UPDATE projects SET ${sets.join(', ')} WHERE id = $1`, params);
  }

  /**
   * Locks the project row until the transaction ends. A path change updates full_path (a unique key), so this lock
   * also waits for pushes that are inserting a repository under the project (their foreign key check shares it).
   */
  async lockForUpdate(db: EntityManager, id: number): Promise<void> {
    await execute(db, `SELECT id FROM projects WHERE id = $1 FOR UPDATE`, [id]);
  }

  /** Whether the project's registry holds any repository (images, or ones still being deleted). */
  async hasContainerRepositories(db: EntityManager, id: number): Promise<boolean> {
    return (await queryOne(db, `SELECT 1 FROM repositories WHERE project_id = $1 LIMIT 1`, [id])) !== null;
  }

  async findById(db: EntityManager, id: number): Promise<ProjectRecord | null> {
    return queryOne<ProjectRecord>(db, `SELECT ${COLUMNS} FROM ${FROM} WHERE p.id = $1`, [id]);
  }

  async findByFullPath(db: EntityManager, fullPath: string): Promise<ProjectRecord | null> {
    return queryOne<ProjectRecord>(db, `SELECT ${COLUMNS} FROM ${FROM} WHERE p.full_path = lower($1)`, [fullPath]);
  }

  /** The project owning an image path: the longest project full path among the candidates. */
  async findOwning(db: EntityManager, candidatePaths: string[]): Promise<OwningProjectRecord | null> {
    if (candidatePaths.length === 0) return null;
    return queryOne<OwningProjectRecord>(
      db,
      `SELECT id, namespace_id AS "namespaceId", visibility, container_registry_access_level AS "containerRegistryAccessLevel", delete_requested_at IS NOT NULL AS "pendingDelete" FROM projects WHERE full_path = ANY($1) ORDER BY length(full_path) DESC LIMIT 1`,
      [candidatePaths],
    );
  }

  /**
   * Deletes the project. Memberships have no foreign key (their source is polymorphic), so they go explicitly;
   * the project's token bots are blocked, since their only purpose was this project.
   */
  async delete(db: EntityManager, id: number): Promise<void> {
    await execute(
      db,
      `UPDATE users SET state = 'blocked' WHERE bot AND id IN (SELECT user_id FROM members WHERE source_type = 'project' AND source_id = $1)`,
      [id],
    );
    await execute(db, `DELETE FROM members WHERE source_type = 'project' AND source_id = $1`, [id]);
    await execute(db, `DELETE FROM projects WHERE id = $1`, [id]);
  }

  /** Projects the viewer may see, filtered and ordered. */
  async list(db: EntityManager, viewer: Viewer, filter: ProjectFilter, order: { by: ProjectOrder; desc: boolean }, page: PageRequest): Promise<Paged<ProjectRecord>> {
    const params: unknown[] = [viewer.userId ?? 0];
    const where: string[] = [];
    if (filter.minAccessLevel !== undefined) {
      params.push(filter.minAccessLevel);
      where.push(`p.id IN (SELECT id FROM member_projects WHERE access_level >= $${params.length})`);
    }
    if (!viewer.isAdmin) {
      where.push(`(p.visibility = 'public'${viewer.signedIn ? ` OR p.visibility = 'internal'` : ''} OR p.id IN (SELECT id FROM member_projects))`);
    }
    if (filter.search !== undefined) {
      params.push(likePattern(filter.search));
      where.push(`(p.name ILIKE $${params.length} OR p.path ILIKE $${params.length} OR p.full_path ILIKE $${params.length})`);
    }
    if (filter.visibility !== undefined) {
      params.push(filter.visibility);
      where.push(`p.visibility = $${params.length}`);
    }
    if (filter.namespaceId !== undefined) {
      params.push(filter.namespaceId);
      where.push(`p.namespace_id = $${params.length}`);
    }
    if (filter.namespaceIds !== undefined) {
      params.push(filter.namespaceIds);
      where.push(`p.namespace_id = ANY($${params.length}::bigint[])`);
    }
    if (filter.ids !== undefined) {
      params.push(filter.ids);
      where.push(`p.id = ANY($${params.length})`);
    }
    const sql = `WITH RECURSIVE ${MEMBER_PROJECTS_CTE} SELECT ${COLUMNS} FROM ${FROM}${where.length ? ` WHERE ${where.join(' AND ')}` : ''}`;
    const column = { id: '"id"', name: '"name"', path: '"path"', created_at: '"createdAt"' }[order.by];
    const direction = order.desc ? 'DESC' : 'ASC';
    return pagedQuery(db, sql, params, `${column} ${direction}, "id" ${direction}`, page, (row: ProjectRecord) => row);
  }

  /** Ids of the projects the user reaches with at least `minLevel` (memberships, inheritance, namespace ownership). */
  async memberProjectIds(db: EntityManager, userId: number, minLevel: number): Promise<number[]> {
    const rows = await typedQuery<{ id: number }>(db, `WITH RECURSIVE ${MEMBER_PROJECTS_CTE} SELECT DISTINCT id FROM member_projects WHERE access_level >= $2`, [
      userId,
      minLevel,
    ]);
    return rows.map((row) => row.id);
  }

  /** Projects of these visibilities whose registry access level is one of `registryAccess`. */
  async idsByVisibility(db: EntityManager, visibilities: Visibility[], registryAccess: RegistryAccessLevel[]): Promise<number[]> {
    const rows = await typedQuery<{ id: number }>(db, `SELECT id FROM projects WHERE visibility = ANY($1) AND container_registry_access_level = ANY($2)`, [
      visibilities,
      registryAccess,
    ]);
    return rows.map((row) => row.id);
  }

  /** Projects whose registry is turned off (container_registry_access_level = disabled). */
  async idsWithRegistryDisabled(db: EntityManager): Promise<number[]> {
    const rows = await typedQuery<{ id: number }>(db, `SELECT id FROM projects WHERE container_registry_access_level = 'disabled'`);
    return rows.map((row) => row.id);
  }

  /** Projects in the group or any of its subgroups. */
  async idsWithinGroup(db: EntityManager, groupId: number): Promise<number[]> {
    const rows = await typedQuery<{ id: number }>(
      db,
      `WITH RECURSIVE tree AS (SELECT id FROM namespaces WHERE id = $1 UNION ALL SELECT n.id FROM namespaces n JOIN tree t ON n.parent_id = t.id)
       SELECT p.id FROM projects p WHERE p.namespace_id IN (SELECT id FROM tree)`,
      [groupId],
    );
    return rows.map((row) => row.id);
  }
}
