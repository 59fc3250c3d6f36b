import { compileRetentionRules } from '../retention/retention-rules';

/** A bulk tag delete as asked for: GitLab's retention rules, `olderThan` as text (`1h`, `7d`, `1month`). */
export interface BulkDeleteInput {
  nameRegexDelete: string;
  nameRegexKeep?: string;
  keepN?: number;
  olderThan?: string;
  /** Retention by use (ours): keep the N matching tags pulled most recently. */
  keepNRecentlyPulled?: number;
  /** Keep every matching tag pulled within this age, as text in olderThan's forms. */
  keepPulledWithin?: string;
}

/**
 * A bulk tag delete's rules once validated: what its request row and its job carry (libs/jobs' payload is
 * this type), and what a cleanup policy run applies.
 */
export interface BulkDeleteRules {
  nameRegexDelete: string;
  nameRegexKeep?: string;
  keepN?: number;
  /** Seconds. */
  olderThan?: number;
  keepNRecentlyPulled?: number;
  /** Seconds. */
  keepPulledWithin?: number;
}

/**
 * Checks every rule synchronously, so a bad regex is refused while the client waits and never reaches the
 * worker: throws RetentionRuleError naming the first bad rule. Returns the rules with the ages in seconds.
 */
export function validateBulkDelete(input: BulkDeleteInput): BulkDeleteRules {
  const compiled = compileRetentionRules(input);
  return {
    nameRegexDelete: input.nameRegexDelete,
    nameRegexKeep: input.nameRegexKeep,
    keepN: input.keepN,
    olderThan: compiled.olderThanSeconds ?? undefined,
    keepNRecentlyPulled: input.keepNRecentlyPulled,
    keepPulledWithin: compiled.keepPulledWithinSeconds ?? undefined,
  };
}
