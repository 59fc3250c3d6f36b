import { createTestDatabase, startPlatform, TestDatabase, TestPlatform } from '@cargohold/testing';
import { Auth, RestClient } from './iam-rest-client';

/**
 * Who may pull through the cache: the token service's answer for `virtual_registries/container/<id>/<image>` and
 * `<group>/dependency_proxy/containers/<image>` (Guest+ of the top-level group with read_registry,
 * read_virtual_registry or api; the group's own deploy tokens; CI job tokens of its projects; pull only, never for
 * anonymous callers), and /v2/ taking those tokens.
 */
describe('container virtual registries: token scopes', () => {
  let db: TestDatabase;
  let platform: TestPlatform;
  let api: RestClient;
  let registryId: number;
  let guest: { username: string; token: string; auth: Auth; id: number };
  const admin = () => ({ token: platform.adminToken });

  beforeAll(async () => {
    db = await createTestDatabase();
    platform = await startPlatform({ databaseUrl: db.url, worker: false });
    api = new RestClient(platform.url);
    const group = await api.post('/groups', admin(), { name: 'Cache', path: 'cache' });
    await api.post('/groups', admin(), { name: 'Elsewhere', path: 'elsewhere' });
    guest = await api.createUser(admin(), 'cache-guest', ['read_registry']);
    expect((await api.post(`/groups/${group.body.id}/members`, admin(), { user_id: guest.id, access_level: 10 })).status).toBe(201);
    const registry = await api.post(`/groups/${group.body.id}/-/virtual_registries/container/registries`, admin(), { name: 'vr' });
    registryId = registry.body.id;
  });

  afterAll(async () => {
    await platform?.stop();
    await db?.drop();
  });

  /** The `access` claim /jwt/auth grants for one scope. */
  async function granted(credentials: { user: string; secret: string } | null, repository: string, actions = 'pull,push'): Promise<string[]> {
    const headers: Record<string, string> = credentials ? { Authorization: `Basic ${Buffer.from(`${credentials.user}:${credentials.secret}`).toString('base64')}` } : {};
    const response = await fetch(`${platform.url}/jwt/auth?service=container_registry&scope=repository:${repository}:${actions}`, { headers });
    expect(response.status).toBe(200);
    const { token } = (await response.json()) as { token: string };
    const claims = JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString('utf8'));
    return claims.access.find((entry: { name: string }) => entry.name === repository)?.actions ?? [];
  }
  const vr = (image = 'library/alpine') => `virtual_registries/container/${registryId}/${image}`;
  const dp = (group = 'cache', image = 'alpine') => `${group}/dependency_proxy/containers/${image}`;

  it('grants a Guest with read_registry pull (never push) on both path shapes, and nothing elsewhere', async () => {
    const me = { user: guest.username, secret: guest.token };
    expect(await granted(me, vr())).toEqual(['pull']);
    expect(await granted(me, dp())).toEqual(['pull']);
    expect(await granted(me, dp('elsewhere'))).toEqual([]);
    expect(await granted(me, `virtual_registries/container/999999/library/alpine`)).toEqual([]);
  });

  it('grants nothing to anonymous callers, outsiders, or tokens without a registry scope', async () => {
    expect(await granted(null, vr())).toEqual([]);
    const outsider = await api.createUser(admin(), 'cache-outsider', ['read_registry']);
    expect(await granted({ user: outsider.username, secret: outsider.token }, vr())).toEqual([]);
    const readApi = await api.post(`/users/${guest.id}/personal_access_tokens`, admin(), { name: 'ro', scopes: ['read_api'], expires_at: '2999-01-01' });
    expect(await granted({ user: guest.username, secret: readApi.body.token }, vr())).toEqual([]);
    const virtualScope = await api.post(`/users/${guest.id}/personal_access_tokens`, admin(), { name: 'vr', scopes: ['read_virtual_registry'], expires_at: '2999-01-01' });
    expect(virtualScope.status).toBe(201);
    expect(await granted({ user: guest.username, secret: virtualScope.body.token }, vr())).toEqual(['pull']);
  });

  it("grants the group's deploy tokens and its projects' CI job tokens pull", async () => {
    const token = await api.post('/groups/cache/deploy_tokens', admin(), { name: 'pull-through', scopes: ['read_virtual_registry'], expires_at: '2999-01-01' });
    expect(token.status).toBe(201);
    expect(await granted({ user: token.body.username, secret: token.body.token }, vr())).toEqual(['pull']);
    const other = await api.post('/groups/elsewhere/deploy_tokens', admin(), { name: 'other', scopes: ['read_registry'], expires_at: '2999-01-01' });
    expect(await granted({ user: other.body.username, secret: other.body.token }, vr())).toEqual([]);

    const project = await api.post('/projects', admin(), { namespace_id: (await api.get('/groups/cache', admin())).body.id, path: 'app', name: 'app' });
    expect(project.status).toBe(201);
    const job = await api.post(`/projects/${project.body.id}/ci/jobs`, admin(), { name: 'build' });
    expect(job.status).toBe(201);
    const jobToken = job.body.variables.CI_JOB_TOKEN ?? job.body.token;
    expect(await granted({ user: 'gitlab-ci-token', secret: jobToken }, dp())).toEqual(['pull']);
    expect(await granted({ user: 'gitlab-ci-token', secret: jobToken }, dp('elsewhere'))).toEqual([]);
  });

  it('/v2/ asks for the pull-through scope and takes the token it gets', async () => {
    const challenge = await fetch(`${platform.url}/v2/${vr()}/manifests/latest`);
    expect(challenge.status).toBe(401);
    expect(challenge.headers.get('www-authenticate')).toContain(`scope="repository:${vr()}:pull"`);
    const response = await fetch(`${platform.url}/jwt/auth?service=container_registry&scope=repository:${vr()}:pull`, {
      headers: { Authorization: `Basic ${Buffer.from(`${guest.username}:${guest.token}`).toString('base64')}` },
    });
    const { token } = (await response.json()) as { token: string };
    const pulled = await fetch(`${platform.url}/v2/${vr()}/manifests/latest`, { headers: { Authorization: `Bearer ${token}` } });
    // The registry has no upstream yet: nothing has the image, which is a 404, not a refusal.
    expect([401, 403]).not.toContain(pulled.status);
    const refused = await fetch(`${platform.url}/v2/${vr()}/manifests/latest`, { method: 'PUT', headers: { Authorization: `Bearer ${token}` }, body: '{}' });
    expect(refused.status).toBe(401);
  });
});
