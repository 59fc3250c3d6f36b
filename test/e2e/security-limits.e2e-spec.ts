import { randomBytes } from 'node:crypto';
import { createTestDatabase, RegistrySession, seedProject, startPlatform, TestDatabase, TestPlatform } from '@cargohold/testing';
import { pushImage, rawRequest, rawStatus } from './reliability-support';

/**
 * Abuse limits with small values so they are reached quickly: Docker Hub style pull rate limits (per address
 * when anonymous, per user when signed in; manifest GETs only), open upload sessions per project, and the
 * request body and header size limits.
 */
describe('security: limits', () => {
  let db: TestDatabase;
  let platform: TestPlatform;
  let admin: RegistrySession;
  const WINDOW = 3600;

  beforeAll(async () => {
    db = await createTestDatabase();
    platform = await startPlatform({
      databaseUrl: db.url,
      worker: false,
      env: {
        PULL_RATE_LIMIT_ANONYMOUS: '3',
        PULL_RATE_LIMIT_AUTHENTICATED: '5',
        PULL_RATE_LIMIT_WINDOW: String(WINDOW),
        MAX_UPLOAD_SESSIONS_PER_PROJECT: '3',
        REST_BODY_LIMIT: '4096',
      },
    });
    admin = new RegistrySession(platform.url, { username: 'root', password: platform.adminToken });
    await seedProject(db, 'lim/pub', 'public');
    await seedProject(db, 'lim/uploads');
    await seedProject(db, 'lim/other');
    await pushImage(platform.url, 'lim/pub', 'v1', admin.fetch);
  });

  afterAll(async () => {
    await platform?.stop();
    await db?.drop();
  });

  it('limits anonymous manifest GETs per address with RateLimit headers and 429 TOOMANYREQUESTS; HEAD is free', async () => {
    const anonymous = new RegistrySession(platform.url);
    const url = '/v2/lim/pub/manifests/v1';
    for (const remaining of [2, 1, 0]) {
      const response = await anonymous.fetch(url);
      expect(response.status).toBe(200);
      expect(response.headers.get('ratelimit-limit')).toBe(`3;w=${WINDOW}`);
      expect(response.headers.get('ratelimit-remaining')).toBe(`${remaining};w=${WINDOW}`);
      await response.arrayBuffer();
    }
    const refused = await anonymous.fetch(url);
    expect(refused.status).toBe(429);
    expect(refused.headers.get('ratelimit-remaining')).toBe(`0;w=${WINDOW}`);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    expect((await refused.json()).errors[0].code).toBe('TOOMANYREQUESTS');
    // HEAD (how clients check for updates) is not a pull, as on Docker Hub.
    expect((await anonymous.fetch(url, { method: 'HEAD' })).status).toBe(200);
    // Counted in Redis under the platform's prefix, so replicas share the count.
    const replica = await platform.startApiReplica();
    try {
      expect((await new RegistrySession(replica.url).fetch(`${replica.url}${url}`)).status).toBe(429);
    } finally {
      await replica.process.stop();
    }
  });

  it('counts signed-in callers per user, separately from their address', async () => {
    const url = '/v2/lim/pub/manifests/v1';
    for (let i = 0; i < 5; i++) {
      const response = await admin.fetch(url);
      expect(response.status).toBe(200);
      expect(response.headers.get('ratelimit-limit')).toBe(`5;w=${WINDOW}`);
      await response.arrayBuffer();
    }
    const refused = await admin.fetch(url);
    expect(refused.status).toBe(429);
    expect((await refused.json()).errors[0].code).toBe('TOOMANYREQUESTS');
    // Pushes are not pulls: the exhausted user still pushes.
    await pushImage(platform.url, 'lim/pub', 'v2', admin.fetch);
  });

  it('limits open upload sessions per project and answers 429 TOOMANYREQUESTS without creating one', async () => {
    const locations: string[] = [];
    for (let i = 0; i < 3; i++) {
      const started = await admin.fetch('/v2/lim/uploads/blobs/uploads/', { method: 'POST' });
      expect(started.status).toBe(202);
      locations.push(started.headers.get('location')!);
    }
    const refused = await admin.fetch('/v2/lim/uploads/blobs/uploads/', { method: 'POST' });
    expect(refused.status).toBe(429);
    expect((await refused.json()).errors[0].code).toBe('TOOMANYREQUESTS');
    const [{ n }] = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM uploads u JOIN projects p ON p.id = u.project_id WHERE p.full_path = 'lim/uploads'`);
    expect(n).toBe(3);
    // Other projects are not affected, and closing a session makes room again.
    expect((await admin.fetch('/v2/lim/other/blobs/uploads/', { method: 'POST' })).status).toBe(202);
    expect((await admin.fetch(locations[0], { method: 'DELETE' })).status).toBe(204);
    expect((await admin.fetch('/v2/lim/uploads/blobs/uploads/', { method: 'POST' })).status).toBe(202);
  });

  it('refuses REST bodies over REST_BODY_LIMIT with 413 in GitLab form, creating nothing', async () => {
    const response = await fetch(`${platform.url}/api/v4/groups`, {
      method: 'POST',
      headers: { 'PRIVATE-TOKEN': platform.adminToken, 'Content-Type': 'application/json' },
      body: JSON.stringify({ name: 'big', path: 'big', description: 'x'.repeat(10_000) }),
    });
    expect(response.status).toBe(413);
    expect(await response.json()).toEqual({ message: '413 Payload Too Large' });
    expect(await db.query(`SELECT id FROM namespaces WHERE path = 'big'`)).toHaveLength(0);
  });

  it('refuses request headers over 16 KiB with 431 on both the REST and the registry side', async () => {
    for (const target of ['/api/v4/version', '/v2/']) {
      const raw = await rawRequest(platform.port, `GET ${target} HTTP/1.1\r\nHost: x\r\nX-Big: ${randomBytes(10_000).toString('hex')}\r\n\r\n`);
      expect(rawStatus(raw)).toBe(431);
    }
    // Just under the limit still works.
    const fine = await fetch(`${platform.url}/-/health`, { headers: { 'X-Big': 'y'.repeat(12_000) } });
    expect(fine.status).toBe(200);
  });
});
