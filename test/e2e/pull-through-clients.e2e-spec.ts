import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import {
  buildOciLayout,
  createTestDatabase,
  runClient,
  startPlatform,
  startUpstreamDistribution,
  TestDatabase,
  TestPlatform,
  UpstreamAuthMode,
  UpstreamDistribution,
} from '@cargohold/testing';
import { RestClient } from './iam-rest-client';

const sha256 = (bytes: Buffer) => `sha256:${createHash('sha256').update(bytes).digest('hex')}`;

/**
 * Real clients pulling through the cache: skopeo and podman against /virtual_registries/container/<id>/<image> and
 * /<group>/dependency_proxy/containers/<image>, the upstream a real CNCF distribution (anonymous, htpasswd Basic, token
 * auth with its own token server), images pushed into it with skopeo from OCI layouts. Digests compared end to end.
 */
describe('pull-through cache with real clients', () => {
  let db: TestDatabase;
  let platform: TestPlatform;
  let api: RestClient;
  let host: string;
  let groupId: number;
  let hub: UpstreamDistribution;
  const upstreams: UpstreamDistribution[] = [];
  let hubRegistryId: number | undefined;
  const work = mkdtempSync(path.join(tmpdir(), 'pull-through-e2e-'));
  const admin = () => ({ token: platform.adminToken });
  const creds = () => ['--creds', `root:${platform.adminToken}`];

  beforeAll(async () => {
    // The dependency proxy's "Docker Hub" is a local distribution, started before the platform that is told its URL.
    hub = await startUpstreamDistribution('anonymous');
    upstreams.push(hub);
    db = await createTestDatabase();
    platform = await startPlatform({ databaseUrl: db.url, worker: false, env: { DEPENDENCY_PROXY_UPSTREAM_URL: hub.url } });
    host = new URL(platform.url).host;
    api = new RestClient(platform.url);
    expect((await api.put('/application/settings', admin(), { allow_local_requests_from_web_hooks_and_services: true })).status).toBe(200);
    groupId = (await api.post('/groups', admin(), { name: 'Mirror', path: 'mirror' })).body.id;
  });

  afterAll(async () => {
    await platform?.stop();
    await db?.drop();
    for (const upstream of upstreams) await upstream.close();
    rmSync(work, { recursive: true, force: true });
  });

  /** Pushes an OCI layout into an upstream with skopeo (with the upstream's credentials when it has some). */
  async function pushLayout(upstream: UpstreamDistribution, mode: UpstreamAuthMode, repository: string, tag: string, architectures: string[]) {
    const layout = buildOciLayout(
      path.join(work, `${repository.replace(/\//g, '-')}-${tag}-${Math.random().toString(36).slice(2)}`),
      tag,
      architectures.map((architecture) => ({ architecture, layers: [{ [`etc/${architecture}-a`]: `a ${Math.random()}` }, { [`usr/${architecture}-b`]: Buffer.alloc(300_000, 7) }] })),
    );
    const auth = mode === 'anonymous' ? ['--dest-no-creds'] : ['--dest-creds', `${upstream.username}:${upstream.password}`];
    await runClient('skopeo', ['copy', '--all', '--dest-tls-verify=false', ...auth, `oci:${layout.dir}:${tag}`, `docker://${new URL(upstream.url).host}/${repository}:${tag}`]);
    return layout;
  }

  async function virtualRegistry(name: string, upstream: UpstreamDistribution, mode: UpstreamAuthMode): Promise<number> {
    const registry = await api.post(`/groups/${groupId}/-/virtual_registries/container/registries`, admin(), { name });
    expect(registry.status).toBe(201);
    const credentials = mode === 'anonymous' ? {} : { username: upstream.username, password: upstream.password };
    const created = await api.post(`/virtual_registries/container/registries/${registry.body.id}/upstreams`, admin(), { url: upstream.url, name: `${name}-up`, ...credentials });
    expect(created.status).toBe(201);
    return registry.body.id;
  }

  /** The hub's virtual registry, made by whichever test needs it first (an upstream URL and credentials are used once per group). */
  async function hubRegistry(): Promise<number> {
    hubRegistryId ??= await virtualRegistry('vr-anonymous', hub, 'anonymous');
    return hubRegistryId;
  }

  /** The manifest bytes a client gets for `reference`, as skopeo reads them (no conversion). */
  async function rawManifest(reference: string, args: string[]): Promise<Buffer> {
    return Buffer.from(await runClient('skopeo', ['inspect', '--raw', '--tls-verify=false', ...args, `docker://${reference}`]), 'utf8');
  }

  it.each<UpstreamAuthMode>(['anonymous', 'basic', 'token'])('skopeo copies a multi-layer image and a multi-arch index through a virtual registry (%s upstream)', async (mode) => {
    const upstream = mode === 'anonymous' ? hub : await startUpstreamDistribution(mode);
    if (upstream !== hub) upstreams.push(upstream);
    const single = await pushLayout(upstream, mode, 'team/app', 'v1', ['amd64']);
    const multi = await pushLayout(upstream, mode, 'team/multi', 'latest', ['amd64', 'arm64']);
    const id = mode === 'anonymous' ? await hubRegistry() : await virtualRegistry(`vr-${mode}`, upstream, mode);
    const base = `${host}/virtual_registries/container/${id}`;

    const manifest = await rawManifest(`${base}/team/app:v1`, creds());
    expect(sha256(manifest)).toBe(single.top.digest);
    const out = path.join(work, `out-${mode}`);
    await runClient('skopeo', ['copy', '--src-tls-verify=false', '--src-creds', `root:${platform.adminToken}`, `docker://${base}/team/app:v1`, `oci:${out}:v1`]);
    for (const layer of single.images[0].layers) expect(sha256(readFileSync(path.join(out, 'blobs', 'sha256', layer.digest.slice(7))))).toBe(layer.digest);

    const index = await rawManifest(`${base}/team/multi:latest`, creds());
    expect(sha256(index)).toBe(multi.top.digest);
    const outAll = path.join(work, `out-all-${mode}`);
    await runClient('skopeo', ['copy', '--all', '--src-tls-verify=false', '--src-creds', `root:${platform.adminToken}`, `docker://${base}/team/multi:latest`, `oci:${outAll}:latest`]);
    for (const image of multi.images) {
      expect(sha256(readFileSync(path.join(outAll, 'blobs', 'sha256', image.manifest.digest.slice(7))))).toBe(image.manifest.digest);
      for (const layer of image.layers) expect(sha256(readFileSync(path.join(outAll, 'blobs', 'sha256', layer.digest.slice(7))))).toBe(layer.digest);
    }

    // The cache answers the second time: the upstream is stopped and the image still pulls.
    await upstream.stop();
    try {
      const again = path.join(work, `again-${mode}`);
      await runClient('skopeo', ['copy', '--src-tls-verify=false', '--src-creds', `root:${platform.adminToken}`, `docker://${base}/team/app:v1`, `oci:${again}:v1`]);
      expect(sha256(readFileSync(path.join(again, 'blobs', 'sha256', single.top.digest.slice(7))))).toBe(single.top.digest);
      const missing = await runClient('skopeo', ['inspect', '--raw', '--tls-verify=false', ...creds(), `docker://${base}/team/never:v1`]).catch((error: Error) => error.message);
      expect(missing).toMatch(/unavailable|503|could not be reached/i);
    } finally {
      await upstream.start();
    }
  });

  it('podman pulls a multi-layer image through a virtual registry and through the dependency proxy (library/ rule)', async () => {
    const image = await pushLayout(hub, 'anonymous', 'library/alpine', '3', ['amd64']);
    const id = await hubRegistry();
    const storage = path.join(work, 'podman');
    const podman = (args: string[]) =>
      runClient('podman', ['--root', path.join(storage, 'root'), '--runroot', path.join(storage, 'run'), '--storage-driver', 'vfs', ...args]);
    const pulledId = async (reference: string) => {
      await podman(['pull', '--tls-verify=false', ...creds(), reference]);
      return (await podman(['image', 'inspect', '--format', '{{.Digest}}', reference])).trim();
    };
    try {
      expect(await pulledId(`${host}/virtual_registries/container/${id}/library/alpine:3`)).toBe(image.top.digest);
      expect(await pulledId(`${host}/mirror/dependency_proxy/containers/alpine:3`)).toBe(image.top.digest);
    } finally {
      await podman(['system', 'reset', '--force']).catch(() => undefined);
    }
  });
});
