import { PROTECTION_LEVELS, ProtectionLevelName, RuleInput } from '@cargohold/registry';
import { RestValidationError } from '../rest/rest-errors';

/** GitLab's level values; `""` (or JSON null) unsets; anything else is 400 "<param> does not have a valid value". */
function level(name: string, value: string | null | undefined): ProtectionLevelName | null | undefined {
  if (value === undefined) return undefined;
  if (value === null || value === '') return null;
  if (!(value in PROTECTION_LEVELS)) throw new RestValidationError(`${name} does not have a valid value`);
  return value as ProtectionLevelName;
}

/** The request's rule fields in domain terms. */
export function ruleInput(pattern: string | undefined, body: { minimum_access_level_for_push?: string | null; minimum_access_level_for_delete?: string | null }): RuleInput {
  return {
    pattern,
    minimumAccessLevelForPush: level('minimum_access_level_for_push', body.minimum_access_level_for_push),
    minimumAccessLevelForDelete: level('minimum_access_level_for_delete', body.minimum_access_level_for_delete),
  };
}
