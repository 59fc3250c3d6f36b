import { BulkDeleteRules, CleanupPolicy, CleanupPolicyRules, CleanupPreview, CleanupRun, EffectivePolicy, PreviewedTag } from '@cargohold/registry';
import { presentTag } from '../registry-management/registry-management.presenter';
import { CleanupPolicyEntity, CleanupPreviewEntity, CleanupRunEntity } from './cleanup-policy.entity';

/** GitLab's `container_expiration_policy` entity, plus where the policy in force comes from. */
export function presentPolicy(rules: CleanupPolicyRules, nextRunAt: Date | null, source: EffectivePolicy['source'], groupId: number | null = null): CleanupPolicyEntity {
  return {
    cadence: rules.cadence,
    enabled: rules.enabled,
    keep_n: rules.keepN,
    older_than: rules.olderThan,
    name_regex: rules.nameRegex,
    name_regex_delete: rules.nameRegex,
    name_regex_keep: rules.nameRegexKeep,
    keep_n_recently_pulled: rules.keepNRecentlyPulled,
    keep_pulled_within: rules.keepPulledWithin,
    next_run_at: nextRunAt ? nextRunAt.toISOString() : null,
    source,
    ...(groupId !== null ? { group_id: groupId } : {}),
  };
}

export function presentEffective(policy: EffectivePolicy): CleanupPolicyEntity {
  return presentPolicy(policy.rules, policy.nextRunAt, policy.source, policy.groupId);
}

export function presentStored(policy: CleanupPolicy): CleanupPolicyEntity {
  return presentPolicy(policy, policy.nextRunAt, policy.target.kind);
}

export function presentRun(run: CleanupRun): CleanupRunEntity {
  return {
    id: run.id,
    project_id: run.projectId,
    status: run.status,
    trigger: run.trigger,
    policy_source: run.policySource,
    deleted_tags_count: run.deletedTags,
    // Ours (issue #19): tags the policy chose that protection rules kept.
    protected_tags_skipped_count: run.protectedTagsSkipped,
    immutable_tags_skipped_count: run.immutableTagsSkipped,
    repositories_done: run.repositoriesDone,
    error: run.error,
    scheduled_at: run.scheduledAt.toISOString(),
    started_at: run.startedAt?.toISOString() ?? null,
    finished_at: run.finishedAt?.toISOString() ?? null,
  };
}

/** A cleanup preview (ours): the rules judged, the counts, and one page of tags with what a run would do to each. */
export function presentPreview(preview: CleanupPreview, repositoryPath: string, publicUrl: string): CleanupPreviewEntity {
  return {
    source: preview.source,
    rules: preview.rules ? presentRules(preview.rules) : null,
    judged_at: preview.judgedAt.toISOString(),
    tags_count: preview.tagsCount,
    delete_count: preview.deleteCount,
    keep_count: preview.tagsCount - preview.deleteCount,
    tags: preview.items.map((tag) => presentPreviewedTag(tag, repositoryPath, publicUrl)),
  };
}

/** The rules in the REST parameters' names; ages in seconds, whatever form they were given in. */
function presentRules(rules: BulkDeleteRules) {
  return {
    name_regex_delete: rules.nameRegexDelete,
    name_regex_keep: rules.nameRegexKeep ?? null,
    keep_n: rules.keepN ?? null,
    older_than_seconds: rules.olderThan ?? null,
    keep_n_recently_pulled: rules.keepNRecentlyPulled ?? null,
    keep_pulled_within_seconds: rules.keepPulledWithin ?? null,
  };
}

function presentPreviewedTag(tag: PreviewedTag, repositoryPath: string, publicUrl: string): CleanupPreviewEntity['tags'][number] {
  return {
    ...presentTag(repositoryPath, tag.name, publicUrl),
    action: tag.keptBy.length === 0 ? 'delete' : 'keep',
    kept_by: tag.keptBy,
    pushed_at: tag.pushedAt,
    last_pulled_at: tag.lastPulledAt,
    pull_count: tag.pullCount,
  };
}
