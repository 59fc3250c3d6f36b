import { randomBytes } from 'node:crypto';
import {
  createTestDatabase,
  digestOf,
  pushBlob,
  putManifest,
  RegistrySession,
  spawnProcess,
  startPlatform,
  TestDatabase,
  TestPlatform,
} from '@cargohold/testing';
import { enc, RestClient } from './iam-rest-client';

const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
const DAY = 24 * 3600 * 1000;

/** Cleanup policies set through GitLab's API, run by the real worker on its schedule, on demand and from the CLI. */
describe('cleanup policies', () => {
  let db: TestDatabase;
  let platform: TestPlatform;
  let api: RestClient;
  let registry: RegistrySession;
  const admin = () => ({ token: platform.adminToken });

  beforeAll(async () => {
    db = await createTestDatabase();
    platform = await startPlatform({ databaseUrl: db.url, worker: true, env: { CLEANUP_SCHEDULE_INTERVAL: '1' } });
    api = new RestClient(platform.url);
    registry = new RegistrySession(platform.url, { username: 'root', password: platform.adminToken });
    const group = await api.post('/groups', admin(), { name: 'Ops', path: 'ops' });
    for (const path of ['app', 'lib', 'tool']) {
      expect((await api.post('/projects', admin(), { namespace_id: group.body.id, path, name: path })).status).toBe(201);
    }
  });

  afterAll(async () => {
    await platform?.stop();
    await db?.drop();
  });

  /** Pushes one image and points every tag at it, with creation times `ageDays` ago (set in the database). */
  async function seedTags(repo: string, tags: Array<[name: string, ageDays: number]>) {
    const layer = await pushBlob(platform.url, repo, randomBytes(64), registry.fetch);
    const config = await pushBlob(platform.url, repo, Buffer.from('{}'), registry.fetch);
    const manifest = JSON.stringify({
      schemaVersion: 2,
      mediaType: OCI_MANIFEST,
      config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: config, size: 2 },
      layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar', digest: layer, size: 64 }],
    });
    for (const [name, ageDays] of tags) {
      expect((await putManifest(platform.url, repo, name, manifest, OCI_MANIFEST, registry.fetch)).status).toBe(201);
      await db.query(
        `UPDATE tags SET created_at = $3, updated_at = $3 FROM repositories r WHERE r.id = tags.repository_id AND r.path = $1 AND tags.name = $2`,
        [repo, name, new Date(Date.now() - ageDays * DAY)],
      );
    }
    return digestOf(manifest);
  }

  const tagsOf = async (repo: string) =>
    (await db.query<{ name: string }>(`SELECT t.name FROM tags t JOIN repositories r ON r.id = t.repository_id WHERE r.path = $1 ORDER BY t.name`, [repo])).map(
      (row) => row.name,
    );

  async function waitForRun(projectPath: string, predicate: (run: any) => boolean, timeoutMs = 30_000) {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const runs = await api.get(`/projects/${enc(projectPath)}/registry/cleanup_policy/runs`, admin());
      const run = runs.body.find(predicate);
      if (run) return run;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    throw new Error(`no matching cleanup run for ${projectPath}`);
  }

  it('refuses invalid values with the allowed ones named, and changes nothing', async () => {
    for (const [attributes, message] of [
      [{ cadence: '2d' }, /\[cadence\] must be one of: 1d, 7d, 14d, 1month, 3month/],
      [{ keep_n: 7 }, /\[keep_n\] must be one of: 1, 5, 10, 25, 50, 100/],
      [{ older_than: '1y' }, /\[older_than\] must be one of: 7d, 14d, 30d, 60d, 90d/],
      [{ name_regex: '(unclosed' }, /\[name_regex\] is an invalid regexp/],
    ] as const) {
      const response = await api.put(`/projects/${enc('ops/app')}`, admin(), { container_expiration_policy_attributes: attributes });
      expect(response.status).toBe(400);
      expect(JSON.stringify(response.body)).toMatch(message);
    }
    expect(await db.query(`SELECT id FROM cleanup_policies`)).toHaveLength(0);
  });

  it("runs a project's policy on schedule: keep_n, name_regex, name_regex_keep and older_than, never latest", async () => {
    const repo = 'ops/app';
    await seedTags(repo, [
      ['latest', 30],
      ['v1.0.0', 30],
      ['v1.1.0', 20],
      ...Array.from({ length: 8 }, (_, i) => [`feature-${i}-dev`, 10 + i] as [string, number]),
      ['fresh-1-dev', 1],
      ['fresh-2-dev', 2],
      ['release', 40],
    ]);
    const set = await api.put(`/projects/${enc('ops/app')}`, admin(), {
      container_expiration_policy_attributes: {
        enabled: true,
        cadence: '1d',
        keep_n: 5,
        older_than: '7d',
        name_regex: '.*-dev',
        name_regex_keep: '^v\\d+\\.\\d+\\.\\d+$',
      },
    });
    expect(set.status).toBe(200);
    expect(set.body.container_expiration_policy).toMatchObject({ enabled: true, keep_n: 5, older_than: '7d', name_regex: '.*-dev', source: 'project' });
    const project = await api.get(`/projects/${enc('ops/app')}`, admin());
    // GitLab's PUT answers the whole project entity: the same one GET returns.
    expect(set.body).toEqual(project.body);
    const nextRun = new Date(project.body.container_expiration_policy.next_run_at).getTime();
    expect(nextRun).toBeGreaterThan(Date.now() + DAY - 60_000);

    // Make it due now: the worker's scheduler (every second in this test) picks it up.
    await db.query(`UPDATE cleanup_policies SET next_run_at = now() - interval '1 minute' WHERE project_id = $1`, [project.body.id]);
    const run = await waitForRun('ops/app', (r) => r.status === 'finished' && r.trigger === 'schedule');

    // -dev tags, newest first: fresh-1 (1d), fresh-2 (2d), feature-0 (10d), feature-1 (11d), feature-2 (12d) are the
    // 5 kept; feature-3..7 are older than 7 days and go. Non-matching, keep-regex and latest tags all stay.
    const expected = ['feature-0-dev', 'feature-1-dev', 'feature-2-dev', 'fresh-1-dev', 'fresh-2-dev', 'latest', 'release', 'v1.0.0', 'v1.1.0'];
    expect(await tagsOf(repo)).toEqual(expected);
    expect(run.deleted_tags_count).toBe(5);
    const after = await api.get(`/projects/${enc('ops/app')}`, admin());
    expect(new Date(after.body.container_expiration_policy.next_run_at).getTime()).toBeGreaterThan(Date.now() + DAY - 60_000);
    const repository = (await api.get(`/projects/${enc('ops/app')}/registry/repositories`, admin())).body[0];
    expect(repository.cleanup_policy_started_at).not.toBeNull();
  });

  it('applies a group default to projects without their own policy, and a repository override wins', async () => {
    await seedTags('ops/lib', [['a-dev', 30], ['b-dev', 30], ['latest', 30]]);
    await seedTags('ops/lib/special', [['a-dev', 30], ['b-dev', 30]]);
    // An update without policy attributes changes nothing: no default policy appears for the group.
    const empty = await api.put(`/groups/ops`, admin(), {});
    expect([empty.status, empty.body.container_expiration_policy]).toEqual([200, null]);
    expect((await api.get(`/projects/${enc('ops/lib')}`, admin())).body.container_expiration_policy.source).not.toBe('group');
    const group = await api.put(`/groups/ops`, admin(), { container_expiration_policy_attributes: { enabled: true, cadence: '7d', keep_n: 1, older_than: '7d', name_regex: '.*' } });
    expect(group.status).toBe(200);
    expect((await api.put(`/groups/ops`, admin(), {})).body).toEqual(group.body);
    const lib = await api.get(`/projects/${enc('ops/lib')}`, admin());
    expect(lib.body.container_expiration_policy).toMatchObject({ source: 'group', keep_n: 1, cadence: '7d' });
    const special = (await api.get(`/projects/${enc('ops/lib')}/registry/repositories`, admin())).body.find((r: { path: string }) => r.path === 'ops/lib/special');
    const override = await api.put(`/projects/${enc('ops/lib')}/registry/repositories/${special.id}`, admin(), { enabled: false, name_regex: 'none' });
    expect(override.status).toBe(200);

    const run = await api.post(`/projects/${enc('ops/lib')}/registry/cleanup_policy/runs`, admin());
    expect(run.status).toBe(202);
    await waitForRun('ops/lib', (r) => r.id === run.body.id && r.status === 'finished');
    // keep_n=1 keeps the newest of a-dev/b-dev (equal times: the name decides, b-dev), latest always stays.
    expect(await tagsOf('ops/lib')).toEqual(['b-dev', 'latest']);
    expect(await tagsOf('ops/lib/special')).toEqual(['a-dev', 'b-dev']);

    // The run history pages like every GitLab list: a second run, then one per page, newest first.
    const second = await api.post(`/projects/${enc('ops/lib')}/registry/cleanup_policy/runs`, admin());
    await waitForRun('ops/lib', (r) => r.id === second.body.id && r.status === 'finished');
    const page1 = await api.get(`/projects/${enc('ops/lib')}/registry/cleanup_policy/runs?per_page=1`, admin());
    const page2 = await api.get(`/projects/${enc('ops/lib')}/registry/cleanup_policy/runs?per_page=1&page=2`, admin());
    expect([page1.body.map((r: { id: number }) => r.id), page2.body.map((r: { id: number }) => r.id)]).toEqual([[second.body.id], [run.body.id]]);
    expect([page1.headers.get('x-total'), page1.headers.get('x-total-pages'), page1.headers.get('x-next-page')]).toEqual(['2', '2', '2']);
    expect(page1.headers.get('link')).toContain('rel="next"');
  });

  it('runs a policy now from the CLI and waits for it', async () => {
    await seedTags('ops/tool', [['x-dev', 30], ['y-dev', 30], ['z-dev', 1]]);
    await api.put(`/projects/${enc('ops/tool')}`, admin(), {
      container_expiration_policy_attributes: { enabled: true, keep_n: 1, older_than: '7d', name_regex: '.*-dev' },
    });
    const cli = spawnProcess('cli', platform.env, ['cleanup:run', 'ops/tool']);
    expect(await cli.exited).toBe(0);
    const printed = JSON.parse(cli.output().trim().split('\n').pop()!);
    expect(printed).toMatchObject({ project: 'ops/tool', status: 'finished', deleted_tags: 2 });
    expect(await tagsOf('ops/tool')).toEqual(['z-dev']);
  });

  it('lets only maintainers change policies', async () => {
    const dev = await api.createUser(admin(), 'policy-dev');
    const project = await api.get(`/projects/${enc('ops/tool')}`, admin());
    await api.post(`/projects/${project.body.id}/members`, admin(), { user_id: dev.id, access_level: 30 });
    const refused = await api.put(`/projects/${enc('ops/tool')}`, dev.auth, { container_expiration_policy_attributes: { enabled: false } });
    expect(refused.status).toBe(403);
    expect((await api.get(`/projects/${enc('ops/tool')}`, admin())).body.container_expiration_policy.enabled).toBe(true);
  });
});
