import { Browser, Page } from 'playwright-core';
import { createTestDatabase, startPlatform, TestDatabase, TestPlatform } from '@cargohold/testing';
import { BOOTSTRAP_TOKEN, RestClient } from './iam-rest-client';
import { launchChromium, signedInPage } from './web-ui-browser';

/**
 * Every kind of web_url the REST API hands out opens the right page of the web UI in headless Chromium: a user's
 * project, a group's project, a nested group's project, a group and a subgroup, a user namespace and GitLab's
 * registry page path. The api answers index.html for those paths and never for API paths.
 */
describe('web UI: the links the API hands out', () => {
  let db: TestDatabase;
  let platform: TestPlatform;
  let api: RestClient;
  let browser: Browser;
  let page: Page;
  const admin = { token: BOOTSTRAP_TOKEN };
  const urls: Record<string, string> = {};

  beforeAll(async () => {
    db = await createTestDatabase();
    platform = await startPlatform({ databaseUrl: db.url, worker: false, env: { BOOTSTRAP_ADMIN_TOKEN: BOOTSTRAP_TOKEN } });
    api = new RestClient(platform.url);
    const lena = await api.createUser(admin, 'lena');
    const own = await api.post('/projects', lena.auth, { name: 'Notes', path: 'notes.app' });
    urls.userProject = own.body.web_url;
    urls.userNamespace = own.body.namespace.web_url;
    const team = await api.post('/groups', lena.auth, { name: 'Team', path: 'team' });
    const backend = await api.post('/groups', lena.auth, { name: 'Backend', path: 'backend', parent_id: team.body.id });
    const platformGroup = await api.post('/groups', lena.auth, { name: 'Platform', path: 'platform', parent_id: backend.body.id });
    urls.group = team.body.web_url;
    urls.subgroup = backend.body.web_url;
    const site = await api.post('/projects', lena.auth, { name: 'Site', path: 'site', namespace_id: team.body.id });
    const api1 = await api.post('/projects', lena.auth, { name: 'Billing API', path: 'billing', namespace_id: backend.body.id });
    const deep = await api.post('/projects', lena.auth, { name: 'Gateway', path: 'gateway', namespace_id: platformGroup.body.id });
    urls.groupProject = site.body.web_url;
    urls.subgroupProject = api1.body.web_url;
    urls.nestedProject = deep.body.web_url;
    urls.projectNamespace = deep.body.namespace.web_url;
    expect(urls).toEqual({
      userProject: `${platform.url}/lena/notes.app`,
      userNamespace: `${platform.url}/lena`,
      group: `${platform.url}/groups/team`,
      subgroup: `${platform.url}/groups/team/backend`,
      groupProject: `${platform.url}/team/site`,
      subgroupProject: `${platform.url}/team/backend/billing`,
      nestedProject: `${platform.url}/team/backend/platform/gateway`,
      projectNamespace: `${platform.url}/groups/team/backend/platform`,
    });

    browser = await launchChromium();
    page = await signedInPage(browser, platform.url, 'lena');
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await platform?.stop();
    await db?.drop();
  });

  /** Opens the URL as a fresh page load (what following a link from a script or a mail does). */
  const open = async (url: string) => {
    const response = await page.goto(url);
    expect(response?.status()).toBe(200);
    expect(response?.headers()['content-type']).toContain('text/html');
  };
  const heading = async () => {
    const h1 = page.locator('h1').first();
    await h1.waitFor();
    return h1.innerText();
  };

  it('the api answers index.html for every web_url form, never for API paths', async () => {
    for (const url of Object.values(urls)) {
      const response = await fetch(url);
      expect({ url, status: response.status, type: response.headers.get('content-type') }).toEqual({ url, status: 200, type: expect.stringContaining('text/html') });
    }
    for (const apiPath of ['/api/v4/projects/lena%2Fnotes.app', '/api/v4/team/site', '/v2/team/site/tags/list', '/jwt/auth', '/-/health', '/metrics']) {
      const response = await fetch(`${platform.url}${apiPath}`);
      expect({ apiPath, html: (response.headers.get('content-type') ?? '').includes('text/html') }).toEqual({ apiPath, html: false });
    }
    expect((await fetch(`${platform.url}/assets/missing-file.js`)).status).toBe(404);
  });

  it.each([
    ['a user project', 'userProject', 'lena / Notes'],
    ['a group project', 'groupProject', 'Team / Site'],
    ['a subgroup project', 'subgroupProject', 'Team / Backend / Billing API'],
    ['a project in a nested subgroup', 'nestedProject', 'Team / Backend / Platform / Gateway'],
  ])('%s: its web_url opens the project page', async (_kind, key, title) => {
    await open(urls[key]);
    expect(await heading()).toBe(title);
    await page.getByRole('link', { name: 'Container registry' }).first().waitFor();
  });

  it("GitLab's registry page path /<namespace>/<project>/container_registry opens the project's registry", async () => {
    await open(`${urls.subgroupProject}/container_registry`);
    expect(await heading()).toBe('Team / Backend / Billing API');
    await page.getByRole('link', { name: 'Container registry', exact: true }).and(page.locator('[aria-current="page"]')).waitFor();
  });

  it('a group web_url lists its subgroups and its projects', async () => {
    await open(urls.group);
    expect(await heading()).toBe('Team');
    expect(await page.getByTestId('subgroups').innerText()).toContain('Team / Backend');
    expect(await page.getByTestId('group-projects').innerText()).toContain('team/site');
    expect(await page.getByTestId('group-projects').innerText()).not.toContain('team/backend/billing');
  });

  it('a subgroup web_url (/groups/team/backend) and its encoded form open the subgroup', async () => {
    for (const url of [urls.subgroup, `${platform.url}/groups/team%2Fbackend`]) {
      await open(url);
      expect(await heading()).toBe('Team / Backend');
      expect(await page.getByTestId('subgroups').innerText()).toContain('Team / Backend / Platform');
      expect(await page.getByTestId('group-projects').innerText()).toContain('team/backend/billing');
    }
    await open(urls.projectNamespace);
    expect(await heading()).toBe('Team / Backend / Platform');
    await page.getByRole('link', { name: 'team/backend/platform/gateway' }).click();
    expect(await heading()).toBe('Team / Backend / Platform / Gateway');
  });

  it("a user namespace web_url lists the user's projects", async () => {
    await open(urls.userNamespace);
    expect(await heading()).toBe('lena');
    await page.getByRole('link', { name: 'lena/notes.app' }).waitFor();
  });

  it('a path that names nothing says so', async () => {
    await open(`${platform.url}/nobody/nothing`);
    await page.getByText(/not found/i).first().waitFor();
  });
});
