import { RegistryError } from './domain';
import { RegistryContext } from './registry-context';

export interface Page<T> {
  items: T[];
  /** The `last` value of the next page, when there may be one. */
  next?: string;
}

/** Maximum page size for tags/list and the catalog; larger `n` values are clamped. */
export const MAX_PAGE_SIZE = 10_000;

/** Tag listing (tags/list) and tag deletion through /v2/. */
export class TagService {
  constructor(private readonly ctx: RegistryContext) {}

  async list(repositoryPath: string, n: number | undefined, last: string | undefined): Promise<Page<string>> {
    const limit = Math.min(n ?? MAX_PAGE_SIZE, MAX_PAGE_SIZE);
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
    const limit = Math.min(n ?? 100, MAX_PAGE_SIZE);
    if (limit === 0) return { items: [] };
    const paths = await this.ctx.repositories.listPaths(this.ctx.db.manager, limit + 1, last, projectIds);
    if (paths.length <= limit) return { items: paths };
    const items = paths.slice(0, limit);
    return { items, next: items[items.length - 1] };
  }
}
