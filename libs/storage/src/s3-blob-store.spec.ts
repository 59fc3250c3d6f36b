import { DeleteObjectsCommand, GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { describeBlobStore } from './blob-store.suite';
import { collect, hashStream, sha256, slices } from './chunks.spec-helper';
import { createS3Client } from './s3-client';
import { MIN_PART_SIZE, S3BlobStore } from './s3-blob-store';
import { startTestS3Server, TestS3Server } from './s3-test-server.suite';
import { isPublishedBlobPresent } from './published-blob';

const MiB = 1024 * 1024;

// s3rver as it is (UploadPartCopy answers 501: commits take the streaming fallback) and with
// UploadPartCopy added (commits copy server-side, as on AWS and MinIO). Each test gets a fresh
// bucket, so "the store is empty" holds without deleting anything.
let plain: TestS3Server;
let withPartCopy: TestS3Server;
let buckets = 0;

beforeAll(async () => {
  [plain, withPartCopy] = await Promise.all([startTestS3Server(), startTestS3Server({ uploadPartCopy: true })]);
});

afterAll(async () => {
  await Promise.all([plain?.stop(), withPartCopy?.stop()]);
});

async function freshStore(server: TestS3Server, overrides: { redirect?: boolean } = {}): Promise<{ store: S3BlobStore; client: S3Client; bucket: string }> {
  const bucket = `bucket-${++buckets}`;
  const config = { ...server.config, bucket, ...overrides };
  const client = createS3Client(config);
  await server.createBucket(bucket);
  return { store: new S3BlobStore(config, { client }), client, bucket };
}

describeBlobStore('s3 (server-side part copy)', async () => {
  const { store } = await freshStore(withPartCopy);
  return { store, cleanup: async () => undefined };
});

describeBlobStore('s3 (streaming fallback)', async () => {
  const { store } = await freshStore(plain);
  return { store, cleanup: async () => undefined };
});

describe('S3BlobStore', () => {
  let store: S3BlobStore;
  let client: S3Client;
  let bucket: string;

  beforeEach(async () => {
    ({ store, client, bucket } = await freshStore(withPartCopy));
  });

  const keys = (prefix: string) => withPartCopy.listKeys(bucket, prefix);

  it('round-trips 64 MiB sent in uneven appends (3, 7, 20 MiB and the rest), stored as chunks, committed at its address', async () => {
    const sizes = [3 * MiB, 7 * MiB, 20 * MiB, 34 * MiB];
    const parts = sizes.map((size) => randomBytes(size));
    const digest = sha256(...parts);
    const id = 'uneven-64';
    await store.createUpload(id);

    let offset = 0;
    for (const part of parts) offset = await store.appendUpload(id, offset, slices(part, 64 * 1024));
    expect(offset).toBe(64 * MiB);

    // The 3 MiB tail of the first append was merged into the next one: every chunk but the last is
    // large enough to be a multipart part.
    const chunks = await keys(`uploads/${id}/chunks/`);
    expect(chunks.length).toBeGreaterThanOrEqual(8);
    const state = JSON.parse(await text(client, bucket, `uploads/${id}/state.json`)) as { chunks: Array<{ key: string; size: number }> };
    expect(state.chunks.map((c) => c.key).sort()).toEqual(chunks.sort()); // merged tails were deleted
    for (const chunk of state.chunks.slice(0, -1)) expect(chunk.size).toBeGreaterThanOrEqual(MIN_PART_SIZE);

    const copiesBefore = withPartCopy.partCopies();
    await store.commitUpload(id, digest);
    // Committed by server-side copies, one per chunk: no bytes went through the driver.
    expect(withPartCopy.partCopies() - copiesBefore).toBe(state.chunks.length);
    const hex = digest.slice('sha256:'.length);
    expect(await keys('blobs/')).toEqual([`blobs/sha256/${hex.slice(0, 2)}/${hex}`]);
    expect(await keys('uploads/')).toEqual([]);
    expect(await store.stat(digest)).toMatchObject({ size: 64 * MiB });
    expect(await hashStream(await store.read(digest))).toBe(digest);
  }, 120_000);

  it('reads an upload back across chunk boundaries, from any start', async () => {
    const parts = [randomBytes(6 * MiB), randomBytes(9 * MiB + 17), randomBytes(1000)];
    const whole = Buffer.concat(parts);
    const id = 'read-across';
    await store.createUpload(id);
    let offset = 0;
    for (const part of parts) offset = await store.appendUpload(id, offset, slices(part, 256 * 1024));

    for (const start of [0, 1, 6 * MiB - 1, 6 * MiB, 8 * MiB + 3, 15 * MiB + 16, 15 * MiB + 17, whole.length - 1, whole.length]) {
      const read = await collect(await store.readUpload(id, start));
      expect({ start, length: read.length, same: read.equals(whole.subarray(start)) }).toEqual({ start, length: whole.length - start, same: true });
    }
  }, 60_000);

  it('serves ranged reads of a multi-chunk blob exactly', async () => {
    const bytes = randomBytes(12 * MiB);
    const digest = sha256(bytes);
    await store.createUpload('ranged');
    await store.appendUpload('ranged', 0, slices(bytes, MiB));
    await store.commitUpload('ranged', digest);

    for (const [start, end] of [[0, 0], [8 * MiB - 1, 8 * MiB], [5, 12 * MiB - 1], [12 * MiB - 1, 12 * MiB + 100]]) {
      const read = await collect(await store.read(digest, { start, end }));
      expect(read.equals(bytes.subarray(start, end + 1))).toBe(true);
    }
    expect((await collect(await store.read(digest, { start: 12 * MiB + 5, end: 12 * MiB + 9 }))).length).toBe(0);
  }, 60_000);

  it('hands out a presigned URL that a plain fetch can download, only when redirect is on', async () => {
    const bytes = randomBytes(300_000);
    const digest = sha256(bytes);
    await store.createUpload('presign');
    await store.appendUpload('presign', 0, slices(bytes, 65536));
    await store.commitUpload('presign', digest);
    expect(await store.redirectUrl(digest, 60)).toBeNull();

    const redirecting = new S3BlobStore({ ...withPartCopy.config, bucket, redirect: true });
    const url = await redirecting.redirectUrl(digest, 60);
    expect(url).toMatch(new RegExp(`^${withPartCopy.endpoint}/${bucket}/blobs/sha256/.*X-Amz-Signature=`));
    const response = await fetch(url!);
    expect(response.status).toBe(200);
    expect(sha256(Buffer.from(await response.arrayBuffer()))).toBe(digest);
    await expect(redirecting.redirectUrl('sha256:nope', 60)).rejects.toThrow('invalid digest');
  });

  it('deletes more than 1000 blobs in batches and lists them all across pages', async () => {
    const digests: string[] = [];
    const total = 1234;
    // Written directly at their addresses: committing 1234 uploads would only make the test slow.
    await mapInBatches(Array.from({ length: total }, (_, i) => Buffer.from(`blob ${i}`)), 50, async (bytes) => {
      const digest = sha256(bytes);
      const hex = digest.slice(7);
      digests.push(digest);
      await client.send(new PutObjectCommand({ Bucket: bucket, Key: `blobs/sha256/${hex.slice(0, 2)}/${hex}`, Body: bytes }));
    });
    const listed = [];
    for await (const blob of store.list()) listed.push(blob.digest);
    expect(listed.sort()).toEqual([...digests].sort());

    const kept = digests.slice(0, 34);
    await store.delete([...digests.slice(34), sha256(Buffer.from('absent'))]);
    expect((await keys('blobs/')).length).toBe(kept.length);
    for (const digest of kept) expect(await store.stat(digest)).not.toBeNull();
  }, 60_000);

  it('keeps the upload intact when an append fails after writing whole chunks, and removes those chunks', async () => {
    const first = randomBytes(2 * MiB);
    await store.createUpload('broken');
    await store.appendUpload('broken', 0, slices(first, MiB));
    const before = await keys('uploads/broken/');

    const failing = Readable.from(
      (async function* () {
        for (let i = 0; i < 20; i++) yield randomBytes(MiB); // crosses two chunk boundaries
        throw new Error('client went away');
      })(),
    );
    await expect(store.appendUpload('broken', first.length, failing)).rejects.toThrow('client went away');
    expect(await store.uploadSize('broken')).toBe(first.length);
    expect((await keys('uploads/broken/')).sort()).toEqual(before.sort());
    expect((await collect(await store.readUpload('broken'))).equals(first)).toBe(true);
  }, 60_000);

  it('lets another store instance (another replica) continue and commit an upload', async () => {
    const other = new S3BlobStore({ ...withPartCopy.config, bucket });
    const a = randomBytes(4 * MiB + 1);
    const b = randomBytes(6 * MiB);
    await store.createUpload('shared');
    await store.appendUpload('shared', 0, slices(a, MiB));
    expect(await other.uploadSize('shared')).toBe(a.length);
    await other.appendUpload('shared', a.length, slices(b, MiB));
    const digest = sha256(a, b);
    expect(await hashStream(await store.readUpload('shared'))).toBe(digest);
    await store.commitUpload('shared', digest);
    expect(await hashStream(await other.read(digest))).toBe(digest);
  }, 60_000);

  // s3rver overwrites in place (a CopyObject unlinks the key first, a multipart complete truncates it), so while
  // one replica writes the blob another sees it absent or short; none may fail or delete it for that. A blob seen
  // absent after publishing is published again, as the registry's commit does (the bytes may have been collected).
  it.each([
    ['one chunk (CopyObject)', 300_000],
    ['several chunks (multipart)', 9 * MiB + 7],
  ])('publishes one digest from 4 store instances (replicas) x 3 uploads at once, 8 times, in %s', async (_, size) => {
    const replicas = [store, ...Array.from({ length: 3 }, () => new S3BlobStore({ ...withPartCopy.config, bucket }))];
    const bytes = randomBytes(size);
    const digest = sha256(bytes);
    const uploads = replicas.flatMap((replica, r) => [0, 1, 2].map((u) => ({ replica, id: `same-${r}-${u}` })));
    for (const { replica, id } of uploads) {
      await replica.createUpload(id);
      await replica.appendUpload(id, 0, slices(bytes, MiB));
    }
    for (let round = 0; round < 8; round++) {
      await store.delete([digest]);
      const results = await Promise.allSettled(
        uploads.map(async ({ replica, id }) => {
          // As the registry commits: publish, check the blob is there, publish again if it is not (3 attempts).
          for (let attempt = 1; ; attempt++) {
            await replica.publishUpload(id, digest);
            if (await isPublishedBlobPresent(replica, digest)) return;
            if (attempt === 3) throw new Error(`after publishing ${id} 3 times the blob is absent`);
          }
        }),
      );
      expect(results.filter((result) => result.status === 'rejected')).toEqual([]);
      expect(await hashStream(await store.read(digest))).toBe(digest);
    }
  }, 120_000);

  it('commits multi-chunk uploads by streaming parts when the server lacks UploadPartCopy', async () => {
    const fallback = await freshStore(plain);
    const bytes = randomBytes(21 * MiB + 5);
    const digest = sha256(bytes);
    await fallback.store.createUpload('fallback');
    await fallback.store.appendUpload('fallback', 0, slices(bytes, MiB));
    await fallback.store.commitUpload('fallback', digest);
    expect(await hashStream(await fallback.store.read(digest))).toBe(digest);
    expect(await fallback.store.stat(digest)).toMatchObject({ size: bytes.length });
  }, 60_000);

  it('deletes one object at a time when the server answers DeleteObjects with 501 (Google Cloud Storage)', async () => {
    const gcsLike = await startTestS3Server({ multiDelete: false });
    try {
      const noBatch = new S3BlobStore(gcsLike.config);
      const digests: string[] = [];
      for (const n of [1, 2, 3]) {
        const bytes = randomBytes(1000 * n);
        digests.push(sha256(bytes));
        await noBatch.createUpload(`single-${n}`);
        await noBatch.appendUpload(`single-${n}`, 0, slices(bytes, 512));
        await noBatch.commitUpload(`single-${n}`, sha256(bytes)); // removes the upload's objects: deletes already
      }
      await noBatch.delete([digests[0], digests[2], sha256(Buffer.from('absent'))]);
      expect(await gcsLike.listKeys(gcsLike.bucket, 'blobs/')).toEqual([`blobs/sha256/${digests[1].slice(7, 9)}/${digests[1].slice(7)}`]);
      expect(await gcsLike.listKeys(gcsLike.bucket, 'uploads/')).toEqual([]);
      // The refusal is real: the same batch delete fails on that server.
      await expect(
        createS3Client(gcsLike.config).send(new DeleteObjectsCommand({ Bucket: gcsLike.bucket, Delete: { Objects: [{ Key: 'x' }] } })),
      ).rejects.toMatchObject({ $metadata: { httpStatusCode: 501 } });
    } finally {
      await gcsLike.stop();
    }
  });

  it('refuses a chunk size below the S3 part minimum', () => {
    expect(() => new S3BlobStore(withPartCopy.config, { chunkSize: MIN_PART_SIZE - 1 })).toThrow('chunkSize must be at least');
  });

  it('fails ping for a bucket that does not exist', async () => {
    const missing = new S3BlobStore({ ...withPartCopy.config, bucket: 'no-such-bucket' });
    await expect(missing.ping()).rejects.toThrow();
  });
});

async function text(client: S3Client, bucket: string, key: string): Promise<string> {
  const response = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  return response.Body!.transformToString();
}

async function mapInBatches<T>(items: T[], size: number, task: (item: T) => Promise<void>): Promise<void> {
  for (let i = 0; i < items.length; i += size) await Promise.all(items.slice(i, i + size).map(task));
}
