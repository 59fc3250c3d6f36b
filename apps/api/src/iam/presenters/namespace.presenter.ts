import { NamespaceView } from '@cargohold/iam';

/**
 * GitLab's Namespace entity. A personal namespace's web_url is its owner's profile (`/<username>`), a group's the
 * group page. The counts are shown only to those who administer the namespace, as in GitLab.
 */
export function presentNamespace({ namespace, counts }: NamespaceView, baseUrl: string) {
  return {
    id: namespace.id,
    name: namespace.name,
    path: namespace.path,
    kind: namespace.kind,
    full_path: namespace.fullPath,
    parent_id: namespace.parentId,
    avatar_url: null,
    web_url: namespace.kind === 'group' ? `${baseUrl}/groups/${namespace.fullPath}` : `${baseUrl}/${namespace.fullPath}`,
    ...(counts && namespace.kind === 'group' ? { members_count_with_descendants: counts.membersCountWithDescendants } : {}),
    ...(counts ? { projects_count: counts.projectsCount } : {}),
  };
}
