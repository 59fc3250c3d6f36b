import { createHmac } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { buildOciLayout, createTestDatabase, runClient, startPlatform, TestDatabase, TestPlatform } from '@cargohold/testing';
import { enc, RestClient } from './iam-rest-client';
import { HookReceiver } from './webhooks-receiver';

const HOOK_TOKEN = 'hook-secret-token-1234';

/**
 * Registry webhooks end to end: the real api and worker, real skopeo pushes, and HTTP receivers started here.
 * Retries are made short (WEBHOOK_RETRY_BASE_DELAY_MS=200); the attempt timeout long (60 s), so a push that
 * waited for a receiver would be obvious.
 */
describe('registry webhooks', () => {
  let db: TestDatabase;
  let platform: TestPlatform;
  let api: RestClient;
  let host: string;
  let work: string;
  let image: string;
  const receivers: HookReceiver[] = [];
  const admin = () => ({ token: platform.adminToken });

  const push = (to: string) =>
    runClient('skopeo', ['copy', '--dest-tls-verify=false', '--dest-creds', `root:${platform.adminToken}`, `oci:${image}:v1`, `docker://${host}/${to}`]);
  const receiver = async (answer?: (index: number) => number | 'hang') => {
    const started = await new HookReceiver(answer).start();
    receivers.push(started);
    return started;
  };
  const createProject = async (projectPath: string) => {
    const created = await api.post('/projects', admin(), { namespace_id: groupId, path: projectPath, name: projectPath });
    expect(created.status).toBe(201);
    return created.body.id as number;
  };
  const addHook = async (projectId: number, url: string, extra: Record<string, unknown> = {}) => {
    const created = await api.post(`/projects/${projectId}/hooks`, admin(), { url, token: HOOK_TOKEN, ...extra });
    expect(created.status).toBe(201);
    return created.body.id as number;
  };
  /** Polls the delivery log until `done` holds for its newest entry. */
  const waitForLog = async (projectId: number, hookId: number, done: (entry: any) => boolean, timeoutMs = 30_000) => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const log = await api.get(`/projects/${projectId}/hooks/${hookId}/events`, admin());
      expect(log.status).toBe(200);
      if (log.body.length > 0 && done(log.body[0])) return log;
      if (Date.now() > deadline) throw new Error(`delivery log never settled: ${JSON.stringify(log.body)}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  };
  let groupId: number;

  beforeAll(async () => {
    db = await createTestDatabase();
    platform = await startPlatform({ databaseUrl: db.url, worker: true, env: { WEBHOOK_RETRY_BASE_DELAY_MS: '200', WEBHOOK_TIMEOUT_MS: '60000' } });
    api = new RestClient(platform.url);
    host = `127.0.0.1:${platform.port}`;
    work = mkdtempSync(path.join(tmpdir(), 'webhooks-'));
    image = buildOciLayout(path.join(work, 'image'), 'v1', [{ layers: [{ 'hello.txt': 'webhooks' }] }]).dir;
    const group = await api.post('/groups', admin(), { name: 'Hooks', path: 'hooks' });
    expect(group.status).toBe(201);
    groupId = group.body.id;
  });

  afterAll(async () => {
    await Promise.all(receivers.map((r) => r.stop()));
    await platform?.stop();
    await db?.drop();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  describe('server-side request forgery guard', () => {
    let projectId: number;
    beforeAll(async () => {
      projectId = await createProject('ssrf');
    });

    it.each(['http://127.0.0.1/hook', 'http://[::1]/hook', 'http://localhost:8080/', 'http://10.0.0.1/', 'http://169.254.169.254/latest', 'http://[fd00::1]/', 'http://0.0.0.0/'])(
      'refuses %s by default with 422',
      async (url) => {
        const refused = await api.post(`/projects/${projectId}/hooks`, admin(), { url });
        expect(refused.status).toBe(422);
        expect(refused.body.message.url[0]).toMatch(/is blocked: Requests to (localhost|the local network) are not allowed/);
      },
    );

    it('lets only administrators read and change the setting', async () => {
      const user = await api.createUser(admin(), 'settings-user');
      expect((await api.get('/application/settings', user.auth)).status).toBe(403);
      expect((await api.put('/application/settings', user.auth, { allow_local_requests_from_web_hooks_and_services: true })).status).toBe(403);
      const current = await api.get('/application/settings', admin());
      expect(current.status).toBe(200);
      expect(current.body.allow_local_requests_from_web_hooks_and_services).toBe(false);
    });

    it('accepts http://127.0.0.1/... once the administrator allows local requests', async () => {
      const changed = await api.put('/application/settings', admin(), { allow_local_requests_from_web_hooks_and_services: true });
      expect(changed.status).toBe(200);
      expect(changed.body.allow_local_requests_from_web_hooks_and_services).toBe(true);
      const created = await api.post(`/projects/${projectId}/hooks`, admin(), { url: 'http://127.0.0.1:9/hook', token: HOOK_TOKEN, push_events: false });
      expect(created.status).toBe(201);
      expect(created.body).toMatchObject({ url: 'http://127.0.0.1:9/hook', project_id: projectId, registry_events: true, push_events: false, token_present: true, alert_status: 'executable' });
      expect(created.body.token).toBeUndefined();
      expect(JSON.stringify(await api.get(`/projects/${projectId}/hooks`, admin()))).not.toContain(HOOK_TOKEN);
      // Other schemes stay refused whatever the setting.
      expect((await api.post(`/projects/${projectId}/hooks`, admin(), { url: 'file:///etc/passwd' })).status).toBe(422);
    });
  });

  describe('delivery', () => {
    it('delivers the push of :prod with the token, a verifiable signature and the pull command, to project and group hooks', async () => {
      const projectId = await createProject('app');
      const projectReceiver = await receiver();
      const groupReceiver = await receiver();
      const hookId = await addHook(projectId, projectReceiver.url);
      const groupHook = await api.post(`/groups/${groupId}/hooks`, admin(), { url: groupReceiver.url, token: 'group-token' });
      expect(groupHook.status).toBe(201);
      expect(groupHook.body.group_id).toBe(groupId);

      await push('hooks/app:prod');
      const [hook] = await projectReceiver.waitFor(1);
      const [digestRow] = await db.query<{ digest: string }>(
        `SELECT m.digest FROM tags t JOIN manifests m ON m.id = t.manifest_id JOIN repositories r ON r.id = t.repository_id WHERE r.path = 'hooks/app' AND t.name = 'prod'`,
      );

      expect(hook.headers['x-gitlab-event']).toBe('Registry Hook');
      expect(hook.headers['x-gitlab-token']).toBe(HOOK_TOKEN);
      const expected = `sha256=${createHmac('sha256', HOOK_TOKEN).update(hook.raw).digest('hex')}`;
      expect(hook.headers['x-cargohold-signature']).toBe(expected);
      expect(hook.headers['idempotency-key']).toMatch(/^[0-9a-f-]{36}$/);
      expect(hook.body).toMatchObject({
        object_kind: 'registry',
        event_name: 'image_pushed',
        project: { id: projectId, path_with_namespace: 'hooks/app' },
        repository: { path: 'hooks/app', location: `${host}/hooks/app` },
        tag: 'prod',
        digest: digestRow.digest,
        media_type: 'application/vnd.oci.image.manifest.v1+json',
        actor: { kind: 'user', name: 'root' },
        pull_command: `docker pull ${host}/hooks/app:prod`,
      });
      expect(hook.body.size).toBeGreaterThan(0);
      expect(hook.raw).not.toContain(platform.adminToken);

      const [groupDelivery] = await groupReceiver.waitFor(1);
      expect(groupDelivery.headers['x-gitlab-token']).toBe('group-token');
      expect(groupDelivery.body).toMatchObject({ event_name: 'image_pushed', tag: 'prod' });

      const log = await waitForLog(projectId, hookId, (entry) => entry.status === 'succeeded');
      expect(log.headers.get('x-total')).toBe('1');
      expect(log.body[0]).toMatchObject({ event_name: 'image_pushed', response_status: '200', attempts: 1, status: 'succeeded', trigger: 'registry_hooks' });
      expect(log.body[0].duration_ms).toBeGreaterThanOrEqual(0);
    });

    it('retries a failing receiver with backoff until it answers 200, and logs the three attempts', async () => {
      const projectId = await createProject('flaky');
      const flaky = await receiver((index) => (index < 2 ? 500 : 200));
      const hookId = await addHook(projectId, flaky.url);

      await push('hooks/flaky:prod');
      const calls = await flaky.waitFor(3);
      // The same event each time, with the same idempotency key, so the receiver can dedupe.
      expect(new Set(calls.map((call) => call.headers['idempotency-key'])).size).toBe(1);
      expect(calls.map((call) => call.body.event_name)).toEqual(['image_pushed', 'image_pushed', 'image_pushed']);
      expect(calls[2].at - calls[0].at).toBeGreaterThanOrEqual(200);

      const log = await waitForLog(projectId, hookId, (entry) => entry.status === 'succeeded');
      expect(log.body[0]).toMatchObject({ attempts: 3, status: 'succeeded', response_status: '200', last_error: null });
      await new Promise((resolve) => setTimeout(resolve, 1000));
      expect(flaky.received).toHaveLength(3);
      // Two failures are below the auto-disable threshold, and the success reset the counter.
      const hook = await api.get(`/projects/${projectId}/hooks/${hookId}`, admin());
      expect(hook.body).toMatchObject({ alert_status: 'executable', recent_failures: 0, disabled_until: null });
    });

    it('does not slow a push down when the receiver never answers', async () => {
      await createProject('baseline');
      let started = Date.now();
      await push('hooks/baseline:prod');
      const baseline = Date.now() - started;

      const projectId = await createProject('slow');
      const hanging = await receiver(() => 'hang');
      await addHook(projectId, hanging.url);
      started = Date.now();
      await push('hooks/slow:prod');
      const withDeadReceiver = Date.now() - started;

      // The worker does call the receiver, which holds the request open (for up to WEBHOOK_TIMEOUT_MS = 60 s)...
      await hanging.waitFor(1);
      // ...yet the push took about as long as one without hooks: generous bounds, far below the 60 s timeout.
      expect(withDeadReceiver).toBeLessThan(baseline + 10_000);
      expect(withDeadReceiver).toBeLessThan(30_000);
    });

    it('sends a test event on request, through the worker', async () => {
      const projectId = await createProject('tested');
      const target = await receiver();
      const hookId = await addHook(projectId, target.url);
      const tested = await api.post(`/projects/${projectId}/hooks/${hookId}/test/registry_events`, admin());
      expect(tested.status).toBe(201);
      const [call] = await target.waitFor(1);
      expect(call.body).toMatchObject({ event_name: 'test', project: { id: projectId, path_with_namespace: 'hooks/tested' } });
      expect((await api.post(`/projects/${projectId}/hooks/${hookId}/test/push_events`, admin())).status).toBe(400);
    });

    it('tells receivers about a tag deleted through /v2/', async () => {
      const projectId = await createProject('deleted');
      await push('hooks/deleted:prod');
      const target = await receiver();
      await addHook(projectId, target.url);
      await runClient('skopeo', ['delete', '--tls-verify=false', '--creds', `root:${platform.adminToken}`, `docker://${host}/hooks/deleted:prod`]);
      const [call] = await target.waitFor(1);
      expect(call.body).toMatchObject({ event_name: 'tag_deleted', tag: 'prod', repository: { path: 'hooks/deleted' }, pull_command: null });
    });
    it('tells receivers about tag and repository deletes done through the management API', async () => {
      const projectId = await createProject('mgmt-deletes');
      await push('hooks/mgmt-deletes:prod');
      await push('hooks/mgmt-deletes:old');
      const target = await receiver();
      await addHook(projectId, target.url);
      const repository = (await api.get(`/projects/${projectId}/registry/repositories`, admin())).body[0];
      expect((await api.delete(`/projects/${projectId}/registry/repositories/${repository.id}/tags/old`, admin())).status).toBe(200);
      const [tagCall] = await target.waitFor(1);
      expect(tagCall.body).toMatchObject({ event_name: 'tag_deleted', tag: 'old', repository: { path: 'hooks/mgmt-deletes' } });
      expect((await api.delete(`/projects/${projectId}/registry/repositories/${repository.id}`, admin())).status).toBe(202);
      const calls = await target.waitFor(2);
      expect(calls[1].body).toMatchObject({ event_name: 'repository_deleted', repository: { path: 'hooks/mgmt-deletes' } });
    });
  });

  describe('hooks API', () => {
    it('manages hooks in GitLab shape, for Maintainers of the project and Owners of the group only', async () => {
      const projectId = await createProject('managed');
      const developer = await api.createUser(admin(), 'hook-developer');
      const maintainer = await api.createUser(admin(), 'hook-maintainer');
      expect((await api.post(`/projects/${projectId}/members`, admin(), { user_id: developer.id, access_level: 30 })).status).toBe(201);
      expect((await api.post(`/projects/${projectId}/members`, admin(), { user_id: maintainer.id, access_level: 40 })).status).toBe(201);

      expect((await api.get(`/projects/${projectId}/hooks`, developer.auth)).status).toBe(403);
      expect((await api.post(`/projects/${projectId}/hooks`, developer.auth, { url: 'https://example.com/' })).status).toBe(403);
      // A project Maintainer sees the parent group but does not own it.
      expect((await api.get(`/groups/${groupId}/hooks`, maintainer.auth)).status).toBe(403);

      const created = await api.post(`/projects/${enc('hooks/managed')}/hooks`, maintainer.auth, { url: 'http://127.0.0.1:9/a', token: 't1', registry_events: false, name: 'deploy' });
      expect(created.status).toBe(201);
      expect(created.body).toMatchObject({ registry_events: false, name: 'deploy', enable_ssl_verification: true });
      const hookId = created.body.id;

      const listed = await api.get(`/projects/${projectId}/hooks`, maintainer.auth);
      expect(listed.status).toBe(200);
      expect(listed.body.map((hook: any) => hook.id)).toEqual([hookId]);
      expect(listed.headers.get('x-total')).toBe('1');

      // Changing the URL without a token drops the old token, as GitLab does.
      const updated = await api.put(`/projects/${projectId}/hooks/${hookId}`, maintainer.auth, { url: 'http://127.0.0.1:9/b', registry_events: true });
      expect(updated.status).toBe(200);
      expect(updated.body).toMatchObject({ url: 'http://127.0.0.1:9/b', registry_events: true, token_present: false });
      const [row] = await db.query<{ token: string | null }>(`SELECT token FROM webhooks WHERE id = $1`, [hookId]);
      expect(row.token).toBeNull();

      expect((await api.get(`/projects/${projectId}/hooks/999999`, maintainer.auth)).status).toBe(404);
      expect((await api.delete(`/projects/${projectId}/hooks/${hookId}`, maintainer.auth)).status).toBe(204);
      expect((await api.get(`/projects/${projectId}/hooks/${hookId}`, maintainer.auth)).status).toBe(404);
    });
  });
});
