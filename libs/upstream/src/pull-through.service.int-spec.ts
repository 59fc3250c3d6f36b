import { createHash, randomBytes } from 'node:crypto';
import { PassThrough, Readable, Writable } from 'node:stream';
import { createLogger, SecretBox } from '@cargohold/common';
import { PullThroughCatalog, RegistryError, UpstreamCredentials } from '@cargohold/registry';
import {
  createIntegrationEnvironment,
  eventually,
  IntegrationEnvironment,
  pushUpstreamBlob,
  pushUpstreamImage,
  pushUpstreamManifest,
  seedProject,
  startUpstreamDistribution,
  UpstreamDistribution,
} from '@cargohold/testing';
import { BlobDigestMismatchError, BlobTee } from './blob-tee';
import { RedisFetchLeases } from './fetch-leases';
import { startGatedProxy } from './gated-proxy.spec-helper';
import { PullThroughService, PullThroughTarget, ServedBlob } from './pull-through.service';
import { UpstreamRegistryClient } from './upstream-registry.client';

const HOUR = 3_600_000;
const logger = createLogger({ level: 'silent', format: 'json', component: 'pull-through-spec' });

function sha256(bytes: Buffer): string {
  return `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
}

/** Everything a served blob holds, whichever way it is served. */
async function bytesOf(served: ServedBlob): Promise<Buffer> {
  if (served.kind === 'streaming') {
    const chunks: Buffer[] = [];
    for await (const chunk of served.body) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks);
  }
  const chunks: Buffer[] = [];
  // A destination that is done with each chunk when its callback runs (what BlobDownload.sendTo requires).
  const sink = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      chunks.push(Buffer.from(chunk));
      callback();
    },
  });
  await served.download.sendTo(sink);
  return Buffer.concat(chunks);
}

async function rejection(promise: Promise<unknown>): Promise<RegistryError> {
  const error = await promise.then(
    () => undefined,
    (failure: unknown) => failure,
  );
  expect(error).toBeInstanceOf(RegistryError);
  return error as RegistryError;
}

describe('PullThroughService against distribution upstreams (PostgreSQL, Redis, filesystem store)', () => {
  let env: IntegrationEnvironment;
  let catalog: PullThroughCatalog;
  let groupId: number;
  const clients: UpstreamRegistryClient[] = [];
  const upstreams: UpstreamDistribution[] = [];
  let clock = Date.now();

  beforeAll(async () => {
    env = await createIntegrationEnvironment({ poolSize: 8 });
    await seedProject(env.database, 'cachegroup/project');
    groupId = Number((await env.query<{ id: number }>(`SELECT id FROM namespaces WHERE full_path = 'cachegroup'`))[0].id);
    catalog = new PullThroughCatalog(env.dataSource, new UpstreamCredentials(SecretBox.withKey(randomBytes(32))), 'http://127.0.0.1:1');
  });

  afterAll(async () => {
    for (const client of clients) await client.close();
    for (const upstream of upstreams) await upstream.close();
    await env?.close();
  });

  beforeEach(() => {
    clock = Date.now();
  });

  async function upstream(mode: 'anonymous' | 'basic' | 'token' = 'anonymous'): Promise<UpstreamDistribution> {
    const started = await startUpstreamDistribution(mode);
    upstreams.push(started);
    return started;
  }

  /** An upstream row (cache entries reference it) and the target the engine is given for it. */
  async function target(url: string, cacheValidityHours = 24, credentials: PullThroughTarget['credentials'] = null): Promise<PullThroughTarget> {
    const row = await catalog.upstreams.create(env.dataSource.manager, { groupId, url, name: url, description: '', cacheValidityHours });
    return { upstreamId: row.id, url, cacheValidityHours, credentials, libraryPrefix: false };
  }

  /** An engine as one api replica builds it: its own upstream client, the shared database, store and Redis. */
  function engine(): PullThroughService {
    const client = new UpstreamRegistryClient({ connectTimeoutMs: 2_000, idleTimeoutMs: 10_000, allowLocalRequests: async () => true });
    clients.push(client);
    const leases = new RedisFetchLeases(env.redis.redis, env.redis.prefix);
    return new PullThroughService(catalog, env.store, client, leases, logger, { now: () => clock });
  }

  const count = (upstream: UpstreamDistribution, line: string) => upstream.requests().filter((request) => request === line).length;

  it('caches manifests byte for byte and blobs by digest, then serves them without asking the upstream', async () => {
    const hub = await upstream('token');
    const image = await pushUpstreamImage(hub, 'team/app', 'v1', [300_000, 5_000]);
    const targets = [await target(hub.url, 24, { username: hub.username, password: hub.password })];
    const service = engine();

    const first = await service.manifest(targets, 'team/app', 'v1', []);
    expect(first.bytes.equals(image.manifest)).toBe(true);
    expect(first).toMatchObject({ digest: image.digest, mediaType: 'application/vnd.oci.image.manifest.v1+json' });
    expect(first.warning).toBeUndefined();
    for (const layer of image.layers) {
      const served = await service.blob(targets, 'team/app', layer.digest);
      expect(served.kind).toBe('streaming');
      expect(sha256(await bytesOf(served))).toBe(layer.digest);
    }
    // The access log is written after each response: wait for the last one's line before counting.
    const lastLayer = `GET /v2/team/app/blobs/${image.layers[image.layers.length - 1].digest}`;
    await eventually(async () => expect(count(hub, lastLayer)).toBe(1));
    const upstreamRequests = hub.requests().length;

    const again = await service.manifest(targets, 'team/app', 'v1', []);
    expect(again.bytes.equals(image.manifest)).toBe(true);
    expect((await service.manifest(targets, 'team/app', image.digest, [])).bytes.equals(image.manifest)).toBe(true);
    for (const layer of image.layers) {
      const served = await service.blob(targets, 'team/app', layer.digest);
      expect(served.kind).toBe('stored');
      expect((await bytesOf(served)).equals(layer.bytes)).toBe(true);
      expect(await service.blobSize(targets, 'team/app', layer.digest)).toBe(layer.bytes.length);
    }
    expect(hub.requests().length).toBe(upstreamRequests);

    const range = await service.blob(targets, 'team/app', image.layers[0].digest, { start: 100, end: 199 });
    expect((await bytesOf(range)).equals(image.layers[0].bytes.subarray(100, 200))).toBe(true);

    const entries = await env.query<{ relative_path: string; digest: string }>(
      `SELECT relative_path, digest FROM container_upstream_cache_entries WHERE upstream_id = $1 ORDER BY relative_path`,
      [targets[0].upstreamId],
    );
    expect(entries.map((entry) => entry.relative_path).sort()).toEqual(
      [...image.layers.map((layer) => `team/app/blobs/${layer.digest}`), `team/app/manifests/${image.digest}`, 'team/app/manifests/v1'].sort(),
    );
    expect(await env.store.stat(image.digest)).toMatchObject({ size: image.manifest.length });
  });

  it('revalidates a tag past its validity with one HEAD: unchanged costs nothing more, a moved tag is fetched', async () => {
    const hub = await upstream();
    const v1 = await pushUpstreamImage(hub, 'moving/tag', 'latest', [1_000]);
    const targets = [await target(hub.url, 24)];
    const service = engine();
    expect((await service.manifest(targets, 'moving/tag', 'latest', [])).digest).toBe(v1.digest);

    const v2 = await pushUpstreamImage(hub, 'moving/tag', 'latest', [1_000]);
    clock += 23 * HOUR;
    expect((await service.manifest(targets, 'moving/tag', 'latest', [])).digest).toBe(v1.digest);

    clock += 2 * HOUR;
    const moved = await service.manifest(targets, 'moving/tag', 'latest', []);
    expect(moved.digest).toBe(v2.digest);
    expect(moved.bytes.equals(v2.manifest)).toBe(true);
    // The access log is in request order and written after each response: once the HEAD is there, anything the
    // pull at 23 hours had asked would be too. One GET (the first pull) and one GET after the HEAD found it moved.
    await eventually(async () => expect(count(hub, 'HEAD /v2/moving/tag/manifests/latest')).toBe(1));
    await eventually(async () => expect(count(hub, 'GET /v2/moving/tag/manifests/latest')).toBe(2));

    // Unchanged upstream: one HEAD, no GET.
    clock += 25 * HOUR;
    expect((await service.manifest(targets, 'moving/tag', 'latest', [])).digest).toBe(v2.digest);
    await eventually(async () => expect(count(hub, 'HEAD /v2/moving/tag/manifests/latest')).toBe(2));
    expect(count(hub, 'GET /v2/moving/tag/manifests/latest')).toBe(2);
  });

  it('serves a cached manifest with a Warning when the upstream is down; what was never cached fails clearly', async () => {
    const hub = await upstream();
    const image = await pushUpstreamImage(hub, 'down/app', 'v1', [2_000]);
    await pushUpstreamImage(hub, 'down/app', 'never-pulled', [100]);
    const targets = [await target(hub.url, 1)];
    const service = engine();
    await service.manifest(targets, 'down/app', 'v1', []);
    await bytesOf(await service.blob(targets, 'down/app', image.layers[0].digest));
    await hub.stop();
    try {
      clock += 5 * HOUR;
      const stale = await service.manifest(targets, 'down/app', 'v1', []);
      expect(stale.bytes.equals(image.manifest)).toBe(true);
      expect(stale.warning).toMatch(/^110 /);
      const blob = await service.blob(targets, 'down/app', image.layers[0].digest);
      expect((await bytesOf(blob)).equals(image.layers[0].bytes)).toBe(true);

      const error = await rejection(service.manifest(targets, 'down/app', 'never-pulled', []));
      expect(error.code).toBe('UNAVAILABLE');
      expect(error.message).toMatch(/not cached/);
      expect((await rejection(service.blob(targets, 'down/app', sha256(Buffer.from('nope'))))).code).toBe('UNAVAILABLE');
    } finally {
      await hub.start();
    }
  });

  it('tries upstreams in position order: the first that has the image wins, 404 only when none has it', async () => {
    const [first, second] = [await upstream(), await upstream()];
    const onlySecond = await pushUpstreamImage(second, 'ordered/app', 'v1', [100]);
    const inFirst = await pushUpstreamImage(first, 'ordered/both', 'v1', [100]);
    const inSecond = await pushUpstreamImage(second, 'ordered/both', 'v1', [100]);
    const [a, b] = [await target(first.url), await target(second.url)];
    const service = engine();

    expect((await service.manifest([a, b], 'ordered/app', 'v1', [])).digest).toBe(onlySecond.digest);
    expect((await bytesOf(await service.blob([a, b], 'ordered/app', onlySecond.layers[0].digest))).equals(onlySecond.layers[0].bytes)).toBe(true);
    expect((await service.manifest([b, a], 'ordered/both', 'v1', [])).digest).toBe(inSecond.digest);
    expect(inFirst.digest).not.toBe(inSecond.digest);
    expect((await rejection(service.manifest([a, b], 'ordered/none', 'v1', []))).code).toBe('MANIFEST_UNKNOWN');
    expect((await rejection(service.blob([a, b], 'ordered/none', sha256(Buffer.from('none'))))).code).toBe('BLOB_UNKNOWN');
  });

  it('fetches an index and its children on demand, honouring the Accept list', async () => {
    const hub = await upstream();
    const child = await pushUpstreamImage(hub, 'multi/arch', 'amd64-only', [100]);
    const index = Buffer.from(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: 'application/vnd.oci.image.index.v1+json',
        manifests: [{ mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: child.digest, size: child.manifest.length, platform: { architecture: 'amd64', os: 'linux' } }],
      }),
    );
    const indexDigest = await pushUpstreamManifest(hub, 'multi/arch', 'latest', index, 'application/vnd.oci.image.index.v1+json');
    const targets = [await target(hub.url)];
    const service = engine();
    const served = await service.manifest(targets, 'multi/arch', 'latest', ['application/vnd.oci.image.index.v1+json', 'application/vnd.oci.image.manifest.v1+json']);
    expect(served).toMatchObject({ digest: indexDigest, mediaType: 'application/vnd.oci.image.index.v1+json' });
    expect(await env.store.stat(child.digest)).toBeNull();
    expect((await service.manifest(targets, 'multi/arch', child.digest, [])).bytes.equals(child.manifest)).toBe(true);
    await eventually(async () => expect(count(hub, `GET /v2/multi/arch/manifests/${child.digest}`)).toBe(1));
    // A client that takes no index is not handed the cached one.
    expect((await rejection(service.manifest(targets, 'multi/arch', 'latest', ['application/vnd.docker.distribution.manifest.v2+json']))).code).toBe('MANIFEST_UNKNOWN');
  });

  it('ten concurrent pulls of one uncached 64 MiB layer on two replicas: one upstream download, ten correct copies', async () => {
    const hub = await upstream();
    const layer = randomBytes(64 * 1024 * 1024);
    const digest = await pushUpstreamBlob(hub, 'big/layer', layer);
    const targets = [await target(hub.url)];
    const replicas = [engine(), engine()];
    const results = await Promise.all(
      Array.from({ length: 10 }, async (_, i) => {
        const served = await replicas[i % 2].blob(targets, 'big/layer', digest);
        return sha256(await bytesOf(served));
      }),
    );
    expect(results).toEqual(Array(10).fill(digest));
    await eventually(async () => expect(count(hub, `GET /v2/big/layer/blobs/${digest}`)).toBeGreaterThan(0));
    expect(count(hub, `GET /v2/big/layer/blobs/${digest}`)).toBe(1);
    expect(await env.store.stat(digest)).toMatchObject({ size: layer.length });
  });

  it('streams an uncached layer: the client has bytes while the upstream download is held unfinished', async () => {
    const hub = await upstream();
    const layer = randomBytes(32 * 1024 * 1024);
    const digest = await pushUpstreamBlob(hub, 'stream/layer', layer);
    const proxy = await startGatedProxy(Number(new URL(hub.url).port), 2 * 1024 * 1024);
    try {
      const targets = [await target(proxy.url)];
      const served = await engine().blob(targets, 'stream/layer', digest);
      expect(served.kind).toBe('streaming');
      if (served.kind !== 'streaming') return;
      const body = served.body;
      const first: Buffer = await new Promise((resolve) => body.once('data', resolve));
      body.pause();
      await proxy.held();
      expect(first.length).toBeGreaterThan(0);
      expect(proxy.forwarded()).toBeLessThan(layer.length);
      expect(await env.store.stat(digest)).toBeNull();
      proxy.open();
      const rest: Buffer[] = [first];
      body.resume();
      for await (const chunk of body) rest.push(chunk as Buffer);
      expect(sha256(Buffer.concat(rest))).toBe(digest);
    } finally {
      await proxy.close();
    }
  });
});

describe('BlobTee (filesystem store)', () => {
  let env: IntegrationEnvironment;

  beforeAll(async () => {
    env = await createIntegrationEnvironment();
  });

  afterAll(async () => env?.close());

  it('fails the client short of the end and stores nothing when the bytes do not match the digest', async () => {
    const bytes = randomBytes(3 * 1024 * 1024);
    const claimed = sha256(Buffer.from('something else'));
    await env.store.createUpload('tee-mismatch');
    const tee = new BlobTee(env.store, 'tee-mismatch', claimed, bytes.length);
    const received: Buffer[] = [];
    const clientDone = new Promise<Error | null>((resolve) => {
      tee.client.on('data', (chunk: Buffer) => received.push(chunk));
      tee.client.on('error', resolve);
      tee.client.on('end', () => resolve(null));
    });
    const source = new PassThrough();
    const running = tee.run(source);
    for (let offset = 0; offset < bytes.length; offset += 256 * 1024) source.write(bytes.subarray(offset, offset + 256 * 1024));
    source.end();
    await expect(running).rejects.toBeInstanceOf(BlobDigestMismatchError);
    expect(await clientDone).toBeInstanceOf(BlobDigestMismatchError);
    expect(Buffer.concat(received).length).toBeLessThan(bytes.length);
    expect(await env.store.stat(claimed)).toBeNull();
    await expect(env.store.uploadSize('tee-mismatch')).rejects.toThrow();
  });

  it('hands every byte to the client and the upload when they match', async () => {
    const bytes = randomBytes(1024 * 1024 + 17);
    await env.store.createUpload('tee-ok');
    const tee = new BlobTee(env.store, 'tee-ok', sha256(bytes), bytes.length);
    const chunks: Buffer[] = [];
    tee.client.on('data', (chunk: Buffer) => chunks.push(chunk));
    expect(await tee.run(Readable.from([bytes.subarray(0, 1000), bytes.subarray(1000)]))).toBe(bytes.length);
    expect(Buffer.concat(chunks).length).toBeLessThan(bytes.length);
    const ended = new Promise((resolve) => tee.client.once('end', resolve));
    tee.complete();
    await ended;
    expect(Buffer.concat(chunks).equals(bytes)).toBe(true);
    expect(await env.store.uploadSize('tee-ok')).toBe(bytes.length);
  });
});
