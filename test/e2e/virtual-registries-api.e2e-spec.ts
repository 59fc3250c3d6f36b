import { createTestDatabase, startPlatform, TestDatabase, TestPlatform } from '@cargohold/testing';
import { Auth, RestClient } from './iam-rest-client';

const PASSWORD = 'upstream-pa55word-never-shown';
const VR = '/virtual_registries/container';

/**
 * GitLab's container virtual registry API and the group dependency proxy settings, end to end over fetch: permissions
 * (Guest reads, Maintainer manages, Owner purges the dependency proxy), limits and validation as GitLab answers them,
 * the SSRF guard on upstream URLs, credentials that are stored sealed and never returned.
 */
describe('container virtual registries: REST API', () => {
  let db: TestDatabase;
  let platform: TestPlatform;
  let api: RestClient;
  let groupId: number;
  let maintainer: { auth: Auth; id: number };
  let guest: { auth: Auth; id: number };
  let outsider: { auth: Auth; id: number };
  const admin = () => ({ token: platform.adminToken });
  const patch = (path: string, auth: Auth, body: unknown) => api.request('PATCH', path, auth, body);

  beforeAll(async () => {
    db = await createTestDatabase();
    platform = await startPlatform({ databaseUrl: db.url, worker: false });
    api = new RestClient(platform.url);
    const group = await api.post('/groups', admin(), { name: 'Proxy', path: 'proxy' });
    expect(group.status).toBe(201);
    groupId = group.body.id;
    maintainer = await api.createUser(admin(), 'vr-maintainer');
    guest = await api.createUser(admin(), 'vr-guest');
    outsider = await api.createUser(admin(), 'vr-outsider');
    expect((await api.post(`/groups/${groupId}/members`, admin(), { user_id: maintainer.id, access_level: 40 })).status).toBe(201);
    expect((await api.post(`/groups/${groupId}/members`, admin(), { user_id: guest.id, access_level: 10 })).status).toBe(201);
  });

  afterAll(async () => {
    await platform?.stop();
    await db?.drop();
  });

  const createRegistry = async (name: string) => {
    const created = await api.post(`/groups/${groupId}/-/virtual_registries/container/registries`, maintainer.auth, { name, description: `${name} registry` });
    expect(created.status).toBe(201);
    return created.body.id as number;
  };

  it('creates, lists, reads, updates and limits registries with the documented permissions', async () => {
    const path = `/groups/proxy/-/virtual_registries/container/registries`;
    expect((await api.post(path, guest.auth, { name: 'nope' })).status).toBe(403);
    expect((await api.post(path, maintainer.auth, {})).body).toEqual({ error: 'name is missing' });
    const id = await createRegistry('first');
    const listed = await api.get(path, guest.auth);
    expect(listed.status).toBe(200);
    expect(listed.body).toEqual([expect.objectContaining({ id, group_id: groupId, name: 'first', description: 'first registry' })]);
    expect((await api.get(path, outsider.auth)).status).toBe(404);
    expect((await api.get(`${VR}/registries/${id}`, outsider.auth)).status).toBe(404);
    const one = await api.get(`${VR}/registries/${id}`, guest.auth);
    expect(one.body).toMatchObject({ id, name: 'first', registry_upstreams: [] });
    expect((await patch(`${VR}/registries/${id}`, guest.auth, { name: 'x' })).status).toBe(403);
    expect((await patch(`${VR}/registries/${id}`, maintainer.auth, {})).status).toBe(400);
    const renamed = await patch(`${VR}/registries/${id}`, maintainer.auth, { name: 'renamed' });
    expect(renamed.status).toBe(200);
    expect(renamed.body.name).toBe('renamed');
    expect((await api.post(path, maintainer.auth, { name: 'renamed' })).body).toEqual({ message: { name: ['has already been taken'] } });

    for (const name of ['two', 'three', 'four', 'five']) await createRegistry(name);
    const sixth = await api.post(path, maintainer.auth, { name: 'six' });
    expect(sixth.status).toBe(400);
    expect(sixth.body).toEqual({ message: { group: ['5 registries is the maximum allowed per group.'] } });
    for (const registry of (await api.get(path, maintainer.auth)).body.filter((r: { name: string }) => r.name !== 'renamed')) {
      expect((await api.delete(`${VR}/registries/${registry.id}`, maintainer.auth)).status).toBe(204);
    }
    expect((await api.get(path, maintainer.auth)).body).toHaveLength(1);
  });

  it('refuses subgroups: virtual registries belong to top-level groups', async () => {
    const sub = await api.post('/groups', admin(), { name: 'Sub', path: 'sub', parent_id: groupId });
    expect(sub.status).toBe(201);
    const refused = await api.get(`/groups/${sub.body.id}/-/virtual_registries/container/registries`, admin());
    expect(refused.status).toBe(400);
  });

  describe('upstreams', () => {
    let registryId: number;
    beforeAll(async () => {
      registryId = await createRegistry('ups');
    });

    it('guards upstream URLs like webhook URLs until local requests are allowed', async () => {
      const refused = await api.post(`${VR}/registries/${registryId}/upstreams`, maintainer.auth, { url: 'http://127.0.0.1:5999', name: 'local' });
      expect(refused.status).toBe(400);
      expect(refused.body.message.url[0]).toMatch(/is blocked: Requests to localhost are not allowed/);
      expect((await api.post(`${VR}/registries/${registryId}/upstreams`, maintainer.auth, { url: 'ftp://example.com', name: 'ftp' })).status).toBe(400);
      expect((await api.put('/application/settings', admin(), { allow_local_requests_from_web_hooks_and_services: true })).status).toBe(200);
    });

    it('takes username and password together or not at all, and never shows the password', async () => {
      const base = `${VR}/registries/${registryId}/upstreams`;
      const alone = await api.post(base, maintainer.auth, { url: 'http://127.0.0.1:5001', name: 'half', username: 'bob' });
      expect(alone.status).toBe(400);
      expect(alone.body).toEqual({ message: { password: ["can't be blank"] } });
      expect((await api.post(base, maintainer.auth, { url: 'http://127.0.0.1:5001', name: 'half', password: 'x' })).body).toEqual({
        message: { username: ["can't be blank"] },
      });
      const created = await api.post(base, maintainer.auth, { url: 'http://127.0.0.1:5001/', name: 'private', username: 'bob', password: PASSWORD, cache_validity_hours: 48 });
      expect(created.status).toBe(201);
      expect(created.body).toMatchObject({
        group_id: groupId,
        url: 'http://127.0.0.1:5001',
        name: 'private',
        cache_validity_hours: 48,
        username: 'bob',
        registry_upstream: { registry_id: registryId, position: 1 },
      });
      expect(created.body.password).toBeUndefined();
      const id = created.body.id;
      const seen = JSON.stringify([
        await api.get(`${VR}/upstreams/${id}`, guest.auth),
        await api.get(base, guest.auth),
        await api.get(`/groups/${groupId}/-/virtual_registries/container/upstreams`, guest.auth),
      ]);
      expect(seen).not.toContain(PASSWORD);
      const [row] = await db.query<{ password_sealed: Buffer }>(`SELECT password_sealed FROM container_upstreams WHERE id = $1`, [id]);
      expect(row.password_sealed.toString('latin1')).not.toContain(PASSWORD);
      // Same URL and credentials twice in a group: refused; other credentials: fine.
      const twice = await api.post(base, maintainer.auth, { url: 'http://127.0.0.1:5001', name: 'again', username: 'bob', password: PASSWORD });
      expect(twice.body).toEqual({ message: { group: ['already has an upstream with the same URL and credentials'] } });
      const anonymous = await api.post(base, maintainer.auth, { url: 'http://127.0.0.1:5001', name: 'anonymous' });
      expect(anonymous.status).toBe(201);
      expect(anonymous.body.username).toBeNull();
      // A new URL without new credentials drops the old ones.
      const moved = await patch(`${VR}/upstreams/${id}`, maintainer.auth, { url: 'http://127.0.0.1:5002' });
      expect(moved.status).toBe(200);
      expect(moved.body).toMatchObject({ url: 'http://127.0.0.1:5002', username: null });
      expect((await patch(`${VR}/upstreams/${id}`, maintainer.auth, { cache_validity_hours: -1 })).status).toBe(400);
      expect((await patch(`${VR}/upstreams/${id}`, guest.auth, { name: 'x' })).status).toBe(403);
    });

    it('orders upstreams by position, at most 5 per registry, contiguous after moves and removals', async () => {
      const registry = await createRegistry('ordered');
      const ids: number[] = [];
      for (let i = 0; i < 5; i++) {
        const created = await api.post(`${VR}/registries/${registry}/upstreams`, maintainer.auth, { url: `http://127.0.0.1:${6000 + i}`, name: `u${i}` });
        expect(created.status).toBe(201);
        expect(created.body.registry_upstream.position).toBe(i + 1);
        ids.push(created.body.id);
      }
      const sixth = await api.post(`${VR}/registries/${registry}/upstreams`, maintainer.auth, { url: 'http://127.0.0.1:6010', name: 'u6' });
      expect(sixth.status).toBe(400);
      expect(sixth.body).toEqual({ message: { registry: ['5 upstreams is the maximum allowed per registry.'] } });

      const associations = (await api.get(`${VR}/registries/${registry}`, guest.auth)).body.registry_upstreams;
      expect(associations.map((a: { upstream_id: number }) => a.upstream_id)).toEqual(ids);
      const last = associations[4].id;
      expect((await patch(`${VR}/registry_upstreams/${last}`, maintainer.auth, { position: 21 })).body).toEqual({ error: 'position does not have a valid value' });
      const moved = await patch(`${VR}/registry_upstreams/${last}`, maintainer.auth, { position: 1 });
      expect(moved.status).toBe(200);
      expect(moved.body).toEqual({ id: last, registry_id: registry, upstream_id: ids[4], position: 1 });
      const order = async () => (await api.get(`${VR}/registries/${registry}/upstreams`, guest.auth)).body.map((u: any) => [u.id, u.registry_upstream.position]);
      expect(await order()).toEqual([ids[4], ids[0], ids[1], ids[2], ids[3]].map((id, i) => [id, i + 1]));

      expect((await api.delete(`${VR}/upstreams/${ids[0]}`, maintainer.auth)).status).toBe(204);
      expect(await order()).toEqual([ids[4], ids[1], ids[2], ids[3]].map((id, i) => [id, i + 1]));

      // Shared with a second registry, then the first registry goes: the shared upstream stays.
      const other = await createRegistry('other');
      const association = await api.post(`${VR}/registry_upstreams`, maintainer.auth, { registry_id: other, upstream_id: ids[4] });
      expect(association.status).toBe(201);
      expect(association.body).toMatchObject({ registry_id: other, upstream_id: ids[4], position: 1 });
      expect((await api.post(`${VR}/registry_upstreams`, maintainer.auth, { registry_id: other, upstream_id: ids[4] })).status).toBe(400);
      expect((await api.get(`${VR}/upstreams/${ids[4]}`, guest.auth)).body.registry_upstreams).toHaveLength(2);
      expect((await api.delete(`${VR}/registries/${registry}`, maintainer.auth)).status).toBe(204);
      expect((await api.get(`${VR}/upstreams/${ids[4]}`, guest.auth)).status).toBe(200);
      expect((await api.get(`${VR}/upstreams/${ids[1]}`, guest.auth)).status).toBe(404);
      expect((await api.delete(`${VR}/registry_upstreams/${association.body.id}`, maintainer.auth)).status).toBe(204);
      expect((await api.get(`${VR}/registries/${other}`, guest.auth)).body.registry_upstreams).toEqual([]);
      await api.delete(`${VR}/registries/${other}`, maintainer.auth);
    });

    it('lists cache entries (paginated) and answers 404 for an unknown entry id', async () => {
      const upstreams = await api.get(`/groups/${groupId}/-/virtual_registries/container/upstreams?per_page=1&upstream_name=anonym`, guest.auth);
      expect(upstreams.status).toBe(200);
      expect(upstreams.body.map((u: { name: string }) => u.name)).toEqual(['anonymous']);
      expect(upstreams.headers.get('x-total')).toBe('1');
      const entries = await api.get(`${VR}/upstreams/${upstreams.body[0].id}/cache_entries`, guest.auth);
      expect(entries.status).toBe(200);
      expect(entries.body).toEqual([]);
      const missing = Buffer.from(`${upstreams.body[0].id} library/alpine/manifests/latest`).toString('base64');
      expect((await api.delete(`${VR}/cache_entries/${missing}`, maintainer.auth)).status).toBe(404);
      expect((await api.delete(`${VR}/cache_entries/not-base64!`, maintainer.auth)).status).toBe(404);
      expect((await api.delete(`${VR}/upstreams/${upstreams.body[0].id}/cache`, maintainer.auth)).status).toBe(204);
    });
  });

  describe('dependency proxy settings', () => {
    it('shows the defaults, takes the Docker Hub identity and secret together, never returns the secret', async () => {
      const defaults = await api.get(`/groups/${groupId}/dependency_proxy`, guest.auth);
      expect(defaults.status).toBe(200);
      expect(defaults.body).toEqual({
        enabled: true,
        identity: null,
        image_ttl_policy: { enabled: true, ttl: 90 },
        image_prefix: `127.0.0.1:${platform.port}/proxy/dependency_proxy/containers`,
        total_size_bytes: 0,
      });
      expect((await api.put(`/groups/${groupId}/dependency_proxy`, guest.auth, { enabled: false })).status).toBe(403);
      expect((await api.put(`/groups/${groupId}/dependency_proxy`, maintainer.auth, { identity: 'hubuser' })).body).toEqual({ message: { secret: ["can't be blank"] } });
      expect((await api.put(`/groups/${groupId}/dependency_proxy`, maintainer.auth, { image_ttl_policy: { ttl: 0 } })).status).toBe(400);
      const updated = await api.put(`/groups/${groupId}/dependency_proxy`, maintainer.auth, {
        enabled: false,
        identity: 'hubuser',
        secret: PASSWORD,
        image_ttl_policy: { enabled: false, ttl: 14 },
      });
      expect(updated.status).toBe(200);
      expect(updated.body).toMatchObject({ enabled: false, identity: 'hubuser', image_ttl_policy: { enabled: false, ttl: 14 } });
      expect(JSON.stringify(await api.get(`/groups/${groupId}/dependency_proxy`, guest.auth))).not.toContain(PASSWORD);
      // The dependency proxy is not one of the group's virtual registry upstreams.
      const upstreams = await api.get(`/groups/${groupId}/-/virtual_registries/container/upstreams`, maintainer.auth);
      expect(upstreams.body.map((u: { name: string }) => u.name)).not.toContain('Dependency Proxy');
    });

    it('purges for Owners only', async () => {
      expect((await api.delete(`/groups/${groupId}/dependency_proxy/cache`, maintainer.auth)).status).toBe(403);
      expect((await api.delete(`/groups/${groupId}/dependency_proxy/cache`, admin())).status).toBe(202);
    });
  });
});
