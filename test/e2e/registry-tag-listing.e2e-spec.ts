import { randomBytes } from 'node:crypto';
import { createTestDatabase, pushBlob, putManifest, RegistrySession, startPlatform, TestDatabase, TestPlatform } from '@cargohold/testing';
import { enc, RestClient } from './iam-rest-client';

const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
/** Past GitLab's 10 000, the tag list stops counting (no X-Total). */
const BULK_TAGS = 10_050;

/**
 * The REST tag list as the web UI pages it at scale (issue 24): `details=true` carries each tag's TagDetails in
 * the page, `order_by=created_at` and the name filter work over every tag server-side, offset pages past 10 000
 * matching tags leave out the totals as GitLab does, and bad parameters are 400 with GitLab's wording.
 */
describe('registry: the tag list with details, orders, filters and bounded counts', () => {
  let db: TestDatabase;
  let platform: TestPlatform;
  let api: RestClient;
  let registry: RegistrySession;
  let repositoryId: number;
  let base: string;
  const pushed: Record<string, { digest: string; size: number }> = {};
  const admin = () => ({ token: platform.adminToken });

  beforeAll(async () => {
    db = await createTestDatabase();
    platform = await startPlatform({ databaseUrl: db.url });
    api = new RestClient(platform.url);
    registry = new RegistrySession(platform.url, { username: 'root', password: platform.adminToken });
    const group = await api.post('/groups', admin(), { name: 'Listing', path: 'listing' });
    expect((await api.post('/projects', admin(), { namespace_id: group.body.id, path: 'app', name: 'app' })).status).toBe(201);
    // Three real images of different sizes: the details must be each one's own.
    for (const [index, tag] of ['alpha', 'Beta-1', 'v1.0'].entries()) {
      const layer = randomBytes(100 * (index + 1));
      const layerDigest = await pushBlob(platform.url, 'listing/app', layer, registry.fetch);
      const config = Buffer.from(JSON.stringify({ tag }));
      const configDigest = await pushBlob(platform.url, 'listing/app', config, registry.fetch);
      const manifest = JSON.stringify({
        schemaVersion: 2,
        mediaType: OCI_MANIFEST,
        config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: configDigest, size: config.length },
        layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar', digest: layerDigest, size: layer.length }],
      });
      const response = await putManifest(platform.url, 'listing/app', tag, manifest, OCI_MANIFEST, registry.fetch);
      expect(response.status).toBe(201);
      pushed[tag] = { digest: response.headers.get('docker-content-digest')!, size: Buffer.byteLength(manifest) + config.length + layer.length };
    }
    [{ id: repositoryId }] = await db.query<{ id: number }>(`SELECT id FROM repositories WHERE path = 'listing/app'`);
    // Creation times one hour apart, newest last pushed: v1.0, then Beta-1, then alpha.
    await db.query(`UPDATE tags SET created_at = timestamptz '2026-06-01' + make_interval(hours => CASE name WHEN 'alpha' THEN 1 WHEN 'Beta-1' THEN 2 ELSE 3 END)`);
    base = `/projects/${enc('listing/app')}/registry/repositories/${repositoryId}/tags`;
  });

  afterAll(async () => {
    await platform?.stop();
    await db?.drop();
  });

  const names = (body: Array<{ name: string }>) => body.map((tag) => tag.name);

  it('returns each tag with its own TagDetails in the page with details=true, as the single-tag route does', async () => {
    const listed = await api.get(`${base}?details=true`, admin());
    expect(listed.status).toBe(200);
    expect(names(listed.body)).toEqual(['Beta-1', 'alpha', 'v1.0']);
    for (const tag of listed.body) {
      const single = await api.get(`${base}/${tag.name}`, admin());
      expect(tag).toEqual(single.body);
      expect(tag).toMatchObject({ digest: pushed[tag.name].digest, total_size: pushed[tag.name].size, protection: null });
      expect(tag.revision).toHaveLength(64);
    }
    expect(listed.body[0].created_at).toBe('2026-06-01T02:00:00.000Z');
    // Without details a tag stays GitLab's three fields plus pull statistics and protection.
    expect(Object.keys((await api.get(base, admin())).body[0]).sort()).toEqual(['last_pulled_at', 'location', 'name', 'path', 'protection', 'pull_count']);
  });

  it('orders by created_at (newest first by default, ties by name) and filters by name case-insensitively, over every tag', async () => {
    expect(names((await api.get(`${base}?order_by=created_at`, admin())).body)).toEqual(['v1.0', 'Beta-1', 'alpha']);
    expect(names((await api.get(`${base}?order_by=created_at&sort=asc&details=true`, admin())).body)).toEqual(['alpha', 'Beta-1', 'v1.0']);
    await db.query(`UPDATE tags SET created_at = timestamptz '2026-06-01' WHERE repository_id = $1`, [repositoryId]);
    expect(names((await api.get(`${base}?order_by=created_at&sort=desc`, admin())).body)).toEqual(['v1.0', 'alpha', 'Beta-1']);
    const filtered = await api.get(`${base}?name=BETA&details=true&order_by=created_at`, admin());
    expect(names(filtered.body)).toEqual(['Beta-1']);
    expect(filtered.headers.get('x-total')).toBe('1');
    // LIKE's wildcards match themselves.
    expect((await api.get(`${base}?name=%25`, admin())).body).toEqual([]);
    expect((await api.get(`${base}?name=_`, admin())).body).toEqual([]);
  });

  it('carries each tag\'s protection for the caller in the detailed page', async () => {
    const rules = `/projects/${enc('listing/app')}/registry/protection/tag/rules`;
    const rule = await api.post(rules, admin(), { tag_name_pattern: '^v.+', minimum_access_level_for_push: 'owner', minimum_access_level_for_delete: 'owner' });
    expect(rule.status).toBe(201);
    const maintainer = await api.createUser(admin(), 'listing-maintainer');
    expect((await api.post(`/projects/${enc('listing/app')}/members`, admin(), { user_id: maintainer.id, access_level: 40 })).status).toBe(201);
    const listed = await api.get(`${base}?details=true&name=v1`, { token: maintainer.token });
    expect(listed.body).toHaveLength(1);
    expect(listed.body[0].digest).toBe(pushed['v1.0'].digest);
    expect(listed.body[0].protection).toMatchObject({ minimum_access_level_for_delete: 'owner', delete_refused_reason: 'tag "v1.0" is protected: deleting requires Owner' });
    expect((await api.delete(`/projects/${enc('listing/app')}/registry/protection/tag/rules/${rule.body.id}`, admin())).status).toBe(204);
  });

  it('refuses bad parameters with 400 and GitLab\'s wording, and clamps per_page to 100', async () => {
    const cases: Array<[string, string]> = [
      ['order_by=size', 'order_by does not have a valid value'],
      ['sort=up', 'sort does not have a valid value'],
      ['per_page=0', 'per_page is invalid'],
      ['per_page=ten', 'per_page is invalid'],
      ['page=0', 'page is invalid'],
      ['details=maybe', 'details is invalid'],
      ['pagination=keyset&order_by=created_at', 'order_by created_at is supported with offset pagination only'],
      ['pagination=keyset&order_by=last_pulled_at', 'order_by last_pulled_at is supported with offset pagination only'],
      ['pagination=keyset&details=true', 'details is supported with offset pagination only'],
    ];
    for (const [query, error] of cases) expect([query, await api.get(`${base}?${query}`, admin())]).toMatchObject([query, { status: 400, body: { error } }]);
    expect((await api.get(`${base}?per_page=500`, admin())).headers.get('x-per-page')).toBe('100');
  });

  it('pages offset listings past 10 000 matching tags without totals (X-Next-Page from one row more), with them below', async () => {
    await db.query(
      `INSERT INTO tags (repository_id, name, manifest_id, created_at, updated_at)
       SELECT t.repository_id, 'build-' || lpad(i::text, 5, '0'), t.manifest_id, timestamptz '2026-07-01' + make_interval(secs => i), now()
         FROM tags t, generate_series(1, ${BULK_TAGS}) AS i WHERE t.name = 'alpha'`,
    );
    await db.query('ANALYZE tags');
    const first = await api.get(`${base}?details=true&order_by=created_at&per_page=100`, admin());
    expect(first.status).toBe(200);
    expect(names(first.body).slice(0, 2)).toEqual([`build-${BULK_TAGS}`, `build-${BULK_TAGS - 1}`]);
    expect(first.body[0]).toMatchObject({ digest: pushed.alpha.digest, total_size: pushed.alpha.size, created_at: new Date(Date.parse('2026-07-01') + BULK_TAGS * 1000).toISOString() });
    expect(first.headers.get('x-total')).toBeNull();
    expect(first.headers.get('x-total-pages')).toBeNull();
    expect(first.headers.get('x-next-page')).toBe('2');
    expect(first.headers.get('link')).toContain('rel="next"');
    expect(first.headers.get('link')).not.toContain('rel="last"');
    // The last page: 10 053 tags, 100 a page, so page 101 holds 53, ending with the 3 pushed tags (created 2026-06-01), and no next.
    const last = await api.get(`${base}?details=true&order_by=created_at&per_page=100&page=101`, admin());
    expect(last.body).toHaveLength(53);
    expect(names(last.body).slice(-4)).toEqual(['build-00001', 'v1.0', 'alpha', 'Beta-1']);
    expect(last.headers.get('x-next-page')).toBe('');
    expect(last.headers.get('x-prev-page')).toBe('100');
    // A filter matching fewer than 10 000 is counted exactly.
    const some = await api.get(`${base}?name=build-0999&per_page=5&page=2`, admin());
    expect(names(some.body)).toEqual(['build-09995', 'build-09996', 'build-09997', 'build-09998', 'build-09999']);
    expect([some.headers.get('x-total'), some.headers.get('x-total-pages'), some.headers.get('x-next-page')]).toEqual(['10', '2', '']);
    expect(some.headers.get('link')).toContain('rel="last"');
  });
});
