/// <reference types="jest" />
import { createHash, randomBytes } from 'node:crypto';
import { Readable, Writable } from 'node:stream';
import { BlobDownload, BlobInfo, BlobNotFoundError, BlobStore, UploadInfo, UploadNotFoundError, UploadOffsetError } from './blob-store';

/**
 * Conformance tests every BlobStore driver must pass. Not exported from the package index because
 * it registers jest tests; specs import it by path:
 *
 *   describeBlobStore('filesystem', async () => ({ store, cleanup }));
 *
 * The factory is called once per test and must return an empty store.
 */
export function describeBlobStore(
  name: string,
  factory: () => Promise<{ store: BlobStore; cleanup: () => Promise<void> }>,
): void {
  describe(`BlobStore conformance: ${name}`, () => {
    let store: BlobStore;
    let cleanup: (() => Promise<void>) | undefined;

    beforeEach(async () => {
      ({ store, cleanup } = await factory());
    });

    afterEach(async () => {
      await cleanup?.();
      cleanup = undefined;
    });

    /** Creates, fills and commits an upload; returns the blob's digest. */
    async function putBlob(bytes: Buffer, id = uploadId()): Promise<string> {
      const digest = sha256(bytes);
      await store.createUpload(id);
      await store.appendUpload(id, 0, chunks(bytes));
      await store.commitUpload(id, digest);
      return digest;
    }

    describe('uploads', () => {
      it('round-trips bytes through create, append, commit and read', async () => {
        const bytes = randomBytes(100_000);
        const digest = sha256(bytes);
        const id = uploadId();

        await store.createUpload(id);
        expect(await store.uploadSize(id)).toBe(0);
        expect(await store.appendUpload(id, 0, chunks(bytes))).toBe(bytes.length);
        expect(await store.uploadSize(id)).toBe(bytes.length);
        await store.commitUpload(id, digest);

        expect(await store.stat(digest)).toMatchObject({ digest, size: bytes.length });
        const readBack = await collect(await store.read(digest));
        expect(sha256(readBack)).toBe(digest);
        expect(readBack.equals(bytes)).toBe(true);
        // Committing consumes the upload.
        await expect(store.uploadSize(id)).rejects.toBeInstanceOf(UploadNotFoundError);
      });

      it('appends several multi-chunk streams at the right offsets', async () => {
        const parts = [randomBytes(10), randomBytes(70_000), Buffer.alloc(0), randomBytes(3)];
        const id = uploadId();
        await store.createUpload(id);

        let offset = 0;
        for (const part of parts) {
          offset = await store.appendUpload(id, offset, chunks(part, 4096));
        }
        const whole = Buffer.concat(parts);
        expect(offset).toBe(whole.length);
        expect(await store.uploadSize(id)).toBe(whole.length);
        expect((await collect(await store.readUpload(id))).equals(whole)).toBe(true);
      });

      it('rejects an append at the wrong offset and leaves the upload unchanged', async () => {
        const id = uploadId();
        await store.createUpload(id);
        await store.appendUpload(id, 0, chunks(Buffer.from('abc')));

        for (const wrong of [0, 2, 4, 1000]) {
          const attempt = store.appendUpload(id, wrong, chunks(Buffer.from('XYZ')));
          await expect(attempt).rejects.toBeInstanceOf(UploadOffsetError);
          await expect(attempt).rejects.toMatchObject({ uploadId: id, expected: wrong, actual: 3 });
        }
        expect(await store.uploadSize(id)).toBe(3);
        expect((await collect(await store.readUpload(id))).toString()).toBe('abc');
      });

      it('reads an upload from a start offset', async () => {
        const bytes = randomBytes(50_000);
        const id = uploadId();
        await store.createUpload(id);
        await store.appendUpload(id, 0, chunks(bytes));

        expect((await collect(await store.readUpload(id))).equals(bytes)).toBe(true);
        expect((await collect(await store.readUpload(id, 0))).equals(bytes)).toBe(true);
        expect((await collect(await store.readUpload(id, 12_345))).equals(bytes.subarray(12_345))).toBe(true);
        expect((await collect(await store.readUpload(id, bytes.length - 1))).equals(bytes.subarray(-1))).toBe(true);
      });

      it('rejects operations on an unknown upload with UploadNotFoundError', async () => {
        const id = uploadId();
        await expect(store.uploadSize(id)).rejects.toBeInstanceOf(UploadNotFoundError);
        await expect(store.appendUpload(id, 0, chunks(Buffer.from('x')))).rejects.toBeInstanceOf(UploadNotFoundError);
        await expect(store.readUpload(id)).rejects.toBeInstanceOf(UploadNotFoundError);
        await expect(store.commitUpload(id, sha256(Buffer.from('x')))).rejects.toBeInstanceOf(UploadNotFoundError);
        await expect(store.publishUpload(id, sha256(Buffer.from('x')))).rejects.toBeInstanceOf(UploadNotFoundError);
        await expect(store.stat(sha256(Buffer.from('x')))).resolves.toBeNull();
      });

      it('aborts an upload, and ignores aborting an unknown one', async () => {
        const id = uploadId();
        await store.createUpload(id);
        await store.appendUpload(id, 0, chunks(Buffer.from('doomed')));

        await store.abortUpload(id);
        await expect(store.uploadSize(id)).rejects.toBeInstanceOf(UploadNotFoundError);
        expect((await all(store.listUploads())).map((u) => u.id)).not.toContain(id);
        await expect(store.abortUpload(id)).resolves.toBeUndefined();
        await expect(store.abortUpload(uploadId())).resolves.toBeUndefined();
      });

      it('lists uploads in progress with their sizes', async () => {
        const [a, b] = [uploadId(), uploadId()];
        await store.createUpload(a);
        await store.createUpload(b);
        await store.appendUpload(b, 0, chunks(randomBytes(1234)));

        const uploads = await all(store.listUploads());
        expect(bySize(uploads, (u) => u.id)).toEqual({ [a]: 0, [b]: 1234 });
        for (const upload of uploads) expectRecent(upload.modifiedAt);
      });
    });

    describe('interrupted appends', () => {
      it('keeps the previous size when the source stream errors mid-way', async () => {
        const id = uploadId();
        await store.createUpload(id);
        await store.appendUpload(id, 0, chunks(Buffer.from('hello ')));

        const failing = Readable.from(
          (async function* () {
            yield randomBytes(64 * 1024);
            yield randomBytes(64 * 1024);
            throw new Error('client went away');
          })(),
        );
        await expect(store.appendUpload(id, 6, failing)).rejects.toThrow('client went away');

        expect(await store.uploadSize(id)).toBe(6);
        // The client resumes from the size it last saw.
        expect(await store.appendUpload(id, 6, chunks(Buffer.from('world')))).toBe(11);
        expect((await collect(await store.readUpload(id))).toString()).toBe('hello world');
      });

      it('keeps the previous size when the source is destroyed without an error (disconnect)', async () => {
        const id = uploadId();
        await store.createUpload(id);
        await store.appendUpload(id, 0, chunks(Buffer.from('abc')));

        const source = new Readable({ read() {} });
        source.push(randomBytes(32 * 1024));
        setTimeout(() => source.destroy(), 20);
        await expect(store.appendUpload(id, 3, source)).rejects.toThrow();

        expect(await store.uploadSize(id)).toBe(3);
        expect((await collect(await store.readUpload(id))).toString()).toBe('abc');
      });
    });

    describe('commit', () => {
      it('is idempotent for the same digest, from another upload or a retry', async () => {
        const bytes = randomBytes(4096);
        const [first, second] = [uploadId(), uploadId()];
        const digest = await putBlob(bytes, first);
        expect(await putBlob(bytes, second)).toBe(digest);

        // A retried commit of an upload that was already committed also succeeds.
        await expect(store.commitUpload(first, digest)).resolves.toBeUndefined();
        await expect(store.uploadSize(second)).rejects.toBeInstanceOf(UploadNotFoundError);
        expect(await store.stat(digest)).toMatchObject({ size: bytes.length });
        expect((await collect(await store.read(digest))).equals(bytes)).toBe(true);
      });
    });

    describe('publish (commit in two steps)', () => {
      it('writes the blob at its address and keeps the upload until it is aborted', async () => {
        const bytes = randomBytes(50_000);
        const digest = sha256(bytes);
        const id = uploadId();
        await store.createUpload(id);
        await store.appendUpload(id, 0, chunks(bytes));

        await store.publishUpload(id, digest);
        expect(await store.stat(digest)).toMatchObject({ size: bytes.length });
        expect((await collect(await store.read(digest))).equals(bytes)).toBe(true);
        expect(await store.uploadSize(id)).toBe(bytes.length); // still there, to publish again if need be
        await expect(store.publishUpload(id, digest)).resolves.toBeUndefined();

        await store.abortUpload(id);
        await expect(store.uploadSize(id)).rejects.toBeInstanceOf(UploadNotFoundError);
        expect((await collect(await store.read(digest))).equals(bytes)).toBe(true); // the blob stays
        await expect(store.publishUpload(id, digest)).resolves.toBeUndefined(); // the blob exists: a no-op
      });

      it('publishes again a blob deleted after it was published (garbage collection raced the commit)', async () => {
        const bytes = randomBytes(30_000);
        const digest = sha256(bytes);
        const id = uploadId();
        await store.createUpload(id);
        await store.appendUpload(id, 0, chunks(bytes));
        await store.publishUpload(id, digest);

        await store.delete([digest]);
        expect(await store.stat(digest)).toBeNull();
        await store.publishUpload(id, digest);
        expect((await collect(await store.read(digest))).equals(bytes)).toBe(true);
        await store.abortUpload(id);
      });

      it('publishes a blob in several chunks (a multipart assemble on S3)', async () => {
        const bytes = randomBytes(12 * 1024 * 1024 + 5);
        const digest = sha256(bytes);
        const id = uploadId();
        await store.createUpload(id);
        const half = 6 * 1024 * 1024 + 3;
        await store.appendUpload(id, 0, chunks(bytes.subarray(0, half), 1024 * 1024));
        await store.appendUpload(id, half, chunks(bytes.subarray(half), 1024 * 1024));
        await store.publishUpload(id, digest);
        await store.abortUpload(id);
        expect(sha256(await collect(await store.read(digest)))).toBe(digest);
      }, 60_000);

      // Replicas pushing the same layer at once publish it from different uploads to the same address. Every
      // publish must succeed whatever the others are doing (writing the same object, checking it, aborting
      // their upload), and the blob must end whole: none may take a concurrent writer's half-written object for
      // a corrupt one and delete the blob another upload has already been committed with.
      it.each([
        ['one chunk', 300_000],
        ['several chunks (a multipart assemble on S3)', 9 * 1024 * 1024 + 7],
      ])('publishes the same digest from 8 uploads at once, in %s: all succeed, the blob stays whole', async (_, size) => {
        const bytes = randomBytes(size);
        const digest = sha256(bytes);
        const ids = Array.from({ length: 8 }, () => uploadId());
        for (const id of ids) {
          await store.createUpload(id);
          await store.appendUpload(id, 0, chunks(bytes, 1024 * 1024));
        }
        for (let round = 0; round < 3; round++) {
          await store.delete([digest]);
          // Each upload publishes, checks the blob is there (the registry's commit) and ends its upload, as the api does.
          const results = await Promise.allSettled(
            ids.map(async (id) => {
              await store.publishUpload(id, digest);
              const info = await store.stat(digest);
              if (info?.size !== bytes.length) throw new Error(`after publishing ${id} the blob is ${info ? `${info.size} bytes` : 'absent'}`);
            }),
          );
          expect(results.filter((result) => result.status === 'rejected')).toEqual([]);
          expect(await store.stat(digest)).toMatchObject({ size: bytes.length });
          expectSameBytes(await collect(await store.read(digest)), bytes);
        }
        await Promise.all(ids.map((id) => store.abortUpload(id)));
        expectSameBytes(await collect(await store.read(digest)), bytes);
      }, 120_000);
    });

    describe('reconcile (a new writer takes an upload over)', () => {
      it('keeps an upload that holds exactly its recorded size', async () => {
        const id = uploadId();
        await store.createUpload(id);
        expect(await store.reconcileUpload(id, 0)).toBe(0);
        await store.appendUpload(id, 0, chunks(Buffer.from('hello')));
        expect(await store.reconcileUpload(id, 5)).toBe(5);
        expect((await collect(await store.readUpload(id))).toString()).toBe('hello');
      });

      it('answers a size it holds whole, from which the upload continues to the right blob', async () => {
        // Two appends; the second one's size "was never recorded" (its writer died): the caller says 5.
        const bytes = Buffer.from('hello world, resumed');
        const id = uploadId();
        await store.createUpload(id);
        await store.appendUpload(id, 0, chunks(bytes.subarray(0, 5)));
        await store.appendUpload(id, 5, chunks(bytes.subarray(5, 11)));

        const size = await store.reconcileUpload(id, 5);
        expect([5, 11]).toContain(size); // the filesystem cuts back to 5; S3's state says 11 bytes are whole
        expect(await store.uploadSize(id)).toBe(size);
        expect((await collect(await store.readUpload(id))).equals(bytes.subarray(0, size))).toBe(true);
        expect(await store.appendUpload(id, size, chunks(bytes.subarray(size)))).toBe(bytes.length);
        await store.commitUpload(id, sha256(bytes));
        expect((await collect(await store.read(sha256(bytes)))).equals(bytes)).toBe(true);
      });

      it('rejects an unknown upload with UploadNotFoundError', async () => {
        await expect(store.reconcileUpload(uploadId(), 0)).rejects.toBeInstanceOf(UploadNotFoundError);
      });
    });

    describe('committed blobs', () => {
      it('reads inclusive byte ranges: first byte, middle, last byte, whole', async () => {
        const bytes = Buffer.from(Array.from({ length: 1000 }, (_, i) => (i * 7) % 256));
        const digest = await putBlob(bytes);
        const last = bytes.length - 1;

        const range = async (start: number, end: number) => collect(await store.read(digest, { start, end }));
        expect((await range(0, 0)).equals(bytes.subarray(0, 1))).toBe(true);
        expect((await range(100, 499)).equals(bytes.subarray(100, 500))).toBe(true);
        expect((await range(last, last)).equals(bytes.subarray(last))).toBe(true);
        expect((await range(0, last)).equals(bytes)).toBe(true);
      });

      it('sends downloads, whole and by range, into a destination and ends it', async () => {
        // Larger than one read buffer (1 MiB), and not a multiple of it.
        const bytes = randomBytes(2.5 * 1024 * 1024 + 17);
        const digest = await putBlob(bytes);

        const whole = await store.openDownload(digest);
        // Compared with Buffer.equals: toEqual walks a Buffer byte by byte, ~10 µs a byte (25 s of CPU for these
        // 2.5 MiB, minutes on a loaded machine), which timed this test out where the download took milliseconds.
        expectSameBytes(await receive(whole), bytes);
        expect(whole.sent).toBe(bytes.length);

        const range = { start: 1024 * 1024 - 3, end: 2 * 1024 * 1024 + 5 };
        const part = await store.openDownload(digest, range);
        expectSameBytes(await receive(part), bytes.subarray(range.start, range.end + 1));
        expect(part.sent).toBe(range.end - range.start + 1);
        // Past the end: the bytes that exist.
        const tail = await store.openDownload(digest, { start: bytes.length - 2, end: bytes.length + 100 });
        expectSameBytes(await receive(tail), bytes.subarray(bytes.length - 2));
      });

      it('rejects a download whose destination closes early with ERR_STREAM_PREMATURE_CLOSE', async () => {
        const bytes = randomBytes(3 * 1024 * 1024);
        const digest = await putBlob(bytes);
        const download = await store.openDownload(digest);
        let accepted = 0;
        // A client that hangs up after its first 100 KiB.
        const hangUp = new Writable({
          highWaterMark: 16 * 1024,
          write(chunk: Buffer, _encoding, callback) {
            accepted += chunk.length;
            callback();
            if (accepted >= 100 * 1024) this.destroy();
          },
        });
        await expect(download.sendTo(hangUp)).rejects.toMatchObject({ code: 'ERR_STREAM_PREMATURE_CLOSE' });
        expect(download.sent).toBeLessThan(bytes.length);
      });

      it('stats an absent blob as null and rejects reading it with BlobNotFoundError', async () => {
        const digest = sha256(Buffer.from('never stored'));
        expect(await store.stat(digest)).toBeNull();
        await expect(store.read(digest)).rejects.toBeInstanceOf(BlobNotFoundError);
        await expect(store.read(digest)).rejects.toMatchObject({ digest });
        await expect(store.read(digest, { start: 0, end: 0 })).rejects.toBeInstanceOf(BlobNotFoundError);
        await expect(store.openDownload(digest)).rejects.toBeInstanceOf(BlobNotFoundError);
      });

      it('deletes blobs and ignores absent ones', async () => {
        const kept = await putBlob(Buffer.from('kept'));
        const doomed = await putBlob(Buffer.from('doomed'));
        const absent = sha256(Buffer.from('absent'));

        await store.delete([doomed, absent]);
        expect(await store.stat(doomed)).toBeNull();
        await expect(store.read(doomed)).rejects.toBeInstanceOf(BlobNotFoundError);
        expect(await store.stat(kept)).toMatchObject({ size: 4 });
        await expect(store.delete([doomed, absent])).resolves.toBeUndefined();
        await expect(store.delete([])).resolves.toBeUndefined();
      });

      it('lists committed blobs with their sizes', async () => {
        expect(await all(store.list())).toEqual([]);
        const a = await putBlob(Buffer.from('a'));
        const b = await putBlob(randomBytes(5000));
        // Uploads in progress are not blobs.
        await store.createUpload(uploadId());

        const blobs = await all(store.list());
        expect(bySize(blobs, (blob) => blob.digest)).toEqual({ [a]: 1, [b]: 5000 });
        for (const blob of blobs) expectRecent(blob.modifiedAt);
      });
    });

    it('rejects malformed digests and upload ids', async () => {
      for (const digest of ['sha256:../../etc/passwd', 'sha256:ABC', `md5:${'a'.repeat(32)}`, '']) {
        await expect(store.stat(digest)).rejects.toThrow('invalid digest');
        await expect(store.read(digest)).rejects.toThrow('invalid digest');
      }
      for (const id of ['..', '../x', 'a/b', '']) {
        await expect(store.createUpload(id)).rejects.toThrow('invalid upload id');
      }
    });

    it('answers ping', async () => {
      await expect(store.ping()).resolves.toBeUndefined();
    });

    it('streams a 64 MiB blob in several appends and reads it back intact', async () => {
      const total = 64 * 1024 * 1024;
      const appends = 4;
      const id = uploadId();
      const written = createHash('sha256');
      await store.createUpload(id);

      let offset = 0;
      for (let i = 0; i < appends; i++) {
        offset = await store.appendUpload(id, offset, generated(total / appends, 1024 * 1024, written));
      }
      expect(offset).toBe(total);
      const digest = `sha256:${written.digest('hex')}`;
      await store.commitUpload(id, digest);

      expect(await store.stat(digest)).toMatchObject({ size: total });
      const read = createHash('sha256');
      let readSize = 0;
      for await (const chunk of await store.read(digest)) {
        read.update(chunk as Buffer);
        readSize += (chunk as Buffer).length;
      }
      expect(readSize).toBe(total);
      expect(`sha256:${read.digest('hex')}`).toBe(digest);
    }, 120_000);
  });
}

function uploadId(): string {
  return `upload-${process.pid}-${randomBytes(8).toString('hex')}`;
}

function sha256(bytes: Buffer): string {
  return `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
}

/** The bytes as a stream of `size`-byte chunks, so drivers see more than one write. */
function chunks(bytes: Buffer, size = 16 * 1024): Readable {
  const parts: Buffer[] = [];
  for (let at = 0; at < bytes.length; at += size) parts.push(bytes.subarray(at, at + size));
  return Readable.from(parts);
}

/** `total` random bytes produced lazily, chunk by chunk, feeding `hash` as they are produced. */
function generated(total: number, chunkSize: number, hash: ReturnType<typeof createHash>): Readable {
  return Readable.from(
    (function* () {
      for (let left = total; left > 0; left -= chunkSize) {
        const chunk = randomBytes(Math.min(chunkSize, left));
        hash.update(chunk);
        yield chunk;
      }
    })(),
  );
}

/**
 * Sends a download into a destination that copies each chunk, as a socket does (a download may reuse a
 * buffer once the write callback has run), and resolves with the bytes once the destination has finished.
 */
async function receive(download: BlobDownload): Promise<Buffer> {
  const parts: Buffer[] = [];
  let finished = false;
  const destination = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      // Like a socket whose write completes later: the chunk must stay intact until the callback.
      setImmediate(() => {
        parts.push(Buffer.from(chunk));
        callback();
      });
    },
  });
  destination.on('finish', () => (finished = true));
  await download.sendTo(destination);
  expect(finished).toBe(true);
  return Buffer.concat(parts);
}

/** Byte-for-byte equality in one memcmp; a mismatch reports the lengths and the first differing offset, not a multi-MiB diff. */
function expectSameBytes(actual: Buffer, expected: Buffer): void {
  let firstDifference = -1;
  if (!actual.equals(expected)) {
    const common = Math.min(actual.length, expected.length);
    firstDifference = 0;
    while (firstDifference < common && actual[firstDifference] === expected[firstDifference]) firstDifference++;
  }
  expect({ length: actual.length, firstDifference }).toEqual({ length: expected.length, firstDifference: -1 });
}

async function collect(stream: Readable): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const chunk of stream) parts.push(chunk as Buffer);
  return Buffer.concat(parts);
}

async function all<T>(items: AsyncIterable<T>): Promise<T[]> {
  const result: T[] = [];
  for await (const item of items) result.push(item);
  return result;
}

/**
 * A real, current timestamp. Not toBeInstanceOf(Date): fs.Stats dates come from Node's realm, not
 * jest's sandbox. The hour of slack tolerates object-store clock skew.
 */
function expectRecent(date: Date): void {
  expect(typeof date.getTime).toBe('function');
  expect(Math.abs(date.getTime() - Date.now())).toBeLessThan(60 * 60 * 1000);
}

function bySize<T extends BlobInfo | UploadInfo>(items: T[], key: (item: T) => string): Record<string, number> {
  return Object.fromEntries(items.map((item) => [key(item), item.size]));
}
