import { TestDatabase } from './test-database';

/**
 * Creates a project (and its namespaces and an owner user) directly in the database, for registry tests
 * that need a project to push into but do not exercise the access API.
 */
export async function seedProject(db: TestDatabase, fullPath: string, visibility: 'private' | 'internal' | 'public' = 'private'): Promise<number> {
  const parts = fullPath.split('/');
  const owner = `seed-${parts[0]}`;
  await db.query(`INSERT INTO users (username, name) VALUES ($1, $1) ON CONFLICT DO NOTHING`, [owner]);
  let parentId: number | null = null;
  for (let i = 1; i < parts.length; i++) {
    const path = parts.slice(0, i).join('/');
    const rows: Array<{ id: number }> = await db.query(
      `INSERT INTO namespaces (kind, name, path, full_path, parent_id, visibility) VALUES ('group', $1, $1, $2, $3, 'public')
       ON CONFLICT (full_path) DO UPDATE SET name = EXCLUDED.name RETURNING id`,
      [parts[i - 1], path, parentId],
    );
    parentId = rows[0].id;
  }
  const rows: Array<{ id: number }> = await db.query(
    `INSERT INTO projects (namespace_id, name, path, full_path, visibility) VALUES ($1, $2, $2, $3, $4) RETURNING id`,
    [parentId, parts[parts.length - 1], fullPath, visibility],
  );
  return Number(rows[0].id);
}
