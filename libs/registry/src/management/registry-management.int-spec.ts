import { MEDIA_TYPE_OCI_MANIFEST } from '../domain';
import { ManifestService } from '../manifest.service';
import { createRegistryFixture, imageManifest, pushBlob, pushImageParts, RegistryFixture, seedRegistryProject } from '../registry-integration.spec-helper';
import { UploadService } from '../upload.service';
import { RegistryDeletionService } from './registry-deletion.service';
import { RegistryManagementService } from './registry-management.service';

/**
 * The management API's domain against PostgreSQL with the real schema: listings, deduplicated sizes, bulk tag deletes
 * through their request rows, and a repository delete taking tags, manifests and links in batches.
 */
describe('RegistryManagementService and RegistryDeletionService (integration)', () => {
  let fixture: RegistryFixture;
  let management: RegistryManagementService;
  let deletion: RegistryDeletionService;
  let manifests: ManifestService;
  let uploads: UploadService;
  let projectId: number;
  const ids: Record<string, number> = {};
  let shared: { digest: string; size: number };

  beforeAll(async () => {
    fixture = await createRegistryFixture({ gcReviewDelay: 0 });
    projectId = await seedRegistryProject(fixture, 'corp/shop');
    management = new RegistryManagementService(fixture.ctx);
    deletion = new RegistryDeletionService(fixture.ctx, 2); // small batches: a delete takes several rounds
    manifests = new ManifestService(fixture.ctx);
    uploads = new UploadService(fixture.ctx);
    // Two repositories sharing one layer; each has its own config.
    const layer = 'a layer both images use';
    shared = { digest: await pushBlob(uploads, 'corp/shop/api', layer), size: layer.length };
    await pushBlob(uploads, 'corp/shop/web', layer);
    for (const path of ['corp/shop/api', 'corp/shop/web']) {
      for (const tag of ['v1', 'v2', 'v3']) {
        const config = await pushImageParts(uploads, path, `${path}:${tag}`);
        const manifest = imageManifest({ config: config.config, layers: [config.layer, { mediaType: config.layer.mediaType, digest: shared.digest, size: shared.size }] });
        await manifests.put(path, tag, manifest, MEDIA_TYPE_OCI_MANIFEST);
      }
      ids[path] = (await fixture.env.query<{ id: number }>(`SELECT id FROM repositories WHERE path = $1`, [path]))[0].id;
    }
  });
  afterAll(() => fixture?.close());

  const q = <T extends object = Record<string, unknown>>(sql: string, params?: unknown[]) => fixture.env.query<T>(sql, params);

  it('lists repositories with tag counts and names, and sizes them counting a shared blob once', async () => {
    const listed = await management.listRepositories({ projectIds: [projectId] }, { limit: 10, offset: 0 }, { tags: true, tagsCount: true });
    expect(listed.total).toBe(2);
    expect(listed.items.map((r) => [r.path, r.name, r.tagsCount, r.tags])).toEqual([
      ['corp/shop/api', 'api', 3, ['v1', 'v2', 'v3']],
      ['corp/shop/web', 'web', 3, ['v1', 'v2', 'v3']],
    ]);
    expect(listed.items[0].createdAt).toBeInstanceOf(Date);
    expect((await management.listRepositories({ search: 'WE' }, { limit: 10, offset: 0 })).items.map((r) => r.path)).toEqual(['corp/shop/web']);

    const [{ blobs }] = await q<{ blobs: number }>(
      `SELECT sum(b.size)::bigint AS blobs FROM repository_blobs rb JOIN blobs b ON b.digest = rb.blob_digest WHERE rb.repository_id = $1`,
      [ids['corp/shop/api']],
    );
    const view = await management.describeRepository(await management.findRepository(ids['corp/shop/api']), { size: true });
    expect(view.size).toBe(blobs);
    const usage = await management.usage([projectId]);
    const [{ distinct }] = await q<{ distinct: number }>(`SELECT sum(size)::bigint AS distinct FROM blobs`);
    expect(usage).toEqual({ size: distinct, repositoriesCount: 2, tagsCount: 6 });
    expect(usage.size).toBeLessThan(2 * blobs); // the shared layer once
    // The size alone (project statistics, storage limits): the same bytes without counting the tags.
    expect(await management.storedSize([projectId])).toBe(usage.size);
    expect(await management.storedSize([])).toBe(0);

    const page = await management.listTags(ids['corp/shop/api'], { limit: 2, offset: 1 });
    expect({ names: page.items.map((tag) => tag.name), total: page.total }).toEqual({ names: ['v2', 'v3'], total: 3 });
    expect(page.items[0]).toEqual({ name: 'v2', lastPulledAt: null, pullCount: 0 });
    const keyset = await management.listTagsKeyset(ids['corp/shop/api'], { limit: 2, desc: true });
    expect({ names: keyset.items.map((tag) => tag.name), next: keyset.next }).toEqual({ names: ['v3', 'v2'], next: 'v2' });
    expect(await management.tagDetails(ids['corp/shop/api'], 'v1')).toMatchObject({ name: 'v1', digest: expect.stringMatching(/^sha256:/), configDigest: expect.stringMatching(/^sha256:/) });
  });

  it('runs a bulk tag delete from its request row, judged at the time it was asked for', async () => {
    const repositoryId = ids['corp/shop/web'];
    await q(`UPDATE tags SET created_at = now() - interval '10 days', updated_at = now() - interval '10 days' WHERE repository_id = $1 AND name <> 'v3'`, [repositoryId]);
    const request = await management.requestBulkDelete(repositoryId, { nameRegexDelete: 'v.*', keepN: 1, olderThan: 86400 }, null);
    expect(request).toMatchObject({ repositoryId, params: { nameRegexDelete: 'v.*', keepN: 1, olderThan: 86400 }, requestedBy: null });
    expect(request.requestedAt).toBeInstanceOf(Date);
    await q(`UPDATE bulk_tag_delete_requests SET updated_at = now() - interval '1 hour'`);
    expect((await deletion.strandedBulkDeleteRequests(600)).map((r) => r.id)).toEqual([request.id]);

    expect(await deletion.runBulkDeleteRequest(request.id)).toMatchObject({ ran: true, deleted: 2 });
    expect((await management.listTags(repositoryId, { limit: 10, offset: 0 })).items.map((tag) => tag.name)).toEqual(['v3']);
    expect(await q(`SELECT count(*)::int AS n FROM bulk_tag_delete_requests`)).toEqual([{ n: 0 }]);
    expect(await deletion.runBulkDeleteRequest(request.id)).toEqual({ ran: false, deleted: 0 }); // a job queued twice
  });

  it('deletes a repository in batches: tags, manifests, links (queued for GC), then the row, with its event', async () => {
    const repositoryId = ids['corp/shop/api'];
    const linked = (await q<{ blob_digest: string }>(`SELECT blob_digest FROM repository_blobs WHERE repository_id = $1`, [repositoryId])).map((r) => r.blob_digest);
    expect(await deletion.deleteRepository(repositoryId)).toEqual({ outcome: 'not_scheduled', tags: 0, manifests: 0, blobs: 0 });

    await management.scheduleRepositoryDelete(repositoryId);
    expect(await q(`SELECT status FROM repositories WHERE id = $1`, [repositoryId])).toEqual([{ status: 'delete_scheduled' }]);
    await q(`UPDATE repositories SET updated_at = now() - interval '1 hour' WHERE id = $1`, [repositoryId]);
    expect(await deletion.strandedRepositoryDeletes(600)).toEqual([repositoryId]);

    const result = await deletion.deleteRepository(repositoryId);
    expect(result).toEqual({ outcome: 'deleted', tags: 3, manifests: 3, blobs: linked.length });
    expect(await q(`SELECT 1 FROM repositories WHERE id = $1`, [repositoryId])).toEqual([]);
    expect(await q(`SELECT count(*)::int AS n FROM manifests WHERE repository_id = $1`, [repositoryId])).toEqual([{ n: 0 }]);
    const reviewed = await q<{ blob_digest: string; reason: string }>(`SELECT blob_digest, reason FROM gc_blob_review_queue WHERE blob_digest = ANY($1) ORDER BY blob_digest`, [linked]);
    expect(reviewed).toEqual([...linked].sort().map((blob_digest) => ({ blob_digest, reason: 'repository_deleted' })));
    expect(await q(`SELECT target_id FROM audit_events WHERE event_name = 'repository_deleted'`)).toEqual([{ target_id: 'corp/shop/api' }]);
    // The other repository still holds the shared layer.
    expect(await q(`SELECT 1 FROM repository_blobs WHERE repository_id = $1 AND blob_digest = $2`, [ids['corp/shop/web'], shared.digest])).toHaveLength(1);
    expect(await deletion.deleteRepository(repositoryId)).toMatchObject({ outcome: 'gone' });
  });
});
