import { createTestDatabase, spawnProcess, startPlatform, TestDatabase, TestPlatform } from '@cargohold/testing';
import { mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { RestClient } from './iam-rest-client';

/** `pnpm cli users:create` and `tokens:create`, run as the built CLI against the platform's database. */
describe('iam: CLI', () => {
  let db: TestDatabase;
  let platform: TestPlatform;
  let api: RestClient;

  const cli = async (args: string[], env: Record<string, string> = platform.env) => {
    const proc = spawnProcess('cli', env, args);
    const code = await proc.exited;
    return { code, output: proc.output() };
  };

  beforeAll(async () => {
    db = await createTestDatabase();
    platform = await startPlatform({ databaseUrl: db.url, worker: false });
    api = new RestClient(platform.url);
  });

  afterAll(async () => {
    await platform?.stop();
    await db?.drop();
  });

  it('creates a user, then a token that works on GET /user', async () => {
    const created = await cli(['users:create', '--username', 'ops', '--password', 'ops-password-1', '--admin', '--email', 'ops@example.com']);
    expect(created).toMatchObject({ code: 0 });
    expect(created.output).toMatch(/^created administrator ops \(id \d+\)\n$/);
    const [row] = await db.query(`SELECT is_admin, email, password_hash LIKE 'scrypt$%' AS hashed FROM users WHERE username = 'ops'`);
    expect(row).toEqual({ is_admin: true, email: 'ops@example.com', hashed: true });

    const token = await cli(['tokens:create', '--username', 'ops', '--scopes', 'api,read_registry,write_registry', '--name', 'deploy', '--expires-at', '2999-12-31']);
    expect(token.code).toBe(0);
    // Only the token, so scripts can capture it.
    expect(token.output).toMatch(/^glpat-[A-Za-z0-9_-]{32}\n$/);
    const secret = token.output.trim();
    const me = await api.get('/user', { token: secret });
    expect(me).toMatchObject({ status: 200, body: { username: 'ops', is_admin: true } });
    const self = await api.get('/personal_access_tokens/self', { token: secret });
    expect(self.body).toMatchObject({ name: 'deploy', scopes: ['api', 'read_registry', 'write_registry'], expires_at: '2999-12-31' });
  });

  it('rotates the registry signing key: the new key listed last, files private, tokens signed before still working', async () => {
    const basic = `Basic ${Buffer.from(`root:${platform.adminToken}`).toString('base64')}`;
    const token = async () => {
      const response = await fetch(`${platform.url}/jwt/auth?service=container_registry&scope=registry:catalog:*`, { headers: { Authorization: basic } });
      expect(response.status).toBe(200);
      return ((await response.json()) as { token: string }).token;
    };
    const kidOf = (jwt: string) => JSON.parse(Buffer.from(jwt.split('.')[0], 'base64url').toString()).kid as string;
    const before = await token();

    const rotated = await cli(['keys:rotate']);
    expect(rotated.code).toBe(0);
    const result = JSON.parse(rotated.output);
    expect(result).toMatchObject({ retired: [], keys: 2 });
    expect(result.signing.kid).not.toBe(kidOf(before));
    const listed = (await cli(['keys:list'])).output.trim().split('\n').map((line) => JSON.parse(line));
    expect(listed.map((key) => key.kid)).toEqual([kidOf(before), result.signing.kid]);
    expect(listed[0].supersededAt).not.toBeNull();
    expect(listed[1].supersededAt).toBeNull();
    const files = readdirSync(path.join(platform.dataDir, 'keys'));
    expect(files).toHaveLength(2);
    for (const file of files) expect(statSync(path.join(platform.dataDir, 'keys', file)).mode & 0o777).toBe(0o600);

    // A token from before the rotation keeps working until it expires.
    expect((await fetch(`${platform.url}/v2/_catalog`, { headers: { Authorization: `Bearer ${before}` } })).status).toBe(200);
    expect((await cli(['keys:rotate', '--retire-after', 'soon'])).output).toBe('error: --retire-after takes a whole number of seconds\n');
  });

  it('resets a lost password: the old one stops working, the new one (given or generated once) works, web sessions end', async () => {
    expect((await cli(['users:create', '--username', 'lost', '--password', 'old-password-1', '--admin'])).code).toBe(0);
    const signIn = (password: string) =>
      fetch(`${platform.url}/api/v4/session`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ login: 'lost', password }) });
    const session = await signIn('old-password-1');
    expect(session.status).toBe(201);
    const cookie = (session.headers.get('set-cookie') ?? '').split(';')[0];
    const me = () => fetch(`${platform.url}/api/v4/user`, { headers: { Cookie: cookie } }).then((r) => r.status);
    expect(await me()).toBe(200);

    const generated = await cli(['users:reset-password', '--username', 'lost']);
    expect(generated.code).toBe(0);
    const match = generated.output.match(/^password of lost reset; [1-9]\d* web session\(s\) ended\nnew password \(shown only now\): ([A-Za-z0-9_-]{24})\n$/);
    expect(match).not.toBeNull();
    expect(await me()).toBe(401);
    expect((await signIn('old-password-1')).status).toBe(401);
    expect((await signIn(match![1])).status).toBe(201);

    const given = await cli(['users:reset-password', '--username', 'LOST', '--password', 'chosen-password-2']);
    expect(given).toEqual({ code: 0, output: expect.stringMatching(/^password of lost reset; [1-9]\d* web session\(s\) ended\n$/) });
    expect((await signIn(match![1])).status).toBe(401);
    expect((await signIn('chosen-password-2')).status).toBe(201);

    expect(await cli(['users:reset-password', '--username', 'nobody'])).toEqual({ code: 1, output: expect.stringMatching(/User Not Found/) });
    expect(await cli(['users:reset-password', '--username', 'lost', '--password', 'short'])).toEqual({ code: 1, output: expect.stringMatching(/password is too short/) });
  });

  it('fails with one line and exit code 1', async () => {
    const duplicate = await cli(['users:create', '--username', 'ops', '--password', 'another-pass']);
    expect(duplicate).toEqual({ code: 1, output: 'error: Username has already been taken\n' });
    const missing = await cli(['tokens:create', '--username', 'ghost', '--scopes', 'api']);
    expect(missing).toEqual({ code: 1, output: 'error: user ghost not found\n' });
    const badScope = await cli(['tokens:create', '--username', 'ops', '--scopes', 'everything']);
    expect(badScope).toEqual({ code: 1, output: 'error: scopes does not have a valid value\n' });
    const noPassword = await cli(['users:create', '--username', 'x']);
    expect(noPassword).toEqual({ code: 1, output: 'error: --password is required\n' });
    const unknown = await cli(['frobnicate']);
    expect(unknown.code).toBe(1);
    expect(unknown.output).toMatch(/^error: unknown command "frobnicate"/);
  });

  it('explains what to do when no database is configured', async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'cargohold-cli-'));
    try {
      const result = await cli(['users:create', '--username', 'x', '--password', 'password-1'], { DATA_DIR: dataDir });
      expect(result.code).toBe(1);
      expect(result.output).toBe(
        `error: DATABASE_URL is not set and there is no embedded database in ${dataDir}: set DATABASE_URL, or start the platform once (pnpm start)\n`,
      );
      // With the launcher's embedded-pg.json present but nothing listening, it says to start the platform.
      writeFileSync(path.join(dataDir, 'embedded-pg.json'), JSON.stringify({ port: 1, user: 'cargohold', password: 'x' }));
      const down = await cli(['users:create', '--username', 'x', '--password', 'password-1'], { DATA_DIR: dataDir });
      expect(down).toEqual({ code: 1, output: 'error: cannot reach the embedded PostgreSQL: start the platform (pnpm start) or set DATABASE_URL\n' });
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
