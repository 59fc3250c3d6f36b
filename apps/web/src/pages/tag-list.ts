import type { TagDetails } from '../api/types';

/** A row of the tag list: the server's page carries each tag's details (`details=true`). */
export type TagRow = TagDetails;
export type TagSort = 'name_asc' | 'name_desc' | 'created_desc' | 'created_asc' | 'pulled_desc' | 'pulled_asc';

export const TAG_SORTS: Array<[TagSort, string]> = [
  ['name_asc', 'Name, A to Z'],
  ['name_desc', 'Name, Z to A'],
  ['created_desc', 'Newest first'],
  ['created_asc', 'Oldest first'],
  ['pulled_desc', 'Last pulled, most recent first'],
  ['pulled_asc', 'Last pulled, never or longest ago first'],
];

const ORDER_BY: Record<string, string> = { name: 'name', created: 'created_at', pulled: 'last_pulled_at' };

/** The tags list parameters for a sort: the server orders every tag of the repository, page by page. */
export function serverOrder(sort: TagSort): { order_by: string; sort: 'asc' | 'desc' } {
  const [key, direction] = sort.split('_');
  return { order_by: ORDER_BY[key], sort: direction === 'desc' ? 'desc' : 'asc' };
}

export function parseSort(value: string | null): TagSort {
  return TAG_SORTS.some(([key]) => key === value) ? (value as TagSort) : 'name_asc';
}

/** Tags a page of the repository page shows. */
export const TAG_PAGE_SIZE = 20;

/**
 * What the repository page's URL asks for (`?filter=&sort=&page=`) and the tag list query that shows it: the page
 * and the boot's prefetch build the request from this one place, so the prefetched request is the page's own.
 */
export function tagListView(search: URLSearchParams) {
  const filter = search.get('filter') ?? '';
  const sort = parseSort(search.get('sort'));
  const page = Math.max(1, Number(search.get('page') ?? '1') || 1);
  const order = serverOrder(sort);
  return { filter, sort, page, order, query: { name: filter, page, per_page: TAG_PAGE_SIZE, ...order } };
}

/**
 * The bulk delete regex (RE2, matched against the whole name) for the tags the list's filter shows: names that
 * contain the text, case-insensitive, as the server's `name=` filter; every tag without a filter.
 */
export function filterRegex(filter: string): string {
  const text = filter.trim();
  return text ? `(?i).*${text.replace(/[\\^$.*+?()[\]{}|]/g, '\\$&')}.*` : '.*';
}

const LEVEL_RANK: Record<string, number> = { maintainer: 40, owner: 50, admin: 60 };
const LEVEL_NAME: Record<string, string> = { maintainer: 'Maintainer', owner: 'Owner', admin: 'Administrator' };

/**
 * Why the viewer may not delete this tag, or null when they may: the server's own reason for this caller when the
 * tag carries one, else the viewer's role (administrators rank above Owner) against the tag's delete level;
 * an immutable tag nobody deletes. The server checks every delete regardless.
 */
export function deleteRefusal(row: Pick<TagRow, 'name' | 'protection'>, role: number): string | null {
  const protection = row.protection;
  if (!protection) return null;
  if (protection.delete_refused_reason !== undefined) return protection.delete_refused_reason;
  if (protection.immutable) return `tag "${row.name}" is immutable`;
  const level = protection.minimum_access_level_for_delete;
  if (level && role < LEVEL_RANK[level]) return `tag "${row.name}" is protected: deleting requires ${LEVEL_NAME[level]}`;
  return null;
}

/** The badge's tooltip: the effective levels of the rules covering the tag. */
export function protectionSummary(row: Pick<TagRow, 'protection'>): string {
  const protection = row.protection;
  if (!protection) return '';
  if (protection.immutable) return 'Immutable: nobody may move or delete this tag';
  const level = (value: string | null) => (value ? LEVEL_NAME[value] : 'no restriction');
  return `Protected: push needs ${level(protection.minimum_access_level_for_push)}, delete needs ${level(protection.minimum_access_level_for_delete)}`;
}
