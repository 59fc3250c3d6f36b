import { del, enc, get, getAll, getPage, prefetch, Query } from './client';
import type { CleanupPreview, Repository, TagDetails, TagManifest, TagSummary } from './types';

const base = (projectId: number | string) => `/projects/${enc(projectId)}/registry/repositories`;

export function listRepositories(projectId: number | string, query: Query) {
  return getPage<Repository>(base(projectId), { tags_count: true, ...query });
}

/**
 * GitLab's single-repository endpoint: the only one that reports the deduplicated `size`. `tags_count` only when
 * asked: it is exact, so the server reads every tag of the repository (most of a second at a million tags).
 */
export function getRepository(repositoryId: number | string, { tagsCount = false }: { tagsCount?: boolean } = {}) {
  return get<Repository>(`/registry/repositories/${enc(repositoryId)}`, { size: true, ...(tagsCount ? { tags_count: true } : {}) });
}

/** `query` may carry `order_by`/`sort`, so that a list cut at getAll's limit keeps the tags first in that order. */
export function listAllTags(projectId: number | string, repositoryId: number | string, query: Query = {}) {
  return getAll<TagSummary>(`${base(projectId)}/${enc(repositoryId)}/tags`, query);
}

/**
 * One page of tags, each with its details, filtered (`name`) and ordered (`order_by`, `sort`) by the server over
 * every tag of the repository: one request a page. `total` is null past 10 000 matching tags (the server stops
 * counting there); `nextPage` says whether there is more.
 */
export function listTagPage(projectId: number | string, repositoryId: number | string, query: Query) {
  return getPage<TagDetails>(`${base(projectId)}/${enc(repositoryId)}/tags`, { ...query, details: true });
}

/** Starts the request listTagPage makes with the same arguments, for it to take (client.ts, `prefetch`). */
export function prefetchTagPage(projectId: number | string, repositoryId: number | string, query: Query) {
  prefetch(`${base(projectId)}/${enc(repositoryId)}/tags`, { ...query, details: true });
}

/**
 * GitLab's bulk tag delete: the worker deletes every tag whose whole name matches `name_regex_delete`, keeping
 * `latest` and the tags protection rules keep from the caller; once an hour per repository (Maintainer).
 */
export function bulkDeleteTags(projectId: number | string, repositoryId: number | string, nameRegexDelete: string) {
  return del(`${base(projectId)}/${enc(repositoryId)}/tags`, { name_regex_delete: nameRegexDelete });
}

/** The server's dry run of a cleanup: the policy in force, or the bulk delete rules given in `rules`. */
export function getCleanupPreview(projectId: number | string, repositoryId: number | string, rules: Query) {
  return get<CleanupPreview>(`${base(projectId)}/${enc(repositoryId)}/cleanup_preview`, rules);
}

export function getTag(projectId: number | string, repositoryId: number | string, tag: string) {
  return get<TagDetails>(`${base(projectId)}/${enc(repositoryId)}/tags/${enc(tag)}`);
}

/** cargohold's read-only manifest view (platforms, layers, referrers) for the tag page. */
export function getTagManifest(projectId: number | string, repositoryId: number | string, tag: string) {
  return get<TagManifest>(`${base(projectId)}/${enc(repositoryId)}/tags/${enc(tag)}/manifest`);
}

export function deleteTag(projectId: number | string, repositoryId: number | string, tag: string) {
  return del(`${base(projectId)}/${enc(repositoryId)}/tags/${enc(tag)}`);
}

export function deleteRepository(projectId: number | string, repositoryId: number | string) {
  return del(`${base(projectId)}/${enc(repositoryId)}`);
}

/** Runs `work` over `items` with at most `concurrency` in flight. */
export async function mapLimit<T, R>(items: T[], concurrency: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const runners = Array.from({ length: Math.min(concurrency, items.length) }, async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index]);
    }
  });
  await Promise.all(runners);
  return results;
}
