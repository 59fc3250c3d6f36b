import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { createTestDatabase, locationPath, RegistrySession, seedProject, spawnProcess, startPlatform, TestDatabase, TestPlatform } from '@cargohold/testing';

/** Abandoned upload sessions are removed by the worker after UPLOAD_PURGE_AGE, bytes and row alike. */
describe('abandoned upload purge', () => {
  let db: TestDatabase;
  let platform: TestPlatform;

  beforeAll(async () => {
    db = await createTestDatabase();
    platform = await startPlatform({ databaseUrl: db.url, worker: false, env: { UPLOAD_PURGE_AGE: '3600' } });
    await seedProject(db, 'idle/app');
  });

  afterAll(async () => {
    await platform?.stop();
    await db?.drop();
  });

  it('removes sessions untouched for longer than the purge age and keeps recent ones', async () => {
    const registry = new RegistrySession(platform.url, { username: 'root', password: platform.adminToken });
    const open = async () => {
      const start = await registry.fetch(`${platform.url}/v2/idle/app/blobs/uploads/`, { method: 'POST' });
      const location = locationPath(start);
      const patch = await registry.fetch(`${platform.url}${location}`, { method: 'PATCH', body: Buffer.alloc(1000, 1), headers: { 'Content-Range': '0-999' } });
      expect(patch.status).toBe(202);
      return location.split('/').pop()!;
    };
    const stale = await open();
    const recent = await open();
    await db.query(`UPDATE uploads SET updated_at = now() - interval '2 hours' WHERE id = $1`, [stale]);
    const uploadDir = (id: string) => path.join(platform.dataDir, 'storage', 'uploads', id);
    expect(existsSync(uploadDir(stale))).toBe(true);

    // The worker purges once when it starts, then on its schedule.
    const worker = spawnProcess('worker', platform.env);
    try {
      const deadline = Date.now() + 30_000;
      while (Date.now() < deadline && (await db.query(`SELECT id FROM uploads WHERE id = $1`, [stale])).length > 0) {
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
      expect(await db.query(`SELECT id FROM uploads WHERE id = $1`, [stale])).toHaveLength(0);
      expect(existsSync(uploadDir(stale))).toBe(false);
      expect(await db.query(`SELECT id FROM uploads WHERE id = $1`, [recent])).toHaveLength(1);
      expect(existsSync(uploadDir(recent))).toBe(true);
      const status = await registry.fetch(`${platform.url}/v2/idle/app/blobs/uploads/${stale}`);
      expect(status.status).toBe(404);
    } finally {
      await worker.stop();
    }
  });
});
