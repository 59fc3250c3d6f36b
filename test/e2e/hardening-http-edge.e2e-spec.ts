import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { Socket } from 'node:net';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import {
  createTestDatabase,
  freePort,
  RegistrySession,
  RunningProcess,
  seedProject,
  spawnProcess,
  startPlatform,
  TestDatabase,
  TestPlatform,
  waitForReady,
} from '@cargohold/testing';
import { bearer, pushImage } from './reliability-support';

/** What a raw socket saw before the server closed it (or the test gave up waiting). */
interface SocketOutcome {
  closed: boolean;
  afterMs: number;
  received: string;
}

/** Opens a socket, writes `bytes`, then sends nothing more; resolves when the server closes it or after `giveUpMs`. */
function stallingSocket(port: number, bytes: string, giveUpMs: number): Promise<SocketOutcome> {
  return new Promise((resolve) => {
    const socket = new Socket();
    const started = Date.now();
    let received = '';
    let done = false;
    const finish = (closed: boolean) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      socket.destroy();
      resolve({ closed, afterMs: Date.now() - started, received });
    };
    const timer = setTimeout(() => finish(false), giveUpMs);
    socket.on('data', (chunk) => (received += chunk.toString('latin1')));
    socket.on('close', () => finish(true));
    socket.on('error', () => finish(true));
    socket.connect(port, '127.0.0.1', () => socket.write(bytes));
  });
}

/** Starts one more api process on the platform's database and storage, with extra settings. */
async function startApi(platform: TestPlatform, env: Record<string, string>): Promise<{ url: string; port: number; process: RunningProcess }> {
  const port = await freePort();
  const proc = spawnProcess('api', { ...platform.env, PORT: String(port), PUBLIC_URL: `http://127.0.0.1:${port}`, ...env });
  const url = `http://127.0.0.1:${port}`;
  await waitForReady(`${url}/-/readiness`, proc);
  return { url, port, process: proc };
}

const SESSION_HEAD = 'POST /api/v4/session HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n';

/**
 * Issue #18, the HTTP edge: stalled bodies and headers are cut, deep JSON and NUL bytes are refused before they
 * cost anything, the client address comes from X-Forwarded-For only through TRUST_PROXY, SIGTERM drains,
 * /metrics can move to its own port, and a bad variable stops the launcher before anything starts.
 * Timeouts are set short here (2 s idle and headers, 4 s per REST request) so the bounds below stay generous.
 */
describe('hardening: the HTTP edge', () => {
  let db: TestDatabase;
  let platform: TestPlatform;
  let admin: RegistrySession;

  beforeAll(async () => {
    db = await createTestDatabase();
    platform = await startPlatform({
      databaseUrl: db.url,
      worker: false,
      env: {
        HTTP_HEADERS_TIMEOUT: '2',
        HTTP_BODY_IDLE_TIMEOUT: '2',
        REST_REQUEST_TIMEOUT: '4',
        PULL_RATE_LIMIT_ANONYMOUS: '2',
        SHUTDOWN_GRACE_SECONDS: '120',
      },
    });
    admin = new RegistrySession(platform.url, { username: 'root', password: platform.adminToken });
    await seedProject(db, 'edge/pub', 'public');
    await seedProject(db, 'edge/big');
    await pushImage(platform.url, 'edge/pub', 'v1', admin.fetch);
  });

  afterAll(async () => {
    await platform?.stop();
    await db?.drop();
  });

  describe('timeouts', () => {
    it('closes sockets holding a half-sent POST /api/v4/session after the body-idle timeout, and stays healthy', async () => {
      const outcomes = await Promise.all(Array.from({ length: 50 }, () => stallingSocket(platform.port, `${SESSION_HEAD}{"login":"root",`, 30_000)));
      for (const outcome of outcomes) {
        expect(outcome.closed).toBe(true);
        expect(outcome.afterMs).toBeLessThan(15_000);
        if (outcome.received !== '') expect(outcome.received).toMatch(/^HTTP\/1\.1 408 /);
      }
      expect((await fetch(`${platform.url}/-/health`)).status).toBe(200);
    });

    it('cuts a REST body trickled byte by byte (never idle) at REST_REQUEST_TIMEOUT', async () => {
      const socket = new Socket();
      const started = Date.now();
      let received = '';
      const closed = new Promise<number>((resolve) => {
        socket.on('data', (chunk) => (received += chunk.toString('latin1')));
        socket.on('close', () => resolve(Date.now() - started));
        socket.on('error', () => undefined);
      });
      socket.connect(platform.port, '127.0.0.1', () => socket.write(SESSION_HEAD));
      const trickle = setInterval(() => socket.writable && socket.write(' '), 500);
      const safety = setTimeout(() => socket.destroy(), 30_000);
      const afterMs = await closed;
      clearInterval(trickle);
      clearTimeout(safety);
      expect(afterMs).toBeGreaterThanOrEqual(3_000);
      expect(afterMs).toBeLessThan(15_000);
      expect(received).toMatch(/^HTTP\/1\.1 408 /);
    });

    it('closes a socket that never finishes its headers, on REST and /v2/ alike', async () => {
      const outcomes = await Promise.all([
        stallingSocket(platform.port, 'POST /api/v4/session HTTP/1.1\r\nHost: x\r\nContent-Le', 30_000),
        stallingSocket(platform.port, 'GET /v2/ HTTP/1.1\r\nHost: x\r\n', 30_000),
        stallingSocket(platform.port, 'GE', 30_000),
      ]);
      for (const outcome of outcomes) {
        expect(outcome.closed).toBe(true);
        expect(outcome.afterMs).toBeLessThan(15_000);
      }
    });

    it('does not limit the total time of a /v2/ upload that keeps sending', async () => {
      const token = await bearer(platform.url, 'root', platform.adminToken, ['repository:edge/big:pull,push']);
      const chunk = randomBytes(64 * 1024);
      const chunks = 8;
      const digest = `sha256:${createHash('sha256').update(Buffer.concat(Array(chunks).fill(chunk))).digest('hex')}`;
      const started = Date.now();
      const status = await new Promise<number>((resolve, reject) => {
        const req = httpRequest(
          `${platform.url}/v2/edge/big/blobs/uploads/?digest=${digest}`,
          { method: 'POST', headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/octet-stream', 'Content-Length': chunk.length * chunks } },
          (res) => {
            res.resume();
            resolve(res.statusCode ?? 0);
          },
        );
        req.on('error', reject);
        let sent = 0;
        const next = () => {
          req.write(chunk);
          if (++sent === chunks) req.end();
          else setTimeout(next, 800);
        };
        next();
      });
      expect(status).toBe(201);
      // Longer than REST_REQUEST_TIMEOUT (4 s), and never idle for the 2 s body-idle timeout.
      expect(Date.now() - started).toBeGreaterThan(5_000);
    });
  });

  describe('deep JSON and form bodies', () => {
    it('answers 400 with a message before parsing a 1 MiB body of nested arrays, and stays fast with 8 in parallel', async () => {
      const deep = '['.repeat(512 * 1024) + ']'.repeat(512 * 1024);
      const send = () =>
        fetch(`${platform.url}/api/v4/groups`, {
          method: 'POST',
          headers: { 'PRIVATE-TOKEN': platform.adminToken, 'Content-Type': 'application/json' },
          body: deep,
        });
      const started = Date.now();
      const responses = await Promise.all(Array.from({ length: 8 }, send));
      for (const response of responses) {
        expect(response.status).toBe(400);
        expect(await response.json()).toEqual({ error: 'Parameters nested too deeply' });
      }
      expect(Date.now() - started).toBeLessThan(10_000);
      // Still serving, and a reasonable body still works.
      const ok = await fetch(`${platform.url}/api/v4/groups`, {
        method: 'POST',
        headers: { 'PRIVATE-TOKEN': platform.adminToken, 'Content-Type': 'application/json' },
        body: JSON.stringify({ name: 'fine', path: 'fine' }),
      });
      expect(ok.status).toBe(201);
      expect((await fetch(`${platform.url}/-/health`)).status).toBe(200);
    });

    it('refuses form keys nested deeper than 32 levels with 400', async () => {
      const response = await fetch(`${platform.url}/api/v4/groups`, {
        method: 'POST',
        headers: { 'PRIVATE-TOKEN': platform.adminToken, 'Content-Type': 'application/x-www-form-urlencoded' },
        body: `name${'[a]'.repeat(40)}=x&path=p`,
      });
      expect(response.status).toBe(400);
      expect(await response.json()).toEqual({ error: 'Parameters nested too deeply' });
    });
  });

  describe('NUL bytes', () => {
    const basic = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
    const json = { 'PRIVATE-TOKEN': '', 'Content-Type': 'application/json' };

    it.each([
      ['/v2/ tags ?last=', '/v2/edge/pub/tags/list?last=%00', {}],
      ['/v2/_catalog ?last=', '/v2/_catalog?last=a%00', {}],
      ['/v2/ referrers ?artifactType=', `/v2/edge/pub/referrers/sha256:${'a'.repeat(64)}?artifactType=x%00`, {}],
    ])('refuses %s with 400 and an OCI error body', async (_what, target) => {
      const response = await admin.fetch(target);
      expect(response.status).toBe(400);
      expect((await response.json()).errors[0]).toMatchObject({ code: 'UNSUPPORTED', message: expect.stringMatching(/NUL/) });
    });

    it('leaves %00 in a /v2/ path to the name and reference grammars (never decoded): a 4xx, never a 500', async () => {
      for (const target of ['/v2/edge/pub/manifests/v1%00', '/v2/edge%00/pub/tags/list', '/v2/edge/pub/blobs/sha256:%00']) {
        const response = await admin.fetch(target);
        expect({ target, client: response.status >= 400 && response.status < 500 }).toEqual({ target, client: true });
        await response.arrayBuffer();
      }
    });

    it('refuses NUL in REST queries, JSON bodies, form bodies and /jwt/auth with 400, never 500', async () => {
      const auth = { ...json, 'PRIVATE-TOKEN': platform.adminToken };
      const cases: [string, RequestInit, string][] = [
        ['/api/v4/projects?search=%00', { headers: auth }, 'message'],
        ['/api/v4/groups?search=a%00b', { headers: auth }, 'message'],
        ['/api/v4/projects?order_by=name%00', { headers: auth }, 'message'],
        ['/api/v4/groups', { method: 'POST', headers: auth, body: JSON.stringify({ name: 'a\u0000', path: 'nul' }) }, 'message'],
        ['/api/v4/groups', { method: 'POST', headers: auth, body: JSON.stringify({ 'na\u0000me': 'a', path: 'nul' }) }, 'message'],
        [
          '/api/v4/groups',
          { method: 'POST', headers: { 'PRIVATE-TOKEN': platform.adminToken, 'Content-Type': 'application/x-www-form-urlencoded' }, body: 'name=a%00&path=nul' },
          'message',
        ],
        ['/api/v4/session', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ login: 'ro\u0000ot', password: 'x' }) }, 'message'],
        ['/jwt/auth?service=container_registry', { headers: { Authorization: basic('ro\u0000ot', 'secret') } }, 'error'],
        ['/jwt/auth?service=container_registry&scope=repository:edge/pub%00:pull', {}, 'error'],
        ['/jwt/auth?service=container_registry&account=%00', {}, 'error'],
      ];
      for (const [target, init, field] of cases) {
        const response = await fetch(`${platform.url}${target}`, init);
        expect({ target, status: response.status }).toEqual({ target, status: 400 });
        expect((await response.json())[field]).toMatch(/NUL/);
      }
      expect(await db.query(`SELECT id FROM namespaces WHERE path = 'nul'`)).toHaveLength(0);
      expect((await fetch(`${platform.url}/-/health`)).status).toBe(200);
    });
  });

  describe('TRUST_PROXY', () => {
    const pull = (url: string, forwardedFor: string) =>
      new RegistrySession(url).fetch(`${url}/v2/edge/pub/manifests/v1`, { headers: { 'X-Forwarded-For': forwardedFor } });
    const login = (url: string, forwardedFor: string) =>
      fetch(`${url}/jwt/auth?service=container_registry`, { headers: { Authorization: `Basic ${Buffer.from('root:wrong-password').toString('base64')}`, 'X-Forwarded-For': forwardedFor } });

    it('off (the default): X-Forwarded-For is ignored, spoofed addresses share the real address allowance and login throttle', async () => {
      expect((await pull(platform.url, '203.0.113.1')).status).toBe(200);
      expect((await pull(platform.url, '203.0.113.2')).status).toBe(200);
      expect((await pull(platform.url, '203.0.113.3')).status).toBe(429);

      // 9 failures, each claiming another address: the real one (127.0.0.1) is throttled all the same.
      for (let i = 0; i < 9; i++) await (await login(platform.url, `198.51.100.${i}`)).arrayBuffer();
      const started = Date.now();
      expect((await login(platform.url, '198.51.100.200')).status).toBe(401);
      expect(Date.now() - started).toBeGreaterThanOrEqual(1_500);
    });

    it('trusting 127.0.0.1: each forwarded client gets its own allowance and throttle; METRICS_PORT moves /metrics', async () => {
      const metricsPort = await freePort();
      // PUBLIC_URL left unset here, so a trusted proxy's X-Forwarded-Proto/-Host shape the absolute URLs.
      const trusted = await startApi(platform, { TRUST_PROXY: '127.0.0.1', METRICS_PORT: String(metricsPort), REDIS_PREFIX: `${platform.env.REDIS_PREFIX}-trusted`, PUBLIC_URL: '' });
      try {
        const forwarded = { 'X-Forwarded-Proto': 'https', 'X-Forwarded-Host': 'cr.example.com' };
        expect((await fetch(`${trusted.url}/v2/`, { headers: forwarded })).headers.get('www-authenticate')).toBe('Bearer realm="https://cr.example.com/jwt/auth",service="container_registry"');
        expect((await fetch(`${trusted.url}/v2/`)).headers.get('www-authenticate')).toBe(`Bearer realm="${trusted.url}/jwt/auth",service="container_registry"`);
        // Not trusted (the default platform): the forwarded headers change nothing.
        expect((await fetch(`${platform.url}/v2/`, { headers: forwarded })).headers.get('www-authenticate')).toBe(`Bearer realm="${platform.url}/jwt/auth",service="container_registry"`);

        expect((await pull(trusted.url, '203.0.113.10')).status).toBe(200);
        expect((await pull(trusted.url, '203.0.113.10')).status).toBe(200);
        expect((await pull(trusted.url, '203.0.113.10')).status).toBe(429);
        expect((await pull(trusted.url, '203.0.113.11')).status).toBe(200);
        // Only the rightmost entry, written by the trusted proxy, counts: a client's own prefix is not believed.
        expect((await pull(trusted.url, '203.0.113.11, 203.0.113.12')).status).toBe(200); // counted for .12
        expect((await pull(trusted.url, '203.0.113.12, 203.0.113.11')).status).toBe(200); // .11's second
        expect((await pull(trusted.url, '203.0.113.99, 203.0.113.11')).status).toBe(429); // .11's third

        for (let i = 0; i < 9; i++) await (await login(trusted.url, '198.51.100.77')).arrayBuffer();
        const started = Date.now();
        expect((await login(trusted.url, '198.51.100.78')).status).toBe(401);
        expect(Date.now() - started).toBeLessThan(1_500);

        // /metrics is on its own listener; the public port says 404.
        expect((await fetch(`${trusted.url}/metrics`)).status).toBe(404);
        const metrics = await fetch(`http://127.0.0.1:${metricsPort}/metrics`);
        expect(metrics.status).toBe(200);
        expect(await metrics.text()).toContain('http_request_duration');
        // The default platform still serves it on the main port.
        expect((await fetch(`${platform.url}/metrics`)).status).toBe(200);
      } finally {
        await trusted.process.stop();
      }
    });
  });

  describe('configuration', () => {
    it('the launcher refuses ADMIN_PASSWORD=x with one line naming it, before starting anything', async () => {
      const dataDir = mkdtempSync(path.join(tmpdir(), 'edge-launcher-'));
      try {
        const port = await freePort();
        const started = Date.now();
        const launcher = spawnProcess('launcher', { DATA_DIR: dataDir, PORT: String(port), ADMIN_PASSWORD: 'x' }, ['all']);
        expect(await launcher.exited).toBe(1);
        expect(Date.now() - started).toBeLessThan(10_000);
        expect(launcher.output()).toBe('invalid configuration: ADMIN_PASSWORD must be at least 8 characters\n');
        expect(existsSync(path.join(dataDir, 'pg')) ? readdirSync(path.join(dataDir, 'pg')) : []).toEqual([]);

        const badPort = spawnProcess('launcher', { DATA_DIR: dataDir, PORT: 'abc' }, ['all']);
        expect(await badPort.exited).toBe(1);
        expect(badPort.output()).toBe('invalid configuration: PORT must be an integer between 1 and 65535\n');
      } finally {
        rmSync(dataDir, { recursive: true, force: true });
      }
    });
  });

  describe('graceful shutdown', () => {
    it('SIGTERM during a 256 MiB upload: no new connections, the upload completes, the blob is whole', async () => {
      const token = await bearer(platform.url, 'root', platform.adminToken, ['repository:edge/big:pull,push']);
      const chunk = randomBytes(1024 * 1024);
      const chunks = 256;
      const hash = createHash('sha256');
      for (let i = 0; i < chunks; i++) hash.update(chunk);
      const digest = `sha256:${hash.digest('hex')}`;

      const api = platform.api;
      let signalled = false;
      const outcome = await new Promise<{ status: number } | { error: string }>((resolve) => {
        const req = httpRequest(
          `${platform.url}/v2/edge/big/blobs/uploads/?digest=${digest}`,
          { method: 'POST', headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/octet-stream', 'Content-Length': chunk.length * chunks } },
          (res) => {
            res.resume();
            res.on('end', () => resolve({ status: res.statusCode ?? 0 }));
          },
        );
        req.on('error', (error) => resolve({ error: error.message }));
        let sent = 0;
        const next = () => {
          if (sent === 64 && !signalled) {
            signalled = true;
            api.child.kill('SIGTERM');
          }
          const more = req.write(chunk);
          if (++sent === chunks) req.end();
          else if (more) setTimeout(next, 5);
          else req.once('drain', () => setTimeout(next, 5));
        };
        next();
      });
      expect(signalled).toBe(true);
      // The grace period (120 s here) is ample: the upload in flight completes.
      expect(outcome).toEqual({ status: 201 });

      // The listener stopped accepting as soon as the drain began; the process then exits 0. Asked on a new
      // connection: fetch may reuse a keep-alive socket of its pool, which says nothing about the listener.
      const onNewConnection = () =>
        new Promise<number>((resolve, reject) => {
          const health = httpRequest(`${platform.url}/-/health`, { agent: false }, (res) => {
            res.resume();
            resolve(res.statusCode ?? 0);
          });
          health.on('error', reject);
          health.end();
        });
      await expect(onNewConnection()).rejects.toThrow();
      expect(await api.exited).toBe(0);

      const replica = await platform.startApiReplica();
      try {
        const head = await new RegistrySession(replica.url, { username: 'root', password: platform.adminToken }).fetch(`${replica.url}/v2/edge/big/blobs/${digest}`, { method: 'HEAD' });
        if ('status' in outcome && outcome.status === 201) {
          expect(head.status).toBe(200);
          expect(head.headers.get('docker-content-digest')).toBe(digest);
          expect(head.headers.get('content-length')).toBe(String(chunk.length * chunks));
        } else {
          expect(head.status).toBe(404);
        }
      } finally {
        await replica.process.stop();
      }
    });
  });
});
