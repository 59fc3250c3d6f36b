import type { TagDetails, TagSummary } from '../api/types';

export type TagRow = TagSummary & Partial<TagDetails> & { detailsError?: boolean };
export type TagSort = 'name_asc' | 'name_desc' | 'created_desc' | 'created_asc' | 'pulled_desc' | 'pulled_asc';

export const TAG_SORTS: Array<[TagSort, string]> = [
  ['name_asc', 'Name, A to Z'],
  ['name_desc', 'Name, Z to A'],
  ['created_desc', 'Newest first'],
  ['created_asc', 'Oldest first'],
  ['pulled_desc', 'Last pulled, most recent first'],
  ['pulled_asc', 'Last pulled, never or longest ago first'],
];

/**
 * The tags list parameters for a sort: by last pull the server orders the tags (order_by=last_pulled_at), so a
 * list cut at the UI's limit holds the tags first in that order; the other sorts fetch in name order.
 */
export function serverOrder(sort: TagSort): Record<string, string> {
  return sort === 'pulled_desc' || sort === 'pulled_asc' ? { order_by: 'last_pulled_at', sort: sort === 'pulled_desc' ? 'desc' : 'asc' } : {};
}

/** The API's order by last pull: never pulled before any pull, ties by name; `pulled_desc` is its exact reverse. */
function byLastPull(a: TagRow, b: TagRow): number {
  const time = (row: TagRow) => (row.last_pulled_at ? Date.parse(row.last_pulled_at) : Number.NEGATIVE_INFINITY);
  const [ta, tb] = [time(a), time(b)];
  if (ta !== tb) return ta < tb ? -1 : 1;
  return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
}

export function parseSort(value: string | null): TagSort {
  return TAG_SORTS.some(([key]) => key === value) ? (value as TagSort) : 'name_asc';
}

/** Filter (case-insensitive substring) and sort; tags whose date is not loaded yet sort last. */
export function visibleTags(rows: TagRow[], filter: string, sort: TagSort): TagRow[] {
  const needle = filter.trim().toLowerCase();
  const kept = needle ? rows.filter((row) => row.name.toLowerCase().includes(needle)) : [...rows];
  const time = (row: TagRow) => (row.created_at ? Date.parse(row.created_at) : Number.NaN);
  kept.sort((a, b) => {
    switch (sort) {
      case 'name_asc':
        return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
      case 'name_desc':
        return a.name < b.name ? 1 : a.name > b.name ? -1 : 0;
      case 'pulled_asc':
        return byLastPull(a, b);
      case 'pulled_desc':
        return byLastPull(b, a);
      default: {
        const [ta, tb] = [time(a), time(b)];
        if (Number.isNaN(ta) || Number.isNaN(tb)) return Number.isNaN(ta) ? (Number.isNaN(tb) ? 0 : 1) : -1;
        return sort === 'created_desc' ? tb - ta : ta - tb;
      }
    }
  });
  return kept;
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
