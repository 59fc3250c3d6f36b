import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { AzureBlobStore, AzureBlobStoreConfig, createAzureContainerClient } from '@cargohold/storage';
import {
  AzuriteServer,
  buildOciLayout,
  createTestDatabase,
  digestOf,
  locationPath,
  RegistrySession,
  RunningProcess,
  runClient,
  seedProject,
  spawnProcess,
  startAzurite,
  startPlatform,
  TestDatabase,
  TestPlatform,
} from '@cargohold/testing';
import { bearer, rawRequest } from './reliability-support';

const MiB = 1024 * 1024;
const TLS = ['--src-tls-verify=false', '--dest-tls-verify=false'];

/** The platform with STORAGE_DRIVER=azure against Azurite (Microsoft's emulator, a child process on loopback). */
describe('registry on Azure Blob Storage (Azurite)', () => {
  let azurite: AzuriteServer;
  let work: string;

  beforeAll(async () => {
    azurite = await startAzurite();
    work = mkdtempSync(path.join(tmpdir(), 'storage-azure-'));
  });

  afterAll(async () => {
    await azurite?.stop();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  /** A fresh container and database, and the api configured for them through the environment, as a user would. */
  async function platformOn(container: string, extraEnv: Record<string, string> = {}) {
    const config: AzureBlobStoreConfig = {
      container,
      accountName: azurite.accountName,
      accountKey: azurite.accountKey,
      endpoint: azurite.blobEndpoint,
      redirect: false,
    };
    await createAzureContainerClient(config).create();
    const db = await createTestDatabase();
    const platform = await startPlatform({
      databaseUrl: db.url,
      worker: false,
      env: {
        STORAGE_DRIVER: 'azure',
        AZURE_ACCOUNT_NAME: azurite.accountName,
        AZURE_ACCOUNT_KEY: azurite.accountKey,
        AZURE_ENDPOINT: azurite.blobEndpoint,
        AZURE_CONTAINER: container,
        GC_REVIEW_DELAY: '0',
        PULL_RATE_LIMIT_AUTHENTICATED: '0',
        ...extraEnv,
      },
    });
    await seedProject(db, 'team/service');
    // The test's own view of the container, through the driver (what the api wrote, read back from Azurite).
    return { db, platform, store: new AzureBlobStore(config), container: createAzureContainerClient(config) };
  }

  const blobName = (digest: string) => `blobs/sha256/${digest.slice(7, 9)}/${digest.slice(7)}`;
  const all = async <T>(items: AsyncIterable<T>) => {
    const found: T[] = [];
    for await (const item of items) found.push(item);
    return found;
  };

  describe('streaming through the api', () => {
    let db: TestDatabase;
    let platform: TestPlatform;
    let store: AzureBlobStore;
    let container: ReturnType<typeof createAzureContainerClient>;
    let registry: RegistrySession;
    let host: string;
    let creds: string;
    /** A second api process: chunks alternate between it and the first, and the crash test kills it last. */
    let replica: { url: string; process: RunningProcess };

    beforeAll(async () => {
      ({ db, platform, store, container } = await platformOn('registry'));
      registry = new RegistrySession(platform.url, { username: 'root', password: platform.adminToken });
      host = `127.0.0.1:${platform.port}`;
      creds = `root:${platform.adminToken}`;
      replica = await platform.startApiReplica();
    });

    afterAll(async () => {
      await platform?.stop();
      await db?.drop();
    });

    const cli = async (args: string[]) => {
      const proc = spawnProcess('cli', platform.env, args);
      return { code: await proc.exited, output: proc.output() };
    };

    it('round-trips a multi-layer image and a multi-arch index through skopeo, bytes in the container and not on local disk', async () => {
      const layout = buildOciLayout(path.join(work, 'layers'), 'v1', [
        { layers: [{ 'data/big.bin': randomBytes(12 * MiB) }, { 'etc/motd': 'small' }, { 'bin/tool': randomBytes(300_000) }] },
      ]);
      await runClient('skopeo', ['copy', ...TLS, '--dest-creds', creds, `oci:${layout.dir}:v1`, `docker://${host}/team/service:v1`]);
      const out = path.join(work, 'layers-out');
      await runClient('skopeo', ['copy', ...TLS, '--src-creds', creds, `docker://${host}/team/service:v1`, `dir:${out}`]);
      for (const layer of layout.images[0].layers) expect(digestOf(readFileSync(path.join(out, layer.digest.slice(7))))).toBe(layer.digest);
      expect(digestOf(readFileSync(path.join(out, 'manifest.json')))).toBe(layout.top.digest);

      const index = buildOciLayout(path.join(work, 'multi'), 'multi', [
        { architecture: 'amd64', layers: [{ 'arch.txt': 'amd64' }] },
        { architecture: 'arm64', layers: [{ 'arch.txt': 'arm64' }] },
      ]);
      await runClient('skopeo', ['copy', '--all', ...TLS, '--dest-creds', creds, `oci:${index.dir}:multi`, `docker://${host}/team/service/multi:latest`]);
      const back = path.join(work, 'multi-back');
      await runClient('skopeo', ['copy', '--all', ...TLS, '--src-creds', creds, `docker://${host}/team/service/multi:latest`, `oci:${back}:copy`]);
      expect(JSON.parse(readFileSync(path.join(back, 'index.json'), 'utf8')).manifests[0].digest).toBe(index.top.digest);
      const pulled = readdirSync(path.join(back, 'blobs', 'sha256'));
      for (const image of index.images) expect(pulled).toContain(image.layers[0].digest.slice(7));

      const stored = (await all(store.list())).map((blob) => blob.digest);
      for (const image of [...layout.images, ...index.images]) {
        for (const blob of [image.config, ...image.layers]) expect(stored).toContain(blob.digest);
      }
      expect(await all(store.listUploads())).toEqual([]);
      const local = path.join(platform.dataDir, 'storage');
      expect(existsSync(local) ? readdirSync(local) : []).toEqual([]);
    }, 120_000);

    it('takes a 40 MiB blob in 16 MiB PATCHes alternating between two api processes, each committed as blocks of the upload blob', async () => {
      const bytes = randomBytes(40 * MiB);
      const digest = digestOf(bytes);
      const start = await registry.fetch(`${platform.url}/v2/team/service/blobs/uploads/`, { method: 'POST' });
      expect(start.status).toBe(202);
      const location = locationPath(start);
      const id = location.split('/').pop()!;
      const uploadBlob = container.getBlockBlobClient(`uploads/${id}`);

      // Each api process finds the blocks the other committed: it reads the block list back from Azure and rebuilds
      // its hash state from the upload blob's bytes.
      const bases = [platform.url, replica.url];
      for (const [i, from] of [0, 16 * MiB, 32 * MiB].entries()) {
        const to = Math.min(from + 16 * MiB, bytes.length);
        const patch = await registry.fetch(`${bases[i % 2]}${location}`, {
          method: 'PATCH',
          body: bytes.subarray(from, to),
          headers: { 'Content-Type': 'application/octet-stream', 'Content-Range': `${from}-${to - 1}` },
        });
        expect(patch.status).toBe(202);
        expect(patch.headers.get('range')).toBe(`0-${to - 1}`);
        const blocks = await uploadBlob.getBlockList('all');
        expect(blocks.blobContentLength).toBe(to);
        expect(blocks.uncommittedBlocks ?? []).toEqual([]);
        expect(await store.stat(digest)).toBeNull(); // nothing at the content address before the PUT
      }
      expect((await uploadBlob.getBlockList('committed')).committedBlocks!.map((block) => block.size)).toEqual([8, 8, 8, 8, 8].map((n) => n * MiB));

      const put = await registry.fetch(`${replica.url}${location}?digest=${digest}`, { method: 'PUT' });
      expect(put.status).toBe(201);
      const published = await container.getBlockBlobClient(blobName(digest)).getProperties();
      expect(published.copyStatus).toBe('success'); // moved by Copy Blob inside the account
      expect(published.copySource).toMatch(new RegExp(`/uploads/${id}$`));

      for (const base of bases) {
        const get = await registry.fetch(`${base}/v2/team/service/blobs/${digest}`);
        expect(get.status).toBe(200);
        expect(digestOf(Buffer.from(await get.arrayBuffer()))).toBe(digest);
      }
      const ranged = await registry.fetch(`${platform.url}/v2/team/service/blobs/${digest}`, { headers: { Range: `bytes=${10 * MiB}-${30 * MiB - 1}` } });
      expect(ranged.status).toBe(206);
      expect(Buffer.from(await ranged.arrayBuffer()).equals(bytes.subarray(10 * MiB, 30 * MiB))).toBe(true);
      expect((await all(store.listUploads())).map((upload) => upload.id)).not.toContain(id);
    }, 120_000);

    it('survives kill -9 of the api mid-chunk: nothing half-visible, the upload resumes from its Range on another process', async () => {
      const victim = replica;
      const bytes = randomBytes(40 * MiB);
      const digest = digestOf(bytes);
      const chunk = 16 * MiB;
      const start = await registry.fetch(`${victim.url}/v2/team/service/blobs/uploads/`, { method: 'POST' });
      const location = locationPath(start);
      const id = location.split('/').pop()!;
      const first = await registry.fetch(`${victim.url}${location}`, { method: 'PATCH', body: bytes.subarray(0, chunk), headers: { 'Content-Range': `0-${chunk - 1}` } });
      expect(first.status).toBe(202);

      // 12 of the second chunk's 16 MiB are sent (a whole 8 MiB block staged on the upload blob) when the api dies.
      const authorization = `Bearer ${await bearer(victim.url, 'root', platform.adminToken, ['repository:team/service:pull,push'])}`;
      const head = `PATCH ${location} HTTP/1.1\r\nHost: x\r\nAuthorization: ${authorization}\r\nContent-Type: application/octet-stream\r\nContent-Range: ${chunk}-${2 * chunk - 1}\r\nContent-Length: ${chunk}\r\n\r\n`;
      const port = Number(new URL(victim.url).port);
      const pending = rawRequest(port, Buffer.concat([Buffer.from(head), bytes.subarray(chunk, chunk + 12 * MiB)]), 5000);
      await new Promise((resolve) => setTimeout(resolve, 400));
      victim.process.child.kill('SIGKILL');
      await victim.process.exited;
      await pending;

      // Nothing half-visible: the upload blob holds exactly its committed first chunk, no blob at the address.
      expect(await store.uploadSize(id)).toBe(chunk);
      expect(await store.stat(digest)).toBeNull();
      expect((await all(store.list())).map((blob) => blob.digest)).not.toContain(digest);

      // The dead writer claimed the upload's lease for 30 s when its chunk began; a client would see 416 until then.
      // Fast-forward that wait rather than sleep through it.
      await db.query(`UPDATE uploads SET lease_until = now() WHERE id = $1`, [id]);
      // The client asks where the upload stands and continues from there on the surviving api, which takes the upload
      // over: it reads the committed block list back from Azure (the staged, uncommitted block is no part of it).
      const status = await registry.fetch(`${platform.url}${location}`);
      expect(status.status).toBe(204);
      expect(status.headers.get('range')).toBe(`0-${chunk - 1}`);
      const rest = await registry.fetch(`${platform.url}${location}?digest=${digest}`, {
        method: 'PUT',
        body: bytes.subarray(chunk),
        headers: { 'Content-Type': 'application/octet-stream', 'Content-Range': `${chunk}-${bytes.length - 1}` },
      });
      expect(rest.status).toBe(201);
      const served = await registry.fetch(`${platform.url}/v2/team/service/blobs/${digest}`);
      expect(digestOf(Buffer.from(await served.arrayBuffer()))).toBe(digest);
      const check = await cli(['storage:check']);
      expect({ code: check.code, output: check.output }).toMatchObject({ code: 0 });
    }, 120_000);

    it('GC reclaims an unreferenced blob and a stray one from the container, and storage:check agrees before and after', async () => {
      const unreferenced = randomBytes(200_000);
      const digest = digestOf(unreferenced);
      const post = await registry.fetch(`${platform.url}/v2/team/service/blobs/uploads/?digest=${digest}`, { method: 'POST', body: unreferenced });
      expect(post.status).toBe(201);
      expect((await registry.fetch(`${platform.url}/v2/team/service/blobs/${digest}`, { method: 'DELETE' })).status).toBe(202);
      // Bytes at a content address with no row (a commit killed before its transaction): an orphan.
      const stray = randomBytes(999);
      const strayDigest = digestOf(stray);
      await container.getBlockBlobClient(blobName(strayDigest)).upload(stray, stray.length);

      const before = await cli(['storage:check']);
      expect(before.code).toBe(1);
      expect(before.output).toContain(strayDigest);

      const gc = await cli(['gc:run']);
      expect(gc.code).toBe(0);
      expect(JSON.parse(gc.output.trim().split('\n').pop()!)).toMatchObject({ blobsDeleted: 1, orphanBlobsDeleted: 1 });
      expect(await store.stat(digest)).toBeNull();
      expect(await store.stat(strayDigest)).toBeNull();
      expect((await registry.fetch(`${platform.url}/v2/team/service/blobs/${digest}`)).status).toBe(404);

      const after = await cli(['storage:check']);
      expect({ code: after.code, output: after.output }).toMatchObject({ code: 0 });
      expect(JSON.parse(after.output.trim().split('\n').pop()!)).toMatchObject({ ok: true, missing: 0, orphans: 0, sizeMismatches: 0 });
    }, 120_000);
  });

  describe('with AZURE_REDIRECT=true', () => {
    let db: TestDatabase;
    let platform: TestPlatform;

    beforeAll(async () => {
      ({ db, platform } = await platformOn('redirecting', { AZURE_REDIRECT: 'true' }));
    });

    afterAll(async () => {
      await platform?.stop();
      await db?.drop();
    });

    it('sends blob GETs to read-only SAS URLs that skopeo follows and that serve a Range', async () => {
      const host = `127.0.0.1:${platform.port}`;
      const creds = `root:${platform.adminToken}`;
      const layout = buildOciLayout(path.join(work, 'redirect'), 'r', [{ layers: [{ 'data/blob.bin': randomBytes(3 * MiB) }] }]);
      const [layer] = layout.images[0].layers;
      await runClient('skopeo', ['copy', ...TLS, '--dest-creds', creds, `oci:${layout.dir}:r`, `docker://${host}/team/service:r`]);

      const registry = new RegistrySession(platform.url, { username: 'root', password: platform.adminToken });
      const response = await registry.fetch(`${platform.url}/v2/team/service/blobs/${layer.digest}`, { redirect: 'manual', headers: { Range: 'bytes=100-1123' } });
      expect(response.status).toBe(307);
      const location = new URL(response.headers.get('location')!);
      expect(`${location.origin}${location.pathname}`).toBe(`${azurite.blobEndpoint}/redirecting/${blobName(layer.digest)}`);
      expect(location.searchParams.get('sp')).toBe('r');

      const whole = Buffer.from(await (await fetch(location)).arrayBuffer());
      expect(digestOf(whole)).toBe(layer.digest);
      const ranged = await fetch(location, { headers: { Range: 'bytes=100-1123' } });
      expect(ranged.status).toBe(206);
      expect(Buffer.from(await ranged.arrayBuffer()).equals(whole.subarray(100, 1124))).toBe(true);
      expect((await fetch(location, { method: 'DELETE' })).status).toBe(403); // read-only

      const out = path.join(work, 'redirect-out');
      await runClient('skopeo', ['copy', ...TLS, '--src-creds', creds, `docker://${host}/team/service:r`, `dir:${out}`]);
      expect(digestOf(readFileSync(path.join(out, layer.digest.slice(7))))).toBe(layer.digest);
    }, 120_000);
  });
});
