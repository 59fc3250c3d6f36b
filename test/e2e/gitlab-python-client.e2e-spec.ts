import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { createTestDatabase, RegistrySession, startPlatform, TestDatabase, TestPlatform } from '@cargohold/testing';
import { BOOTSTRAP_TOKEN } from './iam-rest-client';
import { pushImage } from './reliability-support';
import { waitFor } from './registry-management-fixtures';

/**
 * Debian's python-gitlab (3.12, `apt-get install python3-gitlab`) drives the REST API unchanged: the scripts in
 * test/e2e/python print what they observed as JSON and exit non-zero on any exception python-gitlab raises
 * (a charset on Content-Type, a refused `True`, a field of the wrong shape, a missing endpoint).
 */

// Debian's package installs into the system interpreter's dist-packages; a python3 earlier on PATH (pyenv, venv)
// would not see it.
const PYTHON = '/usr/bin/python3';
const SCRIPT = path.join(__dirname, 'python', 'gitlab_script.py');
/** A date as the server counts them (UTC), as YYYY-MM-DD. */
const inDays = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);
const ROOT_VERSION = JSON.parse(readFileSync(path.join(__dirname, '..', '..', 'package.json'), 'utf8')).version as string;

function runScript(phase: string, env: Record<string, string>): Promise<any> {
  return new Promise((resolve, reject) => {
    execFile(PYTHON, ['-W', 'error::UserWarning', SCRIPT, phase], { env: { PATH: process.env.PATH ?? '', ...env }, timeout: 30_000 }, (error, stdout, stderr) => {
      if (error) reject(new Error(`python-gitlab ${phase} failed (${error.code ?? error.signal}):\n${stderr}`));
      else resolve(JSON.parse(stdout));
    });
  });
}

describe('python-gitlab 3.12 against the REST API', () => {
  let db: TestDatabase;
  let platform: TestPlatform;
  let env: Record<string, string>;

  beforeAll(async () => {
    db = await createTestDatabase();
    platform = await startPlatform({ databaseUrl: db.url, worker: true, env: { BOOTSTRAP_ADMIN_TOKEN: BOOTSTRAP_TOKEN } });
    env = { GITLAB_URL: platform.url, GITLAB_TOKEN: BOOTSTRAP_TOKEN, PROJECT_PATH: 'team/backend/api' };
  });

  afterAll(async () => {
    await platform?.stop();
    await db?.drop();
  });

  it('auth, version, groups and subgroups, projects, members, every token kind and namespaces', async () => {
    const out = await runScript('setup', env);

    expect(out.python_gitlab).toMatch(/^3\./);
    expect(out.auth).toEqual({ username: 'root', is_admin: true });
    expect(out.version[0]).toBe(ROOT_VERSION);
    expect(out.version[1]).not.toBe('unknown');

    expect(out.subgroup).toMatchObject({ full_path: 'team/backend', same: true });
    expect(out.project_api.path_with_namespace).toBe('team/backend/api');
    expect(out.project_get).toEqual({ by_id: 'team/backend/api', by_path_id: out.project_api.id });
    expect(out.team_subgroups).toEqual(['Backend']);
    expect(out.team_descendants).toEqual(['team/backend']);
    expect(out.team_projects_direct).toEqual(['team/web']);
    expect(out.team_projects_all).toEqual(['team/backend/api', 'team/web']);
    expect(out.owned_projects).toEqual(['team/backend/api', 'team/web']);
    expect(out.pagination).toEqual({
      total: 2,
      total_pages: 2,
      iterated: ['team/backend/api', 'team/web'],
      get_all: ['team/backend/api', 'team/web'],
      filtered: ['team/backend/api', 'team/web'],
    });

    expect(out.project_members).toEqual([{ username: 'alice', access_level: 30 }]);
    expect(out.group_members).toEqual([{ username: 'alice', access_level: 40 }]);
    expect(out.users_by_username).toEqual(['alice']);
    expect(out.bob_after_save).toBe(30);
    expect(out.web_members_after_delete).not.toContain('bob');
    expect(out.dated_member).toEqual({ created: '2999-12-31', get: '2999-12-31' });
    expect(out.team_members_all).toEqual(expect.arrayContaining(['alice', 'root']));
    expect(out.personal_project).toEqual({ path: 'my-tool', path_with_namespace: 'root/my-tool', namespace_kind: 'user' });
    expect(out.user_search).toEqual(['alice']);
    expect(out.top_level_groups).toEqual(['team']);
    expect(out.namespace_search).toEqual(['team/backend']);
    expect(out.current_user).toEqual({ username: 'root', id_matches: true });
    expect(out.user_get).toBe('bob');
    expect(out.bob_block).toEqual([true, 'blocked', true, 'active']);
    expect(out.group_search).toEqual(['team/backend']);
    expect(out.project_search).toEqual(['team/web']);
    expect(out.settings_allow_local).toBe(true);
    expect(out.hook).toEqual({ url: 'http://127.0.0.1:9/registry2', listed: 1, after_delete: 0 });
    // members_all: alice's highest level is the Maintainer she inherits from the parent group.
    expect(out.project_members_all).toContainEqual({ username: 'alice', access_level: 40 });
    expect(out.alice_effective).toBe(40);

    // Revoked access tokens stay listed, as in GitLab, with active false and revoked true.
    const revoked = (name: string) => [{ name, active: false, revoked: true }];
    expect(out.pat).toEqual({
      name: 'alice-ci',
      scopes: ['api', 'read_registry'],
      user: 'alice',
      listed: ['alice-ci'],
      listed_by_admin: true,
      after_delete: revoked('alice-ci'),
    });
    expect(out.project_access_token).toEqual({
      name: 'api-bot',
      access_level: 40,
      sees: 'team/backend/api',
      listed: ['api-bot'],
      after_delete: revoked('api-bot'),
    });
    expect(out.group_access_token).toEqual({ name: 'team-bot', sees: 'team/backend/api', listed: ['team-bot'], after_delete: revoked('team-bot') });
    for (const kind of ['project', 'group']) {
      const { after_delete: afterDelete, ...created } = out.deploy_tokens[kind];
      expect(created).toEqual({ name: `${kind}-deploy`, username: `${kind}-puller`, scopes: ['read_registry'], has_secret: true, listed: [`${kind}-deploy`] });
      // GitLab removes a deleted deploy token: it leaves the list.
      expect(afterDelete).toEqual([]);
    }

    // GET /deploy_tokens (administrators): no token left usable after the deletes above.
    expect(out.instance_deploy_tokens).toEqual([]);
    expect(out.group_after_save).toEqual({ name: 'Team', full_path: 'team', policy_keep_n: 10 });
    expect(out.audit_events).toEqual({ project: true, group: true, instance: true });
    expect(out.namespaces).toEqual(expect.arrayContaining(['alice', 'root', 'team', 'team/backend']));
    expect(out.namespace_get).toBe('group');
    expect(out.errors).toEqual({
      missing_project: { type: 'GitlabGetError', code: 404, message: '404 Project Not Found' },
      duplicate_group: expect.objectContaining({ type: 'GitlabCreateError', code: 400 }),
      bad_token: { type: 'GitlabAuthenticationError', code: 401, message: '401 Unauthorized' },
    });
    expect(out.team_projects_after_delete).toEqual(['team/backend/api']);
  });

  it('registry repositories and tags, tag delete, delete_in_bulk, project.save() with the cleanup policy and the edit fields, statistics, events', async () => {
    const registry = new RegistrySession(platform.url, { username: 'root', password: BOOTSTRAP_TOKEN });
    for (const tag of ['latest', 'v1', 'v2', 'v3', 'v4']) {
      await pushImage(platform.url, 'team/backend/api', tag, registry.fetch);
    }
    await pushImage(platform.url, 'team/backend/api/worker', 'v1', registry.fetch);
    // Distinct creation times, so keep_n keeps a known tag: v4 is the newest.
    const ages: Record<string, number> = { latest: 50, v1: 40, v2: 30, v3: 20, v4: 10 };
    for (const [name, minutes] of Object.entries(ages)) {
      await db.query(`UPDATE tags SET created_at = now() - make_interval(mins => $2), updated_at = now() - make_interval(mins => $2) WHERE name = $1`, [name, minutes]);
    }

    const out = await runScript('registry', env);
    expect(out.repositories).toEqual([
      { path: 'team/backend/api', tags_count: 5, tags: ['latest', 'v1', 'v2', 'v3', 'v4'] },
      { path: 'team/backend/api/worker', tags_count: 1, tags: ['v1'] },
    ]);
    expect(out.repository_get).toEqual({ path: 'team/backend/api', size_positive: true });
    expect(out.group_repositories).toEqual(['team/backend/api', 'team/backend/api/worker']);
    expect(out.tags).toEqual(['latest', 'v1', 'v2', 'v3', 'v4']);
    expect(out.tag_v1.name).toBe('v1');
    expect(out.tag_v1.digest).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(out.tag_v1.total_size).toBeGreaterThan(0);
    expect(out.tags_after_delete).toEqual(['latest', 'v2', 'v3', 'v4']);
    expect(out.policy).toEqual({ enabled: true, cadence: '1d', keep_n: 5, older_than: '14d', name_regex: '.*' });
    expect(out.project_edit).toEqual({
      saved: { name: 'API service', path: 'api', description: 'The backend API' },
      name: 'API service',
      description: 'The backend API',
      visibility: 'internal',
      container_registry_access_level: 'private',
      policy_kept: 5,
    });
    expect(out.statistics.container_registry_size).toBeGreaterThan(0);
    expect(out.statistics.storage_size).toBe(out.statistics.container_registry_size);
    expect(out.events).toEqual(expect.arrayContaining([['pushed to', 'root'], ['deleted', 'root']]));
    expect(out.user_events).toEqual(expect.arrayContaining(['pushed to', 'deleted']));
    expect(out.pushed_events).toEqual(['deleted', 'pushed to']);

    // delete_in_bulk and the repository delete are asynchronous (202, the worker applies them): keep_n=1 keeps v4,
    // latest is never bulk deleted.
    const left = await waitFor('the worker to apply delete_in_bulk and the repository delete', async () => {
      const state = await runScript('left', env);
      return state.tags.length === 2 && state.repositories.length === 1 ? state : undefined;
    });
    expect(left).toEqual({ repositories: ['team/backend/api'], tags: ['latest', 'v4'] });
  });

  it('token rotation through http_post (3.12 has no rotate method): the old token 401, the new one with the same scopes, expiry bounded by the rotating token', async () => {
    const out = await runScript('rotate', env);
    // The script counts days in UTC as the server does; a run across midnight would shift every date together.
    expect(out.today).toBe(inDays(0));

    // Rotated by the bootstrap token (never expires): GitLab's default week.
    expect(out.pat).toEqual({
      name: 'alice-rotating',
      scopes: ['api', 'read_registry'],
      expires_at: inDays(7),
      new_id: true,
      old_status: 401,
      new_status: 200,
      self_scopes: ['api', 'read_registry'],
      user: 'alice',
    });
    expect(out.pat_dated).toEqual({ expires_at: inDays(3), previous_status: 401 });
    // Self-rotation never outlives the rotating token: a later date is refused, the default week cut back.
    // python-gitlab hands GitLab's field-error shape over as parsed: error_message is the "message" object.
    expect(out.pat_self_later).toEqual({ code: 400, message: { expires_at: [`cannot be later than the expiry of the token used for this request (${inDays(3)})`] } });
    expect(out.pat_self).toEqual({ name: 'alice-rotating', scopes: ['api', 'read_registry'], expires_at: inDays(3), previous_status: 401, new_status: 200 });
    // Each rotation leaves its predecessor listed as revoked; one is left active.
    expect(out.pat_listed).toEqual([
      { name: 'alice-rotating', active: false, revoked: true },
      { name: 'alice-rotating', active: false, revoked: true },
      { name: 'alice-rotating', active: false, revoked: true },
      { name: 'alice-rotating', active: true, revoked: false },
    ]);

    for (const kind of ['project', 'group']) {
      expect(out[kind]).toEqual({
        name: `${kind}-rotating`,
        scopes: ['read_api', 'read_registry'],
        expires_at: inDays(7),
        new_id: true,
        old_status: 401,
        new_status: 200,
        access_level: 20,
        sees: 'team/backend/api',
        // Rotated again by root's token that expires in 5 days: the week is cut back to it.
        by_short_token: { expires_at: inDays(5), scopes: ['read_api', 'read_registry'], previous_status: 401 },
        listed: [
          { name: `${kind}-rotating`, active: false, revoked: true },
          { name: `${kind}-rotating`, active: false, revoked: true },
          { name: `${kind}-rotating`, active: true, revoked: false },
        ],
      });
    }
  });
});
