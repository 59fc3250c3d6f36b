import { createTestDatabase, RegistrySession, runClient, startPlatform, TestDatabase, TestPlatform } from '@cargohold/testing';
import { BOOTSTRAP_TOKEN, RestClient } from './iam-rest-client';
import { pushImage, waitFor } from './registry-management-fixtures';

/**
 * A cleanup script written from GitLab's container registry API documentation, run with curl exactly as the
 * documentation shows the calls (PRIVATE-TOKEN header, form data on the bulk DELETE): list the project's
 * repositories, list tags, get a tag's details, then bulk delete with keep_n=5 and older_than=7d.
 */
describe('registry management: GitLab documentation script', () => {
  let db: TestDatabase;
  let platform: TestPlatform;
  let token: string;
  const project = 'tools%2Fci';

  /** `curl` with the documentation's options; returns the HTTP status and the parsed body. */
  async function curl(args: string[]): Promise<{ status: number; body: any }> {
    const out = await runClient('curl', ['--silent', '--show-error', '--write-out', '\n%{http_code}', '--header', `PRIVATE-TOKEN: ${token}`, ...args]);
    const split = out.lastIndexOf('\n');
    const text = out.slice(0, split);
    return { status: Number(out.slice(split + 1)), body: text ? JSON.parse(text) : null };
  }

  beforeAll(async () => {
    db = await createTestDatabase();
    platform = await startPlatform({ databaseUrl: db.url, worker: true, env: { BOOTSTRAP_ADMIN_TOKEN: BOOTSTRAP_TOKEN } });
    const api = new RestClient(platform.url);
    const admin = { token: BOOTSTRAP_TOKEN };
    const maintainer = await api.createUser(admin, 'ci-bot');
    token = maintainer.token;
    const group = await api.post('/groups', admin, { name: 'Tools', path: 'tools' });
    const created = await api.post('/projects', admin, { path: 'ci', namespace_id: group.body.id });
    expect(created.status).toBe(201);
    expect((await api.post(`/projects/${created.body.id}/members`, admin, { user_id: maintainer.id, access_level: 40 })).status).toBe(201);

    const registry = new RegistrySession(platform.url, { username: 'root', password: BOOTSTRAP_TOKEN });
    const names = ['latest', ...Array.from({ length: 10 }, (_, i) => `v${String(i + 1).padStart(2, '0')}`)];
    for (const name of names) await pushImage(registry, 'tools/ci', [name], 512);
    // Ages in days: v01 is the oldest, v10 the newest; latest is older than all of them.
    const ages: Record<string, number> = { latest: 30, v01: 10, v02: 9, v03: 8, v04: 6, v05: 5, v06: 4, v07: 3, v08: 2, v09: 1, v10: 0.5 };
    for (const [name, days] of Object.entries(ages)) {
      await db.query(`UPDATE tags SET created_at = now() - make_interval(secs => $2), updated_at = now() - make_interval(secs => $2) WHERE name = $1`, [
        name,
        days * 86_400,
      ]);
    }
  });

  afterAll(async () => {
    await platform?.stop();
    await db?.drop();
  });

  it('lists, inspects and bulk deletes with keep_n=5 and older_than=7d, leaving exactly the expected tags', async () => {
    const gitlab = `${platform.url}/api/v4`;

    // GET /projects/:id/registry/repositories
    const repositories = await curl([`${gitlab}/projects/${project}/registry/repositories`]);
    expect(repositories.status).toBe(200);
    expect(repositories.body).toHaveLength(1);
    const repository = repositories.body[0];
    expect(repository).toMatchObject({ name: '', path: 'tools/ci', location: `${new URL(platform.url).host}/tools/ci`, status: null });

    // GET /projects/:id/registry/repositories/:repository_id/tags
    const tags = await curl([`${gitlab}/projects/${project}/registry/repositories/${repository.id}/tags`]);
    expect(tags.status).toBe(200);
    expect(tags.body.map((t: { name: string }) => t.name)).toEqual(['latest', 'v01', 'v02', 'v03', 'v04', 'v05', 'v06', 'v07', 'v08', 'v09', 'v10']);

    // GET /projects/:id/registry/repositories/:repository_id/tags/:tag_name
    const details = await curl([`${gitlab}/projects/${project}/registry/repositories/${repository.id}/tags/v01`]);
    expect(details.status).toBe(200);
    expect(Object.keys(details.body)).toEqual(['name', 'path', 'location', 'revision', 'short_revision', 'digest', 'created_at', 'total_size', 'last_pulled_at', 'pull_count', 'manifest_last_pulled_at', 'manifest_pull_count', 'protection']);
    expect(details.body.digest).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(Date.now() - new Date(details.body.created_at).getTime()).toBeGreaterThan(9 * 86_400_000);

    // DELETE /projects/:id/registry/repositories/:repository_id/tags, as in the documentation's examples.
    const bulk = await curl([
      '--request', 'DELETE',
      '--data', 'name_regex_delete=.*',
      '--data', 'keep_n=5',
      '--data', 'older_than=7d',
      `${gitlab}/projects/${project}/registry/repositories/${repository.id}/tags`,
    ]);
    expect(bulk.status).toBe(202);

    // keep_n keeps the 5 newest (v06..v10); of the rest only v01..v03 are older than 7 days; latest always stays.
    const expected = ['latest', 'v04', 'v05', 'v06', 'v07', 'v08', 'v09', 'v10'];
    const remaining = await waitFor('the worker to apply the bulk delete', async () => {
      const page = await curl([`${gitlab}/projects/${project}/registry/repositories/${repository.id}/tags?per_page=100`]);
      return page.body.length === expected.length ? page.body.map((t: { name: string }) => t.name) : undefined;
    });
    expect(remaining).toEqual(expected);
    const rows = await db.query<{ name: string }>(`SELECT name FROM tags ORDER BY name`);
    expect(rows.map((row) => row.name)).toEqual(expected);

    // A second run within the hour is refused with GitLab's message.
    const again = await curl(['--request', 'DELETE', '--data', 'name_regex_delete=.*', `${gitlab}/projects/${project}/registry/repositories/${repository.id}/tags`]);
    expect(again).toEqual({
      status: 400,
      body: { message: 'This request has already been made. You can run this at most once an hour for a given container repository' },
    });
  });
});
