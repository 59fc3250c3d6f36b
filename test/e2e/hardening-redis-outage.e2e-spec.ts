import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { EmbeddedServer, startEmbeddedRedis } from '@cargohold/embedded';
import { createTestDatabase, RegistrySession, startPlatform, TestDatabase, TestPlatform } from '@cargohold/testing';
import { enc, RestClient } from './iam-rest-client';
import { pushImage } from './reliability-support';
import { HookReceiver } from './webhooks-receiver';

/**
 * Redis on request paths, and durable registry events (issue #18, finding 2 and the outbox), on a private
 * embedded Redis (never the machine's):
 * - the audit row and the webhook delivery rows of a push commit in the transaction of the tag (same xmin);
 * - with Redis stopped, a push into a project with a webhook, a /v2/ tag delete, a REST repository delete, a REST
 *   bulk tag delete, a manual cleanup run and a hook test all answer within a generous bound (the first used to
 *   hang forever);
 * - the api is then killed with SIGKILL, so nothing it might still hold in memory can help; once Redis is back
 *   the worker's stranded-work requeuer queues what the rows say is due: every delivery arrives, both deletes
 *   complete and the cleanup run finishes;
 * - a second api that lived through the outage queues jobs itself again once Redis is back (not only through
 *   the requeuer).
 */
describe('hardening: Redis outage on request paths, durable events', () => {
  let work: string;
  let db: TestDatabase;
  let redis: EmbeddedServer;
  let platform: TestPlatform;
  let api: RestClient;
  let registry: RegistrySession;
  let receiver: HookReceiver;
  let projectId: number;
  const quiet = () => undefined;
  const admin = () => ({ token: platform.adminToken });

  /** A request must be answered (not hang) within the budget. */
  const timed = async <T>(what: string, run: () => Promise<T>, budgetMs = 8000): Promise<T> => {
    const started = Date.now();
    let timer: NodeJS.Timeout | undefined;
    const hung = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${what} did not answer within ${budgetMs} ms`)), budgetMs);
    });
    try {
      const result = await Promise.race([run(), hung]);
      expect(Date.now() - started).toBeLessThan(budgetMs);
      return result;
    } finally {
      clearTimeout(timer);
    }
  };
  const repositoryId = async (repositoryPath: string): Promise<number> => {
    const listed = await api.get(`/projects/${enc('ops/app')}/registry/repositories`, admin());
    expect(listed.status).toBe(200);
    return listed.body.find((r: { path: string }) => r.path === repositoryPath).id;
  };
  const eventually = async (what: string, check: () => Promise<boolean>, timeoutMs = 60_000) => {
    const deadline = Date.now() + timeoutMs;
    while (!(await check())) {
      if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs} ms`);
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  };

  beforeAll(async () => {
    work = mkdtempSync(path.join(tmpdir(), 'redis-outage-'));
    [db, redis] = await Promise.all([createTestDatabase(), startEmbeddedRedis(path.join(work, 'redis'), quiet)]);
    platform = await startPlatform({
      databaseUrl: db.url,
      worker: true,
      // Work left without its job is requeued 2 s after it was recorded (checked every 5 s); retries are quick.
      env: { REDIS_URL: redis.url, STRANDED_WORK_AFTER: '2', WEBHOOK_RETRY_BASE_DELAY_MS: '200' },
    });
    api = new RestClient(platform.url);
    registry = new RegistrySession(platform.url, { username: 'root', password: platform.adminToken });
    expect((await api.put('/application/settings', admin(), { allow_local_requests_from_web_hooks_and_services: true })).status).toBe(200);
    const group = await api.post('/groups', admin(), { name: 'Ops', path: 'ops' });
    const project = await api.post('/projects', admin(), { namespace_id: group.body.id, path: 'app', name: 'app' });
    expect(project.status).toBe(201);
    projectId = project.body.id;
    await pushImage(platform.url, 'ops/app', 'old', registry.fetch);
    await pushImage(platform.url, 'ops/app/gone', 'v1', registry.fetch);
    for (const tag of ['b1', 'b2', 'b3']) await pushImage(platform.url, 'ops/app/bulk', tag, registry.fetch);
    // A policy that deletes nothing, for a manual run; its schedule is a day away.
    const policy = { enabled: true, cadence: '1d', keep_n: 1, name_regex: 'none-such' };
    expect((await api.put(`/projects/${projectId}`, admin(), { container_expiration_policy_attributes: policy })).status).toBe(200);
    receiver = await new HookReceiver().start();
    expect((await api.post(`/projects/${projectId}/hooks`, admin(), { url: receiver.url })).status).toBe(201);
  }, 180_000);

  afterAll(async () => {
    await receiver?.stop();
    await platform?.stop();
    await redis?.stop();
    await db?.drop();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it('writes the audit row and the webhook delivery in the transaction that moves the tag', async () => {
    await pushImage(platform.url, 'ops/app', 'together', registry.fetch);
    const [tag] = await db.query<{ xmin: string }>(
      `SELECT t.xmin::text AS xmin FROM tags t JOIN repositories r ON r.id = t.repository_id WHERE r.path = 'ops/app' AND t.name = 'together'`,
    );
    const audits = await db.query<{ xmin: string }>(`SELECT xmin::text AS xmin FROM audit_events WHERE event_name = 'image_pushed' AND target_id = 'ops/app:together'`);
    const deliveries = await db.query<{ xmin: string }>(`SELECT xmin::text AS xmin FROM webhook_deliveries WHERE payload->>'tag' = 'together'`);
    expect(audits).toEqual([{ xmin: tag.xmin }]);
    expect(deliveries).toEqual([{ xmin: tag.xmin }]);
    await receiver.waitFor(1);
  });

  it('answers pushes, deletes, cleanup runs and hook tests while Redis is down; after a kill -9 of the api the worker finishes the work once Redis is back, and a surviving api queues by itself again', async () => {
    const goneId = await repositoryId('ops/app/gone');
    const bulkId = await repositoryId('ops/app/bulk');
    const hooks = await api.get(`/projects/${projectId}/hooks`, admin());
    const hookId = hooks.body[0].id as number;
    const deliveredBefore = receiver.received.length;
    const [{ last }] = await db.query<{ last: number }>(`SELECT coalesce(max(id), 0)::int AS last FROM webhook_deliveries`);
    await registry.fetch('/v2/ops/app/tags/list'); // a token for pull,push before Redis goes
    // A second api, which lives through the outage (the first is killed below).
    const replica = await platform.startApiReplica();
    const replicaApi = new RestClient(replica.url);

    await redis.stop();

    const pushed = await timed('manifest PUT', () => pushImage(platform.url, 'ops/app', 'during-outage', registry.fetch));
    const tagDelete = await timed('/v2/ tag DELETE', () => registry.fetch('/v2/ops/app/manifests/old', { method: 'DELETE' }));
    expect(tagDelete.status).toBe(202);
    const repositoryDelete = await timed('REST repository DELETE', () => api.delete(`/projects/${projectId}/registry/repositories/${goneId}`, admin()));
    expect(repositoryDelete.status).toBe(202);
    const bulkDelete = await timed('REST bulk tag delete', () =>
      api.request('DELETE', `/projects/${projectId}/registry/repositories/${bulkId}/tags`, admin(), { name_regex_delete: 'b.*' }),
    );
    expect(bulkDelete.status).toBe(202);
    const cleanupRun = await timed('manual cleanup run', () => replicaApi.post(`/projects/${projectId}/registry/cleanup_policy/runs`, admin()));
    expect(cleanupRun.status).toBe(202);
    const hookTest = await timed('hook test', () => replicaApi.post(`/projects/${projectId}/hooks/${hookId}/test/registry_events`, admin()));
    expect(hookTest.status).toBe(201);

    // Everything the worker must do is in PostgreSQL, committed with the changes.
    const pending = await db.query<{ event: string; tag: string | null }>(
      `SELECT event, payload->>'tag' AS tag FROM webhook_deliveries WHERE id > $1 AND status = 'pending' ORDER BY id`,
      [last],
    );
    expect(pending).toEqual([
      { event: 'image_pushed', tag: 'during-outage' },
      { event: 'tag_deleted', tag: 'old' },
      { event: 'test', tag: 'latest' },
    ]);
    const audited = await db.query<{ event_name: string; target_id: string }>(
      `SELECT event_name, target_id FROM audit_events WHERE event_name IN ('image_pushed', 'tag_deleted') ORDER BY id DESC LIMIT 2`,
    );
    expect(audited).toEqual([
      { event_name: 'tag_deleted', target_id: 'ops/app:old' },
      { event_name: 'image_pushed', target_id: 'ops/app:during-outage' },
    ]);
    expect(await db.query(`SELECT repository_id::int FROM bulk_tag_delete_requests`)).toEqual([{ repository_id: bulkId }]);
    expect(platform.api.child.exitCode).toBeNull();

    // Nothing the api still holds may matter: kill it, then bring Redis back on the same port.
    platform.api.child.kill('SIGKILL');
    await platform.api.exited;
    redis = await startEmbeddedRedis(path.join(work, 'redis'), quiet);

    const received = await receiver.waitFor(deliveredBefore + 5, 90_000);
    const events = received.slice(deliveredBefore).map((hook) => `${hook.body.event_name}:${hook.body.tag ?? hook.body.repository?.path ?? '-'}`);
    expect(events.sort()).toEqual(['cleanup_finished:-', 'image_pushed:during-outage', 'repository_deleted:ops/app/gone', 'tag_deleted:old', 'test:latest']);
    expect(await db.query(`SELECT status FROM cleanup_policy_runs WHERE id = $1`, [cleanupRun.body.id])).toEqual([{ status: 'finished' }]);
    expect(received.find((hook) => hook.body.tag === 'during-outage')?.body.digest).toBe(pushed.digest);
    await eventually('bulk delete done', async () => (await db.query(`SELECT 1 FROM bulk_tag_delete_requests`)).length === 0);
    const bulkTags = await db.query(`SELECT name FROM tags WHERE repository_id = $1`, [bulkId]);
    expect(bulkTags).toEqual([]);
    expect(await db.query(`SELECT id FROM repositories WHERE id = $1`, [goneId])).toEqual([]);
    expect(await db.query(`SELECT id FROM webhook_deliveries WHERE status <> 'succeeded'`)).toEqual([]);

    // The replica's own producer reconnects: a push answered quickly has its delivery job in Redis at once,
    // before the requeuer could have queued it (it waits until a row is STRANDED_WORK_AFTER = 2 s old).
    const replicaRegistry = new RegistrySession(replica.url, { username: 'root', password: platform.adminToken });
    let attempt = 0;
    await eventually('the replica queues deliveries itself', async () => {
      const tag = `after-outage-${attempt++}`;
      const started = Date.now();
      await pushImage(replica.url, 'ops/app', tag, replicaRegistry.fetch);
      const answeredMs = Date.now() - started;
      const [row] = await db.query<{ id: number }>(`SELECT id::int FROM webhook_deliveries WHERE payload->>'tag' = $1`, [tag]);
      const key = `${platform.env.REDIS_PREFIX}:webhooks:webhook-delivery-${row.id}`;
      const { hostname, port, password } = new URL(redis.url);
      const cli = ['-h', hostname, '-p', port, '-a', decodeURIComponent(password), '--no-auth-warning'];
      const exists = execFileSync('redis-cli', [...cli, 'EXISTS', key]).toString().trim();
      return answeredMs < 1500 && exists === '1';
    });
    await replica.process.stop();
  }, 240_000);
});
