import { BlockBlobClient, ContainerClient } from '@azure/storage-blob';
import { AzuriteServer, startAzurite } from '@cargohold/testing';
import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { createAzureServiceClient } from './azure-client';
import { AzureBlobStoreConfig } from './azure-config';
import { AzureBlobStore } from './azure-blob-store';
import { describeBlobStore } from './blob-store.suite';
import { all, collect, hashStream, sha256, slices } from './chunks.spec-helper';
import { UploadNotFoundError, UploadOffsetError } from './blob-store';

const MiB = 1024 * 1024;

// One Azurite (a child process, storing under a temporary directory) for the file; each test gets a fresh container,
// so "the store is empty" holds without deleting anything, and the container goes afterwards.
let azurite: AzuriteServer;
let containers = 0;

beforeAll(async () => {
  azurite = await startAzurite();
});

afterAll(async () => {
  await azurite?.stop();
});

function configFor(container: string, overrides: Partial<AzureBlobStoreConfig> = {}): AzureBlobStoreConfig {
  return { container, accountName: azurite.accountName, accountKey: azurite.accountKey, endpoint: azurite.blobEndpoint, redirect: false, ...overrides };
}

async function freshContainer(): Promise<{ config: AzureBlobStoreConfig; container: ContainerClient }> {
  const config = configFor(`test-${process.pid}-${++containers}`);
  const container = createAzureServiceClient(config).getContainerClient(config.container);
  await container.create();
  return { config, container };
}

describeBlobStore('azure (Azurite)', async () => {
  const { config, container } = await freshContainer();
  return { store: new AzureBlobStore(config), cleanup: async () => void (await container.delete()) };
});

describe('AzureBlobStore', () => {
  let config: AzureBlobStoreConfig;
  let container: ContainerClient;
  let store: AzureBlobStore;

  beforeEach(async () => {
    ({ config, container } = await freshContainer());
    store = new AzureBlobStore(config, { blockSize: MiB });
  });

  afterEach(async () => {
    jest.restoreAllMocks();
    await container.delete();
  });

  const uploadBlob = (id: string) => container.getBlockBlobClient(`uploads/${id}`);
  const names = async (prefix: string) => {
    const found: string[] = [];
    for await (const item of container.listBlobsFlat({ prefix })) found.push(item.name);
    return found;
  };

  it('keeps an upload as one block blob: each append stages blocks and commits them after the ones before', async () => {
    const parts = [randomBytes(2 * MiB + 5), randomBytes(1000), randomBytes(MiB)];
    const id = 'blocks';
    await store.createUpload(id);
    let offset = 0;
    for (const part of parts) offset = await store.appendUpload(id, offset, slices(part, 64 * 1024));

    const list = await uploadBlob(id).getBlockList('all');
    // 1 MiB blocks: 2 MiB + 5 is three blocks, 1000 bytes one, 1 MiB one; nothing left uncommitted.
    expect(list.committedBlocks!.map((block) => block.size)).toEqual([MiB, MiB, 5, 1000, MiB]);
    expect(list.uncommittedBlocks ?? []).toEqual([]);
    expect(list.blobContentLength).toBe(offset);
    // Any replica (another instance) reads the same state back from Azure, and so does this one after a restart.
    const other = new AzureBlobStore(config);
    expect(await other.uploadSize(id)).toBe(offset);
    expect(await other.reconcileUpload(id, 0)).toBe(offset);
    expect((await collect(await other.readUpload(id, 2 * MiB))).equals(Buffer.concat(parts).subarray(2 * MiB))).toBe(true);
  });

  it('leaves an interrupted append uncommitted: blocks staged, size unchanged, dropped by the next commit', async () => {
    const id = 'interrupted';
    await store.createUpload(id);
    await store.appendUpload(id, 0, slices(Buffer.from('hello '), 6));
    const failing = Readable.from(
      (async function* () {
        for (let i = 0; i < 3; i++) yield randomBytes(MiB); // three whole blocks reach Azure
        throw new Error('client went away');
      })(),
    );
    await expect(store.appendUpload(id, 6, failing)).rejects.toThrow('client went away');

    const during = await uploadBlob(id).getBlockList('all');
    expect(during.committedBlocks!.map((block) => block.size)).toEqual([6]);
    expect(during.uncommittedBlocks!.length).toBeGreaterThanOrEqual(2);
    expect(await store.uploadSize(id)).toBe(6);

    expect(await store.appendUpload(id, 6, slices(Buffer.from('world'), 5))).toBe(11);
    const after = await uploadBlob(id).getBlockList('all');
    expect(after.committedBlocks!.map((block) => block.size)).toEqual([6, 5]);
    expect(after.uncommittedBlocks ?? []).toEqual([]);
    expect((await collect(await store.readUpload(id))).toString()).toBe('hello world');
  });

  it('lets only one of two replicas commit an append started from the same state', async () => {
    const id = 'contended';
    const replica = new AzureBlobStore(config);
    await store.createUpload(id);
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    // This append reads the block list (size 0), stages a block, and waits before its body ends...
    const slow = store.appendUpload(
      id,
      0,
      Readable.from(
        (async function* () {
          yield Buffer.from('first writer');
          await held;
        })(),
      ),
    );
    await new Promise((resolve) => setTimeout(resolve, 200));
    // ...while another replica, which took the upload over, appends and commits.
    expect(await replica.appendUpload(id, 0, slices(Buffer.from('second'), 6))).toBe(6);
    release();
    await expect(slow).rejects.toBeInstanceOf(UploadOffsetError);
    await expect(slow).rejects.toMatchObject({ expected: 0, actual: 6 });
    expect((await collect(await store.readUpload(id))).toString()).toBe('second');
  });

  it('publishes by a server-side copy: no bytes through the driver, nothing at the address before, the upload kept', async () => {
    const bytes = randomBytes(5 * MiB + 3);
    const digest = sha256(bytes);
    const id = 'copied';
    await store.createUpload(id);
    await store.appendUpload(id, 0, slices(bytes, 256 * 1024));
    expect(await names('blobs/')).toEqual([]);

    const moved = [
      jest.spyOn(BlockBlobClient.prototype, 'download'),
      jest.spyOn(BlockBlobClient.prototype, 'stageBlock'),
      jest.spyOn(BlockBlobClient.prototype, 'upload'),
      jest.spyOn(BlockBlobClient.prototype, 'commitBlockList'),
    ];
    await store.publishUpload(id, digest);
    for (const spy of moved) expect(spy).not.toHaveBeenCalled();

    const hex = digest.slice('sha256:'.length);
    const published = await container.getBlockBlobClient(`blobs/sha256/${hex.slice(0, 2)}/${hex}`).getProperties();
    expect(published.copyStatus).toBe('success');
    expect(published.copySource).toMatch(/\/uploads\/copied$/);
    expect(published.contentLength).toBe(bytes.length);
    expect(await store.uploadSize(id)).toBe(bytes.length);
    jest.restoreAllMocks();
    expect(await hashStream(await store.read(digest))).toBe(digest);
    await store.abortUpload(id);
    expect(await names('uploads/')).toEqual([]);
  });

  it('publishes one digest from 3 replicas x 3 uploads at once: every publish succeeds, the blob is whole', async () => {
    const replicas = [store, new AzureBlobStore(config), new AzureBlobStore(config)];
    const bytes = randomBytes(3 * MiB + 1);
    const digest = sha256(bytes);
    const uploads = replicas.flatMap((replica, r) => [0, 1, 2].map((u) => ({ replica, id: `same-${r}-${u}` })));
    for (const { replica, id } of uploads) {
      await replica.createUpload(id);
      await replica.appendUpload(id, 0, slices(bytes, MiB));
    }
    for (let round = 0; round < 3; round++) {
      await store.delete([digest]);
      const results = await Promise.allSettled(uploads.map(({ replica, id }) => replica.publishUpload(id, digest)));
      expect(results.filter((result) => result.status === 'rejected')).toEqual([]);
      expect(await hashStream(await store.read(digest))).toBe(digest);
    }
  });

  it('replaces a blob of the wrong size at the address rather than taking it for the content', async () => {
    const bytes = randomBytes(10_000);
    const digest = sha256(bytes);
    const hex = digest.slice('sha256:'.length);
    await container.getBlockBlobClient(`blobs/sha256/${hex.slice(0, 2)}/${hex}`).upload('truncated', 9);
    await store.createUpload('replace');
    await store.appendUpload('replace', 0, slices(bytes, 4096));
    await store.publishUpload('replace', digest);
    expect((await collect(await store.read(digest))).equals(bytes)).toBe(true);
  });

  it('hands out a read-only SAS URL that serves ranges, only when redirect is on', async () => {
    const bytes = randomBytes(300_000);
    const digest = sha256(bytes);
    await store.createUpload('sas');
    await store.appendUpload('sas', 0, slices(bytes, 65536));
    await store.commitUpload('sas', digest);
    expect(await store.redirectUrl(digest, 60)).toBeNull();

    const redirecting = new AzureBlobStore({ ...config, redirect: true });
    const url = new URL((await redirecting.redirectUrl(digest, 86_400))!);
    expect(url.origin + url.pathname).toBe(`${azurite.blobEndpoint}/${config.container}/blobs/sha256/${digest.slice(7, 9)}/${digest.slice(7)}`);
    expect(url.searchParams.get('sp')).toBe('r');
    // Capped at an hour whatever the caller asks.
    expect(new Date(url.searchParams.get('se')!).getTime() - Date.now()).toBeLessThanOrEqual(3600_000 + 60_000);

    const whole = await fetch(url);
    expect(whole.status).toBe(200);
    expect(sha256(Buffer.from(await whole.arrayBuffer()))).toBe(digest);
    const ranged = await fetch(url, { headers: { Range: 'bytes=1000-1999' } });
    expect(ranged.status).toBe(206);
    expect(Buffer.from(await ranged.arrayBuffer()).equals(bytes.subarray(1000, 2000))).toBe(true);
    const write = await fetch(url, { method: 'PUT', headers: { 'x-ms-blob-type': 'BlockBlob' }, body: 'overwritten' });
    expect(write.status).toBe(403);
    expect((await fetch(url, { method: 'DELETE' })).status).toBe(403);
    expect(await store.stat(digest)).toMatchObject({ size: bytes.length });
  });

  it('answers the committed size to a new writer and rejects unknown uploads', async () => {
    await store.createUpload('exists');
    await expect(store.createUpload('exists')).rejects.toThrow('upload exists already exists');
    await expect(store.reconcileUpload('missing', 0)).rejects.toBeInstanceOf(UploadNotFoundError);
    await expect(store.readUpload('missing', 5)).rejects.toBeInstanceOf(UploadNotFoundError);
    expect((await collect(await store.readUpload('exists'))).length).toBe(0);
  });

  it('lists only blobs at their proper address and uploads with valid ids', async () => {
    await container.getBlockBlobClient('blobs/sha256/zz/not-a-digest').upload('x', 1);
    await container.getBlockBlobClient('uploads/bad id').upload('x', 1);
    await store.createUpload('good');
    expect(await all(store.list())).toEqual([]);
    expect((await all(store.listUploads())).map((upload) => upload.id)).toEqual(['good']);
  });

  it('fails ping, stat and uploads for a container that does not exist, instead of reporting blobs absent', async () => {
    const missing = new AzureBlobStore(configFor('no-such-container'));
    await expect(missing.ping()).rejects.toThrow();
    await expect(missing.stat(sha256(Buffer.from('x')))).rejects.toThrow();
    await expect(missing.uploadSize('x')).rejects.not.toBeInstanceOf(UploadNotFoundError);
  });

  it('refuses a block size Azure would not take', () => {
    expect(() => new AzureBlobStore(config, { blockSize: 0 })).toThrow('blockSize must be between');
    expect(() => new AzureBlobStore({ ...config, container: '' })).toThrow('needs a container (AZURE_CONTAINER)');
  });
});
