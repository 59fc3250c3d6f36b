import { randomBytes } from 'node:crypto';
import { createTestDatabase, digestOf, locationPath, pushBlob, putManifest, seedProject, startPlatform, TestDatabase, TestPlatform } from '@cargohold/testing';
import { bearer, consistencyProblems, manifestJson, OCI_MANIFEST, pushImage } from './reliability-support';

/** Races between clients: the same blob, the same tag, and pulls during pushes of the same manifest. */
describe('reliability: concurrency', () => {
  let db: TestDatabase;
  let platform: TestPlatform;
  let auth: Record<string, string>;
  const repo = 'race/app';

  const v2 = (path: string, init: RequestInit = {}) => fetch(`${platform.url}/v2/${repo}${path}`, { ...init, headers: { ...auth, ...(init.headers as Record<string, string>) } });

  beforeAll(async () => {
    db = await createTestDatabase();
    platform = await startPlatform({ databaseUrl: db.url, worker: false, env: { PULL_RATE_LIMIT_AUTHENTICATED: '0' } });
    await seedProject(db, repo);
    auth = { Authorization: `Bearer ${await bearer(platform.url, 'root', platform.adminToken, [`repository:${repo}:pull,push`])}` };
  });

  afterAll(async () => {
    await platform?.stop();
    await db?.drop();
  });

  it('accepts the same blob from 20 clients at once: all succeed, one blobs row, bytes intact', async () => {
    const bytes = randomBytes(400_000);
    const digest = digestOf(bytes);
    const client = async (i: number): Promise<number> => {
      if (i % 2 === 0) return (await v2(`/blobs/uploads/?digest=${digest}`, { method: 'POST', body: bytes })).status;
      // The other half upload in two chunks, as docker does.
      const start = await v2('/blobs/uploads/', { method: 'POST' });
      const location = locationPath(start);
      const url = (path: string) => fetch(`${platform.url}${path}`, { method: 'PATCH', body: bytes.subarray(0, 150_000), headers: { ...auth, 'Content-Range': '0-149999' } });
      expect((await url(location)).status).toBe(202);
      return (await fetch(`${platform.url}${location}?digest=${digest}`, { method: 'PUT', body: bytes.subarray(150_000), headers: { ...auth, 'Content-Range': `150000-${bytes.length - 1}` } })).status;
    };
    const statuses = await Promise.all(Array.from({ length: 20 }, (_, i) => client(i)));
    expect(statuses).toEqual(Array(20).fill(201));
    expect(await db.query(`SELECT size::int AS size FROM blobs WHERE digest = $1`, [digest])).toEqual([{ size: bytes.length }]);
    const served = Buffer.from(await (await v2(`/blobs/${digest}`)).arrayBuffer());
    expect(served.equals(bytes)).toBe(true);
    expect(await db.query(`SELECT id FROM uploads`)).toHaveLength(0);
    expect(await consistencyProblems(db, platform.dataDir)).toEqual([]);
  });

  it('moves one tag from 10 clients at once: the tag always names a complete manifest, and the last write wins', async () => {
    const images = await Promise.all(Array.from({ length: 10 }, (_, i) => pushImage(platform.url, repo, `base-${i}`, (u, init) => fetch(u, { ...init, headers: { ...auth, ...(init?.headers as Record<string, string>) } }))));
    const byDigest = new Map(images.map((image) => [image.digest, image.body]));
    expect((await v2('/manifests/moving', { method: 'PUT', body: images[0].body, headers: { 'Content-Type': OCI_MANIFEST } })).status).toBe(201);

    let writing = true;
    const observed: string[] = [];
    const reader = (async () => {
      while (writing) {
        const response = await v2('/manifests/moving', { headers: { Accept: OCI_MANIFEST } });
        const body = await response.text();
        const digest = response.headers.get('docker-content-digest')!;
        // Complete: the body is exactly one of the ten manifests and matches its announced digest.
        observed.push(`${response.status} ${byDigest.get(digest) === body && digestOf(body) === digest}`);
      }
    })();
    const writes = await Promise.all(images.map((image) => v2('/manifests/moving', { method: 'PUT', body: image.body, headers: { 'Content-Type': OCI_MANIFEST } })));
    writing = false;
    await reader;
    expect(writes.map((w) => w.status)).toEqual(Array(10).fill(201));
    expect(observed.length).toBeGreaterThan(0);
    expect(new Set(observed)).toEqual(new Set(['200 true']));

    const rows = await db.query<{ digest: string }>(
      `SELECT m.digest FROM tags t JOIN manifests m ON m.id = t.manifest_id JOIN repositories r ON r.id = t.repository_id WHERE r.path = $1 AND t.name = 'moving'`,
      [repo],
    );
    expect(rows).toHaveLength(1);
    expect(byDigest.has(rows[0].digest)).toBe(true);
    expect((await v2('/manifests/moving')).headers.get('docker-content-digest')).toBe(rows[0].digest);
    // And once the race is over, the next write is the one that sticks.
    expect((await v2('/manifests/moving', { method: 'PUT', body: images[3].body, headers: { 'Content-Type': OCI_MANIFEST } })).status).toBe(201);
    expect((await v2('/manifests/moving')).headers.get('docker-content-digest')).toBe(images[3].digest);
  });

  it('creates a new repository and one new tag from 10 clients at once: one row each, and every manifest left untagged is queued for GC review', async () => {
    const fresh = `${repo}/fresh`;
    const token = await bearer(platform.url, 'root', platform.adminToken, [`repository:${fresh}:pull,push`]);
    const authed = (u: string, init?: RequestInit) => fetch(u, { ...init, headers: { Authorization: `Bearer ${token}`, ...(init?.headers as Record<string, string>) } });
    // Blobs first, all at once: the repository does not exist yet, so each commit races to create it.
    const bodies = await Promise.all(
      Array.from({ length: 10 }, async (_, i) => {
        const layerBytes = randomBytes(256);
        const configBytes = Buffer.from(JSON.stringify({ architecture: 'amd64', os: 'linux', rootfs: { type: 'layers', diff_ids: [] }, nonce: i }));
        const [layer, config] = await Promise.all([pushBlob(platform.url, fresh, layerBytes, authed), pushBlob(platform.url, fresh, configBytes, authed)]);
        return manifestJson(config, configBytes.length, layer, layerBytes.length);
      }),
    );
    const statuses = await Promise.all(bodies.map(async (body) => (await putManifest(platform.url, fresh, 'contested', body, OCI_MANIFEST, authed)).status));
    expect(statuses).toEqual(Array(10).fill(201));

    expect(await db.query(`SELECT id FROM repositories WHERE path = $1`, [fresh])).toHaveLength(1);
    const tagged = await db.query<{ digest: string }>(
      `SELECT m.digest FROM tags t JOIN manifests m ON m.id = t.manifest_id JOIN repositories r ON r.id = t.repository_id WHERE r.path = $1`,
      [fresh],
    );
    expect(tagged).toHaveLength(1);
    // Each PUT after the first moved the tag away from the manifest before it: all nine losers await review
    // (a loser missed here would stay forever, untagged, never collected).
    const unreviewed = await db.query<{ digest: string }>(
      `SELECT m.digest FROM manifests m JOIN repositories r ON r.id = m.repository_id
        WHERE r.path = $1 AND m.digest <> $2 AND NOT EXISTS (SELECT 1 FROM gc_manifest_review_queue q WHERE q.manifest_id = m.id)`,
      [fresh, tagged[0].digest],
    );
    expect(unreviewed).toEqual([]);
    expect(await db.query(`SELECT count(*)::int AS n FROM manifests m JOIN repositories r ON r.id = m.repository_id WHERE r.path = $1`, [fresh])).toEqual([{ n: 10 }]);
    expect(await consistencyProblems(db, platform.dataDir)).toEqual([]);
  });

  it('never answers 5xx to hundreds of GETs by tag while the same manifest is pushed under other tags', async () => {
    const image = await pushImage(platform.url, repo, 'hot', (u, init) => fetch(u, { ...init, headers: { ...auth, ...(init?.headers as Record<string, string>) } }));
    const statuses: number[] = [];
    const pulls = async () => {
      for (let i = 0; i < 20; i++) {
        const response = await v2('/manifests/hot');
        const body = await response.text();
        statuses.push(response.status);
        if (response.status === 200) expect(body).toBe(image.body);
      }
    };
    const pushes = async (worker: number) => {
      for (let i = 0; i < 6; i++) {
        const response = await v2(`/manifests/copy-${worker}-${i}`, { method: 'PUT', body: image.body, headers: { 'Content-Type': OCI_MANIFEST } });
        statuses.push(response.status);
      }
    };
    await Promise.all([...Array.from({ length: 20 }, pulls), ...Array.from({ length: 5 }, (_, w) => pushes(w))]);
    expect(statuses).toHaveLength(20 * 20 + 5 * 6);
    expect(statuses.filter((s) => s >= 500)).toEqual([]);
    expect(new Set(statuses)).toEqual(new Set([200, 201]));
    const [{ n }] = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM manifests WHERE digest = $1`, [image.digest]);
    expect(n).toBe(1);
  });
});
