import { spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import * as path from 'node:path';
import autocannon from 'autocannon';
import { buildOciLayout, runClient } from '@cargohold/testing';
import { DOCKER_ACCEPT, getText, OCI_MANIFEST, pullLayer, pushBytes, pushLayer, PushMode, putManifest } from './blob-client';
import { diskWrite, dropPageCache, rate, sha256Throughput } from './limits';
import { Layer, LayerFamily, MiB } from './payload';
import { inParallel } from './concurrency';
import { Results } from './results';
import { cpuMeter, rssMiB, watchPeakRss } from './process-usage';
import { BENCH_PROJECT, Target } from './targets';

export interface BenchOptions {
  runs: number;
  /** Layer sizes for the blob figures, in MiB. */
  layerSizes: number[];
  chunkSize: number;
  manifestSeconds: number;
  manifestConnections: number;
  tagCount: number;
  skopeoLayers: number;
  /** Layer sizes of the skopeo figures, one image of `skopeoLayers` layers per size. */
  skopeoLayerSizesMiB: number[];
}

export interface BenchContext {
  results: Results;
  options: BenchOptions;
  ours: Target;
  distribution: Target;
  sink?: Target;
  workDir: string;
  log(message: string): void;
}

const BLOB_REPO = `${BENCH_PROJECT}/blobs`;
const nonce = randomBytes(4).toString('hex');

/** Runs `measure` for every run and target in the order A, B(, C), A, B(, C)…, so drift hits everyone alike. */
async function alternate(ctx: BenchContext, targets: Target[], measure: (target: Target, run: number) => Promise<void>): Promise<void> {
  for (let run = 0; run < ctx.options.runs; run++) {
    for (const target of targets) await measure(target, run);
  }
}

/**
 * Writes back what earlier runs left dirty, so one run's writeback never lands on the next run's clock, then
 * (as root) empties the page cache. On this machine (a Firecracker VM) copying into page-cache pages the guest
 * has not touched for a while costs about four times a plain memcpy (the host backs them lazily), so without
 * the drop every push got slower as earlier pushes filled the cache: 256 MiB pushes fell from ~700 to ~280 MB/s
 * after the first gigabyte, for both registries. With it, every run starts from the same memory state.
 */
function settleDisk(): void {
  spawnSync('sync');
  dropPageCache();
}

export async function machineLimits(ctx: BenchContext): Promise<void> {
  const { results } = ctx;
  results.define('limit.sha256', 'sha256, one core (client core)', 'MB/s');
  results.define('limit.disk', 'disk write 1 GiB + fsync', 'MB/s');
  for (let run = 0; run < ctx.options.runs; run++) {
    results.add('limit.sha256', 'machine', sha256Throughput(1024 * MiB));
    settleDisk();
    results.add('limit.disk', 'machine', diskWrite(ctx.workDir, 1024 * MiB));
  }
  ctx.log(`sha256 ${results.value('limit.sha256', 'machine')!.toFixed(0)} MB/s, disk ${results.value('limit.disk', 'machine')!.toFixed(0)} MB/s`);
}

/** The last layer of each size pushed to each registry: what the pull figures read. */
const pushed = new Map<string, Layer>();

export async function blobPushes(ctx: BenchContext): Promise<void> {
  const { results, options } = ctx;
  const rssId = 'rss.push1g';
  results.define(rssId, 'peak server RSS during 1 GiB pushes', 'MiB', { higherIsBetter: false, aggregate: 'max' });
  // The baseline, to tell what a push adds from what the process holds anyway.
  results.define('rss.idle', 'server RSS before the first push', 'MiB', { higherIsBetter: false });
  for (const target of [ctx.ours, ctx.distribution]) results.add('rss.idle', target.key, rssMiB(target.pid) ?? 0);
  const targets = [ctx.ours, ctx.distribution, ...(ctx.sink ? [ctx.sink] : [])];
  // Warm-up, not recorded: JIT, connection pools, first-upload paths (directories, prepared statements).
  // As large as the first measured layer: after a page-cache drop the first ~150 MiB a server writes go into guest
  // pages the host has to back again (slow), and a 64 MiB warm-up left that cost on the first measured run.
  const warmup = new LayerFamily(Math.min(...options.layerSizes) * MiB);
  for (const target of targets) {
    for (const mode of ['monolithic', 'chunked'] as PushMode[]) {
      await pushLayer(target, BLOB_REPO, warmup.variant(`${nonce}-${target.key}-warmup-${mode}`), mode, options.chunkSize);
    }
  }
  for (const sizeMiB of options.layerSizes) {
    const family = new LayerFamily(sizeMiB * MiB);
    for (const mode of ['monolithic', 'chunked'] as PushMode[]) {
      const id = `push.${mode}.${sizeMiB}`;
      const chunkNote = mode === 'chunked' ? `, ${options.chunkSize / MiB} MiB chunks` : '';
      results.define(id, `blob push ${mode}${chunkNote}, ${label(sizeMiB)}`, 'MB/s', { limitOf: id });
      // CPU per GiB barely moves with the machine's noise, unlike MB/s: the steadier view of the same work.
      const cpuId = `cpu.push.${mode}.${sizeMiB}`;
      results.define(cpuId, `server CPU per GiB pushed, ${mode}, ${label(sizeMiB)}`, 'ms', { higherIsBetter: false, limitOf: cpuId });
      await alternate(ctx, targets, async (target, run) => {
        const layer = family.variant(`${nonce}-${target.key}-${mode}-${run}`);
        settleDisk();
        const stopWatch = sizeMiB >= 1024 ? watchPeakRss(target.pid) : undefined;
        const cpu = cpuMeter(target.pid);
        const started = process.hrtime.bigint();
        await pushLayer(target, BLOB_REPO, layer, mode, options.chunkSize);
        results.add(id, target.key, rate(layer.size, started));
        const cpuPerGiB = cpu.perGiB(layer.size);
        if (cpuPerGiB !== undefined) results.add(cpuId, target.key, cpuPerGiB);
        if (stopWatch && target.key !== 'sink') results.add(rssId, target.key, stopWatch());
        else stopWatch?.();
        pushed.set(`${target.key}:${sizeMiB}`, layer);
      });
      ctx.log(progress(results, id));
    }
  }
}

export async function blobPulls(ctx: BenchContext): Promise<void> {
  const { results, options } = ctx;
  for (const sizeMiB of options.layerSizes) {
    for (const target of [ctx.ours, ctx.distribution]) {
      if (pushed.has(`${target.key}:${sizeMiB}`)) continue; // the push figures were skipped: push one layer now
      const layer = new LayerFamily(sizeMiB * MiB).variant(`${nonce}-${target.key}-pull`);
      await pushLayer(target, BLOB_REPO, layer, 'monolithic', options.chunkSize);
      pushed.set(`${target.key}:${sizeMiB}`, layer);
    }
    for (const verify of [true, false]) {
      const id = `pull.${verify ? 'verified' : 'unhashed'}.${sizeMiB}`;
      results.define(id, `blob pull ${verify ? 'with sha256 verification' : 'unhashed'}, ${label(sizeMiB)}`, 'MB/s', {
        limitOf: verify ? 'limit.sha256' : undefined,
      });
      // The client bounds pull throughput; what the server spends per GiB shows its own cost (and headroom).
      const cpuId = `cpu.pull.${verify ? 'verified' : 'unhashed'}.${sizeMiB}`;
      if (!verify) results.define(cpuId, `server CPU per GiB pulled, ${label(sizeMiB)}`, 'ms', { higherIsBetter: false });
      await alternate(ctx, [ctx.ours, ctx.distribution], async (target) => {
        const layer = pushed.get(`${target.key}:${sizeMiB}`)!;
        const cpu = cpuMeter(target.pid);
        const started = process.hrtime.bigint();
        await pullLayer(target, BLOB_REPO, layer, verify);
        results.add(id, target.key, rate(layer.size, started));
        const cpuPerGiB = verify ? undefined : cpu.perGiB(layer.size);
        if (cpuPerGiB !== undefined) results.add(cpuId, target.key, cpuPerGiB);
      });
      ctx.log(progress(results, id));
    }
  }
}

/** Pushes a one-layer image under `tag` and returns the manifest body. */
export async function pushSmallImage(target: Target, name: string, tag: string): Promise<string> {
  const layerBytes = randomBytes(4096);
  const configBytes = Buffer.from(JSON.stringify({ architecture: 'amd64', os: 'linux', rootfs: { type: 'layers', diff_ids: [] } }));
  const layer = await pushBytes(target, name, layerBytes);
  const config = await pushBytes(target, name, configBytes);
  const manifest = JSON.stringify({
    schemaVersion: 2,
    mediaType: OCI_MANIFEST,
    config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: config, size: configBytes.length },
    layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', digest: layer, size: layerBytes.length }],
  });
  await putManifest(target, name, tag, manifest);
  return manifest;
}

export async function manifestGets(ctx: BenchContext): Promise<void> {
  const { results, options } = ctx;
  const name = `${BENCH_PROJECT}/manifests`;
  const connections = options.manifestConnections;
  results.define('manifest.rps', `manifest GET by tag, ${connections} keep-alive connections, ${options.manifestSeconds} s`, 'req/s');
  results.define('manifest.p50', 'manifest GET by tag: latency p50', 'ms', { higherIsBetter: false });
  results.define('manifest.p99', 'manifest GET by tag: latency p99', 'ms', { higherIsBetter: false });
  const load = async (target: Target, seconds: number) => {
    // One token from /jwt/auth (scope pull), reused by every request, as docker does within a pull.
    const headers = { ...(await target.auth(`repository:${name}:pull`)), accept: DOCKER_ACCEPT };
    const result = await autocannon({ url: `${target.url}/v2/${name}/manifests/latest`, connections, duration: seconds, headers });
    if (result.non2xx > 0 || result.errors > 0) {
      throw new Error(`manifest load on ${target.key}: ${result.non2xx} non-2xx, ${result.errors} errors (${JSON.stringify(result.statusCodeStats)})`);
    }
    return result;
  };
  for (const target of [ctx.ours, ctx.distribution]) {
    await pushSmallImage(target, name, 'latest');
    await load(target, 2); // warm-up (JIT, connection pools, caches); not recorded
  }
  await alternate(ctx, [ctx.ours, ctx.distribution], async (target) => {
    const result = await load(target, options.manifestSeconds);
    results.add('manifest.rps', target.key, result.requests.total / result.duration);
    results.add('manifest.p50', target.key, result.latency.p50);
    results.add('manifest.p99', target.key, result.latency.p99);
  });
  ctx.log(progress(results, 'manifest.rps'));
}

/**
 * Untimed manifest PUTs before tag creation is timed. A server that has just started is still compiling its hot
 * paths (V8 tiers a function up only after many calls), filling its connection pool and planning its prepared
 * statements: measured on this machine, the api's CPU per manifest PUT kept falling for the first ~2 000 PUTs
 * (1.7 → 1.0 ms), while distribution's stays flat. A registry serves millions of pushes between restarts, so
 * the steady state is the figure; the first 200 PUTs were timed warm-up in earlier runs (docs/performance.md).
 */
const TAG_WARMUP = 2000;
const TAGS_PER_RUN = 500;

/** PUTs `manifest` under each of `tags`, `concurrency` requests at a time. */
async function putTags(target: Target, name: string, manifest: string, tags: string[], concurrency: number): Promise<void> {
  await inParallel(tags.length, concurrency, (i) => putManifest(target, name, tags[i], manifest));
}

export async function tagLists(ctx: BenchContext): Promise<void> {
  const { results, options } = ctx;
  const name = `${BENCH_PROJECT}/tags`;
  const count = options.tagCount;
  const concurrency = 16;
  results.define('tags.create', `tag creation: manifest PUT by a new tag, ${concurrency} concurrent (${TAGS_PER_RUN} tags a run)`, 'req/s', {
    note: `after ${TAG_WARMUP} untimed PUTs into another repository; each run PUTs new tags into a repository of its own`,
  });
  results.define('tags.full', `tags/list of ${count} tags without n (following Link)`, 'ms', { higherIsBetter: false });
  results.define('tags.walk', `tags/list paginated walk n=100 of ${count} tags`, 'ms', { higherIsBetter: false });
  const pages = new Map<string, number>();
  const created = `${name}-created`;
  const createdManifests = new Map<string, string>();
  for (const target of [ctx.ours, ctx.distribution]) {
    // Warm-up, not timed (see TAG_WARMUP), then the image every run tags.
    const warmupName = `${name}-warmup`;
    const warmupManifest = await pushSmallImage(target, warmupName, 'seed');
    await putTags(target, warmupName, warmupManifest, Array.from({ length: TAG_WARMUP }, (_, i) => `w${i}`), concurrency);
    createdManifests.set(target.key, await pushSmallImage(target, created, 'seed'));
    // The listed repository: one manifest and its tags written directly into the server's metadata (SQL rows for
    // cargohold, link files for distribution) to save minutes; how tags are made is not what its figures time.
    const manifest = await pushSmallImage(target, name, 'seed');
    const rest = Array.from({ length: count - 1 }, (_, i) => `b${String(i).padStart(6, '0')}`);
    await target.bulkTag(name, `sha256:${createHash('sha256').update(manifest).digest('hex')}`, rest);
  }
  await alternate(ctx, [ctx.ours, ctx.distribution], async (target, run) => {
    const started = process.hrtime.bigint();
    const tags = Array.from({ length: TAGS_PER_RUN }, (_, i) => `r${run}-${String(i).padStart(5, '0')}`);
    await putTags(target, created, createdManifests.get(target.key)!, tags, concurrency);
    results.add('tags.create', target.key, TAGS_PER_RUN / (Number(process.hrtime.bigint() - started) / 1e9));
  });
  ctx.log(progress(results, 'tags.create'));
  const expected = count; // "seed" and the directly written tags
  await alternate(ctx, [ctx.ours, ctx.distribution], async (target) => {
    const repeats = 5;
    const started = process.hrtime.bigint();
    for (let i = 0; i < repeats; i++) {
      // As a client lists tags without n: one request, following Link if the server pages (ours at 1 000 a page).
      let url: string | undefined = `/v2/${name}/tags/list`;
      let seen = 0;
      while (url) {
        const response = await getText(target, name, url);
        if (response.status !== 200) throw new Error(`${target.key} ${url}: ${response.status}`);
        seen += (JSON.parse(response.text) as { tags: string[] }).tags.length;
        const link = response.headers.link;
        url = typeof link === 'string' ? link.match(/<([^>]+)>;\s*rel="next"/)?.[1] : undefined;
      }
      if (seen !== expected) throw new Error(`${target.key} tags/list saw ${seen} tags, expected ${expected}`);
    }
    results.add('tags.full', target.key, Number(process.hrtime.bigint() - started) / 1e6 / repeats);

    const walkStarted = process.hrtime.bigint();
    let url: string | undefined = `/v2/${name}/tags/list?n=100`;
    let seen = 0;
    let requests = 0;
    while (url) {
      const response = await getText(target, name, url);
      if (response.status !== 200) throw new Error(`${target.key} ${url}: ${response.status}`);
      seen += (JSON.parse(response.text) as { tags: string[] }).tags.length;
      requests++;
      const link = response.headers.link;
      url = typeof link === 'string' ? link.match(/<([^>]+)>;\s*rel="next"/)?.[1] : undefined;
    }
    if (seen !== expected) throw new Error(`${target.key} walk saw ${seen} tags, expected ${expected}`);
    results.add('tags.walk', target.key, Number(process.hrtime.bigint() - walkStarted) / 1e6);
    pages.set(target.key, requests);
  });
  const walk = results.figures.get('tags.walk')!;
  walk.note = `requests per walk: cargohold ${pages.get('cargohold')}, distribution ${pages.get('distribution')}` +
    (pages.get('distribution') === 1 ? ' (distribution 2.8 ignores n on tags/list and returns every tag at once)' : '');
  ctx.log(progress(results, 'tags.full'));
  ctx.log(progress(results, 'tags.walk'));
}

export async function skopeoCopies(ctx: BenchContext): Promise<void> {
  for (const sizeMiB of ctx.options.skopeoLayerSizesMiB) await skopeoCopiesOf(ctx, sizeMiB);
}

async function skopeoCopiesOf(ctx: BenchContext, layerMiB: number): Promise<void> {
  const { results, options } = ctx;
  const image = `${options.skopeoLayers} layers × ${layerMiB} MiB`;
  const pushId = `skopeo.push.${layerMiB}`;
  const pullId = `skopeo.pull.${layerMiB}`;
  results.define(pushId, `skopeo copy push, ${image}`, 's', { higherIsBetter: false });
  results.define(pullId, `skopeo copy pull, ${image}`, 's', { higherIsBetter: false });
  const name = `${BENCH_PROJECT}/skopeo`;
  for (let run = 0; run < options.runs; run++) {
    // A fresh image per run (random, incompressible layers): a registry must receive every byte every time.
    const layout = buildOciLayout(mkdtempSync(path.join(ctx.workDir, 'layout-')), 'bench', [
      { layers: Array.from({ length: options.skopeoLayers }, (_, i) => ({ [`layer-${i}.bin`]: randomBytes(layerMiB * MiB) })) },
    ]);
    for (const target of [ctx.ours, ctx.distribution]) {
      const tag = `run${run}-${layerMiB}-${nonce}`;
      const ref = `docker://${target.host}/${name}:${tag}`;
      const destCreds = target.creds ? ['--dest-creds', target.creds] : [];
      const srcCreds = target.creds ? ['--src-creds', target.creds] : [];
      settleDisk();
      let started = process.hrtime.bigint();
      await runClient('skopeo', ['copy', '--retry-times', '0', '--dest-tls-verify=false', ...destCreds, `oci:${layout.dir}:bench`, ref]);
      results.add(pushId, target.key, Number(process.hrtime.bigint() - started) / 1e9);
      const out = mkdtempSync(path.join(ctx.workDir, 'pulled-'));
      // Both pulls start from the same page cache (empty): otherwise the one after distribution's push (which
      // filled the cache) and the one after ours (O_DIRECT, which does not) would write skopeo's output into
      // pages in different states, a cost of this VM's memory that decided the figure (docs/performance.md).
      settleDisk();
      try {
        started = process.hrtime.bigint();
        await runClient('skopeo', ['copy', '--retry-times', '0', '--src-tls-verify=false', ...srcCreds, ref, `dir:${out}`]);
        results.add(pullId, target.key, Number(process.hrtime.bigint() - started) / 1e9);
      } finally {
        rmSync(out, { recursive: true, force: true });
      }
    }
    rmSync(layout.dir, { recursive: true, force: true });
  }
  ctx.log(progress(results, pushId));
  ctx.log(progress(results, pullId));
}

function label(sizeMiB: number): string {
  return sizeMiB >= 1024 ? `${sizeMiB / 1024} GiB` : `${sizeMiB} MiB`;
}

function progress(results: Results, id: string): string {
  const figure = results.figures.get(id)!;
  const parts = (['cargohold', 'distribution', 'sink'] as const)
    .filter((who) => figure.samples[who])
    .map((who) => `${who} ${results.value(id, who)!.toFixed(1)}`);
  return `${figure.label}: ${parts.join(', ')} ${figure.unit}`;
}
