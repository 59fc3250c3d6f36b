import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { Browser, Page } from 'playwright-core';
import { buildOciLayout, createTestDatabase, runClient, startPlatform, TestDatabase, TestPlatform } from '@cargohold/testing';
import { RestClient } from './iam-rest-client';
import { launchChromium, signedInPage } from './web-ui-browser';

const SCREENSHOTS = path.resolve(__dirname, '../../test-artifacts/screenshots');
const TLS = ['--src-tls-verify=false', '--dest-tls-verify=false'];
const TAGS = ['v1.0.0', 'latest', 'rel-1', 'scratch'];

interface TagRuleBody {
  id: number;
  tag_name_pattern: string;
  minimum_access_level_for_push: string | null;
  minimum_access_level_for_delete: string | null;
  immutable: boolean;
}

/**
 * Protected and immutable tags in the web UI (issue 19), in headless Chromium against the built platform: the
 * "Protected tags" page creates, edits (immutable toggle) and deletes rules with what the REST API then lists and
 * shows its refusals inline; the tag list marks protected and immutable tags and disables a Developer's delete
 * with the reason, while a Maintainer deletes a tag protected at Maintainer.
 */
describe('web UI: protected and immutable tags', () => {
  let db: TestDatabase;
  let platform: TestPlatform;
  let api: RestClient;
  let browser: Browser;
  let maintainerPage: Page;
  let developerPage: Page;
  let work: string;
  let projectId: number;
  let repositoryId: number;
  const admin = () => ({ token: platform.adminToken });
  const rulesPath = () => `/projects/${projectId}/registry/protection/tag/rules`;
  const tagRules = async () => (await api.get<TagRuleBody[]>(rulesPath(), admin())).body;
  const ruleRow = (page: Page, pattern: string) => page.getByTestId(`tag-rule-${pattern}`);

  beforeAll(async () => {
    db = await createTestDatabase();
    platform = await startPlatform({ databaseUrl: db.url, worker: false });
    api = new RestClient(platform.url);
    const maintainer = await api.createUser(admin(), 'mara');
    const developer = await api.createUser(admin(), 'dev');
    const group = await api.post('/groups', admin(), { name: 'Guarded', path: 'guarded' });
    const project = await api.post('/projects', admin(), { path: 'app', namespace_id: group.body.id, visibility: 'private' });
    expect(project.status).toBe(201);
    projectId = project.body.id;
    for (const [user, level] of [
      [maintainer, 40],
      [developer, 30],
    ] as const) {
      expect((await api.post(`/projects/${projectId}/members`, admin(), { user_id: user.id, access_level: level })).status).toBe(201);
    }

    // Tags pushed with skopeo before any rule exists.
    work = mkdtempSync(path.join(tmpdir(), 'web-ui-protection-'));
    const host = new URL(platform.url).host;
    const layout = buildOciLayout(path.join(work, 'image'), '1', [{ layers: [{ 'hello.txt': 'hello' }] }]);
    for (const tag of TAGS) {
      await runClient('skopeo', ['copy', ...TLS, '--dest-creds', `mara:${maintainer.token}`, `oci:${layout.dir}:1`, `docker://${host}/guarded/app:${tag}`]);
    }
    repositoryId = (await api.get(`/projects/${projectId}/registry/repositories`, admin())).body[0].id;

    mkdirSync(SCREENSHOTS, { recursive: true });
    browser = await launchChromium();
    maintainerPage = await signedInPage(browser, platform.url, 'mara');
    developerPage = await signedInPage(browser, platform.url, 'dev');
  }, 240_000);

  afterAll(async () => {
    await browser?.close();
    await platform?.stop();
    await db?.drop();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  /** Fills and submits the "Add a tag protection rule" form; `levels` null: immutable. */
  async function addTagRule(page: Page, pattern: string, levels: { push: string; delete: string } | null) {
    const form = page.getByTestId('tag-rule-new-form');
    if (!(await form.isVisible())) await page.getByText('Add a tag protection rule').click();
    await form.getByLabel('Tag name pattern').fill(pattern);
    if (levels) {
      await form.getByLabel('Minimum role to push').selectOption(levels.push);
      await form.getByLabel('Minimum role to delete').selectOption(levels.delete);
    } else {
      await form.getByRole('checkbox', { name: /Immutable/ }).check();
    }
    await form.getByRole('button', { name: 'Add rule' }).click();
  }

  it('the settings page creates tag rules (in the REST list afterwards) and shows the API refusals inline', async () => {
    const page = maintainerPage;
    await page.goto(`${platform.url}/projects/${projectId}/registry`);
    await page.getByRole('link', { name: 'Protected tags' }).click();
    await page.getByRole('heading', { name: 'Tag protection rules' }).waitFor();
    expect(await page.getByTestId('tag-rule-count').innerText()).toContain('0 of 5 rules used');
    expect(await page.getByText('matches any part of the tag name').count()).toBe(1);

    // A Maintainer may not set a level above their own (403): the API's words, in the form.
    await addTagRule(page, '^v', { push: 'maintainer', delete: 'owner' });
    await page.getByTestId('tag-rule-new-form').getByRole('alert').getByText('a rule at owner level needs that level').waitFor();
    expect(await tagRules()).toEqual([]);

    await addTagRule(page, '^v', { push: 'maintainer', delete: 'maintainer' });
    await ruleRow(page, '^v').waitFor();
    expect(await ruleRow(page, '^v').getByTestId('rule-push').innerText()).toBe('Maintainer');
    expect(await ruleRow(page, '^v').getByTestId('rule-delete').innerText()).toBe('Maintainer');
    expect(await tagRules()).toEqual([
      expect.objectContaining({ tag_name_pattern: '^v', minimum_access_level_for_push: 'maintainer', minimum_access_level_for_delete: 'maintainer', immutable: false }),
    ]);
    // The administrator raises its delete level to Owner (the Developer's tooltip below names it).
    const ruleV = (await tagRules())[0];
    expect((await api.request('PATCH', `${rulesPath()}/${ruleV.id}`, admin(), { minimum_access_level_for_delete: 'owner' })).status).toBe(200);

    // The same pattern again (422) and an invalid RE2 expression: the API's words, in the form, nothing created.
    await addTagRule(page, '^v', { push: 'maintainer', delete: 'maintainer' });
    await page.getByTestId('tag-rule-new-form').getByRole('alert').getByText('has already been taken').waitFor();
    await addTagRule(page, 'v(', { push: 'maintainer', delete: 'maintainer' });
    await page.getByTestId('tag-rule-new-form').getByRole('alert').getByText('RE2').waitFor();
    expect(await tagRules()).toHaveLength(1);

    await addTagRule(page, '^rel-', { push: 'maintainer', delete: 'maintainer' });
    await ruleRow(page, '^rel-').waitFor();
    await addTagRule(page, '^latest$', { push: 'maintainer', delete: 'maintainer' });
    await ruleRow(page, '^latest$').waitFor();
    expect(await page.getByTestId('tag-rule-count').innerText()).toContain('3 of 5 rules used');
    await page.screenshot({ path: path.join(SCREENSHOTS, 'protection-rules.png'), fullPage: true });
  });

  it('edits a rule into an immutable one, and shows the refusal when a Maintainer deletes it', async () => {
    const page = maintainerPage;
    await ruleRow(page, '^latest$').getByRole('button', { name: 'Edit rule ^latest$' }).click();
    const form = page.getByTestId('tag-rule-edit-form');
    expect(await form.getByLabel('Tag name pattern').inputValue()).toBe('^latest$');
    await form.getByRole('checkbox', { name: /Immutable/ }).check();
    expect(await form.getByLabel('Minimum role to push').isDisabled()).toBe(true);
    await form.getByRole('button', { name: 'Save rule' }).click();
    await form.waitFor({ state: 'detached' });
    await ruleRow(page, '^latest$').getByText('Immutable', { exact: true }).waitFor();
    expect(await ruleRow(page, '^latest$').getByTestId('rule-push').innerText()).toBe('Nobody (immutable)');
    expect((await tagRules()).find((rule) => rule.tag_name_pattern === '^latest$')).toMatchObject({
      minimum_access_level_for_push: null,
      minimum_access_level_for_delete: null,
      immutable: true,
    });

    await ruleRow(page, '^latest$').getByRole('button', { name: 'Delete rule ^latest$' }).click();
    await page.getByTestId('confirm-delete').click();
    await page.getByTestId('tag-rules').getByRole('alert').getByText('requires Owner').waitFor();
    expect((await tagRules()).map((rule) => rule.tag_name_pattern)).toContain('^latest$');
  });

  it('deletes a rule, and shows the limit of 5 when it is reached', async () => {
    const page = maintainerPage;
    await addTagRule(page, '^tmp-', { push: 'maintainer', delete: 'maintainer' });
    await ruleRow(page, '^tmp-').waitFor();
    await ruleRow(page, '^tmp-').getByRole('button', { name: 'Delete rule ^tmp-' }).click();
    await page.getByTestId('confirm-delete').click();
    await ruleRow(page, '^tmp-').waitFor({ state: 'detached' });
    expect((await tagRules()).map((rule) => rule.tag_name_pattern).sort()).toEqual(['^latest$', '^rel-', '^v']);

    for (const pattern of ['^a-', '^b-']) expect((await api.post(rulesPath(), admin(), { tag_name_pattern: pattern, minimum_access_level_for_push: 'maintainer' })).status).toBe(201);
    await page.reload();
    await page.getByTestId('tag-rule-limit').waitFor();
    expect(await page.getByTestId('tag-rule-count').innerText()).toContain('5 of 5 rules used');
    expect(await page.getByText('Add a tag protection rule').count()).toBe(0);
  });

  it('adds a repository rule, and shows why a pattern outside the project is refused', async () => {
    const page = maintainerPage;
    const section = page.getByTestId('repository-rules');
    await section.getByText('Add a repository protection rule').click();
    const form = page.getByTestId('repository-rule-new-form');
    await form.getByLabel('Repository path pattern').fill('other/app/*');
    await form.getByRole('button', { name: 'Add rule' }).click();
    await form.getByRole('alert').getByText("should start with the project's full path").waitFor();
    await form.getByLabel('Repository path pattern').fill('guarded/app/prod/*');
    await form.getByLabel('Minimum role to delete').selectOption('');
    await form.getByRole('button', { name: 'Add rule' }).click();
    await page.getByTestId('repository-rule-guarded/app/prod/*').waitFor();
    const rules = await api.get(`/projects/${projectId}/registry/protection/repository/rules`, admin());
    expect(rules.body).toEqual([
      expect.objectContaining({ repository_path_pattern: 'guarded/app/prod/*', minimum_access_level_for_push: 'maintainer', minimum_access_level_for_delete: null }),
    ]);
  });

  it('a Developer sees the badges and a disabled delete with the reason, and no Protected tags tab', async () => {
    const page = developerPage;
    await page.goto(`${platform.url}/projects/${projectId}/registry/${repositoryId}`);
    await page.getByTestId('tag-row-v1.0.0').getByTestId('protection-badge').waitFor();
    const badge = (tag: string) => page.getByTestId(`tag-row-${tag}`).getByTestId('protection-badge');
    expect(await badge('v1.0.0').innerText()).toBe('Protected');
    expect(await badge('v1.0.0').getAttribute('title')).toBe('Protected: push needs Maintainer, delete needs Owner');
    expect(await badge('latest').innerText()).toBe('Immutable');
    expect(await badge('rel-1').innerText()).toBe('Protected');
    expect(await badge('scratch').count()).toBe(0);

    const deleteButton = (tag: string) => page.getByRole('button', { name: `Delete tag ${tag}` });
    const reason = (tag: string) => page.getByTestId(`tag-row-${tag}`).getByTestId('delete-refused').getAttribute('title');
    expect(await deleteButton('v1.0.0').isDisabled()).toBe(true);
    expect(await reason('v1.0.0')).toBe('tag "v1.0.0" is protected: deleting requires Owner');
    expect(await deleteButton('latest').isDisabled()).toBe(true);
    expect(await reason('latest')).toBe('tag "latest" is immutable');
    expect(await deleteButton('rel-1').isDisabled()).toBe(true);
    expect(await reason('rel-1')).toBe('tag "rel-1" is protected: deleting requires Maintainer');
    expect(await deleteButton('scratch').isDisabled()).toBe(false);
    expect(await page.getByRole('link', { name: 'Protected tags' }).count()).toBe(0);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'protection-tags-developer.png'), fullPage: true });
  });

  it('a Maintainer deletes a tag protected at Maintainer; tags they may not delete cannot be selected for bulk delete', async () => {
    const page = maintainerPage;
    await page.goto(`${platform.url}/projects/${projectId}/registry/${repositoryId}`);
    await page.getByTestId('tag-row-rel-1').getByTestId('protection-badge').waitFor();
    expect(await page.getByRole('checkbox', { name: 'Select tag latest' }).isDisabled()).toBe(true);
    expect(await page.getByRole('checkbox', { name: 'Select tag v1.0.0' }).isDisabled()).toBe(true);
    expect(await page.getByRole('checkbox', { name: 'Select tag rel-1' }).isDisabled()).toBe(false);
    expect(await page.getByRole('button', { name: 'Delete tag latest' }).isDisabled()).toBe(true);
    expect(await page.getByTestId('tag-row-v1.0.0').getByTestId('delete-refused').getAttribute('title')).toBe('tag "v1.0.0" is protected: deleting requires Owner');
    await page.getByRole('checkbox', { name: 'Select all tags on this page' }).check();
    expect(await page.getByTestId('delete-selected').innerText()).toBe('Delete selected (2)');
    await page.getByRole('checkbox', { name: 'Select all tags on this page' }).uncheck();

    await page.getByRole('button', { name: 'Delete tag rel-1' }).click();
    await page.getByTestId('confirm-delete').click();
    await page.getByText('Deleted 1 of 1 tag(s).').waitFor();
    await page.getByTestId('tag-row-rel-1').waitFor({ state: 'detached' });
    const tags = await api.get(`/projects/${projectId}/registry/repositories/${repositoryId}/tags`, admin());
    expect(tags.body.map((tag: { name: string }) => tag.name).sort()).toEqual(['latest', 'scratch', 'v1.0.0']);
  });

  it('the tag page shows the badge and, for a Developer, a disabled delete with the reason', async () => {
    const page = developerPage;
    await page.goto(`${platform.url}/projects/${projectId}/registry/${repositoryId}/tags/v1.0.0`);
    const badge = page.getByTestId('protection-badge');
    await badge.waitFor();
    expect(await badge.innerText()).toBe('Protected');
    expect(await badge.getAttribute('title')).toBe('Protected: push needs Maintainer, delete needs Owner');
    expect(await page.getByTestId('delete-tag').isDisabled()).toBe(true);
    expect(await page.getByTestId('delete-tag').getAttribute('title')).toBe('tag "v1.0.0" is protected: deleting requires Owner');
    await page.goto(`${platform.url}/projects/${projectId}/registry/${repositoryId}/tags/scratch`);
    await page.getByTestId('tag-digest').waitFor();
    expect(await page.getByTestId('protection-badge').count()).toBe(0);
    expect(await page.getByTestId('delete-tag').isDisabled()).toBe(false);
  });

  it('the cleanup preview keeps protected and immutable tags, as a run does', async () => {
    const preview = await api.get(`/projects/${projectId}/registry/repositories/${repositoryId}/cleanup_preview?name_regex_delete=.*`, admin());
    expect(preview.status).toBe(200);
    expect(preview.body.delete_count).toBe(1);
    expect(Object.fromEntries(preview.body.tags.map((tag: { name: string; kept_by: string[] }) => [tag.name, tag.kept_by]))).toEqual({
      latest: ['latest', 'immutable'],
      scratch: [],
      'v1.0.0': ['protected'],
    });

    const page = maintainerPage;
    await page.goto(`${platform.url}/projects/${projectId}/cleanup`);
    await page.getByLabel('Keep the most recent', { exact: true }).selectOption('');
    await page.getByLabel('Remove tags older than').selectOption('');
    await page.getByLabel('Remove tags matching (regular expression)').fill('.*');
    await page.getByRole('button', { name: 'Preview deletions' }).click();
    const panel = page.getByTestId('preview-guarded/app');
    await panel.waitFor();
    expect(await panel.innerText()).toContain('1 of 3 tag(s) would be deleted');
    const action = (tag: string) => panel.getByTestId(`preview-tag-${tag}`).getByTestId('preview-action').innerText();
    expect(await action('v1.0.0')).toBe('kept: protected');
    expect(await action('latest')).toBe('kept: immutable');
    expect(await action('scratch')).toBe('deleted');
  });
});
