import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { SecretBox } from '@cargohold/common';
import { createDataSource, DataSource, runMigrations } from '@cargohold/db';
import { FilesystemBlobStore } from '@cargohold/storage';
import { createTestDatabase, seedProject, TestDatabase } from '@cargohold/testing';
import { GarbageCollector } from '../gc/garbage-collector';
import { GcRepository } from '../gc/gc.repository';
import { PullThroughCacheExpiry } from './pull-through-cache-expiry';
import { PullThroughCatalog } from './pull-through-catalog';
import { UpstreamCredentials } from './upstream-credentials';
import { blobEntryPath, manifestEntryPath } from './virtual-registry-rows';

/**
 * The pull-through cache's data layer against the real schema: ordered associations, sealed credentials, cache
 * entries as GC holders of the content-addressed blobs, TTL expiry and purge queueing reviews.
 */
describe('pull-through cache data (PostgreSQL, filesystem store)', () => {
  let database: TestDatabase;
  let dataSource: DataSource;
  let catalog: PullThroughCatalog;
  let groupId: number;
  let storeRoot: string;
  let store: FilesystemBlobStore;

  beforeAll(async () => {
    database = await createTestDatabase('ch_int_vreg');
    await runMigrations(database.url);
    dataSource = await createDataSource(database.url, { poolSize: 4, applicationName: 'vreg-int-spec' }).initialize();
    await seedProject(database, 'vgroup/project');
    groupId = Number((await database.query<{ id: number }>(`SELECT id FROM namespaces WHERE full_path = 'vgroup'`))[0].id);
    catalog = new PullThroughCatalog(dataSource, new UpstreamCredentials(SecretBox.withKey(randomBytes(32))), 'http://127.0.0.1:1/hub');
  });

  afterAll(async () => {
    await dataSource?.destroy();
    await database?.drop();
  });

  beforeEach(async () => {
    await database.query(`TRUNCATE container_virtual_registries, container_upstreams, gc_blob_review_queue, blobs CASCADE`);
    storeRoot = await mkdtemp(join(tmpdir(), 'vreg-int-'));
    store = new FilesystemBlobStore(storeRoot);
  });

  afterEach(async () => {
    if (storeRoot) await rm(storeRoot, { recursive: true, force: true });
  });

  const db = () => dataSource.manager;
  const upstream = (url: string) => catalog.upstreams.create(db(), { groupId, url, name: url, description: '', cacheValidityHours: 24 });

  async function storedBlob(size = 500): Promise<string> {
    const bytes = randomBytes(size);
    const digest = `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
    const id = randomUUID();
    await store.createUpload(id);
    await store.appendUpload(id, 0, Readable.from([bytes]));
    await store.commitUpload(id, digest);
    return digest;
  }

  it('keeps positions contiguous through associate, move and disassociate, and answers upstreams in order', async () => {
    const registry = await catalog.registries.create(db(), groupId, 'vr', '');
    const [a, b, c] = [await upstream('http://a.test'), await upstream('http://b.test'), await upstream('http://c.test')];
    const ab = await catalog.registries.associate(db(), registry.id, a.id);
    await catalog.registries.associate(db(), registry.id, b.id);
    const cc = await catalog.registries.associate(db(), registry.id, c.id);
    expect(await catalog.registries.associate(db(), registry.id, c.id)).toBeNull();

    await dataSource.transaction((tx) => catalog.registries.move(tx, cc!.id, 1));
    expect((await catalog.registries.upstreamsInOrder(db(), registry.id)).map((u) => u.url)).toEqual(['http://c.test', 'http://a.test', 'http://b.test']);

    await dataSource.transaction((tx) => catalog.registries.move(tx, cc!.id, 20));
    expect((await catalog.registries.associations(db(), registry.id)).map((r) => [r.upstreamId, r.position])).toEqual([
      [a.id, 1],
      [b.id, 2],
      [c.id, 3],
    ]);

    await catalog.registries.disassociate(db(), ab!.id);
    expect((await catalog.registries.associations(db(), registry.id)).map((r) => [r.upstreamId, r.position])).toEqual([
      [b.id, 1],
      [c.id, 2],
    ]);
    expect(await catalog.upstreams.exclusiveToRegistry(db(), registry.id)).toEqual([b.id, c.id].sort((x, y) => x - y));
  });

  it('stores the password sealed and opens it only for the pull side', async () => {
    const row = await upstream('http://secret.test');
    await catalog.upstreams.setCredentials(db(), row.id, { username: 'bob', passwordSealed: catalog.credentials.seal(row.id, 's3cret-pw') });
    const [raw] = await database.query<{ password_sealed: Buffer }>(`SELECT password_sealed FROM container_upstreams WHERE id = $1`, [row.id]);
    expect(raw.password_sealed.toString('latin1')).not.toContain('s3cret-pw');
    const registry = await catalog.registries.create(db(), groupId, 'vr', '');
    await catalog.registries.associate(db(), registry.id, row.id);
    const targets = await catalog.registryTargets(registry.id);
    expect(targets?.targets).toEqual([
      expect.objectContaining({ url: 'http://secret.test', credentials: { username: 'bob', password: 's3cret-pw' }, libraryPrefix: false }),
    ]);
  });

  it('gives each group one dependency proxy upstream on the configured URL, none when disabled', async () => {
    const first = await catalog.dependencyProxyTarget(groupId);
    const second = await catalog.dependencyProxyTarget(groupId);
    expect(first).toMatchObject({ url: 'http://127.0.0.1:1/hub', libraryPrefix: true, credentials: null });
    expect(second?.upstreamId).toBe(first?.upstreamId);
    await catalog.dependencyProxySettings.update(db(), groupId, { enabled: false });
    expect(await catalog.dependencyProxyTarget(groupId)).toBeNull();
    expect(await catalog.dependencyProxySettings.get(db(), groupId)).toEqual({ groupId, enabled: false, ttlPolicyEnabled: true, ttlDays: 90 });
  });

  it('a blob held only by a cache entry survives GC; purge queues it and GC reclaims it', async () => {
    const digest = await storedBlob(700);
    const row = await upstream('http://gc.test');
    await dataSource.transaction((tx) =>
      catalog.entries.record(tx, { upstreamId: row.id, relativePath: blobEntryPath('library/alpine', digest), digest, contentType: 'application/octet-stream', size: 700 }),
    );
    await database.query(`INSERT INTO gc_blob_review_queue (blob_digest, review_after, reason) VALUES ($1, now() - interval '1 s', 'test')`, [digest]);
    const collector = new GarbageCollector(
      { db: dataSource, store, sql: new GcRepository(), changes: { repositoriesChanged: async () => undefined } },
      { reviewDelaySeconds: 0, uploadPurgeAgeSeconds: 3600 },
    );
    await collector.review();
    expect(await store.stat(digest)).not.toBeNull();
    expect(await database.query(`SELECT digest FROM blobs`)).toEqual([{ digest }]);

    expect(await catalog.entries.deleteAll(db(), [row.id], 0)).toBe(1);
    expect(await database.query(`SELECT blob_digest FROM gc_blob_review_queue`)).toEqual([{ blob_digest: digest }]);
    await collector.review();
    expect(await store.stat(digest)).toBeNull();
    expect(await database.query(`SELECT digest FROM blobs`)).toEqual([]);
  });

  it('moves a tag entry to a new digest, lists and searches entries, counts usage once per digest', async () => {
    const [one, two] = [await storedBlob(100), await storedBlob(200)];
    const a = await upstream('http://a.test');
    const b = await upstream('http://b.test');
    const path = manifestEntryPath('library/nginx', 'latest');
    const record = (upstreamId: number, relativePath: string, digest: string, size: number) =>
      dataSource.transaction((tx) => catalog.entries.record(tx, { upstreamId, relativePath, digest, contentType: 'application/vnd.oci.image.manifest.v1+json', size }));
    expect(await record(a.id, path, one, 100)).toEqual({ blobExisted: false });
    await record(a.id, path, two, 200);
    await record(b.id, blobEntryPath('library/busybox', two), two, 200);
    expect(await catalog.entries.find(db(), a.id, path)).toMatchObject({ digest: two, size: 200, downloadsCount: 0 });
    await catalog.entries.markDownloaded(db(), a.id, path);
    expect((await catalog.entries.find(db(), a.id, path))?.downloadsCount).toBe(1);
    expect((await catalog.entries.list(db(), b.id, 'busybox', 20, 0)).total).toBe(1);
    expect((await catalog.entries.list(db(), b.id, 'nginx', 20, 0)).total).toBe(0);
    expect(await catalog.entries.groupUsage(db(), groupId)).toBe(200);
  });

  it('expires entries not downloaded within the TTL and queues their blobs', async () => {
    const digest = await storedBlob(50);
    const fresh = await storedBlob(60);
    const proxy = await catalog.upstreams.dependencyProxyUpstream(db(), groupId);
    for (const [d, size] of [[digest, 50], [fresh, 60]] as const) {
      await dataSource.transaction((tx) =>
        catalog.entries.record(tx, { upstreamId: proxy.id, relativePath: blobEntryPath('library/alpine', d), digest: d, contentType: 'application/octet-stream', size }),
      );
    }
    await database.query(`UPDATE container_upstream_cache_entries SET downloaded_at = now() - interval '91 days' WHERE digest = $1`, [digest]);
    expect(await catalog.dependencyProxySettings.expiringUpstreams(db(), 0)).toEqual([{ upstreamId: proxy.id, ttlDays: 90 }]);
    expect(await catalog.entries.expire(db(), proxy.id, 90, 100, 0)).toBe(1);
    expect(await database.query(`SELECT digest FROM container_upstream_cache_entries`)).toEqual([{ digest: fresh }]);
    expect(await database.query(`SELECT blob_digest FROM gc_blob_review_queue`)).toEqual([{ blob_digest: digest }]);
  });

  it('the worker expiry follows each upstream TTL: the group policy for the dependency proxy, the setting for virtual registries', async () => {
    const [old1, old2] = [await storedBlob(10), await storedBlob(20)];
    const proxy = await catalog.upstreams.dependencyProxyUpstream(db(), groupId);
    const virtual = await upstream('http://ttl.test');
    for (const [upstreamId, digest] of [[proxy.id, old1], [virtual.id, old2]] as const) {
      await dataSource.transaction((tx) =>
        catalog.entries.record(tx, { upstreamId, relativePath: blobEntryPath('library/x', digest), digest, contentType: 'application/octet-stream', size: 1 }),
      );
    }
    await database.query(`UPDATE container_upstream_cache_entries SET downloaded_at = now() - interval '40 days'`);
    await catalog.dependencyProxySettings.update(db(), groupId, { ttlPolicyEnabled: false });
    expect(await new PullThroughCacheExpiry(dataSource, { virtualRegistryTtlDays: 0, reviewDelaySeconds: 0 }).expire()).toBe(0);
    expect(await new PullThroughCacheExpiry(dataSource, { virtualRegistryTtlDays: 30, reviewDelaySeconds: 0 }).expire()).toBe(1);
    await catalog.dependencyProxySettings.update(db(), groupId, { ttlPolicyEnabled: true, ttlDays: 30 });
    expect(await new PullThroughCacheExpiry(dataSource, { virtualRegistryTtlDays: 30, reviewDelaySeconds: 0 }).expire()).toBe(1);
    expect(await database.query(`SELECT count(*)::int AS n FROM container_upstream_cache_entries`)).toEqual([{ n: 0 }]);
  });
});
