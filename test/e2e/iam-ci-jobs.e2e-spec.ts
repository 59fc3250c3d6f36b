import { createTestDatabase, startPlatform, TestDatabase, TestPlatform } from '@cargohold/testing';
import { createHash } from 'node:crypto';
import { BOOTSTRAP_TOKEN, enc, RestClient } from './iam-rest-client';

type User = Awaited<ReturnType<RestClient['createUser']>>;

/** CI jobs started through the API, their job tokens, and the job token allowlist. */
describe('iam: CI jobs and job tokens', () => {
  let db: TestDatabase;
  let platform: TestPlatform;
  let api: RestClient;
  const admin = { token: BOOTSTRAP_TOKEN };
  let owner: User, developer: User, reporter: User;
  let appId: number, libId: number;

  beforeAll(async () => {
    db = await createTestDatabase();
    platform = await startPlatform({ databaseUrl: db.url, worker: false, env: { BOOTSTRAP_ADMIN_TOKEN: BOOTSTRAP_TOKEN } });
    api = new RestClient(platform.url);
    [owner, developer, reporter] = await Promise.all(['owner', 'dev', 'rep'].map((name) => api.createUser(admin, name)));
    const group = await api.post('/groups', owner.auth, { name: 'CI', path: 'ci' });
    appId = (await api.post('/projects', owner.auth, { path: 'app', namespace_id: group.body.id })).body.id;
    libId = (await api.post('/projects', owner.auth, { path: 'lib', namespace_id: group.body.id })).body.id;
    await api.post(`/projects/${appId}/members`, owner.auth, { user_id: developer.id, access_level: 30 });
    await api.post(`/projects/${appId}/members`, owner.auth, { user_id: reporter.id, access_level: 20 });
  });

  afterAll(async () => {
    await platform?.stop();
    await db?.drop();
  });

  it('a Developer starts a job and gets the runner variables', async () => {
    const started = await api.post(`/projects/${enc('ci/app')}/ci/jobs`, developer.auth, { name: 'build' });
    expect(started.status).toBe(201);
    const host = new URL(platform.url).host;
    expect(started.body).toMatchObject({
      name: 'build',
      status: 'running',
      project_id: appId,
      user: { id: developer.id, username: 'dev' },
      variables: {
        CI_REGISTRY: host,
        CI_REGISTRY_IMAGE: `${host}/ci/app`,
        CI_REGISTRY_USER: 'gitlab-ci-token',
        CI_PROJECT_PATH: 'ci/app',
      },
    });
    const token: string = started.body.token;
    expect(token).toMatch(/^glcbt-/);
    expect(started.body.variables.CI_JOB_TOKEN).toBe(token);
    expect(started.body.variables.CI_REGISTRY_PASSWORD).toBe(token);
    const [row] = await db.query<{ status: string; token_digest: Buffer; lifetime: number }>(
      `SELECT status, token_digest, extract(epoch FROM expires_at - created_at)::int AS lifetime FROM ci_jobs WHERE id = $1`,
      [started.body.id],
    );
    expect(row.status).toBe('running');
    expect(row.lifetime).toBe(3600);
    expect(row.token_digest.equals(createHash('sha256').update(token).digest())).toBe(true);
  });

  it('refuses Reporters and outsiders', async () => {
    expect(await api.post(`/projects/${appId}/ci/jobs`, reporter.auth, {})).toMatchObject({ status: 403, body: { message: '403 Forbidden' } });
    const outsider = await api.createUser(admin, 'outsider');
    expect((await api.post(`/projects/${appId}/ci/jobs`, outsider.auth, {})).status).toBe(404);
  });

  it('the job token works with JOB-TOKEN on job endpoints only, and stops when the job finishes', async () => {
    const started = await api.post(`/projects/${appId}/ci/jobs`, developer.auth, {});
    const jobAuth = { jobToken: started.body.token };
    const current = await api.get('/job', jobAuth);
    expect(current).toMatchObject({ status: 200, body: { id: started.body.id, status: 'running', user: { username: 'dev' } } });
    expect(current.body.token).toBeUndefined();
    expect((await api.get(`/projects/${appId}`, jobAuth)).status).toBe(200);
    // Its own project only, and not on endpoints GitLab closes to job tokens.
    expect((await api.get(`/projects/${libId}`, jobAuth)).status).toBe(404);
    expect((await api.get('/user', jobAuth)).status).toBe(401);
    expect((await api.post(`/projects/${appId}/members`, jobAuth, { user_id: reporter.id, access_level: 30 })).status).toBe(401);

    const finished = await api.post(`/projects/${appId}/ci/jobs/${started.body.id}/finish`, jobAuth);
    expect(finished).toMatchObject({ status: 200, body: { id: started.body.id, status: 'finished' } });
    expect(finished.body.finished_at).not.toBeNull();
    expect(await api.get('/job', jobAuth)).toMatchObject({ status: 401, body: { message: '401 Unauthorized' } });
    const [row] = await db.query(`SELECT status FROM ci_jobs WHERE id = $1`, [started.body.id]);
    expect(row).toEqual({ status: 'finished' });
  });

  it('the job token stops working when the job times out', async () => {
    const started = await api.post(`/projects/${appId}/ci/jobs`, developer.auth, { timeout: 60 });
    expect((await api.get('/job', { jobToken: started.body.token })).status).toBe(200);
    await db.query(`UPDATE ci_jobs SET expires_at = now() - interval '1 second' WHERE id = $1`, [started.body.id]);
    expect((await api.get('/job', { jobToken: started.body.token })).status).toBe(401);
  });

  it('only the starter, the job itself or a Maintainer finishes a job', async () => {
    const started = await api.post(`/projects/${appId}/ci/jobs`, developer.auth, {});
    const otherDeveloper = await api.createUser(admin, 'dev2');
    await api.post(`/projects/${appId}/members`, owner.auth, { user_id: otherDeveloper.id, access_level: 30 });
    expect((await api.post(`/projects/${appId}/ci/jobs/${started.body.id}/finish`, otherDeveloper.auth)).status).toBe(403);
    expect((await api.post(`/projects/${appId}/ci/jobs/${started.body.id}/finish`, reporter.auth)).status).toBe(403);
    expect((await api.post(`/projects/${appId}/ci/jobs/${started.body.id}/finish`, owner.auth)).status).toBe(200);
    expect(await api.post(`/projects/${libId}/ci/jobs/${started.body.id}/finish`, owner.auth)).toMatchObject({
      status: 404,
      body: { message: '404 Job Not Found' },
    });
  });

  it('manages the job token inbound allowlist', async () => {
    const added = await api.post(`/projects/${enc('ci/lib')}/job_token_scope/allowlist`, owner.auth, { target_project_id: appId });
    expect(added).toMatchObject({ status: 201, body: { source_project_id: libId, target_project_id: appId } });
    const again = await api.post(`/projects/${libId}/job_token_scope/allowlist`, owner.auth, { target_project_id: appId });
    expect(again.status).toBe(422);
    const listed = await api.get(`/projects/${libId}/job_token_scope/allowlist`, owner.auth);
    expect(listed.body.map((p: { id: number; path_with_namespace: string }) => [p.id, p.path_with_namespace])).toEqual([[appId, 'ci/app']]);
    expect(listed.headers.get('x-total')).toBe('1');
    expect((await api.get(`/projects/${appId}/job_token_scope/allowlist`, developer.auth)).status).toBe(403);
    const [row] = await db.query(`SELECT source_project_id::int AS s, target_project_id::int AS t FROM job_token_allowlist`);
    expect(row).toEqual({ s: libId, t: appId });
    expect((await api.delete(`/projects/${libId}/job_token_scope/allowlist/${appId}`, owner.auth)).status).toBe(204);
    expect((await api.delete(`/projects/${libId}/job_token_scope/allowlist/${appId}`, owner.auth)).status).toBe(400);
    expect(await db.query(`SELECT 1 FROM job_token_allowlist`)).toEqual([]);
  });
});
