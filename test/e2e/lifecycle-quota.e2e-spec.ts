import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import {
  buildOciLayout,
  createTestDatabase,
  digestOf,
  pushBlob,
  putManifest,
  RegistrySession,
  runClient,
  seedProject,
  spawnProcess,
  startPlatform,
  TestDatabase,
  TestPlatform,
} from '@cargohold/testing';
import { enc, RestClient } from './iam-rest-client';

const MiB = 1024 * 1024;
const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';

/**
 * Registry storage limits (issue 21, "Quotas"): set by administrators through REST, enforced on /v2/ when an upload
 * completes, a blob is mounted or a manifest is put, deduplicated within the top-level namespace, reported through
 * the audit trail and webhooks, and released by GC. Real api, real PostgreSQL, skopeo and a plain HTTP client.
 */
describe('storage limits', () => {
  let db: TestDatabase;
  let platform: TestPlatform;
  let registry: RegistrySession;
  let rest: RestClient;
  let admin: { token: string };
  let work: string;

  beforeAll(async () => {
    db = await createTestDatabase();
    platform = await startPlatform({ databaseUrl: db.url, worker: false, env: { GC_REVIEW_DELAY: '0' } });
    registry = new RegistrySession(platform.url, { username: 'root', password: platform.adminToken });
    rest = new RestClient(platform.url);
    admin = { token: platform.adminToken };
    work = mkdtempSync(path.join(tmpdir(), 'quota-'));
  }, 60_000);

  afterAll(async () => {
    await platform?.stop();
    await db?.drop();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  const setProjectLimit = async (fullPath: string, limit: number | null) => {
    const response = await rest.put(`/projects/${enc(fullPath)}`, admin, { container_registry_storage_limit: limit });
    expect(response.status).toBe(200);
    return response.body;
  };

  /** An image of raw blobs through the HTTP client: config first, then layers; answers the manifest PUT. */
  async function pushImage(repo: string, tag: string, layers: Buffer[]): Promise<Response> {
    const config = Buffer.from(JSON.stringify({ architecture: 'amd64', os: 'linux', nonce: randomBytes(8).toString('hex') }));
    await pushBlob(platform.url, repo, config, registry.fetch);
    for (const layer of layers) await pushBlob(platform.url, repo, layer, registry.fetch);
    return putManifest(platform.url, repo, tag, manifestOf(config, layers), OCI_MANIFEST, registry.fetch);
  }

  /** A monolithic blob push; answers the response (201, or the refusal). */
  const postBlob = (repo: string, bytes: Buffer) =>
    registry.fetch(`${platform.url}/v2/${repo}/blobs/uploads/?digest=${digestOf(bytes)}`, { method: 'POST', headers: { 'Content-Type': 'application/octet-stream' }, body: bytes });

  const usageOf = async (fullPath: string) => (await rest.get(`/projects/${enc(fullPath)}`, admin)).body.container_registry_size as number;

  it('refuses a push over a project limit with the detail, keeps nothing of it, and lets a layer already stored through', async () => {
    await seedProject(db, 'quota/app');
    const shown = await setProjectLimit('quota/app', 50 * MiB);
    expect(shown).toMatchObject({ container_registry_storage_limit: 50 * MiB, container_registry_storage_effective_limit: 50 * MiB, container_registry_size: 0 });
    // A hook, so the refusal can be seen in the webhook outbox (the worker is not running: deliveries stay rows).
    expect((await rest.put('/application/settings', admin, { allow_local_requests_from_web_hooks_and_services: true })).status).toBe(200);
    expect((await rest.post(`/projects/${enc('quota/app')}/hooks`, admin, { url: 'http://127.0.0.1:9/hook', registry_events: true })).status).toBe(201);

    // 40 MiB through skopeo (chunked uploads): fits.
    const host = `127.0.0.1:${platform.port}`;
    const creds = `root:${platform.adminToken}`;
    const big = buildOciLayout(path.join(work, 'big'), 'v1', [{ layers: [{ 'data.bin': randomBytes(40 * MiB) }] }]);
    await runClient('skopeo', ['copy', '--dest-tls-verify=false', '--dest-creds', creds, `oci:${big.dir}:v1`, `docker://${host}/quota/app:v1`]);
    const firstLayer = big.images[0].layers[0];
    const used = await usageOf('quota/app');
    expect(used).toBeGreaterThan(40 * MiB);
    expect(used).toBeLessThan(41 * MiB);

    // A new 20 MiB layer does not: 403 DENIED with limit, used and needed, naming the project.
    const layer = randomBytes(20 * MiB);
    const refused = await postBlob('quota/app', layer);
    expect(refused.status).toBe(403);
    const body = await refused.json();
    expect(body.errors[0]).toMatchObject({ code: 'DENIED', detail: { limit: 50 * MiB, used, needed: 20 * MiB, namespace: 'quota/app' } });
    expect(body.errors[0].message).toContain('quota/app');

    // skopeo (POST, PATCH, PUT) is refused the same way, at the upload's PUT; the upload is gone, no blob row or link.
    const second = buildOciLayout(path.join(work, 'second'), 'v2', [{ layers: [{ 'data.bin': randomBytes(20 * MiB) }] }]);
    await expect(runClient('skopeo', ['copy', '--retry-times', '0', '--dest-tls-verify=false', '--dest-creds', creds, `oci:${second.dir}:v2`, `docker://${host}/quota/app:v2`])).rejects.toThrow(
      /storage limit of project quota\/app exceeded/,
    );
    const refusedDigests = [digestOf(layer), second.images[0].layers[0].digest];
    expect(await db.query(`SELECT digest FROM blobs WHERE digest = ANY($1)`, [refusedDigests])).toEqual([]);
    expect(await db.query(`SELECT blob_digest FROM repository_blobs WHERE blob_digest = ANY($1)`, [refusedDigests])).toEqual([]);
    expect(await db.query(`SELECT id FROM uploads`)).toEqual([]);
    const uploadsDir = path.join(platform.dataDir, 'storage', 'uploads');
    expect(existsSync(uploadsDir) ? readdirSync(uploadsDir) : []).toEqual([]);
    expect(await usageOf('quota/app')).toBe(used);

    // An image reusing the first layer, mounted into another image of the project: costs nothing but its config.
    // As docker does, one token for both repositories.
    const token = await registry.token(`${platform.url}/jwt/auth`, 'container_registry', 'repository:quota/app/reuse:pull,push repository:quota/app:pull');
    const mount = await fetch(`${platform.url}/v2/quota/app/reuse/blobs/uploads/?mount=${firstLayer.digest}&from=quota/app`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${token}` },
    });
    expect(mount.status).toBe(201);
    const config = Buffer.from(JSON.stringify({ architecture: 'amd64', os: 'linux', reuse: true }));
    await pushBlob(platform.url, 'quota/app/reuse', config, registry.fetch);
    const reuse = { schemaVersion: 2, mediaType: OCI_MANIFEST, config: descriptorOf(config), layers: [firstLayer] };
    expect((await putManifest(platform.url, 'quota/app/reuse', 'v1', reuse, OCI_MANIFEST, registry.fetch)).status).toBe(201);

    // Each refusal left an audit row and a webhook delivery row.
    const audited = await db.query(`SELECT details FROM audit_events WHERE event_name = 'storage_limit_exceeded' ORDER BY id`);
    expect(audited.length).toBeGreaterThanOrEqual(2);
    expect(audited[0].details).toMatchObject({ namespace_kind: 'project', namespace_path: 'quota/app', limit: 50 * MiB, needed: 20 * MiB });
    const deliveries = await db.query(`SELECT payload FROM webhook_deliveries WHERE event = 'storage_limit_exceeded'`);
    expect(deliveries.length).toBe(audited.length);
    expect(deliveries[0].payload).toMatchObject({ event_name: 'storage_limit_exceeded', storage_limit: { namespace_path: 'quota/app', limit: 50 * MiB } });
  }, 120_000);

  it('applies a group limit to everything below it, once per layer within the top-level group, and warns at 85 %', async () => {
    await seedProject(db, 'org/a/p1');
    await seedProject(db, 'org/b/p2');
    expect((await rest.put('/groups/org', admin, { container_registry_storage_limit: 10 * MiB })).body).toMatchObject({ container_registry_storage_limit: 10 * MiB });

    const six = randomBytes(6 * MiB);
    expect((await postBlob('org/a/p1', six)).status).toBe(201);
    const refused = await postBlob('org/b/p2', randomBytes(6 * MiB));
    expect(refused.status).toBe(403);
    expect((await refused.json()).errors[0].detail).toMatchObject({ namespace: 'org', namespace_kind: 'group', limit: 10 * MiB, used: 6 * MiB, needed: 6 * MiB });
    // The same layer in a sibling project is already stored in the top-level group: free.
    expect((await postBlob('org/b/p2', six)).status).toBe(201);

    // 6 → 9 MiB crosses 85 % of 10 MiB: one warning.
    expect((await postBlob('org/b/p2', randomBytes(3 * MiB))).status).toBe(201);
    const warnings = await db.query(`SELECT details FROM audit_events WHERE event_name = 'storage_limit_warning'`);
    expect(warnings).toEqual([{ details: expect.objectContaining({ namespace_path: 'org', used: 6 * MiB, needed: 3 * MiB }) }]);
    expect((await rest.get('/groups/org', admin)).body).toMatchObject({ container_registry_storage_limit: 10 * MiB, container_registry_size: 9 * MiB });

    // A manifest new to a group at its limit is refused too (its payload needs room).
    expect((await postBlob('org/b/p2', randomBytes(MiB - 10))).status).toBe(201);
    const config = randomBytes(5);
    await pushBlob(platform.url, 'org/b/p2', config, registry.fetch);
    const manifest = await putManifest(platform.url, 'org/b/p2', 'full', manifestOf(config, [six]), OCI_MANIFEST, registry.fetch);
    expect(manifest.status).toBe(403);
  }, 60_000);

  it('gives the space back once tags are deleted and GC has run', async () => {
    const before = await usageOf('quota/app');
    for (const ref of ['quota/app/manifests/v1', 'quota/app/reuse/manifests/v1']) {
      expect((await registry.fetch(`${platform.url}/v2/${ref}`, { method: 'DELETE' })).status).toBe(202);
    }
    const gc = spawnProcess('cli', platform.env, ['gc:run']);
    expect(await gc.exited).toBe(0);
    const after = await usageOf('quota/app');
    expect(after).toBeLessThan(before - 40 * MiB);
    expect((await pushImage('quota/app', 'v3', [randomBytes(20 * MiB)])).status).toBe(201);
  }, 60_000);

  it('ends 16 parallel pushes near the limit at most the documented bound above it', async () => {
    await seedProject(db, 'quota/par');
    const limit = 20 * MiB;
    await setProjectLimit('quota/par', limit);
    expect((await postBlob('quota/par', randomBytes(14 * MiB))).status).toBe(201);
    // 16 pushers, each pushing 512 KiB blobs one after the other until refused: 32 MiB offered into 6 MiB of room.
    const size = 512 * 1024;
    const outcomes = await Promise.all(
      Array.from({ length: 16 }, async () => {
        const statuses: number[] = [];
        for (let i = 0; i < 4; i++) {
          const status = (await postBlob('quota/par', randomBytes(size))).status;
          statuses.push(status);
          if (status !== 201) break;
        }
        return statuses;
      }),
    );
    const all = outcomes.flat();
    expect(all.every((status) => status === 201 || status === 403)).toBe(true);
    expect(all).toContain(403);
    // docs/operations.md: at most the pushes in flight when the limit is reached (16 here) may overshoot it.
    const used = await usageOf('quota/par');
    expect(used).toBeGreaterThan(limit - size);
    expect(used).toBeLessThanOrEqual(limit + 16 * size);
  }, 60_000);

  it('applies the instance default to projects without a limit of their own, and lets only administrators set limits', async () => {
    await seedProject(db, 'plain/app');
    expect((await rest.put('/application/settings', admin, { container_registry_storage_limit: MiB })).body).toMatchObject({ container_registry_storage_limit: MiB });
    expect((await postBlob('plain/app', randomBytes(2 * MiB))).status).toBe(403);
    // 0 on the project exempts it from the default.
    expect(await setProjectLimit('plain/app', 0)).toMatchObject({ container_registry_storage_limit: 0, container_registry_storage_effective_limit: 0 });
    expect((await postBlob('plain/app', randomBytes(2 * MiB))).status).toBe(201);
    expect((await rest.put('/application/settings', admin, { container_registry_storage_limit: 0 })).status).toBe(200);
    expect((await rest.put(`/projects/${enc('plain/app')}`, admin, { container_registry_storage_limit: -1 })).status).toBe(400);

    // An Owner of the project and the group may not.
    const owner = await rest.createUser(admin, 'quota-owner');
    expect((await rest.post(`/projects/${enc('plain/app')}/members`, admin, { user_id: owner.id, access_level: 50 })).status).toBe(201);
    expect((await rest.post(`/groups/org/members`, admin, { user_id: owner.id, access_level: 50 })).status).toBe(201);
    expect((await rest.put(`/projects/${enc('plain/app')}`, owner.auth, { container_registry_storage_limit: 5 })).status).toBe(403);
    expect((await rest.put(`/projects/${enc('plain/app')}`, owner.auth, { description: 'x', container_registry_storage_limit: 5 })).status).toBe(403);
    expect((await rest.put('/groups/org', owner.auth, { container_registry_storage_limit: 5 })).status).toBe(403);
    expect((await rest.put('/application/settings', owner.auth, { container_registry_storage_limit: 5 })).status).toBe(403);
    const project = await rest.get(`/projects/${enc('plain/app')}`, owner.auth);
    expect(project.body).toMatchObject({ description: '', container_registry_storage_limit: 0 });
    expect((await rest.get('/groups/org', owner.auth)).body).toMatchObject({ container_registry_storage_limit: 10 * MiB });
  }, 60_000);
});

function descriptorOf(bytes: Buffer, mediaType = 'application/vnd.oci.image.layer.v1.tar') {
  return { mediaType, digest: digestOf(bytes), size: bytes.length };
}

function manifestOf(config: Buffer, layers: Buffer[]) {
  return { schemaVersion: 2, mediaType: OCI_MANIFEST, config: descriptorOf(config, 'application/vnd.oci.image.config.v1+json'), layers: layers.map((l) => descriptorOf(l)) };
}
