import { countStatements } from '@cargohold/testing';
import { MEDIA_TYPE_OCI_MANIFEST } from '../domain';
import { ManifestCache } from '../manifest-cache';
import { ManifestService } from '../manifest.service';
import { RegistryContext } from '../registry-context';
import { createRegistryFixture, pushImageParts, RegistryFixture, seedRegistryProject } from '../registry-integration.spec-helper';
import { UploadService } from '../upload.service';
import { RegistryManagementService } from './registry-management.service';
import { TagQueryRepository } from './tag-query.repository';
import { TagRankAnchors } from './tag-rank-anchors';

/**
 * Offset pages by name that start at a rank anchor read exactly what a plain OFFSET reads, at every depth, across tag
 * writes (which drop the anchors with the repository's announcement), and the anchors are read once, then extended.
 */
describe('TagRankAnchors (integration)', () => {
  let fixture: RegistryFixture;
  let ctx: RegistryContext;
  let cache: ManifestCache;
  let manifests: ManifestService;
  let manifest: Buffer;
  let repository: { id: number; path: string };
  const tags = new TagQueryRepository();
  const path = 'rank/app/api';

  const names = async (rows: Promise<Array<{ name: string }>>) => (await rows).map((row) => row.name);
  /** The page at `offset` read both ways: through `anchors`, and with a plain OFFSET. */
  const bothWays = async (anchors: TagRankAnchors, offset: number, limit = 10) => {
    const db = ctx.db.manager;
    const start = await anchors.start(db, repository, offset);
    return {
      start,
      anchored: start ? await names(tags.page(db, repository.id, limit, start.skip, undefined, undefined, start.name)) : undefined,
      plain: await names(tags.page(db, repository.id, limit, offset)),
    };
  };

  beforeAll(async () => {
    fixture = await createRegistryFixture();
    await seedRegistryProject(fixture, 'rank/app');
    cache = new ManifestCache();
    ctx = new RegistryContext(fixture.env.dataSource, fixture.env.store, fixture.ctx.settings, {
      manifestCache: cache,
      changes: { repositoriesChanged: async (paths) => cache.invalidate(paths) },
    });
    manifests = new ManifestService(ctx);
    ({ manifest } = await pushImageParts(new UploadService(ctx), path, 'one'));
    await manifests.put(path, 'latest', manifest, MEDIA_TYPE_OCI_MANIFEST);
    // 6 000 more tags, in a name order that interleaves with "latest".
    await fixture.env.query(
      `INSERT INTO tags (repository_id, name, manifest_id)
       SELECT r.id, 'build-' || lpad(g::text, 5, '0'), (SELECT id FROM manifests WHERE repository_id = r.id LIMIT 1)
         FROM repositories r, generate_series(1, 6000) g WHERE r.path = $1`,
      [path],
    );
    const [row] = await fixture.env.query<{ id: number }>(`SELECT id FROM repositories WHERE path = $1`, [path]);
    repository = { id: row.id, path };
  });
  afterAll(() => fixture?.close());

  it('starts every page at an anchor and reads the same names as OFFSET, the anchors read once then extended', async () => {
    cache.invalidate([path]);
    const anchors = new TagRankAnchors(cache, tags, { spacing: 100, from: 150, perRead: 7 });
    expect((await bothWays(anchors, 149)).start).toBeUndefined(); // shallow: a plain skip
    // The first deep page reads anchors towards its own, at most 7 a read (ranks 0, 100, ..., 600), then 7 more...
    const reads = [];
    for (let i = 0; i < 3; i++) reads.push(await bothWays(anchors, 1_950));
    expect(reads.map((read) => read.start)).toEqual([
      { name: 'build-00601', skip: 1_350 },
      { name: 'build-01301', skip: 650 },
      { name: 'build-01901', skip: 50 },
    ]);
    for (const read of reads) expect(read.anchored).toEqual(read.plain);
    expect(cache.tagRankAnchors(path)).toEqual({ spacing: 100, names: expect.any(Array), complete: false });
    // ...and pages below the deepest anchor cost no statement for it.
    for (const offset of [150, 199, 200, 201, 999, 1_000, 1_999]) {
      const { start, anchored, plain } = await bothWays(anchors, offset);
      expect(start!.skip).toBeLessThan(100);
      expect(anchored).toEqual(plain);
    }
    const { count } = await countStatements(() => anchors.start(ctx.db.manager, repository, 1_234));
    expect(count).toBe(0);
    // Deeper pages extend them, to the end and past it (an empty page).
    for (const offset of [5_990, 5_999, 6_000, 6_001, 7_000, 5_990, 5_990, 5_990, 5_990, 5_990]) {
      const { anchored, plain } = await bothWays(anchors, offset);
      expect(anchored).toEqual(plain);
    }
    expect((await bothWays(anchors, 5_990)).start).toEqual({ name: 'build-05901', skip: 90 });
    expect((await bothWays(anchors, 6_000)).anchored).toEqual(['latest']);
  });

  it('forgets the anchors when a tag is written or deleted, and pages stay exact', async () => {
    const anchors = new TagRankAnchors(cache, tags, { spacing: 100, from: 0, perRead: 100 });
    expect((await bothWays(anchors, 3_000)).anchored![0]).toBe('build-03001');
    expect(cache.tagRankAnchors(path)).toBeDefined();
    // A new tag sorting before every anchor but the first shifts every rank after it by one.
    await manifests.put(path, 'build-00000a', manifest, MEDIA_TYPE_OCI_MANIFEST);
    expect(cache.tagRankAnchors(path)).toBeUndefined();
    for (const offset of [0, 5, 100, 2_999, 3_000, 3_001, 6_000]) {
      const { anchored, plain } = await bothWays(anchors, offset);
      expect(anchored).toEqual(plain);
    }
    expect((await bothWays(anchors, 3_000)).anchored![0]).toBe('build-03000');
    await manifests.delete(path, 'build-00000a');
    expect(cache.tagRankAnchors(path)).toBeUndefined();
    expect((await bothWays(anchors, 3_000)).anchored![0]).toBe('build-03001');
  });

  it('pages the REST listing by name through the anchors: the same items, details included, as by id alone', async () => {
    const management = new RegistryManagementService(ctx);
    for (const offset of [0, 4_999, 5_000, 5_555, 5_995]) {
      const page = { limit: 20, offset };
      const byRecord = await management.listTags(repository, page);
      const byId = await management.listTags(repository.id, page);
      expect(byRecord).toEqual(byId);
      expect(await management.listTags(repository, page, undefined, undefined, true)).toEqual(await management.listTags(repository.id, page, undefined, undefined, true));
    }
    expect(cache.tagRankAnchors(path)).toMatchObject({ spacing: 1_000, names: ['build-00001', 'build-01001', 'build-02001', 'build-03001', 'build-04001', 'build-05001'] });
    // Filtered or other orders never use them.
    const desc = { by: 'name' as const, desc: true };
    expect(await management.listTags(repository, { limit: 5, offset: 5_000 }, undefined, desc)).toEqual(await management.listTags(repository.id, { limit: 5, offset: 5_000 }, undefined, desc));
    expect((await management.listTags(repository, { limit: 5, offset: 0 }, 'build-0599')).items.map((tag) => tag.name)).toEqual([
      'build-05990',
      'build-05991',
      'build-05992',
      'build-05993',
      'build-05994',
    ]);
  });

  it('reads with a plain skip without a read cache', async () => {
    const anchors = new TagRankAnchors(undefined, tags);
    expect(await anchors.start(ctx.db.manager, repository, 5_500)).toBeUndefined();
  });
});
