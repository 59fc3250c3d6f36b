import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { Browser, BrowserContext, chromium, Page } from 'playwright-core';
import { buildOciLayout, createTestDatabase, digestOf, pushBlob, putManifest, RegistrySession, runClient, startPlatform, TestDatabase, TestPlatform } from '@cargohold/testing';
import { BOOTSTRAP_TOKEN, RestClient } from './iam-rest-client';

const SCREENSHOTS = path.resolve(__dirname, '../../test-artifacts/screenshots');
const PASSWORD = 'password-1234';
const TLS = ['--src-tls-verify=false', '--dest-tls-verify=false'];
const COSIGN = 'application/vnd.dev.cosign.artifact.sig.v1+json';
const EMPTY_JSON = 'application/vnd.oci.empty.v1+json';

type User = Awaited<ReturnType<RestClient['createUser']>>;

/**
 * The web UI in headless Chromium (Debian's package, driven by playwright-core) against the built api:
 * sign-in, the registry pages, the tag digest, deleting as Maintainer, no delete controls for a Reporter;
 * plus the session cookie and CSRF rules at the HTTP level. Screenshots go to test-artifacts/screenshots.
 */
describe('web UI', () => {
  let db: TestDatabase;
  let platform: TestPlatform;
  let api: RestClient;
  let browser: Browser;
  let work: string;
  let maint: User;
  let rep: User;
  let projectId: number;
  let apiRepoId: number;
  let appRepoId: number;
  const pushed: Record<string, string> = {};
  const admin = { token: BOOTSTRAP_TOKEN };

  beforeAll(async () => {
    db = await createTestDatabase();
    platform = await startPlatform({ databaseUrl: db.url, worker: false, env: { BOOTSTRAP_ADMIN_TOKEN: BOOTSTRAP_TOKEN } });
    api = new RestClient(platform.url);
    maint = await api.createUser(admin, 'maria', ['api']);
    rep = await api.createUser(admin, 'remy', ['read_api']);
    const group = await api.post('/groups', admin, { name: 'Web UI', path: 'webui' });
    expect(group.status).toBe(201);
    const project = await api.post('/projects', admin, { path: 'app', namespace_id: group.body.id, visibility: 'private', description: 'The demo app' });
    expect(project.status).toBe(201);
    projectId = project.body.id;
    for (const [user, level] of [[maint, 40], [rep, 20]] as const) {
      expect((await api.post(`/projects/${projectId}/members`, admin, { user_id: user.id, access_level: level })).status).toBe(201);
    }

    // Real pushes with skopeo: a multi-arch index, and one image under three tags.
    work = mkdtempSync(path.join(tmpdir(), 'web-ui-'));
    const host = new URL(platform.url).host;
    const creds = `maria:${maint.token}`;
    const multi = buildOciLayout(path.join(work, 'multi'), 'v1', [
      { architecture: 'amd64', layers: [{ 'arch.txt': 'amd64' }] },
      { architecture: 'arm64', layers: [{ 'arch.txt': 'arm64' }, { 'extra.txt': 'second layer' }] },
    ]);
    await runClient('skopeo', ['copy', '--all', ...TLS, '--dest-creds', creds, `oci:${multi.dir}:v1`, `docker://${host}/webui/app:v1`]);
    pushed['app:v1'] = multi.top.digest;
    const single = buildOciLayout(path.join(work, 'single'), '1.0', [{ layers: [{ 'hello.txt': 'hello' }, { 'app.txt': 'app' }] }]);
    for (const tag of ['1.0', '1.1', 'old']) {
      await runClient('skopeo', ['copy', ...TLS, '--dest-creds', creds, `oci:${single.dir}:1.0`, `docker://${host}/webui/app/api:${tag}`]);
    }
    const raw = await runClient('skopeo', ['inspect', '--raw', '--tls-verify=false', '--creds', creds, `docker://${host}/webui/app/api:1.0`]);
    pushed['api:1.0'] = digestOf(raw);
    expect(pushed['api:1.0']).toBe(single.top.digest);

    // A cosign-style signature referring to the index (the referrers API).
    const registry = new RegistrySession(platform.url, { username: 'maria', password: maint.token });
    const emptyDigest = await pushBlob(registry.baseUrl, 'webui/app', Buffer.from('{}'), registry.fetch);
    const signature = Buffer.from('{"critical":{"image":{"docker-manifest-digest":"' + multi.top.digest + '"}}}');
    const signatureDigest = await pushBlob(registry.baseUrl, 'webui/app', signature, registry.fetch);
    const referrer = {
      schemaVersion: 2,
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      artifactType: COSIGN,
      config: { mediaType: EMPTY_JSON, digest: emptyDigest, size: 2 },
      layers: [{ mediaType: 'application/vnd.dev.cosign.simplesigning.v1+json', digest: signatureDigest, size: signature.length }],
      subject: { mediaType: multi.top.mediaType, digest: multi.top.digest, size: multi.top.size },
    };
    const put = await putManifest(registry.baseUrl, 'webui/app', digestOf(JSON.stringify(referrer)), JSON.stringify(referrer), referrer.mediaType, registry.fetch);
    expect(put.status).toBe(201);

    const repos = await api.get(`/projects/${projectId}/registry/repositories`, admin);
    expect(repos.status).toBe(200);
    appRepoId = repos.body.find((r: { path: string }) => r.path === 'webui/app').id;
    apiRepoId = repos.body.find((r: { path: string }) => r.path === 'webui/app/api').id;

    mkdirSync(SCREENSHOTS, { recursive: true });
    browser = await chromium.launch({
      executablePath: '/usr/bin/chromium',
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
  }, 240_000);

  afterAll(async () => {
    await browser?.close();
    await platform?.stop();
    await db?.drop();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  const newPage = async (): Promise<{ context: BrowserContext; page: Page }> => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 860 } });
    const page = await context.newPage();
    page.setDefaultTimeout(20_000);
    return { context, page };
  };
  const shot = (page: Page, name: string) => page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`), fullPage: true });

  const signInWithPassword = async (page: Page, username: string) => {
    await page.goto(`${platform.url}/`);
    await page.getByLabel('Username', { exact: true }).fill(username);
    await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByTestId('signed-in-user').waitFor();
    expect(await page.getByTestId('signed-in-user').innerText()).toContain(username);
  };

  it('serves the SPA at / and client routes, never over API paths, with a CSP', async () => {
    const root = await fetch(`${platform.url}/`);
    expect(root.status).toBe(200);
    expect(root.headers.get('content-type')).toContain('text/html');
    expect(root.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(root.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    const html = await root.text();
    expect(html).toContain('<div id="root">');
    const deep = await fetch(`${platform.url}/projects/${projectId}/registry/${apiRepoId}`);
    expect(deep.status).toBe(200);
    expect(await deep.text()).toBe(html);

    const unknownApi = await fetch(`${platform.url}/api/v4/no-such-route`);
    expect(unknownApi.status).toBe(404);
    expect(await unknownApi.json()).toEqual({ error: '404 Not Found' });
    expect((await fetch(`${platform.url}/-/health`)).headers.get('content-type')).not.toContain('text/html');
    expect((await fetch(`${platform.url}/v2/`)).status).toBe(401);
    expect((await fetch(`${platform.url}/assets/missing-file.js`)).status).toBe(404);
  });

  it('sessions: HttpOnly SameSite=Strict cookie, JSON-only sign-in, writes need X-CSRF-Token', async () => {
    const form = await fetch(`${platform.url}/api/v4/session`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: `login=maria&password=${PASSWORD}`,
    });
    expect(form.status).toBe(422);
    expect(form.headers.get('set-cookie')).toBeNull();

    const wrong = await fetch(`${platform.url}/api/v4/session`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ login: 'maria', password: 'nope' }) });
    expect(wrong.status).toBe(401);

    const signIn = await fetch(`${platform.url}/api/v4/session`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ login: 'maria', password: PASSWORD }),
    });
    expect(signIn.status).toBe(201);
    const setCookie = signIn.headers.get('set-cookie') ?? '';
    expect(setCookie).toMatch(/^cargohold_session=[A-Za-z0-9_-]{43};/);
    expect(setCookie).toContain('HttpOnly');
    expect(setCookie).toContain('SameSite=Strict');
    const body = await signIn.json();
    expect(body.user).toMatchObject({ username: 'maria', is_admin: false });
    expect(typeof body.csrf_token).toBe('string');
    const cookie = setCookie.split(';')[0];

    // Reads need only the cookie; the session is the user's.
    const user = await fetch(`${platform.url}/api/v4/user`, { headers: { Cookie: cookie } });
    expect(user.status).toBe(200);
    expect((await user.json()).username).toBe('maria');
    expect((await (await fetch(`${platform.url}/api/v4/session`, { headers: { Cookie: cookie } })).json()).csrf_token).toBe(body.csrf_token);

    // A write with the cookie alone (what a cross-site form could send) is refused, and changes nothing.
    const tagPath = `${platform.url}/api/v4/projects/${projectId}/registry/repositories/${apiRepoId}/tags/1.1`;
    const forged = await fetch(tagPath, { method: 'DELETE', headers: { Cookie: cookie } });
    expect(forged.status).toBe(403);
    const wrongToken = await fetch(tagPath, { method: 'DELETE', headers: { Cookie: cookie, 'X-CSRF-Token': 'x'.repeat(43) } });
    expect(wrongToken.status).toBe(403);
    expect((await api.get(`/projects/${projectId}/registry/repositories/${apiRepoId}/tags/1.1`, admin)).status).toBe(200);

    // Sign-out needs the header too, and ends the session.
    expect((await fetch(`${platform.url}/api/v4/session`, { method: 'DELETE', headers: { Cookie: cookie } })).status).toBe(403);
    const out = await fetch(`${platform.url}/api/v4/session`, { method: 'DELETE', headers: { Cookie: cookie, 'X-CSRF-Token': body.csrf_token } });
    expect(out.status).toBe(204);
    expect((await fetch(`${platform.url}/api/v4/user`, { headers: { Cookie: cookie } })).status).toBe(401);
  });

  it('a token session carries the token scopes and ends when the token is revoked', async () => {
    const signIn = await fetch(`${platform.url}/api/v4/session`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ token: rep.token }) });
    expect(signIn.status).toBe(201);
    const { csrf_token: csrf, scopes } = await signIn.json();
    expect(scopes).toEqual(['read_api']);
    const cookie = (signIn.headers.get('set-cookie') ?? '').split(';')[0];
    expect((await fetch(`${platform.url}/api/v4/projects/${projectId}`, { headers: { Cookie: cookie } })).status).toBe(200);
    // read_api: a write is refused for scope even with a valid CSRF token.
    const write = await fetch(`${platform.url}/api/v4/projects/${projectId}/registry/repositories/${apiRepoId}/tags/1.1`, {
      method: 'DELETE',
      headers: { Cookie: cookie, 'X-CSRF-Token': csrf },
    });
    expect(write.status).toBe(403);

    const registryOnly = await api.post(`/users/${rep.id}/personal_access_tokens`, admin, { name: 'pull-only', scopes: ['read_registry'], expires_at: '2999-01-01' });
    const refused = await fetch(`${platform.url}/api/v4/session`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ token: registryOnly.body.token }) });
    expect(refused.status).toBe(403);

    const extra = await api.post(`/users/${rep.id}/personal_access_tokens`, admin, { name: 'short-lived', scopes: ['read_api'], expires_at: '2999-01-01' });
    const second = await fetch(`${platform.url}/api/v4/session`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ token: extra.body.token }) });
    const secondCookie = (second.headers.get('set-cookie') ?? '').split(';')[0];
    expect((await fetch(`${platform.url}/api/v4/user`, { headers: { Cookie: secondCookie } })).status).toBe(200);
    expect((await api.delete(`/personal_access_tokens/${extra.body.id}`, admin)).status).toBe(204);
    expect((await fetch(`${platform.url}/api/v4/user`, { headers: { Cookie: secondCookie } })).status).toBe(401);
  });

  it('a Maintainer signs in, browses to the pushed repository, reads the tag digest, and deletes a tag', async () => {
    const { context, page } = await newPage();
    try {
      await page.goto(`${platform.url}/`);
      await page.getByRole('heading', { name: 'Sign in to cargohold' }).waitFor();
      await shot(page, '01-sign-in');
      await signInWithPassword(page, 'maria');
      await page.getByRole('heading', { name: 'Projects' }).waitFor();
      await page.locator(`a[href="/projects/${projectId}/registry"]`).waitFor();
      await shot(page, '02-projects');

      await page.locator(`a[href="/projects/${projectId}/registry"]`).click();
      const repositories = page.getByTestId('repositories');
      await repositories.waitFor();
      await repositories.getByRole('link', { name: 'webui/app/api', exact: true }).waitFor();
      expect(await page.getByTestId('repository-link').allInnerTexts()).toEqual(['webui/app', 'webui/app/api']);
      await page.getByText('MiB').or(page.getByText('KiB')).first().waitFor();
      await shot(page, '03-registry');

      await page.getByRole('link', { name: 'webui/app/api', exact: true }).click();
      const tags = page.getByTestId('tags');
      await tags.waitFor();
      await page.getByTestId('tag-row-old').waitFor();
      expect(await tags.locator('tbody tr').count()).toBe(3);
      // Details fill in per tag: wait until no row is still loading.
      await page.waitForFunction(() => !document.querySelector('[data-testid="tags"] tbody')?.textContent?.includes('…'));
      await shot(page, '04-tags');

      await page.getByRole('link', { name: '1.0', exact: true }).click();
      const digest = page.getByTestId('tag-digest');
      await digest.waitFor();
      expect((await digest.innerText()).trim()).toBe(pushed['api:1.0']);
      expect(await page.getByTestId('pull-command').innerText()).toBe(`docker pull ${new URL(platform.url).host}/webui/app/api:1.0`);
      await page.getByTestId('layers').waitFor();
      expect(await page.getByTestId('layers').locator('tbody tr').count()).toBe(2);
      await shot(page, '05-tag-details');

      // The multi-arch index: platforms and the signature referring to it.
      await page.goto(`${platform.url}/projects/${projectId}/registry/${appRepoId}/tags/v1`);
      await page.getByTestId('platforms').waitFor();
      expect((await page.getByTestId('tag-digest').innerText()).trim()).toBe(pushed['app:v1']);
      const platforms = await page.getByTestId('platforms').locator('tbody tr td:first-child').allInnerTexts();
      expect(platforms).toEqual(['linux/amd64', 'linux/arm64']);
      expect(await page.getByTestId('referrers').innerText()).toContain('Signature');
      await shot(page, '06-tag-multi-arch');

      // Multi-select delete of one tag, confirmed.
      await page.goto(`${platform.url}/projects/${projectId}/registry/${apiRepoId}`);
      await page.getByTestId('tag-row-old').waitFor();
      await page.getByLabel('Select tag old').check();
      await page.getByTestId('delete-selected').click();
      await page.getByRole('alertdialog').waitFor();
      await shot(page, '07-delete-confirm');
      await page.getByTestId('confirm-delete').click();
      await page.getByText('Deleted 1 of 1 tag(s).').waitFor();
      await page.getByTestId('tag-row-old').waitFor({ state: 'detached' });
      expect((await api.get(`/projects/${projectId}/registry/repositories/${apiRepoId}/tags/old`, admin)).status).toBe(404);
      const remaining = await api.get(`/projects/${projectId}/registry/repositories/${apiRepoId}/tags`, admin);
      expect(remaining.body.map((t: { name: string }) => t.name)).toEqual(['1.0', '1.1']);

      for (const [tab, name] of [['cleanup', '08-cleanup-policy'], ['deploy-tokens', '09-deploy-tokens'], ['usage', '10-usage'], ['webhooks', '11-webhooks']]) {
        await page.goto(`${platform.url}/projects/${projectId}/${tab}`);
        await page.locator('.tab-panel h2, .tab-panel .state').first().waitFor();
        await page.waitForFunction(() => !document.querySelector('.tab-panel [role="status"] .spinner'));
        await shot(page, name);
      }
    } finally {
      await context.close();
    }
  }, 180_000);

  it('a user creates a personal access token for docker login, then revokes it', async () => {
    const { context, page } = await newPage();
    const dockerLogin = (secret: string) =>
      fetch(`${platform.url}/jwt/auth?service=container_registry&scope=repository:webui/app:pull`, {
        headers: { Authorization: `Basic ${Buffer.from(`remy:${secret}`).toString('base64')}` },
      });
    try {
      await signInWithPassword(page, 'remy');
      await page.getByRole('link', { name: 'Access tokens' }).click();
      await page.getByRole('heading', { name: 'Personal access tokens' }).waitFor();
      await page.locator('#pat-name').fill('laptop');
      await page.getByRole('button', { name: 'Create personal access token' }).click();
      await page.getByTestId('new-secret').waitFor();
      const secret = (await page.getByTestId('new-secret').innerText()).trim();
      expect(secret).toMatch(/^glpat-/);
      await shot(page, '15-personal-access-token-created');
      expect((await dockerLogin(secret)).status).toBe(200);

      await page.getByRole('button', { name: 'I have stored it' }).click();
      await page.getByRole('button', { name: 'Revoke personal access token laptop' }).click();
      // remy has an older revoked token in the list too: wait for this row to say so.
      await page.getByRole('row', { name: /^laptop/ }).getByRole('cell', { name: 'revoked' }).waitFor();
      expect((await dockerLogin(secret)).status).toBe(401);
    } finally {
      await context.close();
    }
  }, 120_000);

  it('a Reporter signed in with a token sees the tags but no delete controls', async () => {
    const { context, page } = await newPage();
    try {
      await page.goto(`${platform.url}/`);
      await page.getByRole('radio', { name: 'Personal access token' }).check();
      await page.locator('#token').fill(rep.token);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.getByTestId('signed-in-user').waitFor();

      await page.goto(`${platform.url}/projects/${projectId}/registry/${apiRepoId}`);
      await page.getByTestId('tag-row-1.0').waitFor();
      expect(await page.getByText('Your role: Reporter').count()).toBe(1);
      expect(await page.getByRole('button', { name: /delete/i }).count()).toBe(0);
      expect(await page.getByRole('checkbox').count()).toBe(0);
      await shot(page, '12-tags-as-reporter');

      await page.getByRole('link', { name: '1.0', exact: true }).click();
      await page.getByTestId('tag-digest').waitFor();
      expect((await page.getByTestId('tag-digest').innerText()).trim()).toBe(pushed['api:1.0']);
      expect(await page.getByRole('button', { name: /delete/i }).count()).toBe(0);
      await page.setViewportSize({ width: 390, height: 844 });
      await shot(page, '14-tag-details-narrow');
      await page.setViewportSize({ width: 1280, height: 860 });

      // A page the Reporter may not use shows a message, not a blank screen.
      await page.goto(`${platform.url}/projects/${projectId}/deploy-tokens`);
      await page.getByRole('alert').waitFor();
      expect(await page.getByRole('alert').innerText()).toMatch(/do not have access|forbidden/i);
      await page.goto(`${platform.url}/projects/999999/registry`);
      await page.getByRole('heading', { name: 'Not found' }).waitFor();
      await shot(page, '13-not-found');
    } finally {
      await context.close();
    }
  }, 120_000);
});
