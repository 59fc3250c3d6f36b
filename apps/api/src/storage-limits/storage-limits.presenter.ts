import { GroupStorage, ProjectStorage } from '@cargohold/registry';
import type { GroupDetailEntity } from '../iam/presenters/group.entity';
import type { ProjectDetailEntity } from '../iam/presenters/project.entity';

/**
 * The storage fields of GET/PUT /projects/:id (extensions, docs/api.md): the project's own limit (null: the instance
 * default applies), the limit in force and the deduplicated usage, all in bytes.
 */
export function presentProjectStorage(
  storage: ProjectStorage | null,
): Pick<ProjectDetailEntity, 'container_registry_storage_limit' | 'container_registry_storage_effective_limit' | 'container_registry_size'> {
  if (!storage) return {};
  return {
    container_registry_storage_limit: storage.ownLimit,
    container_registry_storage_effective_limit: storage.limit,
    container_registry_size: storage.used,
  };
}

/**
 * The storage fields of GET/PUT /groups/:id: the group's limit (0: none), its projects' registries, its pull-through
 * caches (GitLab's `dependency_proxy_size`) and `storage_size`, the two together as the limit counts them.
 */
export function presentGroupStorage(
  storage: GroupStorage | null,
): Pick<GroupDetailEntity, 'container_registry_storage_limit' | 'container_registry_size' | 'dependency_proxy_size' | 'storage_size'> {
  if (!storage) return {};
  return {
    container_registry_storage_limit: storage.limit,
    container_registry_size: storage.registrySize,
    dependency_proxy_size: storage.dependencyProxySize,
    storage_size: storage.used,
  };
}
