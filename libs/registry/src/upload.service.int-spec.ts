import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { text } from 'node:stream/consumers';
import { createRegistryFixture, RegistryFixture, body, pushBlob, seedRegistryProject, sha256 } from './registry-integration.spec-helper';
import { UploadService } from './upload.service';
import { countStatements } from '@cargohold/testing';
import { createDataSource } from '@cargohold/db';

/** UploadService against PostgreSQL with the real schema and a filesystem store: rows and bytes, not calls. */
describe('UploadService (integration)', () => {
  let fixture: RegistryFixture;
  let uploads: UploadService;
  let projectId: number;
  const repo = 'acme/app/web';

  beforeAll(async () => {
    fixture = await createRegistryFixture({ maxUploadSessionsPerProject: 3 });
    projectId = await seedRegistryProject(fixture, 'acme/app');
    uploads = new UploadService(fixture.ctx);
  });
  afterAll(async () => {
    await uploads?.releaseParkedLeases();
    await fixture?.close();
  });

  const uploadRow = async (id: string) =>
    (await fixture.env.query<{ repository_path: string; project_id: number; size: number; lease_until: Date | null }>(
      `SELECT repository_path, project_id, size, lease_until FROM uploads WHERE id = $1`,
      [id],
    ))[0];
  const uploadFile = (id: string) => join(fixture.env.storageRoot, 'uploads', id, 'data');
  const blobFile = (digest: string) => join(fixture.env.storageRoot, 'blobs', 'sha256', digest.slice(7, 9), digest.slice(7));
  const links = (digest: string) =>
    fixture.env.query<{ path: string }>(
      `SELECT r.path FROM repository_blobs rb JOIN repositories r ON r.id = rb.repository_id WHERE rb.blob_digest = $1 ORDER BY r.path`,
      [digest],
    );

  it('stores a chunked upload, resumed on another replica, under its digest and records blob, link and repository', async () => {
    const parts = [Buffer.alloc(70_000, 'a'), Buffer.alloc(50_001, 'b'), Buffer.from('the end')];
    const whole = Buffer.concat(parts);
    const digest = sha256(whole);

    const { id } = await uploads.start(repo);
    expect(await uploadRow(id)).toMatchObject({ repository_path: repo, project_id: projectId, size: 0 });
    expect(existsSync(uploadFile(id))).toBe(true);

    const first = await uploads.append(repo, id, { body: body(parts[0]), range: { start: 0, end: parts[0].length - 1 }, length: parts[0].length });
    expect(first.size).toBe(70_000);
    const afterFirst = await uploadRow(id);
    expect(afterFirst.size).toBe(70_000);
    expect(afterFirst.lease_until).not.toBeNull(); // parked for this process's next chunk
    expect(sha256(readFileSync(uploadFile(id)))).toBe(sha256(parts[0])); // digests: toEqual on large Buffers is slow

    // A chunk that does not start where the upload stands is refused before a byte is written.
    await expect(uploads.append(repo, id, { body: body('xx'), range: { start: 10, end: 11 }, length: 2 })).rejects.toMatchObject({ code: 'RANGE_INVALID' });
    expect((await uploadRow(id)).size).toBe(70_000);
    expect(readFileSync(uploadFile(id)).length).toBe(70_000);

    // Another replica (its own service: no parked lease, no hash state) continues from the recorded offset.
    const replica = new UploadService(fixture.ctx);
    expect(await replica.status(repo, id)).toEqual({ size: 70_000 });
    expect((await replica.append(repo, id, { body: body(parts[1]) })).size).toBe(120_001);
    await replica.releaseParkedLeases();
    expect(await uploadRow(id)).toMatchObject({ size: 120_001, lease_until: null });

    expect(await uploads.finish(repo, id, digest, { body: body(parts[2]), range: { start: 120_001, end: 120_007 }, length: 7 })).toEqual({ digest, size: whole.length });

    expect(await uploadRow(id)).toBeUndefined();
    expect(existsSync(uploadFile(id))).toBe(false);
    expect(await fixture.env.query(`SELECT digest, size FROM blobs WHERE digest = $1`, [digest])).toEqual([{ digest, size: whole.length }]);
    expect(await links(digest)).toEqual([{ path: repo }]);
    expect(await fixture.env.query(`SELECT project_id, name FROM repositories WHERE path = $1`, [repo])).toEqual([{ project_id: projectId, name: 'web' }]);
    expect(sha256(readFileSync(blobFile(digest)))).toBe(digest);
    expect(await fixture.ctx.blobs.findLinked(fixture.ctx.db.manager, repo, digest)).toEqual({ digest, size: whole.length, mediaType: null });
  });

  it('refuses a chunk while another writer holds the lease, saying where the upload stands', async () => {
    const { id } = await uploads.start(repo);
    await uploads.append(repo, id, { body: body('12345') });
    await uploads.releaseParkedLeases();
    await fixture.env.query(`UPDATE uploads SET lease_until = now() + interval '30 seconds' WHERE id = $1`, [id]);
    await expect(new UploadService(fixture.ctx).append(repo, id, { body: body('678') })).rejects.toMatchObject({ code: 'RANGE_INVALID', detail: { size: 5 } });
    expect(readFileSync(uploadFile(id)).toString()).toBe('12345');
    await uploads.cancel(repo, id);
  });

  it('refuses a wrong digest: no blob row, no link, the session and its bytes are gone', async () => {
    const { id } = await uploads.start(repo);
    await uploads.append(repo, id, { body: body('some bytes') });
    const claimed = sha256('other bytes');
    await expect(uploads.finish(repo, id, claimed)).rejects.toMatchObject({ code: 'DIGEST_INVALID', detail: { expected: claimed, actual: sha256('some bytes') } });
    expect(await uploadRow(id)).toBeUndefined();
    expect(existsSync(join(fixture.env.storageRoot, 'uploads', id))).toBe(false);
    expect(await fixture.env.query(`SELECT 1 FROM blobs WHERE digest = ANY($1)`, [[claimed, sha256('some bytes')]])).toEqual([]);
    await expect(uploads.status(repo, id)).rejects.toMatchObject({ code: 'BLOB_UPLOAD_UNKNOWN' });
  });

  it('verifies a sha512 digest by hashing the stored bytes again', async () => {
    const bytes = Buffer.from('sha512 content');
    const digest = `sha512:${createHash('sha512').update(bytes).digest('hex')}`;
    const { id } = await uploads.start(repo);
    await uploads.append(repo, id, { body: body(bytes) });
    await uploads.finish(repo, id, digest);
    expect(await fixture.env.query(`SELECT size FROM blobs WHERE digest = $1`, [digest])).toEqual([{ size: bytes.length }]);
    expect(await text(await fixture.env.store.read(digest))).toBe('sha512 content');
  });

  it('cancels: the row and the stored bytes go, the session is unknown afterwards', async () => {
    const { id } = await uploads.start(repo);
    await uploads.append(repo, id, { body: body('abandoned') });
    await uploads.cancel(repo, id);
    expect(await uploadRow(id)).toBeUndefined();
    expect(existsSync(join(fixture.env.storageRoot, 'uploads', id))).toBe(false);
    await expect(uploads.append(repo, id, { body: body('more') })).rejects.toMatchObject({ code: 'BLOB_UPLOAD_UNKNOWN' });
    // Another repository's path never reaches the session, even with its id.
    const other = await uploads.start(repo);
    await expect(uploads.status('acme/app/other', other.id)).rejects.toMatchObject({ code: 'BLOB_UPLOAD_UNKNOWN' });
    await uploads.cancel(repo, other.id);
  });

  it('uploads monolithically and mounts the blob into another repository of a project without moving bytes', async () => {
    const digest = await pushBlob(uploads, repo, 'shared layer');
    expect(await uploads.mount('acme/app/api', digest, repo)).toBe(true);
    expect(await links(digest)).toEqual([{ path: 'acme/app/api' }, { path: repo }]);
    // A source that does not hold the blob mounts nothing; the client uploads instead.
    expect(await uploads.mount('acme/app/api', sha256('never pushed'), repo)).toBe(false);
    await expect(pushBlob(uploads, 'nobody/owns/this', 'x')).rejects.toMatchObject({ code: 'NAME_UNKNOWN' });
  });

  it('commits a monolithic upload in 6 statements: repository and blob row in one, then the link', async () => {
    await pushBlob(uploads, repo, 'warm the connections');
    const bytes = 'counted upload';
    const { count } = await countStatements(() => pushBlob(uploads, 'acme/app/counted', bytes));
    // The owning project (before any byte is read); the storage-limit facts; BEGIN; repository + blob row; link; COMMIT.
    expect(count).toBe(6);
    // A session: the owning project; the session opened under the session-limit lock (one statement, no BEGIN).
    const started = await countStatements(() => uploads.start(repo));
    expect(started.count).toBe(2);
    const opened = await uploadRow(started.result.id);
    expect(opened).toMatchObject({ repository_path: repo, project_id: projectId, size: 0 });
    expect(opened.lease_until).not.toBeNull(); // leased to its opener, whose first chunk claims nothing:
    const chunk = await countStatements(() => uploads.append(repo, started.result.id, { body: body('first chunk') }));
    expect(chunk.count).toBe(1); // the size advance only
    await uploads.cancel(repo, started.result.id);
    expect(await links(sha256(bytes))).toEqual([{ path: 'acme/app/counted' }]);
    expect(await fixture.env.query(`SELECT size FROM blobs WHERE digest = $1`, [sha256(bytes)])).toEqual([{ size: bytes.length }]);
    // The repository row is locked before the blob row (the order mounts and manifest pushes take them in).
    const plan = await fixture.env.dataSource.transaction(async (tx) => {
      await fixture.ctx.blobs.ensureRepositoryAndLock(tx, { id: projectId, fullPath: 'acme/app' }, 'acme/app/counted', sha256(bytes), bytes.length);
      const rows = (await tx.query(`EXPLAIN (COSTS OFF) EXECUTE blob_commit_lock(${projectId}, 'acme/app/counted', 'counted', '${sha256(bytes)}', ${bytes.length})`)) as Array<{ 'QUERY PLAN': string }>;
      return rows.map((row) => row['QUERY PLAN']).join('\n');
    });
    expect(plan).toMatch(/CTE locked\s+->\s+LockRows\s+InitPlan \d+ \(returns \$\d+\)\s+->\s+CTE Scan on repository/);
    expect(plan).toMatch(/CTE inserted\s+->\s+Insert on blobs[\s\S]*?InitPlan \d+ \(returns \$\d+\)\s+->\s+CTE Scan on repository/);
  });

  it('mounts in one statement into a new or an existing repository, again without harm, and never a vanished blob', async () => {
    const digest = await pushBlob(uploads, repo, 'mounted layer');
    for (const target of ['acme/app/mounted', 'acme/app/mounted']) {
      // The source's link lookup, the storage-limit facts, then the mount itself: no transaction around it.
      const { result, count } = await countStatements(() => uploads.mount(target, digest, repo));
      expect(result).toBe(true);
      expect(count).toBe(3);
    }
    expect(await links(digest)).toEqual([{ path: 'acme/app/mounted' }, { path: repo }]);
    expect(await fixture.env.query(`SELECT name FROM repositories WHERE path = 'acme/app/mounted'`)).toEqual([{ name: 'mounted' }]);
    // A blob whose row GC removed after the source's link was read: nothing linked, and the client uploads instead.
    const gone = sha256('collected meanwhile');
    const project = { id: projectId, fullPath: 'acme/app' };
    expect(await fixture.ctx.blobs.mount(fixture.env.dataSource.manager, project, 'acme/app/mounted', gone)).toBe(false);
    expect(await links(gone)).toEqual([]);
    // A mount takes the repository row before the blob row (the order uploads and manifest pushes take them in).
    const plan = await fixture.env.dataSource.transaction(async (tx) => {
      await fixture.ctx.blobs.mount(tx, project, 'acme/app/mounted', digest);
      const rows = (await tx.query(`EXPLAIN (COSTS OFF) EXECUTE blob_mount(${projectId}, 'acme/app/mounted', 'mounted', '${digest}')`)) as Array<{ 'QUERY PLAN': string }>;
      return rows.map((row) => row['QUERY PLAN']).join('\n');
    });
    // The blob row is locked (LockRows) only once the repository was evaluated (a one-time filter on it).
    expect(plan).toMatch(/CTE locked\s+->\s+LockRows\s+InitPlan \d+ \(returns \$\d+\)\s+->\s+CTE Scan on repository\s+->\s+Result\s+One-Time Filter: \$\d+\s+->\s+Index Scan using pk_blobs on blobs/);
  });

  it('opens no more sessions than the limit when many POSTs race, and another replica continues a session opened here', async () => {
    await fixture.env.query(`DELETE FROM uploads`);
    // Inserts wait behind a SHARE lock while reads go on, so every POST has counted before any has inserted: without
    // the per-project lock (and a count taken after it), all of them would see room (checked: 4 sessions, one per pool connection).
    const blocker = await createDataSource(fixture.env.database.url, { poolSize: 1, applicationName: 'upload-race-spec' }).initialize();
    const holder = blocker.createQueryRunner();
    await holder.connect();
    await holder.query(`BEGIN; LOCK TABLE uploads IN SHARE MODE`);
    const race = Promise.allSettled(Array.from({ length: 12 }, (_, i) => new UploadService(fixture.ctx).start(i % 2 ? repo : 'acme/app/api')));
    await new Promise((resolve) => setTimeout(resolve, 300));
    await holder.query('COMMIT');
    await holder.release();
    await blocker.destroy();
    const racing = await race;
    expect(racing.filter((r) => r.status === 'fulfilled')).toHaveLength(3);
    expect(racing.filter((r) => r.status === 'rejected').map((r) => (r as PromiseRejectedResult).reason.code)).toEqual(Array(9).fill('TOOMANYREQUESTS'));
    expect(await fixture.env.query(`SELECT count(*)::int AS n FROM uploads WHERE project_id = $1`, [projectId])).toEqual([{ n: 3 }]);
    await fixture.env.query(`DELETE FROM uploads`);

    // The opener parks the session's lease for its own next request; a replica waits for its release, then writes.
    const { id } = await uploads.start(repo);
    expect((await new UploadService(fixture.ctx).append(repo, id, { body: body('elsewhere') })).size).toBe(9);
    expect(readFileSync(uploadFile(id)).toString()).toBe('elsewhere');
    await uploads.cancel(repo, id);
  });

  it('limits the open sessions of a project and purges stale ones', async () => {
    await fixture.env.query(`DELETE FROM uploads`);
    const opened = [await uploads.start(repo), await uploads.start('acme/app/api'), await uploads.start(repo)];
    await expect(uploads.start(repo)).rejects.toMatchObject({ code: 'TOOMANYREQUESTS', detail: { limit: 3 } });
    expect(await fixture.env.query(`SELECT count(*)::int AS n FROM uploads WHERE project_id = $1`, [projectId])).toEqual([{ n: 3 }]);

    await fixture.env.query(`UPDATE uploads SET updated_at = now() - interval '2 hours' WHERE id = ANY($1::uuid[])`, [[opened[0].id, opened[1].id]]);
    expect(await uploads.purgeStale(3600)).toBe(2);
    expect(await fixture.env.query(`SELECT id FROM uploads`)).toEqual([{ id: opened[2].id }]);
    expect(existsSync(join(fixture.env.storageRoot, 'uploads', opened[0].id))).toBe(false);
    expect(existsSync(join(fixture.env.storageRoot, 'uploads', opened[2].id))).toBe(true);
    await uploads.start(repo); // room again
  });
});
