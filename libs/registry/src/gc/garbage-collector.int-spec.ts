import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { createDataSource, DataSource, runMigrations } from '@cargohold/db';
import { FilesystemBlobStore } from '@cargohold/storage';
import { createTestDatabase, seedProject, TestDatabase } from '@cargohold/testing';
import { BlobRepository } from '../data/blob.repository';
import { RegistryChangeNotifier } from '../manifest-cache';
import { GarbageCollector } from './garbage-collector';
import { GcRepository } from './gc.repository';
import { GcOptions } from './gc-result';

/**
 * The collector against a real PostgreSQL (the real migrations) and a real filesystem blob store: rows are seeded
 * with SQL, bytes are written through the store, and every assertion reads rows and files back.
 */
describe('GarbageCollector (PostgreSQL, filesystem store)', () => {
  let database: TestDatabase;
  let dataSource: DataSource;
  let projectId: number;
  let storeRoot: string;
  let store: FilesystemBlobStore;
  let changed: Array<readonly string[] | 'all'>;
  const changes: RegistryChangeNotifier = { repositoriesChanged: async (paths) => void changed.push(paths) };

  beforeAll(async () => {
    database = await createTestDatabase('ch_int_gc');
    await runMigrations(database.url);
    dataSource = await createDataSource(database.url, { poolSize: 4, applicationName: 'gc-int-spec' }).initialize();
    projectId = await seedProject(database, 'gc/project');
  });

  afterAll(async () => {
    await dataSource?.destroy();
    await database?.drop();
  });

  beforeEach(async () => {
    await database.query(
      `TRUNCATE gc_blob_review_queue, gc_manifest_review_queue, tags, manifest_references, manifest_blobs, manifests, repository_blobs, blobs, uploads, repositories CASCADE`,
    );
    storeRoot = await mkdtemp(join(tmpdir(), 'gc-int-'));
    store = new FilesystemBlobStore(storeRoot);
    changed = [];
  });

  afterEach(async () => {
    if (storeRoot) await rm(storeRoot, { recursive: true, force: true });
  });

  const collector = (options: Partial<GcOptions> = {}) =>
    new GarbageCollector({ db: dataSource, store, sql: new GcRepository(), changes }, { reviewDelaySeconds: 0, uploadPurgeAgeSeconds: 3600, ...options });

  async function repository(path: string): Promise<number> {
    const [row] = await database.query<{ id: number }>(`INSERT INTO repositories (project_id, path, name) VALUES ($1, $2, $2) RETURNING id`, [projectId, path]);
    return Number(row.id);
  }

  /** Real bytes in the store and their `blobs` row; returns the digest. */
  async function blob(size = 1000): Promise<string> {
    const bytes = randomBytes(size);
    const digest = `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
    const id = randomUUID();
    await store.createUpload(id);
    await store.appendUpload(id, 0, Readable.from([bytes]));
    await store.commitUpload(id, digest);
    await database.query(`INSERT INTO blobs (digest, size) VALUES ($1, $2)`, [digest, size]);
    return digest;
  }

  /** Links a blob to a repository, `ageSeconds` ago. */
  async function link(repositoryId: number, digest: string, ageSeconds = 3600): Promise<void> {
    await database.query(`INSERT INTO repository_blobs (repository_id, blob_digest, created_at) VALUES ($1, $2, now() - make_interval(secs => $3))`, [
      repositoryId,
      digest,
      ageSeconds,
    ]);
  }

  async function manifest(repositoryId: number, blobs: string[], extra: { subject?: string } = {}): Promise<{ id: number; digest: string }> {
    const payload = Buffer.from(JSON.stringify({ schemaVersion: 2, blobs, nonce: randomBytes(4).toString('hex') }));
    const digest = `sha256:${createHash('sha256').update(payload).digest('hex')}`;
    const [row] = await database.query<{ id: number }>(
      `INSERT INTO manifests (repository_id, digest, media_type, subject_digest, payload) VALUES ($1, $2, 'application/vnd.oci.image.manifest.v1+json', $3, $4) RETURNING id`,
      [repositoryId, digest, extra.subject ?? null, payload],
    );
    for (const digest of blobs) await database.query(`INSERT INTO manifest_blobs (manifest_id, blob_digest) VALUES ($1, $2)`, [row.id, digest]);
    return { id: Number(row.id), digest };
  }

  /** Queues for review, due `dueInSeconds` from now (negative: overdue). */
  const queueBlob = (digest: string, dueInSeconds = -1) =>
    database.query(`INSERT INTO gc_blob_review_queue (blob_digest, review_after, reason) VALUES ($1, now() + make_interval(secs => $2), 'test')`, [digest, dueInSeconds]);
  const queueManifest = (id: number, dueInSeconds = -1) =>
    database.query(`INSERT INTO gc_manifest_review_queue (manifest_id, review_after, reason) VALUES ($1, now() + make_interval(secs => $2), 'test')`, [id, dueInSeconds]);

  const blobRows = async () => (await database.query<{ digest: string }>(`SELECT digest FROM blobs ORDER BY digest`)).map((row) => row.digest);
  const blobQueue = async () => (await database.query<{ blob_digest: string }>(`SELECT blob_digest FROM gc_blob_review_queue ORDER BY 1`)).map((row) => row.blob_digest);
  const manifestIds = async () => (await database.query<{ id: number }>(`SELECT id FROM manifests ORDER BY id`)).map((row) => Number(row.id));
  const manifestQueue = async () => (await database.query<{ manifest_id: number }>(`SELECT manifest_id FROM gc_manifest_review_queue ORDER BY 1`)).map((row) => Number(row.manifest_id));
  const stored = async (digest: string) => (await store.stat(digest)) !== null;

  it('reclaims an unreferenced blob: its bytes, its row and its queue row', async () => {
    const digest = await blob(1234);
    await queueBlob(digest);

    const result = await collector().review();

    expect(result).toMatchObject({ blobsReviewed: 1, blobsDeleted: 1, bytesReclaimed: 1234, skipped: 0 });
    expect(await blobRows()).toEqual([]);
    expect(await blobQueue()).toEqual([]);
    expect(await stored(digest)).toBe(false);
  });

  it('keeps a blob a manifest references, and only drops its queue row', async () => {
    const repo = await repository('gc/project/kept');
    const digest = await blob();
    await link(repo, digest);
    await manifest(repo, [digest]);
    await queueBlob(digest);

    const result = await collector().review();

    expect(result).toMatchObject({ blobsReviewed: 1, blobsDeleted: 0, bytesReclaimed: 0 });
    expect(await blobRows()).toEqual([digest]);
    expect(await blobQueue()).toEqual([]);
    expect(await stored(digest)).toBe(true);
  });

  it('keeps a blob that only a repository link holds: an upload waiting for its manifest', async () => {
    const repo = await repository('gc/project/uploading');
    const digest = await blob();
    await link(repo, digest, 0);
    await queueBlob(digest);

    const result = await collector().review();

    expect(result).toMatchObject({ blobsReviewed: 1, blobsDeleted: 0 });
    expect(await blobRows()).toEqual([digest]);
    expect(await stored(digest)).toBe(true);
  });

  it('leaves items whose review time has not come: rows, bytes and queue rows stay', async () => {
    const repo = await repository('gc/project/waiting');
    const unreferenced = await blob();
    const layer = await blob();
    await link(repo, layer);
    const untagged = await manifest(repo, [layer]);
    await queueBlob(unreferenced, 3600);
    await queueManifest(untagged.id, 3600);

    const result = await collector().review();

    expect(result).toMatchObject({ manifestsReviewed: 0, blobsReviewed: 0, skipped: 0 });
    expect(await blobRows()).toEqual([unreferenced, layer].sort());
    expect(await manifestIds()).toEqual([untagged.id]);
    expect(await blobQueue()).toEqual([unreferenced]);
    expect(await manifestQueue()).toEqual([untagged.id]);
    expect(await stored(unreferenced)).toBe(true);
    expect(await collector().queueDepths()).toEqual({ manifests: 1, manifestsDue: 0, blobs: 1, blobsDue: 0 });
  });

  it('deletes a dangling manifest, unlinks its blobs and reclaims them in the same run, and tells the caches', async () => {
    const repo = await repository('gc/project/dangling');
    const config = await blob(100);
    const layer = await blob(2000);
    await link(repo, config);
    await link(repo, layer);
    const untagged = await manifest(repo, [config, layer]);
    await queueManifest(untagged.id);

    const result = await collector().review();

    expect(result).toMatchObject({ manifestsReviewed: 1, manifestsDeleted: 1, linksRemoved: 2, blobsReviewed: 2, blobsDeleted: 2, bytesReclaimed: 2100 });
    expect(await manifestIds()).toEqual([]);
    expect(await blobRows()).toEqual([]);
    expect(await database.query(`SELECT * FROM repository_blobs`)).toEqual([]);
    expect(await stored(config)).toBe(false);
    expect(await stored(layer)).toBe(false);
    expect(changed).toEqual([['gc/project/dangling']]);
  });

  it('keeps a manifest a restorable deleted tag names until the window ends, then collects it', async () => {
    const repo = await repository('gc/project/restorable');
    const layer = await blob(500);
    await link(repo, layer);
    const untagged = await manifest(repo, [layer]);
    await database.query(`INSERT INTO deleted_tags (repository_id, name, digest, how, deleted_at) VALUES ($1, 'v1', $2, 'api', now() - interval '10 minutes')`, [
      repo,
      untagged.digest,
    ]);
    await queueManifest(untagged.id);

    const kept = await collector({ reviewDelaySeconds: 3600 }).review();
    expect(kept).toMatchObject({ manifestsReviewed: 1, manifestsDeleted: 0, blobsDeleted: 0 });
    expect(await manifestIds()).toEqual([untagged.id]);
    // Reviewed again when the deletion's window ends (nothing else would queue it then).
    const [queued] = await database.query<{ reason: string; late: boolean; early: boolean }>(
      `SELECT reason, review_after > now() + interval '49 minutes' AS late, review_after < now() + interval '51 minutes' AS early FROM gc_manifest_review_queue WHERE manifest_id = $1`,
      [untagged.id],
    );
    expect(queued).toEqual({ reason: 'deleted_tag_restorable', late: true, early: true });

    // A deletion in another repository, or one whose window has passed, keeps nothing.
    const other = await repository('gc/project/elsewhere');
    await database.query(`UPDATE deleted_tags SET deleted_at = now() - interval '2 hours'`);
    await database.query(`INSERT INTO deleted_tags (repository_id, name, digest, how) VALUES ($1, 'v1', $2, 'api')`, [other, untagged.digest]);
    await database.query(`UPDATE gc_manifest_review_queue SET review_after = now() - interval '1 second'`);
    const collected = await collector({ reviewDelaySeconds: 3600 }).review();
    expect(collected).toMatchObject({ manifestsReviewed: 1, manifestsDeleted: 1 });
    expect(await manifestIds()).toEqual([]);
  });

  it('keeps a blob another manifest of the repository still uses when a manifest goes', async () => {
    const repo = await repository('gc/project/shared');
    const shared = await blob();
    const own = await blob();
    for (const digest of [shared, own]) await link(repo, digest);
    const untagged = await manifest(repo, [shared, own]);
    const tagged = await manifest(repo, [shared]);
    await database.query(`INSERT INTO tags (repository_id, name, manifest_id) VALUES ($1, 'latest', $2)`, [repo, tagged.id]);
    await queueManifest(untagged.id);
    await queueManifest(tagged.id);

    const result = await collector().review();

    expect(result).toMatchObject({ manifestsReviewed: 2, manifestsDeleted: 1, linksRemoved: 1, blobsDeleted: 1 });
    expect(await manifestIds()).toEqual([tagged.id]);
    expect(await blobRows()).toEqual([shared]);
    expect(await stored(shared)).toBe(true);
    expect(await stored(own)).toBe(false);
    expect(await manifestQueue()).toEqual([]);
  });

  it('respects the review delay after a manifest delete: fresh links stay, its blobs are queued for later', async () => {
    const repo = await repository('gc/project/fresh');
    const fresh = await blob();
    const old = await blob();
    await link(repo, fresh, 0);
    await link(repo, old, 3600);
    const untagged = await manifest(repo, [fresh, old]);
    await queueManifest(untagged.id);

    const result = await collector({ reviewDelaySeconds: 600 }).review();

    expect(result).toMatchObject({ manifestsDeleted: 1, linksRemoved: 1, blobsReviewed: 0, blobsDeleted: 0 });
    const links = await database.query<{ blob_digest: string }>(`SELECT blob_digest FROM repository_blobs`);
    expect(links.map((row) => row.blob_digest)).toEqual([fresh]);
    expect(await blobQueue()).toEqual([fresh, old].sort());
    const due = await database.query<{ later: boolean }>(`SELECT bool_and(review_after > now() + interval '500 seconds') AS later FROM gc_blob_review_queue`);
    expect(due[0].later).toBe(true);
    expect(await stored(fresh)).toBe(true);
    expect(await stored(old)).toBe(true);
  });

  it('deletes a dangling index and then the children it alone kept, and keeps a referrer while its subject lives', async () => {
    const repo = await repository('gc/project/index');
    const layer = await blob();
    await link(repo, layer);
    const child = await manifest(repo, []);
    const index = await manifest(repo, []);
    await database.query(`INSERT INTO manifest_references (parent_id, child_id) VALUES ($1, $2)`, [index.id, child.id]);
    const subject = await manifest(repo, [layer]);
    await database.query(`INSERT INTO tags (repository_id, name, manifest_id) VALUES ($1, 'v1', $2)`, [repo, subject.id]);
    const signature = await manifest(repo, [], { subject: subject.digest });
    await queueManifest(child.id);
    await queueManifest(index.id, -0.5);
    await queueManifest(signature.id);

    const result = await collector().review();

    // The child is reviewed while the index still references it (kept), then queued again when the index goes.
    expect(await manifestIds()).toEqual([subject.id, signature.id]);
    expect(result).toMatchObject({ manifestsDeleted: 2 });
    expect(await manifestQueue()).toEqual([]);
  });

  it('skips a blob whose row a push holds, leaves it queued, and deletes it on a later run', async () => {
    const digest = await blob();
    await queueBlob(digest);
    const push = dataSource.createQueryRunner();
    await push.connect();
    await push.startTransaction();
    try {
      await push.query(`SELECT 1 FROM blobs WHERE digest = $1 FOR SHARE`, [digest]);
      const held = await collector().review();
      expect(held).toMatchObject({ blobsReviewed: 0, blobsDeleted: 0, skipped: 1 });
      expect(await blobQueue()).toEqual([digest]);
      expect(await stored(digest)).toBe(true);
    } finally {
      await push.rollbackTransaction();
      await push.release();
    }

    const later = await collector().review();
    expect(later).toMatchObject({ blobsDeleted: 1, skipped: 0 });
    expect(await stored(digest)).toBe(false);
  });

  /** Resolves once a session of this database waits for a row lock (the collector queued behind a push). */
  async function someoneWaitsForALock(): Promise<void> {
    for (;;) {
      const [row] = await database.query<{ waiting: number }>(
        `SELECT count(*)::int AS waiting FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'`,
      );
      if (row.waiting > 0) return;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  it('batch of blob reviews: a blob a push uploads and links meanwhile is passed over, kept, and its review dropped later', async () => {
    const repo = await repository('gc/project/racing-upload');
    const garbage = [await blob(11), await blob(12), await blob(13)];
    const pushed = await blob(14);
    for (const digest of [...garbage, pushed]) await queueBlob(digest);
    const push = dataSource.createQueryRunner();
    await push.connect();
    await push.startTransaction();
    try {
      // What an upload commit does: lock (or re-create) the blob row, then link it to the repository.
      await new BlobRepository().upsertAndLock(push.manager, pushed, 14);
      await new BlobRepository().link(push.manager, repo, pushed);
      const during = await collector().review();
      // The push holds the queue row (its link drops the review), so no batch claims it: not reviewed, not counted.
      expect(during).toMatchObject({ blobsReviewed: 3, blobsDeleted: 3, bytesReclaimed: 36, skipped: 0 });
      await push.commitTransaction();
    } finally {
      await push.release();
    }

    expect(await blobRows()).toEqual([pushed]);
    expect(await stored(pushed)).toBe(true);
    for (const digest of garbage) expect(await stored(digest)).toBe(false);
    // The link's commit dropped the review; queued again, the review keeps the linked blob.
    await queueBlob(pushed);
    const later = await collector().review();
    expect(later).toMatchObject({ blobsReviewed: 1, blobsDeleted: 0, skipped: 0 });
    expect(await blobRows()).toEqual([pushed]);
    expect(await blobQueue()).toEqual([]);
    expect(await stored(pushed)).toBe(true);
  });

  it('several blob streams: each review is claimed once, a blob a push holds stays, and the counts add up', async () => {
    const garbage: string[] = [];
    for (let i = 0; i < 23; i++) garbage.push(await blob(100 + i));
    const held = await blob(7);
    for (const digest of [...garbage, held]) await queueBlob(digest);
    const claims: string[][] = [];
    const counting = new Proxy(store, {
      get: (target, name, receiver) =>
        name === 'delete'
          ? async (digests: string[]) => {
              claims.push(digests);
              return target.delete(digests);
            }
          : Reflect.get(target, name, receiver),
    });
    const push = dataSource.createQueryRunner();
    await push.connect();
    await push.startTransaction();
    try {
      await push.query(`SELECT 1 FROM blobs WHERE digest = $1 FOR SHARE`, [held]);
      const result = await new GarbageCollector(
        { db: dataSource, store: counting, sql: new GcRepository(), changes },
        { reviewDelaySeconds: 0, uploadPurgeAgeSeconds: 3600, batchSize: 4, blobStreams: 3 },
      ).review();
      const bytes = garbage.length * 100 + (garbage.length * (garbage.length - 1)) / 2;
      expect(result).toMatchObject({ blobsReviewed: 23, blobsDeleted: 23, bytesReclaimed: bytes, skipped: 1 });
    } finally {
      await push.rollbackTransaction();
      await push.release();
    }

    // Every file deleted exactly once, in batches of at most 4.
    expect(claims.flat().sort()).toEqual([...garbage].sort());
    expect(Math.max(...claims.map((batch) => batch.length))).toBeLessThanOrEqual(4);
    expect(await blobRows()).toEqual([held]);
    expect(await blobQueue()).toEqual([held]);
    expect(await stored(held)).toBe(true);
    for (const digest of garbage) expect(await stored(digest)).toBe(false);
  });

  it('batch of blob reviews: deletes the bytes before COMMIT, while its transaction still holds the row', async () => {
    const digests = [await blob(10), await blob(20), await blob(30)];
    for (const digest of digests) await queueBlob(digest);
    const seen: Array<{ digest: string; rowVisible: boolean; lock: string }> = [];
    const observing = new Proxy(store, {
      get: (target, name, receiver) =>
        name === 'delete'
          ? async (deleting: string[]) => {
              // From another session: the row is still there (the delete has not committed) and locked.
              for (const digest of deleting) {
                const [row] = await database.query<{ n: number }>(`SELECT count(*)::int AS n FROM blobs WHERE digest = $1`, [digest]);
                let lock = 'free';
                const probe = dataSource.createQueryRunner();
                await probe.connect();
                try {
                  await probe.startTransaction();
                  await probe.query(`SELECT 1 FROM blobs WHERE digest = $1 FOR UPDATE NOWAIT`, [digest]);
                } catch (error) {
                  lock = (error as { code?: string }).code === '55P03' ? 'held' : String(error);
                } finally {
                  await probe.rollbackTransaction().catch(() => undefined);
                  await probe.release();
                }
                seen.push({ digest, rowVisible: row.n === 1, lock });
              }
              return target.delete(deleting);
            }
          : Reflect.get(target, name, receiver),
    });
    const result = await new GarbageCollector({ db: dataSource, store: observing, sql: new GcRepository(), changes }, { reviewDelaySeconds: 0, uploadPurgeAgeSeconds: 3600 }).review();

    expect(result).toMatchObject({ blobsDeleted: 3, bytesReclaimed: 60 });
    expect(seen.map((entry) => entry.digest).sort()).toEqual([...digests].sort());
    for (const entry of seen) expect(entry).toMatchObject({ rowVisible: true, lock: 'held' });
    expect(await blobRows()).toEqual([]);
    for (const digest of digests) expect(await stored(digest)).toBe(false);
  });

  it('batch of manifest reviews: a manifest pushed meanwhile that uses a layer of theirs keeps the layer, its link and its bytes', async () => {
    const repo = await repository('gc/project/racing-manifest');
    const layer = await blob(3000);
    const configs = [await blob(10), await blob(20)];
    for (const digest of [layer, ...configs]) await link(repo, digest);
    const untagged = [await manifest(repo, [configs[0], layer]), await manifest(repo, [configs[1], layer])];
    for (const m of untagged) await queueManifest(m.id);
    const newConfig = await blob(30);
    await link(repo, newConfig);

    const push = dataSource.createQueryRunner();
    await push.connect();
    await push.startTransaction();
    let pushedId: number;
    try {
      // What a manifest push does: share-lock its blobs and their links, then insert the manifest that uses them.
      const sizes = await new BlobRepository().lockLinkedSizes(push.manager, repo, [layer, newConfig].sort());
      expect(sizes.size).toBe(2);
      const [row] = await push.query(
        `INSERT INTO manifests (repository_id, digest, media_type, payload) VALUES ($1, $2, 'application/vnd.oci.image.manifest.v1+json', '\\x7b7d') RETURNING id`,
        [repo, `sha256:${'b'.repeat(64)}`],
      );
      pushedId = Number(row.id);
      await push.query(`INSERT INTO manifest_blobs (manifest_id, blob_digest) VALUES ($1, $2), ($1, $3)`, [pushedId, layer, newConfig]);
      await push.query(`INSERT INTO tags (repository_id, name, manifest_id) VALUES ($1, 'new', $2)`, [repo, pushedId]);
      const review = collector().review();
      await someoneWaitsForALock(); // the batch waits for the layer's row
      await push.commitTransaction();
      const result = await review;
      expect(result).toMatchObject({ manifestsReviewed: 2, manifestsDeleted: 2, linksRemoved: 2, blobsDeleted: 2, bytesReclaimed: 30, skipped: 0 });
    } finally {
      await push.release();
    }

    expect(await manifestIds()).toEqual([pushedId]);
    expect(await blobRows()).toEqual([layer, newConfig].sort());
    const links = await database.query<{ blob_digest: string }>(`SELECT blob_digest FROM repository_blobs ORDER BY 1`);
    expect(links.map((row) => row.blob_digest)).toEqual([layer, newConfig].sort());
    expect(await stored(layer)).toBe(true);
    for (const digest of configs) expect(await stored(digest)).toBe(false);
    expect(await blobQueue()).toEqual([]);
  });

  it('batch of manifest reviews: a manifest whose row a push holds is left queued while the rest of the batch goes', async () => {
    const repo = await repository('gc/project/held-manifest');
    const configs = [await blob(10), await blob(20)];
    for (const digest of configs) await link(repo, digest);
    const [held, free] = [await manifest(repo, [configs[0]]), await manifest(repo, [configs[1]])];
    for (const m of [held, free]) await queueManifest(m.id);
    const push = dataSource.createQueryRunner();
    await push.connect();
    await push.startTransaction();
    try {
      // What a tag PUT or a deleted tag's restore does with an existing manifest: share-lock its row.
      await push.query(`SELECT 1 FROM manifests WHERE id = $1 FOR SHARE`, [held.id]);
      const during = await collector().review();
      expect(during).toMatchObject({ manifestsReviewed: 1, manifestsDeleted: 1, blobsDeleted: 1, bytesReclaimed: 20, skipped: 1 });
      expect(await manifestIds()).toEqual([held.id]);
      expect(await manifestQueue()).toEqual([held.id]);
      expect(await stored(configs[0])).toBe(true);
    } finally {
      await push.rollbackTransaction();
      await push.release();
    }

    const later = await collector().review();
    expect(later).toMatchObject({ manifestsDeleted: 1, blobsDeleted: 1, bytesReclaimed: 10, skipped: 0 });
    expect(await manifestIds()).toEqual([]);
    expect(await stored(configs[0])).toBe(false);
  });

  it('carries on after one review fails, leaving that item queued', async () => {
    const failing = await blob(10);
    const fine = await blob(20);
    await queueBlob(failing);
    await queueBlob(fine);
    const flaky = new Proxy(store, {
      get: (target, name, receiver) =>
        name === 'delete'
          ? async (digests: string[]) => {
              if (digests.includes(failing)) throw new Error('storage hiccup');
              return target.delete(digests);
            }
          : Reflect.get(target, name, receiver),
    });
    const result = await new GarbageCollector({ db: dataSource, store: flaky, sql: new GcRepository(), changes }, { reviewDelaySeconds: 0, uploadPurgeAgeSeconds: 3600 }).review();

    expect(result).toMatchObject({ blobsDeleted: 1, bytesReclaimed: 20, skipped: 1 });
    expect(await blobRows()).toEqual([failing]);
    expect(await blobQueue()).toEqual([failing]);
    expect(await stored(failing)).toBe(true);
  });

  it('sweeps files without a row and uploads without a row, and leaves known ones', async () => {
    const known = await blob(10);
    const orphan = await blob(30);
    await database.query(`DELETE FROM blobs WHERE digest = $1`, [orphan]);
    const abandoned = randomUUID();
    await store.createUpload(abandoned);
    await store.appendUpload(abandoned, 0, Readable.from([randomBytes(7)]));
    const live = randomUUID();
    await store.createUpload(live);
    await database.query(`INSERT INTO uploads (id, repository_path, project_id) VALUES ($1, 'gc/project/x', $2)`, [live, projectId]);

    const result = await collector({ uploadPurgeAgeSeconds: 0 }).sweepOrphans();

    expect(result).toMatchObject({ orphanBlobsDeleted: 1, orphanUploadsAborted: 1, bytesReclaimed: 37 });
    expect(await stored(orphan)).toBe(false);
    expect(await stored(known)).toBe(true);
    expect(await blobRows()).toEqual([known]);
    const uploads: string[] = [];
    for await (const upload of store.listUploads()) uploads.push(upload.id);
    expect(uploads).toEqual([live]);
  });
});
