import { BulkDeleteRules, RetentionRuleError, RetentionRuleName, validateBulkDelete } from '@cargohold/registry';
import { RestValidationError } from '../rest/rest-errors';
import type { BulkDeleteTagsDto } from './dto/registry-management.dto';

/** The REST parameter of each retention rule. */
const PARAMETER_NAMES: Record<RetentionRuleName, keyof BulkDeleteTagsDto> = {
  nameRegexDelete: 'name_regex_delete',
  nameRegexKeep: 'name_regex_keep',
  keepN: 'keep_n',
  olderThan: 'older_than',
  keepNRecentlyPulled: 'keep_n_recently_pulled',
  keepPulledWithin: 'keep_pulled_within',
};

/**
 * GitLab's bulk delete parameters as the domain's validated rules, refused as GitLab refuses them: 400
 * `{"error": "<parameter> <problem>"}`. `name_regex` is the deprecated name of `name_regex_delete`; when both
 * are given both are validated, as GitLab validates every regex parameter. Empty optional values are absent.
 */
export function bulkDeleteRules(params: BulkDeleteTagsDto): BulkDeleteRules {
  const nameRegexDelete = params.name_regex_delete ?? params.name_regex;
  if (nameRegexDelete === undefined) {
    throw new RestValidationError('name_regex, name_regex_delete are missing, at least one parameter must be provided');
  }
  const deprecated = params.name_regex;
  if (deprecated !== undefined && params.name_regex_delete !== undefined) {
    namingParameter(() => validateBulkDelete({ nameRegexDelete: deprecated }), () => 'name_regex');
  }
  const input = {
    nameRegexDelete,
    nameRegexKeep: params.name_regex_keep || undefined,
    keepN: params.keep_n,
    olderThan: params.older_than || undefined,
    keepNRecentlyPulled: params.keep_n_recently_pulled,
    keepPulledWithin: params.keep_pulled_within || undefined,
  };
  return namingParameter(
    () => validateBulkDelete(input),
    (rule) => (rule === 'nameRegexDelete' && params.name_regex_delete === undefined ? 'name_regex' : PARAMETER_NAMES[rule]),
  );
}

/** Runs a rule check, turning a RetentionRuleError into GitLab's 400 naming the REST parameter. */
function namingParameter<T>(check: () => T, parameterOf: (rule: RetentionRuleName) => string): T {
  try {
    return check();
  } catch (error) {
    if (error instanceof RetentionRuleError) throw new RestValidationError(`${parameterOf(error.rule)} ${error.reason}`);
    throw error;
  }
}
