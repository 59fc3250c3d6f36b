import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { EmbeddedServer, startEmbeddedPostgres, startEmbeddedRedis } from '@cargohold/embedded';
import { RegistrySession, startPlatform, TestPlatform } from '@cargohold/testing';
import { RestClient } from './iam-rest-client';
import { bearer, pushImage } from './reliability-support';

/**
 * PostgreSQL and Redis going away for a few seconds, on private embedded instances (never the machine's
 * shared ones): requests fail fast with 503 and a clear error, the api stays up, and everything works again
 * once they are back, without restarting the api.
 */
describe('reliability: database and Redis outages', () => {
  let work: string;
  let pg: EmbeddedServer;
  let redis: EmbeddedServer;
  let platform: TestPlatform;
  let api: RestClient;
  let registry: RegistrySession;
  const quiet = () => undefined;

  const readiness = async () => {
    const response = await fetch(`${platform.url}/-/readiness`);
    return { status: response.status, body: (await response.json()) as { checks: Record<string, { status: string }> } };
  };
  const waitReady = async (timeoutMs = 30_000) => {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if ((await readiness()).status === 200) return;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    throw new Error('the api did not become ready again');
  };
  /** A request must be answered (not hang) within the budget. */
  const timed = async <T>(run: () => Promise<T>, budgetMs = 8000): Promise<T> => {
    const started = Date.now();
    const result = await run();
    expect(Date.now() - started).toBeLessThan(budgetMs);
    return result;
  };

  beforeAll(async () => {
    work = mkdtempSync(path.join(tmpdir(), 'outages-'));
    [pg, redis] = await Promise.all([startEmbeddedPostgres(path.join(work, 'pg'), quiet), startEmbeddedRedis(path.join(work, 'redis'), quiet)]);
    platform = await startPlatform({ databaseUrl: pg.url, worker: false, env: { REDIS_URL: redis.url } });
    api = new RestClient(platform.url);
    const admin = { token: platform.adminToken };
    const group = await api.post('/groups', admin, { name: 'Ops', path: 'ops' });
    expect((await api.post('/projects', admin, { namespace_id: group.body.id, path: 'app', name: 'app' })).status).toBe(201);
    registry = new RegistrySession(platform.url, { username: 'root', password: platform.adminToken });
    await pushImage(platform.url, 'ops/app', 'v1', registry.fetch);
  }, 180_000);

  afterAll(async () => {
    await platform?.stop();
    await Promise.all([pg?.stop(), redis?.stop()]);
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it('answers 503 while PostgreSQL is down (OCI UNAVAILABLE, GitLab message, readiness) and recovers by itself', async () => {
    const jwt = await bearer(platform.url, 'root', platform.adminToken, ['repository:ops/app:pull,push']);
    await pg.stop();

    const pull = await timed(() => fetch(`${platform.url}/v2/ops/app/manifests/v1`, { headers: { Authorization: `Bearer ${jwt}` } }));
    expect(pull.status).toBe(503);
    expect((await pull.json()).errors[0]).toMatchObject({ code: 'UNAVAILABLE', message: expect.stringMatching(/database/) });
    const upload = await timed(() => fetch(`${platform.url}/v2/ops/app/blobs/uploads/`, { method: 'POST', headers: { Authorization: `Bearer ${jwt}` } }));
    expect(upload.status).toBe(503);

    const rest = await timed(() => api.get('/projects', { token: platform.adminToken }));
    expect(rest.status).toBe(503);
    expect(rest.body).toEqual({ message: expect.stringMatching(/^503 Service Unavailable/) });

    const login = await timed(() =>
      fetch(`${platform.url}/jwt/auth?service=container_registry&scope=repository:ops/app:pull`, {
        headers: { Authorization: `Basic ${Buffer.from(`root:${platform.adminToken}`).toString('base64')}` },
      }),
    );
    expect(login.status).toBe(503);

    const ready = await timed(readiness);
    expect(ready.status).toBe(503);
    expect(ready.body.checks.database.status).toBe('failed');
    expect(ready.body.checks.redis.status).toBe('ok');
    expect(platform.api.child.exitCode).toBeNull();

    pg = await startEmbeddedPostgres(path.join(work, 'pg'), quiet);
    await waitReady();
    expect((await fetch(`${platform.url}/v2/ops/app/manifests/v1`, { headers: { Authorization: `Bearer ${jwt}` } })).status).toBe(200);
    expect((await api.get('/projects', { token: platform.adminToken })).status).toBe(200);
    await pushImage(platform.url, 'ops/app', 'after-pg', registry.fetch);
  });

  it('keeps serving the registry while Redis is down (rate limits fail open), reports it in readiness, and recovers', async () => {
    await redis.stop();
    const ready = await timed(readiness);
    expect(ready.status).toBe(503);
    expect(ready.body.checks.redis.status).toBe('failed');
    expect(ready.body.checks.database.status).toBe('ok');

    // Nothing on the request path waits for Redis: pulls, pushes, logins and REST keep working, unthrottled.
    const pull = await timed(() => registry.fetch('/v2/ops/app/manifests/v1'), 3000);
    expect(pull.status).toBe(200);
    expect(pull.headers.get('ratelimit-limit')).toBeNull();
    await timed(() => pushImage(platform.url, 'ops/app', 'during-redis', registry.fetch), 5000);
    expect((await timed(() => api.get('/projects', { token: platform.adminToken }), 3000)).status).toBe(200);
    expect(platform.api.child.exitCode).toBeNull();

    redis = await startEmbeddedRedis(path.join(work, 'redis'), quiet);
    await waitReady();
    // ioredis reconnected by itself: the limiter counts again.
    const deadline = Date.now() + 10_000;
    let limited: string | null = null;
    while (limited === null && Date.now() < deadline) {
      limited = (await registry.fetch('/v2/ops/app/manifests/v1')).headers.get('ratelimit-limit');
      if (limited === null) await new Promise((resolve) => setTimeout(resolve, 200));
    }
    expect(limited).toMatch(/^\d+;w=\d+$/);
  });
});
