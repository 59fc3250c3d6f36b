import { createTestDatabase, digestOf, pushBlob, putManifest, RegistrySession, seedProject, startPlatform, TestDatabase, TestPlatform } from '@cargohold/testing';

const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
const OCI_INDEX = 'application/vnd.oci.image.index.v1+json';
const OCI_CONFIG = 'application/vnd.oci.image.config.v1+json';
const EMPTY_CONFIG = 'application/vnd.oci.empty.v1+json';
const SIGNATURE = 'application/vnd.example.signature.v1';
const SBOM = 'application/vnd.example.sbom.v1';

interface Descriptor {
  digest: string;
  artifactType?: string;
  annotations?: Record<string, string>;
}

/** The target of a `Link: <...>; rel="next"` header, or null. */
function nextLink(response: Response): string | null {
  const link = response.headers.get('link');
  if (link === null) return null;
  const match = link.match(/^<([^>]+)>;\s*rel="next"$/);
  if (!match) throw new Error(`unexpected Link header: ${link}`);
  return match[1];
}

/** Runs `work` over `items`, `width` at a time. */
async function inParallel<T>(items: T[], width: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: width }, async () => {
    while (next < items.length) await work(items[next++]);
  }));
}

/**
 * Issue #18, "bounded work per request, everywhere": the referrers API answers in pages (a count and a byte budget,
 * `Link: rel="next"`), tags/list and the catalog clamp `n`, and the REST repository list's `tags=true` names a
 * bounded number of tags per repository.
 */
describe('hardening: bounded listings', () => {
  let db: TestDatabase;
  let platform: TestPlatform;
  let registry: RegistrySession;
  let projectId: number;
  const repo = 'listing/app';
  let empty: string;
  let subject: { digest: string; size: number };

  beforeAll(async () => {
    db = await createTestDatabase();
    platform = await startPlatform({ databaseUrl: db.url, worker: false });
    registry = new RegistrySession(platform.url, { username: 'root', password: platform.adminToken });
    projectId = await seedProject(db, repo, 'public');
    empty = await pushBlob(platform.url, repo, Buffer.from('{}'), registry.fetch);
    const configBytes = Buffer.from(JSON.stringify({ architecture: 'amd64', os: 'linux', rootfs: { type: 'layers', diff_ids: [] } }));
    const config = await pushBlob(platform.url, repo, configBytes, registry.fetch);
    const image = JSON.stringify({ schemaVersion: 2, mediaType: OCI_MANIFEST, config: { mediaType: OCI_CONFIG, digest: config, size: configBytes.length }, layers: [] });
    await pushManifest('subject', image);
    subject = { digest: digestOf(image), size: Buffer.byteLength(image) };
  }, 120_000);

  afterAll(async () => {
    await platform?.stop();
    await db?.drop();
  });

  const v2 = (path: string, init?: RequestInit) => registry.fetch(`${platform.url}${path}`, init);

  async function pushManifest(reference: string, body: string): Promise<void> {
    const response = await putManifest(platform.url, repo, reference, body, OCI_MANIFEST, registry.fetch);
    if (response.status !== 201) throw new Error(`manifest push failed: ${response.status} ${await response.text()}`);
  }

  /** An artifact referring to `to`; `annotations` make each one distinct. */
  const referrer = (to: { digest: string; size: number }, artifactType: string, annotations: Record<string, string>) =>
    JSON.stringify({
      schemaVersion: 2,
      mediaType: OCI_MANIFEST,
      artifactType,
      config: { mediaType: EMPTY_CONFIG, digest: empty, size: 2 },
      layers: [],
      subject: { mediaType: OCI_MANIFEST, digest: to.digest, size: to.size },
      annotations,
    });

  /** Follows the Link chain from `path`; returns every page's descriptors and headers. */
  async function walk(path: string): Promise<Array<{ descriptors: Descriptor[]; link: string | null; filters: string | null }>> {
    const pages = [];
    let url: string | null = path;
    while (url !== null && pages.length < 20) {
      const response = await v2(url);
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toBe(OCI_INDEX);
      const link = nextLink(response);
      pages.push({ descriptors: ((await response.json()) as { manifests: Descriptor[] }).manifests, link, filters: response.headers.get('oci-filters-applied') });
      url = link;
    }
    return pages;
  }

  it('pages the referrers API at 100 descriptors with Link rel="next", with and without artifactType', async () => {
    const pushed = new Map<string, string>();
    const wanted = Array.from({ length: 230 }, (_, i) => ({ i, type: i < 150 ? SIGNATURE : SBOM }));
    await inParallel(wanted, 8, async ({ i, type }) => {
      const body = referrer(subject, type, { 'org.example.n': String(i) });
      await pushManifest(digestOf(body), body);
      pushed.set(digestOf(body), type);
    });

    const pages = await walk(`/v2/${repo}/referrers/${subject.digest}`);
    expect(pages.map((page) => page.descriptors.length)).toEqual([100, 100, 30]);
    expect(pages.map((page) => page.link === null)).toEqual([false, false, true]);
    expect(pages[0].link).toBe(`/v2/${repo}/referrers/${subject.digest}?last=${encodeURIComponent(pages[0].descriptors[99].digest)}`);
    const all = pages.flatMap((page) => page.descriptors);
    // Every referrer once, in digest order, with its artifactType and annotations.
    expect(all.map((d) => d.digest)).toEqual([...pushed.keys()].sort());
    for (const d of all) expect(d.artifactType).toBe(pushed.get(d.digest));
    expect(new Set(all.map((d) => d.annotations?.['org.example.n'])).size).toBe(230);

    // Filtered, with a smaller n: the Link keeps both, and every page says the filter was applied.
    const sboms = await walk(`/v2/${repo}/referrers/${subject.digest}?artifactType=${encodeURIComponent(SBOM)}&n=50`);
    expect(sboms.map((page) => page.descriptors.length)).toEqual([50, 30]);
    expect(sboms[0].link).toBe(`/v2/${repo}/referrers/${subject.digest}?n=50&artifactType=${encodeURIComponent(SBOM)}&last=${encodeURIComponent(sboms[0].descriptors[49].digest)}`);
    expect(sboms.every((page) => page.filters === 'artifactType')).toBe(true);
    expect(sboms.flatMap((page) => page.descriptors).every((d) => d.artifactType === SBOM)).toBe(true);
    expect(sboms.flatMap((page) => page.descriptors).length).toBe([...pushed.values()].filter((type) => type === SBOM).length);

    // A huge n is clamped to the page size; n=0 lists nothing and links nowhere.
    const clamped = await v2(`/v2/${repo}/referrers/${subject.digest}?n=999999999`);
    expect(((await clamped.json()) as { manifests: unknown[] }).manifests).toHaveLength(100);
    expect(nextLink(clamped)).not.toBeNull();
    const none = await v2(`/v2/${repo}/referrers/${subject.digest}?n=0`);
    expect(((await none.json()) as { manifests: unknown[] }).manifests).toEqual([]);
    expect(none.headers.get('link')).toBeNull();

    // A cursor that is not a digest is refused.
    const bad = await v2(`/v2/${repo}/referrers/${subject.digest}?last=nope`);
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { errors: Array<{ code: string }> }).errors[0].code).toBe('DIGEST_INVALID');

    // The tag view lists the first page and says it is truncated.
    const view = await fetch(`${platform.url}/api/v4/projects/${projectId}/registry/repositories/${await repositoryId()}/tags/subject/manifest`);
    expect(view.status).toBe(200);
    const body = (await view.json()) as { referrers: unknown[]; truncated: boolean };
    expect(body.referrers).toHaveLength(100);
    expect(body.truncated).toBe(true);
  }, 120_000);

  it('ends a referrers page when the payloads read reach 4 MiB, whatever the count', async () => {
    const target = JSON.parse(referrer(subject, SIGNATURE, { 'org.example.target': 'big' }));
    const targetBody = JSON.stringify(target);
    await pushManifest(digestOf(targetBody), targetBody);
    const to = { digest: digestOf(targetBody), size: Buffer.byteLength(targetBody) };
    // Three referrers of 1.5 MiB each: two fit in the 4 MiB budget, the third goes to the next page.
    for (let i = 0; i < 3; i++) {
      const body = referrer(to, SBOM, { 'org.example.n': String(i), 'org.example.padding': 'p'.repeat(1.5 * 1024 * 1024) });
      await pushManifest(digestOf(body), body);
    }
    const pages = await walk(`/v2/${repo}/referrers/${to.digest}`);
    expect(pages.map((page) => page.descriptors.length)).toEqual([2, 1]);
    expect(pages.flatMap((page) => page.descriptors).every((d) => d.annotations?.['org.example.padding']?.length === 1.5 * 1024 * 1024)).toBe(true);
  }, 120_000);

  async function repositoryId(): Promise<number> {
    const [row] = await db.query(`SELECT id FROM repositories WHERE path = $1`, [repo]);
    return Number(row.id);
  }

  it('clamps n on tags/list and the catalog to 1 000 with a Link to the next page', async () => {
    // 1 005 more tags on the subject image, written directly: pushing them one by one would only slow the test.
    const id = await repositoryId();
    await db.query(
      `INSERT INTO tags (repository_id, name, manifest_id)
       SELECT $1, 'bulk-' || lpad(g::text, 4, '0'), (SELECT id FROM manifests WHERE repository_id = $1 AND digest = $2) FROM generate_series(1, 1005) g`,
      [id, subject.digest],
    );
    const expected = (await db.query(`SELECT name FROM tags WHERE repository_id = $1 ORDER BY name`, [id])).map((row: { name: string }) => row.name);
    expect(expected.length).toBe(1006);

    for (const query of ['', '?n=999999999']) {
      const first = await v2(`/v2/${repo}/tags/list${query}`);
      expect(first.status).toBe(200);
      const tags = ((await first.json()) as { tags: string[] }).tags;
      expect(tags).toEqual(expected.slice(0, 1000));
      expect(nextLink(first)).toBe(`/v2/${repo}/tags/list?n=1000&last=${tags[999]}`);
      const second = await v2(nextLink(first)!);
      expect(((await second.json()) as { tags: string[] }).tags).toEqual(expected.slice(1000));
      expect(second.headers.get('link')).toBeNull();
    }

    // The catalog: a huge n is clamped, and the Link carries the clamped value.
    const projectOf = (await db.query(`SELECT project_id FROM repositories WHERE id = $1`, [id]))[0].project_id;
    await db.query(
      `INSERT INTO repositories (project_id, path, name) SELECT $1, $2 || '/r' || lpad(g::text, 4, '0'), 'r' || lpad(g::text, 4, '0') FROM generate_series(1, 1000) g`,
      [projectOf, repo],
    );
    const catalog = await v2(`/v2/_catalog?n=999999999`);
    expect(catalog.status).toBe(200);
    const repositories = ((await catalog.json()) as { repositories: string[] }).repositories;
    expect(repositories).toHaveLength(1000);
    expect(nextLink(catalog)).toBe(`/v2/_catalog?n=1000&last=${encodeURIComponent(repositories[999])}`);
    const rest = await v2(nextLink(catalog)!);
    expect(((await rest.json()) as { repositories: string[] }).repositories).toHaveLength(1);
    expect(rest.headers.get('link')).toBeNull();
    await db.query(`DELETE FROM repositories WHERE path LIKE $1`, [`${repo}/r%`]);
  }, 120_000);

  it('lists at most 100 tags per repository with tags=true, and clamps per_page to 100', async () => {
    const listed = await fetch(`${platform.url}/api/v4/projects/${projectId}/registry/repositories?tags=true&tags_count=true&per_page=1000`);
    expect(listed.status).toBe(200);
    expect(listed.headers.get('x-per-page')).toBe('100');
    const body = (await listed.json()) as Array<{ path: string; tags?: Array<{ name: string }>; tags_count?: number }>;
    const withTags = body.find((item) => item.path === repo)!;
    expect(withTags.tags_count).toBe(1006);
    expect(withTags.tags).toHaveLength(100);
    expect(withTags.tags![0].name).toBe('bulk-0001');

    const one = await fetch(`${platform.url}/api/v4/registry/repositories/${await repositoryId()}?tags=true`);
    expect(one.status).toBe(200);
    expect(((await one.json()) as { tags: unknown[] }).tags).toHaveLength(100);
  }, 60_000);

  it('names at most 100 tags, with the count, when a manifest with 150 tags is deleted by digest', async () => {
    const body = JSON.stringify({
      schemaVersion: 2,
      mediaType: OCI_MANIFEST,
      artifactType: SBOM,
      config: { mediaType: EMPTY_CONFIG, digest: empty, size: 2 },
      layers: [],
      annotations: { 'org.example.purpose': 'many tags' },
    });
    await pushManifest('many-000', body);
    const digest = digestOf(body);
    await db.query(
      `INSERT INTO tags (repository_id, name, manifest_id)
       SELECT $1, 'many-' || lpad(g::text, 3, '0'), (SELECT id FROM manifests WHERE repository_id = $1 AND digest = $2) FROM generate_series(1, 149) g`,
      [await repositoryId(), digest],
    );
    const expected = Array.from({ length: 100 }, (_, i) => `many-${String(i).padStart(3, '0')}`);
    // A hook on the project, added after the push (written directly: the worker is off, so the delivery rows are what the test reads).
    const [hook] = await db.query<{ id: string }>(`INSERT INTO webhooks (project_id, url) VALUES ($1, 'http://127.0.0.1:9/hook') RETURNING id`, [projectId]);

    const deleted = await v2(`/v2/${repo}/manifests/${digest}`, { method: 'DELETE' });
    expect(deleted.status).toBe(202);
    expect(await db.query(`SELECT 1 FROM tags WHERE name LIKE 'many-%'`)).toHaveLength(0);

    // The audit row: the first 100 names by name, the count, and that the list was cut.
    const audits = await db.query<{ details: { digest: string; tags: string[]; tags_count: number; tags_truncated: boolean } }>(
      `SELECT details FROM audit_events WHERE event_name = 'manifest_deleted' AND target_id = $1`,
      [`${repo}@${digest}`],
    );
    expect(audits).toHaveLength(1);
    expect(audits[0].details).toMatchObject({ digest, tags: expected, tags_count: 150, tags_truncated: true });

    // One tag_deleted delivery per listed name, each saying how many tags went and that some are not listed.
    const deliveries = await db.query<{ payload: { event_name: string; tag: string; digest: string; manifest_delete: unknown } }>(
      `SELECT payload FROM webhook_deliveries WHERE webhook_id = $1 ORDER BY id`,
      [hook.id],
    );
    expect(deliveries.map((row) => row.payload.tag)).toEqual(expected);
    for (const { payload } of deliveries) {
      expect(payload).toMatchObject({ event_name: 'tag_deleted', digest, manifest_delete: { tags_count: 150, tags_truncated: true } });
    }
    await db.query(`DELETE FROM webhooks WHERE id = $1`, [hook.id]);
  }, 60_000);
});
