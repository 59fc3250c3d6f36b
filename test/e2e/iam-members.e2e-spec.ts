import { createTestDatabase, startPlatform, TestDatabase, TestPlatform } from '@cargohold/testing';
import { BOOTSTRAP_TOKEN, enc, RestClient } from './iam-rest-client';

type User = Awaited<ReturnType<RestClient['createUser']>>;

/** Group and project memberships: inheritance, expiry, and who may change what. */
describe('iam: members', () => {
  let db: TestDatabase;
  let platform: TestPlatform;
  let api: RestClient;
  const admin = { token: BOOTSTRAP_TOKEN };
  let owner: User, maintainer: User, developer: User, reporter: User, outsider: User;
  let groupId: number, subgroupId: number, projectId: number;
  const project = enc('corp/team/app');

  beforeAll(async () => {
    db = await createTestDatabase();
    platform = await startPlatform({ databaseUrl: db.url, worker: false, env: { BOOTSTRAP_ADMIN_TOKEN: BOOTSTRAP_TOKEN } });
    api = new RestClient(platform.url);
    [owner, maintainer, developer, reporter, outsider] = await Promise.all(
      ['owner', 'maint', 'dev', 'rep', 'outsider'].map((name) => api.createUser(admin, name)),
    );
    groupId = (await api.post('/groups', owner.auth, { name: 'Corp', path: 'corp' })).body.id;
    subgroupId = (await api.post('/groups', owner.auth, { name: 'Team', path: 'team', parent_id: groupId })).body.id;
    projectId = (await api.post('/projects', owner.auth, { path: 'app', namespace_id: subgroupId })).body.id;
  });

  afterAll(async () => {
    await platform?.stop();
    await db?.drop();
  });

  it('adds group members with GitLab fields', async () => {
    const added = await api.post('/groups/corp/members', owner.auth, { user_id: maintainer.id, access_level: 40 });
    expect(added.status).toBe(201);
    expect(added.body).toMatchObject({ id: maintainer.id, username: 'maint', access_level: 40, expires_at: null, created_by: { id: owner.id } });
    expect((await api.post('/groups/corp/members', owner.auth, { username: 'rep', access_level: 20 })).status).toBe(201);
    const duplicate = await api.post('/groups/corp/members', owner.auth, { user_id: maintainer.id, access_level: 30 });
    expect(duplicate).toMatchObject({ status: 409, body: { message: 'Member already exists' } });
    const badLevel = await api.post('/groups/corp/members', owner.auth, { user_id: developer.id, access_level: 35 });
    expect(badLevel).toMatchObject({ status: 400, body: { error: 'access_level does not have a valid value' } });
    const missingUser = await api.post('/groups/corp/members', owner.auth, { user_id: 99999, access_level: 30 });
    expect(missingUser).toMatchObject({ status: 404, body: { message: '404 User Not Found' } });
  });

  it('lists direct members and, under /all, inherited ones with the highest level', async () => {
    expect((await api.post(`/projects/${project}/members`, owner.auth, { user_id: developer.id, access_level: 30 })).status).toBe(201);
    const direct = await api.get(`/projects/${project}/members`, owner.auth);
    expect(direct.body.map((m: { username: string }) => m.username)).toEqual(['dev']);
    const all = await api.get(`/projects/${project}/members/all`, owner.auth);
    const levels = Object.fromEntries(all.body.map((m: { username: string; access_level: number }) => [m.username, m.access_level]));
    expect(levels).toEqual({ owner: 50, maint: 40, rep: 20, dev: 30 });
    expect(all.headers.get('x-total')).toBe('4');

    // A higher direct level on the subgroup wins over the lower inherited one.
    expect((await api.post(`/groups/${subgroupId}/members`, owner.auth, { user_id: reporter.id, access_level: 30 })).status).toBe(201);
    const after = await api.get(`/projects/${projectId}/members/all`, owner.auth);
    expect(after.body.find((m: { username: string }) => m.username === 'rep').access_level).toBe(30);
    const single = await api.get(`/projects/${projectId}/members/${developer.id}`, owner.auth);
    expect(single.body).toMatchObject({ username: 'dev', access_level: 30 });
  });

  it('refuses a direct membership below the inherited level', async () => {
    const lower = await api.post(`/projects/${project}/members`, owner.auth, { user_id: maintainer.id, access_level: 20 });
    expect(lower.status).toBe(400);
    expect(lower.body.message.access_level[0]).toBe('should be greater than or equal to Maintainer inherited membership from group corp');
  });

  it('lets inherited members act on the project by their role', async () => {
    // The Maintainer of the top group manages the project's members.
    const added = await api.post(`/projects/${project}/members`, maintainer.auth, { user_id: outsider.id, access_level: 10 });
    expect(added.status).toBe(201);
    expect((await api.delete(`/projects/${project}/members/${outsider.id}`, maintainer.auth)).status).toBe(204);
  });

  it('refuses member management to Reporters and Developers', async () => {
    expect(await api.post(`/projects/${project}/members`, developer.auth, { user_id: outsider.id, access_level: 10 })).toMatchObject({
      status: 403,
      body: { message: '403 Forbidden' },
    });
    // rep is Developer on the subgroup and Reporter on the top group.
    expect((await api.post('/groups/corp/members', reporter.auth, { user_id: outsider.id, access_level: 10 })).status).toBe(403);
    expect((await api.put(`/projects/${project}/members/${developer.id}`, developer.auth, { access_level: 40 })).status).toBe(403);
    // Outsiders do not even see the private project.
    expect((await api.get(`/projects/${project}/members`, outsider.auth)).status).toBe(404);
  });

  it('only lets Owners grant or touch the Owner role and keeps the last group Owner', async () => {
    expect((await api.post(`/projects/${project}/members`, maintainer.auth, { user_id: outsider.id, access_level: 50 })).status).toBe(403);
    expect((await api.delete(`/groups/corp/members/${owner.id}`, maintainer.auth)).status).toBe(403);
    const demoteSelf = await api.put(`/groups/corp/members/${owner.id}`, owner.auth, { access_level: 40 });
    expect(demoteSelf).toMatchObject({ status: 403, body: { message: '403 Forbidden - A group must have at least one owner' } });
    const [row] = await db.query(`SELECT access_level FROM members WHERE source_type = 'namespace' AND source_id = $1 AND user_id = $2`, [groupId, owner.id]);
    expect(row).toEqual({ access_level: 50 });
  });

  it('updates level and expiry with PUT and removes with DELETE', async () => {
    const updated = await api.put(`/projects/${project}/members/${developer.id}`, owner.auth, { access_level: 40, expires_at: '2999-01-01' });
    expect(updated.status).toBe(200);
    expect(updated.body).toMatchObject({ access_level: 40, expires_at: '2999-01-01' });
    const [row] = await db.query(`SELECT access_level, expires_at::text AS expires_at FROM members WHERE source_type = 'project' AND source_id = $1 AND user_id = $2`, [
      projectId,
      developer.id,
    ]);
    expect(row).toEqual({ access_level: 40, expires_at: '2999-01-01' });
    expect((await api.put(`/projects/${project}/members/${developer.id}`, owner.auth, { access_level: 30, expires_at: '2001-01-01' })).status).toBe(400);
    expect(await api.put(`/projects/${project}/members/${outsider.id}`, owner.auth, { access_level: 30 })).toMatchObject({
      status: 404,
      body: { message: '404 Member Not Found' },
    });
  });

  it('ignores expired memberships everywhere', async () => {
    const temp = await api.createUser(admin, 'temp');
    expect((await api.post(`/projects/${project}/members`, owner.auth, { user_id: temp.id, access_level: 30, expires_at: '2999-12-31' })).status).toBe(201);
    expect((await api.get(`/projects/${project}`, temp.auth)).status).toBe(200);
    // Time passes: the membership's expiry date arrives.
    await db.query(`UPDATE members SET expires_at = current_date WHERE user_id = $1`, [temp.id]);
    expect((await api.get(`/projects/${project}`, temp.auth)).status).toBe(404);
    const all = await api.get(`/projects/${project}/members/all`, owner.auth);
    expect(all.body.map((m: { username: string }) => m.username)).not.toContain('temp');
    // Adding the user again replaces the expired row.
    const again = await api.post(`/projects/${project}/members`, owner.auth, { user_id: temp.id, access_level: 20 });
    expect(again).toMatchObject({ status: 201, body: { access_level: 20, expires_at: null } });
  });

  it('lets members leave, and hands out levels through groups to subgroups and projects', async () => {
    const leaver = await api.createUser(admin, 'leaver');
    await api.post('/groups/corp/members', owner.auth, { user_id: leaver.id, access_level: 30 });
    const view = await api.get(`/projects/${project}`, leaver.auth);
    expect(view.body.permissions.project_access).toEqual({ access_level: 30, role: 'Developer' });
    expect((await api.delete(`/groups/corp/members/${leaver.id}`, leaver.auth)).status).toBe(204);
    expect((await api.get(`/projects/${project}`, leaver.auth)).status).toBe(404);
  });
});
