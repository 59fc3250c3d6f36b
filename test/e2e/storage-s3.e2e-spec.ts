import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import {
  buildOciLayout,
  createTestDatabase,
  digestOf,
  locationPath,
  RegistrySession,
  runClient,
  seedProject,
  startPlatform,
  TestDatabase,
  TestPlatform,
} from '@cargohold/testing';
// By path: the helper needs s3rver, a devDependency of libs/storage that its index must not pull in.
import { startTestS3Server, TestS3Server } from '../../libs/storage/src/s3-test-server.suite';

const MiB = 1024 * 1024;
const TLS = ['--src-tls-verify=false', '--dest-tls-verify=false'];

/** The api with STORAGE_DRIVER=s3 against a real S3-compatible server (s3rver, with UploadPartCopy as MinIO has it). */
describe('registry on S3 storage', () => {
  let s3: TestS3Server;
  let work: string;

  beforeAll(async () => {
    s3 = await startTestS3Server({ uploadPartCopy: true });
    work = mkdtempSync(path.join(tmpdir(), 'storage-s3-'));
  });

  afterAll(async () => {
    await s3?.stop();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  /** A fresh bucket, a fresh database and the api configured for them, as a user would through the environment. */
  async function platformOn(bucket: string, extraEnv: Record<string, string> = {}): Promise<{ db: TestDatabase; platform: TestPlatform }> {
    await s3.createBucket(bucket);
    const db = await createTestDatabase();
    const platform = await startPlatform({
      databaseUrl: db.url,
      worker: false,
      env: {
        STORAGE_DRIVER: 's3',
        S3_ENDPOINT: s3.endpoint,
        S3_BUCKET: bucket,
        S3_REGION: 'us-east-1',
        S3_ACCESS_KEY_ID: 'S3RVER',
        S3_SECRET_ACCESS_KEY: 'S3RVER',
        S3_FORCE_PATH_STYLE: 'true',
        ...extraEnv,
      },
    });
    await seedProject(db, 'team/service');
    return { db, platform };
  }

  function blobKey(digest: string): string {
    const hex = digest.slice('sha256:'.length);
    return `blobs/sha256/${hex.slice(0, 2)}/${hex}`;
  }

  describe('streaming through the api', () => {
    const bucket = 'registry';
    let db: TestDatabase;
    let platform: TestPlatform;
    let host: string;
    let creds: string;

    beforeAll(async () => {
      ({ db, platform } = await platformOn(bucket));
      host = `127.0.0.1:${platform.port}`;
      creds = `root:${platform.adminToken}`;
    });

    afterAll(async () => {
      await platform?.stop();
      await db?.drop();
    });

    it('round-trips an image with a 64 MiB layer through skopeo, bytes in the bucket and not on local disk', async () => {
      const layout = buildOciLayout(path.join(work, 'big'), 'v1', [{ layers: [{ 'data/big.bin': randomBytes(64 * MiB) }, { 'etc/motd': 'small' }] }]);
      const [big] = layout.images[0].layers;
      expect(big.size).toBeGreaterThan(64 * MiB);

      await runClient('skopeo', ['copy', ...TLS, '--dest-creds', creds, `oci:${layout.dir}:v1`, `docker://${host}/team/service:v1`]);
      const out = path.join(work, 'big-out');
      await runClient('skopeo', ['copy', ...TLS, '--src-creds', creds, `docker://${host}/team/service:v1`, `dir:${out}`]);

      for (const layer of layout.images[0].layers) {
        expect(digestOf(readFileSync(path.join(out, layer.digest.slice(7))))).toBe(layer.digest);
      }
      expect(digestOf(readFileSync(path.join(out, 'manifest.json')))).toBe(layout.top.digest);
      const stored = await s3.listKeys(bucket, 'blobs/');
      for (const layer of layout.images[0].layers) expect(stored).toContain(blobKey(layer.digest));
      expect(await s3.listKeys(bucket, 'uploads/')).toEqual([]);
      const local = path.join(platform.dataDir, 'storage');
      expect(existsSync(local) ? readdirSync(local) : []).toEqual([]);
    }, 300_000);

    it('takes a 64 MiB blob in 16 MiB PATCHes alternating between two replicas and serves it back whole and in ranges', async () => {
      const replica = await platform.startApiReplica();
      try {
        const registry = new RegistrySession(platform.url, { username: 'root', password: platform.adminToken });
        const bytes = randomBytes(64 * MiB);
        const digest = digestOf(bytes);
        const start = await registry.fetch(`${platform.url}/v2/team/service/blobs/uploads/`, { method: 'POST' });
        expect(start.status).toBe(202);
        const location = locationPath(start);

        // Each replica finds the previous chunk written by the other: it continues the upload from
        // the bucket and rebuilds its hash state from the bytes stored so far.
        const bases = [platform.url, replica.url];
        for (let i = 0; i < 4; i++) {
          const from = i * 16 * MiB;
          const patch = await registry.fetch(`${bases[i % 2]}${location}`, {
            method: 'PATCH',
            body: bytes.subarray(from, from + 16 * MiB),
            headers: { 'Content-Type': 'application/octet-stream', 'Content-Range': `${from}-${from + 16 * MiB - 1}` },
          });
          expect(patch.status).toBe(202);
          expect(patch.headers.get('range')).toBe(`0-${from + 16 * MiB - 1}`);
        }
        const put = await registry.fetch(`${platform.url}${location}?digest=${digest}`, { method: 'PUT' });
        expect(put.status).toBe(201);

        for (const base of bases) {
          const get = await registry.fetch(`${base}/v2/team/service/blobs/${digest}`);
          expect(get.status).toBe(200);
          expect(digestOf(Buffer.from(await get.arrayBuffer()))).toBe(digest);
        }
        const ranged = await registry.fetch(`${platform.url}/v2/team/service/blobs/${digest}`, { headers: { Range: `bytes=${20 * MiB}-${40 * MiB - 1}` } });
        expect(ranged.status).toBe(206);
        expect(Buffer.from(await ranged.arrayBuffer()).equals(bytes.subarray(20 * MiB, 40 * MiB))).toBe(true);
        expect(await s3.listKeys(bucket, blobKey(digest))).toEqual([blobKey(digest)]);
        expect(await s3.listKeys(bucket, 'uploads/')).toEqual([]);
      } finally {
        await replica.process.stop();
      }
    }, 300_000);
  });

  describe('with S3_REDIRECT=true', () => {
    const bucket = 'redirecting';
    let db: TestDatabase;
    let platform: TestPlatform;
    let host: string;
    let creds: string;

    beforeAll(async () => {
      ({ db, platform } = await platformOn(bucket, { S3_REDIRECT: 'true' }));
      host = `127.0.0.1:${platform.port}`;
      creds = `root:${platform.adminToken}`;
    });

    afterAll(async () => {
      await platform?.stop();
      await db?.drop();
    });

    it('sends blob GETs to presigned bucket URLs that skopeo and fetch follow', async () => {
      const layout = buildOciLayout(path.join(work, 'redirect'), 'r', [{ layers: [{ 'data/blob.bin': randomBytes(3 * MiB) }] }]);
      const [layer] = layout.images[0].layers;
      await runClient('skopeo', ['copy', ...TLS, '--dest-creds', creds, `oci:${layout.dir}:r`, `docker://${host}/team/service:r`]);

      const registry = new RegistrySession(platform.url, { username: 'root', password: platform.adminToken });
      const response = await registry.fetch(`${platform.url}/v2/team/service/blobs/${layer.digest}`, { redirect: 'manual' });
      expect(response.status).toBe(307);
      const location = response.headers.get('location')!;
      expect(location.startsWith(`${s3.endpoint}/${bucket}/${blobKey(layer.digest)}?`)).toBe(true);
      expect(location).toContain('X-Amz-Signature=');
      expect(digestOf(Buffer.from(await (await fetch(location)).arrayBuffer()))).toBe(layer.digest);

      const out = path.join(work, 'redirect-out');
      await runClient('skopeo', ['copy', ...TLS, '--src-creds', creds, `docker://${host}/team/service:r`, `dir:${out}`]);
      expect(digestOf(readFileSync(path.join(out, layer.digest.slice(7))))).toBe(layer.digest);
    }, 120_000);
  });
});
