import { createDataSource, DataSource, runMigrations } from '@cargohold/db';
import { createTestDatabase, seedProject, TestDatabase } from '@cargohold/testing';
import { TagRepository } from './tag.repository';

const TAGS = 3_000;
const name = (i: number) => `t-${String(i).padStart(5, '0')}`;

/**
 * tags/list's one statement (two prepared texts, with and without `last`) against a real PostgreSQL: pages in
 * name order, the repository's status, and a `last` that stays an index condition in the generic plan.
 */
describe('TagRepository.listNamesByPath', () => {
  let db: TestDatabase;
  let dataSource: DataSource;
  const tags = new TagRepository();

  beforeAll(async () => {
    db = await createTestDatabase('ch_int_tags_list');
    await runMigrations(db.url);
    dataSource = await createDataSource(db.url, { poolSize: 2 }).initialize();
    const projectId = await seedProject(db, 'list/app');
    const [{ id: repositoryId }] = await db.query<{ id: number }>(`INSERT INTO repositories (project_id, path, name) VALUES ($1, 'list/app', '') RETURNING id`, [projectId]);
    const [{ id: manifestId }] = await db.query<{ id: number }>(
      `INSERT INTO manifests (repository_id, digest, media_type, payload) VALUES ($1, 'sha256:${'b'.repeat(64)}', 'application/vnd.oci.image.manifest.v1+json', '\\x7b7d') RETURNING id`,
      [repositoryId],
    );
    await db.query(`INSERT INTO tags (repository_id, name, manifest_id) SELECT $1, 't-' || lpad(i::text, 5, '0'), $2 FROM generate_series(1, ${TAGS}) AS i`, [repositoryId, manifestId]);
    await db.query(`VACUUM ANALYZE tags`);
  });

  afterAll(async () => {
    await dataSource?.destroy();
    await db?.drop();
  });

  it('pages names in order from the start and after `last`, many times on the same connections', async () => {
    for (let round = 0; round < 8; round++) {
      expect(await tags.listNamesByPath(dataSource.manager, 'list/app', 3)).toEqual({ status: null, names: [name(1), name(2), name(3)] });
      const after = name(1 + round * 300);
      expect(await tags.listNamesByPath(dataSource.manager, 'list/app', 2, after)).toEqual({ status: null, names: [name(2 + round * 300), name(3 + round * 300)] });
    }
    expect(await tags.listNamesByPath(dataSource.manager, 'list/app', 5, name(TAGS))).toEqual({ status: null, names: [] });
    expect(await tags.listNamesByPath(dataSource.manager, 'list/none', 5)).toBeNull();
    expect(await tags.listNamesByPath(dataSource.manager, 'list/none', 5, 'x')).toBeNull();
  });

  it('keeps `name > last` an index condition in the generic plan (a walk deep into a repository reads one page)', async () => {
    await dataSource.transaction(async (tx) => {
      await tx.query(`SET LOCAL plan_cache_mode = force_generic_plan`);
      expect(await tags.listNamesByPath(tx, 'list/app', 2, name(2_500))).toEqual({ status: null, names: [name(2_501), name(2_502)] });
      const plan = ((await tx.query(`EXPLAIN (ANALYZE, FORMAT TEXT) EXECUTE tags_list_after('list/app', 2, '${name(2_500)}')`)) as Array<{ 'QUERY PLAN': string }>)
        .map((row) => row['QUERY PLAN'])
        .join('\n');
      expect(plan).toMatch(/Index Cond: \(\(repository_id = r\.id\) AND \(name > \$3\)\)/);
      // The index scan returned the page only, not every name before it.
      expect(plan).toMatch(/Index Only Scan using ix_tags_on_repository_id_and_name on tags .*rows=2 loops=1/);
    });
  });
});
