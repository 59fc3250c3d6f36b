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
  keptBy: readonly RetentionReason[];
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

/** Every tag with the rules that keep it, in the order given (for the preview, which shows them). */
export function judgeRetention<T extends RetainableTag>(tags: readonly T[], rules: CompiledRetentionRules, now: Date): TagVerdict<T>[] {
  return reasonsFor(tags, rules, now).map((keptBy, i) => ({ tag: tags[i], keptBy }));
}

/**
 * The rules that keep each tag, by position. Runs judge every tag of a repository (a million in bench:scale), so
 * the common answers are shared constants and only kept candidates get an array of their own; each ordering rule
 * sorts the candidates' positions once.
 */
function reasonsFor(tags: readonly RetainableTag[], rules: CompiledRetentionRules, now: Date): ReadonlyArray<readonly RetentionReason[]> {
  const reasons = tags.map((tag) => keptByName(tag.name, rules));
  const candidates: number[] = [];
  reasons.forEach((byName, i) => {
    if (byName === NOT_KEPT) candidates.push(i);
  });
  const keep = (i: number, reason: RetentionReason) => (reasons[i] = reasons[i] === NOT_KEPT ? ONLY[reason] : [...reasons[i], reason]);
  if (rules.keepN !== null) {
    const newestFirst = [...candidates].sort((a, b) => compareNewestFirst(tags[a].pushedAt ?? now, tags[b].pushedAt ?? now, tags[a], tags[b]));
    for (const i of newestFirst.slice(0, rules.keepN)) keep(i, 'keep_n');
  }
  if (rules.olderThanSeconds !== null) {
    const cutoff = now.getTime() - rules.olderThanSeconds * 1000;
    for (const i of candidates) if (tags[i].pushedAt === null || tags[i].pushedAt!.getTime() >= cutoff) keep(i, 'older_than');
  }
  if (rules.keepNRecentlyPulled !== null) {
    const pulled = candidates.filter((i) => tags[i].lastPulledAt);
    pulled.sort((a, b) => compareNewestFirst(tags[a].lastPulledAt!, tags[b].lastPulledAt!, tags[a], tags[b]));
    for (const i of pulled.slice(0, rules.keepNRecentlyPulled)) keep(i, 'keep_n_recently_pulled');
  }
  if (rules.keepPulledWithinSeconds !== null) {
    const cutoff = now.getTime() - rules.keepPulledWithinSeconds * 1000;
    for (const i of candidates) if (tags[i].lastPulledAt && tags[i].lastPulledAt!.getTime() >= cutoff) keep(i, 'keep_pulled_within');
  }
  return reasons;
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
  reasonsFor(tags, rules, now).forEach((keptBy, i) => {
    if (keptBy.length === 0) doomed.push(tags[i]);
    else kept[counter[keptBy[0]]]++;
  });
  return { delete: doomed, kept };
}

/** Convenience for one-off callers: compile and plan in one go. */
export function selectTagsToDelete<T extends RetainableTag>(tags: readonly T[], rules: RetentionRules, now: Date): T[] {
  return planRetention(tags, compileRetentionRules(rules), now).delete;
}

const NOT_KEPT: readonly RetentionReason[] = Object.freeze([]);
/** The answer for a tag kept by one rule only: shared, as most kept tags are. */
const ONLY = Object.fromEntries(
  (['latest', 'name_regex_delete', 'name_regex_keep', 'keep_n', 'older_than', 'keep_n_recently_pulled', 'keep_pulled_within'] as const).map((reason) => [
    reason,
    Object.freeze([reason]),
  ]),
) as Record<RetentionReason, readonly RetentionReason[]>;

/** The rule that keeps a tag by its name alone (it is then no candidate), if any; NOT_KEPT for a candidate. */
function keptByName(name: string, rules: CompiledRetentionRules): readonly RetentionReason[] {
  if (rules.keepLatest && name === LATEST_TAG) return ONLY.latest;
  if (!rules.deleteRegex.matches(name)) return ONLY.name_regex_delete;
  if (rules.keepRegex?.matches(name)) return ONLY.name_regex_keep;
  return NOT_KEPT;
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
