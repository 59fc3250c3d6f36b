import type { ExpirationPolicy } from '../api/types';

export interface PreviewTag {
  name: string;
  created_at: string | null;
}

const UNIT_MS: Record<string, number> = { h: 3_600_000, d: 86_400_000, w: 7 * 86_400_000, week: 7 * 86_400_000, month: 30 * 86_400_000, y: 365 * 86_400_000, year: 365 * 86_400_000 };

/** `7d`, `14d`, `1month`, `2h` → milliseconds; null when absent or not understood. */
export function parseDuration(value: string | null | undefined): number | null {
  const found = value ? /^(\d+)\s*(h|d|w|week|month|y|year)s?$/.exec(value.trim()) : null;
  return found ? Number(found[1]) * UNIT_MS[found[2]] : null;
}

/** GitLab matches the whole tag name (`\A(?:regex)\z`). Invalid patterns match nothing. */
export function fullMatch(pattern: string | null | undefined): RegExp | null {
  if (!pattern) return null;
  try {
    return new RegExp(`^(?:${pattern})$`);
  } catch {
    return null;
  }
}

/**
 * The tags a run of `policy` would delete now, in GitLab's order of rules: never `latest`; only names matching
 * name_regex_delete and not name_regex_keep; of those, the keep_n newest stay; of the rest, only those older
 * than older_than go. A browser-side estimate: the server decides at run time.
 */
export function tagsToDelete(tags: PreviewTag[], policy: Pick<ExpirationPolicy, 'keep_n' | 'older_than' | 'name_regex_delete' | 'name_regex' | 'name_regex_keep'>, now = Date.now()): string[] {
  const remove = fullMatch(policy.name_regex_delete ?? policy.name_regex);
  if (!remove) return [];
  const keep = fullMatch(policy.name_regex_keep);
  let candidates = tags.filter((tag) => tag.name !== 'latest' && remove.test(tag.name) && !(keep && keep.test(tag.name)));
  const time = (tag: PreviewTag) => (tag.created_at ? Date.parse(tag.created_at) : 0);
  if (policy.keep_n) candidates = [...candidates].sort((a, b) => time(b) - time(a)).slice(policy.keep_n);
  const age = parseDuration(policy.older_than);
  if (age !== null) candidates = candidates.filter((tag) => tag.created_at !== null && time(tag) < now - age);
  return candidates.map((tag) => tag.name).sort();
}
