import { chromium } from 'playwright-core';
import type { TestDatabase, TestPlatform } from '@cargohold/testing';

/**
 * `pnpm bench:scale`, the web UI at scale (issue 24): headless Chromium opens the repository page of the scale
 * repository (every tag written by scale.ts) and we time, from navigation or click to the first page's rows in
 * the table, the first page (fresh tab each time), a rare-name filter, the sort by creation and the next page; and
 * count the tag list requests each load made (the target: one). Not a test: nothing asserts a time.
 */
export interface WebTagListFigures {
  first_page_ms: { p50: number; max: number; loads: number };
  /** Tag list requests of one first-page load (one: names, details and protection in one page). */
  requests_per_page: number;
  filter_ms: number;
  sort_created_ms: number;
  next_page_ms: number;
}

const LOADS = Number(process.env.BENCH_SCALE_WEB_LOADS ?? 5);
const PASSWORD = 'bench-password-1234';
const ROW = '[data-testid^="tag-row-"]';

export async function measureWebTagList(platform: TestPlatform, db: TestDatabase, projectPath: string, repositoryId: number): Promise<WebTagListFigures> {
  const username = await maintainer(platform, projectPath);
  // A name from the middle of the repository: the filter finds it alone among all the tags.
  const [{ name: rareName }] = await db.query<{ name: string }>(
    `SELECT name FROM tags WHERE repository_id = $1 ORDER BY name OFFSET (SELECT count(*) / 2 FROM tags WHERE repository_id = $1) LIMIT 1`,
    [repositoryId],
  );
  const browser = await chromium.launch({
    executablePath: process.env.BENCH_CHROMIUM ?? '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  try {
    const context = await browser.newContext({ viewport: { width: 1280, height: 860 } });
    const signIn = await context.newPage();
    await signIn.goto(`${platform.url}/`);
    await signIn.getByLabel('Username', { exact: true }).fill(username);
    await signIn.getByLabel('Password', { exact: true }).fill(PASSWORD);
    await signIn.getByRole('button', { name: 'Sign in' }).click();
    await signIn.getByTestId('signed-in-user').waitFor();
    const projectId = await projectIdOf(platform, projectPath);
    const url = `${platform.url}/projects/${projectId}/registry/${repositoryId}`;

    // The first load also fills the browser's cache of the UI's scripts; every load is measured, p50 reported.
    const loads: number[] = [];
    let requests = 0;
    for (let i = 0; i < LOADS; i++) {
      const page = await context.newPage();
      page.setDefaultTimeout(60_000);
      const listed: string[] = [];
      page.on('request', (request) => {
        if (new URL(request.url()).pathname.includes(`/registry/repositories/${repositoryId}/tags`)) listed.push(request.url());
      });
      loads.push(await timed(async () => {
        await page.goto(url);
        await page.locator(ROW).first().waitFor();
      }));
      requests = listed.length;
      if (i < LOADS - 1) await page.close();
    }
    const page = context.pages()[context.pages().length - 1];
    const firstRow = () => page.locator(ROW).first().getAttribute('data-testid');
    const changed = async (action: () => Promise<void>) => {
      const before = await firstRow();
      return timed(async () => {
        await action();
        await page.waitForFunction(([selector, previous]) => (globalThis as unknown as PageGlobal).document.querySelector(selector)?.getAttribute('data-testid') !== previous, [ROW, before] as const);
      });
    };
    const filter_ms = await changed(async () => {
      await page.getByLabel('Filter tags').fill(rareName);
      await page.getByRole('button', { name: 'Search' }).click();
    });
    await page.getByLabel('Filter tags').fill('');
    await page.waitForFunction((selector) => (globalThis as unknown as PageGlobal).document.querySelectorAll(selector).length > 1, ROW);
    const sort_created_ms = await changed(() => page.getByLabel('Sort by').selectOption('created_desc').then(() => undefined));
    const next_page_ms = await changed(() => page.getByRole('navigation', { name: 'Tag pages' }).getByRole('button', { name: 'Next' }).click());
    const sorted = [...loads].sort((a, b) => a - b);
    return { first_page_ms: { p50: sorted[Math.floor(sorted.length / 2)], max: sorted[sorted.length - 1], loads: loads.length }, requests_per_page: requests, filter_ms, sort_created_ms, next_page_ms };
  } finally {
    await browser.close();
  }
}

/** The table line of docs/performance.md for these figures. */
export function webTagListRow(figures: WebTagListFigures, tags: number): string {
  const f = figures;
  return (
    `| web tag list first page with ${tags} tags, Chromium (navigation to rows; ${f.requests_per_page} tag request(s) a page), p50 / max of ${f.first_page_ms.loads} | ` +
    `${f.first_page_ms.p50.toFixed(0)} / ${f.first_page_ms.max.toFixed(0)} ms |\n` +
    `| web tag list at ${tags} tags: rare-name filter / sort newest first / next page, click to rows | ${f.filter_ms.toFixed(0)} / ${f.sort_created_ms.toFixed(0)} / ${f.next_page_ms.toFixed(0)} ms |`
  );
}

/**
 * The page's document as the functions Playwright runs in the page see it (they are serialized, so they may not call
 * anything of this module; this package is compiled without the DOM's types; the UI's Content-Security-Policy
 * refuses the string form, an eval).
 */
type PageGlobal = { document: { querySelector(selector: string): { getAttribute(name: string): string | null } | null; querySelectorAll(selector: string): { length: number } } };

async function timed(run: () => Promise<void>): Promise<number> {
  const started = process.hrtime.bigint();
  await run();
  return Number(process.hrtime.bigint() - started) / 1e6;
}

async function rest<T>(platform: TestPlatform, method: string, path: string, body?: unknown): Promise<T> {
  const response = await fetch(`${platform.url}/api/v4${path}`, {
    method,
    headers: { 'PRIVATE-TOKEN': platform.adminToken, 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${await response.text()}`);
  return (await response.json()) as T;
}

async function projectIdOf(platform: TestPlatform, projectPath: string): Promise<number> {
  return (await rest<{ id: number }>(platform, 'GET', `/projects/${encodeURIComponent(projectPath)}`)).id;
}

/** A Maintainer of the project who signs in with a password (the UI's sign-in form). */
async function maintainer(platform: TestPlatform, projectPath: string): Promise<string> {
  const username = 'bench-web';
  const user = await rest<{ id: number }>(platform, 'POST', '/users', { username, email: `${username}@example.com`, name: username, password: PASSWORD });
  await rest(platform, 'POST', `/projects/${encodeURIComponent(projectPath)}/members`, { user_id: user.id, access_level: 40 });
  return username;
}

