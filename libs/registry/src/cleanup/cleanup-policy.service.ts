import { EntityManager } from 'typeorm';
import { NOTHING_RECORDED, RecordedEvent, SYSTEM_ACTOR } from '../events';
import { RegistryContext } from '../registry-context';
import { TagDeletion } from '../deleted-tags/tag-deletion';
import { RegistryDeletionService } from '../management/registry-deletion.service';
import { ManagementError } from '../management/management-error';
import { BulkDeleteRules } from '../management/bulk-delete-rules';
import { parseOlderThan } from '../retention/older-than';
import { CleanupPolicy, CleanupPolicyRules, DEFAULT_POLICY_RULES, nextRunAt, PolicyTarget } from './cleanup-policy';
import { applyPolicyChange, CleanupPolicyChange } from './cleanup-policy-change';
import { CleanupPolicyRepository } from './cleanup-policy.repository';
import { CleanupRun, CleanupRunRepository, PolicySource } from './cleanup-run.repository';

/** Tags a policy run deletes are recorded as deleted by the system, through `cleanup`. */
const CLEANUP_DELETION: TagDeletion = { how: 'cleanup', actor: SYSTEM_ACTOR };

/** The policy in force for a project, and where it comes from. */
export interface EffectivePolicy {
  rules: CleanupPolicyRules;
  source: PolicySource | 'default';
  policyId: number | null;
  /** The group whose policy applies, when the source is a group. */
  groupId: number | null;
  nextRunAt: Date | null;
}

/** A run to enqueue: the scheduler creates the run row, the worker executes it. */
export interface ScheduledRun {
  runId: number;
  projectId: number;
}

/**
 * Cleanup policies: setting them (project, group default, repository override), finding which one is in force,
 * scheduling due runs, and running them with the same retention rules as the bulk tag delete.
 */
export class CleanupPolicyService {
  private readonly policies = new CleanupPolicyRepository();
  private readonly runs = new CleanupRunRepository();
  private readonly deletion: RegistryDeletionService;

  constructor(private readonly ctx: RegistryContext) {
    this.deletion = new RegistryDeletionService(ctx);
  }

  async effectiveForProject(projectId: number): Promise<EffectivePolicy> {
    const db = this.ctx.db.manager;
    const own = await this.policies.find(db, { kind: 'project', id: projectId });
    if (own) return fromPolicy(own, 'project');
    const [nearestGroup] = await this.policies.groupPoliciesForProject(db, projectId);
    if (nearestGroup) return fromPolicy(nearestGroup, 'group');
    return { rules: DEFAULT_POLICY_RULES, source: 'default', policyId: null, groupId: null, nextRunAt: null };
  }

  /** The policy that governs one repository: its own override, else its project's policy in force. */
  async effectiveForRepository(repositoryId: number, projectId: number): Promise<EffectivePolicy> {
    const own = await this.policies.find(this.ctx.db.manager, { kind: 'repository', id: repositoryId });
    return own ? fromPolicy(own, 'repository') : this.effectiveForProject(projectId);
  }

  async find(target: PolicyTarget): Promise<CleanupPolicy | null> {
    return this.policies.find(this.ctx.db.manager, target);
  }

  /** Refuses a change that set() would refuse (CleanupPolicyError), before anything else of the same request is changed. */
  validate(change: CleanupPolicyChange): void {
    applyPolicyChange(DEFAULT_POLICY_RULES, change);
  }

  /** Creates or updates the policy of a project, group or repository; refuses an invalid change (CleanupPolicyError). */
  async set(target: PolicyTarget, change: CleanupPolicyChange, now = new Date()): Promise<CleanupPolicy> {
    return this.ctx.db.transaction(async (db) => {
      const existing = await this.policies.find(db, target);
      const base = existing ?? (target.kind === 'project' ? (await this.effectiveForProject(target.id)).rules : DEFAULT_POLICY_RULES);
      const rules = applyPolicyChange(base, change);
      // Enabling or changing the cadence restarts the clock, as GitLab does; disabling clears it.
      const keepSchedule = existing?.enabled && rules.enabled && existing.cadence === rules.cadence && existing.nextRunAt;
      const next = !rules.enabled ? null : keepSchedule ? existing!.nextRunAt : nextRunAt(rules.cadence, now);
      return this.policies.upsert(db, target, rules, next);
    });
  }

  /**
   * Finds due policies (safe with several schedulers: rows are locked and skipped), moves each to its next run,
   * and records one scheduled run per project it governs.
   */
  async scheduleDue(now = new Date(), limit = 100): Promise<ScheduledRun[]> {
    return this.ctx.db.transaction(async (db) => {
      const scheduled: ScheduledRun[] = [];
      for (const policy of await this.policies.lockDue(db, now, limit)) {
        await this.policies.setNextRun(db, policy.id, nextRunAt(policy.cadence, now));
        for (const projectId of await this.projectsOf(policy)) {
          const run = await this.runs.create(db, projectId, policy.id, policy.target.kind, 'schedule');
          scheduled.push({ runId: run.id, projectId });
        }
      }
      return scheduled;
    });
  }

  /** A run of the project's policy in force, asked for by a maintainer (the API or `pnpm cli cleanup:run`). */
  async requestRun(projectId: number): Promise<ScheduledRun> {
    const effective = await this.effectiveForProject(projectId);
    if (effective.source === 'default') throw ManagementError.badRequest('the project has no cleanup policy');
    const run = await this.runs.create(this.ctx.db.manager, projectId, effective.policyId, effective.source as PolicySource, 'manual');
    return { runId: run.id, projectId };
  }

  /**
   * Executes a run: each repository of the project in turn, with the rules of the policy that scheduled it
   * (repositories with their own policy are left to it). Idempotent: a retried or resumed run judges tags again
   * at the run's start time and deletes only what is still there.
   */
  async execute(runId: number, maxRepositories = Number.MAX_SAFE_INTEGER): Promise<CleanupRun> {
    const db = this.ctx.db.manager;
    const run = await this.runs.find(db, runId);
    if (!run || run.status === 'finished' || run.status === 'failed') return run!;
    const policy = run.policyId === null ? null : await this.policies.findById(db, run.policyId);
    if (!policy) {
      await this.runs.finish(db, runId, 'failed', 'the policy was removed');
      return (await this.runs.find(db, runId))!;
    }
    await this.runs.start(db, runId);
    const startedAt = (await this.runs.find(db, runId))!.startedAt ?? new Date();
    const repositories = await this.repositoriesFor(policy, run.projectId);
    // Resume where a previous attempt stopped: repositories_done counts the ones already cleaned.
    const todo = repositories.slice(run.repositoriesDone, run.repositoriesDone + maxRepositories);
    for (const repositoryId of todo) {
      await this.runs.markRepositoryStarted(db, repositoryId);
      // A policy without name_regex deletes nothing, as in GitLab. Protected and immutable tags stay (level 0).
      const rules = policyRetentionRules(policy);
      const result = rules ? await this.deletion.bulkDeleteTags(repositoryId, rules, startedAt, CLEANUP_DELETION, 0) : null;
      await this.runs.progress(db, runId, result?.deleted ?? 0, result?.skipped);
    }
    const done = run.repositoriesDone + todo.length >= repositories.length;
    return (await this.finish(runId, done ? 'finished' : 'unfinished', done)) as CleanupRun;
  }

  async markFailed(runId: number, error: string): Promise<void> {
    await this.finish(runId, 'failed', true, error.slice(0, 1000));
  }

  /** Ends a run; a run that ended for good is announced in the same transaction (the outbox), queued after commit. */
  private async finish(runId: number, status: 'finished' | 'unfinished' | 'failed', announce: boolean, error?: string): Promise<CleanupRun | null> {
    const { run, recorded } = await this.ctx.db.transaction(async (db) => {
      await this.runs.finish(db, runId, status, error);
      const ended = await this.runs.find(db, runId);
      return { run: ended, recorded: ended && announce ? await this.announce(db, ended) : NOTHING_RECORDED };
    });
    await this.ctx.events.publish(recorded);
    return run;
  }

  /** Tells webhooks and the audit trail that a run ended, inside the transaction that ends it. */
  private announce(db: EntityManager, run: CleanupRun): Promise<RecordedEvent> {
    return this.ctx.events.cleanupFinished(db, {
      projectId: run.projectId,
      actor: SYSTEM_ACTOR,
      occurredAt: new Date(),
      deletedTags: run.deletedTags,
      repositories: run.repositoriesDone,
      protectedTagsSkipped: run.protectedTagsSkipped,
      immutableTagsSkipped: run.immutableTagsSkipped,
      status: run.status === 'failed' ? 'failed' : 'finished',
    });
  }

  /** Runs whose job is missing (see CleanupRunRepository.listStranded), for the worker's stranded-work requeuer. */
  async strandedRuns(olderThanSeconds: number, limit = 1000): Promise<Array<{ runId: number; projectId: number; progress: number }>> {
    return this.runs.listStranded(this.ctx.db.manager, olderThanSeconds, limit);
  }

  /** A page of the project's runs, newest first, with the total (REST pagination headers). */
  async listRuns(projectId: number, page: { limit: number; offset: number } = { limit: 20, offset: 0 }): Promise<{ items: CleanupRun[]; total: number }> {
    return this.runs.listForProject(this.ctx.db.manager, projectId, page.limit, page.offset);
  }

  async run(runId: number): Promise<CleanupRun | null> {
    return this.runs.find(this.ctx.db.manager, runId);
  }

  private async projectsOf(policy: CleanupPolicy): Promise<number[]> {
    const db = this.ctx.db.manager;
    if (policy.target.kind === 'project') return [policy.target.id];
    if (policy.target.kind === 'group') return this.policies.projectsGovernedByGroup(db, policy.target.id);
    const projectId = await this.runs.projectOfRepository(db, policy.target.id);
    return projectId === null ? [] : [projectId];
  }

  private async repositoriesFor(policy: CleanupPolicy, projectId: number): Promise<number[]> {
    const db = this.ctx.db.manager;
    if (policy.target.kind === 'repository') return [policy.target.id];
    const overridden = await this.policies.repositoryOverrides(db, projectId);
    return (await this.runs.repositoriesOf(db, projectId)).filter((id) => !overridden.has(id));
  }
}

function fromPolicy(policy: CleanupPolicy, source: PolicySource): EffectivePolicy {
  return {
    rules: policy,
    source,
    policyId: policy.id,
    groupId: policy.target.kind === 'group' ? policy.target.id : null,
    nextRunAt: policy.nextRunAt,
  };
}

/** GitLab's policy fields as the bulk delete rules both features share; null when it deletes nothing (no name_regex). */
export function policyRetentionRules(policy: CleanupPolicyRules): BulkDeleteRules | null {
  if (!policy.nameRegex) return null;
  return {
    nameRegexDelete: policy.nameRegex,
    nameRegexKeep: policy.nameRegexKeep ?? undefined,
    keepN: policy.keepN ?? undefined,
    olderThan: policy.olderThan ? (parseOlderThan(policy.olderThan) ?? undefined) : undefined,
    keepNRecentlyPulled: policy.keepNRecentlyPulled ?? undefined,
    keepPulledWithin: policy.keepPulledWithin ? (parseOlderThan(policy.keepPulledWithin) ?? undefined) : undefined,
  };
}
