import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { createTestDatabase, RegistrySession, startPlatform, TestDatabase, TestPlatform } from '@cargohold/testing';
import { BOOTSTRAP_TOKEN, RestClient } from './iam-rest-client';
import { pushImage } from './registry-management-fixtures';

const execFileAsync = promisify(execFile);

/**
 * The REST parameter layer as GitLab clients exercise it: `Content-Type: application/json` exactly on every
 * answer, python-gitlab's `True`/`False`, decimal-only integers, and the same fields taken from a JSON body, a
 * form body (with `a[b]=c` nesting) or the query string. The curl lines of the seed (shared/seeds/002) run
 * with real curl, as written there: only the placeholders (host, token, ids) are filled in.
 */
describe('REST parameters and response type (GitLab clients)', () => {
  let db: TestDatabase;
  let platform: TestPlatform;
  let api: RestClient;
  const admin = { token: BOOTSTRAP_TOKEN };
  let owner: { id: number; token: string };
  let project: { id: number };
  let repository: { id: number };
  let curlHome: string;

  const raw = (method: string, target: string, init: { headers?: Record<string, string>; body?: string; token?: string | null } = {}) =>
    fetch(`${platform.url}/api/v4${target}`, {
      method,
      headers: { ...(init.token === null ? {} : { 'PRIVATE-TOKEN': init.token ?? BOOTSTRAP_TOKEN }), ...init.headers },
      body: init.body,
    });
  const form = (method: string, target: string, body: string, token?: string) =>
    raw(method, target, { token, body, headers: { 'Content-Type': 'application/x-www-form-urlencoded' } });
  const json = (method: string, target: string, body: unknown, token?: string) =>
    raw(method, target, { token, body: JSON.stringify(body), headers: { 'Content-Type': 'application/json' } });

  beforeAll(async () => {
    db = await createTestDatabase();
    platform = await startPlatform({ databaseUrl: db.url, worker: false, env: { BOOTSTRAP_ADMIN_TOKEN: BOOTSTRAP_TOKEN } });
    api = new RestClient(platform.url);
    const user = await api.createUser(admin, 'params-owner');
    owner = { id: user.id, token: user.token };
    const created = await api.post('/projects', user.auth, { path: 'app' });
    expect(created.status).toBe(201);
    project = created.body;
    // A project the owner is not a member of, so owned=... has something to filter out.
    expect((await api.post('/projects', admin, { path: 'other' })).status).toBe(201);
    const registry = new RegistrySession(platform.url, { username: 'root', password: BOOTSTRAP_TOKEN });
    await pushImage(registry, 'params-owner/app', ['v1', 'v2'], 256);
    await pushImage(registry, 'params-owner/app/seeded', ['build-dev', 'release-stable'], 256);
    const repositories = await api.get(`/projects/${project.id}/registry/repositories`, admin);
    repository = repositories.body.find((r: { path: string }) => r.path === 'params-owner/app');
    curlHome = mkdtempSync(path.join(tmpdir(), 'cargohold-curlrc-'));
    // curl reads $CURL_HOME/.curlrc: the seed's lines stay as written, and we still get the status code.
    writeFileSync(path.join(curlHome, '.curlrc'), 'silent\nshow-error\nwrite-out = "\\n%{http_code}"\n');
  });

  afterAll(async () => {
    await platform?.stop();
    await db?.drop();
    if (curlHome) rmSync(curlHome, { recursive: true, force: true });
  });

  describe('Content-Type: application/json, without a charset', () => {
    it.each<[string, () => Promise<Response>, number]>([
      ['a success', () => raw('GET', '/projects'), 200],
      ['a created resource', () => json('POST', '/groups', { name: 'ct', path: 'ct' }), 201],
      ['a 404 of a known route', () => raw('GET', '/projects/999999'), 404],
      ['a 404 of no route', () => raw('GET', '/no/such/route'), 404],
      ['a 400 from validation', () => raw('GET', '/projects?per_page=0x28'), 400],
      ['a 400 from the JSON parser', () => raw('POST', '/groups', { body: '{"name": ', headers: { 'Content-Type': 'application/json' } }), 400],
      ['a 400 for a NUL at the edge', () => raw('GET', '/projects?search=a%00'), 400],
      ['a 401 without a token', () => raw('GET', '/user', { token: null }), 401],
      ['a 401 with a bad token', () => raw('GET', '/user', { token: 'glpat-not-a-token' }), 401],
    ])('on %s', async (_what, send, status) => {
      const response = await send();
      expect(response.status).toBe(status);
      expect(response.headers.get('content-type')).toBe('application/json');
      expect(typeof (await response.json())).toBe('object');
    });

    it('on the 202 of a bulk delete (a string body)', async () => {
      const response = await form('DELETE', `/projects/${project.id}/registry/repositories/${repository.id}/tags`, 'name_regex_delete=nothing-matches');
      expect(response.status).toBe(202);
      expect(response.headers.get('content-type')).toBe('application/json');
    });
  });

  describe('booleans as python-gitlab and Grape write them', () => {
    const ids = async (response: Response) => ((await response.json()) as { id: number }[]).map((p) => p.id).sort();

    it('owned=True / owned=False on /projects', async () => {
      const owned = await raw('GET', '/projects?owned=True', { token: owner.token });
      expect(owned.status).toBe(200);
      expect(await ids(owned)).toEqual([project.id]);
      const all = await raw('GET', '/projects?owned=False');
      expect(all.status).toBe(200);
      expect((await ids(all)).length).toBeGreaterThan(1);
    });

    it.each(['true', 'True', 'TRUE', '1', 'yes', 't', 'on'])('tags=%s and tags_count=%s on the repository list', async (flag) => {
      const response = await raw('GET', `/projects/${project.id}/registry/repositories?tags=${flag}&tags_count=${flag}`);
      expect(response.status).toBe(200);
      const listed = ((await response.json()) as { id: number; tags?: unknown[]; tags_count?: number }[]).find((r) => r.id === repository.id)!;
      expect(listed.tags).toHaveLength(2);
      expect(listed.tags_count).toBe(2);
    });

    it('tags=1, tags_count=yes, size=False on the list (size is not a filter there: ignored, as GitLab does)', async () => {
      const response = await raw('GET', `/projects/${project.id}/registry/repositories?tags=1&tags_count=yes&size=False`);
      expect(response.status).toBe(200);
      const listed = ((await response.json()) as { id: number; tags_count?: number }[]).find((r) => r.id === repository.id)!;
      expect(listed.tags_count).toBe(2);
    });

    it('size=True / size=False on a repository', async () => {
      const withSize = await raw('GET', `/registry/repositories/${repository.id}?size=True&tags_count=True`);
      expect(withSize.status).toBe(200);
      expect(await withSize.json()).toMatchObject({ size: expect.any(Number), tags_count: 2 });
      const without = await raw('GET', `/registry/repositories/${repository.id}?size=False&tags=False`);
      expect(without.status).toBe(200);
      const body = await without.json();
      expect(body).not.toHaveProperty('size');
      expect(body).not.toHaveProperty('tags');
    });

    it('refuses a value Grape would not read as a boolean, in GitLab words', async () => {
      const response = await raw('GET', '/projects?owned=maybe');
      expect(response.status).toBe(400);
      expect(await response.json()).toEqual({ error: 'owned is invalid' });
    });
  });

  describe('integers are decimal', () => {
    it.each(['per_page=0x28', 'page=1e3', 'per_page=1e1', 'page=1.5', 'per_page=ten'])('refuses %s with 400', async (query) => {
      const response = await raw('GET', `/projects?${query}`);
      expect(response.status).toBe(400);
      expect(await response.json()).toEqual({ error: `${query.split('=')[0]} is invalid` });
    });

    it('takes per_page=40 and page=1', async () => {
      const response = await raw('GET', '/projects?per_page=40&page=1');
      expect(response.status).toBe(200);
      expect(response.headers.get('x-per-page')).toBe('40');
      expect(response.headers.get('x-page')).toBe('1');
    });
  });

  describe('the same fields from JSON, a form or the query string', () => {
    const attributes = { enabled: true, keep_n: 10, older_than: '14d' };
    const policyOf = async (response: Response) => {
      expect(response.status).toBe(200);
      const { next_run_at: _next, ...policy } = (await response.json()).container_expiration_policy;
      return policy;
    };
    const freshProject = async (name: string) => (await api.post('/projects', admin, { path: name })).body.id as number;

    it('PUT /projects/:id with container_expiration_policy_attributes: JSON, form and query agree', async () => {
      const fromJson = await policyOf(await json('PUT', `/projects/${await freshProject('policy-json')}`, { container_expiration_policy_attributes: attributes }));
      expect(fromJson).toMatchObject(attributes);
      const encoded = 'container_expiration_policy_attributes[enabled]=true&container_expiration_policy_attributes[keep_n]=10&container_expiration_policy_attributes[older_than]=14d';
      const fromForm = await policyOf(await form('PUT', `/projects/${await freshProject('policy-form')}`, encoded));
      const fromQuery = await policyOf(await raw('PUT', `/projects/${await freshProject('policy-query')}?${encoded}`));
      expect(fromForm).toEqual(fromJson);
      expect(fromQuery).toEqual(fromJson);
    });

    it('form booleans in any of Grape’s spellings, and refusals in GitLab words', async () => {
      const id = await freshProject('policy-spellings');
      for (const [text, enabled] of [['True', true], ['0', false], ['yes', true], ['False', false]] as const) {
        expect(await policyOf(await form('PUT', `/projects/${id}`, `container_expiration_policy_attributes[enabled]=${text}`))).toMatchObject({ enabled });
      }
      const refused = await form('PUT', `/projects/${id}`, 'container_expiration_policy_attributes[keep_n]=0x0a');
      expect(refused.status).toBe(400);
      expect(await refused.json()).toEqual({ error: 'container_expiration_policy_attributes[keep_n] is invalid' });
    });

    it('POST fields in the query string, as GitLab’s docs write them, and scopes[] in a form', async () => {
      const group = await raw('POST', '/groups?name=From%20Query&path=from-query');
      expect(group.status).toBe(201);
      expect(await group.json()).toMatchObject({ name: 'From Query', path: 'from-query' });
      const token = await form('POST', `/projects/${project.id}/deploy_tokens`, 'name=ci&scopes[]=read_registry&scopes[]=write_registry&expires_at=2099-01-01');
      expect(token.status).toBe(201);
      expect((await token.json()).scopes).toEqual(['read_registry', 'write_registry']);
    });
  });

  describe('refused bodies in GitLab’s shape', () => {
    it('malformed JSON is 400 {"error": "Invalid JSON format"}', async () => {
      const response = await raw('POST', `/projects/${project.id}/members`, { body: '{"user_id": 1, ', headers: { 'Content-Type': 'application/json' } });
      expect(response.status).toBe(400);
      expect(await response.json()).toEqual({ error: 'Invalid JSON format' });
    });

    it('too many form or query parameters is 400 {"error": "Too many total parameters"}', async () => {
      const many = Array.from({ length: 1001 }, (_, i) => `p${i}=1`).join('&');
      for (const response of [await form('POST', '/groups', many), await raw('GET', `/projects?${many}`)]) {
        expect(response.status).toBe(400);
        expect(response.headers.get('content-type')).toBe('application/json');
        expect(await response.json()).toEqual({ error: 'Too many total parameters' });
      }
    });

    it('a NUL in a nested form value is a 400, never a 500', async () => {
      const response = await form('PUT', `/projects/${project.id}`, 'container_expiration_policy_attributes[name_regex]=a%00');
      expect(response.status).toBe(400);
    });
  });

  /** The curl lines of shared/seeds/002_1cb780f2f7e2553c.txt, copied verbatim; `fill` only replaces the placeholders. */
  describe("the seed's curl lines, with real curl", () => {
    const fill = (line: string, ids: Record<string, string | number>) => {
      let filled = line.replace('https://gitlab.com', platform.url).replace('<token>', BOOTSTRAP_TOKEN);
      for (const [name, value] of Object.entries(ids)) filled = filled.replace(`:${name}`, String(value));
      return filled;
    };
    const curl = async (line: string, ids: Record<string, string | number>) => {
      const { stdout } = await execFileAsync('bash', ['-c', fill(line, ids)], { env: { ...process.env, CURL_HOME: curlHome } });
      const split = stdout.lastIndexOf('\n');
      const text = stdout.slice(0, split);
      return { status: Number(stdout.slice(split + 1)), body: text ? JSON.parse(text) : null };
    };
    let seeded: number;

    beforeAll(async () => {
      const repositories = await api.get(`/projects/${project.id}/registry/repositories`, admin);
      seeded = repositories.body.find((r: { path: string }) => r.path === 'params-owner/app/seeded').id;
    });

    it('Configure Cleanup Policy via API (form fields keep_n=10, cadence, regexes)', async () => {
      const result = await curl(
        `curl --request PUT --header "PRIVATE-TOKEN: <token>" \\
  "https://gitlab.com/api/v4/projects/:id/registry/repositories/:repository_id" \\
  --data "cadence=1d" \\
  --data "keep_n=10" \\
  --data "older_than=30d" \\
  --data "name_regex=.*-dev" \\
  --data "name_regex_keep=.*-stable"`,
        { id: project.id, repository_id: seeded },
      );
      expect(result.status).toBe(200);
      expect(result.body.container_expiration_policy).toMatchObject({ cadence: '1d', keep_n: 10, older_than: '30d', name_regex: '.*-dev', name_regex_keep: '.*-stable' });
    });

    it('Delete Tags in Bulk (a DELETE with a form body)', async () => {
      const result = await curl(
        `curl --request DELETE --header "PRIVATE-TOKEN: <token>" \\
  "https://gitlab.com/api/v4/projects/:id/registry/repositories/:repository_id/tags" \\
  --data "name_regex=.*-dev" \\
  --data "keep_n=5" \\
  --data "older_than=7d"`,
        { id: project.id, repository_id: seeded },
      );
      expect(result.status).toBe(202);
    });

    it('Create deploy tokens (scopes[] repeated in a form)', async () => {
      const result = await curl(
        `curl --request POST --header "PRIVATE-TOKEN: <token>" \\
  "https://gitlab.com/api/v4/projects/:id/deploy_tokens" \\
  --data "name=Registry Token" \\
  --data "scopes[]=read_registry" \\
  --data "scopes[]=write_registry" \\
  --data "expires_at=2025-12-31"`,
        { id: project.id },
      );
      expect(result.status).toBe(201);
      expect(result.body).toMatchObject({ name: 'Registry Token', scopes: ['read_registry', 'write_registry'] });
      expect(result.body.expires_at).toMatch(/^2025-12-31/);
      // GitLab creates a token whose date is past (its docs' example date now is); it is expired and cannot log in.
      const basic = Buffer.from(`${result.body.username}:${result.body.token}`).toString('base64');
      const login = await fetch(`${platform.url}/jwt/auth?service=container_registry&scope=repository:params-owner/app:pull`, { headers: { Authorization: `Basic ${basic}` } });
      expect(login.status).toBe(401);
    });

    it('List Repositories, List Repository Tags, Get Tag Details', async () => {
      const listed = await curl(
        `curl --header "PRIVATE-TOKEN: <token>" \\
  "https://gitlab.com/api/v4/projects/:id/registry/repositories"`,
        { id: project.id },
      );
      expect(listed.status).toBe(200);
      expect(listed.body.map((r: { path: string }) => r.path).sort()).toEqual(['params-owner/app', 'params-owner/app/seeded']);
      const tags = await curl(
        `curl --header "PRIVATE-TOKEN: <token>" \\
  "https://gitlab.com/api/v4/projects/:id/registry/repositories/:repository_id/tags"`,
        { id: project.id, repository_id: repository.id },
      );
      expect(tags.status).toBe(200);
      expect(tags.body.map((t: { name: string }) => t.name)).toEqual(['v1', 'v2']);
      const details = await curl(
        `curl --header "PRIVATE-TOKEN: <token>" \\
  "https://gitlab.com/api/v4/projects/:id/registry/repositories/:repository_id/tags/:tag_name"`,
        { id: project.id, repository_id: repository.id, tag_name: 'v1' },
      );
      expect(details.status).toBe(200);
      expect(details.body).toMatchObject({ name: 'v1', path: 'params-owner/app:v1' });
    });
  });
});
