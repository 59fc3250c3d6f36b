import { MEDIA_TYPE_OCI_CONFIG, MEDIA_TYPE_OCI_EMPTY, MEDIA_TYPE_OCI_MANIFEST } from './domain';
import { StoredManifest } from './data/manifest.repository';
import { ManifestService } from './manifest.service';
import {
  createRegistryFixture,
  describeBytes,
  imageIndex,
  imageManifest,
  pushBlob,
  pushImageParts,
  RegistryFixture,
  seedRegistryProject,
  sha256,
} from './registry-integration.spec-helper';
import { UploadService } from './upload.service';
import { countStatements } from '@cargohold/testing';

/** ManifestService against PostgreSQL with the real schema: what a push, a pull and a delete leave in the tables. */
describe('ManifestService (integration)', () => {
  let fixture: RegistryFixture;
  let manifests: ManifestService;
  let uploads: UploadService;
  let projectId: number;
  const repo = 'acme/shop/api';

  beforeAll(async () => {
    fixture = await createRegistryFixture({ gcReviewDelay: 600 });
    projectId = await seedRegistryProject(fixture, 'acme/shop');
    manifests = new ManifestService(fixture.ctx);
    uploads = new UploadService(fixture.ctx);
  });
  afterAll(() => fixture?.close());

  const q = <T extends object = Record<string, unknown>>(sql: string, params?: unknown[]) => fixture.env.query<T>(sql, params);
  const manifestRow = async (digest: string) =>
    (await q<{ id: number; media_type: string; config_digest: string | null; subject_digest: string | null; artifact_type: string | null; total_size: number; payload: Buffer }>(
      `SELECT m.id, m.media_type, m.config_digest, m.subject_digest, m.artifact_type, m.total_size, m.payload
         FROM manifests m JOIN repositories r ON r.id = m.repository_id WHERE r.path = $1 AND m.digest = $2`,
      [repo, digest],
    ))[0];
  const tagTarget = async (tag: string) =>
    (await q<{ digest: string }>(`SELECT m.digest FROM tags t JOIN manifests m ON m.id = t.manifest_id JOIN repositories r ON r.id = t.repository_id WHERE r.path = $1 AND t.name = $2`, [repo, tag]))[0]?.digest;
  const manifestReview = (id: number) => q<{ reason: string }>(`SELECT reason FROM gc_manifest_review_queue WHERE manifest_id = $1`, [id]);
  const audit = (event: string) => q<{ target_id: string; details: Record<string, unknown> }>(`SELECT target_id, details FROM audit_events WHERE event_name = $1 ORDER BY id`, [event]);

  it('pushes by tag: the exact bytes, the blob links, the tag and the audit row, readable by tag and by digest', async () => {
    const { manifest, config, layer } = await pushImageParts(uploads, repo, 'v1');
    const digest = sha256(manifest);

    expect(await manifests.put(repo, 'v1', manifest, MEDIA_TYPE_OCI_MANIFEST)).toEqual({ digest, subjectDigest: undefined });

    const row = await manifestRow(digest);
    expect(row).toMatchObject({ media_type: MEDIA_TYPE_OCI_MANIFEST, config_digest: config.digest, subject_digest: null, total_size: manifest.length + config.size + layer.size });
    expect(row.payload.equals(manifest)).toBe(true);
    expect(await q(`SELECT blob_digest FROM manifest_blobs WHERE manifest_id = $1 ORDER BY blob_digest`, [row.id])).toEqual(
      [config.digest, layer.digest].sort().map((blob_digest) => ({ blob_digest })),
    );
    expect(await tagTarget('v1')).toBe(digest);
    expect(await manifestReview(row.id)).toEqual([]); // tagged: nothing for GC to review
    expect(await audit('image_pushed')).toEqual([
      { target_id: `${repo}:v1`, details: { tag: 'v1', digest, media_type: MEDIA_TYPE_OCI_MANIFEST, size: row.total_size } },
    ]);

    expect(await q(`SELECT DISTINCT entity_type, entity_id, entity_path FROM audit_events`)).toEqual([{ entity_type: 'Project', entity_id: projectId, entity_path: 'acme/shop' }]);

    const byTag = await manifests.get(repo, 'v1');
    expect(byTag).toMatchObject({ id: row.id, digest, mediaType: MEDIA_TYPE_OCI_MANIFEST });
    expect(byTag.payload.equals(manifest)).toBe(true);
    expect((await manifests.get(repo, digest)).payload.equals(manifest)).toBe(true);
    expect(await manifests.head(repo, 'v1')).toEqual({ id: row.id, digest, mediaType: MEDIA_TYPE_OCI_MANIFEST, size: manifest.length });
    await expect(manifests.get(repo, 'v2')).rejects.toMatchObject({ code: 'MANIFEST_UNKNOWN' });
    await expect(manifests.get('acme/shop/none', 'v1')).rejects.toMatchObject({ code: 'MANIFEST_UNKNOWN' });
  });

  it('pushes a manifest under a new tag in 7 round trips: limits with the owning project, then one transaction of 6', async () => {
    // What each costs is written down in docs/performance.md; a new statement on this path should be a decision.
    // Quota facts with the owning project; BEGIN with the protection lock (one simple query); rules + repository +
    // blob sizes (one statement); manifest; tag; event outbox; COMMIT.
    const { manifest } = await pushImageParts(uploads, repo, 'counted');
    await manifests.put(repo, 'warm', manifest, MEDIA_TYPE_OCI_MANIFEST); // connections and prepared statements warm
    const { count } = await countStatements(() => manifests.put(repo, 'counted-2', manifest, MEDIA_TYPE_OCI_MANIFEST));
    expect(count).toBe(7);
    // The connection went back to the pool outside any transaction, after a refusal too (the ROLLBACK).
    await expect(manifests.put(repo, 'x', Buffer.from('{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"sha256:' + 'c'.repeat(64) + '","size":2},"layers":[]}'), MEDIA_TYPE_OCI_MANIFEST)).rejects.toMatchObject({ code: 'MANIFEST_BLOB_UNKNOWN' });
    const states = await fixture.env.dataSource.query(`SELECT state FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid() AND backend_type = 'client backend'`);
    expect((states as Array<{ state: string }>).filter((row) => row.state.startsWith('idle in transaction'))).toEqual([]);
  });

  it('refuses a manifest whose blobs are missing, of the wrong size or whose digest does not match, writing nothing', async () => {
    const before = await q<{ n: number }>(`SELECT count(*)::int AS n FROM manifests`);
    const config = describeBytes(MEDIA_TYPE_OCI_CONFIG, '{"never":"pushed"}');
    const missing = imageManifest({ config, layers: [] });
    await expect(manifests.put(repo, 'broken', missing, MEDIA_TYPE_OCI_MANIFEST)).rejects.toMatchObject({ code: 'MANIFEST_BLOB_UNKNOWN', detail: { digests: [config.digest] } });

    const pushed = await pushImageParts(uploads, repo, 'sizes');
    const lying = imageManifest({ config: pushed.config, layers: [{ ...pushed.layer, size: pushed.layer.size + 1 }] });
    await expect(manifests.put(repo, 'broken', lying, MEDIA_TYPE_OCI_MANIFEST)).rejects.toMatchObject({
      code: 'MANIFEST_BLOB_UNKNOWN',
      detail: { digest: pushed.layer.digest, declared: pushed.layer.size + 1, stored: pushed.layer.size },
    });

    await expect(manifests.put(repo, sha256('something else'), pushed.manifest, MEDIA_TYPE_OCI_MANIFEST)).rejects.toMatchObject({ code: 'DIGEST_INVALID' });
    await expect(manifests.put('elsewhere/app', 'v1', pushed.manifest, MEDIA_TYPE_OCI_MANIFEST)).rejects.toMatchObject({ code: 'NAME_UNKNOWN' });

    expect(await q(`SELECT count(*)::int AS n FROM manifests`)).toEqual(before);
    expect(await tagTarget('broken')).toBeUndefined();
  });

  it('moves a tag: the tag points at the new manifest and the old one is queued for GC review', async () => {
    const first = await pushImageParts(uploads, repo, 'move-1');
    const second = await pushImageParts(uploads, repo, 'move-2');
    await manifests.put(repo, 'stable', first.manifest, MEDIA_TYPE_OCI_MANIFEST);
    await manifests.put(repo, 'stable', second.manifest, MEDIA_TYPE_OCI_MANIFEST);

    expect(await tagTarget('stable')).toBe(sha256(second.manifest));
    const old = await manifestRow(sha256(first.manifest));
    expect(await manifestReview(old.id)).toEqual([{ reason: 'tag_moved' }]);
    const [{ due }] = await q<{ due: boolean }>(`SELECT review_after > now() + interval '590 seconds' AS due FROM gc_manifest_review_queue WHERE manifest_id = $1`, [old.id]);
    expect(due).toBe(true); // the settings' review delay
    expect((await manifests.get(repo, 'stable')).digest).toBe(sha256(second.manifest));
    // Pushing the same bytes again under the same tag changes nothing and queues nothing.
    await manifests.put(repo, 'stable', second.manifest, MEDIA_TYPE_OCI_MANIFEST);
    expect(await manifestReview((await manifestRow(sha256(second.manifest))).id)).toEqual([]);
  });

  it('pushes an index over children pushed by digest, and refuses to delete a child while the index holds it', async () => {
    const amd = await pushImageParts(uploads, repo, 'amd64');
    const arm = await pushImageParts(uploads, repo, 'arm64');
    const amdDigest = (await manifests.put(repo, sha256(amd.manifest), amd.manifest, MEDIA_TYPE_OCI_MANIFEST)).digest;
    const armDigest = (await manifests.put(repo, sha256(arm.manifest), arm.manifest, MEDIA_TYPE_OCI_MANIFEST)).digest;
    const amdRow = await manifestRow(amdDigest);
    expect(await manifestReview(amdRow.id)).toEqual([{ reason: 'pushed_untagged' }]);

    const index = imageIndex([describeBytes(MEDIA_TYPE_OCI_MANIFEST, amd.manifest), describeBytes(MEDIA_TYPE_OCI_MANIFEST, arm.manifest)]);
    const indexDigest = (await manifests.put(repo, 'multi', index, 'application/vnd.oci.image.index.v1+json')).digest;
    const indexRow = await manifestRow(indexDigest);
    expect(indexRow.total_size).toBe(index.length + amd.manifest.length + arm.manifest.length);
    expect(await q(`SELECT child_id FROM manifest_references WHERE parent_id = $1 ORDER BY child_id`, [indexRow.id])).toEqual(
      [amdRow.id, (await manifestRow(armDigest)).id].sort((a, b) => a - b).map((child_id) => ({ child_id })),
    );

    await expect(manifests.delete(repo, amdDigest)).rejects.toMatchObject({ code: 'MANIFEST_REFERENCED' });
    expect(await manifestRow(amdDigest)).toBeDefined();

    // An index naming a child the repository does not hold is refused.
    const stray = imageIndex([describeBytes(MEDIA_TYPE_OCI_MANIFEST, '{"not":"pushed"}')]);
    await expect(manifests.put(repo, 'stray', stray, 'application/vnd.oci.image.index.v1+json')).rejects.toMatchObject({ code: 'MANIFEST_BLOB_UNKNOWN' });
  });

  it('lists referrers of a subject, filtered by artifact type and paged in digest order, with their annotations', async () => {
    const subject = await pushImageParts(uploads, repo, 'signed');
    const subjectDigest = (await manifests.put(repo, 'signed', subject.manifest, MEDIA_TYPE_OCI_MANIFEST)).digest;
    const empty = await pushBlob(uploads, repo, '{}');
    const emptyConfig = { mediaType: MEDIA_TYPE_OCI_EMPTY, digest: empty, size: 2 };
    const subjectDescriptor = describeBytes(MEDIA_TYPE_OCI_MANIFEST, subject.manifest);
    const referrer = (artifactType: string, n: number) =>
      imageManifest({ config: emptyConfig, layers: [], subject: subjectDescriptor, artifactType, annotations: { 'org.example.n': String(n) } });
    const pushed: Array<{ digest: string; artifactType: string; n: number }> = [];
    for (const [artifactType, n] of [['application/vnd.example.sig', 1], ['application/vnd.example.sig', 2], ['application/vnd.example.sbom', 3]] as const) {
      const payload = referrer(artifactType, n);
      const result = await manifests.put(repo, sha256(payload), payload, MEDIA_TYPE_OCI_MANIFEST);
      expect(result.subjectDigest).toBe(subjectDigest);
      pushed.push({ digest: result.digest, artifactType, n });
    }
    expect((await manifestRow(pushed[0].digest)).subject_digest).toBe(subjectDigest);

    const all = await manifests.referrers(repo, subjectDigest);
    const expected = [...pushed].sort((a, b) => (a.digest < b.digest ? -1 : 1));
    expect(all.next).toBeUndefined();
    expect(all.descriptors.map((d) => [d.digest, d.artifactType, d.annotations?.['org.example.n']])).toEqual(expected.map((p) => [p.digest, p.artifactType, String(p.n)]));
    expect(all.descriptors.every((d) => d.mediaType === MEDIA_TYPE_OCI_MANIFEST && d.size > 0)).toBe(true);

    const sigs = await manifests.referrers(repo, subjectDigest, { artifactType: 'application/vnd.example.sig' });
    expect(sigs.descriptors.map((d) => d.digest).sort()).toEqual(pushed.filter((p) => p.n < 3).map((p) => p.digest).sort());

    const page1 = await manifests.referrers(repo, subjectDigest, { n: 2 });
    expect(page1.descriptors.map((d) => d.digest)).toEqual(expected.slice(0, 2).map((p) => p.digest));
    expect(page1.next).toBe(expected[1].digest);
    const page2 = await manifests.referrers(repo, subjectDigest, { n: 2, last: page1.next });
    expect(page2).toEqual({ descriptors: [expect.objectContaining({ digest: expected[2].digest })] });
  });

  it('deletes by tag (the manifest stays, queued for review) and by digest (manifest, tags and unused links go)', async () => {
    const image = await pushImageParts(uploads, repo, 'doomed');
    const digest = (await manifests.put(repo, 'doomed', image.manifest, MEDIA_TYPE_OCI_MANIFEST)).digest;
    await manifests.put(repo, 'doomed-too', image.manifest, MEDIA_TYPE_OCI_MANIFEST);
    const row = await manifestRow(digest);

    await manifests.delete(repo, 'doomed');
    expect(await tagTarget('doomed')).toBeUndefined();
    expect(await manifestRow(digest)).toBeDefined();
    expect(await manifestReview(row.id)).toEqual([{ reason: 'tag_deleted' }]);
    expect((await audit('tag_deleted')).at(-1)).toEqual({ target_id: `${repo}:doomed`, details: { tag: 'doomed', digest } });
    await expect(manifests.delete(repo, 'doomed')).rejects.toMatchObject({ code: 'MANIFEST_UNKNOWN' });

    await manifests.delete(repo, digest);
    expect(await manifestRow(digest)).toBeUndefined();
    expect(await tagTarget('doomed-too')).toBeUndefined();
    await expect(manifests.get(repo, digest)).rejects.toMatchObject({ code: 'MANIFEST_UNKNOWN' });
    // The layer and config were used by this manifest only: the repository's links go and GC is told to look.
    expect(await q(`SELECT blob_digest FROM repository_blobs rb JOIN repositories r ON r.id = rb.repository_id WHERE r.path = $1 AND blob_digest = ANY($2)`, [repo, [image.config.digest, image.layer.digest]])).toEqual([]);
    expect(await q(`SELECT blob_digest, reason FROM gc_blob_review_queue WHERE blob_digest = ANY($1) ORDER BY blob_digest`, [[image.config.digest, image.layer.digest]])).toEqual(
      [image.config.digest, image.layer.digest].sort().map((blob_digest) => ({ blob_digest, reason: 'manifest_deleted' })),
    );
    expect((await audit('manifest_deleted')).at(-1)).toEqual({
      target_id: `${repo}@${digest}`,
      details: { digest, tags: ['doomed-too'], tags_count: 1, tags_truncated: false },
    });
    // The bytes stay in the store until GC decides.
    expect(await fixture.env.store.stat(image.layer.digest)).toMatchObject({ size: image.layer.size });
  });

  it('reads several manifests within a byte budget, payloads in the order asked until the budget is spent', async () => {
    const a = await pushImageParts(uploads, repo, 'budget-a');
    const b = await pushImageParts(uploads, repo, 'budget-b');
    const da = (await manifests.put(repo, 'budget-a', a.manifest, MEDIA_TYPE_OCI_MANIFEST)).digest;
    const db = (await manifests.put(repo, 'budget-b', b.manifest, MEDIA_TYPE_OCI_MANIFEST)).digest;
    const found = await manifests.findManyWithinBudget(repo, [db, sha256('absent'), da], b.manifest.length + 1);
    expect(found.map((m) => [m.digest, m.size, m.payload === null])).toEqual([
      [db, b.manifest.length, false],
      [da, a.manifest.length, true],
    ]);
    expect((found[0].payload as Buffer).equals(b.manifest)).toBe(true);
  });

  it('serves what was stored, byte for byte, whatever its whitespace', async () => {
    const image = await pushImageParts(uploads, repo, 'spaces');
    const pretty = Buffer.from(JSON.stringify(JSON.parse(image.manifest.toString()), null, 3) + '\n');
    const digest = (await manifests.put(repo, 'pretty', pretty, MEDIA_TYPE_OCI_MANIFEST)).digest;
    expect(digest).toBe(sha256(pretty));
    const stored: StoredManifest = await manifests.get(repo, 'pretty');
    expect(stored.payload.equals(pretty)).toBe(true);
  });
});
