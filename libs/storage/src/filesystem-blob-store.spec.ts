import { createHash } from 'node:crypto';
import { constants, promises as fsp } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { UploadNotFoundError, UploadOffsetError } from './blob-store';
import { describeBlobStore } from './blob-store.suite';
import { FilesystemBlobStore } from './filesystem-blob-store';

// The root is a child of the temp dir so tests can prove nothing was written beside it.
async function freshStore(): Promise<{ dir: string; root: string; store: FilesystemBlobStore }> {
  const dir = await fsp.mkdtemp(path.join(os.tmpdir(), 'cargohold-blobs-'));
  const root = path.join(dir, 'root');
  return { dir, root, store: new FilesystemBlobStore(root) };
}

describeBlobStore('filesystem', async () => {
  const { dir, store } = await freshStore();
  return { store, cleanup: () => fsp.rm(dir, { recursive: true, force: true }) };
});

// The same contract with uploads written through the page cache (STORAGE_DIRECT_IO=false, or a file system
// that refuses O_DIRECT): the other of the two write paths.
describeBlobStore('filesystem without O_DIRECT', async () => {
  const { dir, root } = await freshStore();
  return { store: new FilesystemBlobStore(root, { directIo: false }), cleanup: () => fsp.rm(dir, { recursive: true, force: true }) };
});

describe('FilesystemBlobStore', () => {
  let dir: string;
  let root: string;
  let store: FilesystemBlobStore;

  beforeEach(async () => {
    ({ dir, root, store } = await freshStore());
  });

  afterEach(async () => {
    await fsp.rm(dir, { recursive: true, force: true });
  });

  const hello = Buffer.from('hello, blob');
  const helloHex = createHash('sha256').update(hello).digest('hex');
  const helloDigest = `sha256:${helloHex}`;

  it('lays committed blobs out as blobs/<algorithm>/<2 hex>/<hex> and removes the upload', async () => {
    await store.createUpload('u1');
    await store.appendUpload('u1', 0, Readable.from([hello]));
    // While in progress an upload is a directory holding exactly one data file.
    expect(await fsp.readdir(path.join(root, 'uploads', 'u1'))).toEqual(['data']);
    expect(await fsp.readFile(path.join(root, 'uploads', 'u1', 'data'))).toEqual(hello);

    await store.commitUpload('u1', helloDigest);

    const blobFile = path.join(root, 'blobs', 'sha256', helloHex.slice(0, 2), helloHex);
    expect(await fsp.readFile(blobFile)).toEqual(hello);
    expect(await fsp.readdir(path.join(root, 'uploads'))).toEqual([]);
    expect(await fsp.readdir(root)).toEqual(['blobs', 'uploads'].sort());
  });

  it('addresses sha512 digests under their own algorithm directory', async () => {
    const hex = createHash('sha512').update(hello).digest('hex');
    await store.createUpload('u512');
    await store.appendUpload('u512', 0, Readable.from([hello]));
    await store.commitUpload('u512', `sha512:${hex}`);

    expect(await fsp.readFile(path.join(root, 'blobs', 'sha512', hex.slice(0, 2), hex))).toEqual(hello);
    expect(await collectDigests(store)).toEqual([`sha512:${hex}`]);
  });

  it('removes the emptied 2-hex directory on delete but keeps one that still holds blobs', async () => {
    await commit(store, 'u1', hello);
    const prefixDir = path.join(root, 'blobs', 'sha256', helloHex.slice(0, 2));
    // A sibling blob sharing the prefix, placed by hand since finding a colliding hash is costly.
    const siblingHex = helloHex.slice(0, 2) + 'f'.repeat(62);
    await fsp.writeFile(path.join(prefixDir, siblingHex), 'sibling');

    await store.delete([helloDigest]);
    expect(await fsp.readdir(prefixDir)).toEqual([siblingHex]);

    await store.delete([`sha256:${siblingHex}`]);
    await expect(fsp.stat(prefixDir)).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('rejects path traversal in digests and upload ids without touching anything outside the root', async () => {
    const badDigests = [
      'sha256:../../../escape',
      `sha256:${'a'.repeat(64)}/../../../escape`,
      `sha256:..${'a'.repeat(62)}`,
      `../sha256:${'a'.repeat(64)}`,
      `sha256:${'a'.repeat(63)}`,
      `SHA256:${'a'.repeat(64)}`,
      `sha256:${'A'.repeat(64)}`,
      `sha256:${'a'.repeat(64)}\0`,
      `sha256:${'a'.repeat(64)}\n`,
    ];
    const badIds = ['..', '.', '../escape', '../../escape', 'a/b', 'a\\b', 'a.b', '', 'x'.repeat(65), 'a\0b', 'a\n'];
    const anyDigest = helloDigest;

    await store.createUpload('good');
    for (const digest of badDigests) {
      await expect(store.stat(digest)).rejects.toThrow('invalid digest');
      await expect(store.read(digest)).rejects.toThrow('invalid digest');
      await expect(store.delete([digest])).rejects.toThrow('invalid digest');
      await expect(store.redirectUrl(digest, 60)).rejects.toThrow('invalid digest');
      await expect(store.commitUpload('good', digest)).rejects.toThrow('invalid digest');
    }
    for (const id of badIds) {
      await expect(store.createUpload(id)).rejects.toThrow('invalid upload id');
      await expect(store.appendUpload(id, 0, Readable.from([hello]))).rejects.toThrow('invalid upload id');
      await expect(store.uploadSize(id)).rejects.toThrow('invalid upload id');
      await expect(store.readUpload(id)).rejects.toThrow('invalid upload id');
      await expect(store.commitUpload(id, anyDigest)).rejects.toThrow('invalid upload id');
      await expect(store.abortUpload(id)).rejects.toThrow('invalid upload id');
    }

    // Only the root exists beside the temp dir, and inside it only the one valid upload.
    expect(await fsp.readdir(dir)).toEqual(['root']);
    expect(await fsp.readdir(root)).toEqual(['uploads']);
    expect(await fsp.readdir(path.join(root, 'uploads'))).toEqual(['good']);
    expect(await store.uploadSize('good')).toBe(0);
  });

  it('rejects a malformed byte range', async () => {
    await commit(store, 'u1', hello);
    await expect(store.read(helloDigest, { start: 5, end: 4 })).rejects.toThrow(RangeError);
    await expect(store.read(helloDigest, { start: -1, end: 4 })).rejects.toThrow(RangeError);
    await expect(store.read(helloDigest, { start: 0.5, end: 4 })).rejects.toThrow(RangeError);
  });

  it('serialises concurrent appends to one upload: one wins, the other sees the new offset', async () => {
    await store.createUpload('race');
    const results = await Promise.allSettled([
      store.appendUpload('race', 0, Readable.from([Buffer.from('first')])),
      store.appendUpload('race', 0, Readable.from([Buffer.from('SECOND')])),
    ]);

    expect(results[0]).toEqual({ status: 'fulfilled', value: 5 });
    expect(results[1].status).toBe('rejected');
    expect((results[1] as PromiseRejectedResult).reason).toBeInstanceOf(UploadOffsetError);
    expect(await fsp.readFile(path.join(root, 'uploads', 'race', 'data'), 'utf8')).toBe('first');
  });

  // Each chunk reuses the file handle kept from the previous one; another process (here: another store on the
  // same root) may commit or abort the upload meanwhile, and the kept handle must then never be written to.
  it('never writes through a kept handle once another process committed the upload into a blob', async () => {
    const other = new FilesystemBlobStore(root);
    await store.createUpload('u1');
    await store.appendUpload('u1', 0, Readable.from([hello]));
    await other.commitUpload('u1', helloDigest);

    await expect(store.appendUpload('u1', hello.length, Readable.from([Buffer.from('more')]))).rejects.toBeInstanceOf(UploadNotFoundError);
    expect((await fsp.readFile(path.join(root, 'blobs', 'sha256', helloHex.slice(0, 2), helloHex))).equals(hello)).toBe(true);
  });

  it('writes to the new file when another process aborted and recreated the upload', async () => {
    const other = new FilesystemBlobStore(root);
    await store.createUpload('u1');
    await store.appendUpload('u1', 0, Readable.from([Buffer.from('stale bytes')]));
    await other.abortUpload('u1');
    await other.createUpload('u1');

    await store.appendUpload('u1', 0, Readable.from([hello]));
    expect((await fsp.readFile(path.join(root, 'uploads', 'u1', 'data'))).equals(hello)).toBe(true);
    await store.commitUpload('u1', helloDigest);
    expect(await collectDigests(store)).toEqual([helloDigest]);
  });

  it('falls back to page-cache writes for good when the file system refuses O_DIRECT writes (EINVAL)', async () => {
    // A file system that opens with O_DIRECT but refuses the writes: every write on a handle whose flags
    // (from /proc/self/fdinfo) include O_DIRECT fails with EINVAL.
    const handle = await fsp.open(path.join(dir, 'probe'), 'w');
    const prototype = Object.getPrototypeOf(handle) as { write: (...args: unknown[]) => Promise<unknown> };
    await handle.close();
    const write = prototype.write;
    const isDirect = async (fd: number) => (parseInt((await fsp.readFile(`/proc/self/fdinfo/${fd}`, 'utf8')).match(/flags:\s+(\d+)/)![1], 8) & constants.O_DIRECT) !== 0;
    const spy = jest.spyOn(prototype, 'write').mockImplementation(async function (this: fsp.FileHandle, ...args: unknown[]) {
      if (await isDirect(this.fd)) throw Object.assign(new Error('EINVAL: invalid argument, write'), { code: 'EINVAL' });
      return write.apply(this, args);
    });
    try {
      const bytes = Buffer.alloc(3 * 1024 * 1024, 7); // more than one 2 MiB staging slice: a direct write is tried
      await store.createUpload('u1');
      await expect(store.appendUpload('u1', 0, Readable.from([bytes]))).rejects.toMatchObject({ code: 'EINVAL' });
      expect(await store.uploadSize('u1')).toBe(0); // truncated back: nothing half written
      // The client's retry, and every later append, goes through the page cache.
      expect(await store.appendUpload('u1', 0, Readable.from([bytes]))).toBe(bytes.length);
      expect((await fsp.readFile(path.join(root, 'uploads', 'u1', 'data'))).equals(bytes)).toBe(true);
    } finally {
      spy.mockRestore();
    }
  });

  describe('taking an upload over after its writer died (reconcileUpload)', () => {
    it('cuts the bytes of a chunk whose size was never recorded', async () => {
      await store.createUpload('u1');
      await store.appendUpload('u1', 0, Readable.from([Buffer.from('recorded')]));
      // What a writer killed mid-chunk leaves: bytes past the recorded size.
      await fsp.appendFile(path.join(root, 'uploads', 'u1', 'data'), 'half a chunk');

      expect(await store.reconcileUpload('u1', 8)).toBe(8);
      expect(await fsp.readFile(path.join(root, 'uploads', 'u1', 'data'), 'utf8')).toBe('recorded');
      expect(await store.appendUpload('u1', 8, Readable.from([Buffer.from(', resumed')]))).toBe(17);
    });

    it('keeps only what it knows to be whole when it holds less than recorded (the last batches may be torn)', async () => {
      const bytes = Buffer.alloc(6 * 1024 * 1024, 1);
      await store.createUpload('u1');
      await store.appendUpload('u1', 0, Readable.from([bytes]));
      // Recorded 8 MiB, but the last 2 MiB never landed: the last two 2 MiB batches before it are suspect.
      expect(await store.reconcileUpload('u1', 8 * 1024 * 1024)).toBe(2 * 1024 * 1024);
      expect(await store.uploadSize('u1')).toBe(2 * 1024 * 1024);
    });
  });

  it('refuses appends to a published upload, whose file is the blob until the upload is removed', async () => {
    await store.createUpload('u1');
    await store.appendUpload('u1', 0, Readable.from([hello]));
    await store.publishUpload('u1', helloDigest);

    await expect(store.appendUpload('u1', hello.length, Readable.from([Buffer.from('more')]))).rejects.toBeInstanceOf(UploadNotFoundError);
    await expect(store.reconcileUpload('u1', 0)).rejects.toBeInstanceOf(UploadNotFoundError);
    expect((await fsp.readFile(path.join(root, 'blobs', 'sha256', helloHex.slice(0, 2), helloHex))).equals(hello)).toBe(true);
    // The blob's modification time is the publish's, so the orphan sweeper's grace period starts now.
    await store.abortUpload('u1');
    expect((await fsp.readFile(path.join(root, 'blobs', 'sha256', helloHex.slice(0, 2), helloHex))).equals(hello)).toBe(true);
  });

  it('refuses to recreate an existing upload rather than truncate it', async () => {
    await store.createUpload('dup');
    await store.appendUpload('dup', 0, Readable.from([hello]));
    await expect(store.createUpload('dup')).rejects.toMatchObject({ code: 'EEXIST' });
    expect(await store.uploadSize('dup')).toBe(hello.length);
  });

  it('ignores stray files when listing blobs and uploads', async () => {
    await commit(store, 'u1', hello);
    await store.createUpload('open');
    await fsp.writeFile(path.join(root, 'blobs', 'sha256', helloHex.slice(0, 2), 'not-a-digest.tmp'), 'x');
    await fsp.writeFile(path.join(root, 'blobs', 'sha256', 'README'), 'x');
    await fsp.mkdir(path.join(root, 'blobs', 'md5', 'aa'), { recursive: true });
    await fsp.mkdir(path.join(root, 'uploads', 'bad.name'));

    expect(await collectDigests(store)).toEqual([helloDigest]);
    const uploads = [];
    for await (const upload of store.listUploads()) uploads.push(upload.id);
    expect(uploads).toEqual(['open']);
  });

  it('creates the root on ping and fails when the root cannot be a directory', async () => {
    await store.ping();
    expect((await fsp.stat(root)).isDirectory()).toBe(true);

    const file = path.join(dir, 'a-file');
    await fsp.writeFile(file, '');
    await expect(new FilesystemBlobStore(file).ping()).rejects.toThrow();
  });
});

async function commit(store: FilesystemBlobStore, id: string, bytes: Buffer): Promise<void> {
  await store.createUpload(id);
  await store.appendUpload(id, 0, Readable.from([bytes]));
  await store.commitUpload(id, `sha256:${createHash('sha256').update(bytes).digest('hex')}`);
}

async function collectDigests(store: FilesystemBlobStore): Promise<string[]> {
  const digests: string[] = [];
  for await (const blob of store.list()) digests.push(blob.digest);
  return digests;
}
