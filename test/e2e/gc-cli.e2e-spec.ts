import { randomBytes, randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import {
  createTestDatabase,
  digestOf,
  pushBlob,
  putManifest,
  RegistrySession,
  seedProject,
  spawnProcess,
  startPlatform,
  TestDatabase,
  TestPlatform,
} from '@cargohold/testing';

const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
const OCI_INDEX = 'application/vnd.oci.image.index.v1+json';

interface Image {
  digest: string;
  body: string;
  config: Buffer;
  layers: Buffer[];
  blobs: string[];
}

/** `pnpm cli gc:run` and `pnpm cli storage:check` against the real api, no worker (GC runs only when asked). */
describe('garbage collection (CLI)', () => {
  let db: TestDatabase;
  let platform: TestPlatform;
  let registry: RegistrySession;
  const repo = 'gccli/app';

  beforeAll(async () => {
    db = await createTestDatabase();
    platform = await startPlatform({ databaseUrl: db.url, worker: false, env: { GC_REVIEW_DELAY: '0' } });
    registry = new RegistrySession(platform.url, { username: 'root', password: platform.adminToken });
    await seedProject(db, repo);
  });

  afterAll(async () => {
    await platform?.stop();
    await db?.drop();
  });

  const cli = async (args: string[]) => {
    const proc = spawnProcess('cli', platform.env, args);
    const code = await proc.exited;
    return { code, output: proc.output() };
  };
  const gcRun = async () => {
    const run = await cli(['gc:run']);
    expect(run.code).toBe(0);
    return JSON.parse(run.output.trim().split('\n').pop()!);
  };
  const blobFile = (digest: string) => path.join(platform.dataDir, 'storage', 'blobs', 'sha256', digest.slice(7, 9), digest.slice(7));
  const rowsOf = async (table: 'blobs' | 'manifests', digests: string[]) =>
    (await db.query<{ digest: string }>(`SELECT digest FROM ${table} WHERE digest = ANY($1) ORDER BY digest`, [digests])).map((row) => row.digest);

  async function pushImage(reference: string, layers: Buffer[], extra: Record<string, unknown> = {}): Promise<Image> {
    const config = Buffer.from(JSON.stringify({ architecture: 'amd64', os: 'linux', rootfs: { type: 'layers', diff_ids: [] }, nonce: randomBytes(8).toString('hex') }));
    const blobs = [await pushBlob(platform.url, repo, config, registry.fetch)];
    for (const layer of layers) blobs.push(await pushBlob(platform.url, repo, layer, registry.fetch));
    const body = JSON.stringify({
      schemaVersion: 2,
      mediaType: OCI_MANIFEST,
      config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: blobs[0], size: config.length },
      layers: layers.map((layer, i) => ({ mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', digest: blobs[i + 1], size: layer.length })),
      ...extra,
    });
    const response = await putManifest(platform.url, repo, reference === 'by-digest' ? digestOf(body) : reference, body, OCI_MANIFEST, registry.fetch);
    expect(response.status).toBe(201);
    return { digest: digestOf(body), body, config, layers, blobs };
  }

  async function deleteTag(tag: string): Promise<void> {
    expect((await registry.fetch(`${platform.url}/v2/${repo}/manifests/${tag}`, { method: 'DELETE' })).status).toBe(202);
  }

  it('gc:run reclaims what a deleted tag alone used and prints the counts as one JSON line', async () => {
    const shared = randomBytes(30_000);
    const x = await pushImage('x', [shared, randomBytes(12_345)]);
    const y = await pushImage('y', [shared, randomBytes(5_000)]);
    await deleteTag('x');

    const result = await gcRun();
    expect(result).toMatchObject({ manifestsDeleted: 1, blobsDeleted: 2, linksRemoved: 2, bytesReclaimed: x.config.length + 12_345 });
    expect(await rowsOf('blobs', x.blobs)).toEqual([shared].map(digestOf));
    expect(existsSync(blobFile(x.blobs[2]))).toBe(false);
    expect(existsSync(blobFile(x.blobs[0]))).toBe(false);
    for (const digest of y.blobs) expect(existsSync(blobFile(digest))).toBe(true);
    const layer = await registry.fetch(`${platform.url}/v2/${repo}/blobs/${digestOf(shared)}`);
    expect(digestOf(Buffer.from(await layer.arrayBuffer()))).toBe(digestOf(shared));

    // Nothing left to do: a second run reclaims nothing.
    expect(await gcRun()).toMatchObject({ manifestsDeleted: 0, blobsDeleted: 0, bytesReclaimed: 0, queued: { manifests: 0, blobs: 0 } });
  });

  it('keeps index children and referrers while their index or subject exists, and collects them with it', async () => {
    const amd = await pushImage('by-digest', [randomBytes(2_000)]);
    const arm = await pushImage('by-digest', [randomBytes(3_000)]);
    const index = JSON.stringify({
      schemaVersion: 2,
      mediaType: OCI_INDEX,
      manifests: [amd, arm].map((image, i) => ({
        mediaType: OCI_MANIFEST,
        digest: image.digest,
        size: image.body.length,
        platform: { architecture: i === 0 ? 'amd64' : 'arm64', os: 'linux' },
      })),
    });
    expect((await putManifest(platform.url, repo, 'multi', index, OCI_INDEX, registry.fetch)).status).toBe(201);
    const subject = await pushImage('subject', [randomBytes(1_000)]);
    const sbom = await pushImage('by-digest', [randomBytes(700)], {
      artifactType: 'application/vnd.example.sbom',
      subject: { mediaType: OCI_MANIFEST, digest: subject.digest, size: subject.body.length },
    });

    // Untagged children and the referrer were queued when pushed; the review keeps them all.
    await gcRun();
    const all = [amd.digest, arm.digest, digestOf(index), subject.digest, sbom.digest];
    expect(await rowsOf('manifests', all)).toEqual([...all].sort());

    await deleteTag('multi');
    const afterIndex = await gcRun();
    // The index, then its children (queued by the index's deletion, due at once with GC_REVIEW_DELAY=0).
    expect(afterIndex).toMatchObject({ manifestsDeleted: 3, blobsDeleted: 4 });
    expect(await rowsOf('manifests', all)).toEqual([subject.digest, sbom.digest].sort());
    expect(await rowsOf('blobs', [...amd.blobs, ...arm.blobs])).toEqual([]);

    await deleteTag('subject');
    expect(await gcRun()).toMatchObject({ manifestsDeleted: 2, blobsDeleted: 4 });
    expect(await rowsOf('manifests', all)).toEqual([]);
    for (const digest of [...subject.blobs, ...sbom.blobs]) expect(existsSync(blobFile(digest))).toBe(false);
  });

  it('reclaims the blobs of a manifest deleted by digest, keeping those another manifest still uses', async () => {
    const shared = randomBytes(3000);
    const doomed = await pushImage('by-digest-a', [shared, randomBytes(2000)]);
    const kept = await pushImage('by-digest-b', [shared]);
    const del = await registry.fetch(`${platform.url}/v2/${repo}/manifests/${doomed.digest}`, { method: 'DELETE' });
    expect(del.status).toBe(202);
    await gcRun();
    const ownBlobs = doomed.blobs.filter((digest) => !kept.blobs.includes(digest));
    expect(await rowsOf('blobs', ownBlobs)).toEqual([]);
    for (const digest of ownBlobs) expect(existsSync(blobFile(digest))).toBe(false);
    for (const digest of kept.blobs) expect(existsSync(blobFile(digest))).toBe(true);
    const layer = await registry.fetch(`${platform.url}/v2/${repo}/blobs/${kept.blobs[1]}`);
    expect(digestOf(Buffer.from(await layer.arrayBuffer()))).toBe(kept.blobs[1]);
  });

  it('storage:check exits 0 when the database and the store agree, and 1 naming the blob whose file was deleted by hand', async () => {
    const image = await pushImage('checked', [randomBytes(4_000), randomBytes(6_000)]);
    const ok = await cli(['storage:check']);
    expect(ok.code).toBe(0);
    expect(JSON.parse(ok.output.trim())).toMatchObject({ ok: true, missing: 0, orphans: 0, sizeMismatches: 0 });

    rmSync(blobFile(image.blobs[1]));
    const broken = await cli(['storage:check']);
    expect(broken.code).toBe(1);
    expect(broken.output).toContain(`missing   ${image.blobs[1]}`);
    expect(broken.output).toContain('error: the database and the blob store disagree: 1 missing');
    // Put the bytes back: consistent again.
    writeFileSync(blobFile(image.blobs[1]), image.layers[0]);
    expect((await cli(['storage:check'])).code).toBe(0);
  });

  it('reports orphan files and uploads, and gc:run sweeps them', async () => {
    const bytes = randomBytes(999);
    const orphan = digestOf(bytes);
    mkdirSync(path.dirname(blobFile(orphan)), { recursive: true });
    writeFileSync(blobFile(orphan), bytes);
    const uploadDir = path.join(platform.dataDir, 'storage', 'uploads', randomUUID());
    mkdirSync(uploadDir, { recursive: true });
    writeFileSync(path.join(uploadDir, 'data'), randomBytes(111));
    // Older than UPLOAD_PURGE_AGE (a day by default); the blob file only has to be older than GC_REVIEW_DELAY=0.
    const twoDaysAgo = new Date(Date.now() - 2 * 86400 * 1000);
    utimesSync(path.join(uploadDir, 'data'), twoDaysAgo, twoDaysAgo);

    const check = await cli(['storage:check']);
    expect(check.code).toBe(1);
    expect(check.output).toContain(`orphan    ${orphan}  (999 bytes`);

    expect(await gcRun()).toMatchObject({ orphanBlobsDeleted: 1, orphanUploadsAborted: 1, bytesReclaimed: 999 + 111 });
    expect(existsSync(blobFile(orphan))).toBe(false);
    expect(existsSync(uploadDir)).toBe(false);
    expect((await cli(['storage:check'])).code).toBe(0);
  });
});
