import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { createTestDatabase, freePort, spawnProcess, TEST_REDIS_URL, waitForReady } from '@cargohold/testing';

/** The README's first command: the launcher behind `pnpm start`, with embedded defaults and with real services. */
describe('platform launcher (pnpm start)', () => {
  const dirs: string[] = [];
  const tempDir = () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'launcher-'));
    dirs.push(dir);
    return dir;
  };

  afterAll(() => dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

  it('starts with no environment at all: embedded PostgreSQL and Redis, api and worker, then stops cleanly and restarts on the same data', async () => {
    const dataDir = tempDir();
    const port = await freePort();
    const env = { DATA_DIR: dataDir, PORT: String(port), ADMIN_PASSWORD: 'first-start-password' };
    const first = spawnProcess('launcher', env, ['all']);
    await waitForReady(`http://127.0.0.1:${port}/-/readiness`, first, 60_000);
    const v2 = await fetch(`http://127.0.0.1:${port}/v2/`);
    expect(v2.status).toBe(401);
    expect(v2.headers.get('www-authenticate')).toBe(`Bearer realm="http://127.0.0.1:${port}/jwt/auth",service="container_registry"`);
    const login = await fetch(`http://127.0.0.1:${port}/jwt/auth?service=container_registry`, {
      headers: { Authorization: `Basic ${Buffer.from('root:first-start-password').toString('base64')}` },
    });
    expect(login.status).toBe(200);
    expect(await first.stop('SIGTERM')).toBe(0);
    expect(first.output()).toContain('embedded PostgreSQL stopped');

    // The second start reuses the data: no new initdb, and the administrator created before still logs in.
    const second = spawnProcess('launcher', { DATA_DIR: dataDir, PORT: String(port) }, ['all']);
    await waitForReady(`http://127.0.0.1:${port}/-/readiness`, second, 60_000);
    expect(second.output()).not.toContain('initialising embedded PostgreSQL');
    const again = await fetch(`http://127.0.0.1:${port}/jwt/auth?service=container_registry`, {
      headers: { Authorization: `Basic ${Buffer.from('root:first-start-password').toString('base64')}` },
    });
    expect(again.status).toBe(200);
    expect(await second.stop('SIGTERM')).toBe(0);
  });

  it('starts against the machine PostgreSQL and Redis given DATABASE_URL and REDIS_URL', async () => {
    const db = await createTestDatabase();
    try {
      const port = await freePort();
      const launcher = spawnProcess(
        'launcher',
        { DATA_DIR: tempDir(), PORT: String(port), DATABASE_URL: db.url, REDIS_URL: TEST_REDIS_URL, REDIS_PREFIX: `launcher-${port}`, ADMIN_USERNAME: 'boss', ADMIN_PASSWORD: 'boss-password-1' },
        ['all'],
      );
      let stopped = false;
      try {
        await waitForReady(`http://127.0.0.1:${port}/-/readiness`, launcher, 60_000);
        expect(launcher.output()).not.toContain('embedded');
        // The services run with the malloc settings (MALLOC_ENV) the launcher adds to what it was given.
        for (const service of ['api', 'worker']) {
          const pid = launcher.output().match(new RegExp(`"pid":(\\d+),"service":"${service}"`))?.[1];
          expect(pid).toBeDefined();
          const environ = readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0');
          expect(environ).toEqual(expect.arrayContaining(['MALLOC_TRIM_THRESHOLD_=33554432', 'MALLOC_ARENA_MAX=2']));
        }
        const migrations = await db.query<{ name: string }>('SELECT name FROM schema_migrations');
        expect(migrations.length).toBeGreaterThanOrEqual(3);
        // ADMIN_USERNAME names the first administrator.
        expect(await db.query(`SELECT username FROM users WHERE is_admin`)).toEqual([{ username: 'boss' }]);
        const login = await fetch(`http://127.0.0.1:${port}/jwt/auth?service=container_registry`, {
          headers: { Authorization: `Basic ${Buffer.from('boss:boss-password-1').toString('base64')}` },
        });
        expect(login.status).toBe(200);
        // Ctrl-C (SIGINT) stops it as cleanly as SIGTERM.
        expect(await launcher.stop('SIGINT')).toBe(0);
        stopped = true;
      } finally {
        // A failed expectation must not leave the launcher and its services running (jest would never exit).
        if (!stopped) await launcher.stop('SIGTERM').catch(() => undefined); // SIGTERM: the launcher stops its services
      }
    } finally {
      await db.drop();
    }
  });

  it('runs the api alone (pnpm start:api) and the worker alone (pnpm start:worker)', async () => {
    const db = await createTestDatabase();
    const port = await freePort();
    const env = { DATA_DIR: tempDir(), PORT: String(port), DATABASE_URL: db.url, REDIS_URL: TEST_REDIS_URL, REDIS_PREFIX: `launcher-split-${port}` };
    const api = spawnProcess('launcher', env, ['api']);
    const worker = spawnProcess('launcher', env, ['worker']);
    try {
      await waitForReady(`http://127.0.0.1:${port}/-/readiness`, api, 60_000);
      const deadline = Date.now() + 60_000;
      while (!worker.output().includes('worker started') && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
      expect(worker.output()).toContain('worker started');
      expect(api.output()).toMatch(/"service":"api"/);
      expect(api.output()).not.toMatch(/"service":"worker"/);
      expect(worker.output()).toMatch(/"service":"worker"/);
      expect(worker.output()).not.toMatch(/"service":"api"/);
      expect((await fetch(`http://127.0.0.1:${port}/v2/`)).status).toBe(401);
    } finally {
      expect(await api.stop('SIGTERM')).toBe(0);
      expect(await worker.stop('SIGTERM')).toBe(0);
      await db.drop();
    }
  });

  it('pnpm start shows build progress, logs JSON when stdout is no terminal, and a Ctrl-C ends it with exit code 0', async () => {
    const db = await createTestDatabase();
    const port = await freePort();
    // detached: its own process group, which a Ctrl-C at a terminal signals as a whole (pnpm, its shell, the launcher).
    const start = spawn('pnpm', ['start'], {
      cwd: path.resolve(__dirname, '../..'),
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: {
        PATH: process.env.PATH ?? '',
        HOME: process.env.HOME ?? '/tmp',
        DATA_DIR: tempDir(),
        PORT: String(port),
        DATABASE_URL: db.url,
        REDIS_URL: TEST_REDIS_URL,
        REDIS_PREFIX: `launcher-${port}`,
      },
    });
    let output = '';
    start.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    start.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
      start.on('exit', (code, signal) => resolve({ code, signal })),
    );
    try {
      const deadline = Date.now() + 150_000;
      for (;;) {
        const ready = await fetch(`http://127.0.0.1:${port}/-/readiness`).then((r) => r.status === 200, () => false);
        if (ready) break;
        if (start.exitCode !== null || Date.now() > deadline) throw new Error(`pnpm start did not get ready:\n${output}`);
        await new Promise((resolve) => setTimeout(resolve, 500));
      }
      process.kill(-start.pid!, 'SIGINT');
      expect(await exited).toEqual({ code: 0, signal: null });
    } finally {
      if (start.exitCode === null && start.signalCode === null) process.kill(-start.pid!, 'SIGTERM');
      await exited;
      await db.drop();
    }
    expect(output).not.toContain('ELIFECYCLE');
    // A line per package while it builds (turbo's hash-only output), not minutes of silence.
    expect(output).toContain('building cargohold');
    expect(output).toMatch(/@cargohold\/api:build: cache (hit|miss)/);
    // stdout is a pipe here: JSON lines, from the launcher and from the services it started.
    expect(output).toContain('"msg":"launcher stopped"');
    expect(output).toMatch(/\{"level":"info".*"component":"api"/);
  }, 200_000);

  it.each([
    [{ STORAGE_DRIVER: 'ftp' }, /^invalid configuration: STORAGE_DRIVER must be one of: filesystem, s3, azure$/],
    [{ DATABASE_URL: 'mysql://localhost/db' }, /^invalid configuration: DATABASE_URL must be a postgres:\/\/ connection string$/],
    [{ DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/postgres', REDIS_URL: 'redis://127.0.0.1:1' }, /^cannot reach Redis at redis:\/\/127\.0\.0\.1:1.*ECONNREFUSED/],
  ])('ends bad configuration %j with one line and exit code 1', async (env, line) => {
    const launcher = spawnProcess('launcher', { DATA_DIR: tempDir(), PORT: String(await freePort()), ...env }, ['all']);
    expect(await launcher.exited).toBe(1);
    const errorLines = launcher
      .output()
      .trim()
      .split('\n')
      .filter((l) => !l.startsWith('{'));
    expect(errorLines).toHaveLength(1);
    expect(errorLines[0]).toMatch(line);
    expect(launcher.output()).not.toMatch(/\n\s+at /);
  });
});
