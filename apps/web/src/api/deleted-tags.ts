import { enc, getPage, post } from './client';
import type { TagDetails } from './types';

/** A tag deleted within the GC review window (GET …/deleted_tags; docs/api.md "Deleted tags"). */
export interface DeletedTag {
  id: number;
  name: string;
  path: string;
  digest: string;
  deleted_at: string;
  deleted_by: number | null;
  deleted_by_type: string | null;
  deleted_by_username: string | null;
  how: 'registry' | 'api' | 'bulk_delete' | 'cleanup';
  restorable_until: string;
  restorable: boolean;
  restore_blocked_by: 'manifest_deleted' | 'name_taken' | null;
}

const base = (projectId: number | string, repositoryId: number | string) => `/projects/${enc(projectId)}/registry/repositories/${enc(repositoryId)}`;

export function listDeletedTags(projectId: number | string, repositoryId: number | string, page: number, perPage: number) {
  return getPage<DeletedTag>(`${base(projectId, repositoryId)}/deleted_tags`, { page, per_page: perPage });
}

/** Puts this deletion of the tag back (its digest names which one, should the name have been deleted twice). */
export function restoreTag(projectId: number | string, repositoryId: number | string, tag: DeletedTag) {
  return post<TagDetails>(`${base(projectId, repositoryId)}/tags/${enc(tag.name)}/restore`, { digest: tag.digest });
}
