import { mkdtempSync, promises as fs, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { createTestDatabase, freePort, RegistrySession, RunningProcess, spawnProcess, startPlatform, waitForReady } from '@cargohold/testing';
import { HookReceiver } from './webhooks-receiver';
import { RestClient } from './iam-rest-client';
import { pushImage } from './reliability-support';

/**
 * Issue #18, finding 9: the launcher supervises its services. It restarts a crashed api with backoff; its
 * children (api, worker, embedded PostgreSQL and Redis) stop by themselves when it is killed with SIGKILL;
 * a new launcher on the same DATA_DIR recovers even from servers orphaned together with their keepers; and
 * SIGTERM stops everything. One DATA_DIR throughout (one initdb), so the tests run in order.
 */
jest.setTimeout(180_000);

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface RunProcess {
  pid: number;
  command: string;
}

/**
 * Every live process of this run, found in /proc by DATA_DIR in its command line (postmaster -D, keepers),
 * its working directory (PostgreSQL backends, redis-server) or its environment (api, worker). Zombies are
 * not counted: where PID 1 reaps no orphans they stay forever, yet hold nothing.
 */
async function processesOf(dataDir: string): Promise<RunProcess[]> {
  const found: RunProcess[] = [];
  for (const entry of await fs.readdir('/proc')) {
    const pid = Number(entry);
    if (!Number.isInteger(pid) || pid === process.pid) continue;
    const read = (file: string) => fs.readFile(`/proc/${pid}/${file}`, 'utf8').catch(() => '');
    const stat = await read('stat');
    if (!stat || stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z')) continue;
    const command = (await read('cmdline')).split('\0').join(' ').trim();
    const cwd = await fs.readlink(`/proc/${pid}/cwd`).catch(() => '');
    const environ = await read('environ');
    if (command.includes(dataDir) || cwd.startsWith(dataDir) || environ.split('\0').includes(`DATA_DIR=${dataDir}`)) {
      found.push({ pid, command });
    }
  }
  return found;
}

async function waitFor<T>(what: string, probe: () => Promise<T | undefined> | T | undefined, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(200);
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  return true;
}

const pidOf = async (file: string) => Number.parseInt((await fs.readFile(file, 'utf8')).split('\n')[0], 10);

describe('launcher supervision: restarts, a killed launcher, stale embedded servers', () => {
  const dataDir = realpathSync(mkdtempSync(path.join(tmpdir(), 'launcher-hardening-')));
  const token = 'glpat-e2e-launcher-hardening-0001';
  let port: number;
  let env: Record<string, string>;
  let launcher: RunningProcess | undefined;
  let api: RestClient;
  const admin = { token };

  const startLauncher = async () => {
    launcher = spawnProcess('launcher', env, ['all']);
    await waitForReady(`http://127.0.0.1:${port}/-/readiness`, launcher, 120_000);
    return launcher;
  };
  const servicePids = (output: string, service: 'api' | 'worker') =>
    [...output.matchAll(new RegExp(`"pid":(\\d+),"service":"${service}"`, 'g'))].map((match) => Number(match[1]));

  beforeAll(async () => {
    port = await freePort();
    env = { DATA_DIR: dataDir, PORT: String(port), ADMIN_PASSWORD: 'hardening-password-1', BOOTSTRAP_ADMIN_TOKEN: token, LOG_FORMAT: 'json' };
    api = new RestClient(`http://127.0.0.1:${port}`);
  });

  afterAll(async () => {
    if (launcher && launcher.child.exitCode === null && launcher.child.signalCode === null) await launcher.stop('SIGTERM');
    // Whatever a failed test left behind must not outlive jest.
    for (const leftover of await processesOf(dataDir)) {
      try {
        process.kill(leftover.pid, 'SIGKILL');
      } catch {
        // gone meanwhile
      }
    }
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('restarts an api killed with SIGKILL after a backoff delay, logging why, and the worker keeps running', async () => {
    const running = await startLauncher();
    const group = await api.post('/groups', admin, { name: 'Kept', path: 'kept' });
    expect(group.status).toBe(201);
    expect((await api.post('/projects', admin, { namespace_id: group.body.id, path: 'app', name: 'app' })).status).toBe(201);

    const [apiPid] = servicePids(running.output(), 'api');
    const [workerPid] = servicePids(running.output(), 'worker');
    process.kill(apiPid, 'SIGKILL');

    const why = await waitFor('the crash report', () => running.output().match(/"msg":"(api killed by SIGKILL after [^"]*, restarting in 1 s[^"]*)"/)?.[1], 30_000);
    expect(why).toMatch(/\(crash 1 in a row\)$/);
    const restarted = await waitFor('the restarted api', () => servicePids(running.output(), 'api').find((pid) => pid !== apiPid), 30_000);
    expect(running.output()).toContain('"msg":"api restarted"');
    await waitForReady(`http://127.0.0.1:${port}/-/readiness`, running, 60_000);
    expect(isAlive(restarted)).toBe(true);
    expect(isAlive(workerPid)).toBe(true);
    expect(servicePids(running.output(), 'worker')).toEqual([workerPid]); // not restarted
    expect(running.child.exitCode).toBeNull();
  });

  it('leaves no process behind when the launcher is killed with SIGKILL, and a second launcher on the same DATA_DIR and port serves the data', async () => {
    const before = await processesOf(dataDir);
    const postmaster = await pidOf(path.join(dataDir, 'pg', 'postmaster.pid'));
    const redis = await pidOf(path.join(dataDir, 'redis', 'redis.pid'));
    expect(before.map((p) => p.pid)).toEqual(expect.arrayContaining([postmaster, redis, launcher!.child.pid!]));
    expect(before.filter((p) => p.command.includes('keeper-main'))).toHaveLength(2);

    launcher!.child.kill('SIGKILL');
    await launcher!.exited;
    const began = Date.now();
    await waitFor('every process of the run to end', async () => ((await processesOf(dataDir)).length === 0 ? true : undefined), 30_000).catch(async (error) => {
      throw new Error(`${(error as Error).message}: ${JSON.stringify(await processesOf(dataDir))}`);
    });
    process.stdout.write(`all children of the killed launcher gone after ${Date.now() - began} ms\n`);
    await expect(fetch(`http://127.0.0.1:${port}/-/readiness`)).rejects.toThrow();
    // The keeper stopped PostgreSQL with a fast shutdown: a clean stop, no stale lock file left.
    await expect(fs.access(path.join(dataDir, 'pg', 'postmaster.pid'))).rejects.toThrow();
    expect(await fs.readFile(path.join(dataDir, 'keeper.log'), 'utf8')).toMatch(/stopping embedded PostgreSQL \(pid \d+\) with SIGINT/);

    const second = await startLauncher();
    expect(second.output()).not.toContain('initialising embedded PostgreSQL');
    const project = await api.get(`/projects/${encodeURIComponent('kept/app')}`, admin);
    expect(project.status).toBe(200);
    expect(project.body.path_with_namespace).toBe('kept/app');
  });

  it('stops and restarts an embedded PostgreSQL and Redis orphaned together with their keepers', async () => {
    const keepers = (await processesOf(dataDir)).filter((p) => p.command.includes('keeper-main'));
    expect(keepers).toHaveLength(2);
    const postmaster = await pidOf(path.join(dataDir, 'pg', 'postmaster.pid'));
    const redis = await pidOf(path.join(dataDir, 'redis', 'redis.pid'));
    // What an older launcher, or a kill of everything the launcher started but the servers, leaves behind.
    for (const keeper of keepers) process.kill(keeper.pid, 'SIGKILL');
    launcher!.child.kill('SIGKILL');
    await launcher!.exited;
    await sleep(1_000);
    expect(isAlive(postmaster)).toBe(true);
    expect(isAlive(redis)).toBe(true);

    const third = await startLauncher();
    expect(third.output()).toContain(`embedded PostgreSQL (pid ${postmaster}) was left running by a launcher that is gone`);
    expect(third.output()).toContain(`embedded Redis (pid ${redis}) was left running by a launcher that is gone`);
    expect((await api.get(`/projects/${encodeURIComponent('kept/app')}`, admin)).status).toBe(200);
    expect((await processesOf(dataDir)).map((p) => p.pid)).not.toEqual(expect.arrayContaining([postmaster]));
  });

  it('stops every child on SIGTERM and exits 0', async () => {
    const running = launcher!;
    expect((await processesOf(dataDir)).length).toBeGreaterThanOrEqual(6); // launcher, api, worker, 2 keepers, servers
    expect(await running.stop('SIGTERM')).toBe(0);
    expect(running.output()).toContain('embedded PostgreSQL stopped');
    expect(running.output()).toContain('embedded Redis stopped');
    await waitFor('every process of the run to end', async () => ((await processesOf(dataDir)).length === 0 ? true : undefined), 10_000).catch(async (error) => {
      throw new Error(`${(error as Error).message}: ${JSON.stringify(await processesOf(dataDir))}`);
    });
  });
});

/** Finding 10 (the worker's part of graceful shutdown): SIGTERM lets the jobs in hand finish, bounded by SHUTDOWN_GRACE_SECONDS. */
describe('worker shutdown grace', () => {
  it('waits for a job in hand on SIGTERM, but no longer than SHUTDOWN_GRACE_SECONDS, then leaves it to stalled-job recovery', async () => {
    const db = await createTestDatabase();
    // A delivery attempt may take 2 minutes and the receiver never answers: the job outlasts any grace.
    // (startPlatform logs at warn, so only the warning shows.)
    const platform = await startPlatform({ databaseUrl: db.url, worker: true, env: { WEBHOOK_TIMEOUT_MS: '120000', SHUTDOWN_GRACE_SECONDS: '6' } });
    const receiver = await new HookReceiver(() => 'hang').start();
    try {
      const rest = new RestClient(platform.url);
      const admin = { token: platform.adminToken };
      expect((await rest.put('/application/settings', admin, { allow_local_requests_from_web_hooks_and_services: true })).status).toBe(200);
      const group = await rest.post('/groups', admin, { name: 'Grace', path: 'grace' });
      const project = await rest.post('/projects', admin, { namespace_id: group.body.id, path: 'app', name: 'app' });
      expect((await rest.post(`/projects/${project.body.id}/hooks`, admin, { url: receiver.url })).status).toBe(201);
      const registry = new RegistrySession(platform.url, { username: 'root', password: platform.adminToken });
      await pushImage(platform.url, 'grace/app', 'v1', registry.fetch);
      await receiver.waitFor(1, 60_000); // the worker is now inside the delivery job

      const worker = platform.worker!;
      const began = Date.now();
      worker.child.kill('SIGTERM');
      const code = await worker.exited;
      const took = Date.now() - began;
      expect(worker.output()).toContain('jobs still running after the grace period; leaving them to BullMQ stalled-job recovery');
      expect(code).toBe(1);
      expect(took).toBeGreaterThanOrEqual(5_500); // it did wait for the job
      expect(took).toBeLessThan(30_000); // but not for the job's 2 minutes
    } finally {
      await receiver.stop();
      await platform.stop();
      await db.drop();
    }
  });
});
