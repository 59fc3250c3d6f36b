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
