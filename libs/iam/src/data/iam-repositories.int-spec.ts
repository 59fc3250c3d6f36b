import { createHash } from 'node:crypto';
import { createIntegrationEnvironment, IntegrationEnvironment } from '@cargohold/testing';
import { AuditEventRepository } from '../audit/audit-event.repository';
import { IamContext } from '../iam-context';
import { DeletionRequestRepository } from './deletion-request.repository';
import { NamespaceRecord } from './namespace.repository';
import { ProjectRecord } from './project.repository';
import { UserRecord } from './user.repository';

const digest = (secret: string) => createHash('sha256').update(secret).digest();

/**
 * The identity repositories against PostgreSQL with the real schema: the rows they return have the shapes their
 * types declare (numbers, dates, nested JSON), and the recursive group SQL resolves inheritance as GitLab does.
 */
describe('iam repositories (integration)', () => {
  let env: IntegrationEnvironment;
  let ctx: IamContext;
  let alice: UserRecord;
  let bob: UserRecord;
  let top: NamespaceRecord;
  let sub: NamespaceRecord;
  let project: ProjectRecord;

  beforeAll(async () => {
    env = await createIntegrationEnvironment();
    ctx = new IamContext(env.dataSource, { publicUrl: 'https://registry.example.test', jobTimeoutSeconds: 3600 });
    const db = ctx.manager;
    alice = await ctx.users.insert(db, { username: 'alice', email: 'alice@example.test', name: 'Alice', passwordHash: 'h', isAdmin: false, bot: false });
    bob = await ctx.users.insert(db, { username: 'bob', email: null, name: 'Bob', passwordHash: null, isAdmin: false, bot: false });
    top = await ctx.namespaces.insert(db, { kind: 'group', name: 'Top Group', path: 'top', fullPath: 'top', parentId: null, ownerId: null, visibility: 'private', description: '' });
    sub = await ctx.namespaces.insert(db, { kind: 'group', name: 'Sub', path: 'sub', fullPath: 'top/sub', parentId: top.id, ownerId: null, visibility: 'private', description: 'below' });
    project = await ctx.projects.insert(db, { namespaceId: sub.id, name: 'App', path: 'app', fullPath: 'top/sub/app', description: '', visibility: 'private', creatorId: alice.id });
  });
  afterAll(() => env?.close());

  const db = () => ctx.manager;

  it('returns users, namespaces and projects with the declared shapes', async () => {
    expect(alice).toMatchObject({ username: 'alice', email: 'alice@example.test', isAdmin: false, state: 'active', bot: false });
    expect(typeof alice.id).toBe('number');
    expect(alice.createdAt).toBeInstanceOf(Date);
    expect(await ctx.users.findLogin(db(), 'ALICE')).toMatchObject({ id: alice.id, passwordHash: 'h' });
    expect((await ctx.users.findByIds(db(), [bob.id, alice.id])).map((u) => u.username).sort()).toEqual(['alice', 'bob']);
    expect(await ctx.users.emailTaken(db(), 'Alice@Example.test')).toBe(true);

    expect(sub).toMatchObject({ kind: 'group', fullPath: 'top/sub', parentId: top.id, fullName: 'Top Group / Sub' });
    expect(await ctx.namespaces.ancestorIds(db(), sub.id)).toEqual([sub.id, top.id]);
    expect(await ctx.namespaces.descendantIds(db(), top.id)).toEqual([sub.id]);
    expect(await ctx.namespaces.isWithin(db(), sub.id, top.id)).toBe(true);
    expect(await ctx.namespaces.isWithin(db(), top.id, sub.id)).toBe(false);
    expect(await ctx.namespaces.pathTaken(db(), 'top/sub/app')).toBe(true);

    expect(project).toMatchObject({
      namespaceId: sub.id,
      fullPath: 'top/sub/app',
      containerRegistryAccessLevel: 'enabled',
      creatorId: alice.id,
      namespace: { id: sub.id, name: 'Sub', path: 'sub', kind: 'group', fullPath: 'top/sub', parentId: top.id },
      nameWithNamespace: 'Top Group / Sub / App',
    });
    expect(await ctx.projects.findOwning(db(), ['top/sub/app/web', 'top/sub/app', 'top/sub'])).toEqual({
      id: project.id,
      namespaceId: sub.id,
      visibility: 'private',
      containerRegistryAccessLevel: 'enabled',
      pendingDelete: false,
    });
    expect(await ctx.projects.idsWithinGroup(db(), top.id)).toEqual([project.id]);
    expect(await ctx.namespaces.counts(db(), top.id)).toEqual({ membersCountWithDescendants: 0, projectsCount: 0 });
  });

  it('resolves memberships: inherited from ancestor groups, the highest wins, expired ones do not count', async () => {
    const topSource = { type: 'group' as const, id: top.id };
    const projectSource = { type: 'project' as const, id: project.id, namespaceId: sub.id };
    const added = await ctx.members.insert(db(), topSource, { userId: bob.id, accessLevel: 20, expiresAt: null, createdById: alice.id });
    expect(added).toMatchObject({ sourceType: 'namespace', sourceId: top.id, userId: bob.id, accessLevel: 20, expiresAt: null, user: { id: bob.id, username: 'bob', bot: false }, createdBy: { id: alice.id } });
    expect(await ctx.members.insert(db(), topSource, { userId: bob.id, accessLevel: 30, expiresAt: null, createdById: null })).toBeNull(); // already a member

    expect(await ctx.members.effectiveLevel(db(), projectSource, bob.id)).toBe(20);
    expect(await ctx.members.inheritedLevel(db(), projectSource, bob.id)).toEqual({ level: 20, groupId: top.id });
    await ctx.members.insert(db(), projectSource, { userId: bob.id, accessLevel: 40, expiresAt: '2999-01-01', createdById: null });
    expect(await ctx.members.effectiveLevel(db(), projectSource, bob.id)).toBe(40);
    expect(await ctx.members.findEffective(db(), projectSource, bob.id)).toMatchObject({ sourceType: 'project', accessLevel: 40, expiresAt: '2999-01-01' });
    expect((await ctx.members.listEffective(db(), projectSource, { limit: 10, offset: 0 })).items.map((m) => [m.userId, m.accessLevel])).toEqual([[bob.id, 40]]);
    expect(await ctx.projects.memberProjectIds(db(), bob.id, 30)).toEqual([project.id]);

    // The permission facts read the same inheritance, for one project or a whole group at once.
    const [facts] = await ctx.projectAccess.facts(db(), { owningOneOf: ['top/sub/app/web', 'top/sub/app', 'top/sub'] }, { userId: bob.id });
    expect(facts).toEqual({
      projectId: project.id,
      namespaceId: sub.id,
      visibility: 'private',
      registryAccess: 'enabled',
      pendingDelete: false,
      userLevel: 40,
      deployTokenCovers: false,
      jobTokenAdmitted: false,
      jobActive: false,
    });
    expect((await ctx.projectAccess.facts(db(), { withinGroup: top.id }, { userId: null })).map((f) => [f.projectId, f.userLevel])).toEqual([[project.id, 0]]);
    await env.query(`UPDATE members SET expires_at = current_date - 1 WHERE source_type = 'project'`);
    expect(await ctx.members.effectiveLevel(db(), projectSource, bob.id)).toBe(20);
    expect(await ctx.members.update(db(), topSource, bob.id, { accessLevel: 50 })).toMatchObject({ accessLevel: 50 });
    expect(await ctx.members.countOwners(db(), top.id)).toBe(1);
    expect(await ctx.namespaces.counts(db(), top.id)).toEqual({ membersCountWithDescendants: 1, projectsCount: 0 });
    expect(await ctx.namespaces.hasDescendantMembership(db(), top.id, bob.id)).toBe(true);
  });

  it('keeps tokens by digest, pages them, and names deploy tokens after their id by default', async () => {
    const pat = await ctx.personalAccessTokens.insert(db(), { userId: alice.id, name: 'ci', description: null, digest: digest('pat-1'), scopes: ['read_registry'], expiresAt: '2999-12-31' });
    expect(pat).toMatchObject({ userId: alice.id, scopes: ['read_registry'], expiresAt: '2999-12-31', revoked: false, active: true, lastUsedAt: null });
    const found = await ctx.personalAccessTokens.findByDigest(db(), digest('pat-1'));
    expect(found).toMatchObject({ id: pat.id, username: 'alice', isAdmin: false, userState: 'active', bot: false });
    expect(found?.tokenDigest.equals(digest('pat-1'))).toBe(true);
    await ctx.personalAccessTokens.insert(db(), { userId: alice.id, name: 'other', description: 'x', digest: digest('pat-2'), scopes: ['api'], expiresAt: null });
    const page = await ctx.personalAccessTokens.list(db(), { userId: alice.id }, { limit: 1, offset: 1 });
    expect(page.total).toBe(2);
    expect(page.items.map((t) => t.name)).toEqual(['other']);
    expect(await ctx.personalAccessTokens.revoke(db(), pat.id)).toBe(true);
    expect(await ctx.personalAccessTokens.revoke(db(), pat.id)).toBe(false);
    expect((await ctx.personalAccessTokens.list(db(), { userId: alice.id, state: 'active' }, { limit: 10, offset: 0 })).total).toBe(1);

    const groupToken = await ctx.deployTokens.insert(db(), { projectId: null, groupId: top.id, name: 'gitlab-deploy-token', username: null, digest: digest('dt-1'), scopes: ['read_registry'], expiresAt: null });
    expect(groupToken).toMatchObject({ groupId: top.id, projectId: null, username: `gitlab+deploy-token-${groupToken.id}`, revoked: false, expired: false });
    const nearest = await ctx.deployTokens.findActiveForProjectByName(db(), { id: project.id, namespaceId: sub.id }, 'gitlab-deploy-token');
    expect(nearest).toMatchObject({ id: groupToken.id, sealedSecret: null });
    expect(await ctx.deployTokens.delete(db(), groupToken.id)).toMatchObject({ id: groupToken.id });
    expect(await ctx.deployTokens.delete(db(), groupToken.id)).toBeNull();
  });

  it('counts the web sessions it ends', async () => {
    await env.query(
      `INSERT INTO web_sessions (id_digest, user_id, expires_at) SELECT decode(md5(n::text), 'hex'), $1, now() + interval '1 hour' FROM generate_series(1, 3) AS n`,
      [bob.id],
    );
    expect(await ctx.users.endWebSessions(db(), bob.id)).toBe(3);
    expect(await ctx.users.endWebSessions(db(), bob.id)).toBe(0);
  });

  it('admits CI jobs of another project through the group allowlist only once the inbound limit is on', async () => {
    const other = await ctx.projects.insert(db(), { namespaceId: top.id, name: 'Lib', path: 'lib', fullPath: 'top/lib', description: '', visibility: 'private', creatorId: null });
    expect(await ctx.jobTokenScope.inboundEnabled(db(), project.id)).toBe(true);
    expect(await ctx.jobTokenScope.admitsJobsOf(db(), project.id, other.id)).toBe(false);
    expect(await ctx.jobTokenScope.addGroup(db(), project.id, top.id)).toBe(true);
    expect(await ctx.jobTokenScope.addGroup(db(), project.id, top.id)).toBe(false);
    expect(await ctx.jobTokenScope.admitsJobsOf(db(), project.id, other.id)).toBe(true);
    expect(await ctx.jobTokenScope.listGroups(db(), project.id, { limit: 10, offset: 0 })).toEqual({ items: [top.id], total: 1 });
    expect(await ctx.jobTokenScope.projectsAdmittingJobsOf(db(), other.id)).toEqual([project.id]);
    expect(await ctx.jobTokenScope.removeGroup(db(), project.id, top.id)).toBe(true);
    await ctx.jobTokenScope.setInboundEnabled(db(), project.id, false);
    expect(await ctx.jobTokenScope.admitsJobsOf(db(), project.id, other.id)).toBe(true);

    const job = await ctx.ciJobs.insert(db(), { projectId: other.id, userId: alice.id, name: 'build', digest: digest('job-1'), timeoutSeconds: 60 });
    expect(job).toMatchObject({ projectId: other.id, status: 'running', active: true, finishedAt: null, user: { id: alice.id, username: 'alice', state: 'active' } });
    expect(await ctx.ciJobs.finish(db(), job.id)).toMatchObject({ status: 'finished', active: false });
    expect(await ctx.ciJobs.isActive(db(), job.id)).toBe(false);
  });

  it('aggregates repeated audit events into one row, and marks a group tree with its projects and repositories for deletion', async () => {
    const audit = new AuditEventRepository();
    const event = {
      authorId: alice.id, authorName: 'alice', authorKind: 'user', entityType: 'User' as const, entityId: alice.id, entityPath: 'alice',
      eventName: 'failed_login', targetType: null, targetId: null, targetDetails: null, details: { reason: 'password' }, ipAddress: '192.0.2.1',
    };
    await audit.insertOrCount(db(), event, 'failed_login:alice:today');
    await audit.insertOrCount(db(), event, 'failed_login:alice:today');
    const listed = await audit.list(db(), { entityType: 'User', entityId: alice.id }, { limit: 10, offset: 0 });
    expect(listed.total).toBe(1);
    expect(listed.items[0]).toMatchObject({ eventName: 'failed_login', details: { reason: 'password', count: 2 }, ipAddress: '192.0.2.1' });
    expect(await audit.entityPath(db(), 'Project', project.id)).toBe('top/sub/app');
    expect(await audit.userIdByUsername(db(), 'BOB')).toBe(bob.id);

    await env.query(`INSERT INTO repositories (project_id, path, name) VALUES ($1, 'top/sub/app/web', 'web')`, [project.id]);
    const marked = await new DeletionRequestRepository().markNamespaceTree(db(), top.id, alice.id);
    expect(marked.sort((a, b) => a - b)).toEqual([top.id, sub.id].sort((a, b) => a - b));
    expect(await env.query(`SELECT status FROM repositories`)).toEqual([{ status: 'delete_scheduled' }]);
    expect(await ctx.projects.findOwning(db(), ['top/sub/app'])).toMatchObject({ pendingDelete: true });
    expect(await new DeletionRequestRepository().namespacePendingDelete(db(), sub.id)).toBe(true);
  });
});
