import { RepositoryView, TagDetailsRecord, TagListItem, TagProtectionView } from '@cargohold/registry';
import { ListedTagEntity, RegistryUsageEntity, RepositoryEntity, TagDetailsEntity, TagEntity, TagProtectionEntity } from './registry.entity';

/** `host[:port]` of PUBLIC_URL: what `docker pull` takes in front of the image path. */
export function registryHost(publicUrl: string): string {
  return new URL(publicUrl).host;
}

/** GitLab's ContainerRegistry::Repository entity, fields in GitLab's order; optional ones only when asked for. */
export function presentRepository(repository: RepositoryView, publicUrl: string, canAdmin: boolean): RepositoryEntity {
  return {
    id: repository.id,
    name: repository.name,
    path: repository.path,
    project_id: repository.projectId,
    location: `${registryHost(publicUrl)}/${repository.path}`,
    created_at: repository.createdAt,
    cleanup_policy_started_at: repository.cleanupPolicyStartedAt,
    ...(repository.tagsCount !== undefined ? { tags_count: repository.tagsCount } : {}),
    ...(repository.tags !== undefined ? { tags: repository.tags.map((tag) => presentTag(repository.path, tag, publicUrl)) } : {}),
    ...(canAdmin ? { delete_api_path: `${publicUrl}/api/v4/projects/${repository.projectId}/registry/repositories/${repository.id}` } : {}),
    ...(repository.size !== undefined ? { size: repository.size } : {}),
    status: repository.status,
  };
}

/** GitLab's ContainerRegistry::Tag entity. */
export function presentTag(repositoryPath: string, name: string, publicUrl: string): TagEntity {
  return { name, path: `${repositoryPath}:${name}`, location: `${registryHost(publicUrl)}/${repositoryPath}:${name}` };
}

/** A tag of the tags list: GitLab's entity plus our pull statistics (docs/api.md, "Pull statistics") and protection. */
export function presentListedTag(repositoryPath: string, tag: TagListItem & { protection?: TagProtectionView | null }, publicUrl: string): ListedTagEntity {
  return { ...presentTag(repositoryPath, tag.name, publicUrl), ...presentPulls(tag), ...presentProtection(tag.protection) };
}

/**
 * Our extension (docs/api.md, "Protected tags"): how the tag is protected, null when no rule covers it, with why
 * this caller may not push or delete it (the web UI disables its delete control with that reason).
 */
function presentProtection(view: TagProtectionView | null | undefined): { protection?: TagProtectionEntity | null } {
  if (view === undefined) return {};
  return {
    protection: view && {
      minimum_access_level_for_push: view.minimumAccessLevelForPush,
      minimum_access_level_for_delete: view.minimumAccessLevelForDelete,
      immutable: view.immutable,
      push_refused_reason: view.pushRefusal,
      delete_refused_reason: view.deleteRefusal,
    },
  };
}

/** GitLab's TagDetails: `revision` is the image config's digest (hex), `digest` the manifest's; pull statistics added. */
export function presentTagDetails(repositoryPath: string, details: TagDetailsRecord & { protection?: TagProtectionView | null }, publicUrl: string): TagDetailsEntity {
  const revision = details.configDigest ? details.configDigest.slice(details.configDigest.indexOf(':') + 1) : null;
  return {
    ...presentTag(repositoryPath, details.name, publicUrl),
    revision,
    short_revision: revision ? revision.slice(0, 9) : null,
    digest: details.digest,
    created_at: details.createdAt,
    total_size: details.totalSize,
    ...presentPulls(details),
    manifest_last_pulled_at: details.manifestLastPulledAt,
    manifest_pull_count: details.manifestPullCount,
    ...presentProtection(details.protection),
  };
}

function presentPulls(tag: TagListItem) {
  return { last_pulled_at: tag.lastPulledAt, pull_count: tag.pullCount };
}

/** Storage usage, named after GitLab's `statistics.container_registry_size`. */
export function presentUsage(usage: { size: number; repositoriesCount: number; tagsCount: number }): RegistryUsageEntity {
  return { container_registry_size: usage.size, repositories_count: usage.repositoriesCount, tags_count: usage.tagsCount };
}
