import { createTestDatabase, startPlatform, TestDatabase, TestPlatform } from '@cargohold/testing';
import { createHash } from 'node:crypto';
import { BOOTSTRAP_TOKEN, enc, RestClient } from './iam-rest-client';

type User = Awaited<ReturnType<RestClient['createUser']>>;

const sha256 = (value: string) => createHash('sha256').update(value).digest();

/** Personal, project, group and deploy tokens: creation, scopes, use, expiry and revocation. */
describe('iam: tokens', () => {
  let db: TestDatabase;
  let platform: TestPlatform;
  let api: RestClient;
  const admin = { token: BOOTSTRAP_TOKEN };
  let alice: User;
  let bob: User;

  beforeAll(async () => {
    db = await createTestDatabase();
    platform = await startPlatform({ databaseUrl: db.url, worker: false, env: { BOOTSTRAP_ADMIN_TOKEN: BOOTSTRAP_TOKEN } });
    api = new RestClient(platform.url);
    alice = await api.createUser(admin, 'alice');
    bob = await api.createUser(admin, 'bob');
    const group = await api.post('/groups', alice.auth, { name: 'Shop', path: 'shop' });
    await api.post('/groups', alice.auth, { name: 'Backend', path: 'backend', parent_id: group.body.id });
    await api.post('/projects', alice.auth, { path: 'web', namespace_id: group.body.id });
    const sub = await api.get(`/groups/${enc('shop/backend')}`, alice.auth);
    await api.post('/projects', alice.auth, { path: 'orders', namespace_id: sub.body.id });
    await api.post('/projects', bob.auth, { path: 'private-stuff' });
  });

  afterAll(async () => {
    await platform?.stop();
    await db?.drop();
  });

  describe('personal access tokens', () => {
    it('are created by administrators only, shown once, stored as digests', async () => {
      const created = await api.post(`/users/${alice.id}/personal_access_tokens`, admin, { name: 'ci', scopes: ['read_api'], expires_at: '2999-01-01' });
      expect(created.status).toBe(201);
      expect(created.body).toMatchObject({ name: 'ci', scopes: ['read_api'], user_id: alice.id, revoked: false, active: true, expires_at: '2999-01-01' });
      expect(created.body.token).toMatch(/^glpat-[A-Za-z0-9_-]{32}$/);
      const [row] = await db.query<{ token_digest: Buffer }>(`SELECT token_digest FROM personal_access_tokens WHERE id = $1`, [created.body.id]);
      expect(row.token_digest.equals(sha256(created.body.token))).toBe(true);
      const listed = await api.get(`/personal_access_tokens/${created.body.id}`, alice.auth);
      expect(listed.body.token).toBeUndefined();
      expect(await api.post(`/users/${alice.id}/personal_access_tokens`, alice.auth, { name: 'x', scopes: ['api'], expires_at: '2999-01-01' })).toMatchObject({ status: 403 });
      expect(await api.post(`/users/${alice.id}/personal_access_tokens`, admin, { name: 'x', scopes: ['root'], expires_at: '2999-01-01' })).toMatchObject({
        status: 400,
        body: { error: 'scopes does not have a valid value' },
      });
      expect((await api.post(`/users/${alice.id}/personal_access_tokens`, admin, { name: 'x', scopes: ['api'], expires_at: '2000-01-01' })).status).toBe(400);
    });

    it('are limited by their scopes', async () => {
      const readApi = (await api.post(`/users/${alice.id}/personal_access_tokens`, admin, { name: 'ro', scopes: ['read_api'], expires_at: '2999-01-01' })).body.token;
      expect((await api.get('/projects', { token: readApi })).status).toBe(200);
      expect(await api.post('/projects', { token: readApi }, { path: 'nope' })).toMatchObject({
        status: 403,
        body: { error: 'insufficient_scope', scope: 'api' },
      });
      const readUser = (await api.post(`/users/${alice.id}/personal_access_tokens`, admin, { name: 'ru', scopes: ['read_user'], expires_at: '2999-01-01' })).body.token;
      expect((await api.get('/user', { token: readUser })).body.username).toBe('alice');
      expect(await api.get('/projects', { token: readUser })).toMatchObject({ status: 403, body: { error: 'insufficient_scope', scope: 'read_api' } });
      const registryOnly = (await api.post(`/users/${alice.id}/personal_access_tokens`, admin, { name: 'reg', scopes: ['read_registry'], expires_at: '2999-01-01' })).body.token;
      expect((await api.get('/user', { token: registryOnly })).status).toBe(403);
    });

    it('list only the caller’s own tokens (administrators see all) and /self', async () => {
      const mine = await api.get('/personal_access_tokens', alice.auth);
      expect(mine.status).toBe(200);
      expect(new Set(mine.body.map((t: { user_id: number }) => t.user_id))).toEqual(new Set([alice.id]));
      const others = await api.get(`/personal_access_tokens?user_id=${bob.id}`, alice.auth);
      expect(new Set(others.body.map((t: { user_id: number }) => t.user_id))).toEqual(new Set([alice.id]));
      const all = await api.get(`/personal_access_tokens?user_id=${bob.id}`, admin);
      expect(all.body.map((t: { user_id: number }) => t.user_id)).toEqual([bob.id]);
      const self = await api.get('/personal_access_tokens/self', alice.auth);
      expect(self.body).toMatchObject({ name: 'alice-token', user_id: alice.id, active: true });
      expect(self.body.last_used_at).not.toBeNull();
      const bobsToken = all.body[0].id;
      expect(await api.get(`/personal_access_tokens/${bobsToken}`, alice.auth)).toMatchObject({ status: 404 });
      expect((await api.delete(`/personal_access_tokens/${bobsToken}`, alice.auth)).status).toBe(404);
    });

    it('stop working when revoked, by id or through /self', async () => {
      const a = await api.post(`/users/${alice.id}/personal_access_tokens`, admin, { name: 'a', scopes: ['api'], expires_at: '2999-01-01' });
      const b = await api.post(`/users/${alice.id}/personal_access_tokens`, admin, { name: 'b', scopes: ['api'], expires_at: '2999-01-01' });
      expect((await api.get('/user', { token: a.body.token })).status).toBe(200);
      expect((await api.delete(`/personal_access_tokens/${a.body.id}`, alice.auth)).status).toBe(204);
      expect(await api.get('/user', { token: a.body.token })).toMatchObject({ status: 401, body: { message: '401 Unauthorized' } });
      expect((await api.delete('/personal_access_tokens/self', { token: b.body.token })).status).toBe(204);
      expect((await api.get('/user', { token: b.body.token })).status).toBe(401);
      const [row] = await db.query(`SELECT revoked FROM personal_access_tokens WHERE id = $1`, [a.body.id]);
      expect(row).toEqual({ revoked: true });
      const listed = await api.get(`/personal_access_tokens?state=inactive`, alice.auth);
      expect(listed.body.map((t: { id: number }) => t.id)).toEqual(expect.arrayContaining([a.body.id, b.body.id]));
    });

    it('stop working on their expiry date', async () => {
      const t = await api.post(`/users/${alice.id}/personal_access_tokens`, admin, { name: 'short', scopes: ['api'], expires_at: '2999-01-01' });
      expect((await api.get('/user', { token: t.body.token })).status).toBe(200);
      await db.query(`UPDATE personal_access_tokens SET expires_at = current_date WHERE id = $1`, [t.body.id]);
      expect(await api.get('/user', { token: t.body.token })).toMatchObject({ status: 401, body: { message: '401 Unauthorized' } });
      const [row] = await db.query(`SELECT revoked FROM personal_access_tokens WHERE id = $1`, [t.body.id]);
      expect(row).toEqual({ revoked: false });
    });
  });

  describe('a user creating their own personal access token (POST /user/personal_access_tokens)', () => {
    /** Signs in to the web UI's session API; returns what the UI then sends on every write. */
    const webSession = async (credentials: Record<string, string>) => {
      const response = await fetch(`${platform.url}/api/v4/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(credentials) });
      expect(response.status).toBe(201);
      const cookie = response.headers.get('set-cookie')!.split(';')[0];
      return { cookie, 'x-csrf-token': ((await response.json()) as { csrf_token: string }).csrf_token };
    };
    const createOwn = (headers: Record<string, string>, body: Record<string, unknown>) =>
      fetch(`${platform.url}/api/v4/user/personal_access_tokens`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });

    it('works from a web session opened with the password, and the token logs docker in', async () => {
      const session = await webSession({ login: 'bob', password: 'password-1234' });
      const created = await createOwn(session, { name: 'laptop', scopes: ['read_registry', 'write_registry'], expires_at: '2999-01-01' });
      expect(created.status).toBe(201);
      const body = (await created.json()) as { token: string; user_id: number; scopes: string[] };
      expect(body).toMatchObject({ user_id: bob.id, scopes: ['read_registry', 'write_registry'] });
      const basic = `Basic ${Buffer.from(`bob:${body.token}`).toString('base64')}`;
      const login = await fetch(`${platform.url}/jwt/auth?service=container_registry&scope=repository:bob/private-stuff:pull,push`, { headers: { Authorization: basic } });
      expect(login.status).toBe(200);
      // The CSRF token is still required: a cross-site form cannot mint tokens with the victim's cookie.
      expect((await createOwn({ cookie: session.cookie }, { name: 'forged', scopes: ['api'] })).status).toBe(403);
    });

    it('is refused to tokens, and to web sessions opened with a token', async () => {
      const byToken = await createOwn({ 'private-token': bob.token }, { name: 'renewal', scopes: ['api'] });
      expect(byToken.status).toBe(403);
      expect(((await byToken.json()) as { message: string }).message).toMatch(/web UI after signing in with a password/);
      const tokenSession = await webSession({ token: bob.token });
      expect((await createOwn(tokenSession, { name: 'renewal', scopes: ['api'] })).status).toBe(403);
      expect(await db.query(`SELECT name FROM personal_access_tokens WHERE name IN ('renewal', 'forged')`)).toEqual([]);
    });
  });

  describe('project and group access tokens', () => {
    it('create a bot member with the requested role and a usable token', async () => {
      const created = await api.post(`/projects/${enc('shop/web')}/access_tokens`, alice.auth, { name: 'deployer', scopes: ['api'], access_level: 30, expires_at: '2999-01-01' });
      expect(created.status).toBe(201);
      expect(created.body).toMatchObject({ name: 'deployer', scopes: ['api'], access_level: 30, active: true, revoked: false });
      expect(created.body.token).toMatch(/^glpat-/);
      const [bot] = await db.query<{ username: string; bot: boolean; password_hash: string | null }>(
        `SELECT username, bot, password_hash FROM users WHERE id = $1`,
        [created.body.user_id],
      );
      expect(bot.bot).toBe(true);
      expect(bot.password_hash).toBeNull();
      expect(bot.username).toMatch(/^project_\d+_bot_[0-9a-f]{16}$/);
      const botAuth = { token: created.body.token };
      const project = await api.get(`/projects/${enc('shop/web')}`, botAuth);
      expect(project.body.permissions.project_access).toEqual({ access_level: 30, role: 'Developer' });
      // A project token is a member of its project only.
      expect((await api.get(`/projects/${enc('shop/backend/orders')}`, botAuth)).status).toBe(404);

      const listed = await api.get(`/projects/${enc('shop/web')}/access_tokens`, alice.auth);
      expect(listed.body.map((t: { name: string; access_level: number }) => [t.name, t.access_level])).toEqual([['deployer', 30]]);
      expect(listed.body[0].token).toBeUndefined();
      expect((await api.delete(`/projects/${enc('shop/web')}/access_tokens/${created.body.id}`, alice.auth)).status).toBe(204);
      expect((await api.get('/user', botAuth)).status).toBe(401);
    });

    it('cannot be created above the creator’s own level, nor by Developers', async () => {
      await api.post(`/projects/${enc('shop/web')}/members`, alice.auth, { user_id: bob.id, access_level: 40 });
      const tooHigh = await api.post(`/projects/${enc('shop/web')}/access_tokens`, bob.auth, { name: 'x', scopes: ['api'], access_level: 50, expires_at: '2999-01-01' });
      expect(tooHigh.status).toBe(403);
      await api.put(`/projects/${enc('shop/web')}/members/${bob.id}`, alice.auth, { access_level: 30 });
      expect((await api.post(`/projects/${enc('shop/web')}/access_tokens`, bob.auth, { name: 'x', scopes: ['api'], expires_at: '2999-01-01' })).status).toBe(403);
      expect((await api.get(`/projects/${enc('shop/web')}/access_tokens`, bob.auth)).status).toBe(403);
    });

    it('group tokens reach the group’s subgroups and projects', async () => {
      const created = await api.post('/groups/shop/access_tokens', alice.auth, { name: 'group-bot', scopes: ['read_api'], access_level: 20, expires_at: '2999-01-01' });
      expect(created.status).toBe(201);
      const auth = { token: created.body.token };
      const orders = await api.get(`/projects/${enc('shop/backend/orders')}`, auth);
      expect(orders.body.permissions.project_access).toEqual({ access_level: 20, role: 'Reporter' });
      expect((await api.get(`/projects/${enc('bob/private-stuff')}`, auth)).status).toBe(404);
      const [bot] = await db.query<{ username: string }>(`SELECT username FROM users WHERE id = $1`, [created.body.user_id]);
      expect(bot.username).toMatch(/^group_\d+_bot_/);
    });
  });

  describe('deploy tokens', () => {
    it('are created for projects with the default username and shown once', async () => {
      const created = await api.post(`/projects/${enc('shop/web')}/deploy_tokens`, alice.auth, { name: 'pull', scopes: ['read_registry'], expires_at: '2999-01-01' });
      expect(created.status).toBe(201);
      expect(created.body).toMatchObject({
        name: 'pull',
        username: `gitlab+deploy-token-${created.body.id}`,
        scopes: ['read_registry'],
        revoked: false,
        expired: false,
        expires_at: '2999-01-01T00:00:00.000Z',
      });
      expect(created.body.token).toMatch(/^gldt-/);
      const [row] = await db.query<{ token_digest: Buffer }>(`SELECT token_digest FROM deploy_tokens WHERE id = $1`, [created.body.id]);
      expect(row.token_digest.equals(sha256(created.body.token))).toBe(true);
      const listed = await api.get(`/projects/${enc('shop/web')}/deploy_tokens`, alice.auth);
      expect(listed.body).toHaveLength(1);
      expect(listed.body[0].token).toBeUndefined();
      // Deploy tokens are for the registry, not the REST API.
      expect((await api.get('/projects', { token: created.body.token })).status).toBe(401);
    });

    it('accept a custom username and expiry; group tokens; admin listing; revoke', async () => {
      const custom = await api.post('/groups/shop/deploy_tokens', alice.auth, {
        name: 'group-push',
        username: 'shop-pusher',
        scopes: ['read_registry', 'write_registry'],
        expires_at: '2999-01-01T00:00:00Z',
      });
      expect(custom.status).toBe(201);
      expect(custom.body).toMatchObject({ username: 'shop-pusher', group_id: expect.any(Number), expires_at: '2999-01-01T00:00:00.000Z' });
      expect((await api.post('/groups/shop/deploy_tokens', alice.auth, { name: 'bad', scopes: ['api'] })).status).toBe(400);
      // bob sees the group (he is a Developer of a project inside) but may not manage its tokens.
      expect((await api.post('/groups/shop/deploy_tokens', bob.auth, { name: 'x', scopes: ['read_registry'], expires_at: '2999-01-01' })).status).toBe(403);
      const all = await api.get('/deploy_tokens', admin);
      expect(all.body.map((t: { name: string }) => t.name)).toEqual(['pull', 'group-push']);
      expect((await api.get('/deploy_tokens', alice.auth)).status).toBe(403);
      expect((await api.delete(`/groups/shop/deploy_tokens/${custom.body.id}`, alice.auth)).status).toBe(204);
      const active = await api.get('/deploy_tokens?active=true', admin);
      expect(active.body.map((t: { name: string }) => t.name)).toEqual(['pull']);
      // GitLab removes a deleted deploy token rather than keeping it revoked.
      expect(await db.query(`SELECT id FROM deploy_tokens WHERE id = $1`, [custom.body.id])).toEqual([]);
    });
  });

  describe('failed authentication', () => {
    it('slows down repeated failures from one address', async () => {
      for (let i = 0; i < 5; i++) expect((await api.get('/user', { token: `glpat-wrong-${i}` })).status).toBe(401);
      const timed = async () => {
        const started = Date.now();
        const response = await api.get('/user', { token: 'glpat-wrong-again' });
        return { status: response.status, ms: Date.now() - started };
      };
      const sixth = await timed();
      const seventh = await timed();
      expect(sixth.status).toBe(401);
      expect(seventh.ms).toBeGreaterThanOrEqual(240);
      // A correct token still works (after the wait) and clears the penalty.
      expect((await api.get('/user', alice.auth)).status).toBe(200);
      expect((await timed()).ms).toBeLessThan(200);
    });

    it('counts failures across api replicas: guesses spread over two replicas get no extra free attempts', async () => {
      expect((await api.get('/user', alice.auth)).status).toBe(200); // a clean record for this address
      const replica = await platform.startApiReplica();
      try {
        const other = new RestClient(replica.url);
        // Seven failures, alternating: this replica saw four of them (fewer than the five free ones), seven in all.
        for (let i = 0; i < 7; i++) expect((await (i % 2 === 0 ? api : other).get('/user', { token: `glpat-spread-${i}` })).status).toBe(401);
        await new Promise((resolve) => setTimeout(resolve, 300)); // the shared count is updated after each response
        const started = Date.now();
        expect((await api.get('/user', { token: 'glpat-spread-8' })).status).toBe(401);
        // Two failures beyond the free five: 500 ms (250 ms doubled); counting per replica would have let it through.
        expect(Date.now() - started).toBeGreaterThanOrEqual(450);
        expect((await api.get('/user', alice.auth)).status).toBe(200);
      } finally {
        await replica.process.stop();
      }
    });
  });
});
