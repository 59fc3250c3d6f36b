import { DomainError } from '@cargohold/common';
import { parseOlderThan } from './older-than';
import { InvalidTagRegexError, TagNameRegex } from './tag-name-regex';

/**
 * Which tags a bulk delete or a cleanup policy removes, with GitLab's rules (CleanupTagsBaseService):
 * 1. `latest` is never removed (unless `keepLatest` is false);
 * 2. only tags whose WHOLE name matches `nameRegexDelete` and does not match `nameRegexKeep` are candidates
 *    (keep wins);
 * 3. of the candidates, ordered newest first, the first `keepN` stay;
 * 4. of the rest, only those pushed before `now - olderThan` go (all of them without `olderThan`).
 * Framework-free and synchronous, so the management API and the cleanup policies share it as is.
 */
export interface RetentionRules {
  /** RE2 pattern of the names to delete (GitLab's `name_regex_delete`, or the older `name_regex`). */
  nameRegexDelete: string;
  /** RE2 pattern of names to keep whatever else says (GitLab's `name_regex_keep`). */
  nameRegexKeep?: string | null;
  /** How many of the newest candidates to keep. */
  keepN?: number | null;
  /** Seconds, or GitLab's text form (`7d`, `1month`). */
  olderThan?: number | string | null;
  /** GitLab never deletes `latest`; false only where a caller explicitly opts out. */
  keepLatest?: boolean;
}

export type RetentionRuleName = 'nameRegexDelete' | 'nameRegexKeep' | 'keepN' | 'olderThan';

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
  keepLatest: boolean;
}

export interface RetainableTag {
  name: string;
  /** When the tag was last pushed; null (unknown) counts as newest and never as old, as in GitLab. */
  pushedAt: Date | null;
}

/** The outcome, with why the others stayed (for logs and job results). */
export interface RetentionPlan<T extends RetainableTag> {
  delete: T[];
  kept: { latest: number; byName: number; byKeepN: number; byAge: number };
}

export const LATEST_TAG = 'latest';

/** Validates every rule (throws RetentionRuleError naming the first bad one) and compiles the regexes. */
export function compileRetentionRules(rules: RetentionRules): CompiledRetentionRules {
  const deleteRegex = compileRegex('nameRegexDelete', rules.nameRegexDelete);
  const keepRegex = rules.nameRegexKeep === undefined || rules.nameRegexKeep === null || rules.nameRegexKeep === ''
    ? null
    : compileRegex('nameRegexKeep', rules.nameRegexKeep);
  const keepN = rules.keepN ?? null;
  if (keepN !== null && (!Number.isSafeInteger(keepN) || keepN < 0)) throw new RetentionRuleError('keepN', 'is invalid');
  return { deleteRegex, keepRegex, keepN, olderThanSeconds: olderThanSeconds(rules.olderThan), keepLatest: rules.keepLatest ?? true };
}

export function planRetention<T extends RetainableTag>(tags: readonly T[], rules: CompiledRetentionRules, now: Date): RetentionPlan<T> {
  const kept = { latest: 0, byName: 0, byKeepN: 0, byAge: 0 };
  const candidates: T[] = [];
  for (const tag of tags) {
    if (rules.keepLatest && tag.name === LATEST_TAG) kept.latest++;
    else if (!rules.deleteRegex.matches(tag.name) || (rules.keepRegex?.matches(tag.name) ?? false)) kept.byName++;
    else candidates.push(tag);
  }

  const newestFirst = candidates.sort((a, b) => compareNewestFirst(a, b, now));
  const keepN = rules.keepN ?? 0;
  kept.byKeepN = Math.min(keepN, newestFirst.length);
  const beyondKeepN = newestFirst.slice(keepN);

  if (rules.olderThanSeconds === null) return { delete: beyondKeepN, kept };
  const cutoff = now.getTime() - rules.olderThanSeconds * 1000;
  const old = beyondKeepN.filter((tag) => tag.pushedAt !== null && tag.pushedAt.getTime() < cutoff);
  kept.byAge = beyondKeepN.length - old.length;
  return { delete: old, kept };
}

/** Convenience for one-off callers: compile and plan in one go. */
export function selectTagsToDelete<T extends RetainableTag>(tags: readonly T[], rules: RetentionRules, now: Date): T[] {
  return planRetention(tags, compileRetentionRules(rules), now).delete;
}

/** Newest first; unknown times count as now; equal times fall back to the name (descending) so the order is total. */
function compareNewestFirst(a: RetainableTag, b: RetainableTag, now: Date): number {
  const at = (a.pushedAt ?? now).getTime();
  const bt = (b.pushedAt ?? now).getTime();
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

function olderThanSeconds(value: number | string | null | undefined): number | null {
  if (value === undefined || value === null || value === '') return null;
  const seconds = typeof value === 'number' ? (Number.isSafeInteger(value) && value > 0 ? value : null) : parseOlderThan(value);
  if (seconds === null) throw new RetentionRuleError('olderThan', 'is invalid');
  return seconds;
}
