import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import {
  createTestDatabase,
  freePort,
  RunningProcess,
  spawnProcess,
  startPlatform,
  TEST_REDIS_URL,
  TestDatabase,
  TestPlatform,
  waitForReady,
} from '@cargohold/testing';
import { BOOTSTRAP_TOKEN, enc, RestClient } from './iam-rest-client';

/** Users, groups, subgroups and projects through /api/v4, against the real built api. */
describe('iam: users, groups, projects', () => {
  let db: TestDatabase;
  let platform: TestPlatform;
  let api: RestClient;
  const admin = { token: BOOTSTRAP_TOKEN };

  beforeAll(async () => {
    db = await createTestDatabase();
    platform = await startPlatform({ databaseUrl: db.url, worker: false, env: { BOOTSTRAP_ADMIN_TOKEN: BOOTSTRAP_TOKEN, ADMIN_PASSWORD: 'root-password-1' } });
    api = new RestClient(platform.url);
  });

  afterAll(async () => {
    await platform?.stop();
    await db?.drop();
  });

  describe('bootstrap', () => {
    it('created the administrator with the bootstrap token and a user namespace', async () => {
      const me = await api.get('/user', admin);
      expect(me.status).toBe(200);
      expect(me.body).toMatchObject({ id: 1, username: 'root', is_admin: true, state: 'active', bot: false });
      const [token] = await db.query<{ scopes: string[]; digest_length: number }>(
        `SELECT scopes, length(token_digest) AS digest_length FROM personal_access_tokens WHERE user_id = 1`,
      );
      expect(token.scopes).toEqual(['api', 'read_registry', 'write_registry']);
      expect(token.digest_length).toBe(32);
      const namespaces = await db.query(`SELECT kind, full_path FROM namespaces WHERE owner_id = 1`);
      expect(namespaces).toEqual([{ kind: 'user', full_path: 'root' }]);
    });

    it('does not create a second administrator when another replica starts', async () => {
      const replica = await platform.startApiReplica();
      expect(replica.process.output()).not.toContain('created the initial administrator');
      const [{ count }] = await db.query<{ count: number }>(`SELECT count(*)::int AS count FROM users WHERE is_admin`);
      expect(count).toBe(1);
      await replica.process.stop();
    });

    it('stores the password as a salted scrypt hash', async () => {
      const [row] = await db.query<{ password_hash: string }>(`SELECT password_hash FROM users WHERE username = 'root'`);
      expect(row.password_hash).toMatch(/^scrypt\$32768\$8\$1\$/);
      expect(row.password_hash).not.toContain('root-password-1');
    });
  });

  describe('authentication errors', () => {
    it('answers 401 in GitLab shape without or with a wrong token', async () => {
      expect(await api.get('/user', null)).toMatchObject({ status: 401, body: { message: '401 Unauthorized' } });
      expect(await api.get('/user', { token: 'glpat-wrong' })).toMatchObject({ status: 401, body: { message: '401 Unauthorized' } });
      // A bad token is refused even where anonymous access would be fine.
      expect((await api.get('/projects', { token: 'glpat-wrong' })).status).toBe(401);
    });

    it('accepts Authorization: Bearer', async () => {
      const me = await api.get('/user', { bearer: BOOTSTRAP_TOKEN });
      expect(me.status).toBe(200);
      expect(me.body.username).toBe('root');
    });

    it('answers unknown routes with GitLab 404 body', async () => {
      expect(await api.get('/no/such/route', admin)).toMatchObject({ status: 404, body: { error: '404 Not Found' } });
    });
  });

  describe('users', () => {
    it('lets an administrator create users and refuses duplicates with 409', async () => {
      const created = await api.post('/users', admin, { username: 'alice', email: 'alice@example.com', name: 'Alice', password: 'alice-password' });
      expect(created.status).toBe(201);
      expect(created.body).toMatchObject({ username: 'alice', name: 'Alice', email: 'alice@example.com', is_admin: false, state: 'active' });
      const again = await api.post('/users', admin, { username: 'ALICE', email: 'other@example.com', name: 'A' });
      expect(again).toMatchObject({ status: 409, body: { message: 'Username has already been taken' } });
      const sameEmail = await api.post('/users', admin, { username: 'alice2', email: 'alice@example.com', name: 'A' });
      expect(sameEmail).toMatchObject({ status: 409, body: { message: 'Email has already been taken' } });
      const [ns] = await db.query(`SELECT kind, full_path, visibility FROM namespaces WHERE owner_id = $1`, [created.body.id]);
      expect(ns).toEqual({ kind: 'user', full_path: 'alice', visibility: 'public' });
    });

    it('validates parameters with GitLab error bodies', async () => {
      expect(await api.post('/users', admin, { username: 'bob' })).toMatchObject({ status: 400, body: { error: 'email is missing, name is missing' } });
      const badName = await api.post('/users', admin, { username: '-bad-', email: 'b@example.com', name: 'B' });
      expect(badName.status).toBe(400);
      expect(badName.body.message.username[0]).toMatch(/can contain only/);
      expect(await api.get('/users/abc', admin)).toMatchObject({ status: 400, body: { error: 'id is invalid' } });
    });

    it('refuses user creation to non-administrators', async () => {
      const bob = await api.createUser(admin, 'bob');
      const attempt = await api.post('/users', bob.auth, { username: 'mallory', email: 'm@example.com', name: 'M' });
      expect(attempt).toMatchObject({ status: 403, body: { message: '403 Forbidden' } });
      const me = await api.get('/user', bob.auth);
      expect(me.body).toMatchObject({ username: 'bob', is_admin: false });
      const other = await api.get('/users/1', bob.auth);
      expect(other.status).toBe(200);
      expect(other.body.username).toBe('root');
      expect(other.body.email).toBeUndefined();
    });

    it('blocks users: their tokens stop working like wrong ones', async () => {
      const carol = await api.createUser(admin, 'carol');
      expect((await api.get('/user', carol.auth)).status).toBe(200);
      expect(await api.post(`/users/${carol.id}/block`, admin)).toMatchObject({ status: 201, body: true });
      expect(await api.get('/user', carol.auth)).toMatchObject({ status: 401, body: { message: '401 Unauthorized' } });
      expect((await api.post(`/users/${carol.id}/unblock`, admin)).status).toBe(201);
      expect((await api.get('/user', carol.auth)).status).toBe(200);
    });

    it('paginates user lists with GitLab headers', async () => {
      for (const name of ['p1', 'p2', 'p3']) await api.createUser(admin, `page-${name}`);
      const page = await api.get('/users?per_page=2&page=2', admin);
      expect(page.status).toBe(200);
      const total = Number(page.headers.get('x-total'));
      expect(total).toBeGreaterThanOrEqual(7);
      expect(page.body).toHaveLength(2);
      expect(page.headers.get('x-page')).toBe('2');
      expect(page.headers.get('x-per-page')).toBe('2');
      expect(page.headers.get('x-total-pages')).toBe(String(Math.ceil(total / 2)));
      expect(page.headers.get('x-prev-page')).toBe('1');
      expect(page.headers.get('x-next-page')).toBe('3');
      const link = page.headers.get('link')!;
      expect(link).toContain(`<${platform.url}/api/v4/users?per_page=2&page=1>; rel="prev"`);
      expect(link).toContain(`<${platform.url}/api/v4/users?per_page=2&page=3>; rel="next"`);
      expect(link).toContain('rel="first"');
      expect(link).toContain('rel="last"');
      const clamped = await api.get('/users?per_page=1000', admin);
      expect(clamped.headers.get('x-per-page')).toBe('100');
      expect(clamped.headers.get('x-next-page')).toBe('');
      expect(await api.get('/users?page=0', admin)).toMatchObject({ status: 400, body: { error: 'page is invalid' } });
    });
  });

  describe('groups and projects', () => {
    let dave: Awaited<ReturnType<RestClient['createUser']>>;

    beforeAll(async () => {
      dave = await api.createUser(admin, 'dave');
    });

    it('creates groups and nested subgroups with full paths, the creator as Owner', async () => {
      const top = await api.post('/groups', dave.auth, { name: 'Acme Corp', path: 'acme', visibility: 'public' });
      expect(top.status).toBe(201);
      expect(top.body).toMatchObject({ name: 'Acme Corp', path: 'acme', full_path: 'acme', parent_id: null, visibility: 'public' });
      const sub = await api.post('/groups', dave.auth, { name: 'Platform', path: 'platform', parent_id: top.body.id });
      expect(sub.status).toBe(201);
      expect(sub.body).toMatchObject({ full_path: 'acme/platform', full_name: 'Acme Corp / Platform', parent_id: top.body.id, visibility: 'private' });
      const deeper = await api.post('/groups', dave.auth, { name: 'Tools', path: 'tools', parent_id: sub.body.id });
      expect(deeper.body.full_path).toBe('acme/platform/tools');
      const [member] = await db.query(`SELECT access_level FROM members WHERE source_type = 'namespace' AND source_id = $1 AND user_id = $2`, [
        top.body.id,
        dave.id,
      ]);
      expect(member).toEqual({ access_level: 50 });

      const byPath = await api.get(`/groups/${enc('acme/platform')}`, dave.auth);
      expect(byPath.status).toBe(200);
      expect(byPath.body.id).toBe(sub.body.id);
      const subgroups = await api.get(`/groups/${enc('acme')}/subgroups`, dave.auth);
      expect(subgroups.body.map((g: { full_path: string }) => g.full_path)).toEqual(['acme/platform']);
    });

    it('refuses a subgroup more visible than its parent and a taken path', async () => {
      const parent = await api.get(`/groups/${enc('acme/platform')}`, dave.auth);
      const tooOpen = await api.post('/groups', dave.auth, { name: 'Open', path: 'open', parent_id: parent.body.id, visibility: 'public' });
      expect(tooOpen.status).toBe(400);
      expect(tooOpen.body.message.visibility_level).toBeDefined();
      const taken = await api.post('/groups', dave.auth, { name: 'Acme', path: 'acme' });
      expect(taken).toMatchObject({ status: 400, body: { message: { path: ['has already been taken'] } } });
    });

    it('creates projects in a group and in the personal namespace', async () => {
      const group = await api.get(`/groups/${enc('acme/platform')}`, dave.auth);
      const project = await api.post('/projects', dave.auth, { name: 'Api', path: 'api', namespace_id: group.body.id });
      expect(project.status).toBe(201);
      expect(project.body).toMatchObject({
        name: 'Api',
        path: 'api',
        path_with_namespace: 'acme/platform/api',
        name_with_namespace: 'Acme Corp / Platform / Api',
        visibility: 'private',
        namespace: { id: group.body.id, kind: 'group', full_path: 'acme/platform' },
        container_registry_image_prefix: `${new URL(platform.url).host}/acme/platform/api`,
      });
      const personal = await api.post('/projects', dave.auth, { name: 'Dotfiles', visibility: 'public' });
      expect(personal.status).toBe(201);
      expect(personal.body).toMatchObject({ path: 'dotfiles', path_with_namespace: 'dave/dotfiles', namespace: { kind: 'user' } });

      const byPath = await api.get(`/projects/${enc('acme/platform/api')}`, dave.auth);
      expect(byPath.status).toBe(200);
      expect(byPath.body.id).toBe(project.body.id);
      expect(byPath.body.permissions.project_access).toEqual({ access_level: 50, role: 'Owner' });
      const [row] = await db.query(`SELECT full_path, visibility, creator_id::int AS creator_id FROM projects WHERE id = $1`, [project.body.id]);
      expect(row).toEqual({ full_path: 'acme/platform/api', visibility: 'private', creator_id: dave.id });

      // Projects and groups share the path space.
      const clash = await api.post('/projects', dave.auth, { path: 'tools', namespace_id: group.body.id });
      expect(clash).toMatchObject({ status: 400, body: { message: { path: ['has already been taken'] } } });
    });

    it('hides private projects and groups from outsiders and shows public ones to everyone', async () => {
      const eve = await api.createUser(admin, 'eve');
      expect(await api.get(`/projects/${enc('acme/platform/api')}`, eve.auth)).toMatchObject({ status: 404, body: { message: '404 Project Not Found' } });
      expect(await api.get(`/groups/${enc('acme/platform')}`, eve.auth)).toMatchObject({ status: 404, body: { message: '404 Group Not Found' } });
      expect((await api.get(`/projects/${enc('dave/dotfiles')}`, null)).status).toBe(200);
      expect((await api.get(`/groups/acme`, null)).status).toBe(200);
      const anonymousList = await api.get('/projects', null);
      expect(anonymousList.body.map((p: { path_with_namespace: string }) => p.path_with_namespace)).toEqual(['dave/dotfiles']);
      const daveList = await api.get('/projects?membership=true&order_by=path&sort=asc', dave.auth);
      expect(daveList.body.map((p: { path_with_namespace: string }) => p.path_with_namespace)).toEqual(['acme/platform/api', 'dave/dotfiles']);
    });

    it('lets only Owners delete projects', async () => {
      const group = await api.get(`/groups/${enc('acme/platform')}`, dave.auth);
      const doomed = await api.post('/projects', dave.auth, { path: 'doomed', namespace_id: group.body.id });
      const frank = await api.createUser(admin, 'frank');
      await api.post(`/projects/${doomed.body.id}/members`, dave.auth, { user_id: frank.id, access_level: 40 });
      expect(await api.delete(`/projects/${doomed.body.id}`, frank.auth)).toMatchObject({ status: 403, body: { message: '403 Forbidden' } });
      expect(await api.delete(`/projects/${enc('acme/platform/doomed')}`, dave.auth)).toMatchObject({ status: 202, body: { message: '202 Accepted' } });
      expect((await api.get(`/projects/${doomed.body.id}`, dave.auth)).status).toBe(404);
      const leftovers = await db.query(`SELECT id FROM members WHERE source_type = 'project' AND source_id = $1`, [doomed.body.id]);
      expect(leftovers).toEqual([]);
    });
  });
});

describe('iam: bootstrap with replicas starting at once', () => {
  let db: TestDatabase;
  const processes: RunningProcess[] = [];

  beforeAll(async () => {
    db = await createTestDatabase();
  });

  afterAll(async () => {
    await Promise.all(processes.map((proc) => proc.stop()));
    await db?.drop();
  });

  it('creates exactly one administrator and one bootstrap token', async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'cargohold-bootstrap-'));
    const ports = [await freePort(), await freePort()];
    for (const port of ports) {
      processes.push(
        spawnProcess('api', {
          DATABASE_URL: db.url,
          REDIS_URL: TEST_REDIS_URL,
          REDIS_PREFIX: `test-bootstrap-${port}`,
          DATA_DIR: dataDir,
          LOG_LEVEL: 'warn',
          HOST: '127.0.0.1',
          PORT: String(port),
          BOOTSTRAP_ADMIN_TOKEN: BOOTSTRAP_TOKEN,
        }),
      );
    }
    await Promise.all(processes.map((proc, i) => waitForReady(`http://127.0.0.1:${ports[i]}/-/readiness`, proc)));
    const announcements = processes.filter((proc) => proc.output().includes('Initial administrator "root" created with password: '));
    expect(announcements).toHaveLength(1);
    const [{ users, tokens }] = await db.query<{ users: number; tokens: number }>(
      `SELECT (SELECT count(*)::int FROM users) AS users, (SELECT count(*)::int FROM personal_access_tokens) AS tokens`,
    );
    expect({ users, tokens }).toEqual({ users: 1, tokens: 1 });
    for (const port of ports) {
      const me = await new RestClient(`http://127.0.0.1:${port}`).get('/user', { token: BOOTSTRAP_TOKEN });
      expect(me.body.username).toBe('root');
    }
    rmSync(dataDir, { recursive: true, force: true });
  });
});
