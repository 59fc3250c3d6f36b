import { randomBytes } from 'node:crypto';
import { readdirSync, readlinkSync } from 'node:fs';
import { createTestDatabase, digestOf, locationPath, pushBlob, putManifest, RegistrySession, seedProject, startPlatform, TestDatabase, TestPlatform } from '@cargohold/testing';

const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
const OCI_INDEX = 'application/vnd.oci.image.index.v1+json';

/** Walks the OCI Distribution Specification's endpoints and errors against the real api processes. */
describe('registry /v2/ (OCI distribution spec)', () => {
  let db: TestDatabase;
  let platform: TestPlatform;
  let base: string;
  let registry: RegistrySession;
  const repo = 'acme/app';

  beforeAll(async () => {
    db = await createTestDatabase();
    platform = await startPlatform({ databaseUrl: db.url, worker: false });
    base = platform.url;
    registry = new RegistrySession(base, { username: 'root', password: platform.adminToken });
    await seedProject(db, 'acme/app');
    await seedProject(db, 'acme/other');
  });

  afterAll(async () => {
    await platform?.stop();
    await db?.drop();
  });

  async function pushImage(name: string, tag: string, layerBytes = randomBytes(1024)) {
    const layer = await pushBlob(base, name, layerBytes, registry.fetch);
    const configBytes = Buffer.from(JSON.stringify({ architecture: 'amd64', os: 'linux', rootfs: { type: 'layers', diff_ids: [] } }));
    const config = await pushBlob(base, name, configBytes, registry.fetch);
    const manifest = {
      schemaVersion: 2,
      mediaType: OCI_MANIFEST,
      config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: config, size: configBytes.length },
      layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', digest: layer, size: layerBytes.length }],
    };
    const body = JSON.stringify(manifest);
    const response = await putManifest(base, name, tag, body, OCI_MANIFEST, registry.fetch);
    expect(response.status).toBe(201);
    return { digest: digestOf(body), body, layer, config };
  }

  it('challenges anonymous requests with the token realm and the scope they need', async () => {
    const base401 = await fetch(`${base}/v2/`);
    expect(base401.status).toBe(401);
    expect(base401.headers.get('www-authenticate')).toBe(`Bearer realm="${base}/jwt/auth",service="container_registry"`);
    const manifest401 = await fetch(`${base}/v2/${repo}/manifests/latest`);
    expect(manifest401.status).toBe(401);
    expect(manifest401.headers.get('www-authenticate')).toBe(
      `Bearer realm="${base}/jwt/auth",service="container_registry",scope="repository:${repo}:pull"`,
    );
    expect((await manifest401.json()).errors[0].code).toBe('UNAUTHORIZED');
  });

  it('answers the base endpoint with the API version header', async () => {
    const response = await registry.fetch(`${base}/v2/`);
    expect(response.status).toBe(200);
    expect(response.headers.get('docker-distribution-api-version')).toBe('registry/2.0');
  });

  describe('blob uploads', () => {
    it('accepts a monolithic POST ?digest= and serves the bytes back with HEAD, GET and Range', async () => {
      const bytes = randomBytes(70_000);
      const digest = await pushBlob(base, repo, bytes, registry.fetch);
      const head = await registry.fetch(`${base}/v2/${repo}/blobs/${digest}`, { method: 'HEAD' });
      expect(head.status).toBe(200);
      expect(head.headers.get('content-length')).toBe(String(bytes.length));
      expect(head.headers.get('docker-content-digest')).toBe(digest);
      expect(head.headers.get('etag')).toBe(`"${digest}"`);
      const get = await registry.fetch(`${base}/v2/${repo}/blobs/${digest}`);
      expect(Buffer.from(await get.arrayBuffer()).equals(bytes)).toBe(true);
      const ranged = await registry.fetch(`${base}/v2/${repo}/blobs/${digest}`, { headers: { Range: 'bytes=100-199' } });
      expect(ranged.status).toBe(206);
      expect(ranged.headers.get('content-range')).toBe(`bytes 100-199/${bytes.length}`);
      expect(Buffer.from(await ranged.arrayBuffer()).equals(bytes.subarray(100, 200))).toBe(true);
      const unsatisfiable = await registry.fetch(`${base}/v2/${repo}/blobs/${digest}`, { headers: { Range: `bytes=${bytes.length + 5}-` } });
      expect(unsatisfiable.status).toBe(416);
    });

    it('accepts POST then a single PUT with the body', async () => {
      const bytes = randomBytes(5000);
      const start = await registry.fetch(`${base}/v2/${repo}/blobs/uploads/`, { method: 'POST' });
      expect(start.status).toBe(202);
      // Locations are absolute, on PUBLIC_URL (the contract; distribution answers absolute URLs too).
      expect(start.headers.get('location')).toMatch(new RegExp(`^${base}/v2/${repo}/blobs/uploads/[0-9a-f-]{36}$`));
      const location = locationPath(start);
      expect(start.headers.get('range')).toBe('0-0');
      const put = await registry.fetch(`${base}${location}?digest=${digestOf(bytes)}`, { method: 'PUT', body: bytes, headers: { 'Content-Type': 'application/octet-stream' } });
      expect(put.status).toBe(201);
      expect(put.headers.get('docker-content-digest')).toBe(digestOf(bytes));
      expect(put.headers.get('location')).toBe(`${base}/v2/${repo}/blobs/${digestOf(bytes)}`);
    });

    it('accepts chunked PATCH uploads, reports progress and refuses out-of-order chunks with 416', async () => {
      const bytes = randomBytes(300_000);
      const start = await registry.fetch(`${base}/v2/${repo}/blobs/uploads/`, { method: 'POST' });
      const location = locationPath(start);
      const first = await registry.fetch(`${base}${location}`, {
        method: 'PATCH',
        body: bytes.subarray(0, 100_000),
        headers: { 'Content-Type': 'application/octet-stream', 'Content-Range': '0-99999' },
      });
      expect(first.status).toBe(202);
      expect(first.headers.get('range')).toBe('0-99999');
      const skipped = await registry.fetch(`${base}${location}`, {
        method: 'PATCH',
        body: bytes.subarray(200_000),
        headers: { 'Content-Type': 'application/octet-stream', 'Content-Range': '200000-299999' },
      });
      expect(skipped.status).toBe(416);
      // RFC 9110: a 416 says the current length, here where the upload stands.
      expect(skipped.headers.get('content-range')).toBe('bytes */100000');
      const status = await registry.fetch(`${base}${location}`);
      expect(status.status).toBe(204);
      expect(status.headers.get('range')).toBe('0-99999');
      const second = await registry.fetch(`${base}${location}`, {
        method: 'PATCH',
        body: bytes.subarray(100_000, 200_000),
        headers: { 'Content-Type': 'application/octet-stream', 'Content-Range': '100000-199999' },
      });
      expect(second.status).toBe(202);
      const put = await registry.fetch(`${base}${location}?digest=${digestOf(bytes)}`, {
        method: 'PUT',
        body: bytes.subarray(200_000),
        headers: { 'Content-Type': 'application/octet-stream', 'Content-Range': '200000-299999' },
      });
      expect(put.status).toBe(201);
      const get = await registry.fetch(`${base}/v2/${repo}/blobs/${digestOf(bytes)}`);
      expect(digestOf(Buffer.from(await get.arrayBuffer()))).toBe(digestOf(bytes));
    });

    it('continues a chunked upload on a second api replica', async () => {
      const replica = await platform.startApiReplica();
      const bytes = randomBytes(250_000);
      const start = await registry.fetch(`${base}/v2/${repo}/blobs/uploads/`, { method: 'POST' });
      const location = locationPath(start);
      const urls = [base, replica.url, base];
      for (let i = 0; i < 3; i++) {
        const from = i * 100_000;
        const chunk = bytes.subarray(from, Math.min(from + 100_000, bytes.length));
        const patch = await registry.fetch(`${urls[i]}${location}`, {
          method: 'PATCH',
          body: chunk,
          headers: { 'Content-Type': 'application/octet-stream', 'Content-Range': `${from}-${from + chunk.length - 1}` },
        });
        expect(patch.status).toBe(202);
      }
      const put = await registry.fetch(`${replica.url}${location}?digest=${digestOf(bytes)}`, { method: 'PUT' });
      expect(put.status).toBe(201);
      const get = await registry.fetch(`${base}/v2/${repo}/blobs/${digestOf(bytes)}`);
      expect(Buffer.from(await get.arrayBuffer()).equals(bytes)).toBe(true);
      await replica.process.stop();
    });

    it('keeps the write lease for the next chunk only briefly: released when no chunk follows', async () => {
      const start = await registry.fetch(`${base}/v2/${repo}/blobs/uploads/`, { method: 'POST' });
      const location = locationPath(start);
      const id = location.split('/').pop()!;
      const leaseOf = async () => (await db.query(`SELECT lease_until IS NOT NULL AS held, size FROM uploads WHERE id = $1`, [id]))[0];
      const patch = await registry.fetch(`${base}${location}`, {
        method: 'PATCH',
        body: randomBytes(1000),
        headers: { 'Content-Type': 'application/octet-stream', 'Content-Range': '0-999' },
      });
      expect(patch.status).toBe(202);
      const answeredAt = Date.now();
      const right = await leaseOf();
      expect(right.size).toBe('1000');
      // Parked for the client's next request (100 ms): checked when this test looked in time, as it almost always does.
      if (Date.now() - answeredAt < 80) expect(right.held).toBe(true);
      const deadline = Date.now() + 3_000;
      while ((await leaseOf()).held && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
      expect(await leaseOf()).toEqual({ held: false, size: '1000' });
    });

    it('lets only one of two concurrent chunks at the same offset write, on different replicas', async () => {
      const replica = await platform.startApiReplica();
      try {
        const start = await registry.fetch(`${base}/v2/${repo}/blobs/uploads/`, { method: 'POST' });
        const location = locationPath(start);
        const a = randomBytes(2_000_000);
        const b = randomBytes(2_000_000);
        const patch = (url: string, body: Buffer) =>
          registry.fetch(`${url}${location}`, { method: 'PATCH', body, headers: { 'Content-Type': 'application/octet-stream', 'Content-Range': `0-${body.length - 1}` } });
        const statuses = (await Promise.all([patch(base, a), patch(replica.url, b)])).map((r) => r.status).sort();
        expect(statuses).toEqual([202, 416]);
        // Whichever won, the stored bytes are exactly one client's chunk, and only that digest completes.
        const winner = digestOf(a);
        const put = await registry.fetch(`${base}${location}?digest=${winner}`, { method: 'PUT' });
        if (put.status === 201) {
          const get = await registry.fetch(`${base}/v2/${repo}/blobs/${winner}`);
          expect(Buffer.from(await get.arrayBuffer()).equals(a)).toBe(true);
        } else {
          expect(put.status).toBe(400);
          expect((await registry.fetch(`${base}/v2/${repo}/blobs/${winner}`, { method: 'HEAD' })).status).toBe(404);
        }
      } finally {
        await replica.process.stop();
      }
    });

    it('answers DIGEST_INVALID on a mismatch and leaves nothing behind', async () => {
      const bytes = randomBytes(1000);
      const wrong = digestOf(randomBytes(10));
      const start = await registry.fetch(`${base}/v2/${repo}/blobs/uploads/`, { method: 'POST' });
      const location = locationPath(start);
      const put = await registry.fetch(`${base}${location}?digest=${wrong}`, { method: 'PUT', body: bytes });
      expect(put.status).toBe(400);
      expect((await put.json()).errors[0].code).toBe('DIGEST_INVALID');
      expect((await registry.fetch(`${base}${location}`)).status).toBe(404);
      expect((await registry.fetch(`${base}/v2/${repo}/blobs/${wrong}`, { method: 'HEAD' })).status).toBe(404);
      expect((await registry.fetch(`${base}/v2/${repo}/blobs/${digestOf(bytes)}`, { method: 'HEAD' })).status).toBe(404);
      const rows = await db.query(`SELECT digest FROM blobs WHERE digest IN ($1, $2)`, [wrong, digestOf(bytes)]);
      expect(rows).toHaveLength(0);
      const monolithic = await registry.fetch(`${base}/v2/${repo}/blobs/uploads/?digest=${wrong}`, { method: 'POST', body: bytes });
      expect(monolithic.status).toBe(400);
      expect((await monolithic.json()).errors[0].code).toBe('DIGEST_INVALID');
    });

    it('accepts sha512 digests', async () => {
      const bytes = randomBytes(2000);
      const digest = `sha512:${require('node:crypto').createHash('sha512').update(bytes).digest('hex')}`;
      const response = await registry.fetch(`${base}/v2/${repo}/blobs/uploads/?digest=${digest}`, { method: 'POST', body: bytes });
      expect(response.status).toBe(201);
      const get = await registry.fetch(`${base}/v2/${repo}/blobs/${digest}`);
      expect(Buffer.from(await get.arrayBuffer()).equals(bytes)).toBe(true);
    });

    it('cancels an upload with DELETE', async () => {
      const start = await registry.fetch(`${base}/v2/${repo}/blobs/uploads/`, { method: 'POST' });
      const location = locationPath(start);
      expect((await registry.fetch(`${base}${location}`, { method: 'DELETE' })).status).toBe(204);
      const status = await registry.fetch(`${base}${location}`);
      expect(status.status).toBe(404);
      expect((await status.json()).errors[0].code).toBe('BLOB_UPLOAD_UNKNOWN');
    });

    it('mounts a blob from another repository the token may pull, and falls back to an upload otherwise', async () => {
      const bytes = randomBytes(3000);
      const digest = await pushBlob(base, 'acme/other', bytes, registry.fetch);
      expect((await registry.fetch(`${base}/v2/${repo}/blobs/${digest}`, { method: 'HEAD' })).status).toBe(404);
      // A token for the target only: the source is not readable through it, so the mount becomes an upload.
      const narrow = await registry.fetch(`${base}/v2/${repo}/blobs/uploads/?mount=${digest}&from=acme/other`, { method: 'POST' });
      expect(narrow.status).toBe(202);
      // As docker does, ask for both repositories in one token.
      const token = await registry.token(`${base}/jwt/auth`, 'container_registry', `repository:${repo}:pull,push repository:acme/other:pull`);
      const auth = { Authorization: `Bearer ${token}` };
      const mount = await fetch(`${base}/v2/${repo}/blobs/uploads/?mount=${digest}&from=acme/other`, { method: 'POST', headers: auth });
      expect(mount.status).toBe(201);
      expect(mount.headers.get('location')).toBe(`${base}/v2/${repo}/blobs/${digest}`);
      expect((await fetch(`${base}/v2/${repo}/blobs/${digest}`, { method: 'HEAD', headers: auth })).status).toBe(200);
      const fallback = await fetch(`${base}/v2/${repo}/blobs/uploads/?mount=${digestOf(randomBytes(8))}&from=acme/other`, { method: 'POST', headers: auth });
      expect(fallback.status).toBe(202);
      expect(fallback.headers.get('location')).toMatch(/\/blobs\/uploads\//);
    });

    it('closes the file of a download the client abandons, and serves concurrent downloads intact', async () => {
      // Several read buffers long (downloads read 1 MiB at a time into reused buffers).
      const bytes = randomBytes(6 * 1024 * 1024 + 333);
      const digest = await pushBlob(base, repo, bytes, registry.fetch);
      const blobFile = `${digest.slice('sha256:'.length)}`;
      const apiPid = platform.api.child.pid!;
      const openOnBlob = () =>
        readdirSync(`/proc/${apiPid}/fd`).filter((fd) => {
          try {
            return readlinkSync(`/proc/${apiPid}/fd/${fd}`).endsWith(blobFile);
          } catch {
            return false; // closed while we looked
          }
        }).length;

      const token = await registry.token(`${base}/jwt/auth`, 'container_registry', `repository:${repo}:pull`);
      const abandon = new AbortController();
      const partial = await fetch(`${base}/v2/${repo}/blobs/${digest}`, { headers: { Authorization: `Bearer ${token}` }, signal: abandon.signal });
      expect(partial.status).toBe(200);
      const reader = partial.body!.getReader();
      const first = await reader.read();
      expect(first.value!.length).toBeGreaterThan(0);
      abandon.abort();
      await reader.closed.catch(() => undefined);
      const deadline = Date.now() + 5_000;
      while (openOnBlob() > 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
      expect(openOnBlob()).toBe(0);

      // Buffers go back to a shared pool: five downloads at once must each get their own bytes, in order.
      const bodies = await Promise.all(
        Array.from({ length: 5 }, async () => Buffer.from(await (await registry.fetch(`${base}/v2/${repo}/blobs/${digest}`)).arrayBuffer())),
      );
      for (const body of bodies) expect(digestOf(body)).toBe(digest);
    });

    it('serves a blob only through a repository that holds it', async () => {
      const digest = await pushBlob(base, 'acme/other', randomBytes(500), registry.fetch);
      const response = await registry.fetch(`${base}/v2/${repo}/blobs/${digest}`);
      expect(response.status).toBe(404);
      expect((await response.json()).errors[0].code).toBe('BLOB_UNKNOWN');
    });
  });

  describe('manifests', () => {
    it('stores a manifest byte for byte and serves it by tag and by digest', async () => {
      const image = await pushImage(repo, 'v1');
      for (const reference of ['v1', image.digest]) {
        const get = await registry.fetch(`${base}/v2/${repo}/manifests/${reference}`, { headers: { Accept: OCI_MANIFEST } });
        expect(get.status).toBe(200);
        expect(get.headers.get('content-type')).toBe(OCI_MANIFEST);
        expect(get.headers.get('docker-content-digest')).toBe(image.digest);
        expect(await get.text()).toBe(image.body);
        const head = await registry.fetch(`${base}/v2/${repo}/manifests/${reference}`, { method: 'HEAD' });
        expect(head.status).toBe(200);
        expect(head.headers.get('content-length')).toBe(String(Buffer.byteLength(image.body)));
      }
    });

    it('stores Docker schema 2 manifests and manifest lists and serves them under their own media types', async () => {
      const DOCKER_MANIFEST = 'application/vnd.docker.distribution.manifest.v2+json';
      const DOCKER_LIST = 'application/vnd.docker.distribution.manifest.list.v2+json';
      const name = 'acme/app/docker';
      const configBytes = Buffer.from(JSON.stringify({ architecture: 'amd64', os: 'linux', rootfs: { type: 'layers', diff_ids: [] } }));
      const layerBytes = randomBytes(2048);
      const [config, layer] = [await pushBlob(base, name, configBytes, registry.fetch), await pushBlob(base, name, layerBytes, registry.fetch)];
      const manifest = JSON.stringify({
        schemaVersion: 2,
        mediaType: DOCKER_MANIFEST,
        config: { mediaType: 'application/vnd.docker.container.image.v1+json', size: configBytes.length, digest: config },
        layers: [{ mediaType: 'application/vnd.docker.image.rootfs.diff.tar.gzip', size: layerBytes.length, digest: layer }],
      });
      expect((await putManifest(base, name, 'amd64', manifest, DOCKER_MANIFEST, registry.fetch)).status).toBe(201);
      const list = JSON.stringify({
        schemaVersion: 2,
        mediaType: DOCKER_LIST,
        manifests: [{ mediaType: DOCKER_MANIFEST, size: Buffer.byteLength(manifest), digest: digestOf(manifest), platform: { architecture: 'amd64', os: 'linux' } }],
      });
      expect((await putManifest(base, name, 'latest', list, DOCKER_LIST, registry.fetch)).status).toBe(201);
      // What docker sends when it pulls by tag.
      const accept = [DOCKER_MANIFEST, DOCKER_LIST, OCI_MANIFEST, 'application/vnd.oci.image.index.v1+json'].join(', ');
      for (const [tag, body, mediaType] of [['latest', list, DOCKER_LIST], ['amd64', manifest, DOCKER_MANIFEST], [digestOf(manifest), manifest, DOCKER_MANIFEST]]) {
        const get = await registry.fetch(`${base}/v2/${name}/manifests/${tag}`, { headers: { Accept: accept } });
        expect({ tag, status: get.status, type: get.headers.get('content-type'), digest: get.headers.get('docker-content-digest') }).toEqual({
          tag,
          status: 200,
          type: mediaType,
          digest: digestOf(body),
        });
        expect(await get.text()).toBe(body);
      }
      // A client that accepts only OCI types is not handed a Docker manifest it did not ask for.
      expect((await registry.fetch(`${base}/v2/${name}/manifests/amd64`, { headers: { Accept: OCI_MANIFEST } })).status).toBe(404);
      // A list naming a manifest this repository does not hold is refused.
      const dangling = JSON.stringify({ schemaVersion: 2, mediaType: DOCKER_LIST, manifests: [{ mediaType: DOCKER_MANIFEST, size: 10, digest: digestOf('absent') }] });
      const refused = await putManifest(base, name, 'dangling', dangling, DOCKER_LIST, registry.fetch);
      expect(refused.status).toBe(400);
      expect((await refused.json()).errors[0].code).toBe('MANIFEST_BLOB_UNKNOWN');
    });

    it('refuses manifests that reference missing blobs, bad JSON, a wrong digest or too many bytes', async () => {
      const missing = {
        schemaVersion: 2,
        mediaType: OCI_MANIFEST,
        config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: digestOf('nope'), size: 4 },
        layers: [],
      };
      const unknown = await putManifest(base, repo, 'bad', missing, OCI_MANIFEST, registry.fetch);
      expect(unknown.status).toBe(400);
      expect((await unknown.json()).errors[0].code).toBe('MANIFEST_BLOB_UNKNOWN');
      const invalid = await putManifest(base, repo, 'bad', '{not json', OCI_MANIFEST, registry.fetch);
      expect(invalid.status).toBe(400);
      expect((await invalid.json()).errors[0].code).toBe('MANIFEST_INVALID');
      const image = await pushImage(repo, 'v2');
      const wrongDigest = await putManifest(base, repo, digestOf('other'), image.body, OCI_MANIFEST, registry.fetch);
      expect(wrongDigest.status).toBe(400);
      expect((await wrongDigest.json()).errors[0].code).toBe('DIGEST_INVALID');
      const huge = await putManifest(base, repo, 'huge', 'x'.repeat(5 * 1024 * 1024), OCI_MANIFEST, registry.fetch);
      expect(huge.status).toBe(413);
      const tags = await db.query(`SELECT t.name FROM tags t JOIN repositories r ON r.id = t.repository_id WHERE r.path = $1 AND t.name IN ('bad', 'huge')`, [repo]);
      expect(tags).toHaveLength(0);
    });

    it('accepts an image index whose children exist, and refuses one whose child is missing', async () => {
      const a = await pushImage(repo, 'amd64');
      const b = await pushImage(repo, 'arm64');
      const index = {
        schemaVersion: 2,
        mediaType: OCI_INDEX,
        manifests: [
          { mediaType: OCI_MANIFEST, digest: a.digest, size: Buffer.byteLength(a.body), platform: { architecture: 'amd64', os: 'linux' } },
          { mediaType: OCI_MANIFEST, digest: b.digest, size: Buffer.byteLength(b.body), platform: { architecture: 'arm64', os: 'linux' } },
        ],
      };
      const ok = await putManifest(base, repo, 'multi', index, OCI_INDEX, registry.fetch);
      expect(ok.status).toBe(201);
      const get = await registry.fetch(`${base}/v2/${repo}/manifests/multi`);
      expect(get.headers.get('content-type')).toBe(OCI_INDEX);
      // A child the index still references cannot go: a conflict (409), worded as DENIED.
      const child = await registry.fetch(`${base}/v2/${repo}/manifests/${a.digest}`, { method: 'DELETE' });
      expect(child.status).toBe(409);
      expect((await child.json()).errors[0]).toMatchObject({ code: 'DENIED', detail: { digest: a.digest } });
      const broken = { ...index, manifests: [{ mediaType: OCI_MANIFEST, digest: digestOf('absent'), size: 6 }] };
      const refused = await putManifest(base, repo, 'broken', broken, OCI_INDEX, registry.fetch);
      expect(refused.status).toBe(400);
      expect((await refused.json()).errors[0].code).toBe('MANIFEST_BLOB_UNKNOWN');
    });

    it('serves referrers with the OCI-Subject header on push and artifactType filtering', async () => {
      const subject = await pushImage(repo, 'signed');
      const empty = await pushBlob(base, repo, Buffer.from('{}'), registry.fetch);
      const signatureLayer = await pushBlob(base, repo, Buffer.from('signature'), registry.fetch);
      const artifact = {
        schemaVersion: 2,
        mediaType: OCI_MANIFEST,
        artifactType: 'application/vnd.dev.cosign.artifact.sig.v1+json',
        config: { mediaType: 'application/vnd.oci.empty.v1+json', digest: empty, size: 2 },
        layers: [{ mediaType: 'application/octet-stream', digest: signatureLayer, size: 9 }],
        subject: { mediaType: OCI_MANIFEST, digest: subject.digest, size: Buffer.byteLength(subject.body) },
        annotations: { 'org.example.kind': 'signature' },
      };
      const body = JSON.stringify(artifact);
      const push = await putManifest(base, repo, digestOf(body), body, OCI_MANIFEST, registry.fetch);
      expect(push.status).toBe(201);
      expect(push.headers.get('oci-subject')).toBe(subject.digest);
      const referrers = await registry.fetch(`${base}/v2/${repo}/referrers/${subject.digest}`);
      expect(referrers.status).toBe(200);
      expect(referrers.headers.get('content-type')).toBe(OCI_INDEX);
      const index = await referrers.json();
      expect(index.manifests).toEqual([
        {
          mediaType: OCI_MANIFEST,
          digest: digestOf(body),
          size: Buffer.byteLength(body),
          artifactType: artifact.artifactType,
          annotations: artifact.annotations,
        },
      ]);
      const filtered = await registry.fetch(`${base}/v2/${repo}/referrers/${subject.digest}?artifactType=application/spdx%2Bjson`);
      expect(filtered.headers.get('oci-filters-applied')).toBe('artifactType');
      expect((await filtered.json()).manifests).toEqual([]);
    });

    it('deletes a tag, then a manifest by digest', async () => {
      const image = await pushImage(repo, 'doomed');
      await putManifest(base, repo, 'doomed-too', image.body, OCI_MANIFEST, registry.fetch);
      expect((await registry.fetch(`${base}/v2/${repo}/manifests/doomed`, { method: 'DELETE' })).status).toBe(202);
      expect((await registry.fetch(`${base}/v2/${repo}/manifests/doomed`)).status).toBe(404);
      expect((await registry.fetch(`${base}/v2/${repo}/manifests/doomed-too`)).status).toBe(200);
      expect((await registry.fetch(`${base}/v2/${repo}/manifests/${image.digest}`, { method: 'DELETE' })).status).toBe(202);
      const gone = await registry.fetch(`${base}/v2/${repo}/manifests/doomed-too`);
      expect(gone.status).toBe(404);
      expect((await gone.json()).errors[0].code).toBe('MANIFEST_UNKNOWN');
      const queued = await db.query(`SELECT blob_digest FROM gc_blob_review_queue WHERE blob_digest = $1`, [image.layer]);
      expect(queued).toHaveLength(1);
    });

    it('deletes a blob from a repository', async () => {
      const digest = await pushBlob(base, repo, randomBytes(100), registry.fetch);
      expect((await registry.fetch(`${base}/v2/${repo}/blobs/${digest}`, { method: 'DELETE' })).status).toBe(202);
      expect((await registry.fetch(`${base}/v2/${repo}/blobs/${digest}`, { method: 'HEAD' })).status).toBe(404);
    });
  });

  describe('listing', () => {
    it('lists tags lexically with n/last pagination and a Link header', async () => {
      const name = 'acme/app/paged';
      const image = await pushImage(name, 'b');
      for (const tag of ['a', 'c', 'B', 'd']) expect((await putManifest(base, name, tag, image.body, OCI_MANIFEST, registry.fetch)).status).toBe(201);
      const all = await (await registry.fetch(`${base}/v2/${name}/tags/list`)).json();
      expect(all).toEqual({ name, tags: ['B', 'a', 'b', 'c', 'd'] });
      const first = await registry.fetch(`${base}/v2/${name}/tags/list?n=2`);
      expect((await first.json()).tags).toEqual(['B', 'a']);
      expect(first.headers.get('link')).toBe(`</v2/${name}/tags/list?n=2&last=a>; rel="next"`);
      const second = await registry.fetch(`${base}/v2/${name}/tags/list?n=2&last=a`);
      expect((await second.json()).tags).toEqual(['b', 'c']);
      const last = await registry.fetch(`${base}/v2/${name}/tags/list?n=2&last=c`);
      expect((await last.json()).tags).toEqual(['d']);
      expect(last.headers.get('link')).toBeNull();
      expect((await registry.fetch(`${base}/v2/acme/app/never/tags/list`)).status).toBe(404);
    });

    it('lists the catalog with pagination', async () => {
      const first = await registry.fetch(`${base}/v2/_catalog?n=1`);
      expect(first.status).toBe(200);
      const body = await first.json();
      expect(body.repositories).toHaveLength(1);
      expect(first.headers.get('link')).toMatch(/rel="next"/);
      const all = await (await registry.fetch(`${base}/v2/_catalog`)).json();
      expect(all.repositories).toEqual(expect.arrayContaining(['acme/app', 'acme/other', 'acme/app/paged']));
    });
  });

  describe('metrics', () => {
    const metric = async (line: RegExp) => {
      const text = await (await fetch(`${base}/metrics`)).text();
      const match = text.match(line);
      return match ? Number(match[1]) : undefined;
    };

    it('exposes Prometheus metrics at /metrics: registry bytes in and out, and request durations', async () => {
      const response = await fetch(`${base}/metrics`);
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toContain('text/plain');
      const before = { in: (await metric(/^cargohold_registry_bytes_total\{direction="in"\} (\d+)/m)) ?? 0, out: (await metric(/^cargohold_registry_bytes_total\{direction="out"\} (\d+)/m)) ?? 0 };
      const bytes = randomBytes(5000);
      const digest = await pushBlob(base, repo, bytes, registry.fetch);
      expect(Buffer.from(await (await registry.fetch(`${base}/v2/${repo}/blobs/${digest}`)).arrayBuffer()).equals(bytes)).toBe(true);
      expect(await metric(/^cargohold_registry_bytes_total\{direction="in"\} (\d+)/m)).toBe(before.in + 5000);
      // Counted when the server's side of the download has finished, which may be just after the client has it all.
      const out = () => metric(/^cargohold_registry_bytes_total\{direction="out"\} (\d+)/m);
      for (const deadline = Date.now() + 2_000; (await out()) !== before.out + 5000 && Date.now() < deadline; ) await new Promise((resolve) => setTimeout(resolve, 20));
      expect(await out()).toBe(before.out + 5000);
      expect(await metric(/^cargohold_http_request_duration_seconds_count\{family="registry",method="POST",status="201"\} (\d+)/m)).toBeGreaterThanOrEqual(1);
    });
  });

  describe('hostile and invalid input', () => {
    it.each([
      ['/v2/Acme/app/tags/list', 'NAME_INVALID'],
      ['/v2/acme/../etc/tags/list', 'NAME_INVALID'],
      ['/v2/acme%2f..%2fapp/tags/list', 'NAME_INVALID'],
      [`/v2/acme/${'a'.repeat(260)}/tags/list`, 'NAME_INVALID'],
      ['/v2/acme/app/blobs/sha256:ABC', 'DIGEST_INVALID'],
      ['/v2/acme/app/blobs/md5:d41d8cd98f00b204e9800998ecf8427e', 'DIGEST_INVALID'],
    ])('answers %s with %s', async (path, code) => {
      const response = await registry.fetch(`${base}${path}`);
      expect(response.status).toBe(400);
      expect((await response.json()).errors[0].code).toBe(code);
    });

    it('answers a manifest lookup by a reference that cannot exist with 404 MANIFEST_UNKNOWN (OCI conformance)', async () => {
      const response = await registry.fetch(`${base}/v2/acme/app/manifests/bad~tag`);
      expect(response.status).toBe(404);
      expect((await response.json()).errors[0].code).toBe('MANIFEST_UNKNOWN');
    });

    it('refuses a push to a path no project owns', async () => {
      const response = await registry.fetch(`${base}/v2/nobody/nothing/blobs/uploads/`, { method: 'POST' });
      expect(response.status).toBe(403);
      expect((await response.json()).errors[0].code).toBe('DENIED');
      const rows = await db.query(`SELECT id FROM repositories WHERE path = 'nobody/nothing'`);
      expect(rows).toHaveLength(0);
    });

    it('answers unsupported methods with 405 UNSUPPORTED', async () => {
      const response = await registry.fetch(`${base}/v2/${repo}/tags/list`, { method: 'POST' });
      expect(response.status).toBe(405);
      expect((await response.json()).errors[0].code).toBe('UNSUPPORTED');
    });
  });
});
