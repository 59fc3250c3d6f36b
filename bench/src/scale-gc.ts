import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { loadavg } from 'node:os';
import * as path from 'node:path';
import { createTestDatabase, digestOf, pushBlob, putManifest, RegistrySession, seedProject, spawnProcess, startPlatform, TestDatabase } from '@cargohold/testing';
import { writeDocSection } from './doc-section';
import { cpuMs } from './process-usage';

/**
 * `BENCH_SCALE_ONLY=gc pnpm bench:scale`: online GC at scale on the filesystem driver (issue 24). Seeds, with SQL and
 * files written straight into the store's layout (no HTTP), `BENCH_SCALE_GC_BLOBS` unreferenced blobs whose review is
 * due (as a blob DELETE leaves them) and `BENCH_SCALE_GC_MANIFESTS` untagged manifests whose review is due (as a tag
 * delete leaves them), each with its own config blob and a layer shared with the repository's tagged image. Then starts
 * the real worker and times its GC until every seeded manifest and blob (the configs the manifests release included)
 * is gone, while pushes and pulls run in the same repositories; reports their p99 during GC, and checks afterwards that
 * every image pushed meanwhile still pulls whole. Not a test: nothing asserts a time.
 */
const BLOBS = Number(process.env.BENCH_SCALE_GC_BLOBS ?? 100_000);
const MANIFESTS = Number(process.env.BENCH_SCALE_GC_MANIFESTS ?? 100_000);
const TIMEOUT_S = Number(process.env.BENCH_SCALE_GC_TIMEOUT ?? 900);
const REPOS = ['gcscale/app-0', 'gcscale/app-1', 'gcscale/app-2', 'gcscale/app-3'];
const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
const CONFIG_TYPE = 'application/vnd.oci.image.config.v1+json';
const LAYER_TYPE = 'application/vnd.oci.image.layer.v1.tar';
/** Marks seeded blob rows, so progress is one count (nothing reads a blob row's media type for these). */
const SEEDED = 'application/x-cargohold-gc-bench';
const CHUNK = 10_000;
const DOC = path.resolve(__dirname, '../../docs/performance.md');

interface Image {
  repo: string;
  tag: string;
  blobs: string[];
}

function percentile(values: number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

function blobPath(dataDir: string, digest: string): string {
  const hex = digest.slice('sha256:'.length);
  return path.join(dataDir, 'blobs', 'sha256', hex.slice(0, 2), hex);
}

/** Writes files into the store's layout, a bounded number at a time. */
async function writeFiles(dataDir: string, files: Array<{ digest: string; bytes: Buffer }>): Promise<void> {
  for (let i = 0; i < 256; i++) mkdirSync(path.join(dataDir, 'blobs', 'sha256', i.toString(16).padStart(2, '0')), { recursive: true });
  let next = 0;
  await Promise.all(
    Array.from({ length: 32 }, async () => {
      while (next < files.length) {
        const file = files[next++];
        await writeFile(blobPath(dataDir, file.digest), file.bytes);
      }
    }),
  );
}

function manifestFor(config: { digest: string; size: number }, layers: Array<{ digest: string; size: number }>): string {
  return JSON.stringify({
    schemaVersion: 2,
    mediaType: OCI_MANIFEST,
    config: { mediaType: CONFIG_TYPE, ...config },
    layers: layers.map((layer) => ({ mediaType: LAYER_TYPE, ...layer })),
  });
}

/** The garbage: unreferenced blobs with due reviews, and untagged manifests (own config, shared layer) with due reviews. */
async function seed(db: TestDatabase, dataDir: string, repoIds: number[], shared: Map<number, { digest: string; size: number }>): Promise<void> {
  const blobFiles = Array.from({ length: BLOBS }, (_, i) => Buffer.from(`gc-bench unreferenced blob ${i} ${randomBytes(4).toString('hex')}\n`));
  const configFiles = Array.from({ length: MANIFESTS }, (_, i) => Buffer.from(`{"gc-bench-config":${i},"nonce":"${randomBytes(4).toString('hex')}"}`));
  const files = [...blobFiles, ...configFiles].map((bytes) => ({ digest: digestOf(bytes), bytes }));
  await writeFiles(dataDir, files);
  for (let at = 0; at < files.length; at += CHUNK) {
    const chunk = files.slice(at, at + CHUNK);
    await db.query(`INSERT INTO blobs (digest, size, media_type, created_at) SELECT d, s, $3, now() - interval '2 days' FROM unnest($1::text[], $2::bigint[]) AS t(d, s)`, [
      chunk.map((f) => f.digest),
      chunk.map((f) => f.bytes.length),
      SEEDED,
    ]);
  }
  const unreferenced = files.slice(0, BLOBS).map((f) => f.digest);
  for (let at = 0; at < unreferenced.length; at += CHUNK) {
    await db.query(`INSERT INTO gc_blob_review_queue (blob_digest, review_after, reason) SELECT d, now() - interval '1 hour', 'blob_unlinked' FROM unnest($1::text[]) AS d`, [
      unreferenced.slice(at, at + CHUNK),
    ]);
  }
  const configs = files.slice(BLOBS);
  for (let at = 0; at < configs.length; at += CHUNK) {
    const chunk = configs.slice(at, at + CHUNK);
    const repo = chunk.map((_, i) => repoIds[(at + i) % repoIds.length]);
    const payloads = chunk.map((config, i) => manifestFor({ digest: config.digest, size: config.bytes.length }, [shared.get(repo[i])!]));
    // One statement per chunk: the manifests, their blob lists, their repository links and their due reviews.
    await db.query(
      `WITH input AS (
         SELECT r, cfg, p, l FROM unnest($1::bigint[], $2::text[], $3::text[], $4::text[]) AS t(r, cfg, p, l)),
       inserted AS (
         INSERT INTO manifests (repository_id, digest, media_type, config_digest, total_size, payload, created_at)
         SELECT r, 'sha256:' || encode(sha256(convert_to(p, 'UTF8')), 'hex'), $5, cfg, 0, convert_to(p, 'UTF8'), now() - interval '2 days' FROM input
         RETURNING id, repository_id, config_digest),
       blob_lists AS (
         INSERT INTO manifest_blobs (manifest_id, blob_digest)
         SELECT i.id, d FROM inserted i JOIN input ON input.cfg = i.config_digest, LATERAL (VALUES (input.cfg), (input.l)) AS v(d)),
       links AS (
         INSERT INTO repository_blobs (repository_id, blob_digest, created_at) SELECT repository_id, config_digest, now() - interval '2 days' FROM inserted)
       INSERT INTO gc_manifest_review_queue (manifest_id, review_after, reason) SELECT id, now() - interval '1 hour', 'tag_deleted' FROM inserted`,
      [repo, chunk.map((f) => f.digest), payloads, repo.map((r) => shared.get(r)!.digest), OCI_MANIFEST],
    );
  }
  await db.query('ANALYZE');
}

/** Pushes (own config and layer, plus the shared layer) and pulls (tagged manifest, shared layer) in loops until stopped. */
function driveClients(url: string, token: string, shared: Map<string, { digest: string; size: number }>, stop: { done: boolean }) {
  const pushes: number[] = [];
  const pulls: number[] = [];
  const errors: string[] = [];
  const images: Image[] = [];
  const pusher = async (worker: number) => {
    const repo = REPOS[worker % REPOS.length];
    const session = new RegistrySession(url, { username: 'root', password: token });
    for (let n = 0; !stop.done; n++) {
      const started = process.hrtime.bigint();
      try {
        const configBytes = Buffer.from(`{"live":${worker},"n":${n},"nonce":"${randomBytes(4).toString('hex')}"}`);
        const layerBytes = randomBytes(2048);
        const config = await pushBlob(url, repo, configBytes, session.fetch);
        const layer = await pushBlob(url, repo, layerBytes, session.fetch);
        const common = shared.get(repo)!;
        const head = await session.fetch(`${url}/v2/${repo}/blobs/${common.digest}`, { method: 'HEAD' });
        if (head.status !== 200) throw new Error(`HEAD shared layer: ${head.status}`);
        const tag = `live-${worker}-${n}`;
        const manifest = manifestFor({ digest: config, size: configBytes.length }, [common, { digest: layer, size: layerBytes.length }]);
        const put = await putManifest(url, repo, tag, manifest, OCI_MANIFEST, session.fetch);
        if (put.status !== 201) throw new Error(`manifest PUT: ${put.status} ${await put.text()}`);
        images.push({ repo, tag, blobs: [config, common.digest, layer] });
        pushes.push(Number(process.hrtime.bigint() - started) / 1e6);
      } catch (error) {
        errors.push(`push ${repo}: ${(error as Error).message}`);
      }
    }
  };
  const puller = async (worker: number) => {
    const repo = REPOS[worker % REPOS.length];
    const session = new RegistrySession(url, { username: 'root', password: token });
    while (!stop.done) {
      const started = process.hrtime.bigint();
      try {
        const manifest = await session.fetch(`${url}/v2/${repo}/manifests/latest`, { headers: { Accept: OCI_MANIFEST } });
        if (manifest.status !== 200) throw new Error(`manifest GET: ${manifest.status}`);
        await manifest.arrayBuffer();
        const blob = await session.fetch(`${url}/v2/${repo}/blobs/${shared.get(repo)!.digest}`);
        if (blob.status !== 200) throw new Error(`blob GET: ${blob.status}`);
        await blob.arrayBuffer();
        pulls.push(Number(process.hrtime.bigint() - started) / 1e6);
      } catch (error) {
        errors.push(`pull ${repo}: ${(error as Error).message}`);
      }
    }
  };
  const running = Promise.all([...[0, 1, 2, 3].map(pusher), ...[0, 1, 2, 3].map(puller)]);
  return { pushes, pulls, errors, images, running };
}

/** Every image pushed during GC pulls whole afterwards: its manifest, and each blob with the bytes of its digest. */
async function verifyImages(url: string, token: string, images: Image[]): Promise<string[]> {
  const session = new RegistrySession(url, { username: 'root', password: token });
  const broken: string[] = [];
  for (const image of images) {
    const manifest = await session.fetch(`${url}/v2/${image.repo}/manifests/${image.tag}`, { headers: { Accept: OCI_MANIFEST } });
    if (manifest.status !== 200) broken.push(`${image.repo}:${image.tag} manifest ${manifest.status}`);
    await manifest.arrayBuffer();
    for (const digest of image.blobs) {
      const blob = await session.fetch(`${url}/v2/${image.repo}/blobs/${digest}`);
      const bytes = Buffer.from(await blob.arrayBuffer());
      if (blob.status !== 200 || `sha256:${createHash('sha256').update(bytes).digest('hex')}` !== digest) broken.push(`${image.repo}:${image.tag} blob ${digest} ${blob.status}`);
    }
  }
  return broken;
}

export async function runGcScaleBench(): Promise<void> {
  const log = (line: string) => process.stderr.write(`[bench:scale gc] ${line}\n`);
  const db = await createTestDatabase('ch_bench_scale_gc');
  // GC_REVIEW_DELAY=5: the configs a manifest review releases are due 5 s later (and the worker reviews every 5 s).
  const platform = await startPlatform({ databaseUrl: db.url, worker: false, env: { LOG_LEVEL: 'warn', GC_REVIEW_DELAY: '5', PULL_RATE_LIMIT_AUTHENTICATED: '0' } });
  let worker: ReturnType<typeof spawnProcess> | undefined;
  try {
    const registry = new RegistrySession(platform.url, { username: 'root', password: platform.adminToken });
    const shared = new Map<string, { digest: string; size: number }>();
    const repoIds: number[] = [];
    const sharedById = new Map<number, { digest: string; size: number }>();
    for (const repo of REPOS) {
      await seedProject(db, repo);
      const configBytes = Buffer.from(`{"tagged":"${repo}"}`);
      const layerBytes = randomBytes(64 * 1024);
      const config = await pushBlob(platform.url, repo, configBytes, registry.fetch);
      const layer = await pushBlob(platform.url, repo, layerBytes, registry.fetch);
      const manifest = manifestFor({ digest: config, size: configBytes.length }, [{ digest: layer, size: layerBytes.length }]);
      if ((await putManifest(platform.url, repo, 'latest', manifest, OCI_MANIFEST, registry.fetch)).status !== 201) throw new Error('manifest push failed');
      shared.set(repo, { digest: layer, size: layerBytes.length });
      const id = Number((await db.query<{ id: string }>(`SELECT id FROM repositories WHERE path = $1`, [repo]))[0].id);
      repoIds.push(id);
      sharedById.set(id, shared.get(repo)!);
    }
    const seedStarted = Date.now();
    log(`seeding ${BLOBS} unreferenced blobs and ${MANIFESTS} untagged manifests (files in ${platform.dataDir})`);
    await seed(db, platform.dataDir, repoIds, sharedById);
    log(`seeded in ${((Date.now() - seedStarted) / 1000).toFixed(1)} s`);
    const left = async () => {
      const [row] = await db.query<{ manifests: string; blobs: string }>(
        `SELECT (SELECT count(*) FROM manifests WHERE created_at < now() - interval '1 day') AS manifests,
                (SELECT count(*) FROM blobs WHERE media_type = $1) AS blobs`,
        [SEEDED],
      );
      return { manifests: Number(row.manifests), blobs: Number(row.blobs) };
    };

    const stop = { done: false };
    const clients = driveClients(platform.url, platform.adminToken, shared, stop);
    await new Promise((resolve) => setTimeout(resolve, 3000)); // the clients' own baseline before GC starts
    const before = { pushes: clients.pushes.length, pulls: clients.pulls.length };
    const load = loadavg()[0];
    const started = Date.now();
    // BENCH_PROFILE_DIR=/some/dir: the worker writes a .cpuprofile there when it stops (open it in Chrome DevTools).
    // BENCH_SCALE_GC_PGOPTIONS='-c log_min_duration_statement=0 -c log_parameter_max_length=0': the worker's sessions
    // log every statement with its duration to the server log (pg_stat_statements needs a server restart).
    const profileDir = process.env.BENCH_PROFILE_DIR;
    const profiling: Record<string, string> = profileDir ? { BENCH_PROFILE_DIR: path.resolve(profileDir), NODE_OPTIONS: `--require ${path.join(__dirname, 'cpu-profile.js')}` } : {};
    const pgOptions = process.env.BENCH_SCALE_GC_PGOPTIONS;
    worker = spawnProcess('worker', { ...platform.env, ...profiling, ...(pgOptions ? { PGOPTIONS: pgOptions } : {}) });
    const workerPid = worker.child.pid!;
    // CPU of the worker and of its PostgreSQL backends (the machine is shared: CPU per item is steadier than seconds).
    const backendCpu = new Map<number, number>();
    const sampleCpu = async () => {
      const rows = await db.query<{ pid: number }>(`SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND application_name = 'cargohold-worker'`);
      for (const { pid } of rows) backendCpu.set(pid, cpuMs(pid) ?? backendCpu.get(pid) ?? 0);
    };
    let workerCpu = 0;
    let manifestsDoneAt: number | undefined;
    let remaining = await left();
    let logged = started;
    while ((remaining.manifests > 0 || remaining.blobs > 0) && Date.now() - started < TIMEOUT_S * 1000) {
      await new Promise((resolve) => setTimeout(resolve, 1000));
      remaining = await left();
      workerCpu = cpuMs(workerPid) ?? workerCpu;
      await sampleCpu();
      if (remaining.manifests === 0 && manifestsDoneAt === undefined) manifestsDoneAt = Date.now();
      if (Date.now() - logged >= 10_000) {
        logged = Date.now();
        log(`${((Date.now() - started) / 1000).toFixed(0)} s: ${remaining.manifests} manifests, ${remaining.blobs} blobs left`);
      }
    }
    const seconds = (Date.now() - started) / 1000;
    const during = { pushes: clients.pushes.slice(before.pushes), pulls: clients.pulls.slice(before.pulls) };
    stop.done = true;
    await clients.running;
    const broken = await verifyImages(platform.url, platform.adminToken, clients.images);
    const reclaimed = { manifests: MANIFESTS - remaining.manifests, blobs: BLOBS + MANIFESTS - remaining.blobs };
    const done = remaining.manifests === 0 && remaining.blobs === 0;
    const items = reclaimed.manifests + reclaimed.blobs;
    const pgCpu = [...backendCpu.values()].reduce((sum, ms) => sum + ms, 0);
    const perThousand = (ms: number) => ms / items; // ms per item = s per 1 000 items
    log(`${done ? 'done' : 'TIMED OUT'} in ${seconds.toFixed(1)} s; ${broken.length} broken images of ${clients.images.length}; ${clients.errors.length} client errors`);
    for (const error of [...new Set(clients.errors)].slice(0, 10)) log(`  client error: ${error}`);
    for (const image of broken.slice(0, 10)) log(`  broken: ${image}`);

    const figures = {
      seeded: { unreferenced_blobs: BLOBS, untagged_manifests: MANIFESTS, released_configs: MANIFESTS },
      gc: { done, seconds, manifests_done_seconds: manifestsDoneAt ? (manifestsDoneAt - started) / 1000 : null, reclaimed, load_at_start: load, load_at_end: loadavg()[0] },
      cpu_s: { worker: workerCpu / 1000, worker_pg_backends: pgCpu / 1000, worker_per_1000_items: perThousand(workerCpu), pg_per_1000_items: perThousand(pgCpu) },
      push_ms: { p50: percentile(during.pushes, 50), p99: percentile(during.pushes, 99), max: Math.max(...during.pushes), count: during.pushes.length },
      pull_ms: { p50: percentile(during.pulls, 50), p99: percentile(during.pulls, 99), max: Math.max(...during.pulls), count: during.pulls.length },
      client_errors: clients.errors.length,
      images_pushed: clients.images.length,
      images_broken: broken.length,
    };
    const table = [
      `| figure (${BLOBS} unreferenced blobs, ${MANIFESTS} untagged manifests) | value |`,
      '| --- | ---: |',
      `| online GC until all reclaimed (${reclaimed.manifests} manifests, ${reclaimed.blobs} blobs; ${done ? 'done' : 'timed out'}) | ${seconds.toFixed(1)} s |`,
      `| of which the manifests | ${figures.gc.manifests_done_seconds?.toFixed(1) ?? '-'} s |`,
      `| CPU: worker / its PostgreSQL backends (per 1 000 items) | ${(workerCpu / 1000).toFixed(1)} s / ${(pgCpu / 1000).toFixed(1)} s (${perThousand(workerCpu).toFixed(2)} / ${perThousand(pgCpu).toFixed(2)} s) |`,
      `| image push during GC (2 blobs, HEAD, manifest), p50 / p99 / max (${during.pushes.length}) | ${figures.push_ms.p50.toFixed(1)} / ${figures.push_ms.p99.toFixed(1)} / ${figures.push_ms.max.toFixed(1)} ms |`,
      `| image pull during GC (manifest, layer), p50 / p99 / max (${during.pulls.length}) | ${figures.pull_ms.p50.toFixed(1)} / ${figures.pull_ms.p99.toFixed(1)} / ${figures.pull_ms.max.toFixed(1)} ms |`,
      `| client errors; images pushed during GC that no longer pull whole | ${clients.errors.length}; ${broken.length} of ${clients.images.length} |`,
    ].join('\n');
    process.stdout.write(`${table}\nBENCH_SCALE_GC_JSON ${JSON.stringify(figures)}\n`);
    writeGcSection(table, load);
  } finally {
    await worker?.stop();
    await platform.stop();
    await db.drop();
  }
}

/** The GC part of the scale section of docs/performance.md (its own markers; the tag part is scale.ts's). */
function writeGcSection(table: string, load: number): void {
  const begin = '<!-- bench:scale-gc begin -->';
  const end = '<!-- bench:scale-gc end -->';
  const when = new Date().toISOString().slice(0, 16).replace('T', ' ');
  const section = `${begin}\n## Scale: online GC (\`BENCH_SCALE_ONLY=gc pnpm bench:scale\`, ${when} UTC, load average ${load.toFixed(1)})\n\nSeeded with SQL and files written into the filesystem store: unreferenced blobs with due reviews, untagged manifests with due reviews (each with its own config blob, which its review releases, and a layer shared with the repository's tagged image), in 4 repositories. Timed from the worker's start (\`GC_REVIEW_DELAY=5\`) until every seeded manifest and blob is gone, while 4 clients push and 4 pull in the same repositories.\n\n${table}\n${end}`;
  writeDocSection(DOC, begin, end, section);
}
