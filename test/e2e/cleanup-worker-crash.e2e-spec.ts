import { randomBytes } from 'node:crypto';
import { createTestDatabase, pushBlob, putManifest, RegistrySession, spawnProcess, startPlatform, TestDatabase, TestPlatform } from '@cargohold/testing';
import { enc, RestClient } from './iam-rest-client';

const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
const TAGS = 20_000;

/** A worker killed with SIGKILL in the middle of a cleanup run: a new worker finishes it, deleting nothing that should stay. */
describe('cleanup run survives a worker crash', () => {
  let db: TestDatabase;
  let platform: TestPlatform;

  beforeAll(async () => {
    db = await createTestDatabase();
    platform = await startPlatform({ databaseUrl: db.url, worker: true, env: { CLEANUP_SCHEDULE_INTERVAL: '1' } });
  });

  afterAll(async () => {
    await platform?.stop();
    await db?.drop();
  });

  it('finishes the run after a restart with exactly the expected tags left', async () => {
    const api = new RestClient(platform.url);
    const admin = { token: platform.adminToken };
    const group = await api.post('/groups', admin, { name: 'Big', path: 'big' });
    await api.post('/projects', admin, { namespace_id: group.body.id, path: 'app', name: 'app' });
    const registry = new RegistrySession(platform.url, { username: 'root', password: platform.adminToken });
    const layer = await pushBlob(platform.url, 'big/app', randomBytes(32), registry.fetch);
    const manifest = JSON.stringify({
      schemaVersion: 2,
      mediaType: OCI_MANIFEST,
      config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: layer, size: 32 },
      layers: [],
    });
    expect((await putManifest(platform.url, 'big/app', 'latest', manifest, OCI_MANIFEST, registry.fetch)).status).toBe(201);
    // Many old tags at once, straight into the database: t-00001 is the newest, t-60000 the oldest.
    await db.query(
      `INSERT INTO tags (repository_id, name, manifest_id, created_at, updated_at)
       SELECT t.repository_id, 't-' || lpad(i::text, 5, '0'), t.manifest_id, now() - make_interval(days => 30, secs => i), now() - make_interval(days => 30, secs => i)
       FROM tags t, generate_series(1, ${TAGS}) AS i WHERE t.name = 'latest'`,
    );
    const set = await api.put(`/projects/${enc('big/app')}`, admin, {
      container_expiration_policy_attributes: { enabled: true, keep_n: 10, older_than: '7d', name_regex: 't-.*' },
    });
    expect(set.status).toBe(200);
    const run = await api.post(`/projects/${enc('big/app')}/registry/cleanup_policy/runs`, admin);
    expect(run.status).toBe(202);

    const count = async () => Number((await db.query<{ n: string }>(`SELECT count(*) AS n FROM tags`))[0].n);
    const deadline = Date.now() + 30_000;
    while (Date.now() < deadline && (await count()) > TAGS + 1 - 200) await new Promise((resolve) => setTimeout(resolve, 20));
    await platform.worker!.stop('SIGKILL');
    const afterKill = await count();
    expect(afterKill).toBeLessThan(TAGS + 1);
    expect(afterKill).toBeGreaterThan(11);

    const worker = spawnProcess('worker', platform.env);
    try {
      const finishBy = Date.now() + 90_000;
      let status = '';
      while (Date.now() < finishBy) {
        status = (await db.query<{ status: string }>(`SELECT status FROM cleanup_policy_runs WHERE id = $1`, [run.body.id]))[0].status;
        if (status === 'finished' || status === 'failed') break;
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
      expect(status).toBe('finished');
      const left = (await db.query<{ name: string }>(`SELECT name FROM tags ORDER BY name`)).map((row) => row.name);
      expect(left).toEqual(['latest', ...Array.from({ length: 10 }, (_, i) => `t-${String(i + 1).padStart(5, '0')}`)]);
    } finally {
      await worker.stop();
    }
  });
});
