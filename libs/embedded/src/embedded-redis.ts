import { ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { executableSearchPath } from '@cargohold/config';
import type { EmbeddedServer } from './embedded-postgres';
import {
  commandLine,
  findOnPath,
  freePort,
  isAlive,
  isPortFree,
  readJson,
  readPid,
  settlesWithin,
  sleep,
  StopStep,
  stopPid,
  tailFile,
  withFileLock,
  writePrivateFile,
  writePrivateJson,
} from './local-process';
import { redisPing } from './redis-ping';
import { liveKeeper, startKeeper } from './server-keeper';

export const REDIS_NOT_FOUND_MESSAGE =
  'redis-server not found: install it (Debian/Ubuntu: apt-get install redis-server; macOS: brew install redis) or set REDIS_URL';

/** Stored in <dataDir>/embedded-redis.json (mode 0600) at first start and reused afterwards. */
export interface EmbeddedRedisState {
  port: number;
  password: string;
}

const START_TIMEOUT_MS = 30_000;
const STOP_TIMEOUT_MS = 15_000;
/** SIGTERM makes redis-server fsync the append-only file and exit; SIGKILL only if it hangs. */
const REDIS_STOP_STEPS: StopStep[] = [
  { signal: 'SIGTERM', waitMs: STOP_TIMEOUT_MS },
  { signal: 'SIGKILL', waitMs: 5_000 },
];

/**
 * Starts (or reuses) a `redis-server` child process for <dataDir>/redis: loopback only, password from
 * the state file, append-only file on so BullMQ queues survive restarts.
 *
 * The child gets its own process group: Ctrl-C in the terminal then reaches only the launcher, which
 * stops the API and worker before Redis. A keeper process (server-keeper.ts) stops it if this process
 * dies without stopping it. A redis-server for this directory already running is reused while another
 * launcher's keeper guards it (a second replica; stop() then leaves it alone); without one it is an
 * orphan of a killed launcher, stopped (SIGTERM: the append-only file is flushed) and started afresh.
 */
export async function startEmbeddedRedis(dataDir: string, log: (msg: string) => void): Promise<EmbeddedServer> {
  const binary = await findOnPath('redis-server', executableSearchPath());
  if (!binary) throw new Error(REDIS_NOT_FOUND_MESSAGE);

  const root = path.resolve(dataDir);
  const redisDir = path.join(root, 'redis');
  const statePath = path.join(root, 'embedded-redis.json');
  const pidFile = path.join(redisDir, 'redis.pid');
  const logFile = path.join(redisDir, 'redis.log');
  const configFile = path.join(redisDir, 'redis.conf');
  const keeperMarker = path.join(root, 'embedded-redis.keeper');
  await fs.mkdir(redisDir, { recursive: true });

  return withFileLock(path.join(root, 'embedded-redis.lock'), async () => {
    let state = await readJson<EmbeddedRedisState>(statePath);
    if (!state) {
      state = { port: await freePort(), password: randomBytes(24).toString('hex') };
      await writePrivateJson(statePath, state);
    }

    let runningPid = await runningRedis(pidFile, redisDir);
    if (runningPid && !(await liveKeeper(keeperMarker))) {
      log(`embedded Redis (pid ${runningPid}) was left running by a launcher that is gone: stopping it to start it afresh`);
      if (!(await stopPid(runningPid, REDIS_STOP_STEPS))) throw new Error(`embedded Redis (pid ${runningPid}) left by a previous run does not stop`);
      await fs.rm(pidFile, { force: true });
      runningPid = undefined;
    }
    if (runningPid) {
      log(`reusing embedded Redis already running for ${redisDir} (pid ${runningPid}), kept by another launcher`);
      await waitForPong(state, () => isAlive(runningPid), logFile);
      return { url: redisUrl(state), stop: async () => undefined, setDependents: () => undefined };
    }

    if (!(await isPortFree(state.port))) {
      const previous = state.port;
      state = { ...state, port: await freePort() };
      await writePrivateJson(statePath, state);
      log(`port ${previous} is taken, embedded Redis moves to port ${state.port}`);
    }
    // A config file rather than arguments: arguments (with the password) are visible to every local user in ps.
    await writePrivateFile(configFile, redisConfig(state, redisDir, pidFile, logFile));

    const child = spawn(binary, [configFile], { cwd: redisDir, detached: true, stdio: 'ignore' });
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    let spawnError: Error | undefined;
    child.once('error', (error) => (spawnError = error));
    try {
      await waitForPong(state, () => child.exitCode === null && child.signalCode === null && !spawnError, logFile);
    } catch (error) {
      if (spawnError) throw new Error(`cannot run ${binary}: ${spawnError.message}`);
      await terminate(child, exited);
      throw error;
    }
    const keeper = await startKeeper({ name: 'Redis', pid: child.pid!, steps: REDIS_STOP_STEPS, markerFile: keeperMarker, logFile: path.join(root, 'keeper.log') });
    log(`embedded Redis listening on 127.0.0.1:${state.port} (pid ${child.pid})`);

    let stopped: Promise<void> | undefined;
    return {
      url: redisUrl(state),
      stop: () =>
        // The marker goes before the server (see Keeper.withdraw): a start meanwhile treats it as an orphan, not as kept.
        (stopped ??= keeper
          .withdraw()
          .then(() => terminate(child, exited))
          .then(() => {
            keeper.release();
            log('embedded Redis stopped');
          })),
      setDependents: (pids, waitMs) => keeper.setDependents(pids, waitMs),
    };
  });
}

function redisUrl(state: EmbeddedRedisState): string {
  return `redis://:${encodeURIComponent(state.password)}@127.0.0.1:${state.port}`;
}

function redisConfig(state: EmbeddedRedisState, redisDir: string, pidFile: string, logFile: string): string {
  const quote = (value: string) => JSON.stringify(value); // redis.conf accepts C-style double-quoted strings
  return [
    '# Written by the cargohold launcher at every start; edits are overwritten.',
    'bind 127.0.0.1',
    'protected-mode yes',
    `port ${state.port}`,
    `requirepass ${quote(state.password)}`,
    `dir ${quote(redisDir)}`,
    `pidfile ${quote(pidFile)}`,
    `logfile ${quote(logFile)}`,
    'daemonize no',
    // Queues must survive a restart: append-only file, fsync every second; no RDB snapshots on top.
    'appendonly yes',
    'appendfsync everysec',
    'save ""',
    // BullMQ requires that keys are never evicted.
    'maxmemory-policy noeviction',
    '',
  ].join('\n');
}

/** The pid of a live redis-server for this directory, or undefined (removing a stale pid file). */
async function runningRedis(pidFile: string, redisDir: string): Promise<number | undefined> {
  const pid = await readPid(pidFile);
  if (pid === undefined) return undefined;
  if (isAlive(pid)) {
    const command = await commandLine(pid);
    // redis-server rewrites its process title to "redis-server 127.0.0.1:port", so match the name only;
    // the pid file lives in redisDir, so a live redis-server holding it is this directory's.
    if (command === undefined || command.includes('redis-server') || command.includes(redisDir)) return pid;
  }
  await fs.rm(pidFile, { force: true });
  return undefined;
}

async function waitForPong(state: EmbeddedRedisState, alive: () => boolean, logFile: string): Promise<void> {
  const deadline = Date.now() + START_TIMEOUT_MS;
  for (;;) {
    if (await redisPing(state.port, state.password)) return;
    if (!alive() || Date.now() > deadline) {
      const why = alive() ? `did not answer PING within ${START_TIMEOUT_MS / 1000} s` : 'exited';
      throw new Error(`embedded Redis ${why}; last lines of ${logFile}:\n${(await tailFile(logFile, 20)) || '(nothing logged)'}`);
    }
    await sleep(100);
  }
}

/** Stops our own child as REDIS_STOP_STEPS says. */
async function terminate(child: ChildProcess, exited: Promise<void>): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  if (!(await settlesWithin(exited, STOP_TIMEOUT_MS))) {
    child.kill('SIGKILL');
    await exited;
  }
}
