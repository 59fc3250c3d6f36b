import { createTestDatabase, RegistrySession, startPlatform, TestDatabase, TestPlatform } from '@cargohold/testing';
import { BOOTSTRAP_TOKEN, enc, RestClient } from './iam-rest-client';
import { pushImage, PushedImage, waitFor } from './registry-management-fixtures';

type User = Awaited<ReturnType<RestClient['createUser']>>;

/**
 * `DELETE /groups/:id`, `DELETE /users/:id` and `PUT /users/:id` as GitLab documents them: asynchronous deletes
 * whose images are removed by the worker through the repository-delete path (tags gone, blobs queued for GC
 * review), audited; pushes into a group being deleted denied; GitLab's permissions.
 */
describe('gitlab: group and user deletion, user modification', () => {
  let db: TestDatabase;
  let platform: TestPlatform;
  let api: RestClient;
  let registry: RegistrySession;
  const admin = { token: BOOTSTRAP_TOKEN };
  let owner: User, maintainer: User, doomed: User, outsider: User;

  const repositoryCount = async (prefix: string) =>
    Number((await db.query<{ n: string }>(`SELECT count(*) AS n FROM repositories WHERE path LIKE $1`, [`${prefix}/%`]))[0].n);
  const blobsInReview = async (digests: string[]) =>
    (await db.query<{ digest: string }>(`SELECT blob_digest AS digest FROM gc_blob_review_queue WHERE blob_digest = ANY($1)`, [digests])).map((row) => row.digest);
  const auditEvents = async (eventName: string) =>
    db.query<{ entity_id: string; author_id: string | null; entity_path: string }>(`SELECT entity_id, author_id, entity_path FROM audit_events WHERE event_name = $1`, [eventName]);

  beforeAll(async () => {
    db = await createTestDatabase();
    platform = await startPlatform({ databaseUrl: db.url, worker: true, env: { BOOTSTRAP_ADMIN_TOKEN: BOOTSTRAP_TOKEN } });
    api = new RestClient(platform.url);
    registry = new RegistrySession(platform.url, { username: 'root', password: BOOTSTRAP_TOKEN });
    [owner, maintainer, doomed, outsider] = await Promise.all(['owner', 'maint', 'doomed', 'outsider'].map((name) => api.createUser(admin, name, ['api', 'read_registry', 'write_registry'])));
  });

  afterAll(async () => {
    await platform?.stop();
    await db?.drop();
  });

  it('deletes a group with its subgroups, projects and images through the worker (202), audited', async () => {
    const group = (await api.post('/groups', owner.auth, { name: 'Doomed', path: 'doomed-group' })).body;
    const sub = (await api.post('/groups', owner.auth, { name: 'Sub', path: 'sub', parent_id: group.id })).body;
    const top = (await api.post('/projects', owner.auth, { path: 'app', namespace_id: group.id })).body;
    const nested = (await api.post('/projects', owner.auth, { path: 'svc', namespace_id: sub.id })).body;
    expect((await api.post(`/groups/${group.id}/members`, owner.auth, { user_id: maintainer.id, access_level: 40 })).status).toBe(201);
    const images: PushedImage[] = [
      await pushImage(registry, 'doomed-group/app', ['v1', 'latest']),
      await pushImage(registry, 'doomed-group/app/worker', ['v1']),
      await pushImage(registry, 'doomed-group/sub/svc', ['1.0']),
    ];
    expect(await repositoryCount('doomed-group')).toBe(3);

    // GitLab: only Owners delete a group.
    expect(await api.delete(`/groups/${group.id}`, maintainer.auth)).toMatchObject({ status: 403 });
    expect(await api.delete(`/groups/${group.id}`, outsider.auth)).toMatchObject({ status: 404 });
    expect(await api.delete('/groups/99999999', owner.auth)).toMatchObject({ status: 404 });

    const accepted = await api.delete(`/groups/${enc('doomed-group')}`, owner.auth);
    expect(accepted).toMatchObject({ status: 202, body: { message: '202 Accepted' } });
    expect(accepted.headers.get('content-type')).toBe('application/json');

    await waitFor('the group to be gone', async () => ((await api.get(`/groups/${group.id}`, owner.auth)).status === 404 ? true : undefined));
    expect((await api.get(`/groups/${sub.id}`, owner.auth)).status).toBe(404);
    expect((await api.get(`/projects/${top.id}`, owner.auth)).status).toBe(404);
    expect((await api.get(`/projects/${nested.id}`, owner.auth)).status).toBe(404);
    expect(await repositoryCount('doomed-group')).toBe(0);
    const tags = await registry.fetch(`${platform.url}/v2/doomed-group/app/tags/list`);
    expect(tags.status).toBe(404);
    const catalog = (await (await registry.fetch(`${platform.url}/v2/_catalog?n=1000`)).json()) as { repositories: string[] };
    expect(catalog.repositories.filter((path) => path.startsWith('doomed-group/'))).toEqual([]);

    // Went through the repository-delete path: every blob is in GC review, each repository has its audit row.
    const digests = images.flatMap((image) => [image.layerDigest, image.configDigest]);
    expect((await blobsInReview(digests)).sort()).toEqual([...new Set(digests)].sort());
    expect((await auditEvents('repository_deleted')).length).toBeGreaterThanOrEqual(3);
    expect(await auditEvents('group_deletion_requested')).toEqual([expect.objectContaining({ entity_id: String(group.id), author_id: String(owner.id) })]);
    expect(await auditEvents('group_destroyed')).toEqual([expect.objectContaining({ entity_id: String(group.id), entity_path: 'doomed-group' })]);
  });

  it('deletes a project (202) with its images: every blob they linked is queued for GC review', async () => {
    const group = (await api.post('/groups', owner.auth, { name: 'Short lived', path: 'short-lived' })).body;
    const project = (await api.post('/projects', owner.auth, { path: 'app', namespace_id: group.id })).body;
    const images = [await pushImage(registry, 'short-lived/app', ['v1']), await pushImage(registry, 'short-lived/app/worker', ['v1', 'latest'])];
    const digests = images.flatMap((image) => [image.layerDigest, image.configDigest]);
    expect(await blobsInReview(digests)).toEqual([]);

    expect(await api.delete(`/projects/${project.id}`, outsider.auth)).toMatchObject({ status: 404 });
    expect(await blobsInReview(digests)).toEqual([]); // a refused delete queues nothing
    expect(await api.delete(`/projects/${project.id}`, owner.auth)).toMatchObject({ status: 202, body: { message: '202 Accepted' } });
    expect((await api.get(`/projects/${project.id}`, owner.auth)).status).toBe(404);
    expect(await repositoryCount('short-lived')).toBe(0);
    // The cascade left these blobs linked nowhere: GC reviews them (and keeps any another repository still links).
    expect((await blobsInReview(digests)).sort()).toEqual([...new Set(digests)].sort());
  });

  it('denies pushes into a project whose group is being deleted', async () => {
    const group = (await api.post('/groups', owner.auth, { name: 'Held', path: 'held-group' })).body;
    await api.post('/projects', owner.auth, { path: 'app', namespace_id: group.id });
    // The mark alone, as the request's transaction writes it (the worker is not asked here).
    await db.query(`UPDATE namespaces SET delete_requested_at = now() WHERE id = $1`, [group.id]);
    await db.query(`UPDATE projects SET delete_requested_at = now() WHERE namespace_id = $1`, [group.id]);
    await expect(pushImage(registry, 'held-group/app', ['v1'])).rejects.toThrow();
    expect(await repositoryCount('held-group')).toBe(0);
    await db.query(`UPDATE namespaces SET delete_requested_at = NULL WHERE id = $1`, [group.id]);
    await db.query(`UPDATE projects SET delete_requested_at = NULL WHERE namespace_id = $1`, [group.id]);
  });

  it('modifies users as administrators only (PUT /users/:id)', async () => {
    const target = await api.createUser(admin, 'renamable');
    expect(await api.put(`/users/${target.id}`, outsider.auth, { name: 'Nope' })).toMatchObject({ status: 403 });
    expect(await api.put(`/users/${target.id}`, target.auth, { name: 'Self' })).toMatchObject({ status: 403 });
    expect(await api.put('/users/99999999', admin, { name: 'Nobody' })).toMatchObject({ status: 404 });

    const changed = await api.put(`/users/${target.id}`, admin, { name: 'Renamed Person', email: 'renamed@example.com', admin: true, bio: 'ignored' });
    expect(changed).toMatchObject({ status: 200, body: { id: target.id, name: 'Renamed Person', email: 'renamed@example.com', is_admin: true } });
    expect(await api.put(`/users/${target.id}`, admin, { email: 'not-an-email' })).toMatchObject({ status: 400 });
    expect(await api.put(`/users/${target.id}`, admin, { email: 'owner@example.com' })).toMatchObject({ status: 409 });
    expect(await api.put(`/users/${target.id}`, admin, { username: 'owner' })).toMatchObject({ status: 409 });

    // A username change moves the personal namespace and its projects while no image lives there.
    const project = (await api.post('/projects', target.auth, { path: 'tool' })).body;
    const renamed = await api.put(`/users/${target.id}`, admin, { username: 'renamed' });
    expect(renamed).toMatchObject({ status: 200, body: { username: 'renamed' } });
    expect((await api.get(`/projects/${project.id}`, admin)).body).toMatchObject({ path_with_namespace: 'renamed/tool' });
    await pushImage(registry, 'renamed/tool', ['v1']);
    expect(await api.put(`/users/${target.id}`, admin, { username: 'again' })).toMatchObject({ status: 400 });
    expect((await api.get(`/users/${target.id}`, admin)).body.username).toBe('renamed');
  });

  it('deletes a user: personal images through the worker, tokens stop working (204)', async () => {
    const project = (await api.post('/projects', doomed.auth, { path: 'mine' })).body;
    const doomedRegistry = new RegistrySession(platform.url, { username: 'doomed', password: doomed.token });
    const image = await pushImage(doomedRegistry, 'doomed/mine', ['v1']);
    const group = (await api.post('/groups', doomed.auth, { name: 'Solo', path: 'solo-owned' })).body;

    expect(await api.delete(`/users/${doomed.id}`, owner.auth)).toMatchObject({ status: 403 });
    expect(await api.delete('/users/99999999', admin)).toMatchObject({ status: 404 });
    // GitLab: the sole Owner of a group is kept unless hard_delete.
    expect(await api.delete(`/users/${doomed.id}`, admin)).toMatchObject({ status: 409 });
    expect((await api.get('/user', doomed.auth)).status).toBe(200);

    const deleted = await api.delete(`/users/${doomed.id}?hard_delete=true`, admin);
    expect(deleted.status).toBe(204);
    expect((await api.get('/user', doomed.auth)).status).toBe(401);

    await waitFor('the user to be gone', async () => ((await api.get(`/users/${doomed.id}`, admin)).status === 404 ? true : undefined));
    await waitFor('the solo-owned group to be gone', async () => ((await api.get(`/groups/${group.id}`, admin)).status === 404 ? true : undefined));
    expect((await api.get(`/projects/${project.id}`, admin)).status).toBe(404);
    expect(await repositoryCount('doomed')).toBe(0);
    expect((await blobsInReview([image.layerDigest])).length).toBe(1);
    expect(await auditEvents('user_destroyed')).toEqual([expect.objectContaining({ entity_id: String(doomed.id), author_id: expect.any(String) })]);
    expect(await auditEvents('user_deletion_requested')).toHaveLength(1);
  });
});
