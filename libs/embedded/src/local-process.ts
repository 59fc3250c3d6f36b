import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { promises as fs, constants as fsConstants, readFileSync } from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import { promisify } from 'node:util';

/** Small process / port / file helpers shared by the embedded PostgreSQL and Redis starters. */

const execFileAsync = promisify(execFile);

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Resolves true when promise settled within ms, false otherwise; clears its timer so it never holds the event loop open. */
export async function settlesWithin(promise: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), ms)));
  try {
    return await Promise.race([promise.then(() => true, () => true), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * True while a process with this pid runs (EPERM still means it exists, just not ours). A zombie does not
 * count: an orphan that exited stays one for good where PID 1 does not reap (as in many containers), yet
 * it holds no port, no file and no shared memory.
 */
export function isAlive(pid: number): boolean {
  return pidExists(pid) && !isZombie(pid);
}

/** True while the pid exists at all, zombies included (what PostgreSQL's own lock-file check sees). */
export function pidExists(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Waits (up to timeoutMs) until no running process has `dir` as its working directory: PostgreSQL's
 * backends run in the data directory. Without /proc there is nothing to check.
 */
export async function waitUntilNoProcessIn(dir: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline && (await processesIn(dir)).length > 0) await sleep(200);
}

async function processesIn(dir: string): Promise<number[]> {
  const entries = await fs.readdir('/proc').catch(() => [] as string[]);
  const pids: number[] = [];
  for (const entry of entries) {
    const pid = Number(entry);
    if (!Number.isInteger(pid) || pid === process.pid) continue;
    const cwd = await fs.readlink(`/proc/${pid}/cwd`).catch(() => undefined);
    if (cwd === dir && isAlive(pid)) pids.push(pid);
  }
  return pids;
}

function isZombie(pid: number): boolean {
  try {
    // "pid (comm) S ...": the state follows the last ')' (comm itself may contain parentheses).
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) === 'Z';
  } catch {
    return false; // no /proc (macOS): trust kill(pid, 0)
  }
}

export interface StopStep {
  signal: NodeJS.Signals;
  /** How long to wait for the process to exit after this signal before the next step. */
  waitMs: number;
}

/**
 * Stops a process that is not our child (so there is no 'exit' event): each signal in turn, polling until
 * the pid is gone. Resolves true when it is gone, false when it outlived every step.
 */
export async function stopPid(pid: number, steps: StopStep[]): Promise<boolean> {
  for (const step of steps) {
    if (!isAlive(pid)) return true;
    try {
      process.kill(pid, step.signal);
    } catch {
      return !isAlive(pid);
    }
    const deadline = Date.now() + step.waitMs;
    while (isAlive(pid) && Date.now() < deadline) await sleep(100);
  }
  return !isAlive(pid);
}

/**
 * The command line of a running process, or undefined when it cannot be read. Used to tell a live
 * server from an unrelated process that happens to have inherited a stale pid (common in containers,
 * where pids restart from 1 after every restart).
 */
export async function commandLine(pid: number): Promise<string | undefined> {
  try {
    const raw = await fs.readFile(`/proc/${pid}/cmdline`, 'utf8');
    return raw.split('\0').join(' ').trim();
  } catch {
    // No /proc (macOS): ask ps.
    try {
      const { stdout } = await execFileAsync('ps', ['-p', String(pid), '-o', 'command=']);
      return stdout.trim() || undefined;
    } catch {
      return undefined;
    }
  }
}

/** Asks the kernel for a free loopback port. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** True when nothing listens on 127.0.0.1:port (so a stored port can be reused). */
export function isPortFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.unref();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/** The last `lines` lines of a log file (empty when missing), for error messages. */
export async function tailFile(file: string, lines = 20): Promise<string> {
  try {
    const handle = await fs.open(file, 'r');
    try {
      const { size } = await handle.stat();
      const length = Math.min(size, 16 * 1024);
      const buffer = Buffer.alloc(length);
      await handle.read(buffer, 0, length, size - length);
      return lastLines(buffer.toString('utf8'), lines);
    } finally {
      await handle.close();
    }
  } catch {
    return '';
  }
}

export function lastLines(text: string, lines = 20): string {
  return text.trimEnd().split(/\r?\n/).slice(-lines).join('\n');
}

/** Finds an executable on a PATH-style `searchPath` like `which`, without spawning anything. */
export async function findOnPath(name: string, searchPath: string): Promise<string | undefined> {
  for (const dir of searchPath.split(path.delimiter).filter(Boolean)) {
    const candidate = path.join(dir, name);
    try {
      await fs.access(candidate, fsConstants.X_OK);
      if ((await fs.stat(candidate)).isFile()) return candidate;
    } catch {
      // not in this directory
    }
  }
  return undefined;
}

export async function fileExists(file: string): Promise<boolean> {
  return fs.access(file).then(
    () => true,
    () => false,
  );
}

/** Reads a small JSON state file; undefined when it does not exist yet. */
export async function readJson<T>(file: string): Promise<T | undefined> {
  try {
    return JSON.parse(await fs.readFile(file, 'utf8')) as T;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new Error(`cannot read ${file}: ${(error as Error).message}`);
  }
}

/** Writes a file only its owner can read (it holds passwords), atomically so a crash never leaves half a file. */
export async function writePrivateFile(file: string, content: string): Promise<void> {
  const tmp = `${file}.${process.pid}.tmp`;
  await fs.writeFile(tmp, content, { mode: 0o600 });
  await fs.chmod(tmp, 0o600); // mode above is filtered by umask only on creation; be explicit
  await fs.rename(tmp, file);
}

export async function writePrivateJson(file: string, value: unknown): Promise<void> {
  await writePrivateFile(file, `${JSON.stringify(value, null, 2)}\n`);
}

/** Reads the first line of a pid file as a pid. */
export async function readPid(pidFile: string): Promise<number | undefined> {
  try {
    const pid = Number.parseInt((await fs.readFile(pidFile, 'utf8')).split('\n')[0].trim(), 10);
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Names this process in the lock files it writes (second line, after the pid): a lock that carries our pid but not
 * this token was left by an earlier process that had the same pid.
 */
const LOCK_OWNER = randomUUID();

/** The owner token on a lock file's second line, if any. */
async function readLockOwner(lockFile: string): Promise<string | undefined> {
  return (await fs.readFile(lockFile, 'utf8').catch(() => '')).split('\n')[1]?.trim() || undefined;
}

/**
 * Runs fn while holding an exclusive lock file, so two launchers started together on the same DATA_DIR
 * (e.g. two `pnpm start:api` replicas) do not both run initdb or both spawn a server. A lock left by a
 * killed process is detected by its dead pid and taken over.
 */
export async function withFileLock<T>(lockFile: string, fn: () => Promise<T>, timeoutMs = 120_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      await fs.writeFile(lockFile, `${process.pid}\n${LOCK_OWNER}\n`, { flag: 'wx' });
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const holder = await readPid(lockFile);
    const stat = await fs.stat(lockFile).catch(() => undefined);
    const halfWritten = holder === undefined && stat !== undefined && Date.now() - stat.mtimeMs < 5_000;
    // Our own pid under another owner token means a previous run of a process that got the same pid.
    const stale = !halfWritten && (holder === undefined || !isAlive(holder) || (holder === process.pid && (await readLockOwner(lockFile)) !== LOCK_OWNER));
    if (stale) {
      await fs.rm(lockFile, { force: true });
      continue;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${lockFile} (held by pid ${holder ?? 'unknown'})`);
    await sleep(200);
  }
  try {
    return await fn();
  } finally {
    await fs.rm(lockFile, { force: true });
  }
}
