import { createDataSource, DataSource, runMigrations } from '@cargohold/db';
import { countStatements, createTestDatabase, TestDatabase } from '@cargohold/testing';
import { Actor, IamErrorCode, ON_REST, ProjectAccess } from './domain';
import { IamContext } from './iam-context';
import { IamServices } from './iam-services';

const ORIGIN = { ipAddress: null };
const ALL = ['pull', 'push', 'delete'];
const PULL = ['pull'];
const NONE: string[] = [];

/**
 * RegistryPermissionService against a real PostgreSQL with the real migrations: every credential kind against
 * projects of every visibility and registry setting, fixtures made through the iam services and credentials
 * authenticated as the token service does. The decisions are compared with the contract's table, the batch with
 * the single-project answers, and the REST levels with AccessService's; the batch must be one statement.
 */
describe('RegistryPermissionService (PostgreSQL)', () => {
  let database: TestDatabase;
  let dataSource: DataSource;
  let iam: IamServices;
  const ids: Record<string, number> = {};
  const actors: Record<string, Actor | null> = { anonymous: null };
  const paths = [
    'acme/private-app',
    'acme/internal-app',
    'acme/public-app',
    'acme/locked',
    'acme/off',
    'acme/doomed',
    'acme/sub/deep',
    'owner/own',
  ];

  const userActor = (name: string, isAdmin = false): Actor => ({ kind: 'user', userId: ids[name], username: name, isAdmin, scopes: null });
  const login = async (username: string, secret: string): Promise<Actor> => {
    const actor = await iam.credentials.authenticateBasic(username, secret);
    if (!actor) throw new Error(`${username} could not authenticate`);
    return actor;
  };
  /** Counts the statements `work` sends through the services' EntityManager. */
  const statements = countStatements;

  beforeAll(async () => {
    database = await createTestDatabase('ch_int');
    await runMigrations(database.url);
    dataSource = await createDataSource(database.url, { poolSize: 2, applicationName: 'cargohold-integration' }).initialize();
    iam = new IamServices(new IamContext(dataSource, { publicUrl: 'http://registry.test', jobTimeoutSeconds: 600 }));

    for (const name of ['root', 'owner', 'guest', 'reporter', 'developer', 'lapsed', 'blocked', 'inheritor', 'stranger']) {
      ids[name] = (await dataSource.transaction((db) => iam.users.createInTransaction(db, { username: name, isAdmin: name === 'root' }))).id;
    }
    const owner = userActor('owner');
    const acme = await iam.groups.create(owner, { name: 'Acme', path: 'acme', visibility: 'public' });
    const sub = await iam.groups.create(owner, { name: 'Sub', path: 'sub', parentId: acme.id, visibility: 'private' });
    ids.acme = acme.id;
    const projects: Array<[string, 'private' | 'internal' | 'public', number | undefined, ('enabled' | 'private' | 'disabled')?]> = [
      ['private-app', 'private', acme.id],
      ['internal-app', 'internal', acme.id],
      ['public-app', 'public', acme.id],
      ['locked', 'public', acme.id, 'private'],
      ['off', 'public', acme.id, 'disabled'],
      ['doomed', 'public', acme.id],
      ['deep', 'private', sub.id],
      ['own', 'private', undefined],
    ];
    for (const [path, visibility, namespaceId, containerRegistryAccessLevel] of projects) {
      const project = await iam.projects.create(owner, { path, visibility, namespaceId, containerRegistryAccessLevel });
      ids[project.fullPath] = project.id;
    }
    const member = (path: string, name: string, level: number) =>
      iam.members.add(owner, { kind: 'project', ref: ids[path] }, { userId: ids[name], accessLevel: level }, ORIGIN);
    for (const path of ['acme/private-app', 'acme/internal-app', 'acme/locked']) await member(path, 'guest', 10);
    for (const path of ['acme/private-app', 'acme/locked']) await member(path, 'reporter', 20);
    for (const path of ['acme/private-app', 'acme/internal-app', 'acme/off']) await member(path, 'developer', 30);
    await member('acme/private-app', 'lapsed', 30);
    await member('acme/private-app', 'blocked', 30);
    await iam.members.add(owner, { kind: 'group', ref: acme.id }, { userId: ids.inheritor, accessLevel: 40 }, ORIGIN);
    await database.query(`UPDATE members SET expires_at = current_date - 1 WHERE user_id = $1`, [ids.lapsed]);
    await database.query(`UPDATE projects SET delete_requested_at = now() WHERE id = $1`, [ids['acme/doomed']]);

    const root = userActor('root', true);
    const pat = async (name: string, scopes: string[]) =>
      (await iam.personalAccessTokens.createForUser(root, ids[name], { name: scopes.join('+'), scopes, expiresAt: '2999-01-01' }, ORIGIN)).token;
    Object.assign(actors, {
      root,
      owner,
      guest: userActor('guest'),
      reporter: userActor('reporter'),
      developer: userActor('developer'),
      lapsed: userActor('lapsed'),
      blocked: userActor('blocked'),
      inheritor: userActor('inheritor'),
      stranger: userActor('stranger'),
      'developer read_registry': await login('any', await pat('developer', ['read_registry'])),
      'root api': await login('root', await pat('root', ['api'])),
    });
    const resourceToken = async (kind: 'project' | 'group', ref: number, accessLevel: number, scopes: string[]) =>
      (await iam.resourceAccessTokens.create(owner, { kind, ref }, { name: 'bot', scopes, expiresAt: '2999-01-01', accessLevel }, ORIGIN)).token;
    actors['project bot'] = await login('bot', await resourceToken('project', ids['acme/private-app'], 20, ['read_registry']));
    actors['group bot'] = await login('bot', await resourceToken('group', acme.id, 30, ['read_registry', 'write_registry']));
    const deployToken = async (kind: 'project' | 'group', ref: number, scopes: string[]) => {
      const token = await iam.deployTokens.create(owner, { kind, ref }, { name: 'deploy', scopes, expiresAt: null }, ORIGIN);
      return login(token.username, token.token);
    };
    actors['project deploy token'] = await deployToken('project', ids['acme/private-app'], ['read_registry']);
    actors['group deploy token'] = await deployToken('group', acme.id, ['read_registry', 'write_registry']);
    // The developer's job in private-app: internal-app allowlists that project, deep allowlists its group.
    actors.job = await login('gitlab-ci-token', (await iam.ciJobs.start(actors.developer, ids['acme/private-app'], {})).token);
    await iam.jobTokenScope.add(owner, ids['acme/internal-app'], ids['acme/private-app']);
    await iam.jobTokenScope.addGroup(owner, ids['acme/sub/deep'], acme.id);
    actors['maintainer job'] = await login('gitlab-ci-token', (await iam.ciJobs.start(actors.inheritor, ids['acme/public-app'], {})).token);
    // Blocked after its credential was accepted: memberships of users who are not active count for nothing.
    await database.query(`UPDATE users SET state = 'blocked' WHERE id = $1`, [ids.blocked]);
  }, 120_000);

  afterAll(async () => {
    await dataSource?.destroy();
    await database?.drop();
  });

  it('decides the contract’s roles table for every credential, with the role each acts with', async () => {
    // [actor, image path, credential, isAdmin, role, actions on /v2/]
    const table: Array<[string, string, string, boolean, number, string[]]> = [
      ['anonymous', 'acme/public-app', 'anonymous', false, 0, PULL],
      ['anonymous', 'acme/internal-app/img', 'anonymous', false, 0, NONE],
      ['anonymous', 'acme/locked', 'anonymous', false, 0, NONE],
      ['anonymous', 'acme/doomed', 'anonymous', false, 0, PULL],
      ['owner', 'acme/private-app/a/b', 'password', false, 50, ALL],
      ['owner', 'owner/own', 'password', false, 50, ALL],
      ['owner', 'acme/off', 'password', false, 50, NONE],
      ['owner', 'acme/doomed', 'password', false, 50, PULL],
      ['guest', 'acme/private-app', 'password', false, 10, NONE],
      ['guest', 'acme/internal-app', 'password', false, 10, PULL],
      ['guest', 'acme/public-app', 'password', false, 0, PULL],
      ['guest', 'acme/locked', 'password', false, 10, NONE],
      ['reporter', 'acme/private-app', 'password', false, 20, PULL],
      ['reporter', 'acme/locked', 'password', false, 20, PULL],
      ['developer', 'acme/private-app', 'password', false, 30, ALL],
      ['developer', 'acme/off', 'password', false, 30, NONE],
      ['developer read_registry', 'acme/private-app', 'personal_access_token', false, 30, PULL],
      ['lapsed', 'acme/private-app', 'password', false, 0, NONE],
      ['lapsed', 'acme/public-app', 'password', false, 0, PULL],
      ['blocked', 'acme/private-app', 'password', false, 0, NONE],
      ['inheritor', 'acme/sub/deep/img', 'password', false, 40, ALL],
      ['stranger', 'acme/private-app', 'password', false, 0, NONE],
      ['stranger', 'acme/internal-app', 'password', false, 0, PULL],
      ['stranger', 'acme/locked', 'password', false, 0, NONE],
      ['stranger', 'owner/own', 'password', false, 0, NONE],
      ['root', 'owner/own', 'password', true, 50, ALL],
      ['root', 'acme/off', 'password', true, 50, NONE],
      ['root api', 'acme/sub/deep', 'personal_access_token', true, 50, ALL],
      ['project bot', 'acme/private-app', 'resource_access_token', false, 20, PULL],
      ['project bot', 'acme/internal-app', 'resource_access_token', false, 0, NONE],
      ['project bot', 'acme/public-app', 'resource_access_token', false, 0, PULL],
      ['group bot', 'acme/sub/deep', 'resource_access_token', false, 30, ALL],
      ['group bot', 'owner/own', 'resource_access_token', false, 0, NONE],
      ['project deploy token', 'acme/private-app', 'deploy_token', false, 30, PULL],
      ['project deploy token', 'acme/public-app', 'deploy_token', false, 0, NONE],
      ['group deploy token', 'acme/sub/deep', 'deploy_token', false, 30, ALL],
      ['group deploy token', 'acme/locked', 'deploy_token', false, 30, ALL],
      ['group deploy token', 'acme/off', 'deploy_token', false, 30, NONE],
      ['group deploy token', 'owner/own', 'deploy_token', false, 0, NONE],
      ['job', 'acme/private-app/build', 'job_token', false, 30, ALL],
      ['job', 'acme/internal-app', 'job_token', false, 30, PULL],
      ['job', 'acme/public-app', 'job_token', false, 0, NONE],
      ['job', 'acme/sub/deep', 'job_token', false, 0, NONE],
      ['maintainer job', 'acme/public-app', 'job_token', false, 30, ALL],
    ];
    const mismatches: string[] = [];
    for (const [name, path, credential, isAdmin, role, actions] of table) {
      const access = await iam.registryPermissions.effectiveAccess(actors[name], path);
      const expected = { projectId: ids[path.split('/').slice(0, path.startsWith('acme/sub/') ? 3 : 2).join('/')], credential, isAdmin, role, actions };
      if (JSON.stringify(access) !== JSON.stringify(expected)) mismatches.push(`${name} on ${path}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(access)}`);
    }
    expect(mismatches).toEqual([]);
    expect(await iam.registryPermissions.effectiveAccess(actors.owner, 'acme/nope')).toBeNull();
    expect(await iam.registryPermissions.effectiveAccess(actors.owner, 'acme/private-app/a/b/c')).toBeNull();
    expect(await iam.registryPermissions.actionsFor(actors.reporter, 'acme/private-app')).toEqual({ projectId: ids['acme/private-app'], actions: PULL });
  });

  it('answers a list of projects in one statement, exactly as project by project and path by path', async () => {
    const projectIds = paths.map((path) => ids[path]);
    for (const [name, actor] of Object.entries(actors)) {
      for (const options of [undefined, ON_REST]) {
        const { result: batch, count } = await statements(() => iam.registryPermissions.effectiveAccessToProjects(actor, [...projectIds, 999_999], options));
        expect({ name, count }).toEqual({ name, count: 1 });
        expect([...batch.keys()].sort()).toEqual([...projectIds].sort());
        for (const path of paths) {
          const single = await iam.registryPermissions.effectiveAccessToProject(actor, ids[path], options);
          const byPath = await iam.registryPermissions.effectiveAccess(actor, path, options);
          expect({ name, path, single, byPath }).toEqual({ name, path, single: batch.get(ids[path]), byPath: batch.get(ids[path]) });
        }
      }
    }
    expect(await iam.registryPermissions.effectiveAccessToProject(actors.owner, 999_999)).toBeNull();
  });

  it('lets REST scopes alone decide on /api/v4: registry scopes do not cap there', async () => {
    const readOnly = actors['developer read_registry'];
    expect((await iam.registryPermissions.effectiveAccessToProject(readOnly, ids['acme/private-app']))?.actions).toEqual(PULL);
    expect((await iam.registryPermissions.effectiveAccessToProject(readOnly, ids['acme/private-app'], ON_REST))?.actions).toEqual(ALL);
  });

  it('gives REST levels in one statement, the same as AccessService.projectLevel project by project', async () => {
    const projectIds = paths.map((path) => ids[path]);
    for (const [name, actor] of Object.entries(actors)) {
      const { result: levels, count } = await statements(() => iam.registryPermissions.restLevels(actor, projectIds));
      expect({ name, count: Math.min(count, 1) }).toEqual({ name, count: actor === null || actor.kind === 'deploy_token' ? 0 : 1 });
      expect(count).toBeLessThanOrEqual(1);
      for (const path of paths) {
        const project = (await iam.access.findProject(ids[path]))!;
        expect({ name, path, level: levels.get(ids[path]) }).toEqual({ name, path, level: await iam.access.projectLevel(actor, project) });
      }
    }
    // A job token counts with its starter's full level on its own project on /api/v4 (GitLab's job token API).
    expect((await iam.registryPermissions.restLevels(actors['maintainer job'], [ids['acme/public-app']])).get(ids['acme/public-app'])).toBe(40);
  });

  it('lists the readable projects of a group as the catalog filter does, in one statement', async () => {
    const within = await iam.projects.idsWithinGroup(ids.acme);
    for (const [name, actor] of Object.entries(actors)) {
      if (actor?.kind === 'deploy_token' || actor?.kind === 'job') continue; // not REST credentials on group routes
      // The set-based catalog filter does not look at the user's state (a blocked user cannot authenticate anyway).
      if (name === 'blocked') continue;
      const visible = await iam.registryPermissions.visibleProjectIds(actor, ON_REST);
      const expected = within.filter((id) => visible === undefined || visible.includes(id)).sort((a, b) => a - b);
      const { result, count } = await statements(() => iam.registryPermissions.readableProjectIdsWithinGroup(actor, ids.acme));
      expect({ name, readable: result, count }).toEqual({ name, readable: expected, count: 1 });
    }
  });

  it('filters the catalog of a job token by its allowlist in one batch', async () => {
    expect(await iam.registryPermissions.visibleProjectIds(actors.job)).toEqual([ids['acme/private-app'], ids['acme/internal-app']]);
    expect(await iam.registryPermissions.visibleProjectIds(actors['group deploy token'])).toEqual(
      (await iam.projects.idsWithinGroup(ids.acme)).filter((id) => id !== ids['acme/off']),
    );
  });

  it('refuses REST callers with NOT_FOUND for what they cannot see and FORBIDDEN for what they may not do', async () => {
    const outcome = async (name: string, path: string, need: 'read' | 'destroy' | 'admin') =>
      iam.registryPermissions.requireProject(actors[name], ids[path], need).then(
        ({ level }) => level,
        (error: { code: IamErrorCode }) => error.code,
      );
    expect(await outcome('stranger', 'acme/private-app', 'read')).toBe(IamErrorCode.NOT_FOUND);
    expect(await outcome('guest', 'acme/private-app', 'read')).toBe(IamErrorCode.FORBIDDEN);
    expect(await outcome('reporter', 'acme/private-app', 'read')).toBe(20);
    expect(await outcome('reporter', 'acme/private-app', 'destroy')).toBe(IamErrorCode.FORBIDDEN);
    expect(await outcome('developer', 'acme/private-app', 'destroy')).toBe(30);
    expect(await outcome('developer', 'acme/private-app', 'admin')).toBe(IamErrorCode.FORBIDDEN);
    expect(await outcome('inheritor', 'acme/private-app', 'admin')).toBe(40);
    expect(await outcome('root', 'acme/off', 'read')).toBe(IamErrorCode.FORBIDDEN);
    expect(await outcome('anonymous', 'acme/public-app', 'read')).toBe(0);
    const missing = new Error('missing');
    await expect(iam.registryPermissions.requireProjectById(actors.stranger, ids['acme/private-app'], 'read', () => missing)).rejects.toBe(missing);
    await expect(iam.registryPermissions.requireProjectById(actors.stranger, 999_999, 'read', () => missing)).rejects.toBe(missing);
    await expect(iam.registryPermissions.requireProjectById(actors.developer, ids['acme/private-app'], 'destroy', () => missing)).resolves.toMatchObject({ level: 30 });
  });

  it('takes everything from a job token once its job finished', async () => {
    const job = actors.job!;
    const before: ProjectAccess | null = await iam.registryPermissions.effectiveAccessToProject(job, ids['acme/private-app']);
    expect(before?.actions).toEqual(ALL);
    await iam.ciJobs.finish(actors.developer, ids['acme/private-app'], job.job!.id);
    expect(await iam.registryPermissions.effectiveAccessToProject(job, ids['acme/private-app'])).toMatchObject({ role: 0, actions: NONE });
    expect(await iam.registryPermissions.visibleProjectIds(job)).toEqual([]);
  });
});
