import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { Browser, Page } from 'playwright-core';
import { buildOciLayout, createTestDatabase, eventually, RegistrySession, runClient, startPlatform, TestDatabase, TestPlatform } from '@cargohold/testing';
import { RestClient } from './iam-rest-client';
import { launchChromium, signedInPage } from './web-ui-browser';

const SCREENSHOTS = path.resolve(__dirname, '../../test-artifacts/screenshots');
const TLS = ['--src-tls-verify=false', '--dest-tls-verify=false'];
const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
const TAGS = ['a', 'b', 'c', 'd'];

/**
 * Pull statistics and retention by use in the web UI (issue 21), in headless Chromium against the built platform:
 * the tag list's Last pulled and Pulls columns and its sorts by last pull, the tag page's figures, and the cleanup
 * policy form's pull rules (validated, saved) with the server's preview naming the rule that keeps each tag.
 */
describe('web UI: pull statistics and retention by use', () => {
  let db: TestDatabase;
  let platform: TestPlatform;
  let api: RestClient;
  let browser: Browser;
  let page: Page;
  let work: string;
  let projectId: number;
  let repositoryId: number;
  const admin = () => ({ token: platform.adminToken });

  const rowNames = () => page.locator('[data-testid^="tag-row-"]').evaluateAll((rows) => rows.map((row) => row.getAttribute('data-testid')!.slice('tag-row-'.length)));
  const cell = (tag: string, column: string) => page.getByTestId(`tag-row-${tag}`).getByTestId(column).innerText();

  beforeAll(async () => {
    db = await createTestDatabase();
    platform = await startPlatform({ databaseUrl: db.url, worker: false, env: { PULL_STATISTICS_FLUSH_INTERVAL: '1', PULL_RATE_LIMIT_AUTHENTICATED: '0' } });
    api = new RestClient(platform.url);
    const maintainer = await api.createUser(admin(), 'mila');
    const group = await api.post('/groups', admin(), { name: 'Life', path: 'life' });
    const project = await api.post('/projects', admin(), { path: 'app', namespace_id: group.body.id, visibility: 'private' });
    expect(project.status).toBe(201);
    projectId = project.body.id;
    expect((await api.post(`/projects/${projectId}/members`, admin(), { user_id: maintainer.id, access_level: 40 })).status).toBe(201);

    // Four tags pushed with skopeo, then pulled by name: b three times, c once, a twice (last); d never.
    work = mkdtempSync(path.join(tmpdir(), 'web-ui-life-'));
    const host = new URL(platform.url).host;
    const layout = buildOciLayout(path.join(work, 'image'), '1', [{ layers: [{ 'hello.txt': 'hello' }] }]);
    for (const tag of TAGS) {
      await runClient('skopeo', ['copy', ...TLS, '--dest-creds', `mila:${maintainer.token}`, `oci:${layout.dir}:1`, `docker://${host}/life/app:${tag}`]);
    }
    const registry = new RegistrySession(platform.url, { username: 'mila', password: maintainer.token });
    for (const tag of ['b', 'b', 'b', 'c', 'a', 'a']) {
      const response = await registry.fetch(`/v2/life/app/manifests/${tag}`, { headers: { Accept: OCI_MANIFEST } });
      await response.arrayBuffer();
      expect(response.status).toBe(200);
      await new Promise((resolve) => setTimeout(resolve, 20)); // distinct pull times, whatever the clock's resolution
    }
    repositoryId = (await api.get(`/projects/${projectId}/registry/repositories`, admin())).body[0].id;
    await eventually(async () => {
      const tags = await api.get(`/projects/${projectId}/registry/repositories/${repositoryId}/tags`, admin());
      expect(tags.body.map((tag: { name: string; pull_count: number }) => [tag.name, tag.pull_count])).toEqual([['a', 2], ['b', 3], ['c', 1], ['d', 0]]);
    });

    mkdirSync(SCREENSHOTS, { recursive: true });
    browser = await launchChromium();
    page = await signedInPage(browser, platform.url, 'mila');
  }, 240_000);

  afterAll(async () => {
    await browser?.close();
    await platform?.stop();
    await db?.drop();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it('the tag list shows Last pulled and Pulls and sorts by last pull in the server order', async () => {
    await page.goto(`${platform.url}/projects/${projectId}/registry/${repositoryId}`);
    await page.getByTestId('tag-row-d').waitFor();
    expect(await rowNames()).toEqual(['a', 'b', 'c', 'd']);
    expect(await Promise.all(TAGS.map((tag) => cell(tag, 'pull-count')))).toEqual(['2', '3', '1', '0']);
    expect(await cell('d', 'last-pulled')).toBe('never');
    for (const tag of ['a', 'b', 'c']) expect(await cell(tag, 'last-pulled')).toMatch(/\d/);

    const ordered = page.waitForRequest((request) => request.url().includes('/tags?') && request.url().includes('order_by=last_pulled_at') && request.url().includes('sort=desc'));
    await page.getByLabel('Sort by').selectOption('pulled_desc');
    await ordered;
    await eventually(async () => expect(await rowNames()).toEqual(['a', 'c', 'b', 'd']), 10_000);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'lifecycle-tags-by-last-pull.png'), fullPage: true });
    await page.getByLabel('Sort by').selectOption('pulled_asc');
    await eventually(async () => expect(await rowNames()).toEqual(['d', 'b', 'c', 'a']), 10_000);
    expect(page.url()).toContain('sort=pulled_asc');
  });

  it('the tag page shows the tag pull figures', async () => {
    await page.goto(`${platform.url}/projects/${projectId}/registry/${repositoryId}/tags/b`);
    expect(await page.getByTestId('tag-pull-count').innerText()).toMatch(/^3/);
    expect(await page.getByTestId('tag-last-pulled').innerText()).toMatch(/\d/);
    await page.goto(`${platform.url}/projects/${projectId}/registry/${repositoryId}/tags/d`);
    expect(await page.getByTestId('tag-last-pulled').innerText()).toBe('never');
  });

  it('the policy form validates and saves the pull rules, and the preview names the rule keeping each tag', async () => {
    // b was last pulled a month ago (set in the database, not waited for): outside a 7-day window.
    await db.query(`UPDATE tags SET last_pulled_at = now() - interval '30 days' WHERE name = 'b'`);
    await page.goto(`${platform.url}/projects/${projectId}/cleanup`);
    const keepPulled = page.getByLabel('Keep the most recently pulled (tags per image)');
    const save = page.getByRole('button', { name: 'Save policy' });
    for (const wrong of ['0', '101', '2.5']) {
      await keepPulled.fill(wrong);
      await page.getByText('must be a whole number from 1 to 100').waitFor();
      expect(await save.isDisabled()).toBe(true);
    }
    await keepPulled.fill('2');
    await page.getByLabel('Keep tags pulled within').selectOption('7d');
    await page.getByLabel('Keep the most recent', { exact: true }).selectOption('');
    await page.getByLabel('Remove tags older than').selectOption('');
    await page.getByLabel('Remove tags matching (regular expression)').fill('.*');
    await save.click();
    await page.getByText('Saved.').waitFor();
    const saved = await api.get(`/projects/${projectId}`, admin());
    expect(saved.body.container_expiration_policy).toMatchObject({ keep_n_recently_pulled: 2, keep_pulled_within: '7d', keep_n: null, older_than: null, name_regex: '.*' });

    await page.reload();
    expect(await keepPulled.inputValue()).toBe('2');
    expect(await page.getByLabel('Keep tags pulled within').inputValue()).toBe('7d');
    expect(await page.getByLabel('Keep the most recent', { exact: true }).inputValue()).toBe('');

    await page.getByRole('button', { name: 'Preview deletions' }).click();
    const preview = page.getByTestId('preview-life/app');
    await preview.waitFor();
    expect(await preview.innerText()).toContain('2 of 4 tag(s) would be deleted');
    const row = (tag: string, column: string) => preview.getByTestId(`preview-tag-${tag}`).getByTestId(column).innerText();
    for (const tag of ['a', 'c']) {
      expect(await row(tag, 'preview-action')).toBe('kept');
      expect((await row(tag, 'preview-kept-by')).split(', ').sort()).toEqual(['keep_n_recently_pulled', 'keep_pulled_within']);
    }
    for (const tag of ['b', 'd']) {
      expect(await row(tag, 'preview-action')).toBe('deleted');
      expect(await row(tag, 'preview-kept-by')).toBe('—');
    }
    await page.screenshot({ path: path.join(SCREENSHOTS, 'lifecycle-cleanup-preview.png'), fullPage: true });

    // The preview judges the form as it stands, saved or not: one recently pulled tag kept, and no window.
    await keepPulled.fill('1');
    await page.getByLabel('Keep tags pulled within').selectOption('');
    await page.getByRole('button', { name: 'Preview deletions' }).click();
    await eventually(async () => expect(await preview.innerText()).toContain('3 of 4 tag(s) would be deleted'), 10_000);
    expect(await row('a', 'preview-kept-by')).toBe('keep_n_recently_pulled');
  });

  it('the usage pages show storage used against the limit, in the warning colour from 85 %', async () => {
    const used: number = (await api.get(`/projects/${projectId}`, admin())).body.container_registry_size;
    expect(used).toBeGreaterThan(0);
    // The project at 90 % of its limit, its group at 10 % of its own.
    expect((await api.put(`/projects/${projectId}`, admin(), { container_registry_storage_limit: Math.ceil(used / 0.9) })).status).toBe(200);
    expect((await api.put('/groups/life', admin(), { container_registry_storage_limit: used * 10 })).status).toBe(200);

    await page.goto(`${platform.url}/projects/${projectId}/usage`);
    const bar = page.getByTestId('usage-bar');
    expect(await bar.getAttribute('data-level')).toBe('warning');
    expect(await page.getByTestId('usage-bar-text').innerText()).toBe(`${used} B of ${Math.ceil(used / 0.9)} B used (${Math.round((used / Math.ceil(used / 0.9)) * 1000) / 10} %)`);
    expect(await bar.evaluate((element) => getComputedStyle(element.querySelector('.usage-fill')!).backgroundColor)).toBe('rgb(154, 103, 0)');
    await page.screenshot({ path: path.join(SCREENSHOTS, 'lifecycle-usage-bar.png'), fullPage: true });

    // Group figures are shown to the group's Reporters and up.
    const mila = (await api.get('/users?username=mila', admin())).body[0];
    expect((await api.post('/groups/life/members', admin(), { user_id: mila.id, access_level: 20 })).status).toBe(201);
    await page.goto(`${platform.url}/groups/life`);
    expect(await bar.getAttribute('data-level')).toBe('ok');
    expect(await page.getByTestId('usage-bar-text').innerText()).toContain('(10 %)');

    // No limit, no bar.
    expect((await api.put('/groups/life', admin(), { container_registry_storage_limit: 0 })).status).toBe(200);
    await page.reload();
    await page.getByRole('heading', { name: 'Subgroups', exact: true }).waitFor();
    expect(await bar.count()).toBe(0);
  });
});
