import { ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { withMallocEnv } from '@cargohold/common';
import { freePort } from './ports';
import { TEST_REDIS_URL } from './test-database';

const REPO_ROOT = path.resolve(__dirname, '../../..');

export type ProcessKind = 'api' | 'worker' | 'launcher' | 'cli';

export interface RunningProcess {
  kind: ProcessKind;
  child: ChildProcess;
  output: () => string;
  /** Resolves with the exit code once the process has exited. */
  exited: Promise<number | null>;
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

export interface TestPlatform {
  url: string;
  /** The administrator's personal access token (BOOTSTRAP_ADMIN_TOKEN), scopes api, read_registry, write_registry. */
  adminToken: string;
  port: number;
  dataDir: string;
  env: Record<string, string>;
  api: RunningProcess;
  worker?: RunningProcess;
  /** Starts another api process with the same database, Redis prefix and storage (a second replica). */
  startApiReplica(): Promise<{ url: string; process: RunningProcess }>;
  stop(): Promise<void>;
}

/**
 * The services get the malloc settings every deployment gives them (MALLOC_ENV: the launcher, the Docker image),
 * so tests and the bench run them alike; the launcher and the CLI get none, so tests see what the launcher adds.
 */
function environmentFor(kind: ProcessKind, env: Record<string, string>): Record<string, string> {
  return kind === 'api' || kind === 'worker' ? withMallocEnv(env) : env;
}

/** The built entry point of a process kind. Tests run the compiled code, as `pnpm start` does. */
export function entryPoint(kind: ProcessKind): string {
  return path.join(REPO_ROOT, 'apps', kind, 'dist', 'main.js');
}

/** Spawns a built process with the given environment, capturing its output for assertions and failure reports. */
export function spawnProcess(kind: ProcessKind, env: Record<string, string>, args: string[] = []): RunningProcess {
  const child = spawn(process.execPath, [entryPoint(kind), ...args], {
    cwd: REPO_ROOT,
    env: environmentFor(kind, { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', ...env }),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const append = (chunk: Buffer) => {
    output += chunk.toString();
    if (output.length > 2_000_000) output = output.slice(-1_000_000);
  };
  child.stdout?.on('data', append);
  child.stderr?.on('data', append);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return {
    kind,
    child,
    output: () => output,
    exited,
    stop: async (signal: NodeJS.Signals = 'SIGTERM') => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      const code = await exited;
      clearTimeout(timer);
      return code;
    },
  };
}

/** Polls `url` until it answers 200 or the process dies or the deadline passes. */
export async function waitForReady(url: string, proc: RunningProcess, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (proc.child.exitCode !== null) throw new Error(`${proc.kind} exited with ${proc.child.exitCode}:\n${proc.output()}`);
    try {
      const response = await fetch(url);
      if (response.status === 200) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`${url} not ready after ${timeoutMs} ms:\n${proc.output()}`);
}

export interface StartPlatformOptions {
  databaseUrl: string;
  env?: Record<string, string>;
  worker?: boolean;
}

/** Starts the built api (and worker) against a test database and a private Redis prefix, on a free port. */
export async function startPlatform(options: StartPlatformOptions): Promise<TestPlatform> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'cargohold-test-'));
  const env: Record<string, string> = {
    DATABASE_URL: options.databaseUrl,
    REDIS_URL: TEST_REDIS_URL,
    REDIS_PREFIX: `test-${randomBytes(6).toString('hex')}`,
    DATA_DIR: dataDir,
    LOG_LEVEL: 'warn',
    HOST: '127.0.0.1',
    BOOTSTRAP_ADMIN_TOKEN: `glpat-test-${randomBytes(12).toString('hex')}`,
    ...options.env,
  };
  const startApi = async () => {
    const port = await freePort();
    const proc = spawnProcess('api', { ...env, PORT: String(port), PUBLIC_URL: `http://127.0.0.1:${port}` });
    const url = `http://127.0.0.1:${port}`;
    await waitForReady(`${url}/-/readiness`, proc);
    return { url, port, process: proc };
  };
  const first = await startApi();
  const replicas: RunningProcess[] = [];
  const worker = options.worker === false ? undefined : spawnProcess('worker', env);
  return {
    url: first.url,
    adminToken: env.BOOTSTRAP_ADMIN_TOKEN,
    port: first.port,
    dataDir,
    env,
    api: first.process,
    worker,
    startApiReplica: async () => {
      const replica = await startApi();
      replicas.push(replica.process);
      return { url: replica.url, process: replica.process };
    },
    stop: async () => {
      await Promise.all([first.process.stop(), worker?.stop(), ...replicas.map((r) => r.stop())]);
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
