import { randomBytes } from 'node:crypto';
import * as path from 'node:path';
import { createTestDatabase, pushBlob, putManifest, RegistrySession, seedProject, startPlatform } from '@cargohold/testing';
import { writeDocSection as writeSection } from './doc-section';
import { runGcScaleBench } from './scale-gc';
import { measureWebTagList, webTagListRow } from './scale-web';

/**
 * `pnpm bench:scale`: this platform alone at GitLab's scale complaints (no counterpart in distribution):
 * the REST tag listing of a repository with 100 000 tags, page by page (the management API issue asks for
 * well under 50 ms a page), and a cleanup policy run over those tags (the worker issue: all of them in under
 * a minute), reported as tags/s. Setup writes the tag rows with SQL; everything measured goes through HTTP
 * and the real worker. Not a test: nothing asserts a time.
 */
const TAGS = Number(process.env.BENCH_SCALE_TAGS ?? 100_000);
const PAGES = Number(process.env.BENCH_SCALE_PAGES ?? 200);
const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
const REPO = 'scale/app';
const DOC = path.resolve(__dirname, '../../docs/performance.md');

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

async function timed(run: () => Promise<Response>): Promise<{ ms: number; response: Response }> {
  const started = process.hrtime.bigint();
  const response = await run();
  await response.arrayBuffer().catch(() => undefined);
  return { ms: Number(process.hrtime.bigint() - started) / 1e6, response };
}

async function main(): Promise<void> {
  const log = (line: string) => process.stderr.write(`[bench:scale] ${line}\n`);
  const db = await createTestDatabase('ch_bench_scale');
  const platform = await startPlatform({ databaseUrl: db.url, env: { LOG_LEVEL: 'warn', CLEANUP_SCHEDULE_INTERVAL: '1', PULL_RATE_LIMIT_AUTHENTICATED: '0' } });
  try {
    await seedProject(db, REPO);
    const registry = new RegistrySession(platform.url, { username: 'root', password: platform.adminToken });
    const configBytes = Buffer.from(`{"nonce":"${randomBytes(4).toString('hex')}"}`);
    const config = await pushBlob(platform.url, REPO, configBytes, registry.fetch);
    // The descriptor's size must be the blob's (pushes with a wrong size are refused).
    const manifest = JSON.stringify({ schemaVersion: 2, mediaType: OCI_MANIFEST, config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: config, size: configBytes.length }, layers: [] });
    if ((await putManifest(platform.url, REPO, 'latest', manifest, OCI_MANIFEST, registry.fetch)).status !== 201) throw new Error('manifest push failed');
    log(`writing ${TAGS} tag rows`);
    // Zero-padded to the width of TAGS itself, so names stay distinct and in numeric order at any count (a fixed
    // width of 6 turned 1000000 into a second "100000" and the insert failed on the unique index).
    const width = String(TAGS).length;
    await db.query(
      `INSERT INTO tags (repository_id, name, manifest_id, created_at, updated_at)
       SELECT t.repository_id, 'build-' || lpad(i::text, ${width}, '0'), t.manifest_id, now() - make_interval(days => 30, secs => i), now() - make_interval(days => 30, secs => i)
       FROM tags t, generate_series(1, ${TAGS}) AS i WHERE t.name = 'latest'`,
    );
    // What autovacuum does after a bulk insert (PostgreSQL 13+ vacuums insert-only tables too): statistics, and
    // the visibility map that lets index-only scans skip the heap. Measuring before it would time a state that
    // a real repository with a million tags is never in for long.
    await db.query('VACUUM ANALYZE tags');
    const repositoryId = (await db.query<{ id: number }>(`SELECT id FROM repositories WHERE path = $1`, [REPO]))[0].id;
    const base = `${platform.url}/api/v4/projects/${encodeURIComponent('scale')}%2Fapp/registry/repositories/${repositoryId}/tags`;
    const headers = { 'PRIVATE-TOKEN': platform.adminToken };

    // Keyset walk from the start, following Link rel="next", as GitLab's docs recommend for big repositories.
    const keyset: number[] = [];
    let next: string | null = `${base}?pagination=keyset&per_page=100&order_by=name&sort=asc`;
    for (let page = 0; page < PAGES && next; page++) {
      const { ms, response } = await timed(() => fetch(next!, { headers }));
      keyset.push(ms);
      const link = response.headers.get('link');
      next = link?.match(/<([^>]+)>;\s*rel="next"/)?.[1] ?? null;
    }
    // Offset pages spread over the whole repository (deep offsets are the slow case in GitLab).
    const offset: number[] = [];
    const lastPage = Math.ceil(TAGS / 100);
    for (let i = 0; i < PAGES; i++) {
      const page = 1 + Math.floor((i / PAGES) * lastPage);
      offset.push((await timed(() => fetch(`${base}?per_page=100&page=${page}`, { headers }))).ms);
    }
    log(`keyset p50 ${percentile(keyset, 50).toFixed(1)} ms, offset p50 ${percentile(offset, 50).toFixed(1)} ms`);
    const web = await measureWebTagList(platform, db, REPO, repositoryId);
    // Offset pages by depth: the first, the middle and the last tenth of the repository.
    const offsetBands = bands(offset);

    // /v2/ tags/list?n=100&last=..., as a docker client walks it: `PAGES` consecutive pages from three points of
    // the repository (its start, its middle and its end), each page following the previous one's Link.
    const name = (i: number) => `build-${String(i).padStart(width, '0')}`;
    const walks: Record<string, number[]> = {};
    for (const [label, from] of [['start', undefined], ['middle', name(Math.floor(TAGS / 2))], ['end', name(Math.max(1, TAGS - PAGES * 100))]] as const) {
      const times: number[] = [];
      let url: string | null = `/v2/${REPO}/tags/list?n=100${from ? `&last=${from}` : ''}`;
      await (await registry.fetch(url)).arrayBuffer(); // the token, not timed
      for (let page = 0; page < PAGES && url; page++) {
        const { ms, response }: { ms: number; response: Response } = await timed(() => registry.fetch(url!));
        if (response.status !== 200) throw new Error(`tags/list ${url}: ${response.status}`);
        times.push(ms);
        url = response.headers.get('link')?.match(/<([^>]+)>;\s*rel="next"/)?.[1] ?? null;
      }
      walks[label] = times;
    }
    log(`/v2/ tags/list n=100 p50 start ${percentile(walks.start, 50).toFixed(1)}, middle ${percentile(walks.middle, 50).toFixed(1)}, end ${percentile(walks.end, 50).toFixed(1)} ms`);

    // A cleanup policy over every tag: keep the 10 newest, delete the rest (all are 30 days old).
    const project = `${platform.url}/api/v4/projects/scale%2Fapp`;
    const put = await fetch(project, {
      method: 'PUT',
      headers: { ...headers, 'Content-Type': 'application/json' },
      body: JSON.stringify({ container_expiration_policy_attributes: { enabled: true, keep_n: 10, older_than: '7d', name_regex: 'build-.*' } }),
    });
    if (put.status !== 200) throw new Error(`policy: ${put.status} ${await put.text()}`);
    const started = Date.now();
    const run = (await (await fetch(`${project}/registry/cleanup_policy/runs`, { method: 'POST', headers })).json()) as { id: number };
    let status = '';
    while (status !== 'finished' && status !== 'failed' && Date.now() - started < 600_000) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      status = (await db.query<{ status: string }>(`SELECT status FROM cleanup_policy_runs WHERE id = $1`, [run.id]))[0].status;
    }
    const seconds = (Date.now() - started) / 1000;
    const left = Number((await db.query<{ n: string }>(`SELECT count(*) AS n FROM tags WHERE repository_id = $1`, [repositoryId]))[0].n);
    const deleted = TAGS + 1 - left;
    log(`cleanup ${status}: ${deleted} tags deleted in ${seconds.toFixed(1)} s`);

    const figures = {
      tags: TAGS,
      keyset_page_ms: { p50: percentile(keyset, 50), p99: percentile(keyset, 99), pages: keyset.length },
      offset_page_ms: { p50: percentile(offset, 50), p99: percentile(offset, 99), pages: offset.length },
      offset_page_ms_by_depth: Object.fromEntries(Object.entries(offsetBands).map(([k, v]) => [k, { p50: percentile(v, 50), p99: percentile(v, 99), pages: v.length }])),
      v2_tags_list_page_ms: Object.fromEntries(Object.entries(walks).map(([k, v]) => [k, { p50: percentile(v, 50), p99: percentile(v, 99), pages: v.length }])),
      cleanup: { status, deleted, seconds, tags_per_second: deleted / seconds },
      web_tag_list: web,
    };
    const table = [
      `| figure (${TAGS} tags) | value |`,
      '| --- | ---: |',
      `| REST tag page, keyset (per_page=100), p50 / p99 | ${figures.keyset_page_ms.p50.toFixed(1)} / ${figures.keyset_page_ms.p99.toFixed(1)} ms |`,
      `| REST tag page, offset across the repository, p50 / p99 | ${figures.offset_page_ms.p50.toFixed(1)} / ${figures.offset_page_ms.p99.toFixed(1)} ms |`,
      ...Object.entries(offsetBands).map(([k, v]) => `| REST tag page, offset, ${k} tenth of the repository, p50 / p99 | ${percentile(v, 50).toFixed(1)} / ${percentile(v, 99).toFixed(1)} ms |`),
      ...Object.entries(walks).map(([k, v]) => `| /v2/ tags/list?n=100&last=..., ${v.length} pages from the ${k}, p50 / p99 | ${percentile(v, 50).toFixed(1)} / ${percentile(v, 99).toFixed(1)} ms |`),
      `| cleanup policy run, ${deleted} tags deleted (${status}) | ${seconds.toFixed(1)} s, ${figures.cleanup.tags_per_second.toFixed(0)} tags/s |`,
      webTagListRow(web, TAGS + 1),
    ].join('\n');
    process.stdout.write(`${table}\nBENCH_SCALE_JSON ${JSON.stringify(figures)}\n`);
    writeDocSection(table);
  } finally {
    await platform.stop();
    await db.drop();
  }
}

/** The offset samples of the first, the middle and the last tenth of the repository (they are taken in page order). */
function bands(samples: number[]): Record<'first' | 'middle' | 'last', number[]> {
  const tenth = Math.max(1, Math.floor(samples.length / 10));
  const mid = Math.floor((samples.length - tenth) / 2);
  return { first: samples.slice(0, tenth), middle: samples.slice(mid, mid + tenth), last: samples.slice(samples.length - tenth) };
}

/** Replaces the "Scale" section of docs/performance.md (the main bench owns the rest of the file). */
function writeDocSection(table: string): void {
  const begin = '<!-- bench:scale begin -->';
  const end = '<!-- bench:scale end -->';
  const section = `${begin}\n## Scale: ${TAGS} tags (\`pnpm bench:scale\`, ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC)\n\nTag rows written with SQL; the listing goes through \`GET /projects/:id/registry/repositories/:id/tags\` and the cleanup through the real worker (a policy keeping the 10 newest of ${TAGS} month-old tags).\n\n${table}\n${end}`;
  writeSection(DOC, begin, end, section);
}

/** BENCH_SCALE_ONLY=tags or =gc runs one scenario; unset, both. */
async function all(): Promise<void> {
  const only = process.env.BENCH_SCALE_ONLY;
  if (only !== 'gc') await main();
  if (only === undefined || only === 'gc') await runGcScaleBench();
}

all().catch((error: unknown) => {
  process.stderr.write(`bench:scale failed: ${(error as Error).stack ?? error}\n`);
  process.exit(1);
});
