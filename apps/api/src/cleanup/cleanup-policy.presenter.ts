import { CleanupPolicy, CleanupPolicyRules, CleanupRun, EffectivePolicy } from '@cargohold/registry';

/** GitLab's `container_expiration_policy` entity, plus where the policy in force comes from. */
export function presentPolicy(rules: CleanupPolicyRules, nextRunAt: Date | null, source: EffectivePolicy['source'], groupId: number | null = null) {
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

export function presentEffective(policy: EffectivePolicy) {
  return presentPolicy(policy.rules, policy.nextRunAt, policy.source, policy.groupId);
}

export function presentStored(policy: CleanupPolicy) {
  return presentPolicy(policy, policy.nextRunAt, policy.target.kind);
}

export function presentRun(run: CleanupRun) {
  return {
    id: run.id,
    project_id: run.projectId,
    status: run.status,
    trigger: run.trigger,
    policy_source: run.policySource,
    deleted_tags_count: run.deletedTags,
    repositories_done: run.repositoriesDone,
    error: run.error,
    scheduled_at: run.scheduledAt.toISOString(),
    started_at: run.startedAt?.toISOString() ?? null,
    finished_at: run.finishedAt?.toISOString() ?? null,
  };
}
