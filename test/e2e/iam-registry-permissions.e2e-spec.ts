import * as path from 'node:path';
import type { DataSource } from 'typeorm';
import { Actor, IamContext, IamServices } from '@cargohold/iam';
import { createTestDatabase, startPlatform, TestDatabase, TestPlatform } from '@cargohold/testing';
import { BOOTSTRAP_TOKEN, enc, RestClient } from './iam-rest-client';

/**
 * A DataSource like libs/db's createDataSource. That helper cannot load under jest (its @cargohold/migrations
 * import is not covered by the moduleNameMapper), and typeorm is only resolvable from the libs, hence require.resolve.
 */
async function connect(url: string): Promise<DataSource> {
  const fromDb = { paths: [path.resolve(__dirname, '../../libs/db')] };
  require(require.resolve('pg', fromDb)).types.setTypeParser(20, (value: string) => Number(value));
  const { DataSource: DataSourceClass } = require(require.resolve('typeorm', fromDb)) as typeof import('typeorm');
  return new DataSourceClass({ type: 'postgres', url, entities: [], synchronize: false, poolSize: 4 }).initialize();
}

/**
 * The API the token service and the /v2/ guard build on: CredentialService.authenticateBasic (what docker login
 * sends) and RegistryPermissionService, against a database filled through the real REST API.
 */
describe('iam: registry credentials and permissions', () => {
  let db: TestDatabase;
  let platform: TestPlatform;
  let api: RestClient;
  let dataSource: DataSource;
  let iam: IamServices;
  const admin = { token: BOOTSTRAP_TOKEN };
  const ids: Record<string, number> = {};
  const PASSWORD = 'password-1234';

  const login = async (username: string, secret = PASSWORD): Promise<Actor> => {
    const actor = await iam.credentials.authenticateBasic(username, secret);
    if (!actor) throw new Error(`${username} could not log in`);
    return actor;
  };
  const actions = async (actor: Actor | null, path: string) => (await iam.registryPermissions.actionsFor(actor, path))?.actions;

  beforeAll(async () => {
    db = await createTestDatabase();
    platform = await startPlatform({ databaseUrl: db.url, worker: false, env: { BOOTSTRAP_ADMIN_TOKEN: BOOTSTRAP_TOKEN } });
    api = new RestClient(platform.url);
    dataSource = await connect(db.url);
    iam = new IamServices(new IamContext(dataSource, { publicUrl: platform.url, jobTimeoutSeconds: 3600 }));

    for (const name of ['owner', 'guest', 'reporter', 'developer', 'maintainer', 'stranger', 'blocked']) {
      ids[name] = (await api.createUser(admin, name)).id;
    }
    const owner = { token: (await api.post(`/users/${ids.owner}/personal_access_tokens`, admin, { name: 'o', scopes: ['api'], expires_at: '2999-01-01' })).body.token };
    const group = await api.post('/groups', owner, { name: 'Reg', path: 'reg', visibility: 'public' });
    const sub = await api.post('/groups', owner, { name: 'Sub', path: 'sub', parent_id: group.body.id, visibility: 'public' });
    ids.group = group.body.id;
    for (const [path, visibility, namespace] of [
      ['private-app', 'private', group.body.id],
      ['internal-app', 'internal', group.body.id],
      ['public-app', 'public', group.body.id],
      ['deep', 'private', sub.body.id],
    ] as const) {
      ids[path] = (await api.post('/projects', owner, { path, visibility, namespace_id: namespace })).body.id;
    }
    ids.own = (await api.post('/projects', owner, { path: 'own' })).body.id;
    for (const [name, level] of [['guest', 10], ['reporter', 20], ['developer', 30], ['maintainer', 40]] as const) {
      await api.post(`/projects/${ids['private-app']}/members`, owner, { user_id: ids[name], access_level: level });
      await api.post(`/projects/${ids['internal-app']}/members`, owner, { user_id: ids[name], access_level: level });
    }
    await api.post(`/users/${ids.blocked}/block`, admin);
  });

  afterAll(async () => {
    await dataSource?.destroy();
    await platform?.stop();
    await db?.drop();
  });

  it('resolves the owning project of an image path (longest prefix, at most two levels below)', async () => {
    const developer = await login('developer');
    expect(await iam.registryPermissions.actionsFor(developer, 'reg/private-app')).toEqual({ projectId: ids['private-app'], actions: ['pull', 'push', 'delete'] });
    expect((await iam.registryPermissions.actionsFor(developer, 'reg/private-app/web/nginx'))?.projectId).toBe(ids['private-app']);
    expect(await iam.registryPermissions.actionsFor(developer, 'reg/private-app/a/b/c')).toBeNull();
    expect(await iam.registryPermissions.actionsFor(developer, 'reg/nope')).toBeNull();
    expect(await iam.registryPermissions.actionsFor(developer, 'Not/Valid')).toBeNull();
    expect((await iam.registryPermissions.actionsFor(null, 'reg/sub/deep/img'))?.projectId).toBe(ids.deep);
  });

  it('follows the roles table for password logins', async () => {
    const table: Array<[string, string, string[]]> = [
      ['guest', 'reg/private-app', []],
      ['guest', 'reg/internal-app', ['pull']],
      ['guest', 'reg/public-app', ['pull']],
      ['reporter', 'reg/private-app', ['pull']],
      ['developer', 'reg/private-app', ['pull', 'push', 'delete']],
      ['maintainer', 'reg/private-app/img', ['pull', 'push', 'delete']],
      ['owner', 'reg/sub/deep', ['pull', 'push', 'delete']],
      ['owner', 'owner/own', ['pull', 'push', 'delete']],
      ['stranger', 'reg/private-app', []],
      ['stranger', 'reg/internal-app', ['pull']],
      ['stranger', 'reg/public-app', ['pull']],
      ['stranger', 'owner/own', []],
    ];
    for (const [user, path, expected] of table) {
      expect({ user, path, actions: await actions(await login(user), path) }).toEqual({ user, path, actions: expected });
    }
  });

  it('lets anonymous callers pull public projects and nothing else', async () => {
    expect(await actions(null, 'reg/public-app')).toEqual(['pull']);
    expect(await actions(null, 'reg/internal-app')).toEqual([]);
    expect(await actions(null, 'reg/private-app')).toEqual([]);
    expect(await iam.registryPermissions.visibleProjectIds(null)).toEqual([ids['public-app']]);
  });

  it('refuses wrong passwords, unknown users and blocked users alike', async () => {
    expect(await iam.credentials.authenticateBasic('developer', 'wrong-password')).toBeNull();
    expect(await iam.credentials.authenticateBasic('nobody', PASSWORD)).toBeNull();
    expect(await iam.credentials.authenticateBasic('blocked', PASSWORD)).toBeNull();
    expect(await iam.credentials.authenticateBasic('', '')).toBeNull();
  });

  it('caps personal access tokens by their scopes, whatever username is sent', async () => {
    const token = async (scopes: string[]) =>
      (await api.post(`/users/${ids.developer}/personal_access_tokens`, admin, { name: scopes.join('+'), scopes, expires_at: '2999-01-01' })).body.token as string;
    const cases: Array<[string[], string[]]> = [
      [['read_registry'], ['pull']],
      [['read_registry', 'write_registry'], ['pull', 'push', 'delete']],
      [['api'], ['pull', 'push', 'delete']],
      [['read_api'], []],
    ];
    for (const [scopes, expected] of cases) {
      const actor = await login('any-name', await token(scopes));
      expect(actor).toMatchObject({ kind: 'user', userId: ids.developer, username: 'developer', scopes });
      expect(await actions(actor, 'reg/private-app')).toEqual(expected);
    }
    const readOnly = await login('developer', await token(['read_registry']));
    expect(await iam.registryPermissions.visibleProjectIds(readOnly)).toEqual([ids['private-app'], ids['internal-app'], ids['public-app']]);
    expect(await iam.registryPermissions.visibleProjectIds(await login('x', await token(['read_api'])))).toEqual([]);
  });

  it('treats administrators as Owners everywhere', async () => {
    const root = await login('root', BOOTSTRAP_TOKEN);
    expect(root).toMatchObject({ kind: 'user', isAdmin: true, scopes: ['api', 'read_registry', 'write_registry'] });
    expect(await actions(root, 'owner/own')).toEqual(['pull', 'push', 'delete']);
    expect(await iam.registryPermissions.visibleProjectIds(root)).toBeUndefined();
  });

  it('limits project deploy tokens to their project and their scopes', async () => {
    const owner = { token: (await api.post(`/users/${ids.owner}/personal_access_tokens`, admin, { name: 'd', scopes: ['api'], expires_at: '2999-01-01' })).body.token };
    const read = (await api.post(`/projects/${ids['private-app']}/deploy_tokens`, owner, { name: 'r', scopes: ['read_registry'], expires_at: '2999-01-01' })).body;
    const write = (await api.post(`/projects/${ids['private-app']}/deploy_tokens`, owner, { name: 'w', scopes: ['read_registry', 'write_registry'], username: 'pusher', expires_at: '2999-01-01' })).body;
    const reader = await login(read.username, read.token);
    expect(reader).toMatchObject({ kind: 'deploy_token', userId: null, username: read.username, deployToken: { id: read.id, projectId: ids['private-app'], groupId: null } });
    expect(await actions(reader, 'reg/private-app')).toEqual(['pull']);
    expect(await actions(reader, 'reg/deep')).toBeUndefined();
    expect(await actions(reader, 'reg/sub/deep')).toEqual([]);
    expect(await actions(reader, 'reg/public-app')).toEqual([]);
    expect(await actions(await login('pusher', write.token), 'reg/private-app/img')).toEqual(['pull', 'push', 'delete']);
    expect(await iam.registryPermissions.visibleProjectIds(reader)).toEqual([ids['private-app']]);
    // The username must match, and revoked or expired tokens fail like wrong ones.
    expect(await iam.credentials.authenticateBasic('someone-else', read.token)).toBeNull();
    expect(await iam.credentials.authenticateToken(read.token)).toBeNull();
    await api.delete(`/projects/${ids['private-app']}/deploy_tokens/${read.id}`, owner);
    expect(await iam.credentials.authenticateBasic(read.username, read.token)).toBeNull();
    await db.query(`UPDATE deploy_tokens SET expires_at = now() - interval '1 minute' WHERE id = $1`, [write.id]);
    expect(await iam.credentials.authenticateBasic('pusher', write.token)).toBeNull();
  });

  it('extends group deploy tokens to every project in the group and its subgroups', async () => {
    const owner = { token: (await api.post(`/users/${ids.owner}/personal_access_tokens`, admin, { name: 'g', scopes: ['api'], expires_at: '2999-01-01' })).body.token };
    const token = (await api.post(`/groups/${ids.group}/deploy_tokens`, owner, { name: 'g', scopes: ['read_registry', 'write_registry'], expires_at: '2999-01-01' })).body;
    const actor = await login(token.username, token.token);
    expect(actor.deployToken).toEqual({ id: token.id, projectId: null, groupId: ids.group });
    expect(await actions(actor, 'reg/private-app')).toEqual(['pull', 'push', 'delete']);
    expect(await actions(actor, 'reg/sub/deep/img')).toEqual(['pull', 'push', 'delete']);
    expect(await actions(actor, 'owner/own')).toEqual([]);
    expect((await iam.registryPermissions.visibleProjectIds(actor))?.sort()).toEqual(
      [ids['private-app'], ids['internal-app'], ids['public-app'], ids.deep].sort(),
    );
  });

  it('gives job tokens the starter’s role on their project, pull on allowlisting projects, nothing once finished', async () => {
    const developer = { token: (await api.post(`/users/${ids.developer}/personal_access_tokens`, admin, { name: 'j', scopes: ['api'], expires_at: '2999-01-01' })).body.token };
    const owner = { token: (await api.post(`/users/${ids.owner}/personal_access_tokens`, admin, { name: 'j', scopes: ['api'], expires_at: '2999-01-01' })).body.token };
    const job = (await api.post(`/projects/${enc('reg/private-app')}/ci/jobs`, developer, {})).body;
    expect(await iam.credentials.authenticateBasic('developer', job.token)).toBeNull();
    const actor = await login('gitlab-ci-token', job.token);
    expect(actor).toMatchObject({ kind: 'job', userId: ids.developer, username: 'developer', job: { id: job.id, projectId: ids['private-app'], userId: ids.developer } });
    expect(await iam.credentials.authenticateToken(job.token)).toMatchObject({ kind: 'job' });
    expect(await actions(actor, 'reg/private-app/build')).toEqual(['pull', 'push', 'delete']);
    // Outside the allowlist, even a project the developer could read is refused.
    expect(await actions(actor, 'reg/internal-app')).toEqual([]);
    expect(await actions(actor, 'reg/public-app')).toEqual([]);
    await api.post(`/projects/${ids['internal-app']}/job_token_scope/allowlist`, owner, { target_project_id: ids['private-app'] });
    expect(await actions(actor, 'reg/internal-app')).toEqual(['pull']);
    expect(await iam.registryPermissions.visibleProjectIds(actor)).toEqual([ids['private-app'], ids['internal-app']]);
    // Allowlisted, but the starter has no role there and the project is private: nothing.
    await api.post(`/projects/${ids.deep}/job_token_scope/allowlist`, owner, { target_project_id: ids['private-app'] });
    expect(await actions(actor, 'reg/sub/deep')).toEqual([]);

    await api.post(`/projects/${ids['private-app']}/ci/jobs/${job.id}/finish`, developer);
    expect(await iam.credentials.authenticateBasic('gitlab-ci-token', job.token)).toBeNull();
    // An actor obtained before the finish loses its rights too.
    expect(await actions(actor, 'reg/private-app')).toEqual([]);
  });

  it('does not let Reporters start jobs (so no job token ever exceeds pull for them)', async () => {
    const refused = await api.post(`/projects/${ids['private-app']}/ci/jobs`, {
      token: (await api.post(`/users/${ids.reporter}/personal_access_tokens`, admin, { name: 'j', scopes: ['api'], expires_at: '2999-01-01' })).body.token,
    });
    expect(refused.status).toBe(403);
  });

  it('lets project bots pull only where they are members', async () => {
    const owner = { token: (await api.post(`/users/${ids.owner}/personal_access_tokens`, admin, { name: 'b', scopes: ['api'], expires_at: '2999-01-01' })).body.token };
    const botToken = (await api.post(`/projects/${ids['private-app']}/access_tokens`, owner, { name: 'bot', scopes: ['read_registry'], access_level: 20, expires_at: '2999-01-01' })).body.token;
    const bot = await login('whatever', botToken);
    expect(bot).toMatchObject({ kind: 'user', isBot: true, scopes: ['read_registry'] });
    expect(await actions(bot, 'reg/private-app')).toEqual(['pull']);
    expect(await actions(bot, 'reg/internal-app')).toEqual([]);
    expect(await actions(bot, 'reg/public-app')).toEqual(['pull']);
  });
});
