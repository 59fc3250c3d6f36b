import { DomainError } from '@cargohold/common';
import { InvalidTagRegexError, TagNameRegex } from '../retention/tag-name-regex';
import { Cadence, CADENCES, CleanupPolicyRules, KEEP_N_RECENTLY_PULLED_RANGE, KEEP_N_VALUES, KEEP_PULLED_WITHIN_VALUES, OLDER_THAN_VALUES } from './cleanup-policy';

/** A change to a cleanup policy: each field set is validated and applied; absent ones stay, null clears. */
export interface CleanupPolicyChange {
  enabled?: boolean;
  cadence?: string;
  keepN?: number | null;
  olderThan?: string | null;
  /** RE2 pattern of the tag names to delete. */
  nameRegex?: string | null;
  nameRegexKeep?: string | null;
  /** Retention by use (ours): keep the N matching tags pulled most recently. */
  keepNRecentlyPulled?: number | null;
  /** Keep every matching tag pulled within this window. */
  keepPulledWithin?: string | null;
}

export type CleanupPolicyField = keyof CleanupPolicyChange;

/** A value a policy cannot take. `field` names it in the domain's terms; the api says which parameter that was. */
export class CleanupPolicyError extends DomainError<'INVALID_PARAMETER'> {
  constructor(
    readonly attribute: CleanupPolicyField,
    readonly problem: string,
  ) {
    super('INVALID_PARAMETER', `${attribute} ${problem}`, { field: attribute });
  }
}

/**
 * Applies the change to the current rules, validating each field against GitLab's allowed values. An invalid
 * value is refused (CleanupPolicyError) with a problem naming the allowed ones, and nothing is changed.
 */
export function applyPolicyChange(current: CleanupPolicyRules, change: CleanupPolicyChange): CleanupPolicyRules {
  const next: CleanupPolicyRules = { ...current };
  if (change.enabled !== undefined) {
    if (typeof change.enabled !== 'boolean') throw new CleanupPolicyError('enabled', 'must be true or false');
    next.enabled = change.enabled;
  }
  if (change.cadence !== undefined) {
    if (!CADENCES.includes(change.cadence as Cadence)) throw new CleanupPolicyError('cadence', `must be one of: ${CADENCES.join(', ')}`);
    next.cadence = change.cadence as Cadence;
  }
  if (change.keepN !== undefined) next.keepN = oneOf('keepN', change.keepN, KEEP_N_VALUES);
  if (change.olderThan !== undefined) next.olderThan = oneOf('olderThan', change.olderThan, OLDER_THAN_VALUES);
  if (change.keepNRecentlyPulled !== undefined) {
    next.keepNRecentlyPulled = within('keepNRecentlyPulled', change.keepNRecentlyPulled, KEEP_N_RECENTLY_PULLED_RANGE);
  }
  if (change.keepPulledWithin !== undefined) next.keepPulledWithin = oneOf('keepPulledWithin', change.keepPulledWithin, KEEP_PULLED_WITHIN_VALUES);
  if (change.nameRegex !== undefined) next.nameRegex = checkRegex('nameRegex', change.nameRegex);
  if (change.nameRegexKeep !== undefined) next.nameRegexKeep = checkRegex('nameRegexKeep', change.nameRegexKeep);
  return next;
}

/** One of GitLab's allowed values, or null (which clears the rule). */
function oneOf<T extends string | number>(field: CleanupPolicyField, value: T | null, allowed: readonly T[]): T | null {
  if (value !== null && !allowed.includes(value)) throw new CleanupPolicyError(field, `must be one of: ${allowed.join(', ')}`);
  return value;
}

/** An integer in the range, or null (which clears the rule). */
function within(field: CleanupPolicyField, value: number | null, range: { min: number; max: number }): number | null {
  if (value !== null && (!Number.isInteger(value) || value < range.min || value > range.max)) {
    throw new CleanupPolicyError(field, `must be an integer from ${range.min} to ${range.max}`);
  }
  return value;
}

function checkRegex(field: CleanupPolicyField, value: string | null): string | null {
  if (value === null || value === '') return null;
  if (typeof value !== 'string') throw new CleanupPolicyError(field, 'must be a string');
  try {
    TagNameRegex.compile(value);
    return value;
  } catch (error) {
    if (error instanceof InvalidTagRegexError) throw new CleanupPolicyError(field, `is an invalid regexp: ${error.reason}`);
    throw error;
  }
}
