import { createHash, randomBytes } from 'node:crypto';
import { promises as fsp } from 'node:fs';
import { Socket } from 'node:net';
import * as path from 'node:path';
import {
  createTestDatabase, digestOf, freePort, locationPath, RunningProcess, seedProject, spawnProcess, startPlatform, TestDatabase, TestPlatform, waitForReady,
} from '@cargohold/testing';
// By path: the helper needs s3rver, a devDependency of libs/storage that its index must not pull in.
import { startTestS3Server, TestS3Server } from '../../libs/storage/src/s3-test-server.suite';
import { bearer } from './reliability-support';

const KiB = 1024;
const MiB = 1024 * KiB;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

/** A registry client bound to one api address and one repository's push token. */
interface Client {
  base: string;
  port: number;
  auth: string;
  fetch(pathOrUrl: string, init?: RequestInit): Promise<Response>;
}

async function clientFor(base: string, port: number, adminToken: string, repo: string): Promise<Client> {
  const auth = `Bearer ${await bearer(base, 'root', adminToken, [`repository:${repo}:pull,push`])}`;
  return {
    base,
    port,
    auth,
    fetch: (pathOrUrl, init = {}) =>
      fetch(pathOrUrl.startsWith('http') ? pathOrUrl : `${base}${pathOrUrl}`, { ...init, headers: { Authorization: auth, ...(init.headers as Record<string, string>) } }),
  };
}

/** The upload's size as its status (GET) reports it, from `Range: 0-<last>`. */
async function recordedSize(client: Client, location: string): Promise<number> {
  const status = await client.fetch(location);
  expect(status.status).toBe(204);
  return Number(status.headers.get('range')!.split('-')[1]) + 1;
}

function patch(client: Client, location: string, bytes: Buffer, from: number): Promise<Response> {
  return client.fetch(location, { method: 'PATCH', body: bytes, headers: { 'Content-Range': `${from}-${from + bytes.length - 1}`, 'Content-Type': 'application/octet-stream' } });
}

/** A PATCH head whose body the caller sends (or does not) through the raw socket. */
function patchHead(client: Client, location: string, from: number, length: number): Buffer {
  return Buffer.from(
    `PATCH ${location} HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: ${client.auth}\r\nContent-Type: application/octet-stream\r\n` +
      `Content-Range: ${from}-${from + length - 1}\r\nContent-Length: ${length}\r\n\r\n`,
  );
}

/** A raw connection: resolves `closed` with the time the server closed it (or null if `limitMs` passed first). */
function openRaw(port: number, limitMs: number): { socket: Socket; closed: Promise<number | null> } {
  const socket = new Socket();
  const closed = new Promise<number | null>((resolve) => {
    const timer = setTimeout(() => resolve(null), limitMs);
    socket.on('data', () => undefined);
    socket.on('error', () => undefined);
    socket.on('close', () => {
      clearTimeout(timer);
      resolve(Date.now());
    });
  });
  socket.connect(port, '127.0.0.1');
  return { socket, closed };
}

async function pullDigest(client: Client, repo: string, digest: string): Promise<string> {
  const response = await client.fetch(`/v2/${repo}/blobs/${digest}`);
  expect(response.status).toBe(200);
  return `sha256:${sha256(Buffer.from(await response.arrayBuffer()))}`;
}

describe('hardening: /v2/ upload bodies that stall are cut (REGISTRY_UPLOAD_IDLE_TIMEOUT)', () => {
  const repo = 'hardening/stall';
  let db: TestDatabase;
  let platform: TestPlatform;
  let client: Client;

  beforeAll(async () => {
    db = await createTestDatabase();
    platform = await startPlatform({ databaseUrl: db.url, worker: false, env: { REGISTRY_UPLOAD_IDLE_TIMEOUT: '2', PULL_RATE_LIMIT_AUTHENTICATED: '0' } });
    await seedProject(db, repo);
    client = await clientFor(platform.url, platform.port, platform.adminToken, repo);
  });

  afterAll(async () => {
    await platform?.stop();
    await db?.drop();
  });

  it('closes a PATCH whose body stops mid-way, releases its lease, and another client continues from the recorded size', async () => {
    const bytes = randomBytes(2 * MiB);
    const first = 256 * KiB;
    const location = locationPath(await client.fetch(`/v2/${repo}/blobs/uploads/`, { method: 'POST' }));
    expect((await patch(client, location, bytes.subarray(0, first), 0)).status).toBe(202);

    // Announces 1 MiB, sends 100 KiB, then nothing.
    const { socket, closed } = openRaw(platform.port, 30_000);
    socket.write(Buffer.concat([patchHead(client, location, first, MiB), bytes.subarray(first, first + 100 * KiB)]));
    const stalledAt = Date.now();
    const closedAt = await closed;
    expect(closedAt).not.toBeNull(); // today: open until the client gives up
    expect(closedAt! - stalledAt).toBeLessThan(20_000);
    socket.destroy();

    // The stalled chunk left nothing behind: the recorded size is the first chunk's, and the store agrees.
    expect(await recordedSize(client, location)).toBe(first);
    // Continued at once: the lease was released when the chunk was cut (no 30 s lease to wait out).
    const started = Date.now();
    expect((await patch(client, location, bytes.subarray(first, bytes.length - 1000), first)).status).toBe(202);
    expect(Date.now() - started).toBeLessThan(10_000);
    const done = await client.fetch(`${location}?digest=sha256:${sha256(bytes)}`, {
      method: 'PUT',
      body: bytes.subarray(bytes.length - 1000),
      headers: { 'Content-Range': `${bytes.length - 1000}-${bytes.length - 1}`, 'Content-Type': 'application/octet-stream' },
    });
    expect(done.status).toBe(201);
    expect(await pullDigest(client, repo, `sha256:${sha256(bytes)}`)).toBe(`sha256:${sha256(bytes)}`);
  });

  it('never cuts a slow upload that keeps sending, however long it takes in total', async () => {
    const piece = 64 * KiB;
    const pieces = 8; // one a second: four times the idle timeout in total, never 2 s of silence
    const bytes = randomBytes(piece * pieces);
    const location = locationPath(await client.fetch(`/v2/${repo}/blobs/uploads/`, { method: 'POST' }));

    const { socket } = openRaw(platform.port, 60_000);
    let answer = '';
    socket.on('data', (chunk: Buffer) => (answer += chunk.toString('latin1')));
    socket.write(patchHead(client, location, 0, bytes.length));
    for (let i = 0; i < pieces; i++) {
      socket.write(bytes.subarray(i * piece, (i + 1) * piece));
      await sleep(1000);
    }
    const deadline = Date.now() + 20_000;
    while (!answer.includes('\r\n\r\n') && Date.now() < deadline) await sleep(50);
    socket.destroy();
    expect(answer).toMatch(/^HTTP\/1\.1 202/);
    expect(await recordedSize(client, location)).toBe(bytes.length);
  });
});

describe('hardening: an upload resumes after kill -9 of the api in the middle of a chunk', () => {
  const repo = 'hardening/crash';
  let db: TestDatabase;
  let platform: TestPlatform;
  let api: RunningProcess;
  const extra: RunningProcess[] = [];

  beforeAll(async () => {
    db = await createTestDatabase();
    platform = await startPlatform({ databaseUrl: db.url, worker: false, env: { PULL_RATE_LIMIT_AUTHENTICATED: '0' } });
    api = platform.api;
    await seedProject(db, repo);
  });

  afterAll(async () => {
    await Promise.all(extra.map((p) => p.stop()));
    await platform?.stop();
    await db?.drop();
  });

  it('reports the recorded size, takes the rest from there, and commits exactly the pushed bytes', async () => {
    let client = await clientFor(platform.url, platform.port, platform.adminToken, repo);
    const bytes = randomBytes(12 * MiB + 123);
    const first = MiB;
    const location = locationPath(await client.fetch(`/v2/${repo}/blobs/uploads/`, { method: 'POST' }));
    const id = location.split('/').pop()!;
    expect((await patch(client, location, bytes.subarray(0, first), 0)).status).toBe(202);

    // The second chunk (8 MiB announced) is half sent, and partly written to the store, when the api dies.
    const { socket } = openRaw(platform.port, 120_000);
    socket.write(Buffer.concat([patchHead(client, location, first, 8 * MiB), bytes.subarray(first, first + 5 * MiB)]));
    const file = path.join(platform.dataDir, 'storage', 'uploads', id, 'data');
    const deadline = Date.now() + 30_000;
    while ((await fsp.stat(file)).size <= first && Date.now() < deadline) await sleep(50);
    expect((await fsp.stat(file)).size).toBeGreaterThan(first); // bytes past the recorded size are in the store
    api.child.kill('SIGKILL');
    await api.exited;
    socket.destroy();

    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    api = spawnProcess('api', { ...platform.env, PORT: String(port), PUBLIC_URL: base });
    extra.push(api);
    await waitForReady(`${base}/-/readiness`, api);
    client = await clientFor(base, port, platform.adminToken, repo);

    const resumeAt = await recordedSize(client, location);
    expect(resumeAt).toBe(first);
    // The dead writer's lease lapses within 30 s; until then the upload answers "busy" (416 with that message).
    // Today the PATCH after the lapse fails too, with 416 because the store holds more bytes than recorded.
    let response: Response | undefined;
    for (const until = Date.now() + 60_000; Date.now() < until; ) {
      response = await patch(client, location, bytes.subarray(resumeAt, bytes.length - 100), resumeAt);
      if (response.status !== 416) break;
      const body = (await response.json()) as { errors: Array<{ message: string }> };
      if (!body.errors[0].message.includes('receiving another request')) throw new Error(`refused: ${JSON.stringify(body)}`);
      await sleep(1000);
    }
    expect(response?.status).toBe(202);
    const digest = `sha256:${sha256(bytes)}`;
    const done = await client.fetch(`${location}?digest=${digest}`, {
      method: 'PUT',
      body: bytes.subarray(bytes.length - 100),
      headers: { 'Content-Range': `${bytes.length - 100}-${bytes.length - 1}`, 'Content-Type': 'application/octet-stream' },
    });
    expect(done.status).toBe(201);
    expect(await pullDigest(client, repo, digest)).toBe(digest);
    expect(digestOf(bytes)).toBe(digest);
  }, 180_000);
});

describe('hardening: on S3 the multipart assemble of a commit runs outside the database transaction', () => {
  const repo = 'hardening/s3';
  let s3: TestS3Server;
  let db: TestDatabase;
  let platform: TestPlatform;
  let client: Client;
  /** While set, the server holds every request of a multipart upload of a blob (the commit's assemble). */
  let assembleGate: { reached: () => void; release: Promise<void> } | undefined;
  /** While set, called with every HEAD of a blob key, before the server answers it. */
  let onBlobHead: ((key: string) => Promise<void>) | undefined;

  beforeAll(async () => {
    s3 = await startTestS3Server({
      uploadPartCopy: true,
      hold: (request) => {
        if (onBlobHead && request.method === 'HEAD' && request.path.includes('/blobs/')) return onBlobHead(request.path.split('/').slice(2).join('/'));
        if (!assembleGate || request.query.uploadId === undefined || !request.path.includes('/blobs/')) return undefined;
        assembleGate.reached();
        return assembleGate.release;
      },
    });
    await s3.createBucket('hardening');
    db = await createTestDatabase();
    platform = await startPlatform({
      databaseUrl: db.url,
      worker: false,
      env: {
        STORAGE_DRIVER: 's3',
        S3_ENDPOINT: s3.endpoint,
        S3_BUCKET: 'hardening',
        S3_REGION: 'us-east-1',
        S3_ACCESS_KEY_ID: 'S3RVER',
        S3_SECRET_ACCESS_KEY: 'S3RVER',
        S3_FORCE_PATH_STYLE: 'true',
        PULL_RATE_LIMIT_AUTHENTICATED: '0',
      },
    });
    await seedProject(db, repo);
    client = await clientFor(platform.url, platform.port, platform.adminToken, repo);
  });

  afterAll(async () => {
    await platform?.stop();
    await db?.drop();
    await s3?.stop();
  });

  it('holds no transaction and no blob row lock while the parts are copied, and commits the blob after', async () => {
    const bytes = randomBytes(20 * MiB + 7); // three 8 MiB chunk objects: a multipart assemble
    const digest = `sha256:${sha256(bytes)}`;
    const location = locationPath(await client.fetch(`/v2/${repo}/blobs/uploads/`, { method: 'POST' }));
    expect((await patch(client, location, bytes, 0)).status).toBe(202);

    let release!: () => void;
    let reached!: () => void;
    const assembling = new Promise<void>((resolve) => (reached = resolve));
    assembleGate = { reached, release: new Promise<void>((resolve) => (release = resolve)) };
    const put = client.fetch(`${location}?digest=${digest}`, { method: 'PUT' });
    try {
      await assembling;
      // Today the assemble runs inside the transaction that holds the blob row: this NOWAIT lock would fail.
      await expect(db.query(`SELECT digest FROM blobs WHERE digest = $1 FOR UPDATE NOWAIT`, [digest])).resolves.toBeDefined();
      const open = await db.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND state LIKE 'idle in transaction%'`,
      );
      expect(open[0].n).toBe(0);
      // The repository is not blocked: another push into it commits meanwhile.
      const other = randomBytes(1000);
      expect((await client.fetch(`/v2/${repo}/blobs/uploads/?digest=sha256:${sha256(other)}`, { method: 'POST', body: other })).status).toBe(201);
    } finally {
      release();
      assembleGate = undefined;
    }
    expect((await put).status).toBe(201);
    expect(await pullDigest(client, repo, digest)).toBe(digest);
    // The upload's chunk objects went after the commit; only the blob is left of it.
    expect(await s3.listKeys('hardening', `uploads/${location.split('/').pop()}/`)).toEqual([]);
    expect(await db.query(`SELECT size::int AS size FROM blobs WHERE digest = $1`, [digest])).toEqual([{ size: bytes.length }]);
  }, 120_000);

  it('publishes the blob again when its bytes vanish between the assemble and the transaction that records it', async () => {
    const bytes = randomBytes(17 * MiB + 3);
    const digest = `sha256:${sha256(bytes)}`;
    const location = locationPath(await client.fetch(`/v2/${repo}/blobs/uploads/`, { method: 'POST' }));
    expect((await patch(client, location, bytes, 0)).status).toBe(202);

    // HEADs of the blob's key: 1 (exists already?) and 2 (the assemble's check) while publishing; 3 is the check
    // under the blob row's lock. Before answering 3, the object goes, as if GC or the orphan sweeper took it.
    let heads = 0;
    onBlobHead = async (key) => {
      heads += 1;
      if (heads === 3) await s3.deleteKey('hardening', key);
    };
    try {
      expect((await client.fetch(`${location}?digest=${digest}`, { method: 'PUT' })).status).toBe(201);
    } finally {
      onBlobHead = undefined;
    }
    expect(heads).toBeGreaterThan(3); // published and checked again
    expect(await pullDigest(client, repo, digest)).toBe(digest);
    expect(await s3.listKeys('hardening', `uploads/${location.split('/').pop()}/`)).toEqual([]);
  }, 120_000);
});
