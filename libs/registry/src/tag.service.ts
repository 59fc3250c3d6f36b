import { RegistryError } from './domain';
import { RegistryContext } from './registry-context';

export interface Page<T> {
  items: T[];
  /** The `last` value of the next page, when there may be one. */
  next?: string;
}

/**
 * Maximum page size of tags/list and the catalog: a larger `n`, or none on tags/list, is clamped to it and the
 * response ends with a `Link: <...>; rel="next"` when there is more (docs/api.md "Limits and pagination").
 */
export const MAX_PAGE_SIZE = 1000;
/** The catalog's page size when the request names none. */
export const DEFAULT_CATALOG_PAGE_SIZE = 100;

/** The page size a request gets: its `n`, or `fallback`, at most MAX_PAGE_SIZE. */
export function effectivePageSize(n: number | undefined, fallback: number): number {
  return Math.min(n ?? fallback, MAX_PAGE_SIZE);
}

/**
 * A repository with at most this many tags is read whole by a tags/list without `last` (its first page) and its
 * names kept in the api's read cache, so the rest of the walk costs no round trip to PostgreSQL; a bigger one is
 * paged from PostgreSQL, `n` names a request.
 */
export const CACHED_TAG_LIST_MAX = 10_000;

/** Tag listing (tags/list) and tag deletion through /v2/. */
export class TagService {
  constructor(private readonly ctx: RegistryContext) {}

  async list(repositoryPath: string, n: number | undefined, last: string | undefined): Promise<Page<string>> {
    const limit = effectivePageSize(n, MAX_PAGE_SIZE);
    const cache = this.ctx.manifestCache;
    const cached = cache?.tagNameList(repositoryPath);
    if (cached) return pageOf(cached, limit, last);
    // A walk's first page reads the whole list to cache it, unless the repository was lately found too long for that.
    const whole = cache !== undefined && last === undefined && !cache.tagListTooLong(repositoryPath);
    const ticket = cache?.begin(repositoryPath);
    const listed = await this.ctx.tags.listNamesByPath(this.ctx.db.manager, repositoryPath, (whole ? CACHED_TAG_LIST_MAX : limit) + 1, last);
    if (!listed || listed.status !== null) throw new RegistryError('NAME_UNKNOWN', undefined, { name: repositoryPath });
    if (whole && listed.names.length <= CACHED_TAG_LIST_MAX) cache.setTagNameList(repositoryPath, listed.names, ticket!);
    else if (whole) cache.markTagListTooLong(repositoryPath);
    return pageOf(listed.names, limit, undefined);
  }
}

/**
 * The page of `limit` names after `last` of a sorted list. Tag names are ASCII, where JavaScript's string order is
 * the byte order of the column's "C" collation, so the search agrees with PostgreSQL's `name > $last`.
 */
function pageOf(names: readonly string[], limit: number, last: string | undefined): Page<string> {
  if (limit === 0) return { items: [] };
  let start = 0;
  if (last !== undefined) {
    let end = names.length;
    while (start < end) {
      const middle = (start + end) >>> 1;
      if (names[middle] <= last) start = middle + 1;
      else end = middle;
    }
  }
  const items = names.slice(start, start + limit);
  return start + limit < names.length ? { items, next: items[items.length - 1] } : { items };
}

/** The catalog of repositories, restricted to what the caller may see. */
export class CatalogService {
  constructor(private readonly ctx: RegistryContext) {}

  /** `projectIds` undefined means every repository (administrators). */
  async list(n: number | undefined, last: string | undefined, projectIds?: number[]): Promise<Page<string>> {
    const limit = effectivePageSize(n, DEFAULT_CATALOG_PAGE_SIZE);
    if (limit === 0) return { items: [] };
    const paths = await this.ctx.repositories.listPaths(this.ctx.db.manager, limit + 1, last, projectIds);
    if (paths.length <= limit) return { items: paths };
    const items = paths.slice(0, limit);
    return { items, next: items[items.length - 1] };
  }
}
