import type { Logger } from '@cargohold/common';
import { createDataSource, DataSource, runMigrations } from '@cargohold/db';
import { createTestDatabase, seedProject, TestDatabase } from '@cargohold/testing';
import { PullStatistics } from './pull-statistics';
import { PullStatisticsRepository } from './pull-statistics.repository';

const quiet = { warn: jest.fn(), info: jest.fn(), error: jest.fn(), debug: jest.fn() } as unknown as Logger;

/** Pull statistics written to a real PostgreSQL with the real migrations. */
describe('PullStatisticsRepository', () => {
  let db: TestDatabase;
  let dataSource: DataSource;
  let repositoryId: number;
  const manifest: Record<string, number> = {};

  beforeAll(async () => {
    db = await createTestDatabase('ch_int_pulls');
    await runMigrations(db.url);
    dataSource = await createDataSource(db.url, { poolSize: 4 }).initialize();
    const projectId = await seedProject(db, 'stats/app');
    [{ id: repositoryId }] = await db.query<{ id: number }>(`INSERT INTO repositories (project_id, path, name) VALUES ($1, 'stats/app', '') RETURNING id`, [projectId]);
    for (const name of ['one', 'two']) {
      const [{ id }] = await db.query<{ id: number }>(
        `INSERT INTO manifests (repository_id, digest, media_type, payload) VALUES ($1, $2, 'application/vnd.oci.image.manifest.v1+json', '\\x7b7d') RETURNING id`,
        [repositoryId, `sha256:${name.padEnd(64, '0')}`],
      );
      manifest[name] = Number(id);
    }
    // v1 and stable name the same image; v2 another one; untouched is never pulled.
    for (const [tag, image] of [['v1', 'one'], ['stable', 'one'], ['v2', 'two'], ['untouched', 'two']]) {
      await db.query(`INSERT INTO tags (repository_id, name, manifest_id) VALUES ($1, $2, $3)`, [repositoryId, tag, manifest[image]]);
    }
  });

  afterAll(async () => {
    await dataSource?.destroy();
    await db?.drop();
  });

  const stats = async (table: 'tags' | 'manifests') =>
    Object.fromEntries(
      (await db.query<{ key: string; n: number; at: Date | null }>(
        table === 'tags'
          ? `SELECT name AS key, pull_count::int AS n, last_pulled_at AS at FROM tags WHERE repository_id = $1`
          : `SELECT digest AS key, pull_count::int AS n, last_pulled_at AS at FROM manifests WHERE repository_id = $1`,
        [repositoryId],
      )).map((row) => [row.key.slice(0, 10), [row.n, row.at?.getTime() ?? null]]),
    );

  it('credits a GET by name to that tag, a GET by digest to every tag naming the manifest, and both to the manifest', async () => {
    let clock = Date.parse('2026-01-01T00:00:00Z');
    const pulls = new PullStatistics(new PullStatisticsRepository(dataSource), quiet, {}, () => clock);
    pulls.record(manifest.one, 'v1');
    pulls.record(manifest.one, 'v1');
    clock += 1000;
    pulls.record(manifest.one, null); // by digest: v1 and stable both name it
    pulls.record(manifest.two, 'v2');
    pulls.record(manifest.two, 'v1'); // v1 does not name manifest two (it moved, or the cache was stale): nobody is credited by name
    await pulls.flush();

    const t0 = Date.parse('2026-01-01T00:00:00Z');
    expect(await stats('tags')).toEqual({ v1: [3, t0 + 1000], stable: [1, t0 + 1000], v2: [1, t0 + 1000], untouched: [0, null] });
    expect(await stats('manifests')).toEqual({ 'sha256:one': [3, t0 + 1000], 'sha256:two': [2, t0 + 1000] });

    // Counts add up across writes; an older time never moves last_pulled_at back (several replicas write).
    clock = t0 - 60_000;
    pulls.record(manifest.two, 'v2');
    await pulls.close();
    expect((await stats('tags')).v2).toEqual([2, t0 + 1000]);
  });

  it('skips rows another transaction holds, without waiting, and writes them by id on the next write', async () => {
    const repository = new PullStatisticsRepository(dataSource);
    const pulls = new PullStatistics(repository, quiet, {}, () => Date.parse('2026-02-01T00:00:00Z'));
    const before = await stats('tags');
    const holder = dataSource.createQueryRunner();
    await holder.connect();
    await holder.startTransaction();
    try {
      // A push moving `stable` holds its row (and a delete would): the write must neither wait nor deadlock.
      await holder.query(`SELECT id FROM tags WHERE repository_id = $1 AND name = 'stable' FOR UPDATE`, [repositoryId]);
      pulls.record(manifest.one, 'stable');
      pulls.record(manifest.one, 'v1');
      const started = Date.now();
      await pulls.flush();
      expect(Date.now() - started).toBeLessThan(2000);
      const during = await stats('tags');
      expect(during.v1[0]).toBe(before.v1[0] + 1);
      expect(during.stable).toEqual(before.stable);
    } finally {
      await holder.commitTransaction();
      await holder.release();
    }
    await pulls.flush();
    expect((await stats('tags')).stable).toEqual([before.stable[0] + 1, Date.parse('2026-02-01T00:00:00Z')]);
  });

  it('drops the counts of rows deleted in between', async () => {
    const repository = new PullStatisticsRepository(dataSource);
    const skipped = await repository.write({
      manifests: [],
      tagsByName: [],
      tagsByDigest: [],
      retriedTags: [{ id: 999_999, n: 4, at: new Date() }],
      retriedManifests: [{ id: 999_998, n: 4, at: new Date() }],
    });
    expect(skipped).toEqual({ tags: [], manifests: [] });
  });
});
