import { EntityManager } from 'typeorm';
import { typedQuery } from '@cargohold/db';

/** An offset page, already clamped by the caller (REST: page/per_page). */
export interface PageRequest {
  limit: number;
  offset: number;
}

export interface Paged<T> {
  items: T[];
  total: number;
}

/** Everything on one page, for callers that do not paginate. */
export const ALL: PageRequest = { limit: 10_000, offset: 0 };

/**
 * Runs `sql` twice: once counted, once ordered and sliced. `orderBy` is a trusted SQL fragment (never user input).
 */
export async function pagedQuery<R extends object, T>(
  db: EntityManager,
  sql: string,
  params: unknown[],
  orderBy: string,
  page: PageRequest,
  map: (row: R) => T,
): Promise<Paged<T>> {
  const [{ total }] = await typedQuery<{ total: number }>(db, `SELECT count(*)::int AS total FROM (${sql}) AS counted`, params);
  if (total === 0) return { items: [], total: 0 };
  const n = params.length;
  const rows = await typedQuery<R>(db, `${sql} ORDER BY ${orderBy} LIMIT $${n + 1} OFFSET $${n + 2}`, [...params, page.limit, page.offset]);
  return { items: rows.map(map), total };
}

// Every statement here goes through typedQuery (libs/db), which also unwraps TypeORM's [rows, rowCount] answer to
// UPDATE and DELETE; the UPDATE/DELETE ... RETURNING statements wrapped in a CTE predate it.

/** Escapes LIKE wildcards so a search term matches literally. */
export function likePattern(term: string): string {
  return `%${term.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/** Recursive CTE `ancestors(id, parent_id, depth)` of namespace $<param>, the namespace itself at depth 0. */
export function ancestorsCte(param: string): string {
  return `ancestors AS (
    SELECT id, parent_id, 0 AS depth FROM namespaces WHERE id = ${param}
    UNION ALL
    SELECT n.id, n.parent_id, a.depth + 1 FROM namespaces n JOIN ancestors a ON n.id = a.parent_id
  )`;
}

/** Recursive CTE `descendants(id)` of namespace $<param>, the namespace itself included. */
export function descendantsCte(param: string): string {
  return `descendants AS (
    SELECT id FROM namespaces WHERE id = ${param}
    UNION ALL
    SELECT n.id FROM namespaces n JOIN descendants d ON n.parent_id = d.id
  )`;
}

/** SQL condition: the membership row aliased `alias` has not expired (it stops counting on its expiry date). */
export function activeMembership(alias: string): string {
  return `(${alias}.expires_at IS NULL OR ${alias}.expires_at > current_date)`;
}
