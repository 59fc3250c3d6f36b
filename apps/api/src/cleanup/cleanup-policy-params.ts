import { CleanupPolicyChange, CleanupPolicyError, CleanupPolicyField } from '@cargohold/registry';
import { RestValidationError } from '../rest/rest-errors';
import type { CleanupPolicyAttributesDto } from './cleanup-policy.dto';

/** GitLab's container_expiration_policy_attributes as the domain's change (`name_regex` is the older `name_regex_delete`). */
export function policyChangeOf(attributes: CleanupPolicyAttributesDto): CleanupPolicyChange {
  return {
    enabled: attributes.enabled,
    cadence: attributes.cadence,
    keepN: attributes.keep_n,
    olderThan: attributes.older_than,
    nameRegex: attributes.name_regex_delete !== undefined ? attributes.name_regex_delete : attributes.name_regex,
    nameRegexKeep: attributes.name_regex_keep,
    keepNRecentlyPulled: attributes.keep_n_recently_pulled,
    keepPulledWithin: attributes.keep_pulled_within,
  };
}

/**
 * Runs `work` with the attributes as the domain's change; a refused value becomes GitLab's 400
 * `{"error": "container_expiration_policy_attributes[<attribute>] <problem>"}`.
 */
export async function withPolicyChange<T>(attributes: CleanupPolicyAttributesDto, work: (change: CleanupPolicyChange) => T | Promise<T>): Promise<T> {
  try {
    return await work(policyChangeOf(attributes));
  } catch (error) {
    if (error instanceof CleanupPolicyError) {
      throw new RestValidationError(`container_expiration_policy_attributes[${attributeName(error.attribute, attributes)}] ${error.problem}`);
    }
    throw error;
  }
}

function attributeName(field: CleanupPolicyField, attributes: CleanupPolicyAttributesDto): keyof CleanupPolicyAttributesDto {
  switch (field) {
    case 'enabled':
    case 'cadence':
      return field;
    case 'keepN':
      return 'keep_n';
    case 'olderThan':
      return 'older_than';
    case 'nameRegex':
      return attributes.name_regex_delete !== undefined ? 'name_regex_delete' : 'name_regex';
    case 'nameRegexKeep':
      return 'name_regex_keep';
    case 'keepNRecentlyPulled':
      return 'keep_n_recently_pulled';
    case 'keepPulledWithin':
      return 'keep_pulled_within';
  }
}
