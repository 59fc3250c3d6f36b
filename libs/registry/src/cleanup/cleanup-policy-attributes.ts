import { ManagementError } from '../management/management-error';
import { InvalidTagRegexError, TagNameRegex } from '../retention/tag-name-regex';
import { Cadence, CADENCES, CleanupPolicyRules, KEEP_N_VALUES, OLDER_THAN_VALUES } from './cleanup-policy';

/** GitLab's `container_expiration_policy_attributes`, as received (every field optional). */
export interface CleanupPolicyAttributes {
  enabled?: boolean;
  cadence?: string;
  keep_n?: number | null;
  older_than?: string | null;
  name_regex?: string | null;
  name_regex_delete?: string | null;
  name_regex_keep?: string | null;
}

/**
 * Applies the attributes to the current rules, validating each against GitLab's allowed values. An invalid
 * value is refused with a message naming the allowed ones, and nothing is changed.
 */
export function applyPolicyAttributes(current: CleanupPolicyRules, attributes: CleanupPolicyAttributes): CleanupPolicyRules {
  const next: CleanupPolicyRules = { ...current };
  if (attributes.enabled !== undefined) {
    if (typeof attributes.enabled !== 'boolean') throw invalid('enabled', 'must be true or false');
    next.enabled = attributes.enabled;
  }
  if (attributes.cadence !== undefined) {
    if (!CADENCES.includes(attributes.cadence as Cadence)) throw invalid('cadence', `must be one of: ${CADENCES.join(', ')}`);
    next.cadence = attributes.cadence as Cadence;
  }
  if (attributes.keep_n !== undefined) {
    if (attributes.keep_n !== null && !KEEP_N_VALUES.includes(attributes.keep_n as (typeof KEEP_N_VALUES)[number])) {
      throw invalid('keep_n', `must be one of: ${KEEP_N_VALUES.join(', ')}`);
    }
    next.keepN = attributes.keep_n;
  }
  if (attributes.older_than !== undefined) {
    if (attributes.older_than !== null && !OLDER_THAN_VALUES.includes(attributes.older_than as (typeof OLDER_THAN_VALUES)[number])) {
      throw invalid('older_than', `must be one of: ${OLDER_THAN_VALUES.join(', ')}`);
    }
    next.olderThan = attributes.older_than;
  }
  const nameRegex = attributes.name_regex_delete !== undefined ? attributes.name_regex_delete : attributes.name_regex;
  if (nameRegex !== undefined) next.nameRegex = checkRegex(attributes.name_regex_delete !== undefined ? 'name_regex_delete' : 'name_regex', nameRegex);
  if (attributes.name_regex_keep !== undefined) next.nameRegexKeep = checkRegex('name_regex_keep', attributes.name_regex_keep);
  return next;
}

function checkRegex(field: string, value: string | null): string | null {
  if (value === null || value === '') return null;
  if (typeof value !== 'string') throw invalid(field, 'must be a string');
  try {
    TagNameRegex.compile(value);
    return value;
  } catch (error) {
    if (error instanceof InvalidTagRegexError) throw invalid(field, `is an invalid regexp: ${error.reason}`);
    throw error;
  }
}

function invalid(field: string, problem: string): ManagementError {
  return ManagementError.invalidParameter(`container_expiration_policy_attributes[${field}] ${problem}`);
}
