import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import {
  buildOciLayout,
  createTestDatabase,
  digestOf,
  locationPath,
  pushBlob,
  putManifest,
  RegistrySession,
  RunningProcess,
  runClient,
  seedProject,
  spawnProcess,
  startPlatform,
  TestDatabase,
  TestPlatform,
} from '@cargohold/testing';
import { enc, RestClient } from './iam-rest-client';
// By path: the helper needs s3rver, a devDependency of libs/storage that its index must not pull in.
import { startTestS3Server, TestS3Server } from '../../libs/storage/src/s3-test-server.suite';

const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
const OCI_CONFIG = 'application/vnd.oci.image.config.v1+json';
const OCI_LAYER = 'application/vnd.oci.image.layer.v1.tar+gzip';
const TLS = ['--src-tls-verify=false', '--dest-tls-verify=false'];
const DAY = 24 * 3600 * 1000;

interface Image {
  repo: string;
  tag: string;
  digest: string;
  manifest: string;
  /** Config first, then layers. */
  blobs: string[];
}

/** Where the replicas keep blobs: the filesystem under one shared DATA_DIR, or one S3 bucket. */
interface Driver {
  name: 'filesystem' | 's3';
  env(): Promise<Record<string, string>>;
  /** Digests of the committed blobs in the store. */
  storedBlobs(platform: TestPlatform): Promise<Set<string>>;
  /** What is left of uploads in progress (files or objects). */
  uploadsLeft(platform: TestPlatform): Promise<string[]>;
  stop(): Promise<void>;
}

const filesystem: Driver = {
  name: 'filesystem',
  env: async () => ({}),
  storedBlobs: async (platform) => {
    const root = path.join(platform.dataDir, 'storage', 'blobs', 'sha256');
    if (!existsSync(root)) return new Set();
    return new Set(readdirSync(root).flatMap((prefix) => readdirSync(path.join(root, prefix)).map((hex) => `sha256:${hex}`)));
  },
  uploadsLeft: async (platform) => {
    const dir = path.join(platform.dataDir, 'storage', 'uploads');
    return existsSync(dir) ? readdirSync(dir) : [];
  },
  stop: async () => undefined,
};

function s3Driver(): Driver {
  let s3: TestS3Server | undefined;
  const bucket = 'replicas';
  return {
    name: 's3',
    env: async () => {
      s3 = await startTestS3Server({ bucket, uploadPartCopy: true });
      return {
        STORAGE_DRIVER: 's3',
        S3_ENDPOINT: s3.endpoint,
        S3_BUCKET: bucket,
        S3_REGION: 'us-east-1',
        S3_ACCESS_KEY_ID: 'S3RVER',
        S3_SECRET_ACCESS_KEY: 'S3RVER',
        S3_FORCE_PATH_STYLE: 'true',
      };
    },
    storedBlobs: async () => new Set((await s3!.listKeys(bucket, 'blobs/sha256/')).map((key) => `sha256:${key.split('/').pop()}`)),
    uploadsLeft: async () => s3!.listKeys(bucket, 'uploads/'),
    stop: async () => {
      await s3?.stop();
    },
  };
}

/**
 * Two api and two worker processes sharing one database, one Redis prefix and one blob store, as replicas
 * behind a load balancer do: requests of one upload alternate between the apis, the same image is pushed to
 * both at once, and cleanup and GC run on both workers (and two `gc:run`) at the same time.
 */
describe.each([filesystem, s3Driver()])('two api and two worker replicas ($name)', (driver: Driver) => {
  let db: TestDatabase;
  let platform: TestPlatform;
  let secondWorker: RunningProcess;
  let apis: [string, string];
  let registry: RegistrySession;
  let rest: [RestClient, RestClient];
  let creds: string;
  let work: string;
  const admin = () => ({ token: platform.adminToken });

  beforeAll(async () => {
    db = await createTestDatabase();
    platform = await startPlatform({
      databaseUrl: db.url,
      worker: true,
      env: { GC_REVIEW_DELAY: '0', CLEANUP_SCHEDULE_INTERVAL: '1', ...(await driver.env()) },
    });
    // At info level (the first worker logs at warn), so the test can record which jobs this one ran.
    secondWorker = spawnProcess('worker', { ...platform.env, LOG_LEVEL: 'info' });
    const replica = await platform.startApiReplica();
    apis = [platform.url, replica.url];
    rest = [new RestClient(apis[0]), new RestClient(apis[1])];
    registry = new RegistrySession(platform.url, { username: 'root', password: platform.adminToken });
    creds = `root:${platform.adminToken}`;
    for (const project of ['rep/chunked', 'rep/parallel', 'rep/clean-a', 'rep/clean-b', 'rep/cache']) await seedProject(db, project);
    work = mkdtempSync(path.join(tmpdir(), 'replicas-e2e-'));
  });

  afterAll(async () => {
    await secondWorker?.stop();
    await platform?.stop();
    await driver.stop();
    await db?.drop();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  afterEach(() => {
    // Both workers must still be up: a crash in one would hide behind the other.
    expect({ worker: platform?.worker?.child.exitCode, secondWorker: secondWorker?.child.exitCode }).toEqual({ worker: null, secondWorker: null });
  });

  const count = async (sql: string, params: unknown[] = []) => Number((await db.query<{ n: string }>(sql, params))[0].n);

  async function waitFor(what: string, check: () => Promise<boolean>, timeoutMs = 30_000, pollMs = 100): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!(await check())) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise((resolve) => setTimeout(resolve, pollMs));
    }
  }

  /** What `read` answers once it answers `expected`, or after a second (the bound for another api to hear of a write). */
  async function withinASecond<T>(read: () => Promise<T>, expected: T): Promise<T> {
    const deadline = Date.now() + 1000;
    let last = await read();
    while (JSON.stringify(last) !== JSON.stringify(expected) && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      last = await read();
    }
    return last;
  }

  /** Pulls by tag over HTTP from one api: the manifest byte for byte, and every blob hashing to its digest. */
  async function expectPullsByHttp(base: string, image: Image): Promise<void> {
    const response = await registry.fetch(`${base}/v2/${image.repo}/manifests/${image.tag}`, { headers: { Accept: OCI_MANIFEST } });
    expect({ at: base, tag: image.tag, status: response.status }).toEqual({ at: base, tag: image.tag, status: 200 });
    const body = await response.text();
    expect(body).toBe(image.manifest);
    expect(response.headers.get('docker-content-digest')).toBe(image.digest);
    for (const digest of image.blobs) {
      const blob = await registry.fetch(`${base}/v2/${image.repo}/blobs/${digest}`);
      expect({ at: base, digest, status: blob.status }).toEqual({ at: base, digest, status: 200 });
      expect(digestOf(Buffer.from(await blob.arrayBuffer()))).toBe(digest);
    }
  }

  /** skopeo copies the image out of one api into a dir: every file must hash to its name, and no blob may be missing. */
  async function expectPullsWithSkopeo(base: string, image: Image): Promise<void> {
    const out = path.join(work, `pull-${randomBytes(6).toString('hex')}`);
    await runClient('skopeo', ['copy', ...TLS, '--src-creds', creds, `docker://${new URL(base).host}/${image.repo}:${image.tag}`, `dir:${out}`]);
    expect(digestOf(readFileSync(path.join(out, 'manifest.json')))).toBe(image.digest);
    const files = readdirSync(out).filter((name) => /^[0-9a-f]{64}$/.test(name));
    expect(files.map((name) => `sha256:${name}`).sort()).toEqual([...new Set(image.blobs)].sort());
    for (const name of files) expect(digestOf(readFileSync(path.join(out, name)))).toBe(`sha256:${name}`);
    rmSync(out, { recursive: true, force: true });
  }

  it('takes a chunked upload whose every request goes to the other api, and serves it byte for byte from both', async () => {
    const repo = 'rep/chunked';
    const bytes = randomBytes(3 * 1024 * 1024 + 12_345);
    const digest = digestOf(bytes);
    // Uneven chunks (one of a single byte); the last one travels in the final PUT.
    const cuts = [0, 700_000, 1_500_000, 1_500_001, 2_600_000, bytes.length];
    const sequence: number[] = [];
    let turn = 0;
    const next = () => {
      sequence.push(turn % 2);
      return apis[turn++ % 2];
    };

    const start = await registry.fetch(`${next()}/v2/${repo}/blobs/uploads/`, { method: 'POST' });
    expect(start.status).toBe(202);
    let location = locationPath(start);
    expect(location).toMatch(new RegExp(`^/v2/${repo}/blobs/uploads/[0-9a-f-]{36}$`));

    // PATCH, then the status from both apis (the other one first): requests alternate, and so do the writes, so
    // every chunk after the first lands on the api that did not write the previous one and must rebuild the
    // digest state from the stored bytes.
    const writers: number[] = [];
    for (let i = 0; i < cuts.length - 2; i++) {
      const [from, to] = [cuts[i], cuts[i + 1]];
      writers.push(turn % 2);
      const patch = await registry.fetch(`${next()}${location}`, {
        method: 'PATCH',
        body: bytes.subarray(from, to),
        headers: { 'Content-Type': 'application/octet-stream', 'Content-Range': `${from}-${to - 1}` },
      });
      expect({ chunk: i, status: patch.status, range: patch.headers.get('range') }).toEqual({ chunk: i, status: 202, range: `0-${to - 1}` });
      location = patch.headers.has('location') ? locationPath(patch) : location;
      for (let k = 0; k < 2; k++) {
        const status = await registry.fetch(`${next()}${location}`);
        expect({ chunk: i, status: status.status, range: status.headers.get('range') }).toEqual({ chunk: i, status: 204, range: `0-${to - 1}` });
      }
    }
    const last = cuts[cuts.length - 2];
    writers.push(turn % 2);
    const put = await registry.fetch(`${next()}${location}?digest=${digest}`, {
      method: 'PUT',
      body: bytes.subarray(last),
      headers: { 'Content-Type': 'application/octet-stream', 'Content-Range': `${last}-${bytes.length - 1}` },
    });
    expect(put.status).toBe(201);
    expect(put.headers.get('docker-content-digest')).toBe(digest);
    // The test itself: each request went to the other api than the one before, and each write too.
    expect(sequence.every((api, i) => i === 0 || api !== sequence[i - 1])).toBe(true);
    expect(writers).toEqual([1, 0, 1, 0, 1]);

    for (const base of apis) {
      const get = await registry.fetch(`${base}/v2/${repo}/blobs/${digest}`);
      expect(get.status).toBe(200);
      expect(Buffer.from(await get.arrayBuffer()).equals(bytes)).toBe(true);
      const ranged = await registry.fetch(`${base}/v2/${repo}/blobs/${digest}`, { headers: { Range: 'bytes=1499990-1500010' } });
      expect(ranged.status).toBe(206);
      expect(Buffer.from(await ranged.arrayBuffer()).equals(bytes.subarray(1_499_990, 1_500_011))).toBe(true);
    }
    expect(await db.query(`SELECT size::int AS size FROM blobs WHERE digest = $1`, [digest])).toEqual([{ size: bytes.length }]);
    expect((await driver.storedBlobs(platform)).has(digest)).toBe(true);
    expect(await count(`SELECT count(*) AS n FROM uploads`)).toBe(0);
    expect(await driver.uploadsLeft(platform)).toEqual([]);
  });

  it('takes the same image pushed 6 times at once through both apis: all succeed, one row each, every tag pulls back whole', async () => {
    const layout = buildOciLayout(path.join(work, 'parallel'), 'src', [
      { layers: [{ 'data/big.bin': randomBytes(2 * 1024 * 1024) }, { 'data/small.bin': randomBytes(64 * 1024) }, { 'etc/motd': 'replicas' }] },
    ]);
    const built = layout.images[0];
    const blobs = [built.config.digest, ...built.layers.map((layer) => layer.digest)];
    const manifest = readFileSync(path.join(layout.dir, 'blobs', 'sha256', built.manifest.digest.slice(7))).toString();
    const targets = [
      { repo: 'rep/parallel', tag: 'one' },
      { repo: 'rep/parallel', tag: 'two' },
      { repo: 'rep/parallel', tag: 'three' },
      { repo: 'rep/parallel', tag: 'four' },
      { repo: 'rep/parallel/mirror', tag: 'one' },
      { repo: 'rep/parallel/mirror', tag: 'two' },
    ];
    // skopeo asks HEAD for each blob and uploads what is missing: six clients racing on the same three blobs
    // and the same manifest, split between the two apis.
    await Promise.all(
      targets.map(({ repo, tag }, i) =>
        runClient('skopeo', ['copy', ...TLS, '--dest-creds', creds, `oci:${layout.dir}:src`, `docker://${new URL(apis[i % 2]).host}/${repo}:${tag}`]),
      ),
    );

    expect((await db.query<{ digest: string }>(`SELECT digest FROM blobs WHERE digest = ANY($1) ORDER BY digest`, [blobs])).map((r) => r.digest)).toEqual(
      [...blobs].sort(),
    );
    const stored = await driver.storedBlobs(platform);
    for (const digest of blobs) expect(stored.has(digest)).toBe(true);
    const manifestRows = await db.query<{ path: string; n: number }>(
      `SELECT r.path, count(*)::int AS n FROM manifests m JOIN repositories r ON r.id = m.repository_id WHERE m.digest = $1 GROUP BY r.path ORDER BY r.path`,
      [built.manifest.digest],
    );
    expect(manifestRows).toEqual([
      { path: 'rep/parallel', n: 1 },
      { path: 'rep/parallel/mirror', n: 1 },
    ]);
    const links = await db.query<{ path: string; n: number }>(
      `SELECT r.path, count(*)::int AS n FROM repository_blobs rb JOIN repositories r ON r.id = rb.repository_id
        WHERE rb.blob_digest = ANY($1) GROUP BY r.path ORDER BY r.path`,
      [blobs],
    );
    expect(links).toEqual([
      { path: 'rep/parallel', n: blobs.length },
      { path: 'rep/parallel/mirror', n: blobs.length },
    ]);
    const tags = await db.query<{ tag: string }>(
      `SELECT r.path || ':' || t.name AS tag FROM tags t JOIN repositories r ON r.id = t.repository_id JOIN manifests m ON m.id = t.manifest_id
        WHERE m.digest = $1 ORDER BY 1`,
      [built.manifest.digest],
    );
    expect(tags.map((row) => row.tag)).toEqual(targets.map(({ repo, tag }) => `${repo}:${tag}`).sort());
    expect(await count(`SELECT count(*) AS n FROM uploads`)).toBe(0);

    for (const { repo, tag } of targets) {
      const image: Image = { repo, tag, digest: built.manifest.digest, manifest, blobs };
      for (const base of apis) await expectPullsByHttp(base, image);
    }
    await Promise.all(apis.map((base, i) => expectPullsWithSkopeo(base, { ...targets[i * 4], digest: built.manifest.digest, manifest, blobs })));
  });

  it('takes cross-repository mounts and uploads of the same blob into one repository through both apis at once', async () => {
    // What skopeo and docker do when they know the blob from another repository of the same registry: a mount
    // racing a plain upload of the same bytes into the same repository (a mount and an upload's commit once
    // took the repository and blob rows in opposite orders and deadlocked into a 500).
    const source = 'rep/parallel';
    const bytes = randomBytes(200_000);
    const digest = await pushBlob(apis[0], source, bytes, registry.fetch);
    const targets = Array.from({ length: 8 }, (_, i) => `rep/parallel/mount-${i}`);
    const token = await registry.token(
      `${apis[0]}/jwt/auth`,
      'container_registry',
      [`repository:${source}:pull`, ...targets.map((target) => `repository:${target}:pull,push`)].join(' '),
    );
    const auth = { Authorization: `Bearer ${token}` };
    const statuses: string[] = [];
    for (const target of targets) {
      const requests = Array.from({ length: 6 }, async (_, i) => {
        const base = apis[i % 2];
        const response =
          i % 3 === 2
            ? await fetch(`${base}/v2/${target}/blobs/uploads/?digest=${digest}`, { method: 'POST', body: bytes, headers: auth })
            : await fetch(`${base}/v2/${target}/blobs/uploads/?mount=${digest}&from=${source}`, { method: 'POST', headers: auth });
        statuses.push(`${i % 3 === 2 ? 'upload' : 'mount'} ${response.status}${response.status >= 300 ? ` ${await response.text()}` : ''}`);
        await response.arrayBuffer().catch(() => undefined);
      });
      await Promise.all(requests);
    }
    expect(statuses.filter((status) => !status.endsWith(' 201'))).toEqual([]);
    expect(await count(`SELECT count(*) AS n FROM blobs WHERE digest = $1`, [digest])).toBe(1);
    expect(
      await count(`SELECT count(*) AS n FROM repository_blobs rb JOIN repositories r ON r.id = rb.repository_id WHERE rb.blob_digest = $1 AND r.path = ANY($2)`, [
        digest,
        targets,
      ]),
    ).toBe(targets.length);
    for (const [i, target] of targets.entries()) {
      const get = await fetch(`${apis[i % 2]}/v2/${target}/blobs/${digest}`, { headers: auth });
      expect(get.status).toBe(200);
      expect(Buffer.from(await get.arrayBuffer()).equals(bytes)).toBe(true);
    }
  });

  it('serves a tag moved or deleted through one api from the other within a second, and stops serving a deleted manifest on both', async () => {
    // The apis cache manifests in memory; every write announces itself on Redis. Reads poll up to 1 s (the cache's
    // TTL safety net is longer, so passing proves the invalidation messages work), and the api that took the
    // write must answer the new state at once.
    const repo = 'rep/cache';
    const config = await pushBlob(apis[0], repo, Buffer.from(JSON.stringify({ architecture: 'amd64', os: 'linux', n: 1 })), registry.fetch);
    const layer = await pushBlob(apis[0], repo, randomBytes(1024), registry.fetch);
    const manifestOf = (n: number) =>
      JSON.stringify({
        schemaVersion: 2,
        mediaType: OCI_MANIFEST,
        config: { mediaType: OCI_CONFIG, digest: config, size: JSON.stringify({ architecture: 'amd64', os: 'linux', n: 1 }).length },
        layers: [{ mediaType: OCI_LAYER, digest: layer, size: 1024 }],
        annotations: { n: String(n) },
      });
    const [one, two, three] = [manifestOf(1), manifestOf(2), manifestOf(3)];
    const push = async (base: string, reference: string, manifest: string) => {
      const response = await putManifest(base, repo, reference, manifest, OCI_MANIFEST, registry.fetch);
      expect(response.status).toBe(201);
      return response.headers.get('docker-content-digest')!;
    };
    const read = async (base: string, reference: string) => {
      const response = await registry.fetch(`${base}/v2/${repo}/manifests/${reference}`, { headers: { Accept: OCI_MANIFEST } });
      return response.status === 200 ? await response.text() : `${response.status} ${await response.text()}`.slice(0, 40);
    };
    /** Polls `base` until it serves `expected` (up to 1 s), then checks it keeps doing so. */
    const served = async (base: string, reference: string, expected: string) => {
      let last = '';
      const deadline = Date.now() + 1000;
      do {
        last = await read(base, reference);
        if (last === expected || (expected === '404' && last.startsWith('404'))) break;
        await new Promise((resolve) => setTimeout(resolve, 20));
      } while (Date.now() < deadline);
      expect({ at: base, reference, served: expected === '404' ? last.slice(0, 3) : last }).toEqual({ at: base, reference, served: expected });
      for (let i = 0; i < 3; i++) expect({ at: base, again: (await read(base, reference)).slice(0, expected === '404' ? 3 : undefined) }).toEqual({ at: base, again: expected });
    };

    const d1 = await push(apis[0], 'live', one);
    // Both apis read (and cache) it, by tag and by digest.
    for (const base of apis) for (let i = 0; i < 3; i++) expect([await read(base, 'live'), await read(base, d1)]).toEqual([one, one]);

    // Moved through the other api: that api at once, the first within the bound.
    const d2 = await push(apis[1], 'live', two);
    expect(await read(apis[1], 'live')).toBe(two);
    await served(apis[0], 'live', two);
    // And back the other way.
    await push(apis[0], 'live', three);
    expect(await read(apis[0], 'live')).toBe(three);
    await served(apis[1], 'live', three);
    for (const base of apis) expect(await read(base, d2)).toBe(two);

    // A manifest deleted by digest (untagged d1, cached by digest on both; tagged d2 under 'old') stops being served.
    await push(apis[0], 'old', two);
    for (const base of apis) {
      expect(await read(base, 'old')).toBe(two);
      // d1 has been untagged since 'live' moved: with GC_REVIEW_DELAY=0 the workers' online GC may already have
      // collected it (404), and must never serve anything else for it.
      const first = await read(base, d1);
      if (!first.startsWith('404')) expect(first).toBe(one);
    }
    const deleted = await registry.fetch(`${apis[1]}/v2/${repo}/manifests/${d1}`, { method: 'DELETE' });
    // d1 is untagged and the workers review every 5 s with GC_REVIEW_DELAY=0: on a slow machine online GC may have
    // collected it first (404). Either way it must stop being served on both apis, which is what is checked next.
    expect([202, 404]).toContain(deleted.status);
    expect((await read(apis[1], d1)).slice(0, 3)).toBe('404');
    await served(apis[0], d1, '404');
    const deletedTagged = await registry.fetch(`${apis[0]}/v2/${repo}/manifests/${d2}`, { method: 'DELETE' });
    expect(deletedTagged.status).toBe(202);
    expect((await read(apis[0], 'old')).slice(0, 3)).toBe('404');
    for (const reference of ['old', d2]) await served(apis[1], reference, '404');

    // A tag deleted through the management API of one api (the REST path, not /v2/).
    for (const base of apis) expect(await read(base, 'live')).toBe(three);
    const [{ id: repositoryId }] = await db.query<{ id: number }>(`SELECT id FROM repositories WHERE path = $1`, [repo]);
    const removed = await rest[1].delete(`/projects/${enc(repo)}/registry/repositories/${repositoryId}/tags/live`, admin());
    expect(removed.status).toBe(200);
    expect((await read(apis[1], 'live')).slice(0, 3)).toBe('404');
    await served(apis[0], 'live', '404');
  });

  it('lists a tag created or deleted through one api from the other within a second (tag lists are cached too)', async () => {
    const repo = 'rep/cache/list';
    const config = JSON.stringify({ architecture: 'amd64', os: 'linux', n: 'list' });
    const configDigest = await pushBlob(apis[0], repo, Buffer.from(config), registry.fetch);
    const layer = await pushBlob(apis[0], repo, randomBytes(512), registry.fetch);
    const manifest = JSON.stringify({
      schemaVersion: 2,
      mediaType: OCI_MANIFEST,
      config: { mediaType: OCI_CONFIG, digest: configDigest, size: config.length },
      layers: [{ mediaType: OCI_LAYER, digest: layer, size: 512 }],
    });
    const push = async (base: string, tag: string) => expect((await putManifest(base, repo, tag, manifest, OCI_MANIFEST, registry.fetch)).status).toBe(201);
    /** The whole list, walked two names a page (the pages after the first come from the api's cache). */
    const list = async (base: string) => {
      const names: string[] = [];
      let next: string | null = `/v2/${repo}/tags/list?n=2`;
      while (next) {
        const response = await registry.fetch(`${base}${next}`);
        expect(response.status).toBe(200);
        names.push(...((await response.json()) as { tags: string[] }).tags);
        next = response.headers.get('link')?.match(/^<([^>]+)>/)?.[1] ?? null;
      }
      return names;
    };
    const listed = async (base: string, expected: string[]) => expect({ at: base, listed: await withinASecond(() => list(base), expected) }).toEqual({ at: base, listed: expected });

    for (const tag of ['a', 'c', 'e']) await push(apis[0], tag);
    for (const base of apis) expect(await list(base)).toEqual(['a', 'c', 'e']);
    // Created through the second api: there at once, on the first within the bound.
    await push(apis[1], 'b');
    expect(await list(apis[1])).toEqual(['a', 'b', 'c', 'e']);
    await listed(apis[0], ['a', 'b', 'c', 'e']);
    // Deleted through the first api's management API: gone there at once, from the second within the bound.
    const [{ id: repositoryId }] = await db.query<{ id: number }>(`SELECT id FROM repositories WHERE path = $1`, [repo]);
    expect((await rest[0].delete(`/projects/${enc('rep/cache')}/registry/repositories/${repositoryId}/tags/c`, admin())).status).toBe(200);
    expect(await list(apis[0])).toEqual(['a', 'b', 'e']);
    await listed(apis[1], ['a', 'b', 'e']);
  });

  it('pages a deep REST offset page right on both apis after a tag written through either (rank anchors are cached too)', async () => {
    const repo = 'rep/cache/ranks';
    const config = JSON.stringify({ architecture: 'amd64', os: 'linux', n: 'ranks' });
    const configDigest = await pushBlob(apis[0], repo, Buffer.from(config), registry.fetch);
    const manifest = JSON.stringify({ schemaVersion: 2, mediaType: OCI_MANIFEST, config: { mediaType: OCI_CONFIG, digest: configDigest, size: config.length }, layers: [] });
    expect((await putManifest(apis[0], repo, 'latest', manifest, OCI_MANIFEST, registry.fetch)).status).toBe(201);
    // 6 000 more tags written with SQL: deep enough (offset 5 500) for the apis to page from rank anchors.
    await db.query(
      `INSERT INTO tags (repository_id, name, manifest_id)
       SELECT r.id, 'build-' || lpad(g::text, 5, '0'), t.manifest_id FROM repositories r JOIN tags t ON t.repository_id = r.id AND t.name = 'latest',
              generate_series(1, 6000) g WHERE r.path = $1`,
      [repo],
    );
    const [{ id: repositoryId }] = await db.query<{ id: number }>(`SELECT id FROM repositories WHERE path = $1`, [repo]);
    const page = async (client: RestClient) => {
      const response = await client.get<Array<{ name: string }>>(`/projects/${enc('rep/cache')}/registry/repositories/${repositoryId}/tags?per_page=3&page=1834`, admin());
      expect(response.status).toBe(200);
      return response.body.map((tag) => tag.name); // offset 5 499
    };
    const paged = async (client: RestClient, expected: string[]) => expect(await withinASecond(() => page(client), expected)).toEqual(expected);
    for (const client of rest) expect(await page(client)).toEqual(['build-05500', 'build-05501', 'build-05502']);
    // A tag sorting first, pushed through the second api, shifts every rank by one: there at once, on the first
    // within the bound (its anchors are dropped by the announcement).
    expect((await putManifest(apis[1], repo, 'build-00000a', manifest, OCI_MANIFEST, registry.fetch)).status).toBe(201);
    expect(await page(rest[1])).toEqual(['build-05499', 'build-05500', 'build-05501']);
    await paged(rest[0], ['build-05499', 'build-05500', 'build-05501']);
    // Deleted through the first api's management API: shifted back there at once, on the second within the bound.
    expect((await rest[0].delete(`/projects/${enc('rep/cache')}/registry/repositories/${repositoryId}/tags/build-00000a`, admin())).status).toBe(200);
    expect(await page(rest[0])).toEqual(['build-05500', 'build-05501', 'build-05502']);
    await paged(rest[1], ['build-05500', 'build-05501', 'build-05502']);
  });

  it('stops answering a blob HEAD for a link removed through the other api within a second (blob links are cached too)', async () => {
    const repo = 'rep/cache/blobs';
    const digest = await pushBlob(apis[0], repo, randomBytes(2048), registry.fetch);
    const head = async (base: string) => (await registry.fetch(`${base}/v2/${repo}/blobs/${digest}`, { method: 'HEAD' })).status;
    // Both apis answer (and cache) the link, several times over.
    for (const base of apis) for (let i = 0; i < 3; i++) expect({ base, status: await head(base) }).toEqual({ base, status: 200 });
    const deleted = await registry.fetch(`${apis[1]}/v2/${repo}/blobs/${digest}`, { method: 'DELETE' });
    expect(deleted.status).toBe(202);
    // The api that unlinked it at once; the other within the bound (the cache's TTL is longer: this is the message).
    expect(await head(apis[1])).toBe(404);
    const deadline = Date.now() + 1000;
    let status = await head(apis[0]);
    while (status !== 404 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      status = await head(apis[0]);
    }
    expect(status).toBe(404);
    for (const base of apis) expect({ base, again: await head(base) }).toEqual({ base, again: 404 });
  });

  // Cleanup and GC coordinate through PostgreSQL alone (row locks, SKIP LOCKED, deterministic job ids): the same
  // on either driver, so to keep the file fast this part runs on the filesystem only (the S3 driver's deletes
  // are covered by its conformance suite).
  // Defined for the filesystem run only (not skipped on S3: simply not part of that run).
  if (driver.name === 'filesystem') describe('cleanup and GC on both workers at once', () => {
    /** Every image of a repository, by tag; what the policy must delete, and what must stay. */
    interface Seeded {
      images: Image[];
      doomed: string[];
      kept: string[];
    }

    /** Pushes a small image over HTTP (HEAD first, as clients do) to the given api. */
    async function pushImage(base: string, repo: string, tag: string, shared: Buffer, manifest?: string): Promise<Image> {
      if (manifest) {
        const response = await putManifest(base, repo, tag, manifest, OCI_MANIFEST, registry.fetch);
        if (response.status !== 201) throw new Error(`${repo}:${tag}: ${response.status} ${await response.text()}`);
        const parsed = JSON.parse(manifest) as { config: { digest: string }; layers: Array<{ digest: string }> };
        return { repo, tag, digest: digestOf(manifest), manifest, blobs: [parsed.config.digest, ...parsed.layers.map((l) => l.digest)] };
      }
      const configBytes = Buffer.from(
        JSON.stringify({ architecture: 'amd64', os: 'linux', rootfs: { type: 'layers', diff_ids: [] }, tag, nonce: randomBytes(4).toString('hex') }),
      );
      const own = randomBytes(2048);
      const blobs: string[] = [];
      for (const bytes of [configBytes, shared, own]) {
        const digest = digestOf(bytes);
        const head = await registry.fetch(`${base}/v2/${repo}/blobs/${digest}`, { method: 'HEAD' });
        if (head.status !== 200) await pushBlob(base, repo, bytes, registry.fetch);
        blobs.push(digest);
      }
      const body = JSON.stringify({
        schemaVersion: 2,
        mediaType: OCI_MANIFEST,
        config: { mediaType: OCI_CONFIG, digest: blobs[0], size: configBytes.length },
        layers: [
          { mediaType: OCI_LAYER, digest: blobs[1], size: shared.length },
          { mediaType: OCI_LAYER, digest: blobs[2], size: own.length },
        ],
      });
      return pushImage(base, repo, tag, shared, body);
    }

    /**
     * Policy: name_regex dev-.* (matched whole, as in GitLab), keep_n 5, older_than 7d. Kept: latest, v1, v2 (not
     * matching), dev-new-0/1 (1 day old: the two newest, and younger than 7 days), dev-00..02 (with them, the 5
     * newest). Deleted: dev-03..dev-07, among them dev-04, which points at the same manifest as latest (so that
     * manifest must stay), and dev-05, which shares v1's.
     */
    async function seed(repo: string): Promise<Seeded> {
      const shared = randomBytes(16 * 1024);
      const ages: Array<[string, number]> = [
        ['latest', 30],
        ['v1', 30],
        ['v2', 30],
        ['dev-new-0', 1],
        ['dev-new-1', 1],
        ...Array.from({ length: 8 }, (_, i) => [`dev-${String(i).padStart(2, '0')}`, 8 + i] as [string, number]),
      ];
      const aliases: Record<string, string> = { 'dev-04': 'latest', 'dev-05': 'v1' };
      const images: Image[] = [];
      // The pushes alternate between the apis; the first image goes alone so the shared layer is uploaded once.
      const own = ages.filter(([tag]) => !aliases[tag]);
      images.push(await pushImage(apis[0], repo, own[0][0], shared));
      for (let i = 1; i < own.length; i += 8) {
        images.push(...(await Promise.all(own.slice(i, i + 8).map(([tag], j) => pushImage(apis[(i + j) % 2], repo, tag, shared)))));
      }
      for (const [i, [tag, target]] of Object.entries(aliases).entries()) {
        images.push(await pushImage(apis[i % 2], repo, tag, shared, images.find((image) => image.tag === target)!.manifest));
      }
      await db.query(
        `UPDATE tags SET created_at = v.at, updated_at = v.at FROM repositories r, unnest($2::text[], $3::timestamptz[]) AS v(name, at)
          WHERE r.id = tags.repository_id AND r.path = $1 AND tags.name = v.name`,
        [repo, ages.map(([tag]) => tag), ages.map(([, days]) => new Date(Date.now() - days * DAY))],
      );
      const kept = ['latest', 'v1', 'v2', 'dev-new-0', 'dev-new-1', 'dev-00', 'dev-01', 'dev-02'];
      const doomed = ages.map(([tag]) => tag).filter((tag) => !kept.includes(tag));
      return { images, doomed, kept };
    }

    const tagsOf = async (repo: string) =>
      (await db.query<{ name: string }>(`SELECT t.name FROM tags t JOIN repositories r ON r.id = t.repository_id WHERE r.path = $1 ORDER BY t.name`, [repo])).map(
        (row) => row.name,
      );

    it('deletes exactly the expected tags once, schedules one run per due policy, and GC keeps every remaining image whole', async () => {
      const projects = ['rep/clean-a', 'rep/clean-b'];
      // The first project has two repositories, so its runs walk more than one.
      const reposOf = (project: string) => (project === projects[0] ? [project, `${project}/sub`] : [project]);
      const repos = projects.flatMap(reposOf);
      const seeded = new Map<string, Seeded>();
      for (const [i, result] of (await Promise.all(repos.map(seed))).entries()) seeded.set(repos[i], result);

      const ids: number[] = [];
      for (const [i, project] of projects.entries()) {
        const set = await rest[i].put(`/projects/${enc(project)}`, admin(), {
          container_expiration_policy_attributes: { enabled: true, cadence: '1d', keep_n: 5, older_than: '7d', name_regex: 'dev-.*' },
        });
        expect(set.status).toBe(200);
        ids.push(set.body.id);
      }

      // At the same moment: both policies become due (both workers' schedulers look every second), a maintainer
      // asks each api for a run of one project, and two `gc:run` start collecting what the runs leave behind
      // while both workers do the same (they review every 5 s with GC_REVIEW_DELAY=0).
      const gcRun = () => spawnProcess('cli', platform.env, ['gc:run']);
      const clis = [gcRun(), gcRun()];
      const [, manualA, manualB] = await Promise.all([
        db.query(`UPDATE cleanup_policies SET next_run_at = now() - interval '1 minute' WHERE project_id = ANY($1)`, [ids]),
        rest[0].post(`/projects/${enc(projects[0])}/registry/cleanup_policy/runs`, admin()),
        rest[1].post(`/projects/${enc(projects[1])}/registry/cleanup_policy/runs`, admin()),
      ]);
      expect([manualA.status, manualB.status]).toEqual([202, 202]);

      const runsOf = async (projectId: number) =>
        db.query<{ id: number; trigger: string; status: string; deleted_tags: number; repositories_done: number }>(
          `SELECT id, trigger, status, deleted_tags, repositories_done FROM cleanup_policy_runs WHERE project_id = $1 ORDER BY id`,
          [projectId],
        );
      await waitFor('the scheduled and manual runs to finish', async () => {
        for (const id of ids) {
          const runs = await runsOf(id);
          if (!runs.some((run) => run.trigger === 'schedule') || runs.some((run) => run.status !== 'finished' && run.status !== 'failed')) return false;
        }
        return true;
      });
      // Two more `gc:run` race the workers' next reviews. Meanwhile the schedulers tick twice more: a policy that
      // ran is not due again.
      clis.push(gcRun(), gcRun());
      await new Promise((resolve) => setTimeout(resolve, 2000));

      for (const [i, id] of ids.entries()) {
        const runs = await runsOf(id);
        const walked = reposOf(projects[i]).length;
        expect(runs.map((run) => [run.trigger, run.status, run.repositories_done]).sort()).toEqual([
          ['manual', 'finished', walked],
          ['schedule', 'finished', walked],
        ]);
        // Each tag deleted is counted by the one run that deleted it: no run counts a deletion twice.
        const doomed = reposOf(projects[i]).reduce((sum, repo) => sum + seeded.get(repo)!.doomed.length, 0);
        expect(runs.reduce((sum, run) => sum + Number(run.deleted_tags), 0)).toBe(doomed);
        // Each run announced its end once (audit trail; webhooks are dispatched from the same call).
        expect(await count(`SELECT count(*) AS n FROM audit_events WHERE event_name = 'cleanup_finished' AND entity_id = $1`, [id])).toBe(2);
      }
      expect(await count(`SELECT count(*) AS n FROM cleanup_policy_runs WHERE trigger = 'schedule'`)).toBe(projects.length);
      const next = await db.query<{ next_run_at: Date }>(`SELECT next_run_at FROM cleanup_policies WHERE project_id = ANY($1)`, [ids]);
      for (const row of next) expect(new Date(row.next_run_at).getTime()).toBeGreaterThan(Date.now() + DAY - 120_000);
      for (const repo of repos) expect(await tagsOf(repo)).toEqual([...seeded.get(repo)!.kept].sort());

      const codes = await Promise.all(clis.map((cli) => cli.exited));
      expect({ codes, output: codes.every((code) => code === 0) ? '' : clis.map((cli) => cli.output()).join('\n') }).toEqual({ codes: [0, 0, 0, 0], output: '' });

      const keptImages = repos.flatMap((repo) => seeded.get(repo)!.images.filter((image) => seeded.get(repo)!.kept.includes(image.tag)));
      const doomedImages = repos.flatMap((repo) => seeded.get(repo)!.images.filter((image) => seeded.get(repo)!.doomed.includes(image.tag)));
      const keptDigests = new Set(keptImages.flatMap((image) => image.blobs));
      const keptManifests = new Set(keptImages.map((image) => `${image.repo}@${image.digest}`));
      const garbageBlobs = [...new Set(doomedImages.flatMap((image) => image.blobs))].filter((digest) => !keptDigests.has(digest));
      const garbageManifests = doomedImages.filter((image) => !keptManifests.has(`${image.repo}@${image.digest}`));
      // Per repository, 3 images of their own go (config and own layer each); the shared layer stays.
      expect(garbageManifests.length).toBe(repos.length * 3);
      expect(garbageBlobs.length).toBe(repos.length * 3 * 2);

      await waitFor(
        'GC to empty its queues and reclaim the deleted images',
        async () =>
          (await count(`SELECT (SELECT count(*) FROM gc_manifest_review_queue) + (SELECT count(*) FROM gc_blob_review_queue) AS n`)) === 0 &&
          (await count(`SELECT count(*) AS n FROM blobs WHERE digest = ANY($1)`, [garbageBlobs])) === 0,
        30_000,
      );
      const stored = await driver.storedBlobs(platform);
      expect(garbageBlobs.filter((digest) => stored.has(digest))).toEqual([]);
      for (const image of garbageManifests) {
        const rows = `SELECT count(*) AS n FROM manifests m JOIN repositories r ON r.id = m.repository_id WHERE r.path = $1 AND m.digest = $2`;
        expect({ image: `${image.repo}:${image.tag}`, rows: await count(rows, [image.repo, image.digest]) }).toEqual({ image: `${image.repo}:${image.tag}`, rows: 0 });
      }
      expect([...keptDigests].filter((digest) => !stored.has(digest))).toEqual([]);
      expect(await count(`SELECT count(*) AS n FROM blobs WHERE digest = ANY($1)`, [[...keptDigests]])).toBe(keptDigests.size);

      // Every image that stays pulls completely from both apis; the store and the database agree.
      for (const image of keptImages) for (const base of apis) await expectPullsByHttp(base, image);
      await Promise.all(apis.map((base, i) => expectPullsWithSkopeo(base, keptImages[i])));
      // Not an assertion (BullMQ decides who takes what), a record of how the work was shared.
      const logged = secondWorker.output().split('\n').filter((line) => line.startsWith('{')).map((line) => JSON.parse(line) as { msg?: string });
      const printed = clis.map((cli) => JSON.parse(cli.output().trim().split('\n').pop()!) as { skipped: number; manifestsDeleted: number });
      const runsHere = logged.filter((l) => l.msg === 'cleanup run progressed').length;
      const gcHere = logged.filter((l) => l.msg === 'garbage collected').length;
      process.stdout.write(
        `replicas (${driver.name}): the second worker ran ${runsHere} of 4 cleanup runs and ${gcHere} GC runs that deleted something; ` +
          `the four gc:run deleted ${printed.map((p) => p.manifestsDeleted).join('/')} manifests and skipped ` +
          `${printed.map((p) => p.skipped).join('/')} items other collectors held\n`,
      );

      const check = spawnProcess('cli', platform.env, ['storage:check']);
      const checkCode = await check.exited;
      expect({ code: checkCode, output: checkCode === 0 ? '' : check.output() }).toEqual({ code: 0, output: '' });
      expect(JSON.parse(check.output().trim().split('\n').pop()!)).toMatchObject({ ok: true, missing: 0, sizeMismatches: 0, orphans: 0 });
    });
  });
});
