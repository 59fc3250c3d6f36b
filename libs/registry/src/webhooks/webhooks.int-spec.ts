import { createServer, IncomingHttpHeaders, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { MEDIA_TYPE_OCI_CONFIG, MEDIA_TYPE_OCI_MANIFEST } from '../domain';
import { ManifestService } from '../manifest.service';
import { createRegistryFixture, describeBytes, imageManifest, PUBLIC_URL, pushImageParts, RegistryFixture, seedRegistryProject } from '../registry-integration.spec-helper';
import { UploadService } from '../upload.service';
import { WebhookDeliverer } from './webhook-deliverer';
import { SIGNATURE_HEADER, verifyWebhookSignature } from './webhook-signature';
import { WebhookRepository } from './webhook.repository';

interface Received {
  headers: IncomingHttpHeaders;
  body: string;
}

/**
 * Webhooks against PostgreSQL with the real schema and a real HTTP receiver: hooks as rows, the outbox writing one
 * delivery row per matching hook in the push's transaction, and the deliverer recording each attempt on its row.
 */
describe('webhooks: repository, outbox and deliverer (integration)', () => {
  let fixture: RegistryFixture;
  let receiver: Server;
  let receiverUrl: string;
  const received: Received[] = [];
  let answer = 200;
  const hooks = new WebhookRepository();
  const ids: Record<string, number> = {};
  let deliverer: WebhookDeliverer;

  beforeAll(async () => {
    fixture = await createRegistryFixture();
    ids.app = await seedRegistryProject(fixture, 'corp/team/app');
    ids.other = await seedRegistryProject(fixture, 'corp/other');
    for (const { id, full_path } of await fixture.env.query<{ id: number; full_path: string }>(`SELECT id, full_path FROM namespaces`)) ids[full_path] = id;
    receiver = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        received.push({ headers: request.headers, body: Buffer.concat(chunks).toString('utf8') });
        response.writeHead(answer, { 'content-type': 'text/plain' }).end(answer === 200 ? 'ok' : 'receiver is down');
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
    deliverer = new WebhookDeliverer(fixture.env.dataSource, hooks, {
      timeoutMs: 2000,
      instanceUrl: PUBLIC_URL,
      disableAfter: { temporaryAfter: 2, permanentAfter: 4 },
    });
  });
  afterAll(async () => {
    await new Promise((resolve) => receiver?.close(resolve));
    await fixture?.close();
  });

  const db = () => fixture.ctx.db.manager;
  const q = <T extends object = Record<string, unknown>>(sql: string, params?: unknown[]) => fixture.env.query<T>(sql, params);
  const deliveryRow = async (id: number) =>
    (await q<{ status: string; attempts: number; response_status: number | null; last_error: string | null; delivered: boolean }>(
      `SELECT status, attempts, response_status, last_error, delivered_at IS NOT NULL AS delivered FROM webhook_deliveries WHERE id = $1`,
      [id],
    ))[0];

  it('keeps hooks per owner: insert, list, update (which re-enables) and delete see only the owner’s rows', async () => {
    const owner = { kind: 'project' as const, id: ids.other };
    const created = await hooks.insert(db(), owner, { url: 'https://hooks.example.com/a', name: 'a', token: 'secret', flags: { push_events: true } });
    expect(created).toMatchObject({ projectId: ids.other, groupId: null, url: 'https://hooks.example.com/a', hasToken: true, registryEvents: true, flags: { push_events: true }, recentFailures: 0 });
    expect(created.createdAt).toBeInstanceOf(Date);
    expect(await hooks.find(db(), { kind: 'group', id: ids.corp }, created.id)).toBeNull();

    await q(`UPDATE webhooks SET recent_failures = 7, permanently_disabled = true WHERE id = $1`, [created.id]);
    const updated = await hooks.update(db(), owner, created.id, { name: 'renamed', token: null, flags: { tag_push_events: false } });
    expect(updated).toMatchObject({ name: 'renamed', hasToken: false, recentFailures: 0, permanentlyDisabled: false, flags: { push_events: true, tag_push_events: false } });
    expect(await hooks.update(db(), { kind: 'project', id: ids.app }, created.id, { name: 'x' })).toBeNull();

    expect(await hooks.list(db(), owner, 10, 0)).toEqual({ items: [updated], total: 1 });
    expect(await hooks.delete(db(), { kind: 'project', id: ids.app }, created.id)).toBe(false);
    expect(await hooks.delete(db(), owner, created.id)).toBe(true);
    expect(await hooks.list(db(), owner, 10, 0)).toEqual({ items: [], total: 0 });
  });

  it('records one delivery per matching hook in the push’s transaction, and queues them after the commit', async () => {
    const projectHook = await hooks.insert(db(), { kind: 'project', id: ids.app }, { url: receiverUrl, token: 'project-secret' });
    const groupHook = await hooks.insert(db(), { kind: 'group', id: ids.corp }, { url: receiverUrl }); // an ancestor group
    await hooks.insert(db(), { kind: 'project', id: ids.app }, { url: receiverUrl, registryEvents: false });
    const disabled = await hooks.insert(db(), { kind: 'group', id: ids['corp/team'] }, { url: receiverUrl });
    await q(`UPDATE webhooks SET disabled_until = now() + interval '1 hour' WHERE id = $1`, [disabled.id]);
    await hooks.insert(db(), { kind: 'project', id: ids.other }, { url: receiverUrl }); // another project

    const uploads = new UploadService(fixture.ctx);
    const image = await pushImageParts(uploads, 'corp/team/app', 'hooked');
    fixture.queued.length = 0;
    const { digest } = await new ManifestService(fixture.ctx).put('corp/team/app', 'v1', image.manifest, MEDIA_TYPE_OCI_MANIFEST, { kind: 'user', id: 42, name: 'alice' });

    const rows = await q<{ id: number; webhook_id: number; event: string; status: string; payload: Record<string, unknown> }>(
      `SELECT id, webhook_id, event, status, payload FROM webhook_deliveries ORDER BY id`,
    );
    expect(rows.map((row) => [row.webhook_id, row.event, row.status])).toEqual([
      [projectHook.id, 'image_pushed', 'pending'],
      [groupHook.id, 'image_pushed', 'pending'],
    ]);
    expect(fixture.queued).toEqual(rows.map((row) => row.id));
    expect(rows[0].payload).toMatchObject({
      object_kind: 'registry',
      event_name: 'image_pushed',
      project: { id: ids.app, path_with_namespace: 'corp/team/app', web_url: `${PUBLIC_URL}/corp/team/app` },
      repository: { path: 'corp/team/app', location: 'registry.example.test/corp/team/app' },
      tag: 'v1',
      digest,
      actor: { kind: 'user', id: 42, name: 'alice' },
      pull_command: 'docker pull registry.example.test/corp/team/app:v1',
    });
    expect(await q(`SELECT author_id, author_name, event_name, target_id FROM audit_events WHERE event_name = 'image_pushed'`)).toEqual([
      { author_id: 42, author_name: 'alice', event_name: 'image_pushed', target_id: 'corp/team/app:v1' },
    ]);

    // A push that fails writes neither the audit row nor deliveries: they share its transaction.
    const unpushed = imageManifest({ config: describeBytes(MEDIA_TYPE_OCI_CONFIG, 'never pushed'), layers: [] });
    await expect(new ManifestService(fixture.ctx).put('corp/team/app', 'v2', unpushed, MEDIA_TYPE_OCI_MANIFEST)).rejects.toMatchObject({ code: 'MANIFEST_BLOB_UNKNOWN' });
    expect(await q(`SELECT count(*)::int AS n FROM webhook_deliveries`)).toEqual([{ n: 2 }]);
    expect(await q(`SELECT count(*)::int AS n FROM audit_events`)).toEqual([{ n: 1 }]);

    // Found by the stranded-work requeuer when no attempt touched them for a while.
    await q(`UPDATE webhook_deliveries SET updated_at = now() - interval '1 hour'`);
    expect(await hooks.listStrandedDeliveries(db(), 600, 10)).toEqual(rows.map((row) => row.id));
    const listed = await hooks.listDeliveries(db(), projectHook.id, { status: 'pending' }, 10, 0);
    expect(listed.total).toBe(1);
    expect(listed.items[0]).toMatchObject({ id: rows[0].id, webhookId: projectHook.id, event: 'image_pushed', status: 'pending', attempts: 0, deliveredAt: null });
    expect(listed.items[0].createdAt).toBeInstanceOf(Date);
  });

  it('delivers to the receiver: signed body, stable idempotency key, and the attempt recorded on the row', async () => {
    const [delivery] = await q<{ id: number; uuid: string; payload: unknown }>(
      `SELECT d.id, d.uuid, d.payload FROM webhook_deliveries d JOIN webhooks w ON w.id = d.webhook_id WHERE w.token = 'project-secret'`,
    );
    // Local addresses are refused unless the administrator allows them: the delivery fails for good, nothing is sent.
    expect(await hooks.allowLocalRequests(db())).toBe(false);
    received.length = 0;
    expect(await deliverer.attempt(delivery.id, 1, false)).toMatchObject({ outcome: 'done' });
    expect(received).toEqual([]);
    expect(await deliveryRow(delivery.id)).toMatchObject({ status: 'failed', attempts: 1 });

    await hooks.setAllowLocalRequests(db(), true);
    expect(await hooks.allowLocalRequests(db())).toBe(true);
    await q(`UPDATE webhook_deliveries SET status = 'pending' WHERE id = $1`, [delivery.id]);
    expect(await deliverer.attempt(delivery.id, 2, false)).toEqual({ outcome: 'delivered', status: 200 });
    expect(received).toHaveLength(1);
    const [{ headers, body }] = received;
    expect(JSON.parse(body)).toEqual(delivery.payload);
    expect(headers['x-gitlab-token']).toBe('project-secret');
    expect(headers['idempotency-key']).toBe(delivery.uuid);
    expect(headers['x-gitlab-event']).toBe('Registry Hook');
    expect(verifyWebhookSignature(body, 'project-secret', headers[SIGNATURE_HEADER.toLowerCase()] as string)).toBe(true);
    expect(await deliveryRow(delivery.id)).toMatchObject({ status: 'succeeded', attempts: 2, response_status: 200, last_error: null, delivered: true });
    // Delivered once: a retried job does not send it again.
    expect(await deliverer.attempt(delivery.id, 3, false)).toEqual({ outcome: 'done', reason: 'already delivered' });
    expect(received).toHaveLength(1);
  });

  it('records failures, disables the hook for a while and then for good, and an edit re-enables it', async () => {
    answer = 500;
    const hook = await hooks.insert(db(), { kind: 'project', id: ids.other }, { url: receiverUrl, name: 'flaky' });
    const [deliveryId] = await hooks.insertDeliveries(db(), [{ webhookId: hook.id, uuid: '00000000-0000-4000-8000-00000000abcd', event: 'image_pushed', payload: { n: 1 } }]);

    expect(await deliverer.attempt(deliveryId, 1, false)).toEqual({ outcome: 'retry', error: 'HTTP 500: receiver is down' });
    expect(await deliveryRow(deliveryId)).toMatchObject({ status: 'pending', attempts: 1, response_status: 500, last_error: 'HTTP 500: receiver is down', delivered: false });
    expect(await deliverer.attempt(deliveryId, 2, false)).toMatchObject({ outcome: 'retry' });
    const [afterTwo] = await q<{ recent_failures: number; backoff_count: number; disabled: boolean }>(
      `SELECT recent_failures, backoff_count, disabled_until > now() + interval '50 seconds' AS disabled FROM webhooks WHERE id = $1`,
      [hook.id],
    );
    expect(afterTwo).toEqual({ recent_failures: 2, backoff_count: 1, disabled: true }); // temporaryAfter: 2
    // While disabled nothing is sent; the attempt is retried later.
    received.length = 0;
    expect(await deliverer.attempt(deliveryId, 3, false)).toMatchObject({ outcome: 'retry' });
    expect(received).toEqual([]);

    await hooks.recordHookFailure(db(), hook.id, { temporaryAfter: 2, permanentAfter: 4 });
    await hooks.recordHookFailure(db(), hook.id, { temporaryAfter: 2, permanentAfter: 4 });
    expect((await hooks.find(db(), { kind: 'project', id: ids.other }, hook.id))?.permanentlyDisabled).toBe(true);
    expect(await deliverer.attempt(deliveryId, 4, true)).toMatchObject({ outcome: 'done', reason: 'the webhook is disabled after repeated failures' });
    expect(await deliveryRow(deliveryId)).toMatchObject({ status: 'failed', attempts: 4 });

    answer = 200;
    const edited = await hooks.update(db(), { kind: 'project', id: ids.other }, hook.id, { description: 'fixed' });
    expect(edited).toMatchObject({ recentFailures: 0, backoffCount: 0, disabledUntil: null, permanentlyDisabled: false });
    const [again] = await hooks.insertDeliveries(db(), [{ webhookId: hook.id, uuid: '00000000-0000-4000-8000-00000000abce', event: 'image_pushed', payload: { n: 2 } }]);
    expect(await deliverer.attempt(again, 1, false)).toEqual({ outcome: 'delivered', status: 200 });
  });
});
