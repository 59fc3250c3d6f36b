import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import * as path from 'node:path';
import { closeAgent } from './blob-client';
import { cleanupOnSignals, onCleanup, runCleanup } from './cleanup';
import { MiB } from './payload';
import { canPin, CLIENT_CORE, pin, pinServices, SERVER_CORE } from './pinning';
import { jsonLine, terminalTable, writePerformanceDoc } from './report';
import { Results } from './results';
import { pullStatisticsCost } from './pull-statistics';
import { pullThroughPulls } from './pull-through';
import { quotaManifestPuts } from './quota';
import { protectionManifestPuts } from './protection';
import { BenchContext, BenchOptions, blobPulls, blobPushes, machineLimits, manifestGets, skopeoCopies, tagLists } from './scenarios';
import { smallOperations } from './small-ops';
import { benchStorage, startBenchStorage } from './storage';
import { distributionVersion, startCargohold, startDistribution, startHashSink } from './targets';

const REPO_ROOT = path.resolve(__dirname, '../..');
const GROUPS = ['limits', 'push', 'pull', 'manifest', 'small', 'tags', 'skopeo', 'quota', 'pullstats', 'protection', 'pullthrough'] as const;
type Group = (typeof GROUPS)[number];

function options(quick: boolean): BenchOptions {
  return {
    runs: Number(process.env.BENCH_RUNS ?? (quick ? 1 : 5)),
    layerSizes: (process.env.BENCH_SIZES ?? '256,1024').split(',').map(Number),
    chunkSize: 16 * MiB,
    manifestSeconds: quick ? 5 : 10,
    manifestConnections: 32,
    tagCount: Number(process.env.BENCH_TAGS ?? 10_000),
    skopeoLayers: 5,
    // 5 × 8 MiB is issue 24's figure (per-request costs weigh more); 5 × 20 MiB the earlier runs' (docs/performance.md).
    skopeoLayerSizesMiB: quick ? [8] : [8, 20],
  };
}

function selectedGroups(): Set<Group> {
  const only = process.env.BENCH_ONLY?.split(',').map((s) => s.trim()).filter(Boolean);
  if (!only) return new Set(GROUPS);
  const unknown = only.filter((g) => !(GROUPS as readonly string[]).includes(g));
  if (unknown.length > 0) throw new Error(`BENCH_ONLY: unknown group(s) ${unknown.join(', ')}; known: ${GROUPS.join(', ')}`);
  return new Set(only as Group[]);
}

async function main(): Promise<void> {
  const started = Date.now();
  const quick = process.env.BENCH_QUICK === '1';
  const opts = options(quick);
  const groups = selectedGroups();
  const log = (message: string) => process.stderr.write(`[bench ${((Date.now() - started) / 1000).toFixed(0).padStart(4)} s] ${message}\n`);
  cleanupOnSignals();

  const storage = benchStorage();
  // BENCH_PIN=0: no taskset, e.g. on a machine shared with other work (pinning moves the machine's PostgreSQL too).
  const pinned = process.env.BENCH_PIN !== '0' && canPin();
  // The client: this process, every thread, and what it spawns from now on (skopeo, servers before re-pinning).
  if (pinned) pin(process.pid, CLIENT_CORE);
  else log(process.env.BENCH_PIN === '0' ? 'not pinning (BENCH_PIN=0)' : 'not pinning: needs 2 cores and taskset');

  const workDir = mkdtempSync(path.join(tmpdir(), 'cargohold-bench-'));
  onCleanup('remove the work dir', () => rmSync(workDir, { recursive: true, force: true }));
  log(`mode ${quick ? 'quick' : 'full'}, ${opts.runs} run(s), groups ${[...groups].join(',')}; starting servers`);
  // BENCH_PROFILE_DIR=/some/dir: the api (and worker) write a .cpuprofile there on exit (open it in Chrome DevTools).
  const profileDir = process.env.BENCH_PROFILE_DIR;
  const apiEnv: Record<string, string> = profileDir
    ? { BENCH_PROFILE_DIR: path.resolve(profileDir), NODE_OPTIONS: `--require ${path.join(__dirname, 'cpu-profile.js')}` }
    : {};
  // BENCH_API_ENV="PULL_RATE_LIMIT_AUTHENTICATED=0,…": extra api/worker settings, for what-if comparisons.
  for (const pair of (process.env.BENCH_API_ENV ?? '').split(',').filter(Boolean)) {
    const at = pair.indexOf('=');
    apiEnv[pair.slice(0, at)] = pair.slice(at + 1);
  }
  if (pinned) onCleanup('give PostgreSQL and Redis every core back', pinServices(SERVER_CORE));
  // BENCH_STORAGE=s3|azure: cargohold stores into an emulator (s3rver, Azurite) on the server core instead of a temp dir.
  const backend = await startBenchStorage(storage);
  if (pinned && backend.pid) pin(backend.pid, SERVER_CORE);
  const ours = await startCargohold(pinned, { ...backend.env, ...apiEnv });
  const distribution = await startDistribution(workDir, pinned);
  const sink = groups.has('push') ? await startHashSink(pinned) : undefined;
  log(`cargohold ${ours.url} (api pid ${ours.pid}, storage ${backend.label}), distribution ${distribution.url} (pid ${distribution.pid})${sink ? `, sink ${sink.url}` : ''}`);

  const results = new Results();
  const ctx: BenchContext = { results, options: opts, ours, distribution, sink, workDir, log };
  if (groups.has('limits')) await machineLimits(ctx);
  if (groups.has('push')) await blobPushes(ctx);
  if (groups.has('pull')) await blobPulls(ctx);
  if (groups.has('manifest')) await manifestGets(ctx);
  if (groups.has('small')) await smallOperations(ctx);
  if (groups.has('tags')) await tagLists(ctx);
  if (groups.has('skopeo')) await skopeoCopies(ctx);
  if (groups.has('quota')) await quotaManifestPuts(ctx);
  if (groups.has('protection')) await protectionManifestPuts(ctx);
  if (groups.has('pullthrough')) await pullThroughPulls(ctx);
  if (groups.has('pullstats')) await pullStatisticsCost(ctx, pinned, { ...backend.env, ...apiEnv });

  const info = {
    mode: quick ? ('quick' as const) : ('full' as const),
    date: new Date().toISOString().slice(0, 16).replace('T', ' ') + ' UTC',
    nproc: cpus().length, // not availableParallelism(): this process is pinned to one core by now
    cpu: readFileSync('/proc/cpuinfo', 'utf8').match(/^model name\s*:\s*(.+)$/m)?.[1] ?? 'unknown CPU',
    memory: `${(totalmem() / 1024 ** 3).toFixed(0)} GiB`,
    node: process.version,
    distribution: distributionVersion(),
    pinned,
    seconds: (Date.now() - started) / 1000,
    runs: opts.runs,
    storage: backend.label,
  };
  process.stdout.write(`\n${terminalTable(results)}\n\n${jsonLine(results, info)}\n`);
  // A partial run (BENCH_ONLY), or one on another driver than the filesystem, must not replace the recorded results.
  if (groups.size === GROUPS.length && storage === 'filesystem') {
    writePerformanceDoc(path.join(REPO_ROOT, 'docs', 'performance.md'), results, info);
    log('wrote docs/performance.md');
  }
}

main()
  .then(async () => {
    await closeAgent();
    await runCleanup();
    process.exit(0);
  })
  .catch(async (error: unknown) => {
    process.stderr.write(`bench failed: ${(error as Error).stack ?? error}\n`);
    await runCleanup();
    process.exit(1);
  });
