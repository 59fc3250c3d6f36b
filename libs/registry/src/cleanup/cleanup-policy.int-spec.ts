import { MEDIA_TYPE_OCI_MANIFEST } from '../domain';
import { ManifestService } from '../manifest.service';
import { createRegistryFixture, pushImageParts, RegistryFixture, seedRegistryProject } from '../registry-integration.spec-helper';
import { UploadService } from '../upload.service';
import { CleanupPolicyRules, nextRunAt, PolicyTarget } from './cleanup-policy';
import { CleanupPolicyRepository } from './cleanup-policy.repository';
import { CleanupPolicyService } from './cleanup-policy.service';

const RULES: CleanupPolicyRules = { enabled: true, cadence: '7d', keepN: 5, olderThan: '90d', nameRegex: '.*', nameRegexKeep: null };

/**
 * Cleanup policies against PostgreSQL with the real schema: which policy governs which project (recursive SQL over
 * the group tree), scheduling under row locks, and a run deleting exactly the tags the rules select.
 */
describe('CleanupPolicyService and its repositories (integration)', () => {
  let fixture: RegistryFixture;
  let service: CleanupPolicyService;
  let manifests: ManifestService;
  let uploads: UploadService;
  const policies = new CleanupPolicyRepository();
  /** Project ids by short name, group (namespace) ids by full path. */
  const ids: Record<string, number> = {};
  const groups: Record<string, number> = {};

  beforeAll(async () => {
    fixture = await createRegistryFixture();
    service = new CleanupPolicyService(fixture.ctx);
    manifests = new ManifestService(fixture.ctx);
    uploads = new UploadService(fixture.ctx);
    ids.app = await seedRegistryProject(fixture, 'acme/team/app');
    ids.tools = await seedRegistryProject(fixture, 'acme/tools');
    ids.solo = await seedRegistryProject(fixture, 'solo/lib');
    for (const { id, full_path } of await fixture.env.query<{ id: number; full_path: string }>(`SELECT id, full_path FROM namespaces`)) groups[full_path] = id;
  });
  afterAll(() => fixture?.close());

  const q = <T extends object = Record<string, unknown>>(sql: string, params?: unknown[]) => fixture.env.query<T>(sql, params);
  const setPolicy = (target: PolicyTarget, rules: Partial<CleanupPolicyRules>, next: Date | null = null) =>
    policies.upsert(fixture.ctx.db.manager, target, { ...RULES, ...rules }, next);
  const clearPolicies = () => q(`DELETE FROM cleanup_policies`);

  /** Pushes one image per tag, then dates each tag's last push `ages[tag]` days back. */
  async function seedTags(repositoryPath: string, ages: Record<string, number>): Promise<number> {
    for (const tag of Object.keys(ages)) {
      const { manifest } = await pushImageParts(uploads, repositoryPath, `${repositoryPath}:${tag}`);
      await manifests.put(repositoryPath, tag, manifest, MEDIA_TYPE_OCI_MANIFEST);
    }
    const [{ id }] = await q<{ id: number }>(`SELECT id FROM repositories WHERE path = $1`, [repositoryPath]);
    await q(
      `UPDATE tags t SET created_at = now() - make_interval(days => a.days), updated_at = now() - make_interval(days => a.days)
         FROM unnest($2::text[], $3::int[]) AS a(name, days) WHERE t.repository_id = $1 AND t.name = a.name`,
      [id, Object.keys(ages), Object.values(ages)],
    );
    return id;
  }
  const tagsOf = async (repositoryPath: string) =>
    (await q<{ name: string }>(`SELECT t.name FROM tags t JOIN repositories r ON r.id = t.repository_id WHERE r.path = $1 ORDER BY t.name`, [repositoryPath])).map((row) => row.name);

  it('finds the policy in force: the project’s own, else the nearest group’s, else the default', async () => {
    await clearPolicies();
    expect(await service.effectiveForProject(ids.app)).toMatchObject({ source: 'default', policyId: null });

    const root = await setPolicy({ kind: 'group', id: groups.acme }, { keepN: 25 });
    const team = await setPolicy({ kind: 'group', id: groups['acme/team'] }, { keepN: 1 });
    expect((await policies.groupPoliciesForProject(fixture.ctx.db.manager, ids.app)).map((p) => p.id)).toEqual([team.id, root.id]);
    expect(await service.effectiveForProject(ids.app)).toMatchObject({ source: 'group', policyId: team.id, groupId: groups['acme/team'], rules: { keepN: 1 } });
    expect(await service.effectiveForProject(ids.tools)).toMatchObject({ source: 'group', policyId: root.id, groupId: groups.acme });
    expect(await service.effectiveForProject(ids.solo)).toMatchObject({ source: 'default' });
    // A group policy governs the projects below it that no nearer policy claims.
    expect(await policies.projectsGovernedByGroup(fixture.ctx.db.manager, groups.acme)).toEqual([ids.tools]);
    expect(await policies.projectsGovernedByGroup(fixture.ctx.db.manager, groups['acme/team'])).toEqual([ids.app]);

    const own = await setPolicy({ kind: 'project', id: ids.app }, { keepN: 10, nameRegexKeep: 'release-.*' });
    expect(own).toMatchObject({ target: { kind: 'project', id: ids.app }, keepN: 10, nameRegexKeep: 'release-.*', enabled: true, cadence: '7d' });
    expect(await service.effectiveForProject(ids.app)).toMatchObject({ source: 'project', policyId: own.id, groupId: null });
    expect(await policies.projectsGovernedByGroup(fixture.ctx.db.manager, groups['acme/team'])).toEqual([]);
    // Upserting the same target updates the one row.
    await setPolicy({ kind: 'project', id: ids.app }, { keepN: 50 });
    expect(await q(`SELECT keep_n FROM cleanup_policies WHERE project_id = $1`, [ids.app])).toEqual([{ keep_n: 50 }]);
  });

  it("stores every older_than GitLab accepts (60d included) and the database refuses any other", async () => {
    await clearPolicies();
    for (const olderThan of ['7d', '14d', '30d', '60d', '90d']) {
      await setPolicy({ kind: 'project', id: ids.app }, { olderThan });
      expect((await policies.find(fixture.ctx.db.manager, { kind: 'project', id: ids.app }))?.olderThan).toBe(olderThan);
    }
    await expect(setPolicy({ kind: 'project', id: ids.app }, { olderThan: '45d' })).rejects.toThrow(/ck_cleanup_policies_older_than/);
  });

  it('schedules each due policy once, even with two schedulers at the same moment, and moves it to its next run', async () => {
    await clearPolicies();
    const now = new Date();
    const past = new Date(now.getTime() - 60_000);
    const group = await setPolicy({ kind: 'group', id: groups.acme }, { cadence: '1d' }, past);
    const project = await setPolicy({ kind: 'project', id: ids.solo }, { cadence: '14d' }, past);
    await setPolicy({ kind: 'project', id: ids.app }, { enabled: false }, past); // disabled: never due
    await setPolicy({ kind: 'group', id: groups['acme/team'] }, {}, new Date(now.getTime() + 3_600_000)); // not yet due

    const [a, b] = await Promise.all([service.scheduleDue(now), service.scheduleDue(now)]);
    const scheduled = [...a, ...b].map((run) => run.projectId).sort((x, y) => x - y);
    // acme's policy governs acme/tools only (acme/team has its own policy, not due); the app's own is disabled.
    expect(scheduled).toEqual([ids.tools, ids.solo].sort((x, y) => x - y));
    expect(await q(`SELECT project_id, policy_id, policy_source, status, trigger FROM cleanup_policy_runs ORDER BY project_id`)).toEqual(
      [
        { project_id: ids.tools, policy_id: group.id, policy_source: 'group', status: 'scheduled', trigger: 'schedule' },
        { project_id: ids.solo, policy_id: project.id, policy_source: 'project', status: 'scheduled', trigger: 'schedule' },
      ].sort((x, y) => x.project_id - y.project_id),
    );
    expect((await policies.findById(fixture.ctx.db.manager, group.id))?.nextRunAt).toEqual(nextRunAt('1d', now));
    expect((await policies.findById(fixture.ctx.db.manager, project.id))?.nextRunAt).toEqual(nextRunAt('14d', now));
    expect(await service.scheduleDue(now)).toEqual([]);

    // A run whose job never ran is found by the stranded-work requeuer once it is old enough.
    await q(`UPDATE cleanup_policy_runs SET scheduled_at = now() - interval '1 hour' WHERE project_id = $1`, [ids.solo]);
    expect((await service.strandedRuns(600)).map((run) => [run.projectId, run.progress])).toEqual([[ids.solo, 0]]);
    await q(`DELETE FROM cleanup_policy_runs`);
  });

  it('runs a policy over every repository of the project, deleting exactly the tags the rules select, resumably', async () => {
    await clearPolicies();
    const web = 'acme/team/app/web';
    const worker = 'acme/team/app/worker';
    const webId = await seedTags(web, { latest: 400, v1: 300, v2: 1, v3: 3, v4: 10, v5: 20, v6: 5, 'release-1': 200 });
    const workerId = await seedTags(worker, { v1: 300, v2: 300 });
    await seedTags('acme/team/app/db', { v9: 100 });
    const v4Manifest = (await q<{ manifest_id: number }>(`SELECT manifest_id FROM tags WHERE repository_id = $1 AND name = 'v4'`, [webId]))[0].manifest_id;
    // v.* candidates, but release-.* stays; the 2 newest candidates stay; of the rest only those older than 7 days go.
    await setPolicy({ kind: 'project', id: ids.app }, { nameRegex: 'v.*|release-.*', nameRegexKeep: 'release-.*', keepN: 1, olderThan: '7d' });
    await setPolicy({ kind: 'repository', id: workerId }, { nameRegex: 'nothing-matches' });

    const { runId } = await service.requestRun(ids.app);
    // One repository per attempt: the run stays unfinished and resumes where it stopped.
    const partial = await service.execute(runId, 1);
    expect(partial).toMatchObject({ status: 'unfinished', repositoriesDone: 1, policySource: 'project', trigger: 'manual' });
    const run = await service.execute(runId);
    expect(run).toMatchObject({ status: 'finished', repositoriesDone: 2, error: null });
    expect(run.startedAt).toBeInstanceOf(Date);

    // web: latest and release-1 are never candidates; the newest candidate (v2) stays by keep_n; v3 and v6 are
    // younger than 7 days; v1, v4 and v5 go. db: keep_n counts per repository, so its one old tag stays.
    expect(await tagsOf(web)).toEqual(['latest', 'release-1', 'v2', 'v3', 'v6']);
    expect(await tagsOf('acme/team/app/db')).toEqual(['v9']);
    expect(await tagsOf(worker)).toEqual(['v1', 'v2']); // its own policy, its own schedule
    expect(run.deletedTags).toBe(3);
    expect(await q(`SELECT reason FROM gc_manifest_review_queue WHERE manifest_id = $1`, [v4Manifest])).toEqual([{ reason: 'tag_deleted' }]);
    expect(await q(`SELECT details FROM audit_events WHERE event_name = 'cleanup_finished'`)).toEqual([
      { details: { deleted_tags: 3, repositories: 2, status: 'finished', protected_tags_skipped: 0, immutable_tags_skipped: 0 } },
    ]);
    // Executing a finished run again does nothing.
    expect(await service.execute(runId)).toMatchObject({ status: 'finished', deletedTags: 3 });
  });

  it('fails a run whose policy was removed', async () => {
    const policy = await setPolicy({ kind: 'project', id: ids.solo }, {});
    const { runId } = await service.requestRun(ids.solo);
    await q(`DELETE FROM cleanup_policies WHERE id = $1`, [policy.id]);
    expect(await service.execute(runId)).toMatchObject({ status: 'failed', error: 'the policy was removed' });
    expect((await service.listRuns(ids.solo)).items.map((run) => run.id)).toContain(runId);
  });
});
