import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { createDataSource, DataSource } from '@cargohold/db';
import { JobName, JobProducer } from '@cargohold/jobs';
import { GarbageCollector, RegistryContext } from '@cargohold/registry';
import { FilesystemBlobStore } from '@cargohold/storage';
import {
  createTestDatabase,
  digestOf,
  eventually,
  pushBlob,
  pushUpstreamImage,
  putManifest,
  RegistrySession,
  seedProject,
  startPlatform,
  startUpstreamDistribution,
  TestDatabase,
  TestPlatform,
  UpstreamDistribution,
} from '@cargohold/testing';
import { RestClient } from './iam-rest-client';

const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
type Pushed = Awaited<ReturnType<typeof pushUpstreamImage>>;

/**
 * The pull-through cache over time, against real distributions and the real api and worker (GC_REVIEW_DELAY=0):
 * upstream order decides which upstream's image is served; TTL expiry (the worker's job) and purges remove entries and
 * GC then reclaims their blobs, keeping one a project also holds; a pull reading a blob while it is purged and
 * collected gets every byte, and the next pull fetches it again from the upstream.
 */
describe('pull-through cache lifecycle', () => {
  let db: TestDatabase;
  let platform: TestPlatform;
  let api: RestClient;
  let registry: RegistrySession;
  let gcDb: DataSource;
  let jobs: JobProducer;
  let groupId: number;
  let hub: UpstreamDistribution;
  const upstreams: UpstreamDistribution[] = [];
  const admin = () => ({ token: platform.adminToken });

  beforeAll(async () => {
    hub = await startUpstreamDistribution('anonymous');
    upstreams.push(hub);
    db = await createTestDatabase();
    platform = await startPlatform({ databaseUrl: db.url, worker: true, env: { GC_REVIEW_DELAY: '0', DEPENDENCY_PROXY_UPSTREAM_URL: hub.url } });
    api = new RestClient(platform.url);
    registry = new RegistrySession(platform.url, { username: 'root', password: platform.adminToken });
    gcDb = await createDataSource(db.url, { poolSize: 4, applicationName: 'pull-through-lifecycle-e2e' }).initialize();
    jobs = new JobProducer({ url: platform.env.REDIS_URL }, platform.env.REDIS_PREFIX);
    expect((await api.put('/application/settings', admin(), { allow_local_requests_from_web_hooks_and_services: true })).status).toBe(200);
    await seedProject(db, 'mirror/app');
    groupId = (await api.get('/groups/mirror', admin())).body.id;
  });

  afterAll(async () => {
    await jobs?.close();
    await gcDb?.destroy();
    await platform?.stop();
    await db?.drop();
    for (const upstream of upstreams) await upstream.close();
  });

  const blobFile = (digest: string) => path.join(platform.dataDir, 'storage', 'blobs', 'sha256', digest.slice(7, 9), digest.slice(7));
  const blobRows = async (digests: string[]) =>
    (await db.query<{ digest: string }>(`SELECT digest FROM blobs WHERE digest = ANY($1) ORDER BY digest`, [digests])).map((row) => row.digest);
  const entriesOf = async (upstreamId: number) =>
    (await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM container_upstream_cache_entries WHERE upstream_id = $1`, [upstreamId]))[0].n;
  const collect = () =>
    GarbageCollector.forContext(new RegistryContext(gcDb, new FilesystemBlobStore(path.join(platform.dataDir, 'storage')), { gcReviewDelay: 0, deleteEnabled: true }), {
      reviewDelaySeconds: 0,
      uploadPurgeAgeSeconds: 86400,
    }).review();

  async function newUpstream(): Promise<UpstreamDistribution> {
    const upstream = await startUpstreamDistribution('anonymous');
    upstreams.push(upstream);
    return upstream;
  }

  async function virtualRegistry(name: string, members: UpstreamDistribution[]): Promise<{ id: number; upstreamIds: number[] }> {
    const created = await api.post(`/groups/${groupId}/-/virtual_registries/container/registries`, admin(), { name });
    expect(created.status).toBe(201);
    const upstreamIds: number[] = [];
    for (const [index, upstream] of members.entries()) {
      const added = await api.post(`/virtual_registries/container/registries/${created.body.id}/upstreams`, admin(), { url: upstream.url, name: `${name}-${index}` });
      expect(added.status).toBe(201);
      upstreamIds.push(added.body.id);
    }
    return { id: created.body.id, upstreamIds };
  }

  /** The manifest's digest as served, and each of its blobs pulled and verified against its digest. */
  async function pull(base: string, image: string, tag: string): Promise<string> {
    const response = await registry.fetch(`/v2/${base}/${image}/manifests/${tag}`, { headers: { Accept: OCI_MANIFEST } });
    expect(response.status).toBe(200);
    const bytes = Buffer.from(await response.arrayBuffer());
    const manifest = JSON.parse(bytes.toString('utf8')) as { config: { digest: string }; layers: Array<{ digest: string }> };
    for (const { digest } of [manifest.config, ...manifest.layers]) {
      const blob = await registry.fetch(`/v2/${base}/${image}/blobs/${digest}`);
      expect(blob.status).toBe(200);
      expect(digestOf(Buffer.from(await blob.arrayBuffer()))).toBe(digest);
    }
    return digestOf(bytes);
  }

  const blobsOf = (image: Pushed) => [image.digest, image.config.digest, ...image.layers.map((layer) => layer.digest)];
  const bytesOf = (image: Pushed) => image.manifest.length + image.config.bytes.length + image.layers.reduce((sum, layer) => sum + layer.bytes.length, 0);
  const groupFigures = async () => (await api.get('/groups/mirror', admin())).body as { container_registry_size: number; dependency_proxy_size: number; storage_size: number };

  it('tries upstreams in position order: an image only in the second is found; after reordering, the new first wins', async () => {
    const [first, second] = [await newUpstream(), await newUpstream()];
    const firstV1 = await pushUpstreamImage(first, 'team/app', 'v1', [2000]);
    await pushUpstreamImage(first, 'team/app', 'v2', [2000]);
    const secondV1 = await pushUpstreamImage(second, 'team/app', 'v1', [3000]);
    const secondV2 = await pushUpstreamImage(second, 'team/app', 'v2', [3000]);
    const onlySecond = await pushUpstreamImage(second, 'team/only', 'v1', [4000]);
    const { id } = await virtualRegistry('ordered', [first, second]);
    const base = `virtual_registries/container/${id}`;

    expect(await pull(base, 'team/only', 'v1')).toBe(onlySecond.digest);
    expect(await pull(base, 'team/app', 'v1')).toBe(firstV1.digest);

    const associations = (await api.get(`/virtual_registries/container/registries/${id}`, admin())).body.registry_upstreams as Array<{ id: number; position: number }>;
    const secondAssociation = associations.find((association) => association.position === 2)!;
    expect((await api.request('PATCH', `/virtual_registries/container/registry_upstreams/${secondAssociation.id}`, admin(), { position: 1 })).status).toBe(200);

    // A tag not cached yet comes from the new first upstream.
    expect(await pull(base, 'team/app', 'v2')).toBe(secondV2.digest);
    // A cached tag is served from the cache while valid, whichever upstream cached it; emptied, the new order decides.
    expect(await pull(base, 'team/app', 'v1')).toBe(firstV1.digest);
    expect((await api.delete(`/virtual_registries/container/registries/${id}/cache`, admin())).status).toBe(204);
    expect(await pull(base, 'team/app', 'v1')).toBe(secondV1.digest);
  });

  it('cached bytes count in the group figures; TTL expiry (the worker job) and both purges remove entries; GC reclaims their blobs and keeps one a project also holds', async () => {
    const upstream = await newUpstream();
    const expiring = await pushUpstreamImage(upstream, 'team/expiring', 'v1', [5000, 6000]);
    const purged = await pushUpstreamImage(upstream, 'team/purged', 'v1', [7000]);
    const proxied = await pushUpstreamImage(hub, 'library/alpine', '3', [8000]);
    const { id, upstreamIds } = await virtualRegistry('lifecycle', [upstream]);
    const base = `virtual_registries/container/${id}`;
    const cachedBefore: number = (await groupFigures()).dependency_proxy_size;
    expect(await pull(base, 'team/expiring', 'v1')).toBe(expiring.digest);
    expect(await pull(base, 'team/purged', 'v1')).toBe(purged.digest);
    expect(await pull('mirror/dependency_proxy/containers', 'alpine', '3')).toBe(proxied.digest);
    for (const digest of [...blobsOf(expiring), ...blobsOf(purged), ...blobsOf(proxied)]) expect(existsSync(blobFile(digest))).toBe(true);

    // The first layer of the expiring image is also pushed into a project, in an image of its own.
    const shared = expiring.layers[0];
    const config = Buffer.from(JSON.stringify({ architecture: 'amd64', os: 'linux', nonce: randomBytes(4).toString('hex') }));
    await pushBlob(platform.url, 'mirror/app', config, registry.fetch);
    await pushBlob(platform.url, 'mirror/app', shared.bytes, registry.fetch);
    const projectManifest = {
      schemaVersion: 2,
      mediaType: OCI_MANIFEST,
      config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: digestOf(config), size: config.length },
      layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', digest: shared.digest, size: shared.bytes.length }],
    };
    expect((await putManifest(platform.url, 'mirror/app', 'pinned', projectManifest, OCI_MANIFEST, registry.fetch)).status).toBe(201);

    // The group's figures: the cache's bytes, and the total its limit counts, with the shared layer once.
    const cachedBytes = [expiring, purged, proxied].reduce((sum, image) => sum + bytesOf(image), 0);
    const figures = await groupFigures();
    expect(figures.dependency_proxy_size).toBe(cachedBefore + cachedBytes);
    expect(figures.container_registry_size).toBeGreaterThanOrEqual(config.length + shared.bytes.length);
    expect(figures.storage_size).toBe(figures.container_registry_size + figures.dependency_proxy_size - shared.bytes.length);

    // TTL: the expiring image's entries were last pulled 91 days ago (VIRTUAL_REGISTRY_CACHE_TTL_DAYS: 90); the worker's job removes them.
    const expiringPaths = (await db.query<{ relative_path: string }>(`SELECT relative_path FROM container_upstream_cache_entries WHERE upstream_id = $1`, [upstreamIds[0]]))
      .map((row) => row.relative_path)
      .filter((relative) => relative.startsWith('team/expiring/'));
    expect(expiringPaths.length).toBe(5); // the tag, the manifest by digest, the config and two layers
    await db.query(`UPDATE container_upstream_cache_entries SET downloaded_at = now() - interval '91 days' WHERE upstream_id = $1 AND relative_path = ANY($2)`, [
      upstreamIds[0],
      expiringPaths,
    ]);
    await jobs.enqueue(JobName.ExpirePullThroughCache, {});
    // Left: the other image's tag, manifest by digest, config and layer.
    await eventually(async () => expect(await entriesOf(upstreamIds[0])).toBe(4), 60_000);
    await collect();
    const expiringOnly = blobsOf(expiring).filter((digest) => digest !== shared.digest);
    expect(await blobRows(expiringOnly)).toEqual([]);
    for (const digest of expiringOnly) expect(existsSync(blobFile(digest))).toBe(false);
    expect(await blobRows([shared.digest])).toEqual([shared.digest]);
    expect(existsSync(blobFile(shared.digest))).toBe(true);

    // Purge of the virtual registry's cache, then of the group's dependency proxy.
    expect((await api.delete(`/virtual_registries/container/registries/${id}/cache`, admin())).status).toBe(204);
    expect(await entriesOf(upstreamIds[0])).toBe(0);
    const proxyUpstream = (await db.query<{ id: number }>(`SELECT id FROM container_upstreams WHERE group_id = $1 AND kind = 'dependency_proxy'`, [groupId]))[0].id;
    expect(await entriesOf(proxyUpstream)).toBeGreaterThan(0);
    expect((await api.delete(`/groups/${groupId}/dependency_proxy/cache`, admin())).status).toBe(202);
    expect(await entriesOf(proxyUpstream)).toBe(0);
    await collect();
    for (const digest of [...blobsOf(purged), ...blobsOf(proxied)]) expect(existsSync(blobFile(digest))).toBe(false);
    expect(await blobRows([...blobsOf(purged), ...blobsOf(proxied)])).toEqual([]);
    expect(existsSync(blobFile(shared.digest))).toBe(true);
    expect(await pull('mirror', 'app', 'pinned')).toBe(digestOf(JSON.stringify(projectManifest)));
    const after = await groupFigures();
    expect(after.dependency_proxy_size).toBe(cachedBefore);
    expect(after.storage_size).toBe(after.container_registry_size + cachedBefore);
  });

  it('a pull reading a blob while it is purged and collected gets every byte; the next pull fetches it again', async () => {
    const upstream = await newUpstream();
    const image = await pushUpstreamImage(upstream, 'team/big', 'v1', [16 * 1024 * 1024]);
    const layer = image.layers[0];
    const { id } = await virtualRegistry('in-flight', [upstream]);
    const base = `virtual_registries/container/${id}`;
    expect(await pull(base, 'team/big', 'v1')).toBe(image.digest);
    const fetchesOf = () => upstream.requests().filter((line) => line === `GET /v2/team/big/blobs/${layer.digest}`).length;
    expect(fetchesOf()).toBe(1);

    // A reader takes the first bytes of the cached layer, then stops reading while the cache is purged and GC runs.
    const reading = await registry.fetch(`/v2/${base}/team/big/blobs/${layer.digest}`);
    expect(reading.status).toBe(200);
    const reader = reading.body!.getReader();
    const chunks: Buffer[] = [];
    const first = await reader.read();
    chunks.push(Buffer.from(first.value!));
    expect((await api.delete(`/virtual_registries/container/registries/${id}/cache`, admin())).status).toBe(204);
    await collect();
    expect(existsSync(blobFile(layer.digest))).toBe(false);
    for (let next = await reader.read(); !next.done; next = await reader.read()) chunks.push(Buffer.from(next.value));
    const received = Buffer.concat(chunks);
    expect(received.length).toBe(layer.bytes.length);
    expect(digestOf(received)).toBe(layer.digest);

    // The next pull misses and fetches it again, complete.
    expect(await pull(base, 'team/big', 'v1')).toBe(image.digest);
    expect(fetchesOf()).toBe(2);
    expect(existsSync(blobFile(layer.digest))).toBe(true);
  });
});
