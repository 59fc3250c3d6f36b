import { randomBytes, randomInt } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { createDataSource, DataSource } from '@cargohold/db';
import { connectRegistryChangePublisher } from '@cargohold/platform';
import { GarbageCollector, RegistryContext, StorageChecker } from '@cargohold/registry';
import { FilesystemBlobStore } from '@cargohold/storage';
import {
  buildOciLayout,
  createTestDatabase,
  digestOf,
  pushBlob,
  putManifest,
  RegistrySession,
  RunningProcess,
  runClient,
  seedProject,
  spawnProcess,
  startPlatform,
  TestDatabase,
  TestPlatform,
} from '@cargohold/testing';

const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
const TLS = ['--src-tls-verify=false', '--dest-tls-verify=false'];

interface PushedImage {
  repo: string;
  tag: string;
  digest: string;
  /** Config first, then layers. */
  blobs: string[];
}

/**
 * Online garbage collection with the real api and worker (GC_REVIEW_DELAY=0): what it reclaims, what it must
 * never touch while pushes race it, and a worker killed in the middle of a run.
 */
describe('garbage collection (worker)', () => {
  let db: TestDatabase;
  let platform: TestPlatform;
  let registry: RegistrySession;
  let host: string;
  let creds: string;
  let work: string;
  let gcDb: DataSource;
  let publisher: Awaited<ReturnType<typeof connectRegistryChangePublisher>> | undefined;
  let respawned: RunningProcess | undefined;

  beforeAll(async () => {
    db = await createTestDatabase();
    platform = await startPlatform({ databaseUrl: db.url, worker: true, env: { GC_REVIEW_DELAY: '0' } });
    registry = new RegistrySession(platform.url, { username: 'root', password: platform.adminToken });
    host = `127.0.0.1:${platform.port}`;
    creds = `root:${platform.adminToken}`;
    for (const project of ['gc/basic', 'gc/race', 'gc/other', 'gc/crash']) await seedProject(db, project);
    work = mkdtempSync(path.join(tmpdir(), 'gc-e2e-'));
    gcDb = await createDataSource(db.url, { poolSize: 8, applicationName: 'gc-e2e' }).initialize();
    // The test's collectors announce what they delete, as the worker's and gc:run's do: the api's read cache
    // (blob links, manifests) must stop answering from what GC removed.
    publisher = await connectRegistryChangePublisher(platform.env.REDIS_URL, platform.env.REDIS_PREFIX, { warn: () => undefined });
  });

  afterAll(async () => {
    await respawned?.stop();
    await publisher?.close();
    await gcDb?.destroy();
    await platform?.stop();
    await db?.drop();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  const blobFile = (digest: string) => path.join(platform.dataDir, 'storage', 'blobs', 'sha256', digest.slice(7, 9), digest.slice(7));
  const blobRows = async (digests: string[]) =>
    (await db.query<{ digest: string }>(`SELECT digest FROM blobs WHERE digest = ANY($1) ORDER BY digest`, [digests])).map((row) => row.digest);
  const store = () => new FilesystemBlobStore(path.join(platform.dataDir, 'storage'));
  const collector = () =>
    GarbageCollector.forContext(new RegistryContext(gcDb, store(), { gcReviewDelay: 0, deleteEnabled: true }, { changes: publisher?.notifier }), {
      reviewDelaySeconds: 0,
      uploadPurgeAgeSeconds: 86400,
    });

  async function waitFor(what: string, check: () => Promise<boolean>, timeoutMs = 60_000, pollMs = 100): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!(await check())) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise((resolve) => setTimeout(resolve, pollMs));
    }
  }

  /** Pushes like docker and skopeo do: a blob the repository already has (HEAD 200) is not uploaded again. */
  async function pushImage(repo: string, tag: string, layers: Buffer[]): Promise<PushedImage & { status: number; body: string }> {
    const configBytes = Buffer.from(JSON.stringify({ architecture: 'amd64', os: 'linux', rootfs: { type: 'layers', diff_ids: [] }, nonce: randomBytes(8).toString('hex') }));
    const blobs: string[] = [];
    for (const bytes of [configBytes, ...layers]) {
      const digest = digestOf(bytes);
      const head = await registry.fetch(`${platform.url}/v2/${repo}/blobs/${digest}`, { method: 'HEAD' });
      if (head.status !== 200) await pushBlob(platform.url, repo, bytes, registry.fetch);
      blobs.push(digest);
    }
    const manifest = JSON.stringify({
      schemaVersion: 2,
      mediaType: OCI_MANIFEST,
      config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: blobs[0], size: configBytes.length },
      layers: layers.map((bytes, i) => ({ mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', digest: blobs[i + 1], size: bytes.length })),
    });
    const response = await putManifest(platform.url, repo, tag, manifest, OCI_MANIFEST, registry.fetch);
    return { repo, tag, digest: digestOf(manifest), blobs, status: response.status, body: await response.text() };
  }

  async function deleteTag(repo: string, tag: string): Promise<void> {
    const response = await registry.fetch(`${platform.url}/v2/${repo}/manifests/${tag}`, { method: 'DELETE' });
    expect(response.status).toBe(202);
  }

  /** skopeo copies the image out of the registry; every file it wrote must hash to its name, and all blobs must be there. */
  async function expectPullsCompletely(image: PushedImage): Promise<void> {
    const out = path.join(work, `pull-${randomBytes(6).toString('hex')}`);
    await runClient('skopeo', ['copy', ...TLS, '--src-creds', creds, `docker://${host}/${image.repo}:${image.tag}`, `dir:${out}`]);
    expect(digestOf(readFileSync(path.join(out, 'manifest.json')))).toBe(image.digest);
    const files = readdirSync(out).filter((name) => /^[0-9a-f]{64}$/.test(name));
    expect(files.map((name) => `sha256:${name}`).sort()).toEqual([...image.blobs].sort());
    for (const name of files) expect(digestOf(readFileSync(path.join(out, name)))).toBe(`sha256:${name}`);
    rmSync(out, { recursive: true, force: true });
  }

  async function expectStoreConsistent(): Promise<void> {
    const report = await new StorageChecker(gcDb, store(), { reviewDelaySeconds: 0 }).check();
    expect({ missing: report.missing, sizeMismatches: report.sizeMismatches, orphans: report.orphans }).toEqual({ missing: [], sizeMismatches: [], orphans: [] });
  }

  it('reclaims the blobs only the deleted tag used, from the database and the store, while shared blobs still pull', async () => {
    const sharedFiles = { 'shared/data.bin': randomBytes(64 * 1024) };
    const x = buildOciLayout(path.join(work, 'x'), 'x', [{ layers: [sharedFiles, { 'x.txt': randomBytes(4096) }] }]);
    const y = buildOciLayout(path.join(work, 'y'), 'y', [{ layers: [sharedFiles, { 'y.txt': randomBytes(4096) }] }]);
    const shared = x.images[0].layers[0].digest;
    expect(y.images[0].layers[0].digest).toBe(shared);
    for (const [layout, tag] of [[x, 'x'], [y, 'y']] as const) {
      await runClient('skopeo', ['copy', ...TLS, '--dest-creds', creds, `oci:${layout.dir}:${tag}`, `docker://${host}/gc/basic:${tag}`]);
    }
    const onlyX = [x.images[0].config.digest, x.images[0].layers[1].digest];
    const yBlobs = [y.images[0].config.digest, ...y.images[0].layers.map((layer) => layer.digest)];
    for (const digest of [...onlyX, ...yBlobs]) expect(existsSync(blobFile(digest))).toBe(true);

    await deleteTag('gc/basic', 'x');
    await waitFor('the worker to collect x', async () => (await blobRows(onlyX)).length === 0);

    for (const digest of onlyX) expect(existsSync(blobFile(digest))).toBe(false);
    expect(await db.query(`SELECT 1 FROM manifests WHERE digest = $1`, [x.top.digest])).toHaveLength(0);
    expect(await blobRows(yBlobs)).toEqual([...yBlobs].sort());
    for (const digest of yBlobs) expect(existsSync(blobFile(digest))).toBe(true);
    await expectPullsCompletely({ repo: 'gc/basic', tag: 'y', digest: y.top.digest, blobs: yBlobs });
    await expectStoreConsistent();
  });

  it('never loses a blob of a pushed image while GC deletes the last other reference to it (30 rounds)', async () => {
    const rounds = 30;
    const survivors: PushedImage[] = [];
    const garbage: string[] = [];
    let refusedOnce = 0;
    // Two collectors in this process besides the worker: GC is meant to run on several replicas at once.
    const collectors = [collector(), collector()];

    for (let round = 0; round < rounds; round++) {
      const shared = randomBytes(8192 + round);
      const a = await pushImage('gc/race', `a${round}`, [shared, randomBytes(2048)]);
      expect(a.status).toBe(201);
      garbage.push(a.blobs[0], a.blobs[2]);

      const gc = (async () => {
        await deleteTag('gc/race', `a${round}`);
        for (let pass = 0; pass < 3; pass++) await Promise.all(collectors.map((c) => c.review()));
      })();
      // Same repository: the client sees the shared blob (HEAD 200) and skips it. If GC unlinks it between that
      // HEAD and the manifest PUT, the PUT is refused cleanly (the client pushes again); it is never accepted
      // with a blob that is about to go.
      const sameRepository = (async () => {
        await new Promise((resolve) => setTimeout(resolve, randomInt(0, 25)));
        const unique = randomBytes(2048);
        for (let attempt = 0; ; attempt++) {
          const b = await pushImage('gc/race', `b${round}`, [shared, unique]);
          if (b.status === 201) return b;
          expect({ status: b.status, code: JSON.parse(b.body).errors[0].code }).toEqual({ status: 400, code: 'MANIFEST_BLOB_UNKNOWN' });
          expect(attempt).toBeLessThan(3);
          refusedOnce++;
        }
      })();
      // Another repository uploads the same bytes: the upload's commit takes the blob row lock GC takes, so
      // it wins whether GC deleted the blob just before or not at all.
      const otherRepository = (async () => {
        await new Promise((resolve) => setTimeout(resolve, randomInt(0, 25)));
        return pushImage('gc/other', `c${round}`, [shared, randomBytes(1024)]);
      })();
      const [, b, c] = await Promise.all([gc, sameRepository, otherRepository]);
      expect({ status: c.status, body: c.status === 201 ? '' : c.body }).toEqual({ status: 201, body: '' });
      survivors.push(b, c);
    }

    for (const c of collectors) await c.review();
    // What only the deleted images used is gone; everything the pushed images need is there.
    expect(await blobRows(garbage)).toEqual([]);
    for (const digest of garbage) expect(existsSync(blobFile(digest))).toBe(false);
    for (const image of survivors) {
      for (const digest of image.blobs) expect(existsSync(blobFile(digest))).toBe(true);
      await expectPullsCompletely(image);
    }
    await expectStoreConsistent();
    // Not an assertion on timing, only a record of how often the same-repository race was hit.
    process.stdout.write(`gc race: ${refusedOnce} of ${rounds} same-repository pushes were refused once and pushed again\n`);
  }, 600_000);

  it('finishes the work after the worker is killed in the middle of a GC run, deleting nothing that must stay', async () => {
    const base = randomBytes(16 * 1024);
    const keepers: PushedImage[] = [];
    for (let i = 0; i < 3; i++) {
      const image = await pushImage('gc/crash', `keep${i}`, [base, randomBytes(1024)]);
      expect(image.status).toBe(201);
      keepers.push(image);
    }
    const count = 300;
    const garbage: string[] = [];
    const tags = Array.from({ length: count }, (_, i) => `g${i}`);
    for (let i = 0; i < count; i += 10) {
      const images = await Promise.all(tags.slice(i, i + 10).map((tag) => pushImage('gc/crash', tag, [base, randomBytes(512)])));
      for (const image of images) {
        expect(image.status).toBe(201);
        garbage.push(image.blobs[0], image.blobs[2]);
      }
    }
    // The worker collects every few seconds (GC_REVIEW_DELAY=0): delete all tags, then kill it once it is under way.
    for (let i = 0; i < count; i += 20) await Promise.all(tags.slice(i, i + 20).map((tag) => deleteTag('gc/crash', tag)));
    await waitFor('the worker to start collecting', async () => (await blobRows(garbage)).length < garbage.length, 90_000, 10);
    await platform.worker!.stop('SIGKILL');
    const leftAtKill = (await blobRows(garbage)).length;
    expect(leftAtKill).toBeGreaterThan(0); // killed mid-run, not after it

    const keep = [...new Set(keepers.flatMap((image) => image.blobs))];
    expect(await blobRows(keep)).toEqual([...keep].sort());
    for (const digest of keep) expect(existsSync(blobFile(digest))).toBe(true);

    respawned = spawnProcess('worker', platform.env);
    await waitFor('the restarted worker to finish', async () => {
      const [queued] = await db.query<{ n: number }>(
        `SELECT (SELECT count(*) FROM gc_manifest_review_queue) + (SELECT count(*) FROM gc_blob_review_queue) AS n`,
      );
      return Number(queued.n) === 0 && (await blobRows(garbage)).length === 0;
    }, 120_000);

    for (const digest of garbage) expect(existsSync(blobFile(digest))).toBe(false);
    expect(await db.query(`SELECT t.name FROM tags t JOIN repositories r ON r.id = t.repository_id WHERE r.path = 'gc/crash' ORDER BY t.name`)).toEqual(
      keepers.map((image) => ({ name: image.tag })),
    );
    for (const image of keepers) await expectPullsCompletely(image);
    await expectStoreConsistent();
    process.stdout.write(`gc crash: killed with ${leftAtKill} of ${garbage.length} garbage blobs left\n`);
  }, 600_000);
});
