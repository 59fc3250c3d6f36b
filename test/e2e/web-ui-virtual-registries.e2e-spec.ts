import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { Browser, Page } from 'playwright-core';
import { buildOciLayout, createTestDatabase, runClient, startPlatform, startUpstreamDistribution, TestDatabase, TestPlatform, UpstreamDistribution } from '@cargohold/testing';
import { RestClient } from './iam-rest-client';
import { launchChromium, signedInPage } from './web-ui-browser';

const SCREENSHOTS = path.resolve(__dirname, '../../test-artifacts/screenshots');
const sha256 = (bytes: Buffer) => `sha256:${createHash('sha256').update(bytes).digest('hex')}`;

interface UpstreamBody {
  id: number;
  name: string;
  url: string;
  cache_validity_hours: number;
  username: string | null;
  registry_upstream: { id: number; position: number };
}

interface EntryBody {
  relative_path: string;
  size: number;
  digest: string;
}

/**
 * The group's virtual registries page (issue 20) in headless Chromium against the built platform and two real CNCF
 * distributions on loopback (one anonymous, one with htpasswd Basic auth): a Maintainer creates a registry and two
 * upstreams through the UI, reorders and edits them (what the REST API then lists), pulls an image through the
 * registry with skopeo and sees its cached manifest and blobs, deletes an entry and removes an upstream; a Guest
 * sees everything with the controls disabled and the reason.
 */
describe('web UI: virtual registries', () => {
  let db: TestDatabase;
  let platform: TestPlatform;
  let api: RestClient;
  let browser: Browser;
  let page: Page;
  let guestPage: Page;
  let anonymous: UpstreamDistribution;
  let basic: UpstreamDistribution;
  let groupId: number;
  let registryId: number;
  let maintainerToken: string;
  let work: string;
  const admin = () => ({ token: platform.adminToken });
  const upstreamsOf = async () => (await api.get<UpstreamBody[]>(`/virtual_registries/container/registries/${registryId}/upstreams`, admin())).body;
  const positions = async () => Object.fromEntries((await upstreamsOf()).map((upstream) => [upstream.name, upstream.registry_upstream.position]));
  const entriesOf = async (upstreamId: number) => (await api.get<EntryBody[]>(`/virtual_registries/container/upstreams/${upstreamId}/cache_entries`, admin())).body;
  const section = () => page.getByTestId('registry-cache');
  const upstreamRow = (name: string) => section().getByTestId(`upstream-${name}`);

  beforeAll(async () => {
    anonymous = await startUpstreamDistribution('anonymous');
    basic = await startUpstreamDistribution('basic');
    db = await createTestDatabase();
    platform = await startPlatform({ databaseUrl: db.url, worker: false });
    api = new RestClient(platform.url);
    // The upstreams are on loopback, which only an administrator's setting allows.
    expect((await api.put('/application/settings', admin(), { allow_local_requests_from_web_hooks_and_services: true })).status).toBe(200);
    const maintainer = await api.createUser(admin(), 'mara');
    const guest = await api.createUser(admin(), 'gus');
    maintainerToken = maintainer.token;
    groupId = (await api.post('/groups', admin(), { name: 'Mirror', path: 'mirror' })).body.id;
    for (const [user, level] of [
      [maintainer, 40],
      [guest, 10],
    ] as const) {
      expect((await api.post(`/groups/${groupId}/members`, admin(), { user_id: user.id, access_level: level })).status).toBe(201);
    }

    work = mkdtempSync(path.join(tmpdir(), 'web-ui-virtual-registries-'));
    mkdirSync(SCREENSHOTS, { recursive: true });
    browser = await launchChromium();
    page = await signedInPage(browser, platform.url, 'mara');
    guestPage = await signedInPage(browser, platform.url, 'gus');
  }, 240_000);

  afterAll(async () => {
    await browser?.close();
    await platform?.stop();
    await db?.drop();
    await anonymous?.close();
    await basic?.close();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  async function addUpstream(name: string, upstream: UpstreamDistribution, credentials: boolean) {
    const form = section().getByTestId(`registry-${registryId}-upstream-new-form`);
    if (!(await form.isVisible())) await section().getByText('Add an upstream to cache').click();
    await form.getByLabel('Upstream URL').fill(upstream.url);
    await form.getByLabel('Upstream name').fill(name);
    await form.getByLabel('Cache validity (hours)').fill('12');
    if (credentials) {
      await form.getByRole('radio', { name: 'A user name and password' }).check();
      await form.getByLabel('Upstream username').fill(upstream.username);
      await form.getByLabel('Upstream password').fill(upstream.password);
    }
    await form.getByRole('button', { name: 'Add upstream' }).click();
    await upstreamRow(name).waitFor();
  }

  it('creates a registry and two upstreams from the group page, with the credentials only said to be set', async () => {
    await page.goto(`${platform.url}/groups/mirror`);
    await page.getByRole('link', { name: 'Virtual registries and dependency proxy' }).click();
    await page.getByRole('heading', { name: 'Container virtual registries' }).waitFor();
    expect(await page.getByTestId('registry-count').innerText()).toBe('0 of 5 registries used.');
    expect(await page.getByTestId('dependency-proxy-pull').innerText()).toBe(`docker pull ${new URL(platform.url).host}/mirror/dependency_proxy/containers/alpine:latest`);

    await page.getByText('Create a virtual registry').click();
    const form = page.getByTestId('registry-new-form');
    await form.getByLabel('Registry name').fill('cache');
    await form.getByLabel('Registry description').fill('Team images');
    await form.getByRole('button', { name: 'Create registry' }).click();
    await section().waitFor();
    const registries = (await api.get(`/groups/${groupId}/-/virtual_registries/container/registries`, admin())).body;
    expect(registries).toEqual([expect.objectContaining({ name: 'cache', description: 'Team images' })]);
    registryId = registries[0].id;
    expect(await section().getByTestId('pull-command').innerText()).toBe(`docker pull ${new URL(platform.url).host}/virtual_registries/container/${registryId}/<image>:<tag>`);

    // One half of the credentials cannot be sent (the API would refuse it).
    await section().getByText('Add an upstream to cache').click();
    const upstreamForm = section().getByTestId(`registry-${registryId}-upstream-new-form`);
    await upstreamForm.getByLabel('Upstream URL').fill('http://127.0.0.1:1');
    await upstreamForm.getByLabel('Upstream name').fill('half');
    await upstreamForm.getByRole('radio', { name: 'A user name and password' }).check();
    await upstreamForm.getByLabel('Upstream username').fill('someone');
    expect(await upstreamForm.getByRole('button', { name: 'Add upstream' }).isDisabled()).toBe(true);
    await upstreamForm.getByRole('radio', { name: 'Anonymous access' }).check();

    await addUpstream('first', anonymous, false);
    await addUpstream('second', basic, true);
    const upstreams = await upstreamsOf();
    expect(upstreams.map(({ name, url, cache_validity_hours, username }) => ({ name, url, cache_validity_hours, username }))).toEqual([
      { name: 'first', url: anonymous.url, cache_validity_hours: 12, username: null },
      { name: 'second', url: basic.url, cache_validity_hours: 12, username: basic.username },
    ]);
    expect(JSON.stringify(upstreams)).not.toContain(basic.password);
    expect(await upstreamRow('second').getByTestId('upstream-credentials').innerText()).toBe(`${basic.username}, password set`);
    expect(await upstreamRow('first').getByTestId('upstream-credentials').innerText()).toBe('None');
    expect(await page.content()).not.toContain(basic.password);
  });

  it('reorders the upstreams with the move buttons (the API positions follow) and edits one', async () => {
    expect(await positions()).toEqual({ first: 1, second: 2 });
    expect(await upstreamRow('first').getByRole('button', { name: 'Move first up' }).isDisabled()).toBe(true);
    await upstreamRow('second').getByRole('button', { name: 'Move second up' }).click();
    await section().getByTestId(`registry-${registryId}-upstreams`).locator('tbody tr').first().getByText('second').waitFor();
    expect(await positions()).toEqual({ second: 1, first: 2 });
    expect(await upstreamRow('second').getByTestId('upstream-position').innerText()).toBe('1');

    await upstreamRow('first').getByRole('button', { name: 'Move first up' }).click();
    await section().getByTestId(`registry-${registryId}-upstreams`).locator('tbody tr').first().getByText('first').waitFor();
    expect(await positions()).toEqual({ first: 1, second: 2 });
    await upstreamRow('first').getByRole('button', { name: 'Move first down' }).click();
    await section().getByTestId(`registry-${registryId}-upstreams`).locator('tbody tr').first().getByText('second').waitFor();
    expect(await positions()).toEqual({ second: 1, first: 2 });

    await upstreamRow('first').getByRole('button', { name: 'Edit upstream first' }).click();
    const form = section().locator('form[data-testid$="-edit-form"]');
    expect(await form.getByLabel('Upstream URL').inputValue()).toBe(anonymous.url);
    await form.getByLabel('Upstream name').fill('fallback');
    await form.getByLabel('Upstream description').fill('anonymous mirror');
    await form.getByLabel('Cache validity (hours)').fill('1');
    await form.getByRole('button', { name: 'Save upstream' }).click();
    await upstreamRow('fallback').waitFor();
    expect(await upstreamRow('fallback').getByTestId('upstream-validity').innerText()).toBe('1 h');
    expect((await upstreamsOf()).find((upstream) => upstream.name === 'fallback')).toMatchObject({ url: anonymous.url, cache_validity_hours: 1, username: null });

    // Editing the upstream with credentials without touching them keeps them.
    await upstreamRow('second').getByRole('button', { name: 'Edit upstream second' }).click();
    await form.getByLabel('Upstream description').fill('basic auth');
    await form.getByRole('button', { name: 'Save upstream' }).click();
    await form.waitFor({ state: 'detached' });
    expect((await upstreamsOf()).find((upstream) => upstream.name === 'second')).toMatchObject({ username: basic.username });
  });

  it('shows what a real pull through the registry cached, and deletes an entry', async () => {
    const layout = buildOciLayout(path.join(work, 'image'), 'v1', [{ layers: [{ 'hello.txt': 'hello' }, { 'data.bin': Buffer.alloc(200_000, 3) }] }]);
    await runClient('skopeo', ['copy', '--dest-tls-verify=false', '--dest-creds', `${basic.username}:${basic.password}`, `oci:${layout.dir}:v1`, `docker://${new URL(basic.url).host}/team/app:v1`]);
    const host = new URL(platform.url).host;
    const out = path.join(work, 'pulled');
    await runClient('skopeo', ['copy', '--src-tls-verify=false', '--src-creds', `mara:${maintainerToken}`, `docker://${host}/virtual_registries/container/${registryId}/team/app:v1`, `oci:${out}:v1`]);
    expect(sha256(readFileSync(path.join(out, 'blobs', 'sha256', layout.top.digest.slice(7))))).toBe(layout.top.digest);

    const second = (await upstreamsOf()).find((upstream) => upstream.name === 'second')!;
    const entries = await entriesOf(second.id);
    const manifest = entries.find((entry) => entry.relative_path === 'team/app/manifests/v1');
    expect(manifest).toMatchObject({ digest: layout.top.digest });
    expect(entries.map((entry) => entry.relative_path)).toEqual(expect.arrayContaining(layout.images[0].layers.map((layer) => `team/app/blobs/${layer.digest}`)));

    await page.reload();
    const row = section().getByTestId('cache-entry-team/app/manifests/v1');
    await row.waitFor();
    expect(await row.getByTestId('entry-image').innerText()).toBe('team/app');
    expect(await row.getByTestId('entry-reference').innerText()).toContain('v1');
    expect(await row.getByTestId('entry-size').innerText()).toBe(`${manifest!.size} B`);
    expect(await row.getByTestId('entry-upstream').innerText()).toBe('second');
    expect(await row.getByTestId('entry-pulled').innerText()).not.toBe('—');
    const layer = layout.images[0].layers[1];
    expect(await section().getByTestId(`cache-entry-team/app/blobs/${layer.digest}`).getByTestId('entry-reference').innerText()).toContain('blob');
    await page.screenshot({ path: path.join(SCREENSHOTS, 'virtual-registries.png'), fullPage: true });

    await row.getByRole('button', { name: 'Delete cached team/app/manifests/v1' }).click();
    await page.getByTestId('confirm-delete').click();
    await row.waitFor({ state: 'detached' });
    const after = (await entriesOf(second.id)).map((entry) => entry.relative_path);
    expect(after).not.toContain('team/app/manifests/v1');
    expect(after).toHaveLength(entries.length - 1);
  });

  it('a Guest sees the registry, its upstreams and cache with every control disabled and why', async () => {
    await guestPage.goto(`${platform.url}/groups/mirror/-/virtual_registries`);
    const guestSection = guestPage.getByTestId('registry-cache');
    await guestSection.getByTestId('upstream-second').waitFor();
    expect(await guestPage.getByTestId('group-role').innerText()).toBe('Your role: Guest');
    expect(await guestPage.getByTestId('manage-refused').innerText()).toContain('Needs the Maintainer or Owner role in mirror.');
    const remove = guestSection.getByRole('button', { name: 'Remove upstream second' });
    expect(await remove.isDisabled()).toBe(true);
    expect(await remove.getAttribute('title')).toBe('Needs the Maintainer or Owner role in mirror.');
    expect(await guestSection.getByRole('button', { name: 'Delete registry cache' }).isDisabled()).toBe(true);
    expect(await guestSection.getByTestId(/^cache-entry-team\/app\/blobs\//).count()).toBeGreaterThan(0);
    expect(await guestPage.getByText('Add an upstream to cache').count()).toBe(0);
    expect(await guestPage.getByText('Create a virtual registry').count()).toBe(0);
    expect(await guestPage.getByRole('button', { name: 'Save dependency proxy settings' }).isDisabled()).toBe(true);
    expect(await guestPage.getByRole('button', { name: 'Purge dependency proxy cache' }).getAttribute('title')).toBe('Needs the Owner role in mirror.');
  });

  it('removes an upstream: its cache goes and the other moves up', async () => {
    const fallbackId = (await upstreamsOf()).find((upstream) => upstream.name === 'fallback')!.id;
    await upstreamRow('second').getByRole('button', { name: 'Remove upstream second' }).click();
    await page.getByTestId('confirm-delete').click();
    await upstreamRow('second').waitFor({ state: 'detached' });
    expect(await positions()).toEqual({ fallback: 1 });
    expect(await upstreamRow('fallback').getByTestId('upstream-position').innerText()).toBe('1');
    await section().getByText('Nothing cached yet').waitFor();
    expect(await entriesOf(fallbackId)).toEqual([]);
  });
});
