import { protectionLevelName, RepositoryProtectionRule, TagProtectionRule } from '@cargohold/registry';

/** GitLab's ContainerRegistry::Protection::TagRule entity (both levels null: an immutable rule). */
export function presentTagRule(rule: TagProtectionRule) {
  return {
    id: rule.id,
    project_id: rule.projectId,
    tag_name_pattern: rule.tagNamePattern,
    minimum_access_level_for_push: protectionLevelName(rule.minimumAccessLevelForPush),
    minimum_access_level_for_delete: protectionLevelName(rule.minimumAccessLevelForDelete),
    // Ours, so clients need not infer it from two nulls (docs/api.md).
    immutable: rule.minimumAccessLevelForPush === null && rule.minimumAccessLevelForDelete === null,
  };
}

/** GitLab's ContainerRegistry::Protection::Rule entity. */
export function presentRepositoryRule(rule: RepositoryProtectionRule) {
  return {
    id: rule.id,
    project_id: rule.projectId,
    repository_path_pattern: rule.repositoryPathPattern,
    minimum_access_level_for_push: protectionLevelName(rule.minimumAccessLevelForPush),
    minimum_access_level_for_delete: protectionLevelName(rule.minimumAccessLevelForDelete),
  };
}
