import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { buildOciLayout, createTestDatabase, runClient, startPlatform, TestDatabase, TestPlatform } from '@cargohold/testing';
import { Auth, enc, RestClient } from './iam-rest-client';

const WRONG_PASSWORD = 'not-the-password-9876';

/**
 * The audit trail end to end: logins at /jwt/auth, skopeo pushes and deletes, tokens and members changed through
 * the REST API, each with its author and source address, readable through GitLab's /audit_events endpoints by
 * the right people only, and never holding a secret.
 */
describe('audit events', () => {
  let db: TestDatabase;
  let platform: TestPlatform;
  let api: RestClient;
  let host: string;
  let work: string;
  let image: string;
  let projectId: number;
  let groupId: number;
  let developer: { id: number; username: string; token: string; auth: Auth };
  const secrets: string[] = [];
  const admin = () => ({ token: platform.adminToken });

  const login = (username: string, password: string) =>
    fetch(`${platform.url}/jwt/auth?service=container_registry&scope=repository:audited/app:pull`, {
      headers: { Authorization: `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}` },
    });
  const events = async (scope: string, auth: Auth = admin(), query = '') => {
    const response = await api.get(`${scope}/audit_events?per_page=100${query}`, auth);
    expect(response.status).toBe(200);
    return response.body as any[];
  };
  const find = (list: any[], eventName: string) => {
    const found = list.find((event) => event.event_name === eventName);
    if (!found) throw new Error(`no ${eventName} in ${JSON.stringify(list.map((event) => event.event_name))}`);
    return found;
  };

  beforeAll(async () => {
    db = await createTestDatabase();
    platform = await startPlatform({ databaseUrl: db.url, worker: false });
    api = new RestClient(platform.url);
    host = `127.0.0.1:${platform.port}`;
    secrets.push(platform.adminToken);
    work = mkdtempSync(path.join(tmpdir(), 'audit-'));
    image = buildOciLayout(path.join(work, 'image'), 'v1', [{ layers: [{ 'audit.txt': 'audited' }] }]).dir;
    const group = await api.post('/groups', admin(), { name: 'Audited', path: 'audited' });
    groupId = group.body.id;
    const project = await api.post('/projects', admin(), { namespace_id: groupId, path: 'app', name: 'app' });
    projectId = project.body.id;
    developer = await api.createUser(admin(), 'audit-dev');
    secrets.push(developer.token);
  });

  afterAll(async () => {
    await platform?.stop();
    await db?.drop();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it('records /jwt/auth logins, succeeded and failed, with the name tried and the source address but no secret', async () => {
    expect((await login('root', platform.adminToken)).status).toBe(200);
    expect((await login('audit-dev', WRONG_PASSWORD)).status).toBe(401);
    expect((await login('nobody-at-all', WRONG_PASSWORD)).status).toBe(401);

    const all = await events('');
    const succeeded = find(all, 'login_succeeded');
    expect(succeeded).toMatchObject({ author_name: 'root', entity_type: 'User', ip_address: '127.0.0.1', details: { with: 'access_token', ip_address: '127.0.0.1' } });
    expect(succeeded.author_id).toBeGreaterThan(0);
    const failed = all.filter((event) => event.event_name === 'login_failed');
    expect(failed.map((event) => event.author_name).sort()).toEqual(['audit-dev', 'nobody-at-all']);
    expect(failed.find((event) => event.author_name === 'audit-dev')).toMatchObject({ entity_type: 'User', entity_id: developer.id, ip_address: '127.0.0.1', author_id: -1 });
    expect(failed.find((event) => event.author_name === 'nobody-at-all')).toMatchObject({ entity_type: 'Gitlab::Audit::InstanceScope' });
    expect(JSON.stringify(all)).not.toContain(WRONG_PASSWORD);
  });

  it('records a skopeo push and delete under the project, with actor and address', async () => {
    await runClient('skopeo', ['copy', '--dest-tls-verify=false', '--dest-creds', `root:${platform.adminToken}`, `oci:${image}:v1`, `docker://${host}/audited/app:prod`]);
    await runClient('skopeo', ['delete', '--tls-verify=false', '--creds', `root:${platform.adminToken}`, `docker://${host}/audited/app:prod`]);
    const list = await events(`/projects/${projectId}`);
    const pushed = find(list, 'image_pushed');
    expect(pushed).toMatchObject({
      author_name: 'root',
      author_kind: 'user',
      entity_type: 'Project',
      entity_id: projectId,
      entity_path: 'audited/app',
      target_details: 'audited/app:prod',
      ip_address: '127.0.0.1',
      details: { tag: 'prod' },
    });
    expect(pushed.details.digest).toMatch(/^sha256:[0-9a-f]{64}$/);
    // skopeo deletes by digest: one manifest delete that took the tag with it.
    expect(find(list, 'manifest_deleted')).toMatchObject({ author_name: 'root', ip_address: '127.0.0.1', details: { digest: pushed.details.digest, tags: ['prod'] } });
  });

  it('records tokens created and revoked, never their secrets', async () => {
    const pat = await api.post(`/users/${developer.id}/personal_access_tokens`, admin(), { name: 'ci-pat', scopes: ['read_registry'], expires_at: '2999-01-01' });
    expect(pat.status).toBe(201);
    expect((await api.delete(`/personal_access_tokens/${pat.body.id}`, admin())).status).toBe(204);
    const projectToken = await api.post(`/projects/${projectId}/access_tokens`, admin(), { name: 'bot', scopes: ['read_registry'], access_level: 20, expires_at: '2099-01-01' });
    expect(projectToken.status).toBe(201);
    expect((await api.delete(`/projects/${projectId}/access_tokens/${projectToken.body.id}`, admin())).status).toBe(204);
    const deployToken = await api.post(`/projects/${projectId}/deploy_tokens`, admin(), { name: 'deployer', scopes: ['read_registry'], expires_at: '2999-01-01' });
    expect(deployToken.status).toBe(201);
    expect((await api.delete(`/projects/${projectId}/deploy_tokens/${deployToken.body.id}`, admin())).status).toBe(204);
    secrets.push(pat.body.token, projectToken.body.token, deployToken.body.token);

    const userEvents = await events('', admin(), `&entity_type=User&entity_id=${developer.id}`);
    expect(find(userEvents, 'personal_access_token_created')).toMatchObject({
      author_name: 'root',
      ip_address: '127.0.0.1',
      target_type: 'PersonalAccessToken',
      target_id: String(pat.body.id),
      target_details: 'ci-pat',
      details: { scopes: ['read_registry'] },
    });
    expect(find(userEvents, 'personal_access_token_revoked')).toMatchObject({ target_id: String(pat.body.id), target_details: 'ci-pat' });

    const projectEvents = await events(`/projects/${projectId}`);
    expect(find(projectEvents, 'resource_access_token_created')).toMatchObject({ target_details: 'bot', details: { access_level: 20 } });
    expect(find(projectEvents, 'resource_access_token_revoked')).toMatchObject({ target_id: String(projectToken.body.id), target_details: 'bot' });
    expect(find(projectEvents, 'deploy_token_created')).toMatchObject({ target_type: 'DeployToken', target_details: 'deployer' });
    expect(find(projectEvents, 'deploy_token_revoked')).toMatchObject({ target_id: String(deployToken.body.id), target_details: 'deployer' });

    const everything = JSON.stringify(await events(''));
    for (const secret of secrets) expect(everything).not.toContain(secret);
  });

  it('records member changes on projects and groups', async () => {
    expect((await api.post(`/projects/${projectId}/members`, admin(), { user_id: developer.id, access_level: 30 })).status).toBe(201);
    expect((await api.put(`/projects/${projectId}/members/${developer.id}`, admin(), { access_level: 40 })).status).toBe(200);
    expect((await api.post(`/groups/${groupId}/members`, admin(), { user_id: developer.id, access_level: 20 })).status).toBe(201);
    expect((await api.delete(`/groups/${groupId}/members/${developer.id}`, admin())).status).toBe(204);

    const projectEvents = await events(`/projects/${projectId}`);
    expect(find(projectEvents, 'member_added')).toMatchObject({ author_name: 'root', target_type: 'User', target_id: String(developer.id), target_details: 'audit-dev', details: { access_level: 30 } });
    expect(find(projectEvents, 'member_updated')).toMatchObject({ target_details: 'audit-dev', details: { access_level: 40 } });
    const groupEvents = await events(`/groups/${groupId}`);
    expect(groupEvents.map((event) => event.event_name)).toEqual(['member_removed', 'member_added']);
    expect(groupEvents.every((event) => event.entity_type === 'Group' && event.entity_id === groupId && event.ip_address === '127.0.0.1')).toBe(true);
  });

  it('lets administrators, group Owners and project Maintainers read their part only', async () => {
    // audit-dev is a Maintainer of the project now (member_updated above), not a member of the group.
    expect((await api.get('/audit_events', developer.auth)).status).toBe(403);
    expect((await api.get(`/groups/${groupId}/audit_events`, developer.auth)).status).toBe(403);
    const own = await api.get(`/projects/${enc('audited/app')}/audit_events`, developer.auth);
    expect(own.status).toBe(200);
    expect(own.body.every((event: any) => event.entity_type === 'Project' && event.entity_id === projectId)).toBe(true);

    const outsider = await api.createUser(admin(), 'audit-outsider');
    expect((await api.get(`/projects/${projectId}/audit_events`, outsider.auth)).status).toBe(404);
    expect((await api.get('/audit_events', null)).status).toBe(401);

    const one = own.body[0];
    const single = await api.get(`/projects/${projectId}/audit_events/${one.id}`, developer.auth);
    expect(single.status).toBe(200);
    expect(single.body.id).toBe(one.id);
    const foreign = (await events('')).find((event) => event.entity_type !== 'Project');
    expect((await api.get(`/projects/${projectId}/audit_events/${foreign.id}`, developer.auth)).status).toBe(404);
  });

  it('filters by created_after and created_before and paginates', async () => {
    const all = await events('');
    expect(all.length).toBeGreaterThan(5);
    expect(await events('', admin(), `&created_after=2999-01-01T00:00:00Z`)).toEqual([]);
    expect(await events('', admin(), `&created_before=2000-01-01T00:00:00Z`)).toEqual([]);
    const newest = new Date(all[0].created_at);
    const onlyNewest = await events('', admin(), `&created_after=${encodeURIComponent(newest.toISOString())}`);
    expect(onlyNewest.map((event) => event.id)).toContain(all[0].id);
    expect(onlyNewest.length).toBeLessThan(all.length);
    expect((await api.get('/audit_events?created_after=yesterday', admin())).status).toBe(400);

    const page = await api.get('/audit_events?per_page=2&page=2', admin());
    expect(page.status).toBe(200);
    expect(page.body.map((event: any) => event.id)).toEqual(all.slice(2, 4).map((event) => event.id));
    expect(page.headers.get('x-total')).toBe(String(all.length));
    expect(page.headers.get('x-page')).toBe('2');
  });
});
