import { spawn } from 'node:child_process';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { EmbeddedServer } from './embedded-postgres';
import { REDIS_NOT_FOUND_MESSAGE, startEmbeddedRedis } from './embedded-redis';
import { fileExists, isAlive, readPid, sleep } from './local-process';
import { redisRaw, respCommand } from './redis-ping';

jest.setTimeout(60_000);

/** Runs one command after AUTH over a raw socket and returns its reply (simple string, integer or bulk string). */
async function redis(url: string, ...command: string[]): Promise<string | null> {
  const { port, password } = new URL(url);
  const reply = await redisRaw(
    Number(port),
    respCommand('AUTH', decodeURIComponent(password)) + respCommand(...command),
    (text) => /^\+OK\r\n([+\-:][^\r]*\r\n|\$-1\r\n|\$\d+\r\n[^\r]*\r\n)$/.test(text),
    2_000,
  );
  const answer = reply.slice('+OK\r\n'.length).split('\r\n');
  if (answer[0].startsWith('-')) throw new Error(answer[0]);
  if (answer[0] === '$-1') return null;
  return answer[0].startsWith('$') ? answer[1] : answer[0].slice(1);
}

/** Every server a test starts is stopped afterwards even when the test fails, so no redis-server outlives jest. */
const started: EmbeddedServer[] = [];
async function start(dataDir: string): Promise<EmbeddedServer> {
  const server = await startEmbeddedRedis(dataDir, () => undefined);
  started.push(server);
  return server;
}
afterEach(async () => {
  await Promise.all(started.splice(0).map((server) => server.stop()));
});

describe('startEmbeddedRedis', () => {
  let dataDir: string;

  beforeAll(async () => {
    dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'cargohold-redis-'));
  });
  afterAll(async () => {
    await fs.rm(dataDir, { recursive: true, force: true });
  });

  it('answers PING with its password, and keeps data across restarts (append-only file)', async () => {
    const first = await start(dataDir);
    expect(first.url).toMatch(/^redis:\/\/:[0-9a-f]+@127\.0\.0\.1:\d+$/);
    expect(await redis(first.url, 'PING')).toBe('PONG');
    expect(await redis(first.url, 'SET', 'queue:job', 'pending')).toBe('OK');
    const pid = await readPid(path.join(dataDir, 'redis', 'redis.pid'));
    await first.stop();
    expect(isAlive(pid!)).toBe(false);
    await expect(redis(first.url, 'PING')).rejects.toThrow();

    const second = await start(dataDir);
    expect(second.url).toBe(first.url);
    expect(await redis(second.url, 'GET', 'queue:job')).toBe('pending');
    await second.stop();
  });

  it('reuses a redis-server that is already running for the folder', async () => {
    const owner = await start(dataDir);
    const replica = await start(dataDir);
    expect(replica.url).toBe(owner.url);
    await replica.stop();
    expect(await redis(owner.url, 'PING')).toBe('PONG');
    await owner.stop();
  });

  it('takes its keeper marker away before stop() returns, so the released keeper cannot remove the next start\'s', async () => {
    const marker = path.join(dataDir, 'embedded-redis.keeper');
    const first = await start(dataDir);
    const releasedKeeper = (await readPid(marker))!;
    await first.stop();
    // Before, the released keeper removed it (checking its content first, not atomically) once it had booted and
    // handled the release, 100 ms and more later: by then the next start could have written its own.
    expect(await fileExists(marker)).toBe(false);

    const owner = await start(dataDir);
    const ownerKeeper = (await readPid(marker))!;
    expect(await gone(releasedKeeper)).toBe(true);
    expect(await readPid(marker)).toBe(ownerKeeper);
    const messages: string[] = [];
    started.push(await startEmbeddedRedis(dataDir, (message) => messages.push(message)));
    expect(messages.join('\n')).toContain('kept by another launcher');
    expect(await redis(owner.url, 'PING')).toBe('PONG');
  });

  it('ignores a stale pid file whose pid belongs to another process', async () => {
    await fs.writeFile(path.join(dataDir, 'redis', 'redis.pid'), `${process.pid}\n`);
    const server = await start(dataDir);
    expect(await redis(server.url, 'GET', 'queue:job')).toBe('pending');
    await server.stop();
  });

  /**
   * Starts embedded Redis from another process (the built package), as a launcher would, with a `sleep`
   * standing for a service that uses it; resolves once Redis answers.
   */
  async function startInOwnProcess(dir: string) {
    const script = `const { spawn } = require('node:child_process');
      require(${JSON.stringify(path.resolve(__dirname, '..', 'dist', 'index.js'))})
        .startEmbeddedRedis(process.argv[1], () => undefined)
        .then((server) => {
          const service = spawn('sleep', ['600'], { detached: true, stdio: 'ignore' });
          server.setDependents([service.pid], 60000);
          process.stdout.write('ready ' + service.pid + '\\n');
          setInterval(() => undefined, 1000);
        });`;
    const owner = spawn(process.execPath, ['-e', script, dir], { stdio: ['ignore', 'pipe', 'inherit'] });
    const servicePid = await new Promise<number>((resolve, reject) => {
      owner.stdout.on('data', (chunk: Buffer) => {
        const pid = /ready (\d+)/.exec(chunk.toString())?.[1];
        if (pid) resolve(Number(pid));
      });
      owner.once('exit', (code) => reject(new Error(`owner exited with ${code}`)));
    });
    const redisPid = (await readPid(path.join(dir, 'redis', 'redis.pid')))!;
    const keeperPid = (await readPid(path.join(dir, 'embedded-redis.keeper')))!;
    return { owner, redisPid, keeperPid, servicePid };
  }

  async function gone(pid: number, timeoutMs = 30_000): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    while (isAlive(pid) && Date.now() < deadline) await sleep(100);
    return !isAlive(pid);
  }

  it('stops by itself (its keeper stops it) when the process that started it is killed with SIGKILL, once the services using it are gone', async () => {
    const { owner, redisPid, keeperPid, servicePid } = await startInOwnProcess(dataDir);
    expect(isAlive(redisPid)).toBe(true);
    owner.kill('SIGKILL');
    // The service still runs (it would be finishing its jobs): Redis stays for it.
    await sleep(2_000);
    expect(isAlive(redisPid)).toBe(true);
    process.kill(servicePid, 'SIGKILL');
    expect(await gone(redisPid)).toBe(true);
    expect(await gone(keeperPid)).toBe(true);
    // It was a clean stop (SIGTERM: the append-only file flushed), and the next start has the data.
    expect(await fs.readFile(path.join(dataDir, 'keeper.log'), 'utf8')).toMatch(/waiting for its services \(pids \d+\) to stop first\n.*stopping embedded Redis \(pid \d+\) with SIGTERM\n.*embedded Redis stopped/);
    const next = await start(dataDir);
    expect(await redis(next.url, 'GET', 'queue:job')).toBe('pending');
  });

  it('stops an orphan left by a launcher killed together with its keeper, and starts afresh', async () => {
    const { owner, redisPid, keeperPid, servicePid } = await startInOwnProcess(dataDir);
    process.kill(servicePid, 'SIGKILL');
    process.kill(keeperPid, 'SIGKILL');
    owner.kill('SIGKILL');
    await sleep(500);
    expect(isAlive(redisPid)).toBe(true); // the orphan: nothing guards it any more
    const messages: string[] = [];
    const next = await startEmbeddedRedis(dataDir, (message) => messages.push(message));
    started.push(next);
    expect(messages.join('\n')).toContain(`embedded Redis (pid ${redisPid}) was left running by a launcher that is gone`);
    expect(isAlive(redisPid)).toBe(false);
    expect(await redis(next.url, 'GET', 'queue:job')).toBe('pending');
  });

  it('names the fix when redis-server is not installed', async () => {
    const saved = process.env.PATH;
    process.env.PATH = dataDir; // a folder without redis-server
    try {
      await expect(startEmbeddedRedis(dataDir, () => undefined)).rejects.toThrow(REDIS_NOT_FOUND_MESSAGE);
    } finally {
      process.env.PATH = saved;
    }
  });
});
