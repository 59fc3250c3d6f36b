import { EntityManager } from 'typeorm';
import { queryOne, typedQuery } from '@cargohold/db';

export interface ImageRepositoryRow {
  id: number;
  projectId: number;
  path: string;
  name: string;
  status: string | null;
}

const COLUMNS = `id, project_id AS "projectId", path, name, status`;

/**
 * The repository a push writes into, created on its first push; concurrent first pushes converge on one row.
 * `existing` (the repository at path $2, share-locked) and `created` (inserted for project $1 with name $3 when it
 * does not exist), joined in `repository`: one of them has the row, or neither when a concurrent first push created
 * it after the statement's snapshot (the caller runs its statement again). Part of every statement that writes into a
 * repository: an upload's commit and a mount (BlobRepository), the manifest PUT's reads (ManifestPushReadRepository).
 *
 * The row is only share-locked (FOR KEY SHARE) until the caller's transaction ends: that is enough to keep a
 * repository delete (which takes FOR UPDATE before it checks the repository is empty and removes it) from
 * passing a push's uncommitted rows, and it lets pushes into one repository commit side by side. An upsert
 * (ON CONFLICT DO UPDATE) locked the row exclusively, so every manifest PUT and blob commit in a repository
 * waited for the previous one's commit: tag creation ran at half distribution's rate (docs/performance.md).
 */
export const ENSURE_REPOSITORY_CTES = `existing AS (SELECT ${COLUMNS} FROM repositories WHERE path = $2 FOR KEY SHARE),
        created AS (
          INSERT INTO repositories (project_id, path, name) SELECT $1, $2, $3 WHERE NOT EXISTS (SELECT 1 FROM existing)
          ON CONFLICT (path) DO NOTHING RETURNING ${COLUMNS}),
        repository AS (SELECT * FROM existing UNION ALL SELECT * FROM created)`;

/** The `repository` CTE's row as `row_to_json` returns it (bigints as JSON numbers, typed again here). */
export function repositoryFromJson(row: ImageRepositoryRow): ImageRepositoryRow {
  return { ...row, id: Number(row.id), projectId: Number(row.projectId) };
}


/** A repository's name: its path below the project's ('' for the project's own path). */
export function repositoryNameIn(projectPath: string, path: string): string {
  return path === projectPath ? '' : path.slice(projectPath.length + 1);
}

/** The `repositories` table: one row per image path inside a project. */
export class ImageRepositoryRepository {
  async findById(db: EntityManager, id: number): Promise<ImageRepositoryRow | null> {
    return queryOne<ImageRepositoryRow>(db, `SELECT ${COLUMNS} FROM repositories WHERE id = $1`, [id]);
  }

  async findByPath(db: EntityManager, path: string): Promise<ImageRepositoryRow | null> {
    return queryOne<ImageRepositoryRow>(db, `SELECT ${COLUMNS} FROM repositories WHERE path = $1`, [path]);
  }

  async listPaths(db: EntityManager, limit: number, after?: string, projectIds?: number[]): Promise<string[]> {
    const params: unknown[] = [limit];
    const where: string[] = ['status IS NULL'];
    if (after !== undefined) {
      params.push(after);
      where.push(`path > $${params.length}`);
    }
    if (projectIds) {
      params.push(projectIds);
      where.push(`project_id = ANY($${params.length})`);
    }
    const rows = await typedQuery<{ path: string }>(db, `SELECT path FROM repositories WHERE ${where.join(' AND ')} ORDER BY path LIMIT $1`, params);
    return rows.map((row) => row.path);
  }
}
