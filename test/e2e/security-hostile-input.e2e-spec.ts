import { randomBytes } from 'node:crypto';
import { statSync } from 'node:fs';
import * as path from 'node:path';
import { createTestDatabase, digestOf, locationPath, pushBlob, seedProject, startPlatform, TestDatabase, TestPlatform } from '@cargohold/testing';
import { bearer, manifestJson, OCI_MANIFEST, pushImage, rawRequest, rawStatus, registryState } from './reliability-support';

/**
 * Hostile input: every request here is answered with the right OCI or REST error, and none of them changes
 * the registry's state (database rows and blob store files are compared before and after).
 * JWT forgeries are covered by registry-auth.e2e-spec.ts.
 */
describe('security: hostile input', () => {
  let db: TestDatabase;
  let platform: TestPlatform;
  let auth: Record<string, string>;
  let token: string;
  const repo = 'hostile/app';
  let config: { digest: string; size: number };
  let layer: { digest: string; size: number };
  let foreign: { digest: string; size: number };

  const v2 = (p: string, init: RequestInit = {}) => fetch(`${platform.url}${p}`, { ...init, headers: { ...auth, ...(init.headers as Record<string, string>) } });
  const ociCode = async (response: Response) => {
    const text = await response.text();
    try {
      return (JSON.parse(text) as { errors: Array<{ code: string }> }).errors[0].code;
    } catch {
      return `unparsable body: ${text.slice(0, 100)}`;
    }
  };
  /** A raw request line (no URL normalisation by the client): status and OCI error code. */
  const raw = async (method: string, target: string, headers = '', body: Buffer | string = '') => {
    const out = await rawRequest(platform.port, Buffer.concat([Buffer.from(`${method} ${target} HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${token}\r\nConnection: close\r\n${headers}\r\n`), Buffer.from(body)]));
    const json = out.slice(out.indexOf('\r\n\r\n') + 4);
    let code: string | undefined;
    try {
      code = JSON.parse(json.slice(json.indexOf('{'))).errors?.[0]?.code;
    } catch {
      code = undefined;
    }
    return { status: rawStatus(out), code };
  };
  /** Runs the requests and asserts the state did not move. */
  const unchanged = async (run: () => Promise<void>) => {
    const before = await registryState(db, platform.dataDir);
    await run();
    expect(await registryState(db, platform.dataDir)).toEqual(before);
  };

  beforeAll(async () => {
    db = await createTestDatabase();
    platform = await startPlatform({ databaseUrl: db.url, worker: false, env: { PULL_RATE_LIMIT_AUTHENTICATED: '0' } });
    await seedProject(db, repo);
    await seedProject(db, 'hostile/other');
    token = await bearer(platform.url, 'root', platform.adminToken, [`repository:${repo}:pull,push,delete`, 'repository:hostile/other:pull,push']);
    auth = { Authorization: `Bearer ${token}` };
    const fetchAuthed = (u: string, init?: RequestInit) => fetch(u, { ...init, headers: { ...auth, ...(init?.headers as Record<string, string>) } });
    const image = await pushImage(platform.url, repo, 'v1', fetchAuthed);
    config = { digest: image.config, size: (await v2(`/v2/${repo}/blobs/${image.config}`, { method: 'HEAD' })).headers.get('content-length') as unknown as number };
    config.size = Number(config.size);
    layer = { digest: image.layer, size: Number((await v2(`/v2/${repo}/blobs/${image.layer}`, { method: 'HEAD' })).headers.get('content-length')) };
    const foreignBytes = randomBytes(300);
    foreign = { digest: await pushBlob(platform.url, 'hostile/other', foreignBytes, fetchAuthed), size: foreignBytes.length };
  });

  afterAll(async () => {
    // A crashed api is a failure of this suite in its own right (hostile input must never take it down).
    expect(platform?.api.child.exitCode).toBeNull();
    await platform?.stop();
    await db?.drop();
  });

  it('refuses hostile repository names with NAME_INVALID, on pulls and pushes', async () => {
    const long = `hostile/${'a'.repeat(250)}`;
    const names = ['hostile/../hostile/app', 'hostile/app/..', 'hostile/..%2fapp', 'hostile%2fapp', 'Hostile/App', 'hostile/APP', long, 'hostile/app%00', 'hostile/app%0a', 'hostile//app', '/hostile/app', 'hostile/app/'];
    await unchanged(async () => {
      for (const name of names) {
        for (const [method, suffix] of [['GET', 'manifests/v1'], ['POST', 'blobs/uploads/'], ['PUT', 'manifests/v1'], ['GET', 'tags/list']] as const) {
          const result = await raw(method, `/v2/${name}/${suffix}`, 'Content-Length: 0\r\n');
          expect({ name, method, suffix, ...result }).toEqual({ name, method, suffix, status: 400, code: 'NAME_INVALID' });
        }
      }
      // Raw control characters never get past Node's HTTP parser.
      expect((await raw('GET', `/v2/hostile/a\x01pp/manifests/v1`)).status).toBe(400);
    });
  });

  it('refuses digests of the wrong algorithm, length or case with DIGEST_INVALID', async () => {
    const hex = layer.digest.slice(7);
    const bad = [`md5:${hex.slice(0, 32)}`, `sha256:${hex.slice(1)}`, `sha256:${hex}0`, `sha256:${hex.toUpperCase()}`, `SHA256:${hex}`, `sha512:${hex}`, 'sha256:', `sha256:${hex.slice(0, 63)}g`, `sha256%3A${hex}`];
    await unchanged(async () => {
      for (const digest of bad) {
        const get = await v2(`/v2/${repo}/blobs/${digest}`);
        expect({ digest, status: get.status, code: await ociCode(get) }).toEqual({ digest, status: 400, code: 'DIGEST_INVALID' });
        const monolithic = await v2(`/v2/${repo}/blobs/uploads/?digest=${digest}`, { method: 'POST', body: randomBytes(10) });
        expect({ digest, status: monolithic.status, code: await ociCode(monolithic) }).toEqual({ digest, status: 400, code: 'DIGEST_INVALID' });
      }
    });
    // Finishing a session with a bad digest leaves no blob behind either.
    const location = locationPath(await v2(`/v2/${repo}/blobs/uploads/`, { method: 'POST' }));
    const finish = await v2(`${location}?digest=sha256:${hex.toUpperCase()}`, { method: 'PUT', body: randomBytes(10) });
    expect(finish.status).toBe(400);
    expect(await ociCode(finish)).toBe('DIGEST_INVALID');
  });

  describe('uploads with hostile Content-Range and Content-Length', () => {
    let location: string;
    let uploadFile: string;
    const chunk = randomBytes(1000);

    beforeAll(async () => {
      location = locationPath(await v2(`/v2/${repo}/blobs/uploads/`, { method: 'POST' }));
      uploadFile = path.join(platform.dataDir, 'storage', 'uploads', location.split('/').pop()!, 'data');
      expect((await v2(location, { method: 'PATCH', body: chunk, headers: { 'Content-Range': '0-999' } })).status).toBe(202);
    });
    const progress = async () => (await v2(location)).headers.get('range');

    it('refuses ranges that overlap, skip ahead, exceed the body or are malformed', async () => {
      await unchanged(async () => {
        for (const [range, length] of [['500-1499', 1000], ['2000-2999', 1000], ['1000-1999', 500], ['1000-1000000', 1000], ['999-1998', 1000]] as const) {
          const response = await v2(location, { method: 'PATCH', body: randomBytes(length), headers: { 'Content-Range': range } });
          expect({ range, status: response.status, code: await ociCode(response) }).toEqual({ range, status: 416, code: 'RANGE_INVALID' });
        }
        for (const range of ['abc', '1000-', '-5', '2000-1000', 'bytes=1000-1999']) {
          const response = await v2(location, { method: 'PATCH', body: randomBytes(10), headers: { 'Content-Range': range } });
          expect({ range, status: response.status >= 400 && response.status < 500 }).toEqual({ range, status: true });
        }
        expect(await progress()).toBe('0-999');
        expect(statSync(uploadFile).size).toBe(1000);
      });
    });

    it('keeps nothing of a body shorter than its Content-Length (client gone mid-chunk)', async () => {
      await unchanged(async () => {
        const head = `Content-Type: application/octet-stream\r\nContent-Range: 1000-1999\r\nContent-Length: 1000\r\n`;
        await raw('PATCH', location, head, randomBytes(400)).catch(() => undefined);
        // The request is cut short by the client closing; rawRequest gives up after its timeout.
        await new Promise((resolve) => setTimeout(resolve, 300));
      });
      expect(await progress()).toBe('0-999');
    });

    it('never keeps more than Content-Length bytes when the body is longer, and the upload stays usable', async () => {
      const declared = randomBytes(100);
      const out = await rawRequest(
        platform.port,
        Buffer.concat([
          Buffer.from(`PATCH ${location} HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${token}\r\nContent-Range: 1000-1099\r\nContent-Length: 100\r\n\r\n`),
          declared,
          randomBytes(100),
        ]),
      );
      // Node's parser sees the excess as a malformed next request and answers 400 on the connection.
      expect(out).toMatch(/HTTP\/1\.1 (202|400)/);
      await new Promise((resolve) => setTimeout(resolve, 200));
      // Either the declared chunk was taken whole or not at all; the store and the row agree either way.
      const range = await progress();
      expect(['0-999', '0-1099']).toContain(range);
      const size = Number(range!.split('-')[1]) + 1;
      expect(statSync(uploadFile).size).toBe(size);
      const bytes = Buffer.concat([chunk, declared]);
      const rest = bytes.subarray(size);
      const digest = digestOf(bytes);
      expect((await v2(`${location}?digest=${digest}`, { method: 'PUT', body: rest, headers: rest.length ? { 'Content-Range': `${size}-${bytes.length - 1}` } : {} })).status).toBe(201);
    });
  });

  it('refuses hostile manifests with the right code and stores nothing', async () => {
    const valid = (extra: Record<string, unknown> = {}) => manifestJson(config.digest, config.size, layer.digest, layer.size, extra);
    let nested = '1';
    for (let i = 0; i < 5000; i++) nested = `[${nested}]`;
    const missing = digestOf(randomBytes(32));
    const cases: Array<[string, string | Buffer, string, number, string]> = [
      ['not JSON', 'this is not json', OCI_MANIFEST, 400, 'MANIFEST_INVALID'],
      ['truncated JSON', valid().slice(0, 40), OCI_MANIFEST, 400, 'MANIFEST_INVALID'],
      ['deeply nested', valid().replace(/}$/, `,"annotations":{"x":${nested}}}`), OCI_MANIFEST, 400, 'MANIFEST_INVALID'],
      ['5 MiB', valid({ annotations: { pad: 'x'.repeat(5 * 1024 * 1024) } }), OCI_MANIFEST, 413, 'SIZE_INVALID'],
      ['missing layer', manifestJson(config.digest, config.size, missing, 32), OCI_MANIFEST, 400, 'MANIFEST_BLOB_UNKNOWN'],
      ['foreign layer (pushed to another repository)', manifestJson(config.digest, config.size, foreign.digest, foreign.size), OCI_MANIFEST, 400, 'MANIFEST_BLOB_UNKNOWN'],
      ['claims an index', valid(), 'application/vnd.oci.image.index.v1+json', 400, 'MANIFEST_INVALID'],
      ['mediaType field disagrees with Content-Type', valid(), 'application/vnd.docker.distribution.manifest.v2+json', 400, 'MANIFEST_INVALID'],
      ['schema version 1', JSON.stringify({ schemaVersion: 1, name: repo, tag: 'x', fsLayers: [] }), 'application/vnd.docker.distribution.manifest.v1+prettyjws', 400, 'MANIFEST_INVALID'],
    ];
    await unchanged(async () => {
      for (const [label, body, contentType, status, code] of cases) {
        const response = await v2(`/v2/${repo}/manifests/evil`, { method: 'PUT', body, headers: { 'Content-Type': contentType } });
        expect({ label, status: response.status, code: await ociCode(response) }).toEqual({ label, status, code });
      }
      // A digest reference that does not match the body is refused too.
      const mismatch = await v2(`/v2/${repo}/manifests/${digestOf('something else')}`, { method: 'PUT', body: valid(), headers: { 'Content-Type': OCI_MANIFEST } });
      expect(mismatch.status).toBe(400);
      expect(await ociCode(mismatch)).toBe('DIGEST_INVALID');
      // Tags outside the grammar.
      for (const tag of ['-lead', '.dot', 'a'.repeat(129), 'sp%20ace']) {
        const response = await v2(`/v2/${repo}/manifests/${tag}`, { method: 'PUT', body: valid(), headers: { 'Content-Type': OCI_MANIFEST } });
        expect({ tag, status: response.status, code: await ociCode(response) }).toEqual({ tag, status: 400, code: 'TAG_INVALID' });
      }
    });
  });

  it('refuses REST parameters of the wrong type or out of range with 400 and changes nothing', async () => {
    const rest = (method: string, p: string, body?: unknown) =>
      fetch(`${platform.url}/api/v4${p}`, {
        method,
        headers: { 'PRIVATE-TOKEN': platform.adminToken, 'Content-Type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    const project = (await db.query<{ id: number }>(`SELECT id FROM projects WHERE full_path = $1`, [repo]))[0].id;
    const members = await db.query(`SELECT * FROM members`);
    await unchanged(async () => {
      for (const p of ['/projects?per_page=-1', '/projects?per_page=abc', '/projects?page=abc', '/projects?page=-3', `/projects/${project}/registry/repositories?per_page=0`]) {
        const response = await rest('GET', p);
        expect({ p, status: response.status }).toEqual({ p, status: 400 });
        expect(Object.keys(await response.json())).toEqual(expect.arrayContaining([expect.stringMatching(/^(error|message)$/)]));
      }
      for (const body of [{ user_id: 1, access_level: 99 }, { user_id: 'abc', access_level: 30 }, { user_id: 1, access_level: '30; DROP TABLE members' }]) {
        const response = await rest('POST', `/projects/${project}/members`, body);
        expect({ body, status: response.status }).toEqual({ body, status: 400 });
      }
      const malformed = await fetch(`${platform.url}/api/v4/projects/${project}/members`, {
        method: 'POST',
        headers: { 'PRIVATE-TOKEN': platform.adminToken, 'Content-Type': 'application/json' },
        body: '{"user_id": 1, ',
      });
      expect(malformed.status).toBe(400);
    });
    expect(await db.query(`SELECT * FROM members`)).toEqual(members);
  });

  it('answers a catastrophic-backtracking bulk delete regex quickly', async () => {
    const project = (await db.query<{ id: number }>(`SELECT id FROM projects WHERE full_path = $1`, [repo]))[0].id;
    const repository = (await db.query<{ id: number }>(`SELECT id FROM repositories WHERE path = $1`, [repo]))[0].id;
    const bulkDelete = (params: Record<string, unknown>) =>
      fetch(`${platform.url}/api/v4/projects/${project}/registry/repositories/${repository}/tags`, {
        method: 'DELETE',
        headers: { 'PRIVATE-TOKEN': platform.adminToken, 'Content-Type': 'application/json' },
        body: JSON.stringify(params),
      });
    // Validated synchronously (compiled as RE2, linear time), so a pattern built to backtrack answers at once.
    const started = Date.now();
    const response = await bulkDelete({ name_regex_delete: '(a+)+$', name_regex_keep: '(.*a){25}' });
    expect(Date.now() - started).toBeLessThan(2000);
    expect(response.status).toBe(202);
    // A pattern that is not valid RE2 (a backreference) is a 400, not a 500.
    const invalid = await bulkDelete({ name_regex_delete: '(a)\\1' });
    expect(invalid.status).toBe(400);
  });
});

