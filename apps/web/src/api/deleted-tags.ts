import { enc, getPage, post } from './client';
import type { DeletedTag, TagDetails } from './types';

const base = (projectId: number | string, repositoryId: number | string) => `/projects/${enc(projectId)}/registry/repositories/${enc(repositoryId)}`;

export function listDeletedTags(projectId: number | string, repositoryId: number | string, page: number, perPage: number) {
  return getPage<DeletedTag>(`${base(projectId, repositoryId)}/deleted_tags`, { page, per_page: perPage });
}

/** Puts this deletion of the tag back (its digest names which one, should the name have been deleted twice). */
export function restoreTag(projectId: number | string, repositoryId: number | string, tag: DeletedTag) {
  return post<TagDetails>(`${base(projectId, repositoryId)}/tags/${enc(tag.name)}/restore`, { digest: tag.digest });
}
