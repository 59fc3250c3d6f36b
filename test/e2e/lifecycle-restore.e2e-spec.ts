import { mkdirSync } from 'node:fs';
import * as path from 'node:path';
import { createTestDatabase, digestOf, RegistrySession, runClient, spawnProcess, startPlatform, TestDatabase, TestPlatform } from '@cargohold/testing';
import { Auth, enc, RestClient } from './iam-rest-client';
import { pushImage, waitFor } from './registry-management-fixtures';
import { launchChromium, signedInPage } from './web-ui-browser';

const SCREENSHOTS = path.resolve(__dirname, '../../test-artifacts/screenshots');

/** The review window of this platform; the GC steps move times back in the database instead of waiting. */
const REVIEW_DELAY = 3600;

/**
 * Restoring deleted tags end to end: a tag deleted through the REST API, /v2/ (by tag with HTTP, by digest with
 * skopeo), a bulk delete and a cleanup policy run is listed under deleted_tags and can be put back while its
 * manifest is within the GC review window; skopeo then reads the same digest by tag again. GC keeps a manifest
 * a restorable tag names and collects it once the window has passed, after which the restore answers 410.
 */
describe('restoring deleted tags', () => {
  let db: TestDatabase;
  let platform: TestPlatform;
  let api: RestClient;
  let registry: RegistrySession;
  let host: string;
  let developer: { id: number; username: string; auth: Auth };
  let maintainer: { id: number; username: string; auth: Auth };
  const admin = () => ({ token: platform.adminToken });
  const repositoryIds = new Map<string, number>();

  beforeAll(async () => {
    db = await createTestDatabase();
    platform = await startPlatform({ databaseUrl: db.url, worker: true, env: { GC_REVIEW_DELAY: String(REVIEW_DELAY) } });
    api = new RestClient(platform.url);
    registry = new RegistrySession(platform.url, { username: 'root', password: platform.adminToken });
    host = `127.0.0.1:${platform.port}`;
    const group = await api.post('/groups', admin(), { name: 'Undo', path: 'undo' });
    for (const path of ['app', 'cleaned']) expect((await api.post('/projects', admin(), { namespace_id: group.body.id, path, name: path })).status).toBe(201);
    developer = await api.createUser(admin(), 'undo-dev');
    const project = await api.get(`/projects/${enc('undo/app')}`, admin());
    maintainer = await api.createUser(admin(), 'undo-maint');
    for (const [user, level] of [[developer, 30], [maintainer, 40]] as const) {
      expect((await api.post(`/projects/${project.body.id}/members`, admin(), { user_id: user.id, access_level: level })).status).toBe(201);
    }
    // A hook on the project: a restore must queue the same delivery a push of the tag does.
    expect((await api.put('/application/settings', admin(), { allow_local_requests_from_web_hooks_and_services: true })).status).toBe(200);
    expect((await api.post(`/projects/${project.body.id}/hooks`, admin(), { url: 'http://127.0.0.1:9/hook' })).status).toBe(201);
  });

  afterAll(async () => {
    await platform?.stop();
    await db?.drop();
  });

  const projectOf = (repo: string) => repo.split('/').slice(0, 2).join('/');
  async function repositoryId(repo: string): Promise<number> {
    if (!repositoryIds.has(repo)) {
      const [row] = await db.query<{ id: number }>(`SELECT id FROM repositories WHERE path = $1`, [repo]);
      repositoryIds.set(repo, Number(row.id));
    }
    return repositoryIds.get(repo)!;
  }
  const base = async (repo: string) => `/projects/${enc(projectOf(repo))}/registry/repositories/${await repositoryId(repo)}`;
  const deletedTags = async (repo: string, auth: Auth = admin()) => {
    const response = await api.get(`${await base(repo)}/deleted_tags`, auth);
    expect(response.status).toBe(200);
    return response.body as any[];
  };
  const restore = async (repo: string, tag: string, auth: Auth = admin(), body: Record<string, unknown> = {}) => api.post(`${await base(repo)}/tags/${tag}/restore`, auth, body);
  const tagsOf = async (repo: string) =>
    (await db.query<{ name: string }>(`SELECT t.name FROM tags t JOIN repositories r ON r.id = t.repository_id WHERE r.path = $1 ORDER BY t.name`, [repo])).map((row) => row.name);
  /** What skopeo reads for the tag: the digest of the manifest bytes it was served. */
  const pulledDigest = async (repo: string, tag: string) =>
    digestOf((await runClient('skopeo', ['inspect', '--raw', '--tls-verify=false', '--creds', `root:${platform.adminToken}`, `docker://${host}/${repo}:${tag}`])).trimEnd());
  const gcRun = async () => {
    const proc = spawnProcess('cli', platform.env, ['gc:run']);
    expect(await proc.exited).toBe(0);
  };

  /** Lists the deleted tag, restores it, and pulls it by tag with skopeo: the digest it had. */
  async function expectRestorable(repo: string, tag: string, digest: string, deletion: Record<string, unknown>) {
    const listed = (await deletedTags(repo)).find((item) => item.name === tag);
    expect(listed).toMatchObject({ name: tag, digest, path: `${repo}:${tag}`, restorable: true, restore_blocked_by: null, ...deletion });
    expect(new Date(listed.restorable_until).getTime() - new Date(listed.deleted_at).getTime()).toBe(REVIEW_DELAY * 1000);
    const restored = await restore(repo, tag);
    expect(restored.status).toBe(201);
    expect(restored.body).toMatchObject({ name: tag, digest, path: `${repo}:${tag}` });
    expect(await pulledDigest(repo, tag)).toBe(digest);
    expect((await deletedTags(repo)).find((item) => item.name === tag)).toBeUndefined();
  }

  it('restores a tag deleted through the REST API, for a Maintainer only, audited and announced as a push', async () => {
    const repo = 'undo/app/rest';
    const image = await pushImage(registry, repo, ['v1', 'other']);
    expect((await api.delete(`${await base(repo)}/tags/v1`, developer.auth)).status).toBe(200);
    expect(await tagsOf(repo)).toEqual(['other']);

    // A Developer sees what they deleted but may not restore it (Maintainer+).
    const seen = await deletedTags(repo, developer.auth);
    expect(seen).toEqual([expect.objectContaining({ name: 'v1', how: 'api', deleted_by: developer.id, deleted_by_type: 'user', deleted_by_username: 'undo-dev' })]);
    expect((await restore(repo, 'v1', developer.auth)).status).toBe(403);
    expect((await restore(repo, 'never-deleted')).status).toBe(404);

    await expectRestorable(repo, 'v1', image.digest, { how: 'api', deleted_by: developer.id });
    // Restoring again: that deletion is used up.
    expect((await restore(repo, 'v1')).status).toBe(404);

    const audit = await api.get(`/projects/${enc('undo/app')}/audit_events?per_page=100`, admin());
    expect(audit.body.find((event: any) => event.event_name === 'tag_restored')).toMatchObject({
      author_name: 'root',
      entity_type: 'Project',
      details: expect.objectContaining({ tag: 'v1', digest: image.digest, deleted_how: 'api' }),
    });
    const deliveries = await db.query<{ payload: any }>(`SELECT payload FROM webhook_deliveries WHERE event = 'image_pushed' AND payload->>'tag' = 'v1' AND payload->'repository'->>'path' = $1`, [repo]);
    // One for the push, one for the restore.
    expect(deliveries).toHaveLength(2);
  });

  it('restores a tag deleted through /v2/ by tag; a name taken again is 409', async () => {
    const repo = 'undo/app/v2';
    const image = await pushImage(registry, repo, ['v1']);
    expect((await registry.fetch(`${platform.url}/v2/${repo}/manifests/v1`, { method: 'DELETE' })).status).toBe(202);
    await expectRestorable(repo, 'v1', image.digest, { how: 'registry', deleted_by_type: 'user', deleted_by_username: 'root' });

    // Deleted again, then a newer v1 pushed: the old one cannot come back over it.
    expect((await registry.fetch(`${platform.url}/v2/${repo}/manifests/v1`, { method: 'DELETE' })).status).toBe(202);
    const newer = await pushImage(registry, repo, ['v1']);
    expect((await deletedTags(repo))[0]).toMatchObject({ name: 'v1', digest: image.digest, restorable: false, restore_blocked_by: 'name_taken' });
    const taken = await restore(repo, 'v1');
    expect(taken.status).toBe(409);
    expect(taken.body.message).toMatch(/v1 exists again/);
    expect(await pulledDigest(repo, 'v1')).toBe(newer.digest);
  });

  it('lists every tag a /v2/ delete by digest (skopeo delete) took; their manifest is gone, so 410', async () => {
    const repo = 'undo/app/digest';
    const image = await pushImage(registry, repo, ['v1', 'v1-alias']);
    await runClient('skopeo', ['delete', '--tls-verify=false', '--creds', `root:${platform.adminToken}`, `docker://${host}/${repo}:v1`]);
    const listed = await deletedTags(repo);
    expect(listed.map((item) => item.name).sort()).toEqual(['v1', 'v1-alias']);
    for (const item of listed) expect(item).toMatchObject({ digest: image.digest, how: 'registry', restorable: false, restore_blocked_by: 'manifest_deleted' });
    const gone = await restore(repo, 'v1');
    expect(gone.status).toBe(410);
    expect(gone.body.message).toMatch(/^410 Gone - the manifest .* was deleted/);
  });

  it('restores a tag removed by a bulk delete', async () => {
    const repo = 'undo/app/bulk';
    const image = await pushImage(registry, repo, ['v1', 'keep']);
    const accepted = await api.request('DELETE', `${await base(repo)}/tags?name_regex_delete=v1`, admin());
    expect(accepted.status).toBe(202);
    await waitFor('the bulk delete', async () => ((await tagsOf(repo)).includes('v1') ? undefined : true));
    const [root] = await db.query<{ id: number }>(`SELECT id FROM users WHERE username = 'root'`);
    await expectRestorable(repo, 'v1', image.digest, { how: 'bulk_delete', deleted_by: Number(root.id), deleted_by_username: 'root' });
  });

  it('restores a tag removed by a cleanup policy run (deleted by the system)', async () => {
    const repo = 'undo/cleaned';
    const image = await pushImage(registry, repo, ['v1', 'stays']);
    const policy = { enabled: true, cadence: '1d', keep_n: null, older_than: null, name_regex: 'v1' };
    expect((await api.put(`/projects/${enc(repo)}`, admin(), { container_expiration_policy_attributes: policy })).status).toBe(200);
    const run = await api.post(`/projects/${enc(repo)}/registry/cleanup_policy/runs`, admin());
    expect(run.status).toBe(202);
    await waitFor('the cleanup run', async () => ((await tagsOf(repo)).includes('v1') ? undefined : true));
    expect(await tagsOf(repo)).toEqual(['stays']);
    await expectRestorable(repo, 'v1', image.digest, { how: 'cleanup', deleted_by: null, deleted_by_type: null, deleted_by_username: null });
  });

  it('GC keeps the manifest while the tag is restorable, collects it after the review delay, and the restore is 410', async () => {
    const repo = 'undo/app/gc';
    const image = await pushImage(registry, repo, ['v1']);
    expect((await api.delete(`${await base(repo)}/tags/v1`, admin())).status).toBe(200);
    const manifestRows = () => db.query(`SELECT 1 FROM manifests m JOIN repositories r ON r.id = m.repository_id WHERE r.path = $1 AND m.digest = $2`, [repo, image.digest]);
    const dueNow = () => db.query(`UPDATE gc_manifest_review_queue q SET review_after = now() - interval '1 second' FROM manifests m WHERE m.id = q.manifest_id AND m.digest = $1`, [image.digest]);

    // Due for review while the deleted tag is still restorable: kept, and its review moved to the window's end.
    await dueNow();
    await gcRun();
    expect(await manifestRows()).toHaveLength(1);
    const [queued] = await db.query<{ reason: string; review_after: Date }>(
      `SELECT q.reason, q.review_after FROM gc_manifest_review_queue q JOIN manifests m ON m.id = q.manifest_id WHERE m.digest = $1`,
      [image.digest],
    );
    expect(queued.reason).toBe('deleted_tag_restorable');
    expect(new Date(queued.review_after).getTime()).toBeGreaterThan(Date.now() + (REVIEW_DELAY - 120) * 1000);

    // The window has passed (the deletion moved back in time): GC collects, the listing drops it, restore is 410.
    await db.query(`UPDATE deleted_tags SET deleted_at = deleted_at - interval '90 minutes' WHERE digest = $1`, [image.digest]);
    await dueNow();
    await gcRun();
    expect(await manifestRows()).toHaveLength(0);
    expect(await deletedTags(repo)).toEqual([]);
    const gone = await restore(repo, 'v1');
    expect(gone.status).toBe(410);
    expect(gone.body.message).toMatch(/deleted too long ago/);
  });

  it('web UI: "Recently deleted" lists the tag, a Maintainer restores it with one click, a Developer sees no button', async () => {
    const repo = 'undo/app/web';
    const image = await pushImage(registry, repo, ['v1', 'stays']);
    expect((await api.delete(`${await base(repo)}/tags/v1`, developer.auth)).status).toBe(200);
    const projectId = (await api.get(`/projects/${enc('undo/app')}`, admin())).body.id;
    const browser = await launchChromium();
    try {
      const signedIn = async (username: string) => {
        const page = await signedInPage(browser, platform.url, username);
        await page.goto(`${platform.url}/projects/${projectId}/registry/${await repositoryId(repo)}`);
        await page.getByRole('link', { name: 'Recently deleted' }).click();
        await page.getByTestId('deleted-tag-row-v1').waitFor();
        return page;
      };

      const asDeveloper = await signedIn(developer.username);
      expect(await asDeveloper.getByTestId('deleted-tag-row-v1').innerText()).toContain('REST API');
      expect(await asDeveloper.getByRole('button', { name: 'Restore tag v1' }).count()).toBe(0);

      const page = await signedIn(maintainer.username);
      const row = page.getByTestId('deleted-tag-row-v1');
      expect(await row.innerText()).toContain('undo-dev');
      mkdirSync(SCREENSHOTS, { recursive: true });
      await page.screenshot({ path: path.join(SCREENSHOTS, 'recently-deleted.png'), fullPage: true });
      await page.getByRole('button', { name: 'Restore tag v1' }).click();
      await page.getByRole('status').filter({ hasText: 'Restored v1' }).waitFor();
      await page.getByText('No recently deleted tags').waitFor();
    } finally {
      await browser.close();
    }
    expect(await tagsOf(repo)).toEqual(['stays', 'v1']);
    expect(await pulledDigest(repo, 'v1')).toBe(image.digest);
  });
});
