import { DomainError } from '@cargohold/common';
import { parseOlderThan } from './older-than';
import { InvalidTagRegexError, TagNameRegex } from './tag-name-regex';

/**
 * Which tags a bulk delete or a cleanup policy removes, with GitLab's rules (CleanupTagsBaseService) and the
 * pull rules Harbor, zot and ECR offer:
 * 1. `latest` is never removed (unless `keepLatest` is false);
 * 2. only tags whose WHOLE name matches `nameRegexDelete` and does not match `nameRegexKeep` are candidates
 *    (keep wins);
 * 3. a candidate stays when ANY keep rule keeps it (Harbor's retain rules are combined the same way): it is
 *    among the `keepN` most recently pushed, or was pushed after `now - olderThan` (GitLab's two rules, which
 *    read the same as "delete what is beyond keep_n and older than older_than"), or is among the
 *    `keepNRecentlyPulled` most recently pulled, or was pulled after `now - keepPulledWithin`;
 * 4. every other candidate goes (all of them when no keep rule is given).
 * Framework-free and synchronous, so the management API and the cleanup policies share it as is.
 */
export interface RetentionRules {
  /** RE2 pattern of the names to delete (GitLab's `name_regex_delete`, or the older `name_regex`). */
  nameRegexDelete: string;
  /** RE2 pattern of names to keep whatever else says (GitLab's `name_regex_keep`). */
  nameRegexKeep?: string | null;
  /** How many of the most recently pushed candidates to keep. */
  keepN?: number | null;
  /** Seconds, or GitLab's text form (`7d`, `1month`). */
  olderThan?: number | string | null;
  /** How many of the most recently pulled candidates to keep (a tag never pulled is not among them). */
  keepNRecentlyPulled?: number | null;
  /** Seconds, or the same text forms as olderThan: candidates pulled within it stay. */
  keepPulledWithin?: number | string | null;
  /** GitLab never deletes `latest`; false only where a caller explicitly opts out. */
  keepLatest?: boolean;
}

export type RetentionRuleName = 'nameRegexDelete' | 'nameRegexKeep' | 'keepN' | 'olderThan' | 'keepNRecentlyPulled' | 'keepPulledWithin';

/**
 * Why a tag stays, named after the REST parameter that keeps it: `name_regex_delete` when the name does not
 * match it, `older_than` when it was pushed within that age. A candidate may be kept by several rules at once.
 */
export type RetentionReason = 'latest' | 'name_regex_delete' | 'name_regex_keep' | 'keep_n' | 'older_than' | 'keep_n_recently_pulled' | 'keep_pulled_within';

/**
 * A rule that cannot be applied: bad regex, negative keepN, unreadable olderThan. `rule` names it in the
 * domain's terms; the api says which request parameter that was.
 */
export class RetentionRuleError extends DomainError<'INVALID_PARAMETER'> {
  constructor(
    readonly rule: RetentionRuleName,
    readonly reason: string,
  ) {
    super('INVALID_PARAMETER', `${rule} ${reason}`, { field: rule });
  }
}

/** Rules checked and compiled once, then applied to any number of tag lists. */
export interface CompiledRetentionRules {
  deleteRegex: TagNameRegex;
  keepRegex: TagNameRegex | null;
  keepN: number | null;
  olderThanSeconds: number | null;
  keepNRecentlyPulled: number | null;
  keepPulledWithinSeconds: number | null;
  keepLatest: boolean;
}

export interface RetainableTag {
  name: string;
  /** When the tag was last pushed; null (unknown) counts as newest and never as old, as in GitLab. */
  pushedAt: Date | null;
  /** When the tag was last pulled (by name, or by the digest it named); null or absent: never. */
  lastPulledAt?: Date | null;
}

/** One tag and the rules that keep it: none means it is deleted. */
export interface TagVerdict<T extends RetainableTag> {
  tag: T;
  keptBy: RetentionReason[];
}

/**
 * The outcome, with why the others stayed (for logs and job results): each kept tag counts once, under the
 * first of its reasons in this order.
 */
export interface RetentionPlan<T extends RetainableTag> {
  delete: T[];
  kept: { latest: number; byName: number; byKeepN: number; byAge: number; byRecentlyPulled: number; byPulledWithin: number };
}

export const LATEST_TAG = 'latest';

/** Validates every rule (throws RetentionRuleError naming the first bad one) and compiles the regexes. */
export function compileRetentionRules(rules: RetentionRules): CompiledRetentionRules {
  const deleteRegex = compileRegex('nameRegexDelete', rules.nameRegexDelete);
  const keepRegex = rules.nameRegexKeep === undefined || rules.nameRegexKeep === null || rules.nameRegexKeep === ''
    ? null
    : compileRegex('nameRegexKeep', rules.nameRegexKeep);
  return {
    deleteRegex,
    keepRegex,
    keepN: count('keepN', rules.keepN),
    olderThanSeconds: duration('olderThan', rules.olderThan),
    keepNRecentlyPulled: count('keepNRecentlyPulled', rules.keepNRecentlyPulled),
    keepPulledWithinSeconds: duration('keepPulledWithin', rules.keepPulledWithin),
    keepLatest: rules.keepLatest ?? true,
  };
}

/**
 * Every tag with the rules that keep it, in the order given. Sorting is done once per ordering rule in use;
 * 100 000 tags take a fraction of a second.
 */
export function judgeRetention<T extends RetainableTag>(tags: readonly T[], rules: CompiledRetentionRules, now: Date): TagVerdict<T>[] {
  const verdicts = tags.map((tag): TagVerdict<T> => ({ tag, keptBy: keptByName(tag.name, rules) }));
  const candidates = verdicts.filter((verdict) => verdict.keptBy.length === 0);
  if (rules.keepN !== null) {
    const newestFirst = [...candidates].sort((a, b) => compareNewestFirst(a.tag.pushedAt ?? now, b.tag.pushedAt ?? now, a.tag, b.tag));
    for (const verdict of newestFirst.slice(0, rules.keepN)) verdict.keptBy.push('keep_n');
  }
  const pushCutoff = rules.olderThanSeconds === null ? null : now.getTime() - rules.olderThanSeconds * 1000;
  if (pushCutoff !== null) {
    for (const verdict of candidates) if (verdict.tag.pushedAt === null || verdict.tag.pushedAt.getTime() >= pushCutoff) verdict.keptBy.push('older_than');
  }
  if (rules.keepNRecentlyPulled !== null) {
    const pulled = candidates.filter((verdict) => verdict.tag.lastPulledAt);
    pulled.sort((a, b) => compareNewestFirst(a.tag.lastPulledAt!, b.tag.lastPulledAt!, a.tag, b.tag));
    for (const verdict of pulled.slice(0, rules.keepNRecentlyPulled)) verdict.keptBy.push('keep_n_recently_pulled');
  }
  const pullCutoff = rules.keepPulledWithinSeconds === null ? null : now.getTime() - rules.keepPulledWithinSeconds * 1000;
  if (pullCutoff !== null) {
    for (const verdict of candidates) if (verdict.tag.lastPulledAt && verdict.tag.lastPulledAt.getTime() >= pullCutoff) verdict.keptBy.push('keep_pulled_within');
  }
  return verdicts;
}

export function planRetention<T extends RetainableTag>(tags: readonly T[], rules: CompiledRetentionRules, now: Date): RetentionPlan<T> {
  const kept = { latest: 0, byName: 0, byKeepN: 0, byAge: 0, byRecentlyPulled: 0, byPulledWithin: 0 };
  const counter: Record<RetentionReason, keyof RetentionPlan<T>['kept']> = {
    latest: 'latest',
    name_regex_delete: 'byName',
    name_regex_keep: 'byName',
    keep_n: 'byKeepN',
    older_than: 'byAge',
    keep_n_recently_pulled: 'byRecentlyPulled',
    keep_pulled_within: 'byPulledWithin',
  };
  const doomed: T[] = [];
  for (const verdict of judgeRetention(tags, rules, now)) {
    if (verdict.keptBy.length === 0) doomed.push(verdict.tag);
    else kept[counter[verdict.keptBy[0]]]++;
  }
  return { delete: doomed, kept };
}

/** Convenience for one-off callers: compile and plan in one go. */
export function selectTagsToDelete<T extends RetainableTag>(tags: readonly T[], rules: RetentionRules, now: Date): T[] {
  return planRetention(tags, compileRetentionRules(rules), now).delete;
}

/** The rule that keeps a tag by its name alone (it is then no candidate), if any. */
function keptByName(name: string, rules: CompiledRetentionRules): RetentionReason[] {
  if (rules.keepLatest && name === LATEST_TAG) return ['latest'];
  if (!rules.deleteRegex.matches(name)) return ['name_regex_delete'];
  if (rules.keepRegex?.matches(name)) return ['name_regex_keep'];
  return [];
}

/** Newest first; equal times fall back to the name (descending) so the order is total. */
function compareNewestFirst(aTime: Date, bTime: Date, a: RetainableTag, b: RetainableTag): number {
  const at = aTime.getTime();
  const bt = bTime.getTime();
  if (at !== bt) return bt - at;
  return a.name < b.name ? 1 : a.name > b.name ? -1 : 0;
}

function compileRegex(rule: RetentionRuleName, source: string): TagNameRegex {
  try {
    return TagNameRegex.compile(source);
  } catch (error) {
    if (error instanceof InvalidTagRegexError) throw new RetentionRuleError(rule, `is an invalid regexp: ${error.reason}`);
    throw error;
  }
}

function count(rule: RetentionRuleName, value: number | null | undefined): number | null {
  if (value === undefined || value === null) return null;
  if (!Number.isSafeInteger(value) || value < 0) throw new RetentionRuleError(rule, 'is invalid');
  return value;
}

/** An age rule (older_than, keep_pulled_within): positive seconds, or a duration text as GitLab reads older_than. */
function duration(rule: RetentionRuleName, value: number | string | null | undefined): number | null {
  if (value === undefined || value === null || value === '') return null;
  const seconds = typeof value === 'number' ? (Number.isSafeInteger(value) && value > 0 ? value : null) : parseOlderThan(value);
  if (seconds === null) throw new RetentionRuleError(rule, 'is invalid');
  return seconds;
}
