import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { buildOciLayout, createTestDatabase, Credentials, eventually, RegistrySession, runClient, startPlatform, TestDatabase, TestPlatform } from '@cargohold/testing';
import { enc, RestClient } from './iam-rest-client';
import { pushImage } from './reliability-support';

const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';

/**
 * Protected and immutable tags, protected repositories (issue #19): GitLab's rule APIs, and enforcement for every
 * kind of credential with real skopeo against the built api, worker and a real PostgreSQL. One platform for the
 * whole file; each test works in its own project.
 */
describe('registry protection rules', () => {
  let db: TestDatabase;
  let platform: TestPlatform;
  let api: RestClient;
  let work: string;
  let host: string;
  const admin = () => ({ token: platform.adminToken });

  beforeAll(async () => {
    db = await createTestDatabase();
    platform = await startPlatform({ databaseUrl: db.url, env: { PULL_RATE_LIMIT_AUTHENTICATED: '0', GC_REVIEW_DELAY: '3600' } });
    api = new RestClient(platform.url);
    host = `127.0.0.1:${platform.port}`;
    work = mkdtempSync(path.join(tmpdir(), 'protect-'));
  }, 60_000);

  afterAll(async () => {
    await platform?.stop();
    await db?.drop();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  /** A group `group` with a private project `app`; returns the project id. */
  async function project(group: string): Promise<number> {
    const created = await api.post('/groups', admin(), { name: group, path: group, visibility: 'private' });
    expect(created.status).toBe(201);
    const app = await api.post('/projects', admin(), { namespace_id: created.body.id, path: 'app', name: 'app', visibility: 'private' });
    expect(app.status).toBe(201);
    return app.body.id;
  }

  async function user(username: string, projectId: number | null, level: number, groupId?: number): Promise<{ id: number; creds: Credentials; rest: { token: string } }> {
    const created = await api.createUser(admin(), username);
    if (projectId !== null) expect((await api.post(`/projects/${projectId}/members`, admin(), { user_id: created.id, access_level: level })).status).toBe(201);
    if (groupId !== undefined) expect((await api.post(`/groups/${groupId}/members`, admin(), { user_id: created.id, access_level: level })).status).toBe(201);
    // createUser's password: skopeo logs in with it; the REST API takes the api-scoped token.
    return { id: created.id, creds: { username, password: 'password-1234' }, rest: { token: created.token } };
  }

  /** A one-layer image in an OCI layout, distinct each time (its own manifest digest). */
  function layout(name: string): string {
    return buildOciLayout(path.join(work, name), 'x', [{ layers: [{ 'f.txt': randomBytes(64) }] }]).dir;
  }

  const skopeoPush = (dir: string, ref: string, creds: Credentials) =>
    runClient('skopeo', ['copy', '--retry-times', '0', '--dest-tls-verify=false', '--dest-creds', `${creds.username}:${creds.password}`, `oci:${dir}:x`, `docker://${host}/${ref}`]);
  const skopeoDelete = (ref: string, creds: Credentials) =>
    runClient('skopeo', ['delete', '--retry-times', '0', '--tls-verify=false', '--creds', `${creds.username}:${creds.password}`, `docker://${host}/${ref}`]);
  const outcome = async (work: Promise<unknown>): Promise<string> => {
    try {
      await work;
      return 'ok';
    } catch (error) {
      // skopeo quotes the registry's message inside its own: `msg="... denied: tag \"v1\" is immutable"`.
      const text = (error as Error).message.replace(/\\+"/g, '"');
      return text.match(/(tag|repository) "[^"]+" is (protected: \w+ requires \w+|immutable)/)?.[0] ?? `failed: ${text.slice(-300)}`;
    }
  };

  it('manages tag and repository rules with GitLab\'s shapes, validation and limits', async () => {
    const projectId = await project('rules');
    const base = `/projects/${projectId}/registry/protection/tag/rules`;
    const maintainer = await user('rules-maintainer', projectId, 40);
    const developer = await user('rules-developer', projectId, 30);

    const created = await api.post(base, maintainer.rest, { tag_name_pattern: '^v.+', minimum_access_level_for_push: 'maintainer', minimum_access_level_for_delete: 'maintainer' });
    expect(created).toMatchObject({
      status: 201,
      body: { project_id: projectId, tag_name_pattern: '^v.+', minimum_access_level_for_push: 'maintainer', minimum_access_level_for_delete: 'maintainer', immutable: false },
    });
    expect((await api.get(base, maintainer.rest)).body).toEqual([created.body]);
    // Developers neither list nor change rules; an unknown project is 404.
    expect((await api.get(base, developer.rest)).status).toBe(403);
    expect((await api.post(base, developer.rest, { tag_name_pattern: 'x' })).status).toBe(403);
    expect((await api.get('/projects/999999/registry/protection/tag/rules', admin())).status).toBe(404);

    // Validation: a missing pattern and a bad level are 400; a taken, invalid or too long pattern 422.
    expect(await api.post(base, maintainer.rest, {})).toMatchObject({ status: 400, body: { error: 'tag_name_pattern is missing' } });
    expect(await api.post(base, maintainer.rest, { tag_name_pattern: 'a', minimum_access_level_for_push: 'developer' })).toMatchObject({
      status: 400,
      body: { error: 'minimum_access_level_for_push does not have a valid value' },
    });
    expect(await api.post(base, maintainer.rest, { tag_name_pattern: '^v.+' })).toMatchObject({ status: 422, body: { message: { tag_name_pattern: ['has already been taken'] } } });
    const invalid = await api.post(base, maintainer.rest, { tag_name_pattern: 'v(' });
    expect(invalid.status).toBe(422);
    expect(invalid.body.message.tag_name_pattern[0]).toMatch(/valid RE2 regular expression/);
    expect((await api.post(base, maintainer.rest, { tag_name_pattern: 'a'.repeat(101) })).status).toBe(422);
    // A Maintainer cannot make a rule only Owners could change again.
    expect((await api.post(base, maintainer.rest, { tag_name_pattern: 'o', minimum_access_level_for_push: 'owner' })).status).toBe(403);

    // At most five rules per project.
    for (const pattern of ['a', 'b', 'c', 'd']) expect((await api.post(base, admin(), { tag_name_pattern: pattern, minimum_access_level_for_push: 'owner' })).status).toBe(201);
    expect((await api.post(base, admin(), { tag_name_pattern: 'e', minimum_access_level_for_push: 'owner' })).status).toBe(422);

    // PATCH: a field at a time, "" unsets; an immutable rule (both unset) takes an Owner to change or delete.
    const patched = await api.request('PATCH', `${base}/${created.body.id}`, maintainer.rest, { minimum_access_level_for_delete: '' });
    expect(patched).toMatchObject({ status: 200, body: { tag_name_pattern: '^v.+', minimum_access_level_for_push: 'maintainer', minimum_access_level_for_delete: null } });
    const immutable = await api.request('PATCH', `${base}/${created.body.id}`, maintainer.rest, { minimum_access_level_for_push: '' });
    expect(immutable.body).toMatchObject({ immutable: true, minimum_access_level_for_push: null, minimum_access_level_for_delete: null });
    expect((await api.delete(`${base}/${created.body.id}`, maintainer.rest)).status).toBe(403);
    expect((await api.delete(`${base}/${created.body.id}`, admin())).status).toBe(204);
    expect((await api.delete(`${base}/${created.body.id}`, admin())).status).toBe(404);

    // Repository rules: the pattern starts with the project's path; one level at least.
    const repoBase = `/projects/${enc('rules/app')}/registry/protection/repository/rules`;
    const repoRule = await api.post(repoBase, maintainer.rest, { repository_path_pattern: 'rules/app/prod/*', minimum_access_level_for_push: 'maintainer' });
    expect(repoRule).toMatchObject({ status: 201, body: { project_id: projectId, repository_path_pattern: 'rules/app/prod/*', minimum_access_level_for_push: 'maintainer', minimum_access_level_for_delete: null } });
    expect((await api.post(repoBase, maintainer.rest, { repository_path_pattern: 'other/app/*', minimum_access_level_for_push: 'maintainer' })).status).toBe(422);
    expect((await api.post(repoBase, maintainer.rest, { repository_path_pattern: 'rules/app/dev/*' })).status).toBe(400);
    expect((await api.request('PATCH', `${repoBase}/${repoRule.body.id}`, maintainer.rest, { repository_path_pattern: 'rules/app/production/*' })).body).toMatchObject({
      repository_path_pattern: 'rules/app/production/*',
    });
    expect((await api.get(repoBase, maintainer.rest)).body).toHaveLength(1);

    // Every change is in the audit trail.
    const audited = await db.query(`SELECT event_name FROM audit_events WHERE event_name LIKE 'protection_rule_%' AND entity_id = $1 ORDER BY id`, [projectId]);
    expect(audited.map((row: { event_name: string }) => row.event_name)).toEqual([
      'protection_rule_created',
      ...Array(4).fill('protection_rule_created'),
      'protection_rule_updated',
      'protection_rule_updated',
      'protection_rule_deleted',
      'protection_rule_created',
      'protection_rule_updated',
    ]);
  }, 120_000);

  it('enforces push at Maintainer and delete at Owner for every kind of credential (skopeo)', async () => {
    const projectId = await project('matrix');
    const groupId = (await api.get('/groups/matrix', admin())).body.id;
    const developer = await user('m-developer', projectId, 30);
    const maintainer = await user('m-maintainer', projectId, 40);
    const owner = await user('m-owner', null, 50, groupId);
    const deploy = (await api.post(`/projects/${projectId}/deploy_tokens`, admin(), { name: 'ci', scopes: ['read_registry', 'write_registry'], expires_at: '2999-01-01' })).body;
    const job = await api.post(`/projects/${projectId}/ci/jobs`, maintainer.rest, { name: 'build' });
    expect(job.status).toBe(201);
    const projectBot = await api.post(`/projects/${projectId}/access_tokens`, admin(), { name: 'pbot', scopes: ['read_registry', 'write_registry'], access_level: 40, expires_at: '2999-01-01' });
    const groupBot = await api.post(`/groups/${groupId}/access_tokens`, admin(), { name: 'gbot', scopes: ['read_registry', 'write_registry'], access_level: 50, expires_at: '2999-01-01' });
    expect([projectBot.status, groupBot.status]).toEqual([201, 201]);
    const subjects: Record<string, Credentials> = {
      developer: developer.creds,
      maintainer: maintainer.creds,
      owner: owner.creds,
      admin: { username: 'root', password: platform.adminToken },
      'deploy-token': { username: deploy.username, password: deploy.token },
      'job-token': { username: 'gitlab-ci-token', password: job.body.token },
      'project-token': { username: 'pbot', password: projectBot.body.token },
      'group-token': { username: 'gbot', password: groupBot.body.token },
    };
    const rule = await api.post(`/projects/${projectId}/registry/protection/tag/rules`, owner.rest, {
      tag_name_pattern: '^v',
      minimum_access_level_for_push: 'maintainer',
      minimum_access_level_for_delete: 'owner',
    });
    expect(rule.status).toBe(201);

    const pushes: Record<string, string> = {};
    const deletes: Record<string, string> = {};
    const unprotected: Record<string, string> = {};
    for (const [name, creds] of Object.entries(subjects)) {
      pushes[name] = await outcome(skopeoPush(layout(`push-${name}`), `matrix/app:v1.0.0-${name}`, creds));
      unprotected[name] = await outcome(skopeoPush(layout(`free-${name}`), `matrix/app:latest-${name}`, creds));
      // Each subject deletes its own tag, pushed by the administrator on a manifest of its own (skopeo deletes by digest).
      await skopeoPush(layout(`del-${name}`), `matrix/app:v2.0.0-${name}`, subjects.admin);
      deletes[name] = await outcome(skopeoDelete(`matrix/app:v2.0.0-${name}`, creds));
    }
    const refusedPush = (tag: string) => `tag "${tag}" is protected: pushing requires Maintainer`;
    const refusedDelete = (tag: string) => `tag "${tag}" is protected: deleting requires Owner`;
    expect(pushes).toEqual({
      developer: refusedPush('v1.0.0-developer'),
      maintainer: 'ok',
      owner: 'ok',
      admin: 'ok',
      'deploy-token': refusedPush('v1.0.0-deploy-token'),
      'job-token': refusedPush('v1.0.0-job-token'),
      'project-token': 'ok',
      'group-token': 'ok',
    });
    expect(deletes).toEqual({
      developer: refusedDelete('v2.0.0-developer'),
      maintainer: refusedDelete('v2.0.0-maintainer'),
      owner: 'ok',
      admin: 'ok',
      'deploy-token': refusedDelete('v2.0.0-deploy-token'),
      'job-token': refusedDelete('v2.0.0-job-token'),
      'project-token': refusedDelete('v2.0.0-project-token'),
      'group-token': 'ok',
    });
    // Tags the rule does not cover are anybody's with push rights.
    expect(Object.values(unprotected)).toEqual(Array(8).fill('ok'));

    // What is left is exactly what the matrix allowed.
    const tags = (await db.query(`SELECT t.name FROM tags t JOIN repositories r ON r.id = t.repository_id WHERE r.path = 'matrix/app' AND t.name LIKE 'v%' ORDER BY t.name`)).map(
      (row: { name: string }) => row.name,
    );
    expect(tags).toEqual(
      [
        ...['maintainer', 'owner', 'admin', 'project-token', 'group-token'].map((n) => `v1.0.0-${n}`),
        ...['developer', 'maintainer', 'deploy-token', 'job-token', 'project-token'].map((n) => `v2.0.0-${n}`),
      ].sort(),
    );

    // The REST tag delete says the same, and the tag list tells each caller why.
    const repositoryId = (await api.get(`/projects/${projectId}/registry/repositories`, admin())).body[0].id;
    const restDelete = await api.delete(`/projects/${projectId}/registry/repositories/${repositoryId}/tags/v2.0.0-developer`, maintainer.rest);
    expect(restDelete).toMatchObject({ status: 403, body: { message: refusedDelete('v2.0.0-developer') } });
    const listed = await api.get(`/projects/${projectId}/registry/repositories/${repositoryId}/tags?per_page=100`, maintainer.rest);
    const byName = new Map(listed.body.map((tag: { name: string }) => [tag.name, tag]));
    expect(byName.get('v2.0.0-developer')).toMatchObject({
      protection: {
        minimum_access_level_for_push: 'maintainer',
        minimum_access_level_for_delete: 'owner',
        immutable: false,
        push_refused_reason: null,
        delete_refused_reason: refusedDelete('v2.0.0-developer'),
      },
    });
    expect(byName.get('latest-developer')).toMatchObject({ protection: null });
    const details = await api.get(`/projects/${projectId}/registry/repositories/${repositoryId}/tags/v2.0.0-developer`, owner.rest);
    expect(details.body.protection).toMatchObject({ delete_refused_reason: null });

    // Refusals are audited and go to webhooks.
    const refusals = await db.query(`SELECT event_name, details FROM audit_events WHERE event_name LIKE 'protected_%' AND entity_id = $1 ORDER BY id`, [projectId]);
    expect(refusals.filter((row: { event_name: string }) => row.event_name === 'protected_push_refused')).toHaveLength(3);
    expect(refusals.filter((row: { event_name: string }) => row.event_name === 'protected_delete_refused')).toHaveLength(6);
    expect(refusals[0].details).toMatchObject({ reason: 'protected', via: 'registry', message: refusedPush('v1.0.0-developer') });
  }, 300_000);

  it('immutable tags: no move and no delete for anyone, identical re-push and new tags accepted', async () => {
    const projectId = await project('frozen');
    const rules = `/projects/${projectId}/registry/protection/tag/rules`;
    const root = { username: 'root', password: platform.adminToken };
    const first = layout('frozen-1');
    const second = layout('frozen-2');
    await skopeoPush(first, 'frozen/app:v1.0.0', root);
    expect((await api.post(rules, admin(), { tag_name_pattern: '^v' })).body).toMatchObject({ immutable: true, minimum_access_level_for_push: null });
    const digestOf = async (tag: string) =>
      (await db.query(`SELECT m.digest FROM tags t JOIN manifests m ON m.id = t.manifest_id JOIN repositories r ON r.id = t.repository_id WHERE r.path = 'frozen/app' AND t.name = $1`, [tag]))[0]
        ?.digest;
    const original = await digestOf('v1.0.0');

    expect(await outcome(skopeoPush(second, 'frozen/app:v1.0.0', root))).toBe('tag "v1.0.0" is immutable');
    expect(await outcome(skopeoPush(first, 'frozen/app:v1.0.0', root))).toBe('ok');
    expect(await outcome(skopeoPush(second, 'frozen/app:v1.0.1', root))).toBe('ok');
    expect(await outcome(skopeoDelete('frozen/app:v1.0.0', root))).toBe('tag "v1.0.0" is immutable');
    expect(await digestOf('v1.0.0')).toBe(original);

    const session = new RegistrySession(platform.url, root);
    expect((await session.fetch('/v2/frozen/app/manifests/v1.0.0', { method: 'DELETE' })).status).toBe(403);
    const repositoryId = (await api.get(`/projects/${projectId}/registry/repositories`, admin())).body[0].id;
    expect(await api.delete(`/projects/${projectId}/registry/repositories/${repositoryId}/tags/v1.0.0`, admin())).toMatchObject({
      status: 403,
      body: { message: 'tag "v1.0.0" is immutable' },
    });
    const listed = await api.get(`/projects/${projectId}/registry/repositories/${repositoryId}/tags`, admin());
    expect(listed.body.find((tag: { name: string }) => tag.name === 'v1.0.0').protection).toMatchObject({
      immutable: true,
      delete_refused_reason: 'tag "v1.0.0" is immutable',
      push_refused_reason: 'tag "v1.0.0" is immutable',
    });
    expect(await digestOf('v1.0.0')).toBe(original);
    expect(await digestOf('v1.0.1')).toBeDefined();
  }, 120_000);

  it('repository rules: Developers may not push to prod/*, may push to dev/*', async () => {
    const projectId = await project('paths');
    const developer = await user('p-developer', projectId, 30);
    expect(
      (await api.post(`/projects/${projectId}/registry/protection/repository/rules`, admin(), { repository_path_pattern: 'paths/app/prod/*', minimum_access_level_for_push: 'maintainer' }))
        .status,
    ).toBe(201);
    expect(await outcome(skopeoPush(layout('paths-prod'), 'paths/app/prod/api:1', developer.creds))).toBe('repository "paths/app/prod/api" is protected: pushing requires Maintainer');
    expect(await outcome(skopeoPush(layout('paths-dev'), 'paths/app/dev/api:1', developer.creds))).toBe('ok');
    const maintainer = await user('p-maintainer', projectId, 40);
    expect(await outcome(skopeoPush(layout('paths-prod-2'), 'paths/app/prod/api:1', maintainer.creds))).toBe('ok');
  }, 120_000);

  it('bulk deletes, cleanup policies and repository deletes keep protected and immutable tags, and say so', async () => {
    const projectId = await project('keep');
    const maintainer = await user('k-maintainer', projectId, 40);
    const rules = `/projects/${projectId}/registry/protection/tag/rules`;
    expect((await api.post(rules, admin(), { tag_name_pattern: '^v' })).status).toBe(201);
    expect((await api.post(rules, admin(), { tag_name_pattern: '^rel-', minimum_access_level_for_delete: 'owner' })).status).toBe(201);
    const root = new RegistrySession(platform.url, { username: 'root', password: platform.adminToken });
    for (const repo of ['keep/app/bulk', 'keep/app/policy']) for (const tag of ['v1.0.0', 'rel-1', 'dev-1', 'dev-2']) await pushImage(platform.url, repo, tag, root.fetch);
    const repositories = (await api.get(`/projects/${projectId}/registry/repositories`, admin())).body as Array<{ id: number; path: string }>;
    const idOf = (repoPath: string) => repositories.find((r) => r.path === repoPath)!.id;
    const tagsOf = async (repo: string) =>
      (await db.query(`SELECT t.name FROM tags t JOIN repositories r ON r.id = t.repository_id WHERE r.path = $1 ORDER BY t.name`, [repo])).map((row: { name: string }) => row.name);

    // A Maintainer's bulk delete of everything: the immutable tag and the Owner-protected one stay, and it says so.
    const bulk = await api.request('DELETE', `/projects/${projectId}/registry/repositories/${idOf('keep/app/bulk')}/tags`, maintainer.rest, { name_regex_delete: '.*' });
    expect(bulk.status).toBe(202);
    await eventually(async () => expect(await tagsOf('keep/app/bulk')).toEqual(['rel-1', 'v1.0.0']));
    const said = await eventually(async () => {
      const rows = await db.query(`SELECT details FROM audit_events WHERE event_name = 'protected_delete_refused' AND target_details = 'keep/app/bulk'`);
      expect(rows).toHaveLength(1);
      return rows[0].details;
    });
    expect(said).toMatchObject({ via: 'bulk_delete', protected_tags_skipped: 1, immutable_tags_skipped: 1, tags: expect.arrayContaining(['v1.0.0', 'rel-1']) });

    // A cleanup policy deleting everything keeps both too, and its run counts them.
    expect((await api.put(`/projects/${projectId}`, admin(), { container_expiration_policy_attributes: { enabled: true, name_regex: '.*', keep_n: null, older_than: null } })).status).toBe(200);
    await api.delete(`/projects/${projectId}/registry/repositories/${idOf('keep/app/bulk')}/tags/rel-1`, admin());
    const run = await api.post(`/projects/${projectId}/registry/cleanup_policy/runs`, admin());
    expect(run.status).toBe(202);
    const finished = await eventually(async () => {
      const runs = await api.get(`/projects/${projectId}/registry/cleanup_policy/runs`, admin());
      const found = runs.body.find((r: { id: number; status: string }) => r.id === run.body.id && r.status === 'finished');
      expect(found).toBeDefined();
      return found;
    }, 60_000);
    expect(await tagsOf('keep/app/policy')).toEqual(['rel-1', 'v1.0.0']);
    expect(await tagsOf('keep/app/bulk')).toEqual(['v1.0.0']);
    expect(finished).toMatchObject({ deleted_tags_count: 2, protected_tags_skipped_count: 1, immutable_tags_skipped_count: 2 });

    // A repository holding a tag the caller may not delete is not deleted: immutable for everyone, Owner-protected for a Maintainer.
    expect(await api.delete(`/projects/${projectId}/registry/repositories/${idOf('keep/app/bulk')}`, admin())).toMatchObject({
      status: 403,
      body: { message: 'tag "v1.0.0" is immutable' },
    });
    expect((await api.delete(`/projects/${projectId}/registry/repositories/${idOf('keep/app/policy')}`, maintainer.rest)).status).toBe(403);
    const statuses = await db.query(`SELECT path, status FROM repositories WHERE path LIKE 'keep/app/%' ORDER BY path`);
    expect(statuses).toEqual([
      { path: 'keep/app/bulk', status: null },
      { path: 'keep/app/policy', status: null },
    ]);
  }, 180_000);

  it('a rule applies to every push that starts after its creation answered, across two api processes', async () => {
    const projectId = await project('race');
    const developer = await user('r-developer', projectId, 30);
    const replica = await platform.startApiReplica();
    const root = new RegistrySession(platform.url, { username: 'root', password: platform.adminToken });
    const image = await pushImage(platform.url, 'race/app', 'base', root.fetch);
    const manifest = image.body;
    const pusher = new RegistrySession(replica.url, developer.creds);
    // One token for every loop (taken now, before they start), as one client would.
    expect((await pusher.fetch('/v2/race/app/manifests/warm-up', { method: 'PUT', body: manifest, headers: { 'Content-Type': OCI_MANIFEST } })).status).toBe(201);

    let ruleAnsweredAt: number | null = null;
    let stopAt = Number.MAX_SAFE_INTEGER;
    const results: Array<{ startedAt: number; status: number }> = [];
    let n = 0;
    const loop = async () => {
      while (Date.now() < stopAt) {
        const tag = `v-race-${n++}`;
        const startedAt = Date.now();
        const response = await pusher.fetch(`/v2/race/app/manifests/${tag}`, { method: 'PUT', body: manifest, headers: { 'Content-Type': OCI_MANIFEST } });
        await response.arrayBuffer();
        results.push({ startedAt, status: response.status });
      }
    };
    const loops = [loop(), loop(), loop(), loop()];
    await new Promise((resolve) => setTimeout(resolve, 1500));
    const created = await api.post(`/projects/${projectId}/registry/protection/tag/rules`, admin(), { tag_name_pattern: '^v-race-', minimum_access_level_for_push: 'maintainer' });
    ruleAnsweredAt = Date.now();
    expect(created.status).toBe(201);
    stopAt = Date.now() + 1500;
    await Promise.all(loops);

    const before = results.filter((r) => r.startedAt < ruleAnsweredAt!);
    const after = results.filter((r) => r.startedAt > ruleAnsweredAt!);
    expect(before.some((r) => r.status === 201)).toBe(true);
    expect(after.length).toBeGreaterThan(0);
    expect(after.filter((r) => r.status !== 403)).toEqual([]);
    // Every tag in the database was pushed by a request that started before the rule answered.
    const stored = await db.query(`SELECT count(*)::int AS n FROM tags t JOIN repositories r ON r.id = t.repository_id WHERE r.path = 'race/app' AND t.name LIKE 'v-race-%'`);
    expect(stored[0].n).toBe(results.filter((r) => r.status === 201).length);
    expect(stored[0].n).toBeLessThanOrEqual(before.length);
  }, 120_000);
});
