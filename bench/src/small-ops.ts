import { createHash, randomBytes } from 'node:crypto';
import { call, expectStatus, OCI_MANIFEST, pushBytes, putManifest, uploadDockerStyle } from './blob-client';
import { inParallel } from './concurrency';
import { headLoad } from './head-load';
import { BenchContext } from './scenarios';
import { BENCH_PROJECT, Target } from './targets';

/**
 * The small operations a CI push is made of (issue 24): a whole small image push, blob HEADs, a re-push of an
 * existing image under a new tag, cross-repository mounts. Each figure alternates the two registries per run.
 */
const SMALL_PUSHES = 40;
const REPUSHES = 60;
const MOUNTS = 200;
const MOUNT_CONCURRENCY = 8;
/** Untimed operations of each kind before the timed ones (see warmUp). */
const WARMUP = { smallPushes: 100, repushes: 300, mounts: 400 };
const KiB = 1024;

interface Blob {
  bytes: Buffer;
  digest: string;
}

function blob(bytes: Buffer): Blob {
  return { bytes, digest: `sha256:${createHash('sha256').update(bytes).digest('hex')}` };
}

function manifestOf(config: Blob, layers: Blob[]): string {
  return JSON.stringify({
    schemaVersion: 2,
    mediaType: OCI_MANIFEST,
    config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: config.digest, size: config.bytes.length },
    layers: layers.map((layer) => ({ mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', digest: layer.digest, size: layer.bytes.length })),
  });
}

function smallImage(): { config: Blob; layers: Blob[] } {
  const layers = [blob(randomBytes(4 * KiB)), blob(randomBytes(96 * KiB))];
  const config = blob(Buffer.from(JSON.stringify({ architecture: 'amd64', os: 'linux', rootfs: { type: 'layers', diff_ids: layers.map((l) => l.digest) }, nonce: randomBytes(8).toString('hex') })));
  return { config, layers };
}

async function head(target: Target, name: string, digest: string, auth: Record<string, string>): Promise<number> {
  const response = await call('HEAD', `${target.url}/v2/${name}/blobs/${digest}`, auth);
  await response.body.dump();
  return response.statusCode;
}

/** docker's sequence for one image whose blobs are new: HEAD each blob (404), upload the missing ones (POST, PATCH, PUT) in parallel, then the manifest. */
async function pushImageDockerStyle(target: Target, name: string, tag: string, auth: Record<string, string>): Promise<void> {
  const { config, layers } = smallImage();
  const blobs = [...layers, config];
  await Promise.all(
    blobs.map(async (b) => {
      if ((await head(target, name, b.digest, auth)) === 200) return;
      await uploadDockerStyle(target, name, b.bytes, b.digest, auth);
    }),
  );
  await putManifest(target, name, tag, manifestOf(config, layers));
}

/** docker's re-push of an image whose blobs all exist: GET /v2/, a token, a HEAD per layer, the manifest under `tag`. */
async function repush(target: Target, name: string, layers: Blob[], manifest: string, tag: string): Promise<void> {
  const ping = await call('GET', `${target.url}/v2/`, {});
  await ping.body.dump();
  const auth = await target.freshAuth(`repository:${name}:pull,push`);
  const statuses = await Promise.all(layers.map((layer) => head(target, name, layer.digest, auth)));
  if (statuses.some((status) => status !== 200)) throw new Error(`${target.key} re-push HEAD: ${statuses.join(',')}`);
  const response = await call('PUT', `${target.url}/v2/${name}/manifests/${tag}`, { ...auth, 'content-type': OCI_MANIFEST }, manifest);
  await expectStatus(response, 201, 're-push manifest PUT');
  await response.body.dump();
}

/** Mounts each of `layers` from `source` into `destination`, `concurrency` at a time. */
async function mountAll(target: Target, source: string, destination: string, layers: Blob[], concurrency: number): Promise<void> {
  const auth = await target.auth(`repository:${destination}:pull,push repository:${source}:pull`);
  await inParallel(layers.length, concurrency, async (i) => {
    const url = `${target.url}/v2/${destination}/blobs/uploads/?mount=${encodeURIComponent(layers[i].digest)}&from=${encodeURIComponent(source)}`;
    const response = await call('POST', url, { ...auth, 'content-length': '0' });
    await expectStatus(response, 201, 'mount');
    await response.body.dump();
  });
}

/**
 * Untimed rounds of every operation below, in repositories of their own. A freshly started api is still compiling
 * its hot paths, planning its prepared statements and filling its connection pool: its CPU per request keeps falling
 * for the first thousand or two requests of a kind (token requests: 3.3 → 2.0 ms of api CPU over the first 3 000,
 * measured on this machine), while distribution's does not move. A registry answers millions of requests between
 * restarts, so the warm state is the one to compare; five small pushes were the whole warm-up in earlier runs.
 */
async function warmUp(target: Target, pushRepo: string): Promise<void> {
  const auth = await target.auth(`repository:${pushRepo}:pull,push`);
  for (let i = 0; i < WARMUP.smallPushes; i++) await pushImageDockerStyle(target, pushRepo, `warmup-${i}`, auth);
  const repo = `${BENCH_PROJECT}/warmup-repush`;
  const layers = Array.from({ length: 5 }, () => blob(randomBytes(32 * KiB)));
  const config = blob(Buffer.from(JSON.stringify({ architecture: 'amd64', os: 'linux', nonce: randomBytes(8).toString('hex') })));
  for (const b of [...layers, config]) await pushBytes(target, repo, b.bytes);
  const manifest = manifestOf(config, layers);
  for (let i = 0; i < WARMUP.repushes; i++) await repush(target, repo, layers, manifest, `warmup-${i}`);
  const mounted = Array.from({ length: WARMUP.mounts }, () => blob(randomBytes(4 * KiB)));
  for (const layer of mounted) await pushBytes(target, `${repo}-source`, layer.bytes);
  await mountAll(target, `${repo}-source`, `${repo}-mounted`, mounted, MOUNT_CONCURRENCY);
}

function perOperationMs(started: bigint, count: number): number {
  return Number(process.hrtime.bigint() - started) / 1e6 / count;
}

export async function smallOperations(ctx: BenchContext): Promise<void> {
  const { results, options } = ctx;
  const targets = [ctx.ours, ctx.distribution];
  const pushRepo = `${BENCH_PROJECT}/small`;
  results.define('small.push', `small image push (config + 4 KiB + 96 KiB layers + OCI manifest; HEADs, POST/PATCH/PUT, manifest PUT; reused token), ${SMALL_PUSHES} in a row`, 'ms', {
    higherIsBetter: false,
  });
  results.define('blob.head.rps', `blob HEAD of an existing layer, ${options.manifestConnections} keep-alive connections, ${options.manifestSeconds} s`, 'req/s');
  results.define('blob.head.p99', 'blob HEAD of an existing layer: latency p99', 'ms', { higherIsBetter: false });
  results.define('repush', `re-push of an existing 5-layer image under a new tag (GET /v2/, token, 5 HEADs, manifest PUT), ${REPUSHES} in a row`, 'ms', {
    higherIsBetter: false,
  });
  results.define('mount.rps', `cross-repository blob mount, ${MOUNT_CONCURRENCY} concurrent (${MOUNTS} mounts)`, 'req/s');

  // Warm-up (JIT, pools, plans), not recorded: every operation timed below, a few hundred times (WARMUP).
  for (const target of targets) await warmUp(target, pushRepo);

  // Small image push: one token per run, reused by every request (as docker within one push).
  for (let run = 0; run < options.runs; run++) {
    for (const target of targets) {
      const auth = await target.auth(`repository:${pushRepo}:pull,push`);
      const started = process.hrtime.bigint();
      for (let i = 0; i < SMALL_PUSHES; i++) await pushImageDockerStyle(target, pushRepo, `r${run}-${i}`, auth);
      results.add('small.push', target.key, perOperationMs(started, SMALL_PUSHES));
    }
  }
  ctx.log(progressOf(ctx, 'small.push'));

  // Re-push: an existing 5-layer image under a new tag, as docker does it on every CI build of unchanged content.
  const repushRepo = `${BENCH_PROJECT}/repush`;
  const fiveLayers = Array.from({ length: 5 }, () => blob(randomBytes(32 * KiB)));
  const repushConfig = blob(Buffer.from(JSON.stringify({ architecture: 'amd64', os: 'linux', nonce: randomBytes(8).toString('hex') })));
  const repushManifest = manifestOf(repushConfig, fiveLayers);
  for (const target of targets) {
    for (const b of [...fiveLayers, repushConfig]) await pushBytes(target, repushRepo, b.bytes);
    await putManifest(target, repushRepo, 'base', repushManifest);
  }
  for (let run = 0; run < options.runs; run++) {
    for (const target of targets) {
      const started = process.hrtime.bigint();
      for (let i = 0; i < REPUSHES; i++) await repush(target, repushRepo, fiveLayers, repushManifest, `r${run}-${i}`);
      results.add('repush', target.key, perOperationMs(started, REPUSHES));
    }
  }
  ctx.log(progressOf(ctx, 'repush'));

  // Blob HEAD of an existing layer under load (docker's "layer already exists" check).
  const headDigest = fiveLayers[0].digest;
  const headLoadOf = async (target: Target, seconds: number) => {
    const headers = await target.auth(`repository:${repushRepo}:pull`);
    return headLoad(target.url, `/v2/${repushRepo}/blobs/${headDigest}`, headers, options.manifestConnections, seconds);
  };
  for (const target of targets) await headLoadOf(target, 2);
  for (let run = 0; run < options.runs; run++) {
    for (const target of targets) {
      const result = await headLoadOf(target, options.manifestSeconds);
      ctx.log(`blob HEAD ${target.key}: ${result.rps.toFixed(0)} req/s, bench client CPU ${(result.clientCpu * 100).toFixed(0)}% of a core`);
      results.add('blob.head.rps', target.key, result.rps);
      results.add('blob.head.p99', target.key, result.p99);
    }
  }
  ctx.log(progressOf(ctx, 'blob.head.rps'));
  ctx.log(progressOf(ctx, 'blob.head.p99'));

  // Cross-repository mounts: distinct existing layers of one repository mounted into another.
  const sourceRepo = `${BENCH_PROJECT}/mount-source`;
  for (let run = 0; run < options.runs; run++) {
    for (const target of targets) {
      const layers = Array.from({ length: MOUNTS }, () => blob(randomBytes(4 * KiB)));
      for (const layer of layers) await pushBytes(target, sourceRepo, layer.bytes);
      const destination = `${BENCH_PROJECT}/mount-${run}`;
      await target.auth(`repository:${destination}:pull,push repository:${sourceRepo}:pull`); // the token, not timed
      const started = process.hrtime.bigint();
      await mountAll(target, sourceRepo, destination, layers, MOUNT_CONCURRENCY);
      results.add('mount.rps', target.key, MOUNTS / (Number(process.hrtime.bigint() - started) / 1e9));
    }
  }
  ctx.log(progressOf(ctx, 'mount.rps'));
}

function progressOf(ctx: BenchContext, id: string): string {
  const figure = ctx.results.figures.get(id)!;
  const ours = ctx.results.value(id, 'cargohold')!;
  const theirs = ctx.results.value(id, 'distribution')!;
  return `${figure.label}: cargohold ${ours.toFixed(2)}, distribution ${theirs.toFixed(2)} ${figure.unit} (${ctx.results.ratio(id)?.toFixed(2)}x)`;
}
