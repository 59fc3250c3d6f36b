import { readFileSync } from 'node:fs';
import { createTestDatabase, digestOf, pushBlob, putManifest, RegistrySession, seedProject, startPlatform, TestDatabase, TestPlatform } from '@cargohold/testing';

const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
const OCI_INDEX = 'application/vnd.oci.image.index.v1+json';
const OCI_CONFIG = 'application/vnd.oci.image.config.v1+json';
const OCI_LAYER = 'application/vnd.oci.image.layer.v1.tar+gzip';

/** Resident set size of a process in MiB (0 once it is gone). */
function rssMiB(pid: number): number {
  try {
    const match = readFileSync(`/proc/${pid}/status`, 'utf8').match(/^VmRSS:\s+(\d+) kB/m);
    return match ? Number(match[1]) / 1024 : 0;
  } catch {
    return 0;
  }
}

/** Samples a process's RSS every 20 ms while `work` runs; returns the work's result and the highest RSS seen. */
async function peakRssDuring<T>(pid: number, work: () => Promise<T>): Promise<{ result: T; peakMiB: number }> {
  let peak = rssMiB(pid);
  const timer = setInterval(() => (peak = Math.max(peak, rssMiB(pid))), 20);
  try {
    const result = await work();
    return { result, peakMiB: Math.max(peak, rssMiB(pid)) };
  } finally {
    clearInterval(timer);
  }
}

/**
 * Issue #18, findings 1, 7 (manifest part) and 8: the tag view's work is bounded however a pushed index is built,
 * lookups by a reference that cannot exist answer 404, and manifests with duplicate keys or descriptor sizes that
 * differ from the stored content are refused.
 */
describe('hardening: bounded manifest views and manifest strictness', () => {
  let db: TestDatabase;
  let platform: TestPlatform;
  let registry: RegistrySession;
  let projectId: number;
  const repo = 'bounds/app';
  let config: { digest: string; size: number };
  let layer: { digest: string; size: number };

  beforeAll(async () => {
    db = await createTestDatabase();
    platform = await startPlatform({ databaseUrl: db.url, worker: false });
    registry = new RegistrySession(platform.url, { username: 'root', password: platform.adminToken });
    // Public: the tag view answers anonymous requests, as in the finding.
    projectId = await seedProject(db, repo, 'public');
    const configBytes = Buffer.from(JSON.stringify({ architecture: 'amd64', os: 'linux', rootfs: { type: 'layers', diff_ids: [] } }));
    config = { digest: await pushBlob(platform.url, repo, configBytes, registry.fetch), size: configBytes.length };
    layer = { digest: await pushBlob(platform.url, repo, Buffer.from('x'), registry.fetch), size: 1 };
  }, 120_000);

  afterAll(async () => {
    await platform?.stop();
    await db?.drop();
  });

  const v2 = (path: string, init?: RequestInit) => registry.fetch(`${platform.url}${path}`, init);
  const ociError = async (response: Response) => ((await response.json()) as { errors: Array<{ code: string; detail: Record<string, unknown> }> }).errors[0];

  /** An image manifest naming the one-byte layer `layers` times; `note` makes distinct manifests. */
  const bigImage = (layers: number, note: string) =>
    JSON.stringify({
      schemaVersion: 2,
      mediaType: OCI_MANIFEST,
      config: { mediaType: OCI_CONFIG, digest: config.digest, size: config.size },
      layers: Array.from({ length: layers }, () => ({ mediaType: OCI_LAYER, digest: layer.digest, size: layer.size })),
      annotations: { note },
    });

  async function pushManifest(reference: string, body: string, mediaType = OCI_MANIFEST): Promise<string> {
    const response = await putManifest(platform.url, repo, reference, body, mediaType, registry.fetch);
    if (response.status !== 201) throw new Error(`manifest push failed: ${response.status} ${await response.text()}`);
    return digestOf(body);
  }

  const indexOf = (children: Array<{ digest: string; size: number }>) =>
    JSON.stringify({
      schemaVersion: 2,
      mediaType: OCI_INDEX,
      manifests: children.map((child, i) => ({ mediaType: OCI_MANIFEST, digest: child.digest, size: child.size, platform: { os: 'linux', architecture: `arch${i}` } })),
    });

  async function tagView(tag: string) {
    const [{ id }] = await db.query<{ id: number }>(`SELECT id FROM repositories WHERE path = $1`, [repo]);
    const started = Date.now();
    const response = await fetch(`${platform.url}/api/v4/projects/${projectId}/registry/repositories/${id}/tags/${tag}/manifest`);
    const text = await response.text();
    return { status: response.status, text, seconds: (Date.now() - started) / 1000 };
  }

  describe('the tag view of an index bomb', () => {
    it('answers a bounded, truncated view quickly, stays up and keeps its memory', async () => {
      // One 3 MB manifest naming a 1-byte layer 20 000 times, and an index naming it 1 000 times (130 KB):
      // read naively, 20 million layer descriptors.
      const child = bigImage(20_000, 'bomb');
      const childDigest = await pushManifest('bomb-child', child);
      await pushManifest('bomb', indexOf(Array.from({ length: 1000 }, () => ({ digest: childDigest, size: Buffer.byteLength(child) }))), OCI_INDEX);

      const pid = platform.api.child.pid!;
      const baseline = rssMiB(pid);
      const { result: view, peakMiB } = await peakRssDuring(pid, () => tagView('bomb'));

      expect(view.status).toBe(200);
      const body = JSON.parse(view.text);
      expect(body.truncated).toBe(true);
      expect(body.limits).toEqual({ children: 64, descriptors: 1000, child_manifest_bytes: 8 * 1024 * 1024, referrers: 100 });
      // The 1 000 entries name one manifest: it is read once and listed once, its layers cut at the limit.
      expect(body.manifests_count).toBe(1000);
      expect(body.platforms).toHaveLength(1);
      expect(body.platforms[0]).toMatchObject({ digest: childDigest, loaded: true, layers_count: 20_000 });
      expect(body.platforms[0].layers).toHaveLength(1000);
      // The size still counts every layer of the child once.
      expect(body.total_size).toBe(body.size + Buffer.byteLength(child) + config.size + 20_000);
      expect(view.text.length).toBeLessThan(2 * 1024 * 1024);
      // Generous bounds: the naive view took 12 s and 1.4 GB for 200 entries, and ran out of heap at 1 000.
      expect(view.seconds).toBeLessThan(10);
      expect(peakMiB - baseline).toBeLessThan(300);
      expect((await fetch(`${platform.url}/-/health`)).status).toBe(200);
    }, 180_000);

    it('reads at most 64 distinct children and at most 8 MiB of them, and lists at most 1 000 layers in all', async () => {
      // Four distinct 2.4 MB children (their payloads pass the 8 MiB budget at the fourth), then 70 small ones.
      const big = await Promise.all([0, 1, 2, 3].map(async (n) => {
        const body = bigImage(16_000, `big-${n}`);
        return { digest: await pushManifest(`big-${n}`, body), size: Buffer.byteLength(body) };
      }));
      const small: Array<{ digest: string; size: number }> = [];
      for (let n = 0; n < 70; n++) {
        const body = bigImage(1, `small-${n}`);
        small.push({ digest: await pushManifest(digestOf(body), body), size: Buffer.byteLength(body) });
      }
      await pushManifest('wide', indexOf([...big, ...small]), OCI_INDEX);

      const view = await tagView('wide');
      expect(view.status).toBe(200);
      const body = JSON.parse(view.text);
      expect(body.truncated).toBe(true);
      expect(body.manifests_count).toBe(74);
      expect(body.platforms).toHaveLength(64);
      const loaded = body.platforms.filter((p: { loaded: boolean }) => p.loaded);
      expect(loaded.map((p: { digest: string }) => p.digest)).toEqual(big.slice(0, 3).map((b) => b.digest));
      expect(body.platforms[3]).toMatchObject({ digest: big[3].digest, loaded: false, layers: [], layers_count: null });
      const listed = body.platforms.reduce((sum: number, p: { layers: unknown[] }) => sum + p.layers.length, 0);
      expect(listed).toBe(1000);
      expect(view.seconds).toBeLessThan(10);
    }, 300_000);

    it('shows a small index whole, with truncated false', async () => {
      const a = bigImage(2, 'plain-a');
      const b = bigImage(3, 'plain-b');
      const children = [
        { digest: await pushManifest('plain-a', a), size: Buffer.byteLength(a) },
        { digest: await pushManifest('plain-b', b), size: Buffer.byteLength(b) },
      ];
      const index = indexOf(children);
      await pushManifest('plain', index, OCI_INDEX);
      const body = JSON.parse((await tagView('plain')).text);
      expect(body.truncated).toBe(false);
      expect(body.platforms.map((p: { layers: unknown[]; layers_count: number; loaded: boolean }) => [p.layers.length, p.layers_count, p.loaded])).toEqual([
        [2, 2, true],
        [3, 3, true],
      ]);
      expect(body.total_size).toBe(Buffer.byteLength(index) + children[0].size + children[1].size + 2 * config.size + 5);
    }, 60_000);
  });

  describe('OCI: a reference that cannot exist is not found', () => {
    it.each(['.INVALID_MANIFEST_NAME', '-lead', 'bad~tag', 'a'.repeat(129), 'sha256:abc', 'md5:d41d8cd98f00b204e9800998ecf8427e'])(
      'answers GET, HEAD and DELETE of %s with 404 MANIFEST_UNKNOWN',
      async (reference) => {
        const get = await v2(`/v2/${repo}/manifests/${reference}`);
        expect(get.status).toBe(404);
        expect((await ociError(get)).code).toBe('MANIFEST_UNKNOWN');
        const head = await v2(`/v2/${repo}/manifests/${reference}`, { method: 'HEAD' });
        expect(head.status).toBe(404);
        const del = await v2(`/v2/${repo}/manifests/${reference}`, { method: 'DELETE' });
        expect(del.status).toBe(404);
        expect((await ociError(del)).code).toBe('MANIFEST_UNKNOWN');
      },
    );

    it('still refuses a PUT to an invalid tag with 400 TAG_INVALID', async () => {
      const response = await putManifest(platform.url, repo, '.INVALID_MANIFEST_NAME', bigImage(1, 'put'), OCI_MANIFEST, registry.fetch);
      expect(response.status).toBe(400);
      expect((await ociError(response)).code).toBe('TAG_INVALID');
    });
  });

  describe('manifest strictness', () => {
    it('refuses a manifest with a duplicate key, naming the key, and stores nothing', async () => {
      const valid = bigImage(1, 'dup');
      const duplicated = valid.replace(`"size":${config.size}`, `"size":${config.size},"size":${config.size}`);
      expect(duplicated).not.toBe(valid);
      const response = await putManifest(platform.url, repo, 'dup', duplicated, OCI_MANIFEST, registry.fetch);
      expect(response.status).toBe(400);
      const error = await ociError(response);
      expect(error.code).toBe('MANIFEST_INVALID');
      expect(error.detail).toEqual({ key: 'size', path: 'config' });
      expect((await v2(`/v2/${repo}/manifests/dup`)).status).toBe(404);
      expect(await db.query(`SELECT 1 FROM manifests WHERE digest = $1`, [digestOf(duplicated)])).toHaveLength(0);
    });

    it('refuses descriptors whose size differs from the stored blob or child manifest', async () => {
      const wrongLayer = JSON.stringify({
        schemaVersion: 2,
        mediaType: OCI_MANIFEST,
        config: { mediaType: OCI_CONFIG, digest: config.digest, size: config.size },
        layers: [{ mediaType: OCI_LAYER, digest: layer.digest, size: 2 }],
      });
      const layerResponse = await putManifest(platform.url, repo, 'sizes', wrongLayer, OCI_MANIFEST, registry.fetch);
      expect(layerResponse.status).toBe(400);
      expect(await ociError(layerResponse)).toMatchObject({ code: 'MANIFEST_BLOB_UNKNOWN', detail: { digest: layer.digest, field: 'layers[0]', declared: 2, stored: 1 } });

      const wrongConfig = JSON.stringify({ schemaVersion: 2, mediaType: OCI_MANIFEST, config: { mediaType: OCI_CONFIG, digest: config.digest, size: config.size + 1 }, layers: [] });
      const configResponse = await putManifest(platform.url, repo, 'sizes', wrongConfig, OCI_MANIFEST, registry.fetch);
      expect(configResponse.status).toBe(400);
      expect(await ociError(configResponse)).toMatchObject({ code: 'MANIFEST_BLOB_UNKNOWN', detail: { field: 'config', declared: config.size + 1, stored: config.size } });

      const child = bigImage(1, 'sized-child');
      const childDigest = await pushManifest(digestOf(child), child);
      const wrongChild = indexOf([{ digest: childDigest, size: Buffer.byteLength(child) - 1 }]);
      const childResponse = await putManifest(platform.url, repo, 'sizes', wrongChild, OCI_INDEX, registry.fetch);
      expect(childResponse.status).toBe(400);
      expect(await ociError(childResponse)).toMatchObject({
        code: 'MANIFEST_BLOB_UNKNOWN',
        detail: { digest: childDigest, field: 'manifests[0]', declared: Buffer.byteLength(child) - 1, stored: Buffer.byteLength(child) },
      });

      expect((await v2(`/v2/${repo}/manifests/sizes`)).status).toBe(404);
      // The same manifests with the right sizes go in.
      await pushManifest('sizes', indexOf([{ digest: childDigest, size: Buffer.byteLength(child) }]), OCI_INDEX);
    });
  });
});
