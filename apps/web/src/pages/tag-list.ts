import type { TagDetails, TagSummary } from '../api/types';

export type TagRow = TagSummary & Partial<TagDetails> & { detailsError?: boolean };
export type TagSort = 'name_asc' | 'name_desc' | 'created_desc' | 'created_asc';

export const TAG_SORTS: Array<[TagSort, string]> = [
  ['name_asc', 'Name, A to Z'],
  ['name_desc', 'Name, Z to A'],
  ['created_desc', 'Newest first'],
  ['created_asc', 'Oldest first'],
];

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
      default: {
        const [ta, tb] = [time(a), time(b)];
        if (Number.isNaN(ta) || Number.isNaN(tb)) return Number.isNaN(ta) ? (Number.isNaN(tb) ? 0 : 1) : -1;
        return sort === 'created_desc' ? tb - ta : ta - tb;
      }
    }
  });
  return kept;
}
