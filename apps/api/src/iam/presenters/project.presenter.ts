import { accessLevelName, ProjectRecord, registryEnabled } from '@cargohold/iam';
import { ProjectEntity } from './project.entity';

/** GitLab's Project entity (the parts that matter for a container registry platform). */
export function presentProject(project: ProjectRecord, baseUrl: string, accessLevel?: number): ProjectEntity {
  const registryHost = new URL(baseUrl).host;
  return {
    id: project.id,
    name: project.name,
    name_with_namespace: project.nameWithNamespace,
    path: project.path,
    path_with_namespace: project.fullPath,
    description: project.description,
    visibility: project.visibility,
    created_at: project.createdAt,
    creator_id: project.creatorId,
    web_url: `${baseUrl}/${project.fullPath}`,
    namespace: {
      id: project.namespace.id,
      name: project.namespace.name,
      path: project.namespace.path,
      kind: project.namespace.kind,
      full_path: project.namespace.fullPath,
      parent_id: project.namespace.parentId,
      web_url: project.namespace.kind === 'group' ? `${baseUrl}/groups/${project.namespace.fullPath}` : `${baseUrl}/${project.namespace.fullPath}`,
    },
    // Deprecated in GitLab in favour of the access level, still sent (and read by older clients).
    container_registry_enabled: registryEnabled(project.containerRegistryAccessLevel),
    container_registry_access_level: project.containerRegistryAccessLevel,
    container_registry_image_prefix: `${registryHost}/${project.fullPath}`,
    ...(accessLevel !== undefined
      ? { permissions: { project_access: accessLevel > 0 ? { access_level: accessLevel, role: accessLevelName(accessLevel) } : null } }
      : {}),
  };
}

/** The short form GitLab uses inside other entities (e.g. the job token allowlist). */
export function presentProjectSimple(project: ProjectRecord, baseUrl: string) {
  return {
    id: project.id,
    name: project.name,
    name_with_namespace: project.nameWithNamespace,
    path: project.path,
    path_with_namespace: project.fullPath,
    description: project.description,
    created_at: project.createdAt,
    web_url: `${baseUrl}/${project.fullPath}`,
  };
}
