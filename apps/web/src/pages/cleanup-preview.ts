import type { ExpirationPolicy } from '../api/types';

/** The pull windows and counts the API accepts in a policy (container_expiration_policy_attributes). */
export const KEEP_PULLED_WITHIN = ['7d', '14d', '30d', '90d'] as const;
export const KEEP_N_RECENTLY_PULLED = { min: 1, max: 100 } as const;

export type PolicyRules = Pick<ExpirationPolicy, 'keep_n' | 'older_than' | 'name_regex_keep' | 'keep_n_recently_pulled' | 'keep_pulled_within'> & {
  name_regex_delete: string | null;
};

/** The problem with a keep_n_recently_pulled field as typed (an empty field clears the rule), or null. */
export function keepNRecentlyPulledProblem(text: string): string | null {
  if (text.trim() === '') return null;
  const value = Number(text);
  const { min, max } = KEEP_N_RECENTLY_PULLED;
  return Number.isInteger(value) && value >= min && value <= max ? null : `Keep the most recently pulled must be a whole number from ${min} to ${max}.`;
}

/**
 * The form's rules as the cleanup_preview endpoint's bulk delete parameters, so the server judges what these
 * settings (saved or not) would delete; null when there is no delete regex (the policy deletes nothing).
 */
export function previewParameters(rules: PolicyRules): Record<string, string | number> | null {
  if (!rules.name_regex_delete) return null;
  const parameters: Record<string, string | number> = { name_regex_delete: rules.name_regex_delete };
  if (rules.name_regex_keep) parameters.name_regex_keep = rules.name_regex_keep;
  if (rules.keep_n) parameters.keep_n = rules.keep_n;
  if (rules.older_than) parameters.older_than = rules.older_than;
  if (rules.keep_n_recently_pulled) parameters.keep_n_recently_pulled = rules.keep_n_recently_pulled;
  if (rules.keep_pulled_within) parameters.keep_pulled_within = rules.keep_pulled_within;
  return parameters;
}

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
 * than older_than go. A browser-side estimate for servers without cleanup_preview (it ignores the pull rules).
 */
export function tagsToDelete(
  tags: PreviewTag[],
  policy: Pick<ExpirationPolicy, 'keep_n' | 'older_than' | 'name_regex_keep'> & Partial<Pick<ExpirationPolicy, 'name_regex_delete' | 'name_regex'>>,
  now = Date.now(),
): string[] {
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
