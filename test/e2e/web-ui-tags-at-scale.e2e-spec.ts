import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import * as path from 'node:path';
import { Browser, Page } from 'playwright-core';
import { createTestDatabase, eventually, pushBlob, putManifest, RegistrySession, startPlatform, TestDatabase, TestPlatform } from '@cargohold/testing';
import { RestClient } from './iam-rest-client';
import { launchChromium, PASSWORD, signedInPage } from './web-ui-browser';

const SCREENSHOTS = path.resolve(__dirname, '../../test-artifacts/screenshots');
const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
/** build-01 … build-45, written with SQL: three pages of 20 with the three pushed tags. */
const BUILDS = 45;

/**
 * The repository page at scale (issue 24), in headless Chromium against the built platform: one API request a
 * page (names, details and protection together), the server's name filter and sorts over every tag, the selection
 * kept across pages and widened to every matching tag (the server's bulk delete, run by the real worker), and
 * protected tags never selectable.
 */
describe('web UI: the tag list, paged, filtered and sorted by the server', () => {
  let db: TestDatabase;
  let platform: TestPlatform;
  let api: RestClient;
  let browser: Browser;
  let page: Page;
  let projectId: number;
  let repositoryId: number;
  const tagRequests: string[] = [];
  /** The queries of the page's `GET /registry/repositories/:id` requests. */
  const repositoryRequests: string[] = [];
  /** The page's `GET /projects/:id` requests (the project layout's). */
  const projectRequests: string[] = [];
  let sessionRequests = 0;
  const admin = () => ({ token: platform.adminToken });
  const digests: Record<string, string> = {};

  const rowNames = () => page.locator('[data-testid^="tag-row-"]').evaluateAll((rows) => rows.map((row) => row.getAttribute('data-testid')!.slice('tag-row-'.length)));
  const listed = async (query = '') =>
    ((await api.get(`/projects/${projectId}/registry/repositories/${repositoryId}/tags?per_page=100${query}`, admin())).body as Array<{ name: string }>).map((tag) => tag.name);
  const build = (i: number) => `build-${String(i).padStart(2, '0')}`;

  beforeAll(async () => {
    db = await createTestDatabase();
    platform = await startPlatform({ databaseUrl: db.url, worker: true, env: { REGISTRY_BULK_DELETE_INTERVAL: '0' } });
    api = new RestClient(platform.url);
    const maintainer = await api.createUser(admin(), 'scarlett');
    const group = await api.post('/groups', admin(), { name: 'Scale', path: 'scale' });
    const project = await api.post('/projects', admin(), { path: 'app', namespace_id: group.body.id, visibility: 'private' });
    expect(project.status).toBe(201);
    projectId = project.body.id;
    expect((await api.post(`/projects/${projectId}/members`, admin(), { user_id: maintainer.id, access_level: 40 })).status).toBe(201);
    const rule = { tag_name_pattern: '^v', minimum_access_level_for_push: 'owner', minimum_access_level_for_delete: 'owner' };
    expect((await api.post(`/projects/${projectId}/registry/protection/tag/rules`, admin(), rule)).status).toBe(201);

    const registry = new RegistrySession(platform.url, { username: 'root', password: platform.adminToken });
    for (const tag of ['alpha', 'latest', 'v1.0']) {
      const config = Buffer.from(JSON.stringify({ tag, nonce: randomBytes(4).toString('hex') }));
      const configDigest = await pushBlob(platform.url, 'scale/app', config, registry.fetch);
      const manifest = JSON.stringify({ schemaVersion: 2, mediaType: OCI_MANIFEST, config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: configDigest, size: config.length }, layers: [] });
      const pushed = await putManifest(platform.url, 'scale/app', tag, manifest, OCI_MANIFEST, registry.fetch);
      expect(pushed.status).toBe(201);
      digests[tag] = pushed.headers.get('docker-content-digest')!;
    }
    repositoryId = (await api.get(`/projects/${projectId}/registry/repositories`, admin())).body[0].id;
    // The pushed tags are a year old; build-NN was created NN minutes after 2026-01-01, so "Newest first" starts at build-45.
    await db.query(`UPDATE tags SET created_at = timestamptz '2025-01-01' WHERE repository_id = $1`, [repositoryId]);
    await db.query(
      `INSERT INTO tags (repository_id, name, manifest_id, created_at, updated_at)
       SELECT t.repository_id, 'build-' || lpad(i::text, 2, '0'), t.manifest_id, timestamptz '2026-01-01' + make_interval(mins => i), now()
         FROM tags t, generate_series(1, ${BUILDS}) AS i WHERE t.name = 'alpha'`,
    );

    mkdirSync(SCREENSHOTS, { recursive: true });
    browser = await launchChromium();
    page = await signedInPage(browser, platform.url, 'scarlett');
    page.on('request', (request) => {
      const url = new URL(request.url());
      if (url.pathname.includes(`/registry/repositories/${repositoryId}/tags`)) tagRequests.push(`${url.pathname.slice(url.pathname.indexOf('/tags'))}${url.search}`);
      if (url.pathname === `/api/v4/registry/repositories/${repositoryId}`) repositoryRequests.push(url.search);
      if (url.pathname === `/api/v4/projects/${projectId}`) projectRequests.push(url.search);
      if (url.pathname === '/api/v4/session' && request.method() === 'GET') sessionRequests++;
    });
  }, 240_000);

  afterAll(async () => {
    await browser?.close();
    await platform?.stop();
    await db?.drop();
  });

  it('shows each page with one request carrying the details, and pages with Next and Previous', async () => {
    sessionRequests = 0;
    await page.goto(`${platform.url}/projects/${projectId}/registry/${repositoryId}`);
    await page.getByTestId('tag-row-build-19').waitFor();
    expect(await rowNames()).toEqual(['alpha', ...Array.from({ length: 19 }, (_, i) => build(i + 1))]);
    expect(tagRequests).toEqual(['/tags?page=1&per_page=20&order_by=name&sort=asc&details=true']);
    // The row's details came in the page: the digest of the image build-01 names (alpha's).
    expect(await page.getByTestId('tag-row-build-01').getByTestId('tag-digest-short').innerText()).toBe(digests.alpha.slice(0, 'sha256:'.length + 12));
    const pages = page.getByRole('navigation', { name: 'Tag pages' });
    expect(await pages.locator('[aria-current="page"]').innerText()).toBe('Page 1 of 3');
    // The count in the header is the page's X-Total: the repository request asks for the size only, no exact count.
    expect(await page.getByTestId('tag-count').innerText()).toBe(`${BUILDS + 3} tags`);
    expect(repositoryRequests).toEqual(['?size=true']);
    // The boot started the project and the tag page beside the session; the page took those answers, sent no others.
    expect(projectRequests).toEqual(['?statistics=true']);
    expect(sessionRequests).toBe(1);

    await pages.getByRole('button', { name: 'Next' }).click();
    await page.getByTestId('tag-row-build-39').waitFor();
    expect(await rowNames()).toEqual(Array.from({ length: 20 }, (_, i) => build(i + 20)));
    expect(page.url()).toContain('page=2');
    await pages.getByRole('button', { name: 'Next' }).click();
    await page.getByTestId('tag-row-v1.0').waitFor();
    expect(await rowNames()).toEqual([...Array.from({ length: 6 }, (_, i) => build(i + 40)), 'latest', 'v1.0']);
    expect(await pages.getByRole('button', { name: 'Next' }).isDisabled()).toBe(true);
    expect(tagRequests).toHaveLength(3);
    expect(tagRequests.every((request) => request.startsWith('/tags?'))).toBe(true);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'tags-at-scale-page-3.png'), fullPage: true });
  });

  it('filters and sorts on the server, over every tag', async () => {
    tagRequests.length = 0;
    await page.goto(`${platform.url}/projects/${projectId}/registry/${repositoryId}`);
    await page.getByTestId('tag-row-alpha').waitFor();
    await page.getByLabel('Filter tags').fill('D-4');
    await page.getByRole('button', { name: 'Search' }).click();
    await eventually(async () => expect(await rowNames()).toEqual(Array.from({ length: 6 }, (_, i) => build(i + 40))), 10_000);
    expect(tagRequests[tagRequests.length - 1]).toBe('/tags?name=D-4&page=1&per_page=20&order_by=name&sort=asc&details=true');

    await page.getByLabel('Sort by').selectOption('created_desc');
    await eventually(async () => expect(await rowNames()).toEqual(Array.from({ length: 6 }, (_, i) => build(45 - i))), 10_000);
    expect(tagRequests[tagRequests.length - 1]).toBe('/tags?name=D-4&page=1&per_page=20&order_by=created_at&sort=desc&details=true');
    await page.getByLabel('Filter tags').fill('');
    await eventually(async () => expect((await rowNames()).slice(0, 3)).toEqual(['build-45', 'build-44', 'build-43']), 10_000);
    await page.getByLabel('Sort by').selectOption('created_asc');
    // The three pushed tags are the oldest; ties by name.
    await eventually(async () => expect((await rowNames()).slice(0, 4)).toEqual(['alpha', 'latest', 'v1.0', 'build-01']), 10_000);
    expect(tagRequests.some((request) => /\/tags\/[^?]/.test(request))).toBe(false);
  });

  it('opens a deep link (filter, sort, page) with one tag request, and one signed out shows the tags once signed in', async () => {
    tagRequests.length = 0;
    await page.goto(`${platform.url}/projects/${projectId}/registry/${repositoryId}?filter=build&sort=created_desc&page=2`);
    await page.getByTestId('tag-row-build-25').waitFor();
    expect((await rowNames())[0]).toBe('build-25');
    expect(tagRequests).toEqual(['/tags?name=build&page=2&per_page=20&order_by=created_at&sort=desc&details=true']);

    // Signed out, the boot's prefetch is answered 404 (a private project): after signing in the page asks again.
    const context = await browser.newContext({ viewport: { width: 1280, height: 860 } });
    try {
      const fresh = await context.newPage();
      const asked: number[] = [];
      fresh.on('response', (response) => {
        if (new URL(response.url()).pathname.endsWith(`/registry/repositories/${repositoryId}/tags`)) asked.push(response.status());
      });
      await fresh.goto(`${platform.url}/projects/${projectId}/registry/${repositoryId}`);
      await fresh.getByLabel('Username', { exact: true }).fill('scarlett');
      await fresh.getByLabel('Password', { exact: true }).fill(PASSWORD);
      await fresh.getByRole('button', { name: 'Sign in' }).click();
      await fresh.getByTestId('tag-row-build-01').waitFor();
      expect(asked).toEqual([404, 200]);
    } finally {
      await context.close();
    }
  });

  it('keeps the selection across pages, never selects a protected tag, and deletes the picked tags', async () => {
    await page.goto(`${platform.url}/projects/${projectId}/registry/${repositoryId}?page=3`);
    await page.getByTestId('tag-row-v1.0').waitFor();
    expect(await page.getByRole('checkbox', { name: 'Select tag v1.0' }).isDisabled()).toBe(true);
    expect(await page.getByTestId('tag-row-v1.0').getByTestId('delete-refused').getAttribute('title')).toBe('tag "v1.0" is protected: deleting requires Owner');
    await page.getByLabel('Select tag build-44').check();
    await page.getByRole('navigation', { name: 'Tag pages' }).getByRole('button', { name: 'Previous' }).click();
    await page.getByTestId('tag-row-build-20').waitFor();
    await page.getByLabel('Select tag build-20').check();
    expect(await page.getByTestId('selection-status').innerText()).toContain('2 tag(s) selected, on any page.');
    await page.getByRole('navigation', { name: 'Tag pages' }).getByRole('button', { name: 'Next' }).click();
    await page.getByTestId('tag-row-build-44').waitFor();
    expect(await page.getByLabel('Select tag build-44').isChecked()).toBe(true);
    expect(await page.getByLabel('Select tag build-45').isChecked()).toBe(false);

    await page.getByTestId('delete-selected').click();
    expect(await page.getByRole('alertdialog').innerText()).toContain('build-44, build-20');
    await page.getByTestId('confirm-delete').click();
    await page.getByText('Deleted 2 of 2 tag(s).').waitFor();
    const left = await listed();
    expect(left).toHaveLength(BUILDS + 3 - 2);
    expect(left).not.toContain('build-44');
    expect(left).not.toContain('build-20');
  });

  it('selects every tag matching the filter, beyond the page, and deletes them with the bulk delete (protected tags and latest kept)', async () => {
    await page.goto(`${platform.url}/projects/${projectId}/registry/${repositoryId}?filter=build`);
    await page.getByTestId('tag-row-build-01').waitFor();
    await page.getByRole('checkbox', { name: 'Select all tags on this page' }).check();
    const widen = page.getByTestId('select-all-matching');
    expect(await widen.innerText()).toBe(`Select all ${BUILDS - 2} tags matching "build"`);
    await widen.click();
    expect(await page.getByTestId('selection-status').innerText()).toContain(`All ${BUILDS - 2} tags matching "build" are selected.`);
    await page.getByRole('navigation', { name: 'Tag pages' }).getByRole('button', { name: 'Next' }).click();
    // Page 2 of the 43 left: build-22 … build-41 (build-20 and build-44 went above), every box ticked.
    await page.getByTestId('tag-row-build-41').waitFor();
    expect(await page.getByLabel('Select tag build-41').isChecked()).toBe(true);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'tags-at-scale-all-matching.png'), fullPage: true });

    await page.getByTestId('delete-all-matching').click();
    expect(await page.getByRole('alertdialog').innerText()).toContain('name_regex_delete=(?i).*build.*');
    await page.getByTestId('confirm-delete').click();
    await page.getByText(`Deleting the ${BUILDS - 2} tags matching "build" in the background`).waitFor();
    await eventually(async () => expect(await listed()).toEqual(['alpha', 'latest', 'v1.0']), 30_000);
    const recorded = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM deleted_tags WHERE how = 'bulk_delete' AND name LIKE 'build-%'`);
    expect(recorded).toEqual([{ n: BUILDS - 2 }]);
  });

  it('says "more than 10 000 tags" past what the tag list counts, and counts them exactly when asked', async () => {
    await db.query(
      `INSERT INTO tags (repository_id, name, manifest_id, created_at, updated_at)
       SELECT t.repository_id, 'many-' || lpad(i::text, 5, '0'), t.manifest_id, now(), now() FROM tags t, generate_series(1, 10001) AS i WHERE t.name = 'alpha'`,
    );
    repositoryRequests.length = 0;
    await page.goto(`${platform.url}/projects/${projectId}/registry/${repositoryId}`);
    await page.getByTestId('tag-row-alpha').waitFor();
    const count = page.getByTestId('tag-count');
    await eventually(async () => expect(await count.innerText()).toContain('more than 10 000 tags'), 10_000);
    expect(await page.getByRole('navigation', { name: 'Tag pages' }).locator('[aria-current="page"]').innerText()).toBe('Page 1');
    await page.getByTestId('count-tags').click();
    await eventually(async () => expect(await count.innerText()).toBe('10004 tags'), 10_000);
    expect(repositoryRequests).toEqual(['?size=true', '?size=true&tags_count=true']);
    // A filter's matches are counted by the tag list itself.
    await page.goto(`${platform.url}/projects/${projectId}/registry/${repositoryId}?filter=many-0000`);
    await page.getByTestId('tag-row-many-00001').waitFor();
    expect(await count.innerText()).toBe('9 tags matching "many-0000"');
  });
});
