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

/** Tag listing (tags/list) and tag deletion through /v2/. */
export class TagService {
  constructor(private readonly ctx: RegistryContext) {}

  async list(repositoryPath: string, n: number | undefined, last: string | undefined): Promise<Page<string>> {
    const limit = effectivePageSize(n, MAX_PAGE_SIZE);
    const listed = await this.ctx.tags.listNamesByPath(this.ctx.db.manager, repositoryPath, limit + 1, last);
    if (!listed || listed.status !== null) throw new RegistryError('NAME_UNKNOWN', undefined, { name: repositoryPath });
    if (limit === 0) return { items: [] };
    const { names } = listed;
    if (names.length <= limit) return { items: names };
    const items = names.slice(0, limit);
    return { items, next: items[items.length - 1] };
  }
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
