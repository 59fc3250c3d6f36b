import { ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { withMallocEnv } from '@cargohold/common';
import { createTestDatabase, freePort, seedProject, startPlatform, TestDatabase } from '@cargohold/testing';
import { onCleanup } from './cleanup';
import { pin, SERVER_CORE } from './pinning';

export type TargetKey = 'cargohold' | 'distribution' | 'sink';

/** A registry (or the hash sink) under test, as the client sees it. */
export interface Target {
  key: TargetKey;
  url: string;
  /** host:port, for skopeo's docker:// references. */
  host: string;
  /** The server process whose RSS is watched. */
  pid: number;
  /** Authorization headers for a scope, as a docker client holds them: fetched once, reused while fresh. */
  auth(scope: string): Promise<Record<string, string>>;
  /** A new token for a scope, as docker fetches one per push (space-separated scopes ask for several). */
  freshAuth(scope: string): Promise<Record<string, string>>;
  /** skopeo --creds value, when the server wants credentials. */
  creds?: string;
  /** Setup only: points many new tags at an existing manifest behind the server's back (SQL rows, link files). */
  bulkTag(repository: string, manifestDigest: string, tags: string[]): Promise<void>;
}

/** The project every cargohold repository of the bench lives in (a push needs an existing project). */
export const BENCH_PROJECT = 'bench/app';

export interface CargoholdTarget extends Target {
  db: TestDatabase;
  workerPid?: number;
}

export async function startCargohold(
  pinServers: boolean,
  extraEnv: Record<string, string> = {},
  /** Runs on the new database before the platform connects (per-database settings such as log_statement). */
  prepare?: (db: TestDatabase) => Promise<void>,
): Promise<CargoholdTarget> {
  const db = await createTestDatabase('ch_bench');
  onCleanup('drop the bench database', () => db.drop());
  await prepare?.(db);
  // The pull rate limiter stays on (its Redis round trip per manifest GET is part of the cost) with a limit
  // the load cannot reach; its default (5000 per user per 6 h) would refuse most of the manifest figure.
  const env = { LOG_LEVEL: 'warn', PULL_RATE_LIMIT_AUTHENTICATED: '1000000000', ...extraEnv };
  const platform = await startPlatform({ databaseUrl: db.url, env });
  onCleanup('stop the platform', () => platform.stop());
  // Direct SQL for setup only: the project (and its owner) the pushes go into.
  await seedProject(db, BENCH_PROJECT);
  const apiPid = platform.api.child.pid!;
  const workerPid = platform.worker?.child.pid;
  if (pinServers) for (const pid of [apiPid, workerPid]) if (pid) pin(pid, SERVER_CORE);

  const basic = `Basic ${Buffer.from(`root:${platform.adminToken}`).toString('base64')}`;
  const tokens = new Map<string, { header: Record<string, string>; at: number }>();
  const freshAuth = async (scope: string) => {
    const query = new URLSearchParams({ service: 'container_registry' });
    for (const one of scope.split(' ')) query.append('scope', one);
    const response = await fetch(`${platform.url}/jwt/auth?${query}`, { headers: { Authorization: basic } });
    if (response.status !== 200) throw new Error(`/jwt/auth answered ${response.status}: ${await response.text()}`);
    const { token } = (await response.json()) as { token: string };
    return { authorization: `Bearer ${token}` };
  };
  return {
    key: 'cargohold',
    url: platform.url,
    host: `127.0.0.1:${platform.port}`,
    pid: apiPid,
    workerPid,
    db,
    creds: `root:${platform.adminToken}`,
    bulkTag: async (repository, manifestDigest, tags) => {
      await db.query(
        `INSERT INTO tags (repository_id, name, manifest_id)
         SELECT r.id, t.name, m.id FROM repositories r JOIN manifests m ON m.repository_id = r.id AND m.digest = $2, unnest($3::text[]) AS t(name)
         WHERE r.path = $1`,
        [repository, manifestDigest, tags],
      );
    },
    freshAuth,
    auth: async (scope) => {
      const cached = tokens.get(scope);
      // Tokens live REGISTRY_TOKEN_TTL (300 s); a real client asks again per operation, we at most every minute.
      if (cached && Date.now() - cached.at < 60_000) return cached.header;
      const header = await freshAuth(scope);
      tokens.set(scope, { header, at: Date.now() });
      return header;
    },
  };
}

/** Installs the Debian package when the binary is missing (the bench's only system dependency besides skopeo). */
function ensureDistributionInstalled(): string {
  const binary = '/usr/bin/docker-registry';
  if (existsSync(binary)) return binary;
  process.stderr.write('docker-registry is missing: installing the Debian package...\n');
  const sudo = process.getuid?.() === 0 ? [] : ['sudo'];
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  for (const args of [['apt-get', 'update'], ['apt-get', 'install', '-y', 'docker-registry']]) {
    const [command, ...rest] = [...sudo, ...args];
    const result = spawnSync(command, rest, { stdio: 'inherit', env });
    if (result.status !== 0) throw new Error(`${args.join(' ')} failed; install docker-registry and retry`);
  }
  return binary;
}

export function distributionVersion(): string {
  const result = spawnSync(ensureDistributionInstalled(), ['--version'], { encoding: 'utf8' });
  return result.stdout.trim().split(/\s+/).pop() ?? 'unknown';
}

/**
 * CNCF distribution with filesystem storage, deletes enabled, plain HTTP and no auth (which only favours it),
 * its in-memory blob descriptor cache as packaged, and no access log (ours logs nothing per request at warn).
 */
export async function startDistribution(workDir: string, pinServers: boolean): Promise<Target> {
  const binary = ensureDistributionInstalled();
  const port = await freePort();
  const root = path.join(workDir, 'distribution');
  mkdirSync(path.join(root, 'data'), { recursive: true });
  const config = path.join(root, 'config.yml');
  writeFileSync(
    config,
    [
      'version: 0.1',
      'log:',
      '  level: error',
      '  accesslog:',
      '    disabled: true',
      'storage:',
      '  filesystem:',
      `    rootdirectory: ${path.join(root, 'data')}`,
      '  delete:',
      '    enabled: true',
      '  cache:',
      '    blobdescriptor: inmemory',
      'http:',
      `  addr: 127.0.0.1:${port}`,
      '',
    ].join('\n'),
  );
  const url = `http://127.0.0.1:${port}`;
  const child = await spawnServer('distribution', pinServers ? 'taskset' : binary, pinServers ? ['-c', String(SERVER_CORE), binary, 'serve', config] : ['serve', config], {}, `${url}/v2/`);
  // distribution's filesystem layout: a tag is two link files holding the manifest digest.
  const bulkTag = async (repository: string, manifestDigest: string, tags: string[]) => {
    const tagsDir = path.join(root, 'data', 'docker', 'registry', 'v2', 'repositories', repository, '_manifests', 'tags');
    for (const tag of tags) {
      for (const dir of [path.join(tagsDir, tag, 'current'), path.join(tagsDir, tag, 'index', 'sha256', manifestDigest.slice(7))]) {
        mkdirSync(dir, { recursive: true });
        writeFileSync(path.join(dir, 'link'), manifestDigest);
      }
    }
  };
  return { key: 'distribution', url, host: `127.0.0.1:${port}`, pid: child.pid!, auth: async () => ({}), freshAuth: async () => ({}), bulkTag };
}

/** The loopback limit: a bare node server that receives and sha256-hashes upload bodies (see hash-sink.ts). */
export async function startHashSink(pinServers: boolean): Promise<Target> {
  const port = await freePort();
  const script = path.join(__dirname, 'hash-sink.js');
  const args = pinServers ? ['-c', String(SERVER_CORE), process.execPath, script] : [script];
  const url = `http://127.0.0.1:${port}`;
  // The malloc settings cargohold's services run with: the limit is measured for the same allocator behaviour.
  const child = await spawnServer('hash sink', pinServers ? 'taskset' : process.execPath, args, withMallocEnv({ PORT: String(port) }), `${url}/v2/`);
  const bulkTag = async () => {
    throw new Error('the hash sink has no tags');
  };
  return { key: 'sink', url, host: `127.0.0.1:${port}`, pid: child.pid!, auth: async () => ({}), freshAuth: async () => ({}), bulkTag };
}

/** Spawns a server (taskset execs it, so the pid is the server's), waits until `readyUrl` answers, and registers its stop. */
async function spawnServer(label: string, command: string, args: string[], env: Record<string, string>, readyUrl: string): Promise<ChildProcess> {
  const child = spawn(command, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-20_000)));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  onCleanup(`stop ${label}`, async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
    await exited;
    clearTimeout(timer);
  });
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`${label} exited with ${child.exitCode}: ${stderr}`);
    try {
      const response = await fetch(readyUrl);
      await response.arrayBuffer();
      if (response.status === 200) return child;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`${label} not ready at ${readyUrl}: ${stderr}`);
}
