import { createTestDatabase, RegistrySession, startPlatform, TestDatabase, TestPlatform } from '@cargohold/testing';
import { BOOTSTRAP_TOKEN, enc, RestClient } from './iam-rest-client';
import { pushImage } from './registry-management-fixtures';

/**
 * GitLab's project edit (PUT /projects/:id) and container_registry_access_level, enforced on /v2/ for every kind
 * of credential and on the registry REST endpoints.
 */
describe('project edit and container_registry_access_level', () => {
  let db: TestDatabase;
  let platform: TestPlatform;
  let api: RestClient;
  const admin = { token: BOOTSTRAP_TOKEN };
  const users: Record<string, { id: number; auth: { token: string } }> = {};
  let projectId: number;

  /** Status of a manifest GET through the token service with these Basic credentials (or anonymously). */
  const pullStatus = async (image: string, credentials?: { username: string; password: string }) => {
    const session = new RegistrySession(platform.url, credentials);
    const response = await session.fetch(`/v2/${image}/manifests/v1`, { headers: { Accept: 'application/vnd.oci.image.manifest.v1+json' } });
    // A refused token leaves the first 401, whose body the session already read.
    if (!response.bodyUsed) await response.arrayBuffer();
    return response.status;
  };
  const setAccess = async (level: string) => {
    const response = await api.put(`/projects/${projectId}`, users.owner.auth, { container_registry_access_level: level });
    expect(response.status).toBe(200);
    expect(response.body.container_registry_access_level).toBe(level);
  };

  beforeAll(async () => {
    db = await createTestDatabase();
    platform = await startPlatform({ databaseUrl: db.url, worker: false, env: { BOOTSTRAP_ADMIN_TOKEN: BOOTSTRAP_TOKEN } });
    api = new RestClient(platform.url);
    for (const name of ['owner', 'maintainer', 'developer', 'reporter', 'guest', 'stranger']) {
      const user = await api.createUser(admin, name);
      users[name] = { id: user.id, auth: { token: user.token } };
    }
    const group = await api.post('/groups', users.owner.auth, { name: 'Edit', path: 'edit', visibility: 'public' });
    expect(group.status).toBe(201);
    const project = await api.post('/projects', users.owner.auth, { path: 'app', namespace_id: group.body.id, visibility: 'public' });
    expect(project.body).toMatchObject({ container_registry_access_level: 'enabled', container_registry_enabled: true });
    projectId = project.body.id;
    for (const [name, level] of [['maintainer', 40], ['developer', 30], ['reporter', 20], ['guest', 10]] as const) {
      expect((await api.post(`/projects/${projectId}/members`, users.owner.auth, { user_id: users[name].id, access_level: level })).status).toBe(201);
    }
  });

  afterAll(async () => {
    await platform?.stop();
    await db?.drop();
  });

  it('a Maintainer edits the description and the registry access level; unknown attributes are ignored', async () => {
    const response = await api.put(`/projects/${projectId}`, users.maintainer.auth, {
      description: 'The app',
      container_registry_access_level: 'private',
      no_such_attribute: 'x',
    });
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({
      id: projectId,
      description: 'The app',
      container_registry_access_level: 'private',
      container_registry_enabled: true,
      container_expiration_policy: expect.objectContaining({ enabled: expect.any(Boolean) }),
    });
    expect((await api.get(`/projects/${projectId}`, users.reporter.auth)).body).toMatchObject({ description: 'The app', container_registry_access_level: 'private' });
    await setAccess('enabled');
  });

  it('renaming and changing visibility take an Owner; a Developer edits nothing', async () => {
    expect((await api.put(`/projects/${projectId}`, users.maintainer.auth, { name: 'Renamed' })).status).toBe(403);
    expect((await api.put(`/projects/${projectId}`, users.maintainer.auth, { visibility: 'internal' })).status).toBe(403);
    expect((await api.put(`/projects/${projectId}`, users.developer.auth, { description: 'no' })).status).toBe(403);
    expect((await api.put(`/projects/${projectId}`, users.stranger.auth, { description: 'no' })).status).toBe(403);
    const renamed = await api.put(`/projects/${projectId}`, users.owner.auth, { name: 'Renamed App', visibility: 'internal' });
    expect(renamed.status).toBe(200);
    expect(renamed.body).toMatchObject({ name: 'Renamed App', visibility: 'internal', path: 'app', name_with_namespace: 'Edit / Renamed App' });
    expect((await api.put(`/projects/${projectId}`, users.owner.auth, { visibility: 'public' })).status).toBe(200);
  });

  it('invalid values are 400 and change nothing, the cleanup policy included', async () => {
    const before = (await api.get(`/projects/${projectId}`, users.owner.auth)).body;
    for (const body of [
      { visibility: 'secret', description: 'changed' },
      { container_registry_access_level: 'maybe', description: 'changed' },
      { path: 'Not A Path', description: 'changed' },
      { name: '', description: 'changed' },
      { description: 'changed', container_expiration_policy_attributes: { keep_n: 3 } },
    ]) {
      const response = await api.put(`/projects/${projectId}`, users.owner.auth, body);
      expect({ body, status: response.status }).toEqual({ body, status: 400 });
    }
    expect((await api.get(`/projects/${projectId}`, users.owner.auth)).body).toEqual(before);
  });

  it('a project cannot be more visible than its group', async () => {
    const group = await api.post('/groups', users.owner.auth, { name: 'Closed', path: 'closed', visibility: 'private' });
    const project = await api.post('/projects', users.owner.auth, { path: 'inner', namespace_id: group.body.id });
    const response = await api.put(`/projects/${project.body.id}`, users.owner.auth, { visibility: 'public' });
    expect(response).toMatchObject({ status: 400, body: { message: { visibility_level: ['public is not allowed in a private group.'] } } });
  });

  it('POST /projects takes container_registry_access_level', async () => {
    const created = await api.post('/projects', users.owner.auth, { path: 'quiet', container_registry_access_level: 'disabled' });
    expect(created.body).toMatchObject({ container_registry_access_level: 'disabled', container_registry_enabled: false });
    expect((await api.post('/projects', users.owner.auth, { path: 'loud', container_registry_access_level: 'yes' })).status).toBe(400);
  });

  it('changes the path while the registry is empty, and refuses once it holds images (GitLab rule)', async () => {
    const moved = await api.put(`/projects/${projectId}`, users.owner.auth, { path: 'web' });
    expect(moved.status).toBe(200);
    expect(moved.body).toMatchObject({ path: 'web', path_with_namespace: 'edit/web', web_url: `${platform.url}/edit/web` });
    expect((await api.get(`/projects/${enc('edit/app')}`, users.owner.auth)).status).toBe(404);
    expect((await api.get(`/projects/${enc('edit/web')}`, users.owner.auth)).body.id).toBe(projectId);

    await pushImage(new RegistrySession(platform.url, { username: 'root', password: BOOTSTRAP_TOKEN }), 'edit/web', ['v1']);
    const refused = await api.put(`/projects/${projectId}`, users.owner.auth, { path: 'site', description: 'not applied' });
    expect(refused).toMatchObject({ status: 400, body: { message: { base: ['Cannot rename project because it contains container registry tags!'] } } });
    expect((await api.get(`/projects/${projectId}`, users.owner.auth)).body).toMatchObject({ path: 'web', description: 'The app' });
    // The same path is no rename.
    expect((await api.put(`/projects/${projectId}`, users.owner.auth, { path: 'web' })).status).toBe(200);
    expect(await pullStatus('edit/web')).toBe(200);
  });

  it('private: only members with Reporter or more (and deploy tokens) pull, even in a public project', async () => {
    const deployToken = (await api.post(`/projects/${projectId}/deploy_tokens`, users.owner.auth, { name: 'd', scopes: ['read_registry'], expires_at: '2998-01-01' })).body;
    const job = (await api.post(`/projects/${projectId}/ci/jobs`, users.developer.auth, { name: 'build' })).body;
    const basic = (name: string) => ({ username: name, password: users[name].auth.token });
    await setAccess('private');
    expect(await pullStatus('edit/web')).not.toBe(200);
    expect(await pullStatus('edit/web', basic('stranger'))).not.toBe(200);
    expect(await pullStatus('edit/web', basic('guest'))).not.toBe(200);
    expect(await pullStatus('edit/web', basic('reporter'))).toBe(200);
    expect(await pullStatus('edit/web', { username: deployToken.username, password: deployToken.token })).toBe(200);
    expect(await pullStatus('edit/web', { username: 'gitlab-ci-token', password: job.token })).toBe(200);
    expect((await api.get(`/projects/${projectId}/registry/repositories`, users.guest.auth)).status).toBe(403);
    expect((await api.get(`/projects/${projectId}/registry/repositories`, null)).status).toBe(403);
    expect((await api.get(`/projects/${projectId}/registry/repositories`, users.reporter.auth)).status).toBe(200);

    await setAccess('disabled');
    expect((await api.get(`/projects/${projectId}`, null)).body).toMatchObject({ container_registry_enabled: false });
    for (const credentials of [
      undefined,
      basic('reporter'),
      basic('owner'),
      { username: 'root', password: BOOTSTRAP_TOKEN },
      { username: deployToken.username, password: deployToken.token },
      { username: 'gitlab-ci-token', password: job.token },
    ]) {
      const status = await pullStatus('edit/web', credentials);
      expect({ who: credentials?.username, denied: [401, 403].includes(status) }).toEqual({ who: credentials?.username, denied: true });
    }
    const push = new RegistrySession(platform.url, { username: 'root', password: BOOTSTRAP_TOKEN });
    await expect(pushImage(push, 'edit/web', ['v2'])).rejects.toThrow();
    expect((await api.get(`/projects/${projectId}/registry/repositories`, users.owner.auth)).status).toBe(403);
    expect((await api.get(`/projects/${projectId}/registry/repositories`, admin)).status).toBe(403);
    // Maintainers still edit the project, and turn the registry back on.
    await setAccess('enabled');
    expect(await pullStatus('edit/web')).toBe(200);
  });
});
