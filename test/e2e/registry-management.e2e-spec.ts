import { createTestDatabase, RegistrySession, RunningProcess, spawnProcess, startPlatform, TestDatabase, TestPlatform } from '@cargohold/testing';
import { BOOTSTRAP_TOKEN, enc, RestClient } from './iam-rest-client';
import { PushedImage, pushImage, waitFor } from './registry-management-fixtures';

type User = Awaited<ReturnType<RestClient['createUser']>>;

const REPOSITORY_KEYS = ['id', 'name', 'path', 'project_id', 'location', 'created_at', 'cleanup_policy_started_at', 'status'];

/** The container registry management API (GitLab's /api/v4 registry endpoints) against the real api and worker. */
describe('registry management API', () => {
  let db: TestDatabase;
  let platform: TestPlatform;
  let api: RestClient;
  let registry: RegistrySession;
  let host: string;
  let extraWorker: RunningProcess | undefined;
  const admin = { token: BOOTSTRAP_TOKEN };
  let maint: User, dev: User, rep: User, guest: User, outsider: User, readApi: User, registryOnly: User;
  let appId: number;
  let app: PushedImage;

  const repoId = async (path: string): Promise<number> =>
    Number((await db.query<{ id: string }>(`SELECT id FROM repositories WHERE path = $1`, [path]))[0].id);
  const tagNames = async (path: string): Promise<string[]> =>
    (await db.query<{ name: string }>(`SELECT t.name FROM tags t JOIN repositories r ON r.id = t.repository_id WHERE r.path = $1 ORDER BY t.name`, [path])).map(
      (row) => row.name,
    );

  beforeAll(async () => {
    db = await createTestDatabase();
    platform = await startPlatform({ databaseUrl: db.url, worker: true, env: { BOOTSTRAP_ADMIN_TOKEN: BOOTSTRAP_TOKEN } });
    api = new RestClient(platform.url);
    host = new URL(platform.url).host;
    registry = new RegistrySession(platform.url, { username: 'root', password: BOOTSTRAP_TOKEN });
    [maint, dev, rep, guest, outsider] = await Promise.all(['maint', 'dev', 'rep', 'guest', 'outsider'].map((name) => api.createUser(admin, name)));
    readApi = await api.createUser(admin, 'reader', ['read_api']);
    registryOnly = await api.createUser(admin, 'puller', ['read_registry']);

    const created = async (path: string, body: object) => {
      const response = await api.post(path, admin, body);
      if (response.status !== 201) throw new Error(`POST ${path}: ${response.status} ${JSON.stringify(response.body)}`);
      return response.body.id as number;
    };
    // A public group (a public project needs one) with private projects and a private subgroup.
    const corp = await created('/groups', { name: 'Corp', path: 'corp', visibility: 'public' });
    const team = await created('/groups', { name: 'Team', path: 'team', parent_id: corp, visibility: 'private' });
    appId = await created('/projects', { path: 'app', namespace_id: corp, visibility: 'private' });
    await created('/projects', { path: 'svc', namespace_id: team, visibility: 'private' });
    await created('/projects', { path: 'pub', namespace_id: corp, visibility: 'public' });
    for (const [user, level] of [[maint, 40], [dev, 30], [rep, 20], [guest, 10], [readApi, 20], [registryOnly, 20]] as const) {
      expect((await api.post('/groups/corp/members', admin, { user_id: user.id, access_level: level })).status).toBe(201);
    }

    app = await pushImage(registry, 'corp/app', ['latest', 'v1.0.0', 'v1.1.0', 'dev-1']);
    await pushImage(registry, 'corp/app/worker', ['a', 'b']);
    await pushImage(registry, 'corp/team/svc', ['latest']);
    await pushImage(registry, 'corp/pub/tool', ['latest']);
  });

  afterAll(async () => {
    await extraWorker?.stop();
    await platform?.stop();
    await db?.drop();
  });

  describe('repositories', () => {
    it('lists a project\'s repositories with GitLab\'s fields to a Reporter', async () => {
      const list = await api.get('/projects/corp%2Fapp/registry/repositories', rep.auth);
      expect(list.status).toBe(200);
      expect(list.headers.get('x-total')).toBe('2');
      expect(list.headers.get('x-per-page')).toBe('20');
      expect(list.body.map((r: { path: string }) => r.path)).toEqual(['corp/app', 'corp/app/worker']);
      expect(Object.keys(list.body[0])).toEqual(REPOSITORY_KEYS);
      expect(list.body[0]).toMatchObject({ name: '', project_id: appId, location: `${host}/corp/app`, cleanup_policy_started_at: null, status: null });
      expect(list.body[1]).toMatchObject({ name: 'worker', location: `${host}/corp/app/worker` });
      expect(new Date(list.body[0].created_at).getTime()).toBeGreaterThan(Date.now() - 600_000);
    });

    it('adds tags and tags_count when asked', async () => {
      const list = await api.get(`/projects/${appId}/registry/repositories?tags=true&tags_count=true`, rep.auth);
      expect(list.status).toBe(200);
      expect(list.body[0].tags_count).toBe(4);
      expect(list.body[0].tags.map((t: { name: string }) => t.name)).toEqual(['dev-1', 'latest', 'v1.0.0', 'v1.1.0']);
      expect(list.body[0].tags[1]).toEqual({ name: 'latest', path: 'corp/app:latest', location: `${host}/corp/app:latest` });
      expect(list.body[1].tags_count).toBe(2);
    });

    it('shows delete_api_path to Maintainers only', async () => {
      const id = await repoId('corp/app');
      const asMaintainer = await api.get('/projects/corp%2Fapp/registry/repositories', maint.auth);
      expect(asMaintainer.body[0].delete_api_path).toBe(`${platform.url}/api/v4/projects/${appId}/registry/repositories/${id}`);
      expect((await api.get('/projects/corp%2Fapp/registry/repositories', dev.auth)).body[0]).not.toHaveProperty('delete_api_path');
      expect((await api.get('/projects/corp%2Fapp/registry/repositories', rep.auth)).body[0]).not.toHaveProperty('delete_api_path');
    });

    it('hides private registries: 404 to outsiders and anonymous callers, 403 to Guests', async () => {
      expect(await api.get('/projects/corp%2Fapp/registry/repositories', outsider.auth)).toMatchObject({ status: 404, body: { message: '404 Project Not Found' } });
      expect((await api.get('/projects/corp%2Fapp/registry/repositories', null)).status).toBe(404);
      expect(await api.get('/projects/corp%2Fapp/registry/repositories', guest.auth)).toMatchObject({ status: 403, body: { message: '403 Forbidden' } });
      const publicList = await api.get('/projects/corp%2Fpub/registry/repositories', null);
      expect(publicList.status).toBe(200);
      expect(publicList.body.map((r: { path: string }) => r.path)).toEqual(['corp/pub/tool']);
    });

    it('takes api or read_api tokens, not registry-only ones', async () => {
      expect((await api.get('/projects/corp%2Fapp/registry/repositories', readApi.auth)).status).toBe(200);
      expect(await api.get('/projects/corp%2Fapp/registry/repositories', registryOnly.auth)).toMatchObject({ status: 403, body: { error: 'insufficient_scope' } });
    });

    it('lists a group\'s repositories across its subgroups', async () => {
      const list = await api.get('/groups/corp/registry/repositories', rep.auth);
      expect(list.status).toBe(200);
      expect(list.body.map((r: { path: string }) => r.path).sort()).toEqual(['corp/app', 'corp/app/worker', 'corp/pub/tool', 'corp/team/svc']);
      expect(list.headers.get('x-total')).toBe('4');
      expect(Object.keys(list.body[0])).toEqual(REPOSITORY_KEYS);
      const maintainerView = await api.get('/groups/corp/registry/repositories?per_page=1&page=2', maint.auth);
      expect(maintainerView.body).toHaveLength(1);
      expect(maintainerView.body[0].delete_api_path).toMatch(/\/registry\/repositories\/\d+$/);
      expect(maintainerView.headers.get('x-next-page')).toBe('3');
      // Outsiders see the public group, but only the repositories of its public project.
      const outside = await api.get('/groups/corp/registry/repositories', outsider.auth);
      expect(outside.body.map((r: { path: string }) => r.path)).toEqual(['corp/pub/tool']);
      expect(outside.body[0]).not.toHaveProperty('delete_api_path');
      expect(await api.get('/groups/corp%2Fteam/registry/repositories', outsider.auth)).toMatchObject({ status: 404, body: { message: '404 Group Not Found' } });
    });

    it('gets one repository with tags, tags_count and its deduplicated size', async () => {
      const id = await repoId('corp/app');
      const plain = await api.get(`/registry/repositories/${id}`, rep.auth);
      expect(plain.status).toBe(200);
      expect(Object.keys(plain.body)).toEqual(REPOSITORY_KEYS);
      const full = await api.get(`/registry/repositories/${id}?tags=true&tags_count=true&size=true`, maint.auth);
      expect(full.body).toMatchObject({ id, path: 'corp/app', tags_count: 4, size: app.configSize + app.layerSize, status: null });
      expect(Object.keys(full.body)).toEqual([...REPOSITORY_KEYS.slice(0, 7), 'tags_count', 'tags', 'delete_api_path', 'size', 'status']);
      const [row] = await db.query<{ size: string }>(
        `SELECT sum(b.size) AS size FROM repository_blobs rb JOIN blobs b ON b.digest = rb.blob_digest WHERE rb.repository_id = $1`,
        [id],
      );
      expect(full.body.size).toBe(Number(row.size));
      expect(await api.get(`/registry/repositories/${id}`, outsider.auth)).toMatchObject({ status: 404, body: { message: '404 Repository Not Found' } });
      expect((await api.get(`/registry/repositories/${id}`, guest.auth)).status).toBe(403);
      expect((await api.get('/registry/repositories/999999', rep.auth)).status).toBe(404);
      expect(await api.get('/registry/repositories/abc', rep.auth)).toMatchObject({ status: 400, body: { error: 'id is invalid' } });
    });

    it('answers 404 for a repository of another project', async () => {
      const svc = await repoId('corp/team/svc');
      expect(await api.get(`/projects/corp%2Fapp/registry/repositories/${svc}/tags`, maint.auth)).toMatchObject({
        status: 404,
        body: { message: '404 Repository Not Found' },
      });
    });
  });

  describe('search and storage', () => {
    it('finds images by path across everything the caller can pull, and nothing more', async () => {
      const found = await api.get('/registry/repositories?search=WORK&tags_count=true', rep.auth);
      expect(found.status).toBe(200);
      expect(found.body.map((r: { path: string }) => r.path)).toEqual(['corp/app/worker']);
      expect(found.body[0].tags_count).toBe(2);
      const everything = await api.get('/registry/repositories', rep.auth);
      expect(everything.headers.get('x-total')).toBe('4');
      expect((await api.get('/registry/repositories?search=corp', outsider.auth)).body.map((r: { path: string }) => r.path)).toEqual(['corp/pub/tool']);
      expect((await api.get('/registry/repositories?search=app', null)).body).toEqual([]);
      expect((await api.get('/registry/repositories?search=tool', null)).body.map((r: { path: string }) => r.path)).toEqual(['corp/pub/tool']);
      // LIKE wildcards in the search text match themselves.
      expect((await api.get('/registry/repositories?search=%25', rep.auth)).body).toEqual([]);
    });

    it('reports project and group registry sizes (distinct blobs)', async () => {
      const sizeOf = async (where: string, params: unknown[]) =>
        Number(
          (
            await db.query<{ size: string }>(
              `SELECT COALESCE(sum(size), 0) AS size FROM blobs WHERE digest IN (
                 SELECT rb.blob_digest FROM repository_blobs rb JOIN repositories r ON r.id = rb.repository_id JOIN projects p ON p.id = r.project_id WHERE ${where})`,
              params,
            )
          )[0].size,
        );
      const project = await api.get('/projects/corp%2Fapp/registry/statistics', rep.auth);
      expect(project.status).toBe(200);
      expect(project.body).toEqual({ container_registry_size: await sizeOf('p.id = $1', [appId]), repositories_count: 2, tags_count: 6 });
      expect(project.body.container_registry_size).toBeGreaterThan(0);
      const group = await api.get('/groups/corp/registry/statistics', rep.auth);
      expect(group.body).toEqual({ container_registry_size: await sizeOf(`p.full_path LIKE 'corp/%'`, []), repositories_count: 4, tags_count: 8 });
      expect((await api.get('/groups/corp/registry/statistics', guest.auth)).status).toBe(403);
      expect((await api.get('/projects/corp%2Fapp/registry/statistics', outsider.auth)).status).toBe(404);
    });
  });

  describe('tags', () => {
    const paged = 'corp/app/paged';
    let pagedId: number;

    beforeAll(async () => {
      await pushImage(registry, paged, Array.from({ length: 25 }, (_, i) => `t${String(i).padStart(2, '0')}`));
      pagedId = await repoId(paged);
    });

    it('pages tags by offset with GitLab\'s headers, filtered by name', async () => {
      const page2 = await api.get(`/projects/corp%2Fapp/registry/repositories/${pagedId}/tags?per_page=10&page=2`, rep.auth);
      expect(page2.status).toBe(200);
      expect(page2.body.map((t: { name: string }) => t.name)).toEqual(['t10', 't11', 't12', 't13', 't14', 't15', 't16', 't17', 't18', 't19']);
      // GitLab's Tag entity, then our pull statistics (never pulled: null and 0) and protection (no rule: null).
      expect(page2.body[0]).toEqual({ name: 't10', path: `${paged}:t10`, location: `${host}/${paged}:t10`, last_pulled_at: null, pull_count: 0, protection: null });
      expect(page2.headers.get('x-total')).toBe('25');
      expect(page2.headers.get('x-total-pages')).toBe('3');
      expect(page2.headers.get('x-next-page')).toBe('3');
      expect(page2.headers.get('x-prev-page')).toBe('1');
      const filtered = await api.get(`/projects/corp%2Fapp/registry/repositories/${pagedId}/tags?name=T2`, rep.auth);
      expect(filtered.body.map((t: { name: string }) => t.name)).toEqual(['t20', 't21', 't22', 't23', 't24']);
      expect(filtered.headers.get('x-total')).toBe('5');
    });

    it('walks GitLab\'s keyset pagination by following Link rel="next"', async () => {
      const seen: string[] = [];
      let url: string | null = `/projects/corp%2Fapp/registry/repositories/${pagedId}/tags?pagination=keyset&per_page=10`;
      let pages = 0;
      while (url) {
        const page = await api.get(url, rep.auth);
        expect(page.status).toBe(200);
        expect(page.headers.get('x-total')).toBeNull();
        seen.push(...page.body.map((t: { name: string }) => t.name));
        const link = page.headers.get('link');
        const next = link?.match(/^<([^>]+)>; rel="next"$/);
        url = next ? next[1].slice(`${platform.url}/api/v4`.length) : null;
        if (next) expect(next[1]).toContain(`last=${seen[seen.length - 1]}`);
        pages++;
      }
      expect(pages).toBe(3);
      expect(seen).toEqual(await tagNames(paged));
      const desc = await api.get(`/projects/corp%2Fapp/registry/repositories/${pagedId}/tags?pagination=keyset&per_page=3&sort=desc&last=t20`, rep.auth);
      expect(desc.body.map((t: { name: string }) => t.name)).toEqual(['t19', 't18', 't17']);
      expect(desc.headers.get('link')).toContain('sort=desc');
    });

    it('shows tag details: revision is the config digest, digest the manifest\'s', async () => {
      const id = await repoId('corp/app');
      const details = await api.get(`/projects/corp%2Fapp/registry/repositories/${id}/tags/v1.0.0`, rep.auth);
      expect(details.status).toBe(200);
      const revision = app.configDigest.slice('sha256:'.length);
      expect(details.body).toEqual({
        name: 'v1.0.0',
        path: 'corp/app:v1.0.0',
        location: `${host}/corp/app:v1.0.0`,
        revision,
        short_revision: revision.slice(0, 9),
        digest: app.digest,
        created_at: expect.any(String),
        total_size: app.manifestSize + app.configSize + app.layerSize,
        last_pulled_at: null,
        pull_count: 0,
        manifest_last_pulled_at: null,
        manifest_pull_count: 0,
        protection: null,
      });
      const [row] = await db.query<{ created_at: Date }>(`SELECT created_at FROM tags WHERE repository_id = $1 AND name = 'v1.0.0'`, [id]);
      expect(new Date(details.body.created_at).getTime()).toBe(row.created_at.getTime());
      expect(await api.get(`/projects/corp%2Fapp/registry/repositories/${id}/tags/nope`, rep.auth)).toMatchObject({ status: 404, body: { message: '404 Tag Not Found' } });
      expect((await api.get(`/projects/corp%2Fapp/registry/repositories/${id}/tags/..`, rep.auth)).status).toBe(404);
    });

    it('deletes one tag as /v2/ does: Developer yes, Reporter no; the manifest goes to GC review', async () => {
      const id = await repoId('corp/app');
      expect(await api.delete(`/projects/corp%2Fapp/registry/repositories/${id}/tags/dev-1`, rep.auth)).toMatchObject({ status: 403, body: { message: '403 Forbidden' } });
      expect((await api.delete(`/projects/corp%2Fapp/registry/repositories/${id}/tags/dev-1`, readApi.auth)).status).toBe(403);
      const deleted = await api.delete(`/projects/corp%2Fapp/registry/repositories/${id}/tags/dev-1`, dev.auth);
      expect(deleted.status).toBe(200);
      expect(await tagNames('corp/app')).toEqual(['latest', 'v1.0.0', 'v1.1.0']);
      const queued = await db.query(`SELECT q.reason FROM gc_manifest_review_queue q JOIN manifests m ON m.id = q.manifest_id WHERE m.digest = $1`, [app.digest]);
      expect(queued).toEqual([{ reason: 'tag_deleted' }]);
      expect((await registry.fetch(`${platform.url}/v2/corp/app/manifests/dev-1`)).status).toBe(404);
      expect((await registry.fetch(`${platform.url}/v2/corp/app/manifests/latest`)).status).toBe(200);
      expect(await api.delete(`/projects/corp%2Fapp/registry/repositories/${id}/tags/dev-1`, dev.auth)).toMatchObject({ status: 404, body: { message: '404 Tag Not Found' } });
    });
  });

  describe('bulk delete', () => {
    const bulk = 'corp/app/bulk';
    let bulkId: number;
    const url = () => `${platform.url}/api/v4/projects/corp%2Fapp/registry/repositories/${bulkId}/tags`;
    const form = (auth: { token: string }, body: string) =>
      fetch(url(), { method: 'DELETE', headers: { 'PRIVATE-TOKEN': auth.token, 'Content-Type': 'application/x-www-form-urlencoded' }, body });

    beforeAll(async () => {
      await pushImage(registry, bulk, ['latest', 'stable-1', 'stable-2', 'dev-1', 'dev-2', 'dev-3', 'feature-x']);
      bulkId = await repoId(bulk);
      // Push times, days ago (GitLab orders by the last push: updated_at, else created_at).
      for (const [name, days] of [['latest', 30], ['stable-1', 20], ['stable-2', 10], ['dev-1', 4], ['dev-2', 3], ['dev-3', 2], ['feature-x', 1]] as const) {
        await db.query(`UPDATE tags SET created_at = now() - make_interval(days => $3), updated_at = now() - make_interval(days => $3) WHERE repository_id = $1 AND name = $2`, [
          bulkId,
          name,
          days,
        ]);
      }
    });

    it('validates synchronously: bad regexes, missing regex, bad older_than and keep_n are 400', async () => {
      const badRegex = await form(maint.auth as { token: string }, 'name_regex_delete=(a');
      expect(badRegex.status).toBe(400);
      expect((await badRegex.json()).error).toMatch(/^name_regex_delete is an invalid regexp: .*missing closing \)/);
      // The same parameters in the query string (curl -X DELETE "...tags?name_regex_delete=..."), with no body.
      const inQuery = await fetch(`${url()}?name_regex_delete=${encodeURIComponent('(a')}&keep_n=5`, { method: 'DELETE', headers: { 'PRIVATE-TOKEN': (maint.auth as { token: string }).token } });
      expect(inQuery.status).toBe(400);
      expect((await inQuery.json()).error).toMatch(/^name_regex_delete is an invalid regexp/);
      const badKeep = await api.request('DELETE', `/projects/corp%2Fapp/registry/repositories/${bulkId}/tags`, maint.auth, { name_regex_delete: '.*', name_regex_keep: '[' });
      expect(badKeep.body.error).toMatch(/^name_regex_keep is an invalid regexp/);
      expect(await api.request('DELETE', `/projects/corp%2Fapp/registry/repositories/${bulkId}/tags`, maint.auth, { keep_n: 5 })).toMatchObject({
        status: 400,
        body: { error: 'name_regex, name_regex_delete are missing, at least one parameter must be provided' },
      });
      expect((await (await form(maint.auth as { token: string }, 'name_regex_delete=.*&older_than=soon')).json())).toEqual({ error: 'older_than is invalid' });
      expect((await (await form(maint.auth as { token: string }, 'name_regex_delete=.*&keep_n=many')).json())).toEqual({ error: 'keep_n is invalid' });
      // Lookarounds are not RE2: refused, never run by a backtracking engine.
      expect((await form(maint.auth as { token: string }, 'name_regex=(?=x)')).status).toBe(400);
      expect(await tagNames(bulk)).toHaveLength(7);
    });

    it('refuses Developers and Reporters (Maintainer only)', async () => {
      expect((await form(dev.auth as { token: string }, 'name_regex_delete=.*')).status).toBe(403);
      expect((await form(rep.auth as { token: string }, 'name_regex_delete=.*')).status).toBe(403);
      expect((await form(outsider.auth as { token: string }, 'name_regex_delete=.*')).status).toBe(404);
    });

    it('deletes in the worker by GitLab\'s rules, once an hour per repository', async () => {
      const accepted = await form(maint.auth as { token: string }, 'name_regex_delete=.*&name_regex_keep=stable-.*&keep_n=1');
      expect(accepted.status).toBe(202);
      expect(await accepted.json()).toBe(202);
      const again = await form(maint.auth as { token: string }, 'name_regex_delete=.*');
      expect(again.status).toBe(400);
      expect(await again.json()).toEqual({
        message: 'This request has already been made. You can run this at most once an hour for a given container repository',
      });
      // latest never goes, stable-* is kept by name, feature-x is the newest candidate (keep_n=1).
      const expected = ['feature-x', 'latest', 'stable-1', 'stable-2'];
      await waitFor('the bulk delete', async () => ((await tagNames(bulk)).length === expected.length ? true : undefined));
      expect(await tagNames(bulk)).toEqual(expected);
      const list = await api.get(`/projects/corp%2Fapp/registry/repositories/${bulkId}/tags`, rep.auth);
      expect(list.body.map((t: { name: string }) => t.name)).toEqual(expected);
      const [queued] = await db.query<{ reason: string }>(`SELECT reason FROM gc_manifest_review_queue q JOIN manifests m ON m.id = q.manifest_id WHERE m.repository_id = $1`, [
        bulkId,
      ]);
      expect(queued).toEqual({ reason: 'tag_deleted' });
    });

    it('runs hostile patterns in linear time', async () => {
      const hostileRepo = 'corp/app/hostile';
      await pushImage(registry, hostileRepo, [`${'a'.repeat(60)}`, 'keep']);
      const id = await repoId(hostileRepo);
      const started = Date.now();
      const response = await api.request('DELETE', `/projects/corp%2Fapp/registry/repositories/${id}/tags`, maint.auth, { name_regex_delete: '(a+)+' });
      expect(response.status).toBe(202);
      await waitFor('the hostile bulk delete', async () => ((await tagNames(hostileRepo)).length === 1 ? true : undefined));
      expect(await tagNames(hostileRepo)).toEqual(['keep']);
      expect(Date.now() - started).toBeLessThan(20_000);
    });
  });

  describe('repository delete', () => {
    it('refuses Developers; a Maintainer schedules it (202), the worker deletes everything and queues the blobs for GC', async () => {
      const doomed = await pushImage(registry, 'corp/app/doomed', ['1', '2', 'latest']);
      const id = await repoId('corp/app/doomed');
      expect((await api.delete(`/projects/corp%2Fapp/registry/repositories/${id}`, dev.auth)).status).toBe(403);
      expect((await api.delete(`/projects/corp%2Fapp/registry/repositories/${id}`, rep.auth)).status).toBe(403);
      expect((await api.delete(`/projects/corp%2Fpub/registry/repositories/${id}`, maint.auth)).status).toBe(404);

      // Without a worker the job waits, and the repository shows GitLab's delete_scheduled status.
      await platform.worker!.stop();
      const scheduled = await api.delete(`/projects/corp%2Fapp/registry/repositories/${id}`, maint.auth);
      expect(scheduled.status).toBe(202);
      expect(scheduled.body).toBe(202);
      expect((await api.get(`/registry/repositories/${id}`, rep.auth)).body.status).toBe('delete_scheduled');
      // Asking twice is harmless.
      expect((await api.delete(`/projects/corp%2Fapp/registry/repositories/${id}`, maint.auth)).status).toBe(202);

      extraWorker = spawnProcess('worker', platform.env);
      await waitFor('the repository delete', async () => ((await api.get(`/registry/repositories/${id}`, rep.auth)).status === 404 ? true : undefined));
      for (const table of ['tags', 'manifests', 'repository_blobs']) {
        expect(await db.query(`SELECT 1 FROM ${table} WHERE repository_id = $1`, [id])).toEqual([]);
      }
      expect(await db.query(`SELECT 1 FROM repositories WHERE id = $1`, [id])).toEqual([]);
      const queued = await db.query<{ blob_digest: string; reason: string }>(
        `SELECT blob_digest, reason FROM gc_blob_review_queue WHERE blob_digest = ANY($1) ORDER BY blob_digest`,
        [[doomed.layerDigest, doomed.configDigest]],
      );
      expect(queued).toEqual(
        [doomed.layerDigest, doomed.configDigest].sort().map((digest) => ({ blob_digest: digest, reason: 'repository_deleted' })),
      );
      // Other repositories are untouched.
      expect(await tagNames('corp/app')).toEqual(['latest', 'v1.0.0', 'v1.1.0']);
      expect((await registry.fetch(`${platform.url}/v2/corp/app/doomed/manifests/latest`)).status).toBe(404);
    });
  });

  it('serves an OpenAPI description of the endpoints at /api/docs', async () => {
    const json = await fetch(`${platform.url}/api/docs-json`);
    expect(json.status).toBe(200);
    const document = (await json.json()) as {
      openapi: string;
      paths: Record<string, Record<string, { responses?: Record<string, { content?: unknown }> }>>;
      components: { schemas: Record<string, { required?: string[] }> };
    };
    expect(document.openapi).toMatch(/^3\./);
    expect(Object.keys(document.paths)).toEqual(
      expect.arrayContaining([
        '/api/v4/projects/{id}/registry/repositories',
        '/api/v4/projects/{id}/registry/repositories/{repository_id}/tags',
        '/api/v4/projects/{id}/registry/repositories/{repository_id}/tags/{tag_name}',
        '/api/v4/groups/{id}/registry/repositories',
        '/api/v4/registry/repositories/{id}',
      ]),
    );
    expect(Object.keys(document.paths['/api/v4/projects/{id}/registry/repositories/{repository_id}/tags'])).toEqual(expect.arrayContaining(['get', 'delete']));
    // The response schemas the web UI's generated types (apps/web/src/api/schema.d.ts) are made from.
    expect(document.paths['/api/v4/projects/{id}/registry/repositories/{repository_id}/tags'].get.responses?.['200'].content).toEqual({
      'application/json': { schema: { type: 'array', items: { $ref: '#/components/schemas/ListedTagEntity' } } },
    });
    expect(document.components.schemas.TagDetailsEntity.required).toEqual(expect.arrayContaining(['digest', 'total_size', 'pull_count']));
    expect((await fetch(`${platform.url}/api/docs`)).status).toBe(200);
  });

  it('keeps encoded project paths working for every route', async () => {
    expect((await api.get(`/projects/${enc('corp/team/svc')}/registry/repositories`, rep.auth)).body.map((r: { path: string }) => r.path)).toEqual(['corp/team/svc']);
  });
});
