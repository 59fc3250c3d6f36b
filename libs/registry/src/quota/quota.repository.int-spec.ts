import { createDataSource, DataSource, runMigrations } from '@cargohold/db';
import { createTestDatabase, seedProject, TestDatabase } from '@cargohold/testing';
import { RepositoryQueryRepository } from '../management/repository-query.repository';
import { QuotaRepository } from './quota.repository';

/** The facts a push is judged on, against the real migrations: limits up the chain, usage, deduplication. */
describe('QuotaRepository (PostgreSQL)', () => {
  let database: TestDatabase;
  let dataSource: DataSource;
  const quotas = new QuotaRepository();
  const usage = new RepositoryQueryRepository();
  let p1: number;
  let p2: number;
  let other: number;

  beforeAll(async () => {
    database = await createTestDatabase('ch_int_quota');
    await runMigrations(database.url);
    dataSource = await createDataSource(database.url, { poolSize: 2, applicationName: 'quota-int-spec' }).initialize();
    p1 = await seedProject(database, 'top/a/p1');
    p2 = await seedProject(database, 'top/b/p2');
    other = await seedProject(database, 'elsewhere/p3');
  });

  afterAll(async () => {
    await dataSource?.destroy();
    await database?.drop();
  });

  beforeEach(async () => {
    await database.query(`TRUNCATE manifest_blobs, manifests, repository_blobs, blobs, repositories CASCADE`);
    await database.query(`UPDATE projects SET registry_storage_limit = NULL`);
    await database.query(`UPDATE namespaces SET registry_storage_limit = NULL`);
    await database.query(`UPDATE application_settings SET container_registry_storage_limit = 0`);
  });

  async function store(projectId: number, path: string, digest: string, size: number): Promise<void> {
    const [repo] = await database.query<{ id: number }>(
      `INSERT INTO repositories (project_id, path, name) VALUES ($1, $2, $2) ON CONFLICT (path) DO UPDATE SET name = EXCLUDED.name RETURNING id`,
      [projectId, path],
    );
    await database.query(`INSERT INTO blobs (digest, size) VALUES ($1, $2) ON CONFLICT DO NOTHING`, [digest, size]);
    await database.query(`INSERT INTO repository_blobs (repository_id, blob_digest) VALUES ($1, $2) ON CONFLICT DO NOTHING`, [repo.id, digest]);
  }

  const facts = (projectId: number, digest: string) => quotas.facts(dataSource.manager, projectId, { kind: 'blob', digest });
  const groupId = async (fullPath: string) => Number((await database.query<{ id: number }>(`SELECT id FROM namespaces WHERE full_path = $1`, [fullPath]))[0].id);

  it('reads nothing to judge when no limit applies', async () => {
    await store(p1, 'top/a/p1', 'sha256:a', 100);
    expect(await facts(p1, 'sha256:new')).toEqual({ stored: false, limited: [] });
  });

  it('lists the project then each limited group upwards, with usage counted as the REST API counts it', async () => {
    await quotas.setProjectLimit(dataSource.manager, p1, 1000);
    await quotas.setGroupLimit(dataSource.manager, await groupId('top'), 5000);
    await store(p1, 'top/a/p1', 'sha256:a', 100);
    await store(p1, 'top/a/p1/img', 'sha256:a', 100); // the same layer in two images counts once
    await store(p2, 'top/b/p2', 'sha256:b', 300);
    await store(other, 'elsewhere/p3', 'sha256:c', 7000); // another top-level namespace: not counted
    const found = await facts(p1, 'sha256:new');
    expect(found).toEqual({
      stored: false,
      limited: [
        { kind: 'project', id: p1, fullPath: 'top/a/p1', limit: 1000, used: 100 },
        { kind: 'group', id: await groupId('top'), fullPath: 'top', limit: 5000, used: 400 },
      ],
    });
    expect((await usage.usage(dataSource.manager, [p1])).size).toBe(100);
    expect((await usage.usage(dataSource.manager, [p1, p2])).size).toBe(400);
  });

  it('finds bytes already stored anywhere in the top-level namespace, and only there', async () => {
    await quotas.setProjectLimit(dataSource.manager, p1, 1000);
    await store(p2, 'top/b/p2', 'sha256:b', 300);
    await store(other, 'elsewhere/p3', 'sha256:c', 300);
    expect(await facts(p1, 'sha256:b')).toEqual({ stored: true, limited: [] });
    expect((await facts(p1, 'sha256:c')).stored).toBe(false);
  });

  it('applies the instance default to a project without its own limit; 0 on the project exempts it', async () => {
    await quotas.setDefaultLimit(dataSource.manager, 2000);
    expect((await facts(p1, 'sha256:x')).limited).toEqual([expect.objectContaining({ kind: 'project', limit: 2000 })]);
    expect(await quotas.projectLimit(dataSource.manager, p1)).toEqual({ own: null, effective: 2000 });
    await quotas.setProjectLimit(dataSource.manager, p1, 0);
    expect((await facts(p1, 'sha256:x')).limited).toEqual([]);
    expect(await quotas.projectLimit(dataSource.manager, p1)).toEqual({ own: 0, effective: 0 });
  });

  it('finds a manifest already stored in the top-level namespace by its digest', async () => {
    await quotas.setProjectLimit(dataSource.manager, p1, 1000);
    const [repo] = await database.query<{ id: number }>(`INSERT INTO repositories (project_id, path, name) VALUES ($1, 'top/b/p2', 'p2') RETURNING id`, [p2]);
    await database.query(`INSERT INTO manifests (repository_id, digest, media_type, payload, total_size) VALUES ($1, 'sha256:m', 'application/vnd.oci.image.manifest.v1+json', '\\x7b7d', 2)`, [repo.id]);
    expect((await quotas.facts(dataSource.manager, p1, { kind: 'manifest', digest: 'sha256:m' })).stored).toBe(true);
    expect((await quotas.facts(dataSource.manager, p1, { kind: 'manifest', digest: 'sha256:n' })).stored).toBe(false);
  });

  it('reads the same facts for the project owning an image path (the longest path owns it)', async () => {
    const nested = await seedProject(database, 'top/a/p1/sub');
    await quotas.setProjectLimit(dataSource.manager, p1, 1000);
    await store(p1, 'top/a/p1', 'sha256:a', 100);
    const candidates = (path: string) => path.split('/').map((_, i, parts) => parts.slice(0, parts.length - i).join('/')).slice(0, -1);
    const owned = await quotas.factsOfOwner(dataSource.manager, candidates('top/a/p1/img/x'), { kind: 'blob', digest: 'sha256:new' });
    expect(owned).toEqual({ ...(await facts(p1, 'sha256:new')), project: { id: p1, fullPath: 'top/a/p1' } });
    expect(owned?.limited).toEqual([{ kind: 'project', id: p1, fullPath: 'top/a/p1', limit: 1000, used: 100 }]);
    expect((await quotas.factsOfOwner(dataSource.manager, candidates('top/a/p1/sub/img'), { kind: 'blob', digest: 'sha256:a' }))?.project).toEqual({
      id: nested,
      fullPath: 'top/a/p1/sub',
    });
    expect(await quotas.factsOfOwner(dataSource.manager, candidates('nobody/owns/this'), { kind: 'manifest', digest: 'sha256:m' })).toBeNull();
  });

  it('asks for usage whenever any limit up the chain applies: the instance default, the project, any ancestor group', async () => {
    await store(p1, 'top/a/p1', 'sha256:a', 100);
    const candidates = ['top/a/p1/img', 'top/a/p1', 'top/a', 'top'];
    const limitedKinds = async () => {
      const owned = await quotas.factsOfOwner(dataSource.manager, candidates, { kind: 'blob', digest: 'sha256:new' });
      expect(owned?.project).toEqual({ id: p1, fullPath: 'top/a/p1' });
      expect(await facts(p1, 'sha256:new')).toEqual({ stored: owned?.stored, limited: owned?.limited });
      return owned?.limited.map((ns) => `${ns.kind}:${ns.fullPath}:${ns.used}`);
    };
    expect(await limitedKinds()).toEqual([]);
    await quotas.setDefaultLimit(dataSource.manager, 2000);
    expect(await limitedKinds()).toEqual(['project:top/a/p1:100']);
    await quotas.setProjectLimit(dataSource.manager, p1, 0); // exempt from the default, no group limit yet
    expect(await limitedKinds()).toEqual([]);
    await quotas.setGroupLimit(dataSource.manager, await groupId('top'), 5000); // the top-level group only, two levels up
    expect(await limitedKinds()).toEqual(['group:top:100']);
    await quotas.setGroupLimit(dataSource.manager, await groupId('top'), 0);
    await quotas.setGroupLimit(dataSource.manager, await groupId('top/a'), 3000);
    expect(await limitedKinds()).toEqual(['group:top/a:100']);
  });
});
