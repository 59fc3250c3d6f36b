import { countStatements } from '@cargohold/testing';
import { MEDIA_TYPE_OCI_MANIFEST } from './domain';
import { ManifestCache } from './manifest-cache';
import { ManifestService } from './manifest.service';
import { RegistryContext } from './registry-context';
import { createRegistryFixture, pushImageParts, RegistryFixture, seedRegistryProject } from './registry-integration.spec-helper';
import { CACHED_TAG_LIST_MAX, MAX_PAGE_SIZE, TagService } from './tag.service';
import { UploadService } from './upload.service';

/**
 * tags/list through TagService with the api's read cache: a walk's first page reads the whole list of a repository
 * that fits CACHED_TAG_LIST_MAX and the later pages cost no statement; every tag write that announces its
 * repository is seen by the next page; a bigger repository is paged from PostgreSQL.
 */
describe('TagService.list with the read cache (integration)', () => {
  let fixture: RegistryFixture;
  let ctx: RegistryContext;
  let tags: TagService;
  let manifests: ManifestService;
  let manifest: Buffer;
  const repo = 'list/app/api';
  const big = 'list/app/big';

  const q = <T extends object = Record<string, unknown>>(sql: string, params?: unknown[]) => fixture.env.query<T>(sql, params);
  const stored = async (path: string) => (await q<{ name: string }>(`SELECT t.name FROM tags t JOIN repositories r ON r.id = t.repository_id WHERE r.path = $1 ORDER BY t.name`, [path])).map((row) => row.name);
  /** Every name by following `next` from the first page, and the statements the pages after the first cost. */
  const walk = async (path: string, n: number | undefined) => {
    const first = await tags.list(path, n, undefined);
    const names = [...first.items];
    let next = first.next;
    const { count } = await countStatements(async () => {
      while (next !== undefined) {
        const page = await tags.list(path, n, next);
        names.push(...page.items);
        next = page.next;
      }
    });
    return { names, laterPagesStatements: count };
  };
  /** `count` more tags on the repository's manifest, written with SQL behind the services' back. */
  const bulkTag = (path: string, prefix: string, count: number) =>
    q(
      `INSERT INTO tags (repository_id, name, manifest_id)
       SELECT r.id, $2 || lpad(g::text, 6, '0'), (SELECT id FROM manifests WHERE repository_id = r.id LIMIT 1)
         FROM repositories r, generate_series(1, $3::int) g WHERE r.path = $1`,
      [path, prefix, count],
    );

  beforeAll(async () => {
    fixture = await createRegistryFixture();
    await seedRegistryProject(fixture, 'list/app');
    const cache = new ManifestCache({ ttlMs: 60_000 });
    ctx = new RegistryContext(fixture.env.dataSource, fixture.env.store, fixture.ctx.settings, {
      manifestCache: cache,
      changes: { repositoriesChanged: async (paths) => cache.invalidate(paths) },
    });
    tags = new TagService(ctx);
    manifests = new ManifestService(ctx);
    const uploads = new UploadService(ctx);
    for (const path of [repo, big]) {
      ({ manifest } = await pushImageParts(uploads, path, 'one'));
      await manifests.put(path, 'latest', manifest, MEDIA_TYPE_OCI_MANIFEST);
    }
    await bulkTag(repo, 'build-', 2_500);
    await bulkTag(big, 'build-', CACHED_TAG_LIST_MAX);
  });
  afterAll(() => fixture?.close());

  it('walks a repository in name order, the pages after the first from the cache, for any n', async () => {
    const expected = await stored(repo);
    expect(expected).toHaveLength(2_501);
    for (const n of [undefined, 1, 7, 100, MAX_PAGE_SIZE]) {
      const { names, laterPagesStatements } = await walk(repo, n);
      expect(names).toEqual(expected);
      expect(laterPagesStatements).toBe(0);
    }
    // A `last` that is no tag starts after it, as `name > $last` does; past the end, an empty page.
    expect(await tags.list(repo, 2, 'build-000010x')).toEqual({ items: ['build-000011', 'build-000012'], next: 'build-000012' });
    expect(await tags.list(repo, 2, 'a')).toEqual({ items: ['build-000001', 'build-000002'], next: 'build-000002' });
    expect(await tags.list(repo, 2, 'zzz')).toEqual({ items: [] });
    expect(await tags.list(repo, 0, undefined)).toEqual({ items: [] });
  });

  it('sees a new tag, a moved one and a deleted one on the next page once the write announced the repository', async () => {
    await walk(repo, 1_000); // the list is cached
    await manifests.put(repo, 'build-000005a', manifest, MEDIA_TYPE_OCI_MANIFEST);
    await manifests.delete(repo, 'build-000007');
    const { names, laterPagesStatements } = await walk(repo, 1_000);
    expect(names).toEqual(await stored(repo));
    expect(names).toContain('build-000005a');
    expect(names).not.toContain('build-000007');
    expect(laterPagesStatements).toBe(0);
  });

  it('does not cache what a read saw when a write was announced while it read', async () => {
    ctx.manifestCache!.invalidate([repo]);
    const ticket = ctx.manifestCache!.begin(repo);
    await manifests.put(repo, 'build-000006a', manifest, MEDIA_TYPE_OCI_MANIFEST);
    ctx.manifestCache!.setTagNameList(repo, ['stale'], ticket);
    expect((await tags.list(repo, 3, undefined)).items).toEqual(['build-000001', 'build-000002', 'build-000003']);
    expect((await walk(repo, 1_000)).names).toContain('build-000006a');
  });

  it(`pages a repository of more than ${CACHED_TAG_LIST_MAX} tags from PostgreSQL, every page one statement`, async () => {
    const expected = await stored(big);
    expect(expected).toHaveLength(CACHED_TAG_LIST_MAX + 1);
    const { names, laterPagesStatements } = await walk(big, 1_000);
    expect(names).toEqual(expected);
    expect(laterPagesStatements).toBe(Math.ceil(expected.length / 1_000) - 1);
    expect(ctx.manifestCache!.tagNameList(big)).toBeUndefined();
  });

  it('reads a whole list once to learn it is too long: later first pages of that repository read a page only', async () => {
    ctx.manifestCache!.setEnabled(true); // starts from empty: no list, no mark
    const read = jest.spyOn(ctx.tags, 'listNamesByPath');
    try {
      const expected = (await stored(big)).slice(0, 100);
      expect((await tags.list(big, 100, undefined)).items).toEqual(expected);
      expect(ctx.manifestCache!.tagListTooLong(big)).toBe(true);
      // The mark is not a cached list: a tag write does not drop it, and the pages stay exact.
      await manifests.put(big, 'a-new-first-tag', manifest, MEDIA_TYPE_OCI_MANIFEST);
      expect((await tags.list(big, 100, undefined)).items).toEqual(['a-new-first-tag', ...expected.slice(0, 99)]);
      expect(read.mock.calls.map((call) => call[2])).toEqual([CACHED_TAG_LIST_MAX + 1, 101]);
      expect(ctx.manifestCache!.tagListTooLong(repo)).toBe(false);
    } finally {
      read.mockRestore();
      await manifests.delete(big, 'a-new-first-tag');
    }
  });

  it('answers NAME_UNKNOWN for a repository that does not exist, cached or not', async () => {
    await expect(tags.list('list/app/none', 10, undefined)).rejects.toMatchObject({ code: 'NAME_UNKNOWN' });
    await expect(tags.list('list/app/none', 10, 'a')).rejects.toMatchObject({ code: 'NAME_UNKNOWN' });
  });
});
