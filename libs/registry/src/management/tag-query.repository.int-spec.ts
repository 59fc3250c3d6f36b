import { createDataSource, DataSource, EntityManager, runMigrations } from '@cargohold/db';
import { createTestDatabase, seedProject, TestDatabase } from '@cargohold/testing';
import { TagQueryRepository } from './tag-query.repository';

const TAGS = 20_000;

/** The tag listing by last pull against a real PostgreSQL: its order, and that it walks the index instead of sorting. */
describe('TagQueryRepository ordered by last pull', () => {
  let db: TestDatabase;
  let dataSource: DataSource;
  let repositoryId: number;
  const tags = new TagQueryRepository();

  beforeAll(async () => {
    db = await createTestDatabase('ch_int_tag_order');
    await runMigrations(db.url);
    dataSource = await createDataSource(db.url, { poolSize: 2 }).initialize();
    const projectId = await seedProject(db, 'order/app');
    [{ id: repositoryId }] = await db.query<{ id: number }>(`INSERT INTO repositories (project_id, path, name) VALUES ($1, 'order/app', '') RETURNING id`, [projectId]);
    const [{ id: manifestId }] = await db.query<{ id: number }>(
      `INSERT INTO manifests (repository_id, digest, media_type, payload) VALUES ($1, 'sha256:${'a'.repeat(64)}', 'application/vnd.oci.image.manifest.v1+json', '\\x7b7d') RETURNING id`,
      [repositoryId],
    );
    // Every third tag never pulled; the others pulled i minutes ago, with ties every 10 tags.
    await db.query(
      `INSERT INTO tags (repository_id, name, manifest_id, last_pulled_at, pull_count)
       SELECT $1, 'tag-' || lpad(i::text, 5, '0'), $2,
              CASE WHEN i % 3 = 0 THEN NULL ELSE timestamptz '2026-01-01' - make_interval(mins => i / 10) END,
              CASE WHEN i % 3 = 0 THEN 0 ELSE i END
         FROM generate_series(1, ${TAGS}) AS i`,
      [repositoryId, manifestId],
    );
    // As autovacuum leaves a table after a bulk insert: the visibility map set, so index-only scans skip the heap.
    await db.query(`VACUUM ANALYZE tags`);
  });

  /** The plan of the repository's own SQL: a manager whose query() asks for the plan instead. */
  async function explain(run: (db: EntityManager) => Promise<unknown>): Promise<string> {
    const explaining = { query: (sql: string, params: unknown[]) => dataSource.query(`EXPLAIN ${sql}`, params) } as unknown as EntityManager;
    return ((await run(explaining)) as Array<{ 'QUERY PLAN': string }>).map((row) => row['QUERY PLAN']).join('\n');
  }

  afterAll(async () => {
    await dataSource?.destroy();
    await db?.drop();
  });

  it('puts the most recently pulled first (ties by name, descending), never-pulled last; the reverse ascending', async () => {
    const desc = await tags.page(dataSource.manager, repositoryId, 4, 0, undefined, { by: 'last_pulled_at', desc: true });
    expect(desc.map((tag) => tag.name)).toEqual(['tag-00008', 'tag-00007', 'tag-00005', 'tag-00004']);
    expect(desc[0]).toEqual({ name: 'tag-00008', lastPulledAt: new Date('2026-01-01T00:00:00Z'), pullCount: 8 });
    const lastPage = await tags.page(dataSource.manager, repositoryId, 2, TAGS - 2, undefined, { by: 'last_pulled_at', desc: true });
    expect(lastPage).toEqual([
      { name: 'tag-00006', lastPulledAt: null, pullCount: 0 },
      { name: 'tag-00003', lastPulledAt: null, pullCount: 0 },
    ]);
    const asc = await tags.page(dataSource.manager, repositoryId, 2, 0, undefined, { by: 'last_pulled_at', desc: false });
    expect(asc.map((tag) => tag.name)).toEqual(['tag-00003', 'tag-00006']);
  });

  it.each([true, false])('reads a page by last pull from ix_tags_on_repository_id_and_last_pulled_at_and_name, without a sort (desc: %s)', async (desc) => {
    // The repository's own SQL, explained: a manager whose query() asks for the plan instead.
    const explaining = { query: (sql: string, params: unknown[]) => dataSource.query(`EXPLAIN ${sql}`, params) } as unknown as EntityManager;
    const plan = ((await tags.page(explaining, repositoryId, 20, 100, undefined, { by: 'last_pulled_at', desc })) as unknown as Array<{ 'QUERY PLAN': string }>)
      .map((row) => row['QUERY PLAN'])
      .join('\n');
    expect(plan).toContain('ix_tags_on_repository_id_and_last_pulled_at_and_name');
    expect(plan).not.toMatch(/\bSort\b/);
  });

  it.each([true, false])('reads a page by creation from ix_tags_on_repository_id_and_created_at_and_name, without a sort (desc: %s)', async (desc) => {
    const plan = await explain((db) => tags.detailedPage(db, repositoryId, 20, 100, undefined, { by: 'created_at', desc }));
    expect(plan).toContain('ix_tags_on_repository_id_and_created_at_and_name');
    expect(plan).not.toMatch(/\bSort\b/);
  });

  it('pages by name at any offset, forward and backward, with the name filter, details included', async () => {
    const name = (i: number) => `tag-${String(i).padStart(5, '0')}`;
    expect((await tags.page(dataSource.manager, repositoryId, 3, 15_000)).map((tag) => tag.name)).toEqual([name(15_001), name(15_002), name(15_003)]);
    expect(await tags.page(dataSource.manager, repositoryId, 2, TAGS - 1)).toEqual([{ name: name(TAGS), lastPulledAt: new Date('2025-12-30T14:40:00Z'), pullCount: TAGS }]);
    expect(await tags.page(dataSource.manager, repositoryId, 2, TAGS)).toEqual([]);
    expect((await tags.page(dataSource.manager, repositoryId, 2, 1, undefined, { by: 'name', desc: true })).map((tag) => tag.name)).toEqual([name(TAGS - 1), name(TAGS - 2)]);
    const detailed = await tags.detailedPage(dataSource.manager, repositoryId, 2, 10_000, undefined, { by: 'created_at', desc: false });
    const byCreation = await db.query<{ name: string }>(`SELECT name FROM tags ORDER BY created_at, name OFFSET 10000 LIMIT 2`);
    expect(detailed.map((tag) => tag.name)).toEqual(byCreation.map((row) => row.name));
    expect(detailed[0]).toMatchObject({ digest: `sha256:${'a'.repeat(64)}`, createdAt: expect.any(Date) });
    // "999" in 09990-09999, 19990-19999 and 00999, 01999 … 19999: 38 names.
    const expected = (await db.query<{ name: string }>(`SELECT name FROM tags WHERE name LIKE '%999%' ORDER BY name`)).map((row) => row.name);
    expect(expected).toHaveLength(38);
    expect((await tags.page(dataSource.manager, repositoryId, 100, 0, '999')).map((tag) => tag.name)).toEqual(expected);
    expect((await tags.page(dataSource.manager, repositoryId, 5, 36, '999')).map((tag) => tag.name)).toEqual(expected.slice(36));
  });

  it.each([false, true])('skips an offset by name in an index-only scan and reads only the page from the table, without a sort (desc: %s)', async (desc) => {
    const explaining = { query: (sql: string, params: unknown[]) => dataSource.query(`EXPLAIN (ANALYZE, FORMAT JSON) ${sql}`, params) } as unknown as EntityManager;
    const [{ 'QUERY PLAN': [{ Plan: plan }] }] = (await tags.page(explaining, repositoryId, 20, 10_000, undefined, { by: 'name', desc })) as unknown as Array<{
      'QUERY PLAN': Array<{ Plan: PlanNode }>;
    }>;
    const nodes = flatten(plan);
    expect(nodes.some((node) => node['Node Type'] === 'Sort')).toBe(false);
    const skip = nodes.find((node) => node['Node Type'] === 'Index Only Scan');
    expect(skip).toMatchObject({ 'Index Name': 'ix_tags_on_repository_id_and_name', 'Actual Rows': 10_020, 'Heap Fetches': 0 });
    // The table is read for the page's 20 rows only.
    const read = nodes.find((node) => node['Node Type'] === 'Index Scan');
    expect((read?.['Actual Rows'] ?? 0) * (read?.['Actual Loops'] ?? 0)).toBe(20);
  });

  it('counts the tags whose name contains a text (case-insensitive), at most up to the bound + 1', async () => {
    expect(await tags.count(dataSource.manager, repositoryId, '1234')).toBe(12);
    expect(await tags.count(dataSource.manager, repositoryId, undefined, 100)).toBe(101);
    expect(await tags.count(dataSource.manager, repositoryId, 'TAG-0000')).toBe(9);
  });

  it('gives retention each tag\'s pull time and count with its push time, in one read', async () => {
    const candidates = await tags.candidates(dataSource.manager, repositoryId);
    expect(candidates).toHaveLength(TAGS);
    expect(candidates.find((tag) => tag.name === 'tag-00010')).toMatchObject({ lastPulledAt: new Date('2025-12-31T23:59:00Z'), pullCount: 10, pushedAt: expect.any(Date) });
  });
});

interface PlanNode {
  'Node Type': string;
  'Index Name'?: string;
  'Actual Rows'?: number;
  'Actual Loops'?: number;
  'Heap Fetches'?: number;
  Plans?: PlanNode[];
}

function flatten(node: PlanNode): PlanNode[] {
  return [node, ...(node.Plans ?? []).flatMap(flatten)];
}
