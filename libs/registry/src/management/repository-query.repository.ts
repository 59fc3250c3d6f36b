import { EntityManager } from 'typeorm';
import { queryOne, typedQuery } from '@cargohold/db';

/** A `repositories` row as the management API shows it. */
export interface RepositoryRecord {
  id: number;
  projectId: number;
  path: string;
  name: string;
  status: string | null;
  createdAt: Date;
  cleanupPolicyStartedAt: Date | null;
}

export interface RepositoryFilter {
  /** Only repositories of these projects; undefined means every project (administrators). */
  projectIds?: number[];
  /** Substring of the image path, case-insensitive. */
  search?: string;
}

export interface RegistryUsage {
  /** Bytes of the distinct blobs held by the repositories (a layer shared by two images counts once). */
  size: number;
  repositoriesCount: number;
  tagsCount: number;
}

const COLUMNS = `r.id, r.project_id AS "projectId", r.path, r.name, r.status, r.created_at AS "createdAt",
  r.cleanup_policy_started_at AS "cleanupPolicyStartedAt"`;

/** The distinct blobs' bytes of the repositories in the CTE `repos` (a layer held by two repositories counts once). */
const STORED_SIZE = `(SELECT COALESCE(sum(b.size), 0)::bigint FROM blobs b
  WHERE b.digest IN (SELECT rb.blob_digest FROM repository_blobs rb WHERE rb.repository_id IN (SELECT id FROM repos)))`;

/** Read-side queries over `repositories` for the management API (listings, search, sizes). */
export class RepositoryQueryRepository {
  async findById(db: EntityManager, id: number): Promise<RepositoryRecord | null> {
    return queryOne<RepositoryRecord>(db, `SELECT ${COLUMNS} FROM repositories r WHERE r.id = $1`, [id]);
  }

  /** One page ordered by id (stable under concurrent pushes), with the total for GitLab's X-Total. */
  async list(db: EntityManager, filter: RepositoryFilter, limit: number, offset: number): Promise<{ items: RepositoryRecord[]; total: number }> {
    const params: unknown[] = [];
    const where: string[] = [];
    if (filter.projectIds) {
      params.push(filter.projectIds);
      where.push(`r.project_id = ANY($${params.length}::bigint[])`);
    }
    if (filter.search) {
      params.push(`%${escapeLike(filter.search)}%`);
      where.push(`r.path ILIKE $${params.length}`);
    }
    const clause = where.length > 0 ? `WHERE ${where.join(' AND ')}` : '';
    const [counted] = await typedQuery<{ total: number }>(db, `SELECT count(*)::int AS total FROM repositories r ${clause}`, params);
    const items = await typedQuery<RepositoryRecord>(
      db,
      `SELECT ${COLUMNS} FROM repositories r ${clause} ORDER BY r.id LIMIT $${params.length + 1} OFFSET $${params.length + 2}`,
      [...params, limit, offset],
    );
    return { items, total: counted.total };
  }

  async tagCounts(db: EntityManager, repositoryIds: number[]): Promise<Map<number, number>> {
    if (repositoryIds.length === 0) return new Map();
    const rows = await typedQuery<{ id: number; n: number }>(
      db,
      `SELECT repository_id AS id, count(*)::int AS n FROM tags WHERE repository_id = ANY($1::bigint[]) GROUP BY repository_id`,
      [repositoryIds],
    );
    return new Map(rows.map((row) => [row.id, row.n]));
  }

  /**
   * The first `perRepository` tag names of each repository, in tag-list order (GitLab's `tags=true`, bounded: a
   * repository may hold any number of tags, and a page names up to 100 repositories). One index scan per repository.
   */
  async tagNames(db: EntityManager, repositoryIds: number[], perRepository: number): Promise<Map<number, string[]>> {
    const names = new Map<number, string[]>(repositoryIds.map((id) => [id, []]));
    if (repositoryIds.length === 0) return names;
    // r.id comes from a bigint[] parameter unnested: a bigint column, read as a number.
    const rows = await typedQuery<{ id: number; name: string }>(
      db,
      `SELECT r.id, t.name
         FROM unnest($1::bigint[]) AS r(id)
         CROSS JOIN LATERAL (SELECT name FROM tags WHERE repository_id = r.id ORDER BY name LIMIT $2) t
        ORDER BY r.id, t.name`,
      [repositoryIds, perRepository],
    );
    for (const row of rows) names.get(row.id)?.push(row.name);
    return names;
  }

  /** The repository's deduplicated size: the blobs it holds, each once. */
  async size(db: EntityManager, repositoryId: number): Promise<number> {
    const [row] = await typedQuery<{ size: number }>(
      db,
      `SELECT COALESCE(sum(b.size), 0)::bigint AS size FROM repository_blobs rb JOIN blobs b ON b.digest = rb.blob_digest WHERE rb.repository_id = $1`,
      [repositoryId],
    );
    return row.size;
  }

  /**
   * The deduplicated bytes of a set of projects alone (`container_registry_size`, storage limits): without the tag
   * count of `usage`, which reads every tag row of the projects (a sequential scan at a million tags).
   */
  async storedSize(db: EntityManager, projectIds: number[]): Promise<number> {
    if (projectIds.length === 0) return 0;
    const [row] = await typedQuery<{ size: number }>(
      db,
      `WITH repos AS (SELECT id FROM repositories WHERE project_id = ANY($1::bigint[])) SELECT ${STORED_SIZE} AS size`,
      [projectIds],
    );
    return row.size;
  }

  /** Storage of a set of projects: distinct blobs across all their repositories, plus counts (an exact tag count). */
  async usage(db: EntityManager, projectIds: number[]): Promise<RegistryUsage> {
    if (projectIds.length === 0) return { size: 0, repositoriesCount: 0, tagsCount: 0 };
    const [row] = await typedQuery<RegistryUsage>(
      db,
      `WITH repos AS (SELECT id FROM repositories WHERE project_id = ANY($1::bigint[]))
       SELECT
         ${STORED_SIZE} AS size,
         (SELECT count(*)::int FROM repos) AS "repositoriesCount",
         (SELECT count(*)::int FROM tags t WHERE t.repository_id IN (SELECT id FROM repos)) AS "tagsCount"`,
      [projectIds],
    );
    return row;
  }
}

/** A user's text inside a LIKE pattern: `%`, `_` and `\` match themselves. */
export function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}
