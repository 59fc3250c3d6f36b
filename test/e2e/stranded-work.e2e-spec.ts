import { randomUUID } from 'node:crypto';
import { createTestDatabase, seedProject, spawnProcess, startPlatform, TestDatabase, TestPlatform } from '@cargohold/testing';
import { RestClient } from './iam-rest-client';
import { bearer, pushImage } from './reliability-support';
import { HookReceiver } from './webhooks-receiver';

/**
 * Work the database holds but no job carries: a webhook delivery committed by an api that died before queueing
 * it, and a repository marked delete_scheduled the same way (or jobs Redis lost, since it keeps nothing on
 * disk). The worker's RequeueStrandedWork job (at start, then every 5 minutes) puts back on the queue what has
 * not moved for 10 minutes, and only that.
 */
describe('stranded work is requeued by the worker', () => {
  let db: TestDatabase;
  let platform: TestPlatform;
  let receiver: HookReceiver;
  const admin = () => ({ token: platform.adminToken });

  beforeAll(async () => {
    db = await createTestDatabase();
    platform = await startPlatform({ databaseUrl: db.url, worker: false, env: { PULL_RATE_LIMIT_AUTHENTICATED: '0' } });
    receiver = await new HookReceiver().start();
  });

  afterAll(async () => {
    await receiver?.stop();
    await platform?.stop();
    await db?.drop();
  });

  it('delivers a lost webhook and finishes a lost repository delete, leaving recent work alone', async () => {
    const projectId = await seedProject(db, 'lost/app');
    const api = new RestClient(platform.url);
    expect((await api.put('/application/settings', admin(), { allow_local_requests_from_web_hooks_and_services: true })).status).toBe(200);
    const hook = await api.post(`/projects/${projectId}/hooks`, admin(), { url: receiver.url });
    expect(hook.status).toBe(201);

    // Two images in two repositories; no worker runs yet, so nothing is delivered or deleted behind our back.
    const auth = { Authorization: `Bearer ${await bearer(platform.url, 'root', platform.adminToken, ['repository:lost/app/gone:pull,push', 'repository:lost/app/kept:pull,push'])}` };
    const authed = (url: string, init?: RequestInit) => fetch(url, { ...init, headers: { ...auth, ...(init?.headers as Record<string, string>) } });
    await pushImage(platform.url, 'lost/app/gone', 'v1', authed);
    await pushImage(platform.url, 'lost/app/kept', 'v1', authed);
    await db.query(`DELETE FROM webhook_deliveries`); // the pushes' own deliveries were queued: not what is tested

    // What an api killed between its commit and its enqueue leaves behind, an hour ago and just now.
    const [lost, recent] = [randomUUID(), randomUUID()];
    for (const [uuid, age] of [[lost, '1 hour'], [recent, '0 seconds']]) {
      await db.query(
        `INSERT INTO webhook_deliveries (webhook_id, uuid, event, payload, created_at, updated_at)
         VALUES ($1, $2, 'image_pushed', '{"event_name":"image_pushed"}', now() - $3::interval, now() - $3::interval)`,
        [hook.body.id, uuid, age],
      );
    }
    await db.query(`UPDATE repositories SET status = 'delete_scheduled', updated_at = now() - interval '1 hour' WHERE path = 'lost/app/gone'`);
    await db.query(`UPDATE repositories SET status = 'delete_scheduled', updated_at = now() WHERE path = 'lost/app/kept'`);

    const worker = spawnProcess('worker', platform.env);
    try {
      // The lost delivery, and the repository_deleted event of the delete that now ran (queued the normal way).
      const received = await receiver.waitFor(2);
      expect(received.map((hook) => hook.body.event_name).sort()).toEqual(['image_pushed', 'repository_deleted']);
      expect(received.find((hook) => hook.body.event_name === 'image_pushed')!.headers['x-gitlab-event-uuid']).toBe(lost);
      await waitUntil(async () => (await db.query(`SELECT id FROM repositories WHERE path = 'lost/app/gone'`)).length === 0);
      await waitUntil(async () => (await db.query(`SELECT status FROM webhook_deliveries WHERE uuid = $1`, [lost]))[0].status === 'succeeded');

      // Recent work is left to the job the api is (presumably) still about to queue.
      await new Promise((resolve) => setTimeout(resolve, 1000));
      expect(receiver.received).toHaveLength(2);
      expect(await db.query(`SELECT status, attempts FROM webhook_deliveries WHERE uuid = $1`, [recent])).toEqual([{ status: 'pending', attempts: 0 }]);
      expect(await db.query(`SELECT status FROM repositories WHERE path = 'lost/app/kept'`)).toEqual([{ status: 'delete_scheduled' }]);
      expect(await db.query(`SELECT count(*)::int AS n FROM tags t JOIN repositories r ON r.id = t.repository_id WHERE r.path = 'lost/app/kept'`)).toEqual([{ n: 1 }]);
    } finally {
      await worker.stop();
    }
  });
});

async function waitUntil(condition: () => Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}
