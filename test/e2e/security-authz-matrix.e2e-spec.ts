import { randomBytes } from 'node:crypto';
import { createTestDatabase, Credentials, digestOf, RegistrySession, startPlatform, TestDatabase, TestPlatform } from '@cargohold/testing';
import { RestClient } from './iam-rest-client';
import { pushImage } from './reliability-support';

/**
 * The authorization matrix: every role and token kind against every registry action and the registry REST
 * endpoints, on private, internal and public projects, compared with the expected table below — written from
 * CONTRACT.md's "Roles" table:
 *   Guest 10: nothing on private projects; pull on public and internal ones
 *   Reporter 20: pull · Developer 30: pull, push, delete single tags
 *   Maintainer 40: + delete repositories, bulk delete (and, as in GitLab, members and deploy tokens) · Owner 50: everything
 *   Token scopes cap roles: read_registry pull, write_registry push, api the REST API.
 * Anonymous callers pull public projects only; administrators may do everything.
 */
type Visibility = 'private' | 'internal' | 'public';
type Action = 'pull' | 'push' | 'delete';
type RestAction = 'list_repositories' | 'delete_tag' | 'bulk_delete' | 'add_member' | 'create_deploy_token';
const VISIBILITIES: Visibility[] = ['private', 'internal', 'public'];
const ROLE_LEVEL = { guest: 10, reporter: 20, developer: 30, maintainer: 40, owner: 50 } as const;
type Role = keyof typeof ROLE_LEVEL;

/** What a role may do on the registry of a project with this visibility (the contract's table). */
function roleRegistry(role: Role | 'anonymous' | 'admin', visibility: Visibility): Action[] {
  if (role === 'admin') return ['pull', 'push', 'delete'];
  if (role === 'anonymous') return visibility === 'public' ? ['pull'] : [];
  const level = ROLE_LEVEL[role];
  if (level >= 30) return ['pull', 'push', 'delete'];
  if (level >= 20 || visibility !== 'private') return ['pull'];
  return [];
}

function roleRest(role: Role | 'anonymous' | 'admin', visibility: Visibility): RestAction[] {
  const level = role === 'admin' ? 60 : role === 'anonymous' ? 0 : ROLE_LEVEL[role];
  const actions: RestAction[] = [];
  if (roleRegistry(role, visibility).includes('pull')) actions.push('list_repositories');
  if (level >= 30) actions.push('delete_tag');
  if (level >= 40) actions.push('bulk_delete', 'add_member', 'create_deploy_token');
  return actions;
}

interface Subject {
  name: string;
  registry: Credentials | null;
  rest: { token: string } | null;
  /** Expected registry actions per visibility of the project at hand. */
  expectRegistry(visibility: Visibility): Action[];
  expectRest(visibility: Visibility): RestAction[];
}

describe('security: authorization matrix', () => {
  let db: TestDatabase;
  let platform: TestPlatform;
  let api: RestClient;
  const subjects: Subject[] = [];
  const projectId: Record<Visibility, number> = { private: 0, internal: 0, public: 0 };
  const repositoryId: Record<string, number> = {};
  const userIds: Record<string, number> = {};
  const PASSWORD = 'matrix-password-1';
  const pathOf = (v: Visibility) => `mx/${v}-app`;

  beforeAll(async () => {
    db = await createTestDatabase();
    platform = await startPlatform({ databaseUrl: db.url, worker: false, env: { PULL_RATE_LIMIT_AUTHENTICATED: '0', PULL_RATE_LIMIT_ANONYMOUS: '0' } });
    api = new RestClient(platform.url);
    const admin = { token: platform.adminToken };
    const group = await api.post('/groups', admin, { name: 'Mx', path: 'mx', visibility: 'public' });
    for (const v of VISIBILITIES) {
      const project = await api.post('/projects', admin, { namespace_id: group.body.id, path: `${v}-app`, name: `${v}-app`, visibility: v });
      expect(project.status).toBe(201);
      projectId[v] = project.body.id;
    }
    const pat = async (userId: number, scopes: string[]) => (await api.post(`/users/${userId}/personal_access_tokens`, admin, { name: scopes.join('-'), scopes, expires_at: '2999-01-01' })).body.token as string;
    for (const role of Object.keys(ROLE_LEVEL) as Role[]) {
      const user = await api.post('/users', admin, { username: role, email: `${role}@example.com`, name: role, password: PASSWORD });
      userIds[role] = user.body.id;
      // Owners through the group (inherited), everyone else as a member of each project.
      if (role === 'owner') expect((await api.post(`/groups/${group.body.id}/members`, admin, { user_id: user.body.id, access_level: 50 })).status).toBe(201);
      else for (const v of VISIBILITIES) expect((await api.post(`/projects/${projectId[v]}/members`, admin, { user_id: user.body.id, access_level: ROLE_LEVEL[role] })).status).toBe(201);
      subjects.push({
        name: role,
        registry: { username: role, password: PASSWORD },
        rest: { token: await pat(user.body.id, ['api']) },
        expectRegistry: (v) => roleRegistry(role, v),
        expectRest: (v) => roleRest(role, v),
      });
    }
    subjects.push(
      { name: 'anonymous', registry: null, rest: null, expectRegistry: (v) => roleRegistry('anonymous', v), expectRest: (v) => roleRest('anonymous', v) },
      { name: 'admin', registry: { username: 'root', password: platform.adminToken }, rest: { token: platform.adminToken }, expectRegistry: (v) => roleRegistry('admin', v), expectRest: (v) => roleRest('admin', v) },
    );
    // Token kinds, all belonging to (or started by) the developer: scopes cap the developer's role.
    const developerRead = await pat(userIds.developer, ['read_registry']);
    const developerWrite = await pat(userIds.developer, ['read_registry', 'write_registry']);
    subjects.push(
      { name: 'PAT read_registry', registry: { username: 'developer', password: developerRead }, rest: { token: developerRead }, expectRegistry: (v) => roleRegistry('developer', v).filter((a) => a === 'pull'), expectRest: () => [] },
      { name: 'PAT write_registry', registry: { username: 'developer', password: developerWrite }, rest: { token: developerWrite }, expectRegistry: (v) => roleRegistry('developer', v), expectRest: () => [] },
    );
    // A group access token (its bot is a Developer of the group, so of every project in it), registry scopes only.
    const groupToken = await api.post(`/groups/${group.body.id}/access_tokens`, admin, { name: 'group-bot', scopes: ['read_registry', 'write_registry'], access_level: 30, expires_at: '2999-01-01' });
    expect(groupToken.status).toBe(201);
    subjects.push({
      name: 'group access token',
      registry: { username: 'group-bot', password: groupToken.body.token }, // any username goes with an access token
      rest: { token: groupToken.body.token },
      expectRegistry: (v) => roleRegistry('developer', v),
      expectRest: () => [],
    });
    // Deploy tokens and the job token belong to the private project: they reach nothing else.
    for (const [name, scopes] of [['deploy token read', ['read_registry']], ['deploy token read/write', ['read_registry', 'write_registry']]] as const) {
      const token = (await api.post(`/projects/${projectId.private}/deploy_tokens`, admin, { name, scopes, expires_at: '2999-01-01' })).body;
      subjects.push({
        name,
        registry: { username: token.username, password: token.token },
        rest: null,
        expectRegistry: (v) => (v !== 'private' ? [] : scopes.length === 1 ? ['pull'] : ['pull', 'push', 'delete']),
        // Not REST credentials: the REST API sees an anonymous caller.
        expectRest: (v) => roleRest('anonymous', v),
      });
    }
    const job = await api.post(`/projects/${projectId.private}/ci/jobs`, { token: await pat(userIds.developer, ['api']) }, { name: 'build' });
    expect(job.status).toBe(201);
    subjects.push({
      name: 'job token',
      registry: { username: 'gitlab-ci-token', password: job.body.variables.CI_JOB_TOKEN },
      rest: null,
      expectRegistry: (v) => (v === 'private' ? ['pull', 'push', 'delete'] : []),
      expectRest: (v) => roleRest('anonymous', v),
    });

    // Fixtures: an image per project, a tag per subject to delete, and an image repository per subject for bulk delete.
    const root = new RegistrySession(platform.url, { username: 'root', password: platform.adminToken });
    for (const v of VISIBILITIES) {
      const image = await pushImage(platform.url, pathOf(v), 'base', root.fetch);
      for (const s of subjects) {
        for (const tag of [`reg-${slug(s.name)}`, `rest-${slug(s.name)}`]) {
          expect((await root.fetch(`/v2/${pathOf(v)}/manifests/${tag}`, { method: 'PUT', body: image.body, headers: { 'Content-Type': 'application/vnd.oci.image.manifest.v1+json' } })).status).toBe(201);
        }
        await pushImage(platform.url, `${pathOf(v)}/bulk-${slug(s.name)}`, 'x', root.fetch);
      }
    }
    for (const row of await db.query<{ id: number; path: string }>(`SELECT id, path FROM repositories`)) repositoryId[row.path] = Number(row.id);
    for (const s of subjects) {
      const target = await api.post('/users', admin, { username: `target-${slug(s.name)}`, email: `t-${slug(s.name)}@example.com`, name: 't', password: PASSWORD });
      userIds[`target-${s.name}`] = target.body.id;
    }
  }, 180_000);

  afterAll(async () => {
    await platform?.stop();
    await db?.drop();
  });

  it('grants exactly the registry actions of the contract, for every subject and visibility', async () => {
    const mismatches: string[] = [];
    for (const s of subjects) {
      const session = new RegistrySession(platform.url, s.registry ?? undefined);
      for (const v of VISIBILITIES) {
        const repo = pathOf(v);
        const actual: Action[] = [];
        if ((await session.fetch(`/v2/${repo}/manifests/base`)).status === 200) actual.push('pull');
        const bytes = randomBytes(64);
        const started = await session.fetch(`/v2/${repo}/blobs/uploads/`, { method: 'POST' });
        if (started.status === 202) {
          const put = await session.fetch(`${started.headers.get('location')}?digest=${digestOf(bytes)}`, { method: 'PUT', body: bytes });
          if (put.status === 201) actual.push('push');
        }
        const deleted = await session.fetch(`/v2/${repo}/manifests/reg-${slug(s.name)}`, { method: 'DELETE' });
        if (deleted.status === 202) actual.push('delete');
        // A refusal must be a refusal: 401 or 403, never a 5xx.
        for (const status of [started.status, deleted.status]) if (status >= 500) mismatches.push(`${s.name} on ${v}: ${status}`);
        const expected = s.expectRegistry(v);
        if (actual.join() !== expected.join()) mismatches.push(`${s.name} on ${v}: expected [${expected}] got [${actual}]`);
      }
    }
    expect(mismatches).toEqual([]);
  });

  it('grants exactly the REST registry, member and deploy token actions of the contract', async () => {
    const mismatches: string[] = [];
    for (const s of subjects) {
      for (const v of VISIBILITIES) {
        const id = projectId[v];
        const mainRepo = repositoryId[pathOf(v)];
        const bulkRepo = repositoryId[`${pathOf(v)}/bulk-${slug(s.name)}`];
        const ok = (status: number) => status >= 200 && status < 300;
        const actual: RestAction[] = [];
        const statuses: number[] = [];
        const record = (action: RestAction, response: { status: number; body: unknown }) => {
          statuses.push(response.status);
          if (ok(response.status)) actual.push(action);
          // A refusal is 401, 403 or 404 (GitLab hides projects the caller cannot see), never a 400 or 5xx.
          else if (![401, 403, 404].includes(response.status)) mismatches.push(`${s.name} on ${v}, ${action}: ${response.status} ${JSON.stringify(response.body)}`);
        };
        record('list_repositories', await api.get(`/projects/${id}/registry/repositories`, s.rest));
        record('delete_tag', await api.delete(`/projects/${id}/registry/repositories/${mainRepo}/tags/rest-${slug(s.name)}`, s.rest));
        // Parameters in the body: the query-string form is not merged correctly yet (reported to the lead).
        record('bulk_delete', await api.request('DELETE', `/projects/${id}/registry/repositories/${bulkRepo}/tags`, s.rest, { name_regex_delete: '.*' }));
        record('add_member', await api.post(`/projects/${id}/members`, s.rest, { user_id: userIds[`target-${s.name}`], access_level: 10 }));
        record('create_deploy_token', await api.post(`/projects/${id}/deploy_tokens`, s.rest, { name: `by-${slug(s.name)}`, scopes: ['read_registry'], expires_at: '2999-01-01' }));
        const expected = s.expectRest(v);
        if (actual.join() !== expected.join()) mismatches.push(`${s.name} on ${v}: expected [${expected}] got [${actual}]`);
      }
    }
    expect(mismatches).toEqual([]);
  });
});

function slug(name: string): string {
  return name.replace(/[^a-z0-9]+/gi, '-').toLowerCase();
}
