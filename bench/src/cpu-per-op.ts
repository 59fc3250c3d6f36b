import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { call, closeAgent, expectStatus, pushBytes, putManifest } from './blob-client';
import { cleanupOnSignals, onCleanup, runCleanup } from './cleanup';
import { inParallel } from './concurrency';
import { canPin, CLIENT_CORE, pin, pinServices, processIds, SERVER_CORE } from './pinning';
import { cpuMs } from './process-usage';
import { pushSmallImage } from './scenarios';
import { BENCH_PROJECT, startCargohold, startDistribution, Target } from './targets';

/**
 * `pnpm bench:cpu`: CPU time per small operation, per process, pinned as `pnpm bench` pins (client on one core, every
 * server on the other). On this machine a V8 profile attributes to `writev` the time PostgreSQL runs after the api
 * wakes it on the shared core, and wall time drifts by a third within minutes; CPU per operation from /proc, with
 * PostgreSQL's and Redis's own processes counted apart, is the figure that says where an operation's cost is
 * (docs/performance.md, "Small operations, round four"). Not a test: nothing asserts a time.
 *
 * CPU_OPS (token,tag,head,mount), CPU_N operations a round (1 000), CPU_ROUNDS rounds (3), CPU_DISTRIBUTION=0 to
 * skip distribution. Each round prints, per operation: operations/s and CPU ms per operation of the server
 * (the api or distribution), PostgreSQL, Redis and the client. The rates are not `pnpm bench`'s: the blob HEADs here
 * go through undici, which holds the client's core near 3 000 requests/s (bench/src/head-load.ts does not).
 */
const OPS = (process.env.CPU_OPS ?? 'token,tag,head,mount').split(',').map((op) => op.trim());
const N = Number(process.env.CPU_N ?? 1_000);
const ROUNDS = Number(process.env.CPU_ROUNDS ?? 3);

type Operation = (target: Target, i: number) => Promise<void>;

interface Prepared {
  concurrency: number;
  run: Operation;
}

/** Sums the CPU of every process of a name (the postmaster forks a backend per connection; they come and go). */
function cpuOfProcesses(name: string): number {
  return processIds(name).reduce((sum, pid) => sum + (cpuMs(pid) ?? 0), 0);
}

async function prepare(op: string, target: Target, round: string): Promise<Prepared> {
  const repo = `${BENCH_PROJECT}/cpu-${op}`;
  switch (op) {
    case 'token':
      // Sequential, as docker asks: one token per push or pull.
      return { concurrency: 1, run: async () => void (await target.freshAuth(`repository:${repo}:pull,push`)) };
    case 'tag': {
      const manifest = await pushSmallImage(target, repo, 'seed');
      return { concurrency: 16, run: (t, i) => putManifest(t, repo, `${round}-${i}`, manifest) };
    }
    case 'head': {
      const digest = await pushBytes(target, repo, randomBytes(4096));
      const auth = await target.auth(`repository:${repo}:pull`);
      return {
        concurrency: 32,
        run: async (t) => {
          const response = await call('HEAD', `${t.url}/v2/${repo}/blobs/${digest}`, auth);
          await expectStatus(response, 200, 'blob HEAD');
          await response.body.dump();
        },
      };
    }
    case 'mount': {
      const source = `${repo}-source`;
      const digests: string[] = [];
      for (let i = 0; i < N; i++) digests.push(await pushBytes(target, source, randomBytes(1024)));
      const destination = `${repo}-${round}`;
      const auth = await target.auth(`repository:${destination}:pull,push repository:${source}:pull`);
      return {
        concurrency: 8,
        run: async (t, i) => {
          const url = `${t.url}/v2/${destination}/blobs/uploads/?mount=${encodeURIComponent(digests[i])}&from=${encodeURIComponent(source)}`;
          const response = await call('POST', url, { ...auth, 'content-length': '0' });
          await expectStatus(response, 201, 'mount');
          await response.body.dump();
        },
      };
    }
    default:
      throw new Error(`CPU_OPS: unknown operation ${op} (token, tag, head, mount)`);
  }
}

async function measure(target: Target, op: string, round: number): Promise<string> {
  const prepared = await prepare(op, target, `r${round}`);
  const before = { server: cpuMs(target.pid) ?? 0, pg: cpuOfProcesses('postgres'), redis: cpuOfProcesses('redis-server'), client: process.cpuUsage() };
  const started = process.hrtime.bigint();
  await inParallel(N, prepared.concurrency, (i) => prepared.run(target, i));
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const client = process.cpuUsage(before.client);
  const per = (ms: number) => (ms / N).toFixed(3);
  const figures = [`server ${per((cpuMs(target.pid) ?? 0) - before.server)}`];
  if (target.key === 'cargohold') figures.push(`postgres ${per(cpuOfProcesses('postgres') - before.pg)}`, `redis ${per(cpuOfProcesses('redis-server') - before.redis)}`);
  figures.push(`client ${per((client.user + client.system) / 1000)}`);
  return `${op} ${target.key} round ${round}: ${(N / seconds).toFixed(0)} ops/s, CPU ms per op: ${figures.join(', ')}`;
}

async function main(): Promise<void> {
  const log = (line: string) => process.stdout.write(`${line}\n`);
  cleanupOnSignals();
  const pinned = process.env.BENCH_PIN !== '0' && canPin();
  if (pinned) {
    pin(process.pid, CLIENT_CORE);
    onCleanup('give PostgreSQL and Redis every core back', pinServices(SERVER_CORE));
  }
  const ours = await startCargohold(pinned);
  const targets: Target[] = [ours];
  if (process.env.CPU_DISTRIBUTION !== '0') {
    const workDir = mkdtempSync(path.join(tmpdir(), 'cargohold-cpu-'));
    onCleanup('remove the work dir', () => rmSync(workDir, { recursive: true, force: true }));
    targets.push(await startDistribution(workDir, pinned));
  }
  log(`pinned: ${pinned}; ${readFileSync('/proc/loadavg', 'utf8').trim()} (load before)`);
  for (let round = 0; round < ROUNDS; round++) {
    // distribution is run without auth here as in `pnpm bench`: it has no token to measure.
    for (const op of OPS) for (const target of targets) if (op !== 'token' || target.key === 'cargohold') log(await measure(target, op, round));
  }
}

main()
  .catch((error: unknown) => {
    process.exitCode = 1;
    process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  })
  .finally(async () => {
    await closeAgent();
    await runCleanup();
  });
