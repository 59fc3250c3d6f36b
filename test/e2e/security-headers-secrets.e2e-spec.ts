import { createTestDatabase, RegistrySession, startPlatform, TestDatabase, TestPlatform } from '@cargohold/testing';
import { enc, RestClient } from './iam-rest-client';
import { bearer, pushImage } from './reliability-support';

const PASSWORD = 'Secret-Password-4321';

/**
 * Security headers (helmet on the JSON endpoints, nosniff on /v2/), CORS closed by default, and no secret in the
 * logs even at LOG_LEVEL=debug: passwords, personal access tokens, deploy tokens, job tokens and registry JWTs.
 */
describe('security: headers, CORS and secrets in logs', () => {
  let db: TestDatabase;
  let platform: TestPlatform;
  let api: RestClient;

  beforeAll(async () => {
    db = await createTestDatabase();
    platform = await startPlatform({ databaseUrl: db.url, worker: false, env: { LOG_LEVEL: 'debug' } });
    api = new RestClient(platform.url);
  });

  afterAll(async () => {
    await platform?.stop();
    await db?.drop();
  });

  it('sends helmet headers on the REST API, token service and health endpoints, and nosniff on /v2/', async () => {
    for (const path of ['/api/v4/version', '/jwt/auth?service=container_registry', '/-/health']) {
      const response = await fetch(`${platform.url}${path}`);
      expect({ path, nosniff: response.headers.get('x-content-type-options') }).toEqual({ path, nosniff: 'nosniff' });
      expect(response.headers.get('x-frame-options')).toBe('SAMEORIGIN');
      expect(response.headers.get('content-security-policy')).toContain("default-src 'self'");
      expect(response.headers.get('x-powered-by')).toBeNull();
    }
    for (const path of ['/v2/', '/v2/no/such/manifests/latest']) {
      expect((await fetch(`${platform.url}${path}`)).headers.get('x-content-type-options')).toBe('nosniff');
    }
  });

  it('keeps CORS closed: no Access-Control-Allow-Origin for any origin, simple or preflighted', async () => {
    const origin = { Origin: 'https://evil.example' };
    for (const path of ['/api/v4/projects', '/api/v4/version', '/jwt/auth?service=container_registry', '/v2/']) {
      const simple = await fetch(`${platform.url}${path}`, { headers: { ...origin, 'PRIVATE-TOKEN': platform.adminToken } });
      expect({ path, acao: simple.headers.get('access-control-allow-origin') }).toEqual({ path, acao: null });
      const preflight = await fetch(`${platform.url}${path}`, {
        method: 'OPTIONS',
        headers: { ...origin, 'Access-Control-Request-Method': 'DELETE', 'Access-Control-Request-Headers': 'private-token' },
      });
      expect({ path, acao: preflight.headers.get('access-control-allow-origin') }).toEqual({ path, acao: null });
      expect(preflight.headers.get('access-control-allow-credentials')).toBeNull();
    }
  });

  it('never writes a password, token or JWT to the logs, even at debug level', async () => {
    const admin = { token: platform.adminToken };
    const user = await api.post('/users', admin, { username: 'dev', email: 'dev@example.com', name: 'dev', password: PASSWORD });
    expect(user.status).toBe(201);
    const group = await api.post('/groups', admin, { name: 'Sec', path: 'sec' });
    const project = await api.post('/projects', admin, { namespace_id: group.body.id, path: 'app', name: 'app' });
    expect(project.status).toBe(201);
    expect((await api.post(`/projects/${project.body.id}/members`, admin, { user_id: user.body.id, access_level: 30 })).status).toBe(201);
    const pat = (await api.post(`/users/${user.body.id}/personal_access_tokens`, admin, { name: 'p', scopes: ['api', 'read_registry', 'write_registry'], expires_at: '2999-01-01' })).body.token as string;
    const deploy = (await api.post(`/projects/${enc('sec/app')}/deploy_tokens`, admin, { name: 'd', scopes: ['read_registry', 'write_registry'], expires_at: '2999-01-01' })).body;
    const job = await api.post(`/projects/${enc('sec/app')}/ci/jobs`, { token: pat }, { name: 'build' });
    expect(job.status).toBe(201);
    const jobToken = job.body.variables.CI_JOB_TOKEN as string;

    // Registry logins and pushes with every kind of credential; each push uses a JWT from /jwt/auth.
    const jwts: string[] = [];
    let tag = 0;
    for (const [username, secret] of [['dev', PASSWORD], ['dev', pat], [deploy.username, deploy.token], ['gitlab-ci-token', jobToken], ['root', platform.adminToken]]) {
      jwts.push(await bearer(platform.url, username, secret, ['repository:sec/app:pull,push']));
      await pushImage(platform.url, 'sec/app', `t${tag++}`, new RegistrySession(platform.url, { username, password: secret }).fetch);
    }
    const jwtAuth = { Authorization: `Bearer ${jwts[0]}` };
    expect((await fetch(`${platform.url}/v2/sec/app/manifests/t0`, { headers: jwtAuth })).status).toBe(200);
    // Failed logins, REST calls with each header form, and a token in a query string.
    await fetch(`${platform.url}/jwt/auth?service=container_registry`, { headers: { Authorization: `Basic ${Buffer.from(`dev:${PASSWORD}x`).toString('base64')}` } });
    expect((await api.get('/user', { token: pat })).status).toBe(200);
    expect((await api.get('/user', { bearer: pat })).status).toBe(200);
    await api.get(`/projects/${enc('sec/app')}`, { jobToken });
    await fetch(`${platform.url}/api/v4/user?private_token=${pat}`);
    await fetch(`${platform.url}/v2/sec/app/tags/list`, { headers: { Authorization: `Bearer ${jwts[1]}x` } });
    await api.put(`/users/${user.body.id}`, admin, { password: `${PASSWORD}-2` });

    await new Promise((resolve) => setTimeout(resolve, 300)); // let pino flush
    const output = platform.api.output();
    expect(output).toMatch(/"level":"debug"|"level":"info"/); // the log is really being written
    const secrets: Record<string, string> = {
      password: PASSWORD,
      pat,
      adminToken: platform.adminToken,
      deployToken: deploy.token,
      jobToken,
      basic: Buffer.from(`dev:${PASSWORD}`).toString('base64'),
    };
    jwts.forEach((jwt, i) => {
      secrets[`jwt${i}`] = jwt;
      secrets[`jwtSignature${i}`] = jwt.split('.')[2];
    });
    for (const [name, secret] of Object.entries(secrets)) {
      expect({ name, leaked: output.includes(secret) }).toEqual({ name, leaked: false });
    }
  });
});
