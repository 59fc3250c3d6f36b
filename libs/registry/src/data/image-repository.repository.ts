import { EntityManager } from 'typeorm';

export interface ImageRepositoryRow {
  id: number;
  projectId: number;
  path: string;
  name: string;
  status: string | null;
}

const COLUMNS = `id, project_id AS "projectId", path, name, status`;

/** The `repositories` table: one row per image path inside a project. */
export class ImageRepositoryRepository {
  async findByPath(db: EntityManager, path: string): Promise<ImageRepositoryRow | null> {
    const rows = await db.query(`SELECT ${COLUMNS} FROM repositories WHERE path = $1`, [path]);
    return rows[0] ?? null;
  }

  /** Creates the repository on its first push; concurrent first pushes converge on one row. */
  async ensure(db: EntityManager, projectId: number, projectPath: string, path: string): Promise<ImageRepositoryRow> {
    const name = path === projectPath ? '' : path.slice(projectPath.length + 1);
    const rows = await db.query(
      `INSERT INTO repositories (project_id, path, name) VALUES ($1, $2, $3)
       ON CONFLICT (path) DO UPDATE SET updated_at = now()
       RETURNING ${COLUMNS}`,
      [projectId, path, name],
    );
    return rows[0];
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
    const rows = await db.query(
      `SELECT path FROM repositories WHERE ${where.join(' AND ')} ORDER BY path LIMIT $1`,
      params,
    );
    return rows.map((row: { path: string }) => row.path);
  }
}
