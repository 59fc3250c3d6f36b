import { createTestDatabase, startPlatform, TestDatabase, TestPlatform } from '@cargohold/testing';
import { Auth, RestClient } from './iam-rest-client';

/**
 * Durable audit of REST changes (issue #18, finding 10): each audited change writes its audit row in the
 * transaction that makes the change, so a crash between the change's COMMIT and the audit write cannot lose the
 * row. Proven through PostgreSQL's `xmin` (the id of the transaction that wrote a row version): the changed row
 * and its audit row carry the same one. A change that fails writes no audit row. The platform trusts the loopback
 * proxy, so the audit's address is the client's from X-Forwarded-For (the address the service is handed).
 */
describe('hardening: audit rows written in the change transaction', () => {
  let db: TestDatabase;
  let platform: TestPlatform;
  let api: RestClient;
  let projectId: number;
  let groupId: number;
  let member: { id: number; username: string; token: string; auth: Auth };
  const admin = () => ({ token: platform.adminToken });
  const CLIENT = '203.0.113.7';

  /** A REST call as a client behind the trusted proxy at 127.0.0.1. */
  const call = async (method: string, path: string, body?: unknown, headers: Record<string, string> = { 'PRIVATE-TOKEN': platform.adminToken }) => {
    const response = await fetch(`${platform.url}/api/v4${path}`, {
      method,
      headers: { ...headers, 'X-Forwarded-For': CLIENT, ...(body === undefined ? {} : { 'Content-Type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, body: text ? JSON.parse(text) : null };
  };

  /** The audit rows of one event and target, with the transaction that wrote each. */
  const audits = (eventName: string, targetId: number) =>
    db.query<{ xmin: string; ip_address: string; author_name: string; entity_type: string; entity_id: number; target_details: string; details: Record<string, unknown> }>(
      `SELECT xmin::text AS xmin, ip_address, author_name, entity_type, entity_id::int AS entity_id, target_details, details FROM audit_events WHERE event_name = $1 AND target_id = $2`,
      [eventName, String(targetId)],
    );
  const xminOf = async (table: string, where: string, params: unknown[]) => {
    const rows = await db.query<{ xmin: string }>(`SELECT xmin::text AS xmin FROM ${table} WHERE ${where}`, params);
    expect(rows).toHaveLength(1);
    return rows[0].xmin;
  };
  const auditCount = async () => Number((await db.query<{ n: string }>(`SELECT count(*)::text AS n FROM audit_events`))[0].n);

  beforeAll(async () => {
    db = await createTestDatabase();
    platform = await startPlatform({ databaseUrl: db.url, worker: false, env: { TRUST_PROXY: '127.0.0.1' } });
    api = new RestClient(platform.url);
    groupId = (await api.post('/groups', admin(), { name: 'Durable', path: 'durable' })).body.id;
    projectId = (await api.post('/projects', admin(), { namespace_id: groupId, path: 'app', name: 'app' })).body.id;
    member = await api.createUser(admin(), 'durable-member');
  });

  afterAll(async () => {
    await platform?.stop();
    await db?.drop();
  });

  it('adds and updates a project member and writes each audit row in the membership row’s transaction', async () => {
    const source = `source_type = 'project' AND source_id = $1 AND user_id = $2`;
    expect((await call('POST', `/projects/${projectId}/members`, { user_id: member.id, access_level: 30 })).status).toBe(201);
    const added = await audits('member_added', member.id);
    expect(added).toHaveLength(1);
    expect(added[0]).toMatchObject({ ip_address: CLIENT, author_name: 'root', entity_type: 'Project', entity_id: projectId, details: { access_level: 30, expires_at: null } });
    expect(added[0].xmin).toBe(await xminOf('members', source, [projectId, member.id]));

    expect((await call('PUT', `/projects/${projectId}/members/${member.id}`, { access_level: 40 })).status).toBe(200);
    const [updated] = await audits('member_updated', member.id);
    expect(updated).toMatchObject({ ip_address: CLIENT, details: { access_level: 40 } });
    expect(updated.xmin).toBe(await xminOf('members', source, [projectId, member.id]));
  });

  it('creates and revokes a personal access token with its audit rows in the token row’s transactions', async () => {
    const created = await call('POST', `/users/${member.id}/personal_access_tokens`, { name: 'durable-pat', scopes: ['read_registry'], expires_at: '2999-01-01' });
    expect(created.status).toBe(201);
    const [createdAudit] = await audits('personal_access_token_created', created.body.id);
    expect(createdAudit).toMatchObject({ ip_address: CLIENT, entity_type: 'User', entity_id: member.id, details: { scopes: ['read_registry'], expires_at: '2999-01-01' } });
    expect(createdAudit.xmin).toBe(await xminOf('personal_access_tokens', 'id = $1', [created.body.id]));

    expect((await call('DELETE', `/personal_access_tokens/${created.body.id}`)).status).toBe(204);
    const [revokedAudit] = await audits('personal_access_token_revoked', created.body.id);
    expect(revokedAudit).toMatchObject({ ip_address: CLIENT, entity_type: 'User', entity_id: member.id });
    // The revocation is an UPDATE: the token row's current version was written by the revoking transaction.
    expect(revokedAudit.xmin).toBe(await xminOf('personal_access_tokens', 'id = $1', [created.body.id]));
    expect(revokedAudit.xmin).not.toBe(createdAudit.xmin);
  });

  it('creates a project access token (bot, membership, token) and a deploy token, each audited in its own transaction', async () => {
    const resourceToken = await call('POST', `/projects/${projectId}/access_tokens`, { name: 'durable-bot', scopes: ['read_registry'], access_level: 20, expires_at: '2099-01-01' });
    expect(resourceToken.status).toBe(201);
    const [resourceAudit] = await audits('resource_access_token_created', resourceToken.body.id);
    expect(resourceAudit).toMatchObject({ ip_address: CLIENT, entity_type: 'Project', entity_id: projectId, details: { access_level: 20 } });
    expect(resourceAudit.xmin).toBe(await xminOf('personal_access_tokens', 'id = $1', [resourceToken.body.id]));

    const deployToken = await call('POST', `/groups/${groupId}/deploy_tokens`, { name: 'durable-deployer', scopes: ['read_registry'], expires_at: '2999-01-01T00:00:00Z' });
    expect(deployToken.status).toBe(201);
    const [deployAudit] = await audits('deploy_token_created', deployToken.body.id);
    expect(deployAudit).toMatchObject({ ip_address: CLIENT, entity_type: 'Group', entity_id: groupId, details: { scopes: ['read_registry'] } });
    expect(deployAudit.xmin).toBe(await xminOf('deploy_tokens', 'id = $1', [deployToken.body.id]));

    // DELETE removes the row (GitLab), so there is no row version left to compare xmin with: the audit row names
    // the token itself, and a second DELETE (404, nothing deleted) writes no second row.
    expect((await call('DELETE', `/groups/${groupId}/deploy_tokens/${deployToken.body.id}`)).status).toBe(204);
    const [deployRevoked] = await audits('deploy_token_revoked', deployToken.body.id);
    expect(deployRevoked).toMatchObject({ ip_address: CLIENT, entity_type: 'Group', entity_id: groupId, target_details: 'durable-deployer' });
    expect(await db.query(`SELECT id FROM deploy_tokens WHERE id = $1`, [deployToken.body.id])).toHaveLength(0);
    expect((await call('DELETE', `/groups/${groupId}/deploy_tokens/${deployToken.body.id}`)).status).toBe(404);
    expect(await audits('deploy_token_revoked', deployToken.body.id)).toHaveLength(1);
  });

  it('rotates a personal and a project access token, each audit row in the transaction that revokes the old token and inserts the new one', async () => {
    const pat = await call('POST', `/users/${member.id}/personal_access_tokens`, { name: 'rotating-pat', scopes: ['read_registry'], expires_at: '2999-01-01' });
    expect(pat.status).toBe(201);
    const rotated = await call('POST', `/personal_access_tokens/${pat.body.id}/rotate`);
    expect(rotated.status).toBe(200);
    // The target is the new token; the old one has no rotation row.
    const [rotatedAudit] = await audits('personal_access_token_rotated', rotated.body.id);
    expect(rotatedAudit).toMatchObject({ ip_address: CLIENT, author_name: 'root', entity_type: 'User', entity_id: member.id, target_details: 'rotating-pat', details: { scopes: ['read_registry'] } });
    expect(rotatedAudit.xmin).toBe(await xminOf('personal_access_tokens', 'id = $1', [rotated.body.id]));
    expect(rotatedAudit.xmin).toBe(await xminOf('personal_access_tokens', 'id = $1 AND revoked', [pat.body.id]));
    expect(await audits('personal_access_token_rotated', pat.body.id)).toHaveLength(0);

    const bot = await call('POST', `/projects/${projectId}/access_tokens`, { name: 'rotating-bot', scopes: ['read_registry'], access_level: 20, expires_at: '2099-01-01' });
    expect(bot.status).toBe(201);
    const rotatedBot = await call('POST', `/projects/${projectId}/access_tokens/${bot.body.id}/rotate`);
    expect(rotatedBot.status).toBe(200);
    const [botAudit] = await audits('resource_access_token_rotated', rotatedBot.body.id);
    expect(botAudit).toMatchObject({ ip_address: CLIENT, entity_type: 'Project', entity_id: projectId, target_details: 'rotating-bot', details: { access_level: 20 } });
    expect(botAudit.xmin).toBe(await xminOf('personal_access_tokens', 'id = $1', [rotatedBot.body.id]));
    // The bot's membership moved to the new expiry in the same transaction.
    expect(botAudit.xmin).toBe(await xminOf('members', `source_type = 'project' AND source_id = $1 AND user_id = $2`, [projectId, rotatedBot.body.user_id]));

    // Rotating the revoked token again is a 400 and writes nothing.
    const before = await auditCount();
    expect((await call('POST', `/personal_access_tokens/${pat.body.id}/rotate`)).status).toBe(400);
    expect(await auditCount()).toBe(before);
  });

  it('audits a token a user creates for themselves from a web session, in the token’s transaction', async () => {
    const signIn = await fetch(`${platform.url}/api/v4/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'X-Forwarded-For': CLIENT },
      body: JSON.stringify({ login: member.username, password: 'password-1234' }),
    });
    expect(signIn.status).toBe(201);
    const session = { cookie: signIn.headers.get('set-cookie')!.split(';')[0], 'x-csrf-token': ((await signIn.json()) as { csrf_token: string }).csrf_token };
    const own = await call('POST', '/user/personal_access_tokens', { name: 'own', scopes: ['read_registry'], expires_at: '2999-01-01' }, session);
    expect(own.status).toBe(201);
    const [ownAudit] = await audits('personal_access_token_created', own.body.id);
    expect(ownAudit).toMatchObject({ ip_address: CLIENT, author_name: member.username, entity_type: 'User', entity_id: member.id });
    expect(ownAudit.xmin).toBe(await xminOf('personal_access_tokens', 'id = $1', [own.body.id]));
  });

  it('writes no audit row for a change that fails', async () => {
    const before = await auditCount();
    // 409: the member exists already.
    expect((await call('POST', `/projects/${projectId}/members`, { user_id: member.id, access_level: 30 })).status).toBe(409);
    // 400: an invalid deploy token username.
    expect((await call('POST', `/projects/${projectId}/deploy_tokens`, { name: 'bad', scopes: ['read_registry'], username: 'gitlab-ci-token' })).status).toBe(400);
    // 404: revoking a token that does not exist.
    expect((await call('DELETE', `/projects/${projectId}/access_tokens/999999`)).status).toBe(404);
    expect(await auditCount()).toBe(before);
  });
});
