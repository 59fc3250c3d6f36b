import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, promises as fsp } from 'node:fs';
import * as path from 'node:path';
import { promisify } from 'node:util';
import {
  createTestDatabase, digestOf, freePort, locationPath, RunningProcess, seedProject, spawnProcess, startPlatform, TestDatabase, TestPlatform, waitForReady,
} from '@cargohold/testing';
import { bearer, consistencyProblems, OCI_MANIFEST, pushImage, rawRequest } from './reliability-support';

const execFileAsync = promisify(execFile);
const CLI = path.resolve(__dirname, '../../apps/cli/dist/main.js');

/**
 * kill -9 of the api in the middle of a chunked upload, a manifest push and a burst of tag updates; after a
 * restart nothing half-written is visible, uploads resume or are refused cleanly, and the database and the
 * blob store agree (storage:check and a direct comparison).
 */
describe('reliability: crash safety (kill -9 of the api)', () => {
  let db: TestDatabase;
  let platform: TestPlatform;
  let api: RunningProcess;
  let base: string;
  let port: number;
  let auth: Record<string, string>;
  const repo = 'crash/app';
  const extra: RunningProcess[] = [];

  const v2 = (p: string, init: RequestInit = {}) => fetch(`${base}${p.startsWith('/v2/') ? p : `/v2/${repo}${p}`}`, { ...init, headers: { ...auth, ...(init.headers as Record<string, string>) } });
  const authed = (u: string, init?: RequestInit) => fetch(u, { ...init, headers: { ...auth, ...(init?.headers as Record<string, string>) } });

  /** SIGKILL, then a new api process on the same database, Redis prefix and DATA_DIR. */
  async function crashAndRestart(): Promise<void> {
    api.child.kill('SIGKILL');
    await api.exited;
    port = await freePort();
    base = `http://127.0.0.1:${port}`;
    api = spawnProcess('api', { ...platform.env, PORT: String(port), PUBLIC_URL: base });
    extra.push(api);
    await waitForReady(`${base}/-/readiness`, api);
    auth = { Authorization: `Bearer ${await bearer(base, 'root', platform.adminToken, [`repository:${repo}:pull,push`])}` };
  }

  /**
   * After a crash: nothing visible is half written. The one thing a crash may leave is orphaned bytes: a blob
   * commit publishes the upload at its content address before the short transaction that records it (which
   * rechecks the bytes under the blob row's lock, so GC cannot race it), and a kill before COMMIT leaves the
   * file without its row, invisible. GC's orphan sweep reclaims them
   * (grace period 0 here: nothing is in flight any more); then the database and the store must agree exactly.
   */
  async function expectConsistent(): Promise<void> {
    const orphans = (await consistencyProblems(db, platform.dataDir)).filter((problem) => problem.startsWith('file without row: '));
    if (orphans.length > 0 && existsSync(CLI)) {
      const { stdout } = await execFileAsync(process.execPath, [CLI, 'gc:run'], { env: { ...process.env, ...platform.env, GC_REVIEW_DELAY: '0' } });
      expect(JSON.parse(stdout.trim().split('\n').pop()!).orphanBlobsDeleted).toBe(orphans.length);
    }
    expect(await consistencyProblems(db, platform.dataDir)).toEqual([]);
    if (existsSync(CLI)) {
      // The operator's tool must agree (exit 0); it runs against the same DATABASE_URL and DATA_DIR.
      const { stdout } = await execFileAsync(process.execPath, [CLI, 'storage:check'], { env: { ...process.env, ...platform.env } });
      expect(stdout).toMatch(/"ok":true/);
    }
  }

  beforeAll(async () => {
    db = await createTestDatabase();
    platform = await startPlatform({ databaseUrl: db.url, worker: false, env: { PULL_RATE_LIMIT_AUTHENTICATED: '0' } });
    api = platform.api;
    base = platform.url;
    port = platform.port;
    await seedProject(db, repo);
    auth = { Authorization: `Bearer ${await bearer(base, 'root', platform.adminToken, [`repository:${repo}:pull,push`])}` };
  });

  afterAll(async () => {
    await Promise.all(extra.map((p) => p.stop()));
    await platform?.stop();
    await db?.drop();
  });

  /**
   * Sends the first chunk whole, then `sent` bytes of a second chunk of `chunk` bytes, kills the api, and checks
   * that the upload resumes from its Range or is refused cleanly, and that the blob comes out intact.
   */
  async function crashMidChunk(chunk: number, sent: number): Promise<void> {
    const bytes = randomBytes(3 * chunk);
    const digest = digestOf(bytes);
    const location = locationPath(await v2('/blobs/uploads/', { method: 'POST' }));
    const patch = (from: number, to: number) =>
      authed(`${base}${location}`, { method: 'PATCH', body: bytes.subarray(from, to), headers: { 'Content-Range': `${from}-${to - 1}` } });
    expect((await patch(0, chunk)).status).toBe(202);
    // The second chunk is partly sent when the api dies.
    const head = `PATCH ${location} HTTP/1.1\r\nHost: x\r\nAuthorization: ${auth.Authorization}\r\nContent-Type: application/octet-stream\r\nContent-Range: ${chunk}-${2 * chunk - 1}\r\nContent-Length: ${chunk}\r\n\r\n`;
    const pending = rawRequest(port, Buffer.concat([Buffer.from(head), bytes.subarray(chunk, chunk + sent)]), 1500);
    await new Promise((resolve) => setTimeout(resolve, 300));
    await crashAndRestart();
    await pending;

    const status = await authed(`${base}${location}`);
    expect(status.status).toBeLessThan(500);
    let committed = false;
    if (status.status === 204) {
      const offset = Number(status.headers.get('range')!.split('-')[1]) + 1;
      const rest = await authed(`${base}${location}?digest=${digest}`, { method: 'PUT', body: bytes.subarray(offset), headers: { 'Content-Range': `${offset}-${bytes.length - 1}` } });
      // Resumed (201) or refused without harm (4xx): never a 5xx, never a wrong blob.
      expect([201, 400, 404, 416]).toContain(rest.status);
      committed = rest.status === 201;
    }
    if (!committed) {
      // A client that was refused starts over, and that works.
      expect((await v2(`/blobs/uploads/?digest=${digest}`, { method: 'POST', body: bytes })).status).toBe(201);
    }
    const served = Buffer.from(await (await v2(`/blobs/${digest}`)).arrayBuffer());
    expect(digestOf(served)).toBe(digest);
    await expectConsistent();
  }

  it('in the middle of a chunked upload: the upload resumes from its Range or is refused cleanly, and the blob comes out intact', async () => {
    await crashMidChunk(100_000, 50_000);
  });

  // 8 MiB chunks: four 2 MiB staging slices of the second chunk are being written with O_DIRECT when the api dies.
  it('in the middle of a large chunk written with O_DIRECT: the same, and no stray bytes reach the blob', async () => {
    await crashMidChunk(8 * 1024 * 1024, 6 * 1024 * 1024 + 12_345);
  });

  it('refuses to publish an upload whose stored bytes run past its recorded size (a chunk written, never recorded)', async () => {
    const bytes = randomBytes(200_000);
    const digest = digestOf(bytes);
    const location = locationPath(await v2('/blobs/uploads/', { method: 'POST' }));
    const first = await authed(`${base}${location}`, { method: 'PATCH', body: bytes.subarray(0, 100_000), headers: { 'Content-Range': '0-99999' } });
    expect(first.status).toBe(202);
    // What a writer that died between writing its chunk and recording it leaves behind (or a size update the
    // database lost in a crash): the bytes are in the store, the upload row still says 100 000.
    await fsp.appendFile(path.join(platform.dataDir, 'storage', 'uploads', location.split('/').pop()!, 'data'), bytes.subarray(100_000));
    // A fresh process has no hash state cached, so it would hash every stored byte, find the digest right, and
    // publish the blob under the recorded (wrong) size. Taking the upload over cuts the unrecorded bytes first,
    // so it holds the recorded 100 000 and the digest of all 200 000 does not match.
    await crashAndRestart();
    // The dead writer had parked its lease for a next chunk: it lapses within seconds, not the full 30.
    const id = location.split('/').pop()!;
    const lapsed = async () => (await db.query(`SELECT lease_until < now() AS lapsed FROM uploads WHERE id = $1`, [id]))[0].lapsed;
    const deadline = Date.now() + 6_000;
    while (!(await lapsed()) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
    expect(await lapsed()).toBe(true);

    const put = await authed(`${base}${location}?digest=${digest}`, { method: 'PUT' });
    expect(put.status).toBe(400);
    expect(((await put.json()) as { errors: Array<{ code: string }> }).errors[0].code).toBe('DIGEST_INVALID');
    expect((await v2(`/blobs/${digest}`, { method: 'HEAD' })).status).toBe(404);
    expect(await db.query(`SELECT digest FROM blobs WHERE digest = $1`, [digest])).toEqual([]);
    // Starting over works.
    expect((await v2(`/blobs/uploads/?digest=${digest}`, { method: 'POST', body: bytes })).status).toBe(201);
    await expectConsistent();
  });

  it('in the middle of a manifest push: the manifest is absent, never half written', async () => {
    const image = await pushImage(base, repo, 'kept', authed);
    const other = await pushImage(base, repo, 'other', authed);
    const body = Buffer.from(other.body);
    const head = `PUT /v2/${repo}/manifests/half HTTP/1.1\r\nHost: x\r\nAuthorization: ${auth.Authorization}\r\nContent-Type: ${OCI_MANIFEST}\r\nContent-Length: ${body.length}\r\n\r\n`;
    const pending = rawRequest(port, Buffer.concat([Buffer.from(head), body.subarray(0, body.length >> 1)]), 1500);
    await new Promise((resolve) => setTimeout(resolve, 200));
    await crashAndRestart();
    await pending;
    const half = await v2('/manifests/half');
    expect(half.status).toBe(404);
    expect((await half.json()).errors[0].code).toBe('MANIFEST_UNKNOWN');
    const kept = await v2('/manifests/kept');
    expect(await kept.text()).toBe(image.body);
    await expectConsistent();
  });

  it('in the middle of a burst of tag updates: the tag names one complete manifest afterwards', async () => {
    const images = [];
    for (let i = 0; i < 8; i++) images.push(await pushImage(base, repo, `candidate-${i}`, authed));
    const bodies = new Map(images.map((image) => [image.digest, image.body]));
    expect((await v2('/manifests/moving', { method: 'PUT', body: images[0].body, headers: { 'Content-Type': OCI_MANIFEST } })).status).toBe(201);
    // Many tag moves (and fresh manifests under new tags) in flight when the api dies.
    const inFlight = images.flatMap((image, i) => [
      v2('/manifests/moving', { method: 'PUT', body: image.body, headers: { 'Content-Type': OCI_MANIFEST } }).catch(() => null),
      pushImage(base, repo, `fresh-${i}`, authed).catch(() => null),
    ]);
    await new Promise((resolve) => setTimeout(resolve, 40));
    const oldApi = api;
    await crashAndRestart();
    expect(oldApi.child.signalCode).toBe('SIGKILL');
    await Promise.all(inFlight);

    const moving = await v2('/manifests/moving');
    expect(moving.status).toBe(200);
    const digest = moving.headers.get('docker-content-digest')!;
    expect(bodies.get(digest)).toBe(await moving.text());
    // Every manifest that is visible is complete: its blobs are all there and it parses back to its digest.
    const rows = await db.query<{ digest: string; payload: Buffer | string }>(`SELECT digest, payload FROM manifests`);
    for (const row of rows) expect(digestOf(Buffer.isBuffer(row.payload) ? row.payload : Buffer.from(row.payload))).toBe(row.digest);
    const dangling = await db.query(
      `SELECT mb.blob_digest FROM manifest_blobs mb WHERE NOT EXISTS (SELECT 1 FROM blobs b WHERE b.digest = mb.blob_digest)`,
    );
    expect(dangling).toEqual([]);
    await expectConsistent();
  });
});
