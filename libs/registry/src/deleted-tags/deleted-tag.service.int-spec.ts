import { createHash, randomBytes } from 'node:crypto';
import { DataSource } from '@cargohold/db';
import { createIntegrationEnvironment, IntegrationEnvironment, seedProject, TestDatabase } from '@cargohold/testing';
import { RegistryEventActor, SYSTEM_ACTOR } from '../events';
import { ManagementError } from '../management/management-error';
import { ProtectionError } from '../protection/protection-error';
import type { RepositoryRecord } from '../management/repository-query.repository';
import { TagQueryRepository } from '../management/tag-query.repository';
import { RegistryContext } from '../registry-context';
import { RegistryEventRecorder } from '../webhooks/registry-event-recorder';
import { WebhookDispatcher } from '../webhooks/webhook-dispatcher';
import { WebhookRepository } from '../webhooks/webhook.repository';
import { DeletedTagService, pruneAfterSeconds } from './deleted-tag.service';

const WINDOW = 3600;
const ALICE: RegistryEventActor = { kind: 'user', id: 7, name: 'alice' };

/**
 * Deleted tags against a real PostgreSQL (the real migrations): the deleting statements record them, the service
 * lists, restores (with the real event outbox) and prunes them. Rows are seeded with SQL and read back.
 */
describe('DeletedTagService (PostgreSQL)', () => {
  let env: IntegrationEnvironment;
  let database: TestDatabase;
  let dataSource: DataSource;
  let ctx: RegistryContext;
  let service: DeletedTagService;
  let projectId: number;
  let queued: number[][];

  beforeAll(async () => {
    env = await createIntegrationEnvironment();
    ({ database, dataSource } = env);
    projectId = await seedProject(database, 'undo/project');
    const dispatcher = new WebhookDispatcher(dataSource, new WebhookRepository(), 'http://registry.test', async (ids) => void queued.push(ids), { warn: () => undefined });
    ctx = new RegistryContext(dataSource, env.store, { gcReviewDelay: WINDOW, deleteEnabled: true }, {
      events: new RegistryEventRecorder(dispatcher, 'http://registry.test'),
    });
    service = new DeletedTagService(ctx);
  });

  afterAll(async () => {
    await env?.close();
  });

  beforeEach(async () => {
    await database.query(`TRUNCATE deleted_tags, tags, manifests, repositories, audit_events, webhooks, container_protection_tag_rules CASCADE`);
    queued = [];
  });

  async function repository(path: string): Promise<RepositoryRecord> {
    const [row] = await database.query<{ id: number }>(`INSERT INTO repositories (project_id, path, name) VALUES ($1, $2, $2) RETURNING id`, [projectId, path]);
    return { id: Number(row.id), projectId, path, name: path, status: null, createdAt: new Date(), cleanupPolicyStartedAt: null };
  }

  async function manifest(repositoryId: number): Promise<{ id: number; digest: string }> {
    const payload = Buffer.from(JSON.stringify({ schemaVersion: 2, nonce: randomBytes(4).toString('hex') }));
    const digest = `sha256:${createHash('sha256').update(payload).digest('hex')}`;
    const [row] = await database.query<{ id: number }>(
      `INSERT INTO manifests (repository_id, digest, media_type, total_size, payload) VALUES ($1, $2, 'application/vnd.oci.image.manifest.v1+json', 1234, $3) RETURNING id`,
      [repositoryId, digest, payload],
    );
    return { id: Number(row.id), digest };
  }

  const tag = (repositoryId: number, name: string, manifestId: number) =>
    database.query(`INSERT INTO tags (repository_id, name, manifest_id) VALUES ($1, $2, $3)`, [repositoryId, name, manifestId]);
  const tagNames = async (repositoryId: number) =>
    (await database.query<{ name: string }>(`SELECT name FROM tags WHERE repository_id = $1 ORDER BY name`, [repositoryId])).map((row) => row.name);
  const deletedRows = () =>
    database.query<Record<string, unknown>>(`SELECT name, digest, how, deleted_by_kind, deleted_by_id::int, deleted_by_name FROM deleted_tags ORDER BY name, id`);
  const refused = async (work: Promise<unknown>) => {
    const error = await work.then(() => null, (failure: unknown) => failure);
    expect(error).toBeInstanceOf(ManagementError);
    return error as ManagementError;
  };

  it('records what each deleting statement removes, with how and who, and nothing else', async () => {
    const repo = await repository('undo/project/record');
    const a = await manifest(repo.id);
    const b = await manifest(repo.id);
    await tag(repo.id, 'single', a.id);
    await tag(repo.id, 'gone-with-b', b.id);
    await tag(repo.id, 'also-b', b.id);
    await tag(repo.id, 'moved', a.id);

    await dataSource.transaction((db) => ctx.tags.delete(db, repo.id, 'single', { how: 'api', actor: ALICE }));
    expect(await dataSource.transaction((db) => ctx.tags.delete(db, repo.id, 'never-was', { how: 'api', actor: ALICE }))).toBeNull();
    // By digest: every tag of the manifest.
    await dataSource.transaction((db) => ctx.manifests.delete(db, repo.id, b.digest, { how: 'registry', actor: { kind: 'deploy_token', id: 3, name: 'gitlab+deploy-token-3' } }));
    // A retention batch judged `moved` at manifest b: it has moved since (to a), so it stays and is not recorded.
    const gone = await dataSource.transaction((db) =>
      new TagQueryRepository().deleteUnmoved(db, repo.id, [{ name: 'moved', manifestId: b.id }], { how: 'cleanup', actor: SYSTEM_ACTOR }),
    );
    expect(gone.deleted).toBe(0);

    expect(await tagNames(repo.id)).toEqual(['moved']);
    expect(await deletedRows()).toEqual([
      { name: 'also-b', digest: b.digest, how: 'registry', deleted_by_kind: 'deploy_token', deleted_by_id: 3, deleted_by_name: 'gitlab+deploy-token-3' },
      { name: 'gone-with-b', digest: b.digest, how: 'registry', deleted_by_kind: 'deploy_token', deleted_by_id: 3, deleted_by_name: 'gitlab+deploy-token-3' },
      { name: 'single', digest: a.digest, how: 'api', deleted_by_kind: 'user', deleted_by_id: 7, deleted_by_name: 'alice' },
    ]);
  });

  it('records a retention batch in the one statement that deletes it, as the system', async () => {
    const repo = await repository('undo/project/batch');
    const image = await manifest(repo.id);
    await database.query(`INSERT INTO tags (repository_id, name, manifest_id) SELECT $1, 'build-' || i, $2 FROM generate_series(1, 2000) AS i`, [repo.id, image.id]);
    const batch = Array.from({ length: 2000 }, (_, i) => ({ name: `build-${i + 1}`, manifestId: image.id }));

    const gone = await dataSource.transaction((db) => new TagQueryRepository().deleteUnmoved(db, repo.id, batch, { how: 'cleanup', actor: SYSTEM_ACTOR }));

    expect(gone).toEqual({ deleted: 2000, manifestIds: [image.id] });
    const [counted] = await database.query<{ n: number; system: number }>(
      `SELECT count(*)::int AS n, count(*) FILTER (WHERE how = 'cleanup' AND deleted_by_kind IS NULL AND deleted_by_id IS NULL AND digest = $1)::int AS system FROM deleted_tags`,
      [image.digest],
    );
    expect(counted).toEqual({ n: 2000, system: 2000 });
  });

  it('lists deletions within the window, newest first, paged and filtered by name, with what blocks a restore', async () => {
    const repo = await repository('undo/project/list');
    const kept = await manifest(repo.id);
    await database.query(`INSERT INTO users (id, username, name) VALUES (7, 'alice', 'Alice') ON CONFLICT DO NOTHING`);
    await database.query(
      `INSERT INTO deleted_tags (repository_id, name, digest, how, deleted_by_kind, deleted_by_id, deleted_at) VALUES
         ($1, 'old', $2, 'api', 'user', 7, now() - interval '2 hours'),
         ($1, 'first', $2, 'bulk_delete', 'user', 7, now() - interval '30 minutes'),
         ($1, 'taken', $2, 'registry', NULL, NULL, now() - interval '20 minutes'),
         ($1, 'lost', 'sha256:${'0'.repeat(64)}', 'registry', NULL, NULL, now() - interval '10 minutes')`,
      [repo.id, kept.digest],
    );
    await tag(repo.id, 'taken', kept.id);

    const all = await service.list(repo.id, { limit: 10, offset: 0 });
    expect(all.total).toBe(3);
    expect(all.items.map((item) => [item.name, item.manifestExists, item.nameTaken])).toEqual([
      ['lost', false, false],
      ['taken', true, true],
      ['first', true, false],
    ]);
    expect(all.items[2]).toMatchObject({ how: 'bulk_delete', deletedByKind: 'user', deletedById: 7, deletedByName: 'alice' });
    expect(all.items[2].restorableUntil.getTime() - all.items[2].deletedAt.getTime()).toBe(WINDOW * 1000);
    expect((await service.list(repo.id, { limit: 1, offset: 1 })).items.map((item) => item.name)).toEqual(['taken']);
    expect(await service.list(repo.id, { limit: 10, offset: 0 }, 'IRS')).toMatchObject({ total: 1, items: [{ name: 'first' }] });
    // LIKE wildcards are text.
    expect((await service.list(repo.id, { limit: 10, offset: 0 }, '%')).total).toBe(0);
  });

  it('restores the newest deletion: the tag, the audit hook and the push event commit together', async () => {
    const repo = await repository('undo/project/restore');
    const older = await manifest(repo.id);
    const newer = await manifest(repo.id);
    await tag(repo.id, 'v1', older.id);
    await dataSource.transaction((db) => ctx.tags.delete(db, repo.id, 'v1', { how: 'api', actor: ALICE }));
    await tag(repo.id, 'v1', newer.id);
    await dataSource.transaction((db) => ctx.tags.delete(db, repo.id, 'v1', { how: 'registry', actor: ALICE }));
    await database.query(`INSERT INTO webhooks (project_id, url, registry_events) VALUES ($1, 'http://hooks.test/x', true)`, [projectId]);

    // An audit hook that fails rolls the whole restore back.
    await expect(service.restore(repo, { name: 'v1', actor: ALICE, audit: async () => { throw new Error('audit down'); } })).rejects.toThrow('audit down');
    expect(await tagNames(repo.id)).toEqual([]);
    expect(await database.query(`SELECT 1 FROM deleted_tags`)).toHaveLength(2);

    let auditedInside = false;
    const restored = await service.restore(repo, {
      name: 'v1',
      actor: ALICE,
      audit: async (db, what) => {
        auditedInside = (await db.query(`SELECT 1 FROM tags WHERE repository_id = $1 AND name = 'v1'`, [repo.id])).length === 1 && what.digest === newer.digest;
      },
    });
    expect(auditedInside).toBe(true);
    expect(restored).toMatchObject({ name: 'v1', digest: newer.digest, how: 'registry', repositoryPath: repo.path });
    const [row] = await database.query<{ manifest_id: number }>(`SELECT manifest_id FROM tags WHERE repository_id = $1 AND name = 'v1'`, [repo.id]);
    expect(Number(row.manifest_id)).toBe(newer.id);
    // Only the restored deletion is used up; the older one is still listed (and blocked by the name).
    expect((await service.list(repo.id, { limit: 10, offset: 0 })).items).toEqual([expect.objectContaining({ digest: older.digest, nameTaken: true })]);
    const [audit] = await database.query<{ event_name: string; author_name: string; details: Record<string, unknown> }>(
      `SELECT event_name, author_name, details FROM audit_events WHERE event_name = 'image_pushed'`,
    );
    expect(audit).toMatchObject({ author_name: 'alice', details: { tag: 'v1', digest: newer.digest, size: 1234 } });
    const deliveries = await database.query<{ id: number; event: string }>(`SELECT id, event FROM webhook_deliveries`);
    expect(deliveries.map((delivery) => delivery.event)).toEqual(['image_pushed']);
    expect(queued).toEqual([[Number(deliveries[0].id)]]);

    // The name is taken now: 409; asking for the older digest explicitly is the same conflict.
    expect((await refused(service.restore(repo, { name: 'v1', actor: ALICE }))).code).toBe('CONFLICT');
    expect((await refused(service.restore(repo, { name: 'v1', digest: older.digest, actor: ALICE }))).code).toBe('CONFLICT');
    await database.query(`DELETE FROM tags WHERE repository_id = $1`, [repo.id]);
    expect(await service.restore(repo, { name: 'v1', digest: older.digest, actor: ALICE })).toMatchObject({ digest: older.digest, how: 'api' });
  });

  it('refuses what cannot be restored: never deleted (404), too late or manifest gone (410)', async () => {
    const repo = await repository('undo/project/refused');
    const image = await manifest(repo.id);
    await database.query(
      `INSERT INTO deleted_tags (repository_id, name, digest, how, deleted_at) VALUES
         ($1, 'late', $2, 'api', now() - interval '61 minutes'),
         ($1, 'orphan', 'sha256:${'1'.repeat(64)}', 'registry', now())`,
      [repo.id, image.digest],
    );
    expect((await refused(service.restore(repo, { name: 'nope', actor: ALICE }))).code).toBe('NOT_FOUND');
    expect((await refused(service.restore(repo, { name: 'bad/name', actor: ALICE }))).code).toBe('NOT_FOUND');
    expect((await refused(service.restore(repo, { name: 'late', digest: `sha256:${'2'.repeat(64)}`, actor: ALICE }))).code).toBe('NOT_FOUND');
    expect(await refused(service.restore(repo, { name: 'late', actor: ALICE }))).toMatchObject({ code: 'GONE', message: expect.stringMatching(/too long ago/) });
    expect(await refused(service.restore(repo, { name: 'orphan', actor: ALICE }))).toMatchObject({ code: 'GONE', message: expect.stringMatching(/was deleted/) });
    expect(await tagNames(repo.id)).toEqual([]);
    // A repository being deleted restores nothing.
    expect((await refused(service.restore({ ...repo, status: 'delete_scheduled' }, { name: 'orphan', actor: ALICE }))).code).toBe('NOT_FOUND');
  });

  it('applies tag protection rules to a restore as to a push: a push level refuses, an immutable rule allows the new tag', async () => {
    const repo = await repository('undo/project/protected');
    const image = await manifest(repo.id);
    for (const name of ['release-1', 'frozen-1']) {
      await tag(repo.id, name, image.id);
      await dataSource.transaction((db) => ctx.tags.delete(db, repo.id, name, { how: 'api', actor: ALICE }));
    }
    await database.query(
      `INSERT INTO container_protection_tag_rules (project_id, tag_name_pattern, minimum_access_level_for_push, minimum_access_level_for_delete)
       VALUES ($1, '^release-', 50, 50), ($1, '^frozen-', NULL, NULL)`,
      [projectId],
    );
    // A Maintainer (40) may not create a tag only Owners may push: refused with the rule's words, nothing restored.
    const error = await service.restore(repo, { name: 'release-1', actor: ALICE, accessLevel: 40 }).then(() => null, (failure: unknown) => failure);
    expect(error).toBeInstanceOf(ProtectionError);
    expect(error).toMatchObject({ code: 'PROTECTED', message: 'tag "release-1" is protected: pushing requires Owner' });
    expect(await tagNames(repo.id)).toEqual([]);
    const [refusalAudit] = await database.query<{ event_name: string }>(`SELECT event_name FROM audit_events WHERE event_name = 'protected_push_refused'`);
    expect(refusalAudit).toBeDefined();
    // The deletion is still there to restore by someone allowed.
    expect(await service.restore(repo, { name: 'release-1', actor: ALICE, accessLevel: 50 })).toMatchObject({ name: 'release-1', digest: image.digest });
    // Immutable: creating the tag is allowed (it does not exist), as a new push of it would be.
    expect(await service.restore(repo, { name: 'frozen-1', actor: ALICE, accessLevel: 40 })).toMatchObject({ name: 'frozen-1' });
    expect(await tagNames(repo.id)).toEqual(['frozen-1', 'release-1']);
  });

  it('prunes records once their window and its grace have passed', async () => {
    const repo = await repository('undo/project/prune');
    const other = await repository('undo/project/prune-too');
    const after = pruneAfterSeconds(WINDOW);
    expect(after).toBe(2 * WINDOW);
    expect(pruneAfterSeconds(60)).toBe(60 + 3600);
    await database.query(
      `INSERT INTO deleted_tags (repository_id, name, digest, how, deleted_at)
       SELECT r, 'old-' || i, 'sha256:x', 'cleanup', now() - make_interval(secs => $3 + i) FROM generate_series(1, 3) AS i, unnest(ARRAY[$1, $2]::bigint[]) AS r
       UNION ALL SELECT $1, 'expired-in-grace', 'sha256:x', 'cleanup', now() - make_interval(secs => $3 - 60)`,
      [repo.id, other.id, after],
    );
    expect(await service.prune()).toBe(6);
    expect((await database.query<{ name: string }>(`SELECT name FROM deleted_tags`)).map((row) => row.name)).toEqual(['expired-in-grace']);
    expect(await service.prune()).toBe(0);
  });
});
