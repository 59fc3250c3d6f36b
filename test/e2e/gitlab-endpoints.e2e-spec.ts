import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { createTestDatabase, RegistrySession, startPlatform, TestDatabase, TestPlatform } from '@cargohold/testing';
import { BOOTSTRAP_TOKEN, enc, RestClient } from './iam-rest-client';
import { PushedImage, pushImage } from './registry-management-fixtures';

type User = Awaited<ReturnType<RestClient['createUser']>>;

const REPO_ROOT = path.resolve(__dirname, '../..');
const NAMESPACE_KEYS = ['id', 'name', 'path', 'kind', 'full_path', 'parent_id', 'avatar_url', 'web_url'];
const EVENT_KEYS = ['id', 'project_id', 'action_name', 'target_id', 'target_type', 'author_id', 'target_title', 'created_at', 'author', 'author_username'];

/**
 * GitLab endpoints added for GitLab clients (issue #17): group projects and descendant groups, namespaces,
 * inherited membership of one user, version and metadata, events, and project statistics. Against the real api.
 */
describe('GitLab endpoints: groups, namespaces, members, metadata, events, statistics', () => {
  let db: TestDatabase;
  let platform: TestPlatform;
  let api: RestClient;
  const admin = { token: BOOTSTRAP_TOKEN };
  let alice: User, carol: User, bob: User, reader: User;
  const ids: Record<string, number> = {};
  let rootImage: PushedImage, aliceImage: PushedImage;

  const created = async (route: string, body: object): Promise<number> => {
    const response = await api.post(route, admin, body);
    if (response.status !== 201) throw new Error(`POST ${route}: ${response.status} ${JSON.stringify(response.body)}`);
    return response.body.id as number;
  };

  beforeAll(async () => {
    db = await createTestDatabase();
    platform = await startPlatform({ databaseUrl: db.url, worker: false, env: { BOOTSTRAP_ADMIN_TOKEN: BOOTSTRAP_TOKEN } });
    api = new RestClient(platform.url);
    [alice, carol, bob] = await Promise.all(['alice', 'carol', 'bob'].map((name) => api.createUser(admin, name)));
    reader = await api.createUser(admin, 'reader', ['read_user']);

    // acme (private) > team > deep, each with a project; open (public) with a public project.
    ids.acme = await created('/groups', { name: 'Acme', path: 'acme', visibility: 'private' });
    ids.team = await created('/groups', { name: 'Team', path: 'team', parent_id: ids.acme, visibility: 'private' });
    ids.deep = await created('/groups', { name: 'Deep', path: 'deep', parent_id: ids.team, visibility: 'private' });
    ids.open = await created('/groups', { name: 'Open', path: 'open', visibility: 'public' });
    ids.app = await created('/projects', { path: 'app', namespace_id: ids.acme, visibility: 'private' });
    ids.svc = await created('/projects', { path: 'svc', namespace_id: ids.team, visibility: 'private' });
    ids.db = await created('/projects', { path: 'db', namespace_id: ids.deep, visibility: 'private' });
    ids.site = await created('/projects', { path: 'site', namespace_id: ids.open, visibility: 'public' });
    // alice: Developer of acme (inherited below it); carol: Guest of acme; bob: no membership at all.
    expect((await api.post(`/groups/${ids.acme}/members`, admin, { user_id: alice.id, access_level: 30 })).status).toBe(201);
    expect((await api.post(`/groups/${ids.acme}/members`, admin, { user_id: carol.id, access_level: 10 })).status).toBe(201);

    // Registry events: root pushes and deletes a tag, alice pushes.
    rootImage = await pushImage(new RegistrySession(platform.url, { username: 'root', password: BOOTSTRAP_TOKEN }), 'acme/app', ['v1']);
    const repositories = await api.get(`/projects/${ids.app}/registry/repositories`, admin);
    const repositoryId = repositories.body.find((repository: { path: string }) => repository.path === 'acme/app').id;
    expect((await api.delete(`/projects/${ids.app}/registry/repositories/${repositoryId}/tags/v1`, admin)).status).toBe(200);
    aliceImage = await pushImage(new RegistrySession(platform.url, { username: 'alice', password: alice.token }), 'acme/app/tool', ['a1']);
  });

  afterAll(async () => {
    await platform?.stop();
    await db?.drop();
  });

  describe('GET /groups/:id/projects', () => {
    it('lists the projects directly in the group, or with include_subgroups those of every subgroup too', async () => {
      const direct = await api.get('/groups/acme/projects', alice.auth);
      expect(direct.status).toBe(200);
      expect(direct.body.map((project: { path_with_namespace: string }) => project.path_with_namespace)).toEqual(['acme/app']);
      expect(direct.body[0]).toMatchObject({ id: ids.app, namespace: { id: ids.acme, kind: 'group', full_path: 'acme' } });

      const all = await api.get(`/groups/${ids.acme}/projects?include_subgroups=true&order_by=name&sort=asc`, alice.auth);
      expect(all.body.map((project: { path_with_namespace: string }) => project.path_with_namespace)).toEqual(['acme/app', 'acme/team/deep/db', 'acme/team/svc']);
      expect(all.headers.get('x-total')).toBe('3');
    });

    it('paginates with GitLab headers and filters by search and visibility', async () => {
      const first = await api.get(`/groups/acme/projects?include_subgroups=true&per_page=2&order_by=id&sort=asc`, alice.auth);
      expect(first.body.map((project: { id: number }) => project.id)).toEqual([ids.app, ids.svc]);
      expect(first.headers.get('x-total')).toBe('3');
      expect(first.headers.get('x-total-pages')).toBe('2');
      expect(first.headers.get('x-page')).toBe('1');
      expect(first.headers.get('x-per-page')).toBe('2');
      expect(first.headers.get('x-next-page')).toBe('2');
      expect(first.headers.get('link')).toContain('rel="next"');
      const second = await api.get(`/groups/acme/projects?include_subgroups=true&per_page=2&page=2&order_by=id&sort=asc`, alice.auth);
      expect(second.body.map((project: { id: number }) => project.id)).toEqual([ids.db]);

      const searched = await api.get('/groups/acme/projects?include_subgroups=true&search=sv', alice.auth);
      expect(searched.body.map((project: { path: string }) => project.path)).toEqual(['svc']);
      expect((await api.get('/groups/acme/projects?include_subgroups=true&visibility=public', alice.auth)).body).toEqual([]);
      expect((await api.get('/groups/acme/projects?order_by=stars', alice.auth)).status).toBe(400);
    });

    it('answers 404 for an unknown group and for a private group the caller cannot see; a public group is open to all', async () => {
      expect(await api.get('/groups/999999/projects', admin)).toMatchObject({ status: 404, body: { message: '404 Group Not Found' } });
      expect(await api.get('/groups/acme/projects', bob.auth)).toMatchObject({ status: 404, body: { message: '404 Group Not Found' } });
      expect((await api.get('/groups/acme/projects', null)).status).toBe(404);
      const open = await api.get('/groups/open/projects', null);
      expect(open.status).toBe(200);
      expect(open.body.map((project: { id: number }) => project.id)).toEqual([ids.site]);
    });
  });

  describe('GET /groups/:id/descendant_groups and /subgroups', () => {
    it('lists every group below, at any depth, while subgroups lists the children only', async () => {
      const descendants = await api.get('/groups/acme/descendant_groups', alice.auth);
      expect(descendants.status).toBe(200);
      expect(descendants.body.map((group: { full_path: string }) => group.full_path)).toEqual(['acme/team/deep', 'acme/team']);
      expect(descendants.body[0]).toMatchObject({ id: ids.deep, parent_id: ids.team, web_url: `${platform.url}/groups/acme/team/deep` });
      expect(descendants.headers.get('x-total')).toBe('2');
      const paged = await api.get('/groups/acme/descendant_groups?per_page=1&page=2', alice.auth);
      expect(paged.body.map((group: { id: number }) => group.id)).toEqual([ids.team]);
      expect(paged.headers.get('x-prev-page')).toBe('1');
      expect((await api.get(`/groups/${enc('acme/team')}/descendant_groups`, alice.auth)).body.map((group: { id: number }) => group.id)).toEqual([ids.deep]);
      expect((await api.get('/groups/acme/subgroups', alice.auth)).body.map((group: { id: number }) => group.id)).toEqual([ids.team]);
      expect((await api.get('/groups/acme/descendant_groups?search=dee', alice.auth)).body.map((group: { id: number }) => group.id)).toEqual([ids.deep]);
    });

    it('answers 404 for unknown groups and for non-members of private groups', async () => {
      expect(await api.get('/groups/999999/descendant_groups', admin)).toMatchObject({ status: 404, body: { message: '404 Group Not Found' } });
      expect((await api.get('/groups/acme/descendant_groups', bob.auth)).status).toBe(404);
      expect((await api.get('/groups/acme/subgroups', bob.auth)).status).toBe(404);
    });
  });

  describe('GET /namespaces', () => {
    it("lists the caller's own namespace and the groups they are a direct member of, with GitLab's fields", async () => {
      const listed = await api.get('/namespaces', alice.auth);
      expect(listed.status).toBe(200);
      expect(listed.body.map((ns: { full_path: string; kind: string }) => [ns.kind, ns.full_path])).toEqual([
        ['user', 'alice'],
        ['group', 'acme'],
      ]);
      // Counts only for what the caller administers: their own namespace, not a group where they are a Developer.
      expect(Object.keys(listed.body[0])).toEqual([...NAMESPACE_KEYS, 'projects_count']);
      expect(Object.keys(listed.body[1])).toEqual(NAMESPACE_KEYS);
      expect(listed.body[0]).toMatchObject({ name: 'alice', path: 'alice', parent_id: null, avatar_url: null, web_url: `${platform.url}/alice` });
      expect(listed.body[1]).toMatchObject({ id: ids.acme, web_url: `${platform.url}/groups/acme` });
      expect(listed.headers.get('x-total')).toBe('2');

      expect((await api.get('/namespaces?owned_only=true', alice.auth)).body.map((ns: { full_path: string }) => ns.full_path)).toEqual(['alice']);
      expect((await api.get('/namespaces?search=acm', alice.auth)).body.map((ns: { id: number }) => ns.id)).toEqual([ids.acme]);
      expect((await api.get('/namespaces', bob.auth)).body.map((ns: { full_path: string }) => ns.full_path)).toEqual(['bob']);
    });

    it('lists every namespace for administrators, with the counts GitLab shows to those who administer them', async () => {
      const all = await api.get('/namespaces?per_page=100', admin);
      const paths = all.body.map((ns: { full_path: string }) => ns.full_path);
      expect(paths).toEqual(expect.arrayContaining(['root', 'alice', 'bob', 'carol', 'acme', 'acme/team', 'acme/team/deep', 'open']));
      const acme = all.body.find((ns: { id: number }) => ns.id === ids.acme);
      // root (the creator, Owner), alice and carol.
      expect(acme).toMatchObject({ members_count_with_descendants: 3, projects_count: 1 });
      const paged = await api.get('/namespaces?per_page=2', admin);
      expect(paged.body).toHaveLength(2);
      expect(paged.headers.get('x-total')).toBe(String(all.body.length));
    });

    it('needs authentication', async () => {
      expect(await api.get('/namespaces', null)).toMatchObject({ status: 401, body: { message: '401 Unauthorized' } });
    });
  });

  describe('GET /namespaces/:id', () => {
    it('finds a namespace by id or URL-encoded path for its members (inherited membership counts)', async () => {
      const byId = await api.get(`/namespaces/${ids.acme}`, alice.auth);
      expect(byId.status).toBe(200);
      expect(Object.keys(byId.body)).toEqual(NAMESPACE_KEYS);
      expect(byId.body).toMatchObject({ id: ids.acme, kind: 'group', full_path: 'acme', parent_id: null });
      const nested = await api.get(`/namespaces/${enc('acme/team/deep')}`, alice.auth);
      expect(nested.body).toMatchObject({ id: ids.deep, name: 'Deep', path: 'deep', full_path: 'acme/team/deep', parent_id: ids.team });
      const own = await api.get('/namespaces/alice', alice.auth);
      expect(own.body).toMatchObject({ kind: 'user', full_path: 'alice', web_url: `${platform.url}/alice`, projects_count: 0 });
    });

    it('answers 404 for unknown namespaces and for namespaces the caller is not a member of', async () => {
      expect(await api.get('/namespaces/999999', admin)).toMatchObject({ status: 404, body: { message: '404 Namespace Not Found' } });
      expect(await api.get('/namespaces/no-such-thing', admin)).toMatchObject({ status: 404 });
      expect((await api.get('/namespaces/acme', bob.auth)).status).toBe(404);
      expect((await api.get(`/namespaces/${ids.open}`, bob.auth)).status).toBe(404);
      expect((await api.get('/namespaces/alice', bob.auth)).status).toBe(404);
      expect((await api.get('/namespaces/alice', null)).status).toBe(401);
      expect((await api.get('/namespaces/alice', admin)).status).toBe(200);
    });
  });

  describe('GET /projects/:id/members/all/:user_id and /groups/:id/members/all/:user_id', () => {
    it("returns the user's effective membership, inherited from an ancestor group", async () => {
      const inherited = await api.get(`/projects/${enc('acme/team/svc')}/members/all/${alice.id}`, carol.auth);
      expect(inherited.status).toBe(200);
      expect(inherited.body).toMatchObject({ id: alice.id, username: 'alice', access_level: 30, source_type: 'Namespace', source_id: ids.acme });
      expect((await api.get(`/projects/${enc('acme/team/svc')}/members/${alice.id}`, carol.auth)).status).toBe(404);
      const group = await api.get(`/groups/${enc('acme/team')}/members/all/${carol.id}`, alice.auth);
      expect(group.body).toMatchObject({ id: carol.id, access_level: 10 });
      const list = await api.get(`/projects/${ids.svc}/members/all`, alice.auth);
      expect(list.body.map((member: { id: number }) => member.id)).toEqual(expect.arrayContaining([alice.id, carol.id]));
    });

    it('answers 404 for a user without membership, an unknown project, and non-members of private projects', async () => {
      expect(await api.get(`/projects/${ids.svc}/members/all/${bob.id}`, alice.auth)).toMatchObject({ status: 404, body: { message: '404 Member Not Found' } });
      expect((await api.get(`/projects/${ids.svc}/members/all/999999`, alice.auth)).status).toBe(404);
      expect(await api.get(`/projects/999999/members/all/${alice.id}`, admin)).toMatchObject({ status: 404, body: { message: '404 Project Not Found' } });
      expect((await api.get(`/projects/${ids.svc}/members/all/${alice.id}`, bob.auth)).status).toBe(404);
      expect((await api.get(`/groups/acme/members/all/${alice.id}`, bob.auth)).status).toBe(404);
      expect((await api.get(`/projects/${ids.svc}/members/all/abc`, alice.auth)).status).toBe(400);
    });
  });

  describe('GET /version and GET /metadata', () => {
    const expectedVersion = JSON.parse(readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')).version;
    const expectedRevision = (() => {
      try {
        return execFileSync('git', ['rev-parse', '--short=11', 'HEAD'], { cwd: REPO_ROOT, encoding: 'utf8' }).trim();
      } catch {
        return 'Unknown';
      }
    })();

    it("answer the platform's version from package.json and the commit", async () => {
      const version = await api.get('/version', alice.auth);
      expect(version.status).toBe(200);
      expect(version.headers.get('content-type')).toMatch(/^application\/json/);
      expect(version.body).toEqual({ version: expectedVersion, revision: expectedRevision });
      const metadata = await api.get('/metadata', alice.auth);
      expect(metadata.body).toEqual({
        version: expectedVersion,
        revision: expectedRevision,
        kas: { enabled: false, externalUrl: null, externalK8sProxyUrl: null, version: null },
        enterprise: false,
      });
    });

    it('need authentication, and accept a read_user token as GitLab does', async () => {
      expect(await api.get('/version', null)).toMatchObject({ status: 401, body: { message: '401 Unauthorized' } });
      expect((await api.get('/metadata', null)).status).toBe(401);
      expect((await api.get('/version', reader.auth)).status).toBe(200);
      expect((await api.get('/metadata', reader.auth)).status).toBe(200);
    });
  });

  describe('GET /events and GET /projects/:id/events', () => {
    it("lists the caller's own registry events in GitLab's event shape", async () => {
      const mine = await api.get('/events', alice.auth);
      expect(mine.status).toBe(200);
      expect(mine.body).toHaveLength(1);
      const [pushed] = mine.body;
      for (const key of EVENT_KEYS) expect(pushed).toHaveProperty(key);
      expect(pushed).toMatchObject({
        project_id: ids.app,
        action_name: 'pushed to',
        target_id: null,
        target_type: null,
        author_id: alice.id,
        target_title: 'acme/app/tool:a1',
        author: { id: alice.id, username: 'alice', web_url: `${platform.url}/alice` },
        author_username: 'alice',
        push_data: { action: 'pushed', ref_type: 'tag', ref: 'a1', commit_to: aliceImage.digest, commit_from: null },
      });
      expect(mine.headers.get('x-total')).toBe('1');
      // A read_user token reads its own (empty) feed.
      expect(await api.get('/events', reader.auth)).toMatchObject({ status: 200, body: [] });
      expect((await api.get('/events', null)).status).toBe(401);
    });

    it('filters by action, target_type, before, after and sorts by created_at', async () => {
      const root = await api.get('/events', admin);
      expect(root.body.map((event: { action_name: string }) => event.action_name)).toEqual(['deleted', 'pushed to']);
      expect(root.body[0]).toMatchObject({ target_title: 'acme/app:v1', push_data: { action: 'removed', ref: 'v1', commit_from: rootImage.digest, commit_to: null } });
      const ascending = await api.get('/events?sort=asc', admin);
      expect(ascending.body.map((event: { id: number }) => event.id)).toEqual(root.body.map((event: { id: number }) => event.id).reverse());
      expect((await api.get('/events?action=pushed', admin)).body).toHaveLength(2);
      expect((await api.get('/events?action=destroyed', admin)).body).toEqual([]);
      expect((await api.get('/events?target_type=issue', admin)).body).toEqual([]);
      expect((await api.get('/events?after=2000-01-01', admin)).body).toHaveLength(2);
      expect((await api.get('/events?before=2000-01-01', admin)).body).toEqual([]);
      expect((await api.get('/events?after=2999-12-31', admin)).body).toEqual([]);
      expect(await api.get('/events?action=exploded', admin)).toMatchObject({ status: 400, body: { error: 'action does not have a valid value' } });
      expect((await api.get('/events?target_type=container', admin)).status).toBe(400);
      expect((await api.get('/events?before=yesterday', admin)).status).toBe(400);
      expect((await api.get('/events?sort=up', admin)).status).toBe(400);
    });

    it('with scope=all lists every event of the projects the caller may pull from', async () => {
      const all = await api.get('/events?scope=all', alice.auth);
      expect(all.body.map((event: { author_username: string }) => event.author_username)).toEqual(['alice', 'root', 'root']);
      // carol is only a Guest of the private group: its registry is closed to her.
      expect((await api.get('/events?scope=all', carol.auth)).body).toEqual([]);
    });

    it("lists a project's registry events with pagination", async () => {
      const events = await api.get(`/projects/${enc('acme/app')}/events`, alice.auth);
      expect(events.status).toBe(200);
      expect(events.body.map((event: { author_username: string; action_name: string }) => [event.author_username, event.action_name])).toEqual([
        ['alice', 'pushed to'],
        ['root', 'deleted'],
        ['root', 'pushed to'],
      ]);
      const page = await api.get(`/projects/${ids.app}/events?per_page=1&page=2`, alice.auth);
      expect(page.body.map((event: { id: number }) => event.id)).toEqual([events.body[1].id]);
      expect(page.headers.get('x-total')).toBe('3');
      expect(page.headers.get('x-total-pages')).toBe('3');
      expect(page.headers.get('x-next-page')).toBe('3');
      expect(page.headers.get('x-prev-page')).toBe('1');
      expect((await api.get(`/projects/${ids.svc}/events`, alice.auth)).body).toEqual([]);
    });

    it('shows a Guest of a private project no events, and hides the project from non-members', async () => {
      expect(await api.get(`/projects/${ids.app}/events`, carol.auth)).toMatchObject({ status: 200, body: [] });
      expect(await api.get(`/projects/${ids.app}/events`, bob.auth)).toMatchObject({ status: 404, body: { message: '404 Project Not Found' } });
      expect((await api.get(`/projects/${ids.app}/events`, null)).status).toBe(404);
      expect((await api.get('/projects/999999/events', admin)).status).toBe(404);
      expect((await api.get(`/projects/${ids.site}/events`, null)).status).toBe(200);
    });
  });

  describe('GET /projects/:id?statistics=true', () => {
    it("adds statistics with container_registry_size, the project's distinct blob bytes, for Reporters and up", async () => {
      const project = await api.get(`/projects/${ids.app}?statistics=true`, alice.auth);
      expect(project.status).toBe(200);
      const registry = await api.get(`/projects/${ids.app}/registry/statistics`, alice.auth);
      const size = registry.body.container_registry_size;
      expect(size).toBeGreaterThanOrEqual(rootImage.layerSize + rootImage.configSize + aliceImage.layerSize + aliceImage.configSize);
      expect(project.body.statistics).toEqual({
        commit_count: 0,
        storage_size: size,
        repository_size: 0,
        wiki_size: 0,
        lfs_objects_size: 0,
        job_artifacts_size: 0,
        pipeline_artifacts_size: 0,
        packages_size: 0,
        snippets_size: 0,
        uploads_size: 0,
        container_registry_size: size,
      });
      expect((await api.get(`/projects/${ids.app}?statistics=true`, admin)).body.statistics.container_registry_size).toBe(size);
      expect((await api.get(`/projects/${ids.svc}?statistics=true`, alice.auth)).body.statistics.container_registry_size).toBe(0);
    });

    it('leaves statistics out unless asked for, and for callers below Reporter', async () => {
      expect((await api.get(`/projects/${ids.app}`, alice.auth)).body).not.toHaveProperty('statistics');
      const guest = await api.get(`/projects/${ids.app}?statistics=true`, carol.auth);
      expect(guest.status).toBe(200);
      expect(guest.body).not.toHaveProperty('statistics');
      expect((await api.get(`/projects/${ids.site}?statistics=true`, null)).body).not.toHaveProperty('statistics');
      expect((await api.get(`/projects/${ids.app}?statistics=true`, bob.auth)).status).toBe(404);
      expect((await api.get('/projects/999999?statistics=true', admin)).status).toBe(404);
    });
  });
});
