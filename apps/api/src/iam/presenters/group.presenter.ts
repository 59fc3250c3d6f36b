import { NamespaceRecord } from '@cargohold/iam';
import { GroupEntity } from './group.entity';

/** GitLab's Group entity. */
export function presentGroup(group: NamespaceRecord, baseUrl: string): GroupEntity {
  return {
    id: group.id,
    name: group.name,
    path: group.path,
    description: group.description,
    visibility: group.visibility,
    full_name: group.fullName,
    full_path: group.fullPath,
    parent_id: group.parentId,
    web_url: `${baseUrl}/groups/${group.fullPath}`,
    avatar_url: null,
    created_at: group.createdAt,
  };
}

/** The limited group fields GitLab lists in a job token groups allowlist. */
export function presentGroupSimple(group: NamespaceRecord, baseUrl: string) {
  return { id: group.id, web_url: presentGroup(group, baseUrl).web_url, name: group.name };
}
