import { createTestDatabase, startPlatform, TestDatabase, TestPlatform } from '@cargohold/testing';
import { BOOTSTRAP_TOKEN, enc, RestClient } from './iam-rest-client';

type User = Awaited<ReturnType<RestClient['createUser']>>;

/** YYYY-MM-DD `days` from today (UTC), as token expiry dates are written. */
const inDays = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);

/**
 * Issue #17, GitLab's token endpoints: rotation of every token kind (and the rule that a token never gives what it
 * creates a longer life than its own), deploy token deletion, the CI/CD job token scope (inbound switch and groups
 * allowlist) as the token service enforces it, and CI_DEPLOY_USER / CI_DEPLOY_PASSWORD for jobs.
 */
describe('GitLab tokens: rotation, deploy token removal, job token scope, CI deploy credentials', () => {
  let db: TestDatabase;
  let platform: TestPlatform;
  let api: RestClient;
  const admin = { token: BOOTSTRAP_TOKEN };
  let alice: User, bob: User, dev: User;
  let tokGroupId: number, subGroupId: number, otherGroupId: number;
  let appId: number, libId: number, deepId: number, svcId: number, toolId: number;

  const basic = (username: string, secret: string) => `Basic ${Buffer.from(`${username}:${secret}`).toString('base64')}`;
  /** What /jwt/auth grants these Basic credentials on one repository, as `docker login` + pull would ask. */
  const granted = async (username: string, secret: string, repository: string, actions = 'pull'): Promise<string[] | number> => {
    const response = await fetch(`${platform.url}/jwt/auth?service=container_registry&scope=repository:${repository}:${actions}`, {
      headers: { Authorization: basic(username, secret) },
    });
    if (response.status !== 200) return response.status;
    const { token } = (await response.json()) as { token: string };
    const claims = JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString('utf8'));
    return (claims.access ?? []).find((entry: { name: string }) => entry.name === repository)?.actions ?? [];
  };
  const startJob = async (user: User, projectId: number) => {
    const started = await api.post(`/projects/${projectId}/ci/jobs`, user.auth, {});
    expect(started.status).toBe(201);
    return started.body as { token: string; variables: Record<string, string> };
  };

  beforeAll(async () => {
    db = await createTestDatabase();
    platform = await startPlatform({ databaseUrl: db.url, worker: false, env: { BOOTSTRAP_ADMIN_TOKEN: BOOTSTRAP_TOKEN } });
    api = new RestClient(platform.url);
    [alice, bob, dev] = await Promise.all(['alice', 'bob', 'dev'].map((name) => api.createUser(admin, name)));
    tokGroupId = (await api.post('/groups', alice.auth, { name: 'Tok', path: 'tok' })).body.id;
    subGroupId = (await api.post('/groups', alice.auth, { name: 'Sub', path: 'sub', parent_id: tokGroupId })).body.id;
    otherGroupId = (await api.post('/groups', alice.auth, { name: 'Other', path: 'other' })).body.id;
    appId = (await api.post('/projects', alice.auth, { path: 'app', namespace_id: tokGroupId })).body.id;
    libId = (await api.post('/projects', alice.auth, { path: 'lib', namespace_id: tokGroupId })).body.id;
    deepId = (await api.post('/projects', alice.auth, { path: 'deep', namespace_id: subGroupId })).body.id;
    svcId = (await api.post('/projects', alice.auth, { path: 'svc', namespace_id: otherGroupId })).body.id;
    toolId = (await api.post('/projects', alice.auth, { path: 'tool', namespace_id: otherGroupId })).body.id;
    await api.post(`/projects/${appId}/members`, alice.auth, { user_id: dev.id, access_level: 30 });
    await api.post(`/projects/${svcId}/members`, alice.auth, { user_id: dev.id, access_level: 20 });
  });

  afterAll(async () => {
    await platform?.stop();
    await db?.drop();
  });

  describe('personal access token rotation', () => {
    it('revokes the old token and returns a new one with the same scopes, expiring in a week', async () => {
      const old = await api.post(`/users/${alice.id}/personal_access_tokens`, admin, { name: 'reader', scopes: ['read_api', 'read_registry'], expires_at: '2999-01-01' });
      const rotated = await api.post(`/personal_access_tokens/${old.body.id}/rotate`, alice.auth);
      expect(rotated.status).toBe(200);
      expect(rotated.headers.get('content-type')).toMatch(/^application\/json/);
      expect(rotated.body).toMatchObject({ name: 'reader', scopes: ['read_api', 'read_registry'], user_id: alice.id, revoked: false, active: true, expires_at: inDays(7) });
      expect(rotated.body.id).not.toBe(old.body.id);
      expect(rotated.body.token).toMatch(/^glpat-/);
      expect((await api.get('/personal_access_tokens/self', { token: old.body.token })).status).toBe(401);
      expect(await granted('alice', old.body.token, 'tok/app')).toBe(401);
      expect(await api.get('/personal_access_tokens/self', { token: rotated.body.token })).toMatchObject({ status: 200, body: { id: rotated.body.id, scopes: ['read_api', 'read_registry'] } });
      expect(await granted('alice', rotated.body.token, 'tok/app')).toEqual(['pull']);
      expect((await api.get(`/personal_access_tokens/${old.body.id}`, alice.auth)).body).toMatchObject({ revoked: true, active: false });
      // A revoked token cannot be rotated again.
      expect((await api.post(`/personal_access_tokens/${old.body.id}/rotate`, alice.auth)).status).toBe(400);
    });

    it("takes an expires_at within a year, and answers GitLab's 401 / 404 for tokens the caller cannot manage", async () => {
      const token = await api.post(`/users/${alice.id}/personal_access_tokens`, admin, { name: 'dated', scopes: ['read_api'], expires_at: '2999-01-01' });
      expect((await api.post(`/personal_access_tokens/${token.body.id}/rotate`, alice.auth, { expires_at: inDays(400) })).status).toBe(400);
      expect((await api.post(`/personal_access_tokens/${token.body.id}/rotate`, alice.auth, { expires_at: inDays(0) })).status).toBe(400);
      expect((await api.post(`/personal_access_tokens/${token.body.id}/rotate`, bob.auth)).status).toBe(401);
      expect((await api.post(`/personal_access_tokens/999999/rotate`, bob.auth)).status).toBe(401);
      expect((await api.post(`/personal_access_tokens/999999/rotate`, admin)).status).toBe(404);
      const rotated = await api.post(`/personal_access_tokens/${token.body.id}/rotate`, alice.auth, { expires_at: inDays(30) });
      expect(rotated).toMatchObject({ status: 200, body: { expires_at: inDays(30) } });
      // Administrators rotate anyone's token.
      expect((await api.post(`/personal_access_tokens/${rotated.body.id}/rotate`, admin)).status).toBe(200);
    });

    it('self/rotate takes api or self_rotate scope, and a token never outlives itself through rotation', async () => {
      const short = await api.post(`/users/${alice.id}/personal_access_tokens`, admin, { name: 'short', scopes: ['api'], expires_at: inDays(3) });
      // The default week is cut back to the rotating token's own expiry; a later date is refused.
      expect((await api.post('/personal_access_tokens/self/rotate', { token: short.body.token }, { expires_at: inDays(4) })).status).toBe(400);
      const self = await api.post('/personal_access_tokens/self/rotate', { token: short.body.token });
      expect(self).toMatchObject({ status: 200, body: { name: 'short', scopes: ['api'], expires_at: inDays(3) } });
      expect((await api.get('/user', { token: short.body.token })).status).toBe(401);
      const successor = { token: self.body.token };
      expect((await api.get('/user', successor)).body.username).toBe('alice');

      // Rotating another token through this one: bounded by this one's expiry too.
      const other = await api.post(`/users/${alice.id}/personal_access_tokens`, admin, { name: 'other', scopes: ['read_api'], expires_at: '2999-01-01' });
      const tooLate = await api.post(`/personal_access_tokens/${other.body.id}/rotate`, successor, { expires_at: inDays(10) });
      expect(tooLate.status).toBe(400);
      expect(tooLate.body.message).toHaveProperty('expires_at');
      expect(await api.post(`/personal_access_tokens/${other.body.id}/rotate`, successor)).toMatchObject({ status: 200, body: { expires_at: inDays(3) } });

      const selfRotateOnly = await api.post(`/users/${alice.id}/personal_access_tokens`, admin, { name: 'sr', scopes: ['self_rotate'], expires_at: inDays(20) });
      expect(await api.post('/personal_access_tokens/self/rotate', { token: selfRotateOnly.body.token })).toMatchObject({ status: 200, body: { scopes: ['self_rotate'], expires_at: inDays(7) } });
      const readOnly = await api.post(`/users/${alice.id}/personal_access_tokens`, admin, { name: 'ro', scopes: ['read_api'], expires_at: inDays(20) });
      expect((await api.post('/personal_access_tokens/self/rotate', { token: readOnly.body.token })).status).toBe(403);
    });

    it('self/rotate is 405 for a session signed in with a password (no token to rotate)', async () => {
      const signIn = await fetch(`${platform.url}/api/v4/session`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ login: 'bob', password: 'password-1234' }),
      });
      expect(signIn.status).toBe(201);
      const { csrf_token: csrf } = (await signIn.json()) as { csrf_token: string };
      const cookie = (signIn.headers.get('set-cookie') ?? '').split(';')[0];
      const response = await fetch(`${platform.url}/api/v4/personal_access_tokens/self/rotate`, { method: 'POST', headers: { Cookie: cookie, 'X-CSRF-Token': csrf } });
      expect(response.status).toBe(405);
    });
  });

  describe('project and group access token rotation', () => {
    it('keeps scopes and access level, moves the bot membership to the new expiry, and refuses the old token', async () => {
      const created = await api.post(`/projects/${appId}/access_tokens`, alice.auth, { name: 'app-bot', scopes: ['read_api', 'read_registry'], access_level: 20, expires_at: inDays(20) });
      expect(created.status).toBe(201);
      const rotated = await api.post(`/projects/${enc('tok/app')}/access_tokens/${created.body.id}/rotate`, alice.auth);
      expect(rotated.status).toBe(200);
      expect(rotated.body).toMatchObject({ name: 'app-bot', scopes: ['read_api', 'read_registry'], access_level: 20, user_id: created.body.user_id, active: true, expires_at: inDays(7) });
      expect((await api.get(`/projects/${appId}`, { token: created.body.token })).status).toBe(401);
      expect((await api.get(`/projects/${appId}`, { token: rotated.body.token })).status).toBe(200);
      expect(await granted('app-bot', rotated.body.token, 'tok/app')).toEqual(['pull']);
      const [member] = await db.query(`SELECT expires_at::text AS expires_at FROM members WHERE user_id = $1 AND source_type = 'project'`, [created.body.user_id]);
      expect(member).toEqual({ expires_at: inDays(7) });
      const listed = await api.get(`/projects/${appId}/access_tokens`, alice.auth);
      expect(listed.body.map((t: { id: number; revoked: boolean }) => [t.id, t.revoked])).toEqual([
        [created.body.id, true],
        [rotated.body.id, false],
      ]);

      // A project access token rotates itself only through self/rotate (GitLab: 401 here); Developers may not.
      const apiBot = await api.post(`/projects/${appId}/access_tokens`, alice.auth, { name: 'api-bot', scopes: ['api'], access_level: 40, expires_at: inDays(20) });
      expect((await api.post(`/projects/${appId}/access_tokens/${rotated.body.id}/rotate`, { token: apiBot.body.token })).status).toBe(401);
      expect((await api.post(`/projects/${appId}/access_tokens/${rotated.body.id}/rotate`, dev.auth)).status).toBe(403);
      expect((await api.post(`/projects/${appId}/access_tokens/999999/rotate`, alice.auth)).status).toBe(401);
      expect((await api.post(`/projects/${appId}/access_tokens/999999/rotate`, admin)).status).toBe(404);
      // Another project's token is not this project's.
      expect((await api.post(`/projects/${libId}/access_tokens/${rotated.body.id}/rotate`, alice.auth)).status).toBe(401);
    });

    it('rotates group access tokens, bounded by the rotating token', async () => {
      const created = await api.post(`/groups/${tokGroupId}/access_tokens`, alice.auth, { name: 'group-bot', scopes: ['read_registry', 'write_registry'], access_level: 30, expires_at: inDays(60) });
      expect(created.status).toBe(201);
      const limited = await api.post(`/users/${alice.id}/personal_access_tokens`, admin, { name: 'limited', scopes: ['api'], expires_at: inDays(5) });
      expect((await api.post(`/groups/tok/access_tokens/${created.body.id}/rotate`, { token: limited.body.token }, { expires_at: inDays(30) })).status).toBe(400);
      const rotated = await api.post(`/groups/tok/access_tokens/${created.body.id}/rotate`, { token: limited.body.token });
      expect(rotated).toMatchObject({ status: 200, body: { name: 'group-bot', scopes: ['read_registry', 'write_registry'], access_level: 30, expires_at: inDays(5) } });
      expect(await granted('group-bot', created.body.token, 'tok/sub/deep')).toBe(401);
      expect(await granted('group-bot', rotated.body.token, 'tok/sub/deep', 'pull,push')).toEqual(['pull', 'push']);
    });
  });

  describe('deploy token deletion', () => {
    it('removes project and group deploy tokens: 404 afterwards, gone from lists, no longer a credential, still audited', async () => {
      const projectToken = await api.post(`/projects/${appId}/deploy_tokens`, alice.auth, { name: 'to-delete', scopes: ['read_registry'], expires_at: '2999-01-01' });
      expect(await granted(projectToken.body.username, projectToken.body.token, 'tok/app')).toEqual(['pull']);
      expect((await api.delete(`/projects/${appId}/deploy_tokens/${projectToken.body.id}`, alice.auth)).status).toBe(204);
      expect(await api.get(`/projects/${appId}/deploy_tokens/${projectToken.body.id}`, alice.auth)).toMatchObject({ status: 404, body: { message: '404 Deploy Token Not Found' } });
      expect((await api.get(`/projects/${appId}/deploy_tokens`, alice.auth)).body.map((t: { id: number }) => t.id)).not.toContain(projectToken.body.id);
      expect((await api.get('/deploy_tokens', admin)).body.map((t: { id: number }) => t.id)).not.toContain(projectToken.body.id);
      expect((await api.delete(`/projects/${appId}/deploy_tokens/${projectToken.body.id}`, alice.auth)).status).toBe(404);
      expect(await granted(projectToken.body.username, projectToken.body.token, 'tok/app')).toBe(401);

      const groupToken = await api.post(`/groups/${tokGroupId}/deploy_tokens`, alice.auth, { name: 'group-delete', scopes: ['read_registry'], expires_at: '2999-01-01' });
      expect((await api.delete(`/groups/tok/deploy_tokens/${groupToken.body.id}`, dev.auth)).status).toBe(403);
      expect((await api.delete(`/groups/tok/deploy_tokens/${groupToken.body.id}`, alice.auth)).status).toBe(204);
      expect((await api.get(`/groups/tok/deploy_tokens/${groupToken.body.id}`, alice.auth)).status).toBe(404);
      expect((await api.get(`/groups/tok/deploy_tokens`, alice.auth)).body).toEqual([]);

      const events = await api.get(`/projects/${appId}/audit_events?per_page=100`, admin);
      expect(events.body.find((e: { event_name: string; target_id: string }) => e.event_name === 'deploy_token_revoked' && e.target_id === String(projectToken.body.id))).toMatchObject({
        target_type: 'DeployToken',
        target_details: 'to-delete',
      });
    });
  });

  describe('CI/CD job token scope', () => {
    it('admits jobs of allowlisted groups (subgroups included) at /jwt/auth, and only those, while inbound is enabled', async () => {
      const appJob = await startJob(dev, appId);
      const deepJob = await startJob(alice, deepId);
      const toolJob = await startJob(alice, toolId);
      // Their own project always; another project only through its scope.
      expect(await granted('gitlab-ci-token', appJob.token, 'tok/app', 'pull,push')).toEqual(['pull', 'push']);
      expect(await granted('gitlab-ci-token', appJob.token, 'other/svc')).toEqual([]);
      expect(await granted('gitlab-ci-token', deepJob.token, 'other/svc')).toEqual([]);

      expect(await api.get(`/projects/${svcId}/job_token_scope`, alice.auth)).toMatchObject({ status: 200, body: { inbound_enabled: true, outbound_enabled: false } });
      expect((await api.get(`/projects/${svcId}/job_token_scope`, dev.auth)).status).toBe(403);
      expect((await api.get(`/projects/${svcId}/job_token_scope/groups_allowlist`, dev.auth)).status).toBe(403);
      expect((await api.post(`/projects/${svcId}/job_token_scope/groups_allowlist`, dev.auth, { target_group_id: tokGroupId })).status).toBe(403);

      const added = await api.post(`/projects/${enc('other/svc')}/job_token_scope/groups_allowlist`, alice.auth, { target_group_id: tokGroupId });
      expect(added).toMatchObject({ status: 201, body: { source_project_id: svcId, target_group_id: tokGroupId } });
      expect((await api.post(`/projects/${svcId}/job_token_scope/groups_allowlist`, alice.auth, { target_group_id: tokGroupId })).status).toBe(422);
      expect((await api.post(`/projects/${svcId}/job_token_scope/groups_allowlist`, alice.auth, { target_group_id: 999999 })).status).toBe(404);
      const listed = await api.get(`/projects/${svcId}/job_token_scope/groups_allowlist`, alice.auth);
      expect(listed.body).toEqual([{ id: tokGroupId, name: 'Tok', web_url: `${platform.url}/groups/tok` }]);
      expect(listed.headers.get('x-total')).toBe('1');

      // Jobs outside their own project only pull, as in GitLab.
      expect(await granted('gitlab-ci-token', appJob.token, 'other/svc', 'pull,push')).toEqual(['pull']);
      expect(await granted('gitlab-ci-token', deepJob.token, 'other/svc')).toEqual(['pull']);
      expect(await granted('gitlab-ci-token', toolJob.token, 'other/svc')).toEqual([]);

      expect((await api.delete(`/projects/${svcId}/job_token_scope/groups_allowlist/${tokGroupId}`, alice.auth)).status).toBe(204);
      expect((await api.delete(`/projects/${svcId}/job_token_scope/groups_allowlist/${tokGroupId}`, alice.auth)).status).toBe(400);
      expect(await granted('gitlab-ci-token', deepJob.token, 'other/svc')).toEqual([]);

      // The project allowlist still works beside it.
      expect((await api.post(`/projects/${svcId}/job_token_scope/allowlist`, alice.auth, { target_project_id: toolId })).status).toBe(201);
      expect(await granted('gitlab-ci-token', toolJob.token, 'other/svc')).toEqual(['pull']);
      expect(await granted('gitlab-ci-token', appJob.token, 'other/svc')).toEqual([]);
      expect((await api.delete(`/projects/${svcId}/job_token_scope/allowlist/${toolId}`, alice.auth)).status).toBe(204);
    });

    it('with inbound disabled, admits jobs of any project within the job user role', async () => {
      const appJob = await startJob(dev, appId);
      expect((await api.request('PATCH', `/projects/${svcId}/job_token_scope`, dev.auth, { enabled: false })).status).toBe(403);
      expect((await api.request('PATCH', `/projects/${svcId}/job_token_scope`, alice.auth, {})).status).toBe(400);
      expect((await api.request('PATCH', `/projects/${svcId}/job_token_scope`, alice.auth, { enabled: false })).status).toBe(204);
      expect((await api.get(`/projects/${svcId}/job_token_scope`, alice.auth)).body).toEqual({ inbound_enabled: false, outbound_enabled: false });
      expect(await granted('gitlab-ci-token', appJob.token, 'other/svc')).toEqual(['pull']);
      // dev is no member of tool: the open scope does not widen the user's role.
      expect(await granted('gitlab-ci-token', appJob.token, 'other/tool')).toEqual([]);
      expect((await api.request('PATCH', `/projects/${svcId}/job_token_scope`, alice.auth, { enabled: true })).status).toBe(204);
      expect(await granted('gitlab-ci-token', appJob.token, 'other/svc')).toEqual([]);
    });
  });

  describe('CI_DEPLOY_USER and CI_DEPLOY_PASSWORD', () => {
    it('are the active gitlab-deploy-token of the project, else of its nearest group, and log in at /jwt/auth', async () => {
      expect((await startJob(dev, appId)).variables).not.toHaveProperty('CI_DEPLOY_USER');
      // Only the name gitlab-deploy-token counts.
      await api.post(`/groups/${tokGroupId}/deploy_tokens`, alice.auth, { name: 'something-else', scopes: ['read_registry'], expires_at: '2999-01-01' });
      expect((await startJob(dev, appId)).variables).not.toHaveProperty('CI_DEPLOY_PASSWORD');

      const groupToken = await api.post(`/groups/${tokGroupId}/deploy_tokens`, alice.auth, { name: 'gitlab-deploy-token', scopes: ['read_registry', 'write_registry'], expires_at: '2999-01-01' });
      expect(groupToken.status).toBe(201);
      const [row] = await db.query<{ sealed: Buffer }>(`SELECT token_sealed AS sealed FROM deploy_tokens WHERE id = $1`, [groupToken.body.id]);
      expect(row.sealed.toString('latin1')).not.toContain(groupToken.body.token);

      const appJob = await startJob(dev, appId);
      expect(appJob.variables).toMatchObject({ CI_DEPLOY_USER: groupToken.body.username, CI_DEPLOY_PASSWORD: groupToken.body.token });
      const { CI_DEPLOY_USER: user, CI_DEPLOY_PASSWORD: password } = appJob.variables;
      const login = await fetch(`${platform.url}/jwt/auth?service=container_registry`, { headers: { Authorization: basic(user, password) } });
      expect(login.status).toBe(200);
      expect(await granted(user, password, 'tok/app', 'pull,push')).toEqual(['pull', 'push']);
      expect((await startJob(alice, deepId)).variables).toMatchObject({ CI_DEPLOY_USER: groupToken.body.username });
      expect((await startJob(alice, svcId)).variables).not.toHaveProperty('CI_DEPLOY_USER');

      // The project's own token wins over the group's.
      const projectToken = await api.post(`/projects/${appId}/deploy_tokens`, alice.auth, { name: 'gitlab-deploy-token', username: 'app-deployer', scopes: ['read_registry'], expires_at: '2999-01-01' });
      expect((await startJob(dev, appId)).variables).toMatchObject({ CI_DEPLOY_USER: 'app-deployer', CI_DEPLOY_PASSWORD: projectToken.body.token });
      expect((await startJob(dev, appId)).variables.CI_DEPLOY_USER).toBe('app-deployer');
      expect((await startJob(alice, libId)).variables.CI_DEPLOY_USER).toBe(groupToken.body.username);

      // Deleted or revoked tokens are not handed out.
      expect((await api.delete(`/projects/${appId}/deploy_tokens/${projectToken.body.id}`, alice.auth)).status).toBe(204);
      expect((await startJob(dev, appId)).variables.CI_DEPLOY_USER).toBe(groupToken.body.username);
      await db.query(`UPDATE deploy_tokens SET revoked = true WHERE id = $1`, [groupToken.body.id]);
      expect((await startJob(dev, appId)).variables).not.toHaveProperty('CI_DEPLOY_USER');
    });
  });
});
