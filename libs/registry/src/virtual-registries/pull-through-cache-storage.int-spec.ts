import { randomBytes } from 'node:crypto';
import { GarbageCollector } from '../gc/garbage-collector';
import { GcRepository } from '../gc/gc.repository';
import { NamespaceDeletionService } from '../management/namespace-deletion.service';
import { RegistryDeletionService } from '../management/registry-deletion.service';
import { QuotaRepository } from '../quota/quota.repository';
import { StorageLimitService } from '../quota/storage-limit.service';
import { body, createRegistryFixture, pushBlob, RegistryFixture, seedRegistryProject, sha256 } from '../registry-integration.spec-helper';
import { UploadService } from '../upload.service';
import { CacheEntryRepository } from './cache-entry.repository';
import { blobEntryPath } from './virtual-registry-rows';

/**
 * The pull-through cache's bytes as group storage (PostgreSQL with the real schema, a filesystem store): cached blobs
 * count in the group's figures and against its limit, each distinct blob once even when it is also pushed; deleting
 * the group drops its cache entries and queues their blobs for GC review, which then reclaims them.
 */
describe('pull-through cache storage (integration)', () => {
  let fixture: RegistryFixture;
  let uploads: UploadService;
  const entries = new CacheEntryRepository();
  const quotas = new QuotaRepository();

  beforeAll(async () => {
    fixture = await createRegistryFixture({ gcReviewDelay: 0 });
    uploads = new UploadService(fixture.ctx);
  });
  afterAll(() => fixture?.close());

  const q = <T extends object = Record<string, unknown>>(sql: string, params?: unknown[]) => fixture.env.query<T>(sql, params);
  const groupIdOf = async (path: string) => Number((await q<{ id: number }>(`SELECT id FROM namespaces WHERE full_path = $1`, [path]))[0].id);

  /** Stores `bytes` in the content-addressed store and records them as cached by `upstreamId`. */
  async function cache(upstreamId: number, image: string, bytes: Buffer): Promise<string> {
    const digest = sha256(bytes);
    const id = `cache-${digest.slice(7, 19)}`;
    await fixture.env.store.createUpload(id);
    await fixture.env.store.appendUpload(id, 0, body(bytes));
    await fixture.env.store.publishUpload(id, digest);
    await fixture.env.dataSource.transaction((tx) =>
      entries.record(tx, { upstreamId, relativePath: blobEntryPath(image, digest), digest, contentType: 'application/octet-stream', size: bytes.length }),
    );
    return digest;
  }

  async function upstreamOf(groupId: number, url: string): Promise<number> {
    const [row] = await q<{ id: number }>(`INSERT INTO container_upstreams (group_id, kind, url, name, description) VALUES ($1, 'virtual_registry', $2, $2, '') RETURNING id`, [
      groupId,
      url,
    ]);
    return Number(row.id);
  }

  it('counts cached blobs in the group figures and against its limit, a blob pushed and cached once', async () => {
    const projectId = await seedRegistryProject(fixture, 'corp/app');
    const groupId = await groupIdOf('corp');
    const pushed = randomBytes(1000);
    await pushBlob(uploads, 'corp/app/web', pushed);
    const upstream = await upstreamOf(groupId, 'http://corp-upstream.test');
    const cachedOnly = randomBytes(300);
    const cachedDigest = await cache(upstream, 'library/alpine', cachedOnly);
    await cache(upstream, 'library/alpine', pushed); // also pushed: stored once, counted once

    const storage = await new StorageLimitService(fixture.env.dataSource).group(groupId, [projectId]);
    expect(storage).toEqual({ limit: 0, registrySize: 1000, dependencyProxySize: 1300, used: 1300 });

    // Under a group limit, a push is judged on the same figure; bytes already in the group's cache cost nothing.
    await quotas.setGroupLimit(fixture.env.dataSource.manager, groupId, 5000);
    expect(await quotas.facts(fixture.env.dataSource.manager, projectId, { kind: 'blob', digest: sha256('new') })).toEqual({
      stored: false,
      limited: [expect.objectContaining({ kind: 'group', id: groupId, limit: 5000, used: 1300 })],
    });
    expect(await quotas.facts(fixture.env.dataSource.manager, projectId, { kind: 'blob', digest: cachedDigest })).toEqual({ stored: true, limited: [] });
    // Another top-level group's cache is not this one's.
    const otherProject = await seedRegistryProject(fixture, 'elsewhere/app');
    await quotas.setGroupLimit(fixture.env.dataSource.manager, await groupIdOf('elsewhere'), 5000);
    expect((await quotas.facts(fixture.env.dataSource.manager, otherProject, { kind: 'blob', digest: cachedDigest })).stored).toBe(false);
  });

  it('deleting a group drops its cache entries and queues their blobs for GC review, which reclaims them', async () => {
    await seedRegistryProject(fixture, 'doomed/app');
    const groupId = await groupIdOf('doomed');
    const upstream = await upstreamOf(groupId, 'http://doomed-upstream.test');
    const layer = await cache(upstream, 'team/app', randomBytes(400));
    const manifest = await cache(upstream, 'team/app', randomBytes(200));
    await q(`UPDATE namespaces SET delete_requested_at = now() WHERE id = $1`, [groupId]);

    const namespaces = new NamespaceDeletionService(fixture.ctx, new RegistryDeletionService(fixture.ctx));
    expect(await namespaces.deleteGroup(groupId)).toMatchObject({ outcome: 'deleted' });
    expect(await q(`SELECT count(*)::int AS n FROM container_upstream_cache_entries WHERE digest = ANY($1)`, [[layer, manifest]])).toEqual([{ n: 0 }]);
    expect((await q<{ blob_digest: string }>(`SELECT blob_digest FROM gc_blob_review_queue WHERE blob_digest = ANY($1)`, [[layer, manifest]])).map((r) => r.blob_digest).sort()).toEqual(
      [layer, manifest].sort(),
    );

    const collector = new GarbageCollector(
      { db: fixture.env.dataSource, store: fixture.env.store, sql: new GcRepository(), changes: { repositoriesChanged: async () => undefined } },
      { reviewDelaySeconds: 0, uploadPurgeAgeSeconds: 3600 },
    );
    await collector.review();
    expect(await fixture.env.store.stat(layer)).toBeNull();
    expect(await fixture.env.store.stat(manifest)).toBeNull();
    expect(await q(`SELECT digest FROM blobs WHERE digest = ANY($1)`, [[layer, manifest]])).toEqual([]);
  });
});
