import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import {
  buildOciLayout,
  createTestDatabase,
  eventually,
  freePort,
  pushBlob,
  putManifest,
  RegistrySession,
  runClient,
  spawnProcess,
  startPlatform,
  TestDatabase,
  TestPlatform,
  waitForReady,
} from '@cargohold/testing';
import { enc, RestClient } from './iam-rest-client';

const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';

/**
 * Pull statistics and retention by use (issue 21), end to end: pulls through skopeo and plain GETs are counted
 * (HEADs are not) and written by the api in batches; the REST tag list shows and sorts them; cleanup policies
 * (project, repository override, group default) and bulk deletes keep tags by their pulls, and the preview
 * says which rule keeps each tag. Pull times in the past are set with UPDATE, never waited for.
 */
describe('lifecycle: pull statistics and retention by use', () => {
  let db: TestDatabase;
  let platform: TestPlatform;
  let api: RestClient;
  let registry: RegistrySession;
  let host: string;
  let work: string;
  let reporter: Awaited<ReturnType<RestClient['createUser']>>;
  const admin = () => ({ token: platform.adminToken });

  beforeAll(async () => {
    db = await createTestDatabase();
    platform = await startPlatform({
      databaseUrl: db.url,
      worker: true,
      env: { PULL_STATISTICS_FLUSH_INTERVAL: '1', CLEANUP_SCHEDULE_INTERVAL: '1', PULL_RATE_LIMIT_AUTHENTICATED: '0' },
    });
    api = new RestClient(platform.url);
    registry = new RegistrySession(platform.url, { username: 'root', password: platform.adminToken });
    host = `127.0.0.1:${platform.port}`;
    work = mkdtempSync(path.join(tmpdir(), 'pull-stats-'));
    const group = await api.post('/groups', admin(), { name: 'Pulls', path: 'pulls' });
    for (const project of ['app', 'policy', 'window', 'bulk']) {
      expect((await api.post('/projects', admin(), { namespace_id: group.body.id, path: project, name: project })).status).toBe(201);
    }
    reporter = await api.createUser(admin(), 'pull-reporter');
    expect((await api.post(`/projects/${enc('pulls/bulk')}/members`, admin(), { user_id: reporter.id, access_level: 20 })).status).toBe(201);
  });

  afterAll(async () => {
    await platform?.stop();
    await db?.drop();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  /** Pushes one distinct image per tag (its config differs), sharing one layer; returns tag → manifest digest. */
  async function pushTags(repo: string, tags: string[]): Promise<Record<string, string>> {
    const layer = randomBytes(32);
    const layerDigest = await pushBlob(platform.url, repo, layer, registry.fetch);
    const digests: Record<string, string> = {};
    for (const tag of tags) {
      const config = Buffer.from(JSON.stringify({ tag, nonce: randomBytes(4).toString('hex') }));
      const configDigest = await pushBlob(platform.url, repo, config, registry.fetch);
      const manifest = JSON.stringify({
        schemaVersion: 2,
        mediaType: OCI_MANIFEST,
        config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: configDigest, size: config.length },
        layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar', digest: layerDigest, size: layer.length }],
      });
      const pushed = await putManifest(platform.url, repo, tag, manifest, OCI_MANIFEST, registry.fetch);
      expect(pushed.status).toBe(201);
      digests[tag] = pushed.headers.get('docker-content-digest')!;
    }
    return digests;
  }

  const pull = async (repo: string, reference: string, method: 'GET' | 'HEAD' = 'GET') => {
    const response = await registry.fetch(`/v2/${repo}/manifests/${reference}`, { method, headers: { Accept: OCI_MANIFEST } });
    await response.arrayBuffer();
    expect(response.status).toBe(200);
  };

  const repositoryId = async (repo: string) =>
    (await db.query<{ id: number }>(`SELECT id FROM repositories WHERE path = $1`, [repo]))[0].id;
  const tagsUrl = async (repo: string) => `/projects/${enc(repo)}/registry/repositories/${await repositoryId(repo)}/tags`;
  const tagNames = async (repo: string) =>
    (await db.query<{ name: string }>(`SELECT t.name FROM tags t JOIN repositories r ON r.id = t.repository_id WHERE r.path = $1 ORDER BY t.name`, [repo])).map(
      (row) => row.name,
    );
  /** Sets a tag's last pull `hoursAgo` hours back (what pulls long ago would have written). */
  const pulledAgo = (repo: string, tag: string, hoursAgo: number) =>
    db.query(
      `UPDATE tags SET last_pulled_at = now() - make_interval(secs => $3), pull_count = greatest(pull_count, 1)
         FROM repositories r WHERE r.id = tags.repository_id AND r.path = $1 AND tags.name = $2`,
      [repo, tag, hoursAgo * 3600],
    );

  it('counts skopeo pulls and GETs by tag or digest, not HEADs; the tags list shows and sorts them', async () => {
    const image = buildOciLayout(path.join(work, 'image'), 'v1', [{ layers: [{ 'app.txt': 'pulled' }] }]);
    const creds = `root:${platform.adminToken}`;
    for (const tag of ['v1', 'v2', 'v3']) {
      await runClient('skopeo', ['copy', '--dest-tls-verify=false', '--dest-creds', creds, `oci:${image.dir}:v1`, `docker://${host}/pulls/app:${tag}`]);
    }
    const digest = image.top.digest;
    const url = await tagsUrl('pulls/app');

    // HEADs (how clients check for updates) are free; then one GET of v2, so we know when a write has happened.
    for (let i = 0; i < 3; i++) await pull('pulls/app', 'v1', 'HEAD');
    await pull('pulls/app', 'v2');
    await eventually(async () => expect((await api.get(`${url}/v2`, admin())).body.pull_count).toBe(1));
    expect((await api.get(`${url}/v1`, admin())).body).toMatchObject({ last_pulled_at: null, pull_count: 0 });

    // skopeo pulls v1 by tag; then a pull by digest is credited to every tag naming that manifest (v1, v2, v3 here).
    const started = Date.now();
    await runClient('skopeo', ['copy', '--src-tls-verify=false', '--src-creds', creds, `docker://${host}/pulls/app:v1`, `oci:${path.join(work, 'out')}:v1`]);
    const byTag = await eventually(async () => {
      const details = (await api.get(`${url}/v1`, admin())).body;
      expect(details.pull_count).toBeGreaterThanOrEqual(1);
      return details;
    });
    expect(new Date(byTag.last_pulled_at).getTime()).toBeGreaterThanOrEqual(started - 1000);
    await runClient('skopeo', ['inspect', '--raw', '--tls-verify=false', '--creds', creds, `docker://${host}/pulls/app@${digest}`]);
    await eventually(async () => expect((await api.get(`${url}/v3`, admin())).body.pull_count).toBeGreaterThanOrEqual(1));

    // Exactly: two GETs by name and one by digest count 3 for the manifest, 3 for v1, 1 for v2 and v3.
    await db.query(`UPDATE tags SET pull_count = 0 WHERE name IN ('v1', 'v2', 'v3')`);
    await db.query(`UPDATE manifests SET pull_count = 0 WHERE digest = $1`, [digest]);
    await pull('pulls/app', 'v1');
    await pull('pulls/app', 'v1');
    await pull('pulls/app', digest);
    await eventually(async () => {
      const counts = await db.query<{ name: string; n: number }>(
        `SELECT name, pull_count::int AS n FROM tags WHERE name IN ('v1', 'v2', 'v3') UNION ALL SELECT 'manifest', pull_count::int FROM manifests WHERE digest = $1 ORDER BY name`,
        [digest],
      );
      expect(counts).toEqual([{ name: 'manifest', n: 3 }, { name: 'v1', n: 3 }, { name: 'v2', n: 1 }, { name: 'v3', n: 1 }]);
    });
    expect((await api.get(`${url}/v2`, admin())).body).toMatchObject({ pull_count: 1, manifest_pull_count: 3, manifest_last_pulled_at: expect.any(String) });

    // The list orders by last pull: most recent first by default, never-pulled tags last (first ascending).
    await pulledAgo('pulls/app', 'v1', 1);
    await pulledAgo('pulls/app', 'v2', 2);
    await db.query(`UPDATE tags SET last_pulled_at = NULL, pull_count = 0 WHERE name = 'v3'`);
    const desc = await api.get(`${url}?order_by=last_pulled_at&sort=desc`, admin());
    expect(desc.body.map((tag: { name: string }) => tag.name)).toEqual(['v1', 'v2', 'v3']);
    expect(desc.body[0]).toMatchObject({ name: 'v1', path: 'pulls/app:v1', last_pulled_at: expect.any(String), pull_count: expect.any(Number) });
    expect(desc.body[2]).toMatchObject({ last_pulled_at: null, pull_count: 0 });
    expect((await api.get(`${url}?order_by=last_pulled_at`, admin())).body.map((tag: { name: string }) => tag.name)).toEqual(['v1', 'v2', 'v3']);
    const asc = await api.get(`${url}?order_by=last_pulled_at&sort=asc&per_page=2`, admin());
    expect(asc.body.map((tag: { name: string }) => tag.name)).toEqual(['v3', 'v2']);
    expect(asc.headers.get('x-total')).toBe('3');
    expect((await api.get(`${url}?order_by=name&sort=desc`, admin())).body.map((tag: { name: string }) => tag.name)).toEqual(['v3', 'v2', 'v1']);

    expect(await api.get(`${url}?order_by=last_pulled_at&pagination=keyset`, admin())).toMatchObject({
      status: 400,
      body: { error: 'order_by last_pulled_at is supported with offset pagination only' },
    });
    expect(await api.get(`${url}?order_by=pulls`, admin())).toMatchObject({ status: 400, body: { error: 'order_by does not have a valid value' } });
  });

  it('writes the counts an api replica holds when it shuts down', async () => {
    // A replica that would write only once an hour: what it counted reaches PostgreSQL on SIGTERM.
    const port = await freePort();
    const replica = spawnProcess('api', { ...platform.env, PORT: String(port), PUBLIC_URL: `http://127.0.0.1:${port}`, PULL_STATISTICS_FLUSH_INTERVAL: '3600' });
    try {
      await waitForReady(`http://127.0.0.1:${port}/-/readiness`, replica);
      const before = (await db.query<{ n: number }>(`SELECT pull_count::int AS n FROM tags WHERE name = 'v2'`))[0].n;
      const session = new RegistrySession(`http://127.0.0.1:${port}`, { username: 'root', password: platform.adminToken });
      for (let i = 0; i < 4; i++) {
        const response = await session.fetch(`/v2/pulls/app/manifests/v2`, { headers: { Accept: OCI_MANIFEST } });
        expect(response.status).toBe(200);
        await response.arrayBuffer();
      }
      expect((await db.query<{ n: number }>(`SELECT pull_count::int AS n FROM tags WHERE name = 'v2'`))[0].n).toBe(before);
      expect(await replica.stop()).toBe(0);
      expect((await db.query<{ n: number }>(`SELECT pull_count::int AS n FROM tags WHERE name = 'v2'`))[0].n).toBe(before + 4);
    } finally {
      await replica.stop();
    }
  });

  it('keeps exactly the two tags pulled most recently among 20 with keep_n_recently_pulled: 2', async () => {
    const repo = 'pulls/policy';
    const tags = Array.from({ length: 20 }, (_, i) => `t${String(i).padStart(2, '0')}`);
    await pushTags(repo, tags);
    for (const tag of ['t03', 't07', 't11', 't15', 't19', 't07']) await pull(repo, tag);
    const url = await tagsUrl(repo);
    await eventually(async () => expect((await api.get(`${url}/t07`, admin())).body.pull_count).toBe(2));

    // GitLab's defaults (keep_n 10, older_than 90d) would keep everything young: this policy keeps by pulls alone.
    const set = await api.put(`/projects/${enc(repo)}`, admin(), {
      container_expiration_policy_attributes: { enabled: true, name_regex_delete: '.*', keep_n: null, older_than: null, keep_n_recently_pulled: 2 },
    });
    expect(set.status).toBe(200);
    expect(set.body.container_expiration_policy).toMatchObject({ keep_n_recently_pulled: 2, keep_pulled_within: null, keep_n: null, source: 'project' });

    // The preview: what a run would do now, and which rule keeps what.
    const preview = await api.get(`/projects/${enc(repo)}/registry/repositories/${await repositoryId(repo)}/cleanup_preview?per_page=100`, admin());
    expect(preview.status).toBe(200);
    expect(preview.body).toMatchObject({ source: 'project', tags_count: 20, delete_count: 18, keep_count: 2 });
    expect(preview.body.rules).toMatchObject({ name_regex_delete: '.*', keep_n: null, keep_n_recently_pulled: 2 });
    const kept = preview.body.tags.filter((tag: { action: string }) => tag.action === 'keep');
    expect(kept.map((tag: { name: string; kept_by: string[] }) => [tag.name, tag.kept_by])).toEqual([
      ['t07', ['keep_n_recently_pulled']],
      ['t19', ['keep_n_recently_pulled']],
    ]);
    const onlyDeleted = await api.get(`/projects/${enc(repo)}/registry/repositories/${await repositoryId(repo)}/cleanup_preview?action=delete&per_page=5&page=2`, admin());
    expect(onlyDeleted.headers.get('x-total')).toBe('18');
    expect(onlyDeleted.body.tags.map((tag: { name: string }) => tag.name)).toEqual(['t05', 't06', 't08', 't09', 't10']);

    const run = await api.post(`/projects/${enc(repo)}/registry/cleanup_policy/runs`, admin());
    expect(run.status).toBe(202);
    await eventually(async () => {
      const runs = await api.get(`/projects/${enc(repo)}/registry/cleanup_policy/runs`, admin());
      expect(runs.body[0]).toMatchObject({ status: 'finished', deleted_tags_count: 18 });
    });
    expect(await tagNames(repo)).toEqual(['t07', 't19']);
  });

  it('keeps a tag pulled yesterday with keep_pulled_within (repository override; group default accepted too)', async () => {
    const repo = 'pulls/window';
    await pushTags(repo, ['yesterday', 'last-month', 'never', 'just-now']);
    await pull(repo, 'just-now');
    await eventually(async () => expect((await api.get(`${await tagsUrl(repo)}/just-now`, admin())).body.pull_count).toBe(1));
    await pulledAgo(repo, 'yesterday', 24);
    await pulledAgo(repo, 'last-month', 24 * 30);

    const id = await repositoryId(repo);
    const override = await api.put(`/projects/${enc(repo)}/registry/repositories/${id}`, admin(), {
      enabled: true,
      name_regex_delete: '.*',
      keep_n: null,
      older_than: null,
      keep_pulled_within: '7d',
    });
    expect(override.status).toBe(200);
    expect(override.body.container_expiration_policy).toMatchObject({ keep_pulled_within: '7d', source: 'repository' });

    const preview = await api.get(`/projects/${enc(repo)}/registry/repositories/${id}/cleanup_preview`, admin());
    expect(preview.body.source).toBe('repository');
    expect(Object.fromEntries(preview.body.tags.map((tag: { name: string; kept_by: string[] }) => [tag.name, tag.kept_by]))).toEqual({
      'just-now': ['keep_pulled_within'],
      'last-month': [],
      never: [],
      yesterday: ['keep_pulled_within'],
    });

    // Make the override due: the worker's scheduler (every second here) runs it.
    await db.query(`UPDATE cleanup_policies SET next_run_at = now() - interval '1 minute' WHERE repository_id = $1`, [id]);
    await eventually(async () => expect(await tagNames(repo)).toEqual(['just-now', 'yesterday']));

    // A group's default policy takes the same fields and shows on projects without their own.
    const group = await api.put('/groups/pulls', admin(), { container_expiration_policy_attributes: { keep_pulled_within: '30d', keep_n_recently_pulled: 5 } });
    expect(group.status).toBe(200);
    expect(group.body.container_expiration_policy).toMatchObject({ enabled: false, keep_pulled_within: '30d', keep_n_recently_pulled: 5 });
    const project = await api.get(`/projects/${enc('pulls/bulk')}`, admin());
    expect(project.body.container_expiration_policy).toMatchObject({ source: 'group', keep_pulled_within: '30d', keep_n_recently_pulled: 5 });
  });

  it('bulk deletes with the pull rules, previewed first with the same parameters', async () => {
    const repo = 'pulls/bulk';
    await pushTags(repo, ['p1', 'p2', 'p3', 'p4', 'latest']);
    await pulledAgo(repo, 'p1', 2);
    await pulledAgo(repo, 'p2', 3);
    await pulledAgo(repo, 'p3', 72);
    const id = await repositoryId(repo);
    const rules = 'name_regex_delete=.*&keep_n_recently_pulled=1&keep_pulled_within=1d';

    const preview = await api.get(`/projects/${enc(repo)}/registry/repositories/${id}/cleanup_preview?${rules}`, admin());
    expect(preview.body).toMatchObject({ source: 'parameters', delete_count: 2, rules: { keep_n_recently_pulled: 1, keep_pulled_within_seconds: 86_400 } });
    expect(Object.fromEntries(preview.body.tags.map((tag: { name: string; kept_by: string[] }) => [tag.name, tag.kept_by]))).toEqual({
      latest: ['latest'],
      p1: ['keep_n_recently_pulled', 'keep_pulled_within'],
      p2: ['keep_pulled_within'],
      p3: [],
      p4: [],
    });

    // As GitLab's documentation sends bulk deletes: a form body.
    const response = await fetch(`${platform.url}/api/v4/projects/${enc(repo)}/registry/repositories/${id}/tags`, {
      method: 'DELETE',
      headers: { 'PRIVATE-TOKEN': platform.adminToken, 'Content-Type': 'application/x-www-form-urlencoded' },
      body: rules,
    });
    expect(response.status).toBe(202);
    await eventually(async () => expect(await tagNames(repo)).toEqual(['latest', 'p1', 'p2']));
  });

  it('refuses invalid pull rules with clear 400s, and the preview to those below Maintainer', async () => {
    const project = `/projects/${enc('pulls/bulk')}`;
    for (const [attributes, message] of [
      [{ keep_n_recently_pulled: 0 }, 'container_expiration_policy_attributes[keep_n_recently_pulled] must be an integer from 1 to 100'],
      [{ keep_n_recently_pulled: 500 }, 'container_expiration_policy_attributes[keep_n_recently_pulled] must be an integer from 1 to 100'],
      [{ keep_pulled_within: '1d' }, 'container_expiration_policy_attributes[keep_pulled_within] must be one of: 7d, 14d, 30d, 90d'],
      [{ keep_n_recently_pulled: 'many' }, 'container_expiration_policy_attributes[keep_n_recently_pulled] is invalid'],
    ] as const) {
      const refused = await api.put(project, admin(), { container_expiration_policy_attributes: attributes });
      expect({ status: refused.status, error: refused.body.error }).toEqual({ status: 400, error: message });
    }
    const id = await repositoryId('pulls/bulk');
    for (const [query, message] of [
      ['name_regex_delete=.*&keep_pulled_within=soon', 'keep_pulled_within is invalid'],
      ['name_regex_delete=.*&keep_n_recently_pulled=-1', 'keep_n_recently_pulled is invalid'],
      ['keep_n_recently_pulled=1', 'name_regex, name_regex_delete are missing, at least one parameter must be provided'],
    ]) {
      const bulk = await api.delete(`${project}/registry/repositories/${id}/tags?${query}`, admin());
      expect({ status: bulk.status, error: bulk.body.error }).toEqual({ status: 400, error: message });
      const preview = await api.get(`${project}/registry/repositories/${id}/cleanup_preview?${query}`, admin());
      expect({ status: preview.status, error: preview.body.error }).toEqual({ status: 400, error: message });
    }
    expect(await api.get(`${project}/registry/repositories/${id}/cleanup_preview?action=all`, admin())).toMatchObject({
      status: 400,
      body: { error: 'action does not have a valid value' },
    });
    expect((await api.get(`${project}/registry/repositories/${id}/cleanup_preview`, reporter.auth)).status).toBe(403);
    // Reporters read the statistics themselves.
    expect((await api.get(`${project}/registry/repositories/${id}/tags/p1`, reporter.auth)).body).toMatchObject({ pull_count: 1 });
  });
});
