import { createPrivateKey, generateKeyPairSync, KeyObject, sign } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { buildOciLayout, createTestDatabase, freePort, runClient, spawnProcess, startPlatform, TestDatabase, TestPlatform, waitForReady } from '@cargohold/testing';
import { enc, RestClient } from './iam-rest-client';

const PASSWORD = 'password-1234';
/** How skopeo reports a refusal: the OCI error code when there is a body, the HTTP status on a HEAD. */
const REFUSED = /denied|unauthorized|403 \(Forbidden\)|401 \(Unauthorized\)/i;

/**
 * Who may do what on /v2/, end to end: real skopeo logins through /jwt/auth with every kind of credential,
 * and forged or stale JWTs presented straight to /v2/.
 */
describe('registry access control', () => {
  let db: TestDatabase;
  let platform: TestPlatform;
  let api: RestClient;
  let host: string;
  let work: string;
  let image: string;
  const admin = () => ({ token: platform.adminToken });

  const skopeoCopy = (creds: string | null, to: string) =>
    runClient('skopeo', ['copy', '--dest-tls-verify=false', ...(creds ? ['--dest-creds', creds] : ['--dest-no-creds']), `oci:${image}:v1`, `docker://${host}/${to}`]);
  const skopeoInspect = (creds: string | null, ref: string) =>
    runClient('skopeo', ['inspect', '--raw', '--tls-verify=false', ...(creds ? ['--creds', creds] : ['--no-creds']), `docker://${host}/${ref}`]);

  beforeAll(async () => {
    db = await createTestDatabase();
    platform = await startPlatform({ databaseUrl: db.url, worker: false });
    api = new RestClient(platform.url);
    host = `127.0.0.1:${platform.port}`;
    work = mkdtempSync(path.join(tmpdir(), 'registry-auth-'));
    image = buildOciLayout(path.join(work, 'image'), 'v1', [{ layers: [{ 'hello.txt': 'access control' }] }]).dir;

    for (const name of ['guest', 'reporter', 'developer', 'maintainer', 'outsider']) {
      const user = await api.post('/users', admin(), { username: name, email: `${name}@example.com`, name, password: PASSWORD });
      expect(user.status).toBe(201);
    }
    const group = await api.post('/groups', admin(), { name: 'Corp', path: 'corp', visibility: 'public' });
    const sub = await api.post('/groups', admin(), { name: 'Sub', path: 'sub', parent_id: group.body.id, visibility: 'public' });
    for (const [namespace, projectPath, visibility] of [
      [group.body.id, 'private-app', 'private'],
      [group.body.id, 'public-app', 'public'],
      [group.body.id, 'other-app', 'private'],
      [sub.body.id, 'deep', 'private'],
    ] as const) {
      expect((await api.post('/projects', admin(), { namespace_id: namespace, path: projectPath, name: projectPath, visibility })).status).toBe(201);
    }
    const users = (await api.get('/users?per_page=100', admin())).body as Array<{ id: number; username: string }>;
    const idOf = (username: string) => users.find((u) => u.username === username)!.id;
    for (const [username, level] of [['guest', 10], ['reporter', 20], ['developer', 30], ['maintainer', 40]] as const) {
      const added = await api.post(`/projects/${enc('corp/private-app')}/members`, admin(), { user_id: idOf(username), access_level: level });
      expect(added.status).toBe(201);
    }
    const adminCreds = `root:${platform.adminToken}`;
    for (const repo of ['corp/private-app', 'corp/public-app', 'corp/other-app', 'corp/sub/deep']) await skopeoCopy(adminCreds, `${repo}:v1`);
  });

  afterAll(async () => {
    await platform?.stop();
    await db?.drop();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  describe('roles', () => {
    it('lets a Reporter pull but not push', async () => {
      expect(JSON.parse(await skopeoInspect(`reporter:${PASSWORD}`, 'corp/private-app:v1')).schemaVersion).toBe(2);
      await expect(skopeoCopy(`reporter:${PASSWORD}`, 'corp/private-app:reporter')).rejects.toThrow(REFUSED);
    });

    it('lets a Developer push', async () => {
      await skopeoCopy(`developer:${PASSWORD}`, 'corp/private-app:developer');
      expect(JSON.parse(await skopeoInspect(`developer:${PASSWORD}`, 'corp/private-app:developer')).schemaVersion).toBe(2);
    });

    it('denies a Guest on a private project', async () => {
      await expect(skopeoInspect(`guest:${PASSWORD}`, 'corp/private-app:v1')).rejects.toThrow(/denied/i);
    });

    it('lets a Maintainer delete', async () => {
      await skopeoCopy(`maintainer:${PASSWORD}`, 'corp/private-app:doomed');
      await runClient('skopeo', ['delete', '--tls-verify=false', '--creds', `maintainer:${PASSWORD}`, `docker://${host}/corp/private-app:doomed`]);
      const tags = await db.query(`SELECT t.name FROM tags t JOIN repositories r ON r.id = t.repository_id WHERE r.path = 'corp/private-app'`);
      // skopeo deletes the manifest by digest, which removes every tag pointing at it.
      expect(tags).toEqual([]);
      await skopeoCopy(`root:${platform.adminToken}`, 'corp/private-app:v1');
    });

    it('lets anonymous pull a public project and nothing else', async () => {
      expect(JSON.parse(await skopeoInspect(null, 'corp/public-app:v1')).schemaVersion).toBe(2);
      await expect(skopeoInspect(null, 'corp/private-app:v1')).rejects.toThrow(REFUSED);
      await expect(skopeoCopy(null, 'corp/public-app:anon')).rejects.toThrow(REFUSED);
    });

    it('refuses wrong passwords at /jwt/auth', async () => {
      const response = await fetch(`${platform.url}/jwt/auth?service=container_registry&scope=repository:corp/private-app:pull`, {
        headers: { Authorization: `Basic ${Buffer.from('reporter:wrong').toString('base64')}` },
      });
      expect(response.status).toBe(401);
      expect((await response.json()).errors[0].code).toBe('UNAUTHORIZED');
    });
  });

  describe('deploy tokens', () => {
    const deployToken = async (project: string, scopes: string[], group = false) => {
      const created = await api.post(`/${group ? 'groups' : 'projects'}/${enc(project)}/deploy_tokens`, admin(), { name: `dt-${scopes.join('-')}`, scopes, expires_at: '2999-01-01' });
      expect(created.status).toBe(201);
      return `${created.body.username}:${created.body.token}`;
    };

    it('pulls but cannot push with read_registry only', async () => {
      const creds = await deployToken('corp/private-app', ['read_registry']);
      expect(JSON.parse(await skopeoInspect(creds, 'corp/private-app:v1')).schemaVersion).toBe(2);
      await expect(skopeoCopy(creds, 'corp/private-app:deploy')).rejects.toThrow(REFUSED);
    });

    it('pushes with write_registry, and is refused on another project', async () => {
      const creds = await deployToken('corp/private-app', ['read_registry', 'write_registry']);
      await skopeoCopy(creds, 'corp/private-app:deployed');
      await expect(skopeoInspect(creds, 'corp/other-app:v1')).rejects.toThrow(REFUSED);
      await expect(skopeoCopy(creds, 'corp/other-app:deployed')).rejects.toThrow(REFUSED);
    });

    it('works across the subgroups of its group', async () => {
      const creds = await deployToken('corp', ['read_registry', 'write_registry'], true);
      await skopeoCopy(creds, 'corp/sub/deep:group-token');
      expect(JSON.parse(await skopeoInspect(creds, 'corp/other-app:v1')).schemaVersion).toBe(2);
    });
  });

  describe('CI job tokens', () => {
    it('logs in as gitlab-ci-token, pushes to its project, is refused elsewhere and after finish', async () => {
      const developer = { token: (await api.post(`/users/${(await api.get('/users?username=developer', admin())).body[0].id}/personal_access_tokens`, admin(), { name: 'ci', scopes: ['api'], expires_at: '2999-01-01' })).body.token };
      const job = await api.post(`/projects/${enc('corp/private-app')}/ci/jobs`, developer, { name: 'build' });
      expect(job.status).toBe(201);
      const vars = job.body.variables;
      expect(vars.CI_REGISTRY_USER).toBe('gitlab-ci-token');
      expect(vars.CI_REGISTRY_IMAGE).toBe(`${host}/corp/private-app`);
      const creds = `${vars.CI_REGISTRY_USER}:${vars.CI_REGISTRY_PASSWORD}`;
      await skopeoCopy(creds, 'corp/private-app:ci');
      await expect(skopeoCopy(creds, 'corp/other-app:ci')).rejects.toThrow(REFUSED);
      const finished = await api.post(`/projects/${enc('corp/private-app')}/ci/jobs/${job.body.id}/finish`, { jobToken: vars.CI_JOB_TOKEN });
      expect(finished.status).toBe(200);
      await expect(skopeoInspect(creds, 'corp/private-app:ci')).rejects.toThrow(/unauthorized|denied|401/i);
    });
  });

  describe('expired and revoked tokens', () => {
    it('refuses a revoked or expired personal access token at /jwt/auth and at the REST API', async () => {
      const users = (await api.get('/users?username=reporter', admin())).body;
      for (const expire of [false, true]) {
        const created = await api.post(`/users/${users[0].id}/personal_access_tokens`, admin(), { name: 'short', scopes: ['api', 'read_registry'], expires_at: '2999-01-01' });
        const token = created.body.token as string;
        expect((await api.get('/user', { token })).status).toBe(200);
        if (expire) await db.query(`UPDATE personal_access_tokens SET expires_at = current_date - 1 WHERE id = $1`, [created.body.id]);
        else expect((await api.delete(`/personal_access_tokens/${created.body.id}`, admin())).status).toBe(204);
        const login = await fetch(`${platform.url}/jwt/auth?service=container_registry&scope=repository:corp/private-app:pull`, {
          headers: { Authorization: `Basic ${Buffer.from(`reporter:${token}`).toString('base64')}` },
        });
        expect(login.status).toBe(401);
        expect((await api.get('/user', { token })).status).toBe(401);
      }
    });
  });

  describe('forged and stale JWTs at /v2/', () => {
    const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
    const es256 = (header: object, payload: object, key: KeyObject) => {
      const data = `${b64(header)}.${b64(payload)}`;
      return `${data}.${sign('sha256', Buffer.from(data), { key, dsaEncoding: 'ieee-p1363' }).toString('base64url')}`;
    };
    const realKey = () => {
      const dir = path.join(platform.dataDir, 'keys');
      return createPrivateKey(readFileSync(path.join(dir, readdirSync(dir).filter((f) => f.endsWith('.pem')).sort().pop()!)));
    };
    let valid: string;
    let header: { alg: string; kid: string; typ: string };
    let payload: Record<string, unknown>;
    const manifestUrl = () => `${platform.url}/v2/corp/private-app/manifests/v1`;
    const getWith = (token: string) => fetch(manifestUrl(), { headers: { Authorization: `Bearer ${token}` } });

    beforeAll(async () => {
      const response = await fetch(`${platform.url}/jwt/auth?service=container_registry&scope=repository:corp/private-app:pull`, {
        headers: { Authorization: `Basic ${Buffer.from(`reporter:${PASSWORD}`).toString('base64')}` },
      });
      valid = (await response.json()).token;
      const [h, p] = valid.split('.');
      header = JSON.parse(Buffer.from(h, 'base64url').toString());
      payload = JSON.parse(Buffer.from(p, 'base64url').toString());
    });

    it('accepts the genuine token (the control case)', async () => {
      expect(header.alg).toBe('ES256');
      expect(payload.aud).toBe('container_registry');
      expect((await getWith(valid)).status).toBe(200);
    });

    it('lives REGISTRY_TOKEN_TTL seconds (300 by default), as expires_in and the exp claim both say', async () => {
      const tokenFrom = async (url: string) => {
        const response = await fetch(`${url}/jwt/auth?service=container_registry&scope=repository:corp/private-app:pull`, {
          headers: { Authorization: `Basic ${Buffer.from(`reporter:${PASSWORD}`).toString('base64')}` },
        });
        const body = (await response.json()) as { token: string; expires_in: number; issued_at: string };
        const claims = JSON.parse(Buffer.from(body.token.split('.')[1], 'base64url').toString()) as { exp: number };
        return { expiresIn: body.expires_in, lifetime: claims.exp - Math.floor(Date.parse(body.issued_at) / 1000) };
      };
      expect(await tokenFrom(platform.url)).toEqual({ expiresIn: 300, lifetime: 300 });
      const port = await freePort();
      const shortLived = spawnProcess('api', { ...platform.env, PORT: String(port), PUBLIC_URL: `http://127.0.0.1:${port}`, REGISTRY_TOKEN_TTL: '60' });
      try {
        await waitForReady(`http://127.0.0.1:${port}/-/readiness`, shortLived);
        expect(await tokenFrom(`http://127.0.0.1:${port}`)).toEqual({ expiresIn: 60, lifetime: 60 });
      } finally {
        await shortLived.stop();
      }
    });

    it('refuses a token signed by another key under the same kid', async () => {
      const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
      expect((await getWith(es256(header, payload, privateKey))).status).toBe(401);
    });

    it('refuses alg=none', async () => {
      const none = `${b64({ alg: 'none', typ: 'JWT', kid: header.kid })}.${b64(payload)}.`;
      expect((await getWith(none)).status).toBe(401);
    });

    it('refuses an expired token and one for another audience, even when signed with the real key', async () => {
      const now = Math.floor(Date.now() / 1000);
      expect((await getWith(es256(header, { ...payload, iat: now - 600, nbf: now - 600, exp: now - 300 }, realKey()))).status).toBe(401);
      expect((await getWith(es256(header, { ...payload, aud: 'another_service' }, realKey()))).status).toBe(401);
    });

    it('refuses a token whose access claim was widened without re-signing', async () => {
      const [h, , s] = valid.split('.');
      const widened = { ...payload, access: [{ type: 'repository', name: 'corp/other-app', actions: ['pull', 'push', 'delete'] }] };
      const response = await fetch(`${platform.url}/v2/corp/other-app/manifests/v1`, { headers: { Authorization: `Bearer ${h}.${b64(widened)}.${s}` } });
      expect(response.status).toBe(401);
    });
  });
});
