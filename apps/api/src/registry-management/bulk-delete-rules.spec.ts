import { BulkDeleteTagsDto } from './dto/registry-management.dto';
import { RestValidationError } from '../rest/rest-errors';
import { bulkDeleteRules } from './bulk-delete-rules';

describe('bulkDeleteRules (GitLab parameter rules)', () => {
  function refusal(params: BulkDeleteTagsDto): string {
    try {
      bulkDeleteRules(params);
    } catch (error) {
      expect(error).toBeInstanceOf(RestValidationError);
      return (error as RestValidationError).message;
    }
    throw new Error('expected a refusal');
  }

  it('turns the REST parameters into job rules, older_than in seconds', () => {
    expect(bulkDeleteRules({ name_regex_delete: '.*', name_regex_keep: 'stable.*', keep_n: 5, older_than: '7d' })).toEqual({
      nameRegexDelete: '.*',
      nameRegexKeep: 'stable.*',
      keepN: 5,
      olderThan: 7 * 86_400,
    });
  });

  it('takes the pull rules: keep_n_recently_pulled as given, keep_pulled_within in seconds', () => {
    expect(bulkDeleteRules({ name_regex_delete: '.*', keep_n_recently_pulled: 2, keep_pulled_within: '14d' })).toEqual({
      nameRegexDelete: '.*',
      keepNRecentlyPulled: 2,
      keepPulledWithin: 14 * 86_400,
    });
    expect(refusal({ name_regex_delete: '.*', keep_n_recently_pulled: -1 })).toBe('keep_n_recently_pulled is invalid');
    expect(refusal({ name_regex_delete: '.*', keep_pulled_within: 'recently' })).toBe('keep_pulled_within is invalid');
  });

  it('accepts the deprecated name_regex, and prefers name_regex_delete when both are given', () => {
    expect(bulkDeleteRules({ name_regex: 'v.*' }).nameRegexDelete).toBe('v.*');
    expect(bulkDeleteRules({ name_regex: 'v.*', name_regex_delete: 'dev.*' }).nameRegexDelete).toBe('dev.*');
  });

  it('drops empty optional values', () => {
    expect(bulkDeleteRules({ name_regex_delete: '.*', name_regex_keep: '', older_than: '' })).toEqual({ nameRegexDelete: '.*' });
  });

  it('answers GitLab\'s messages naming the REST parameter', () => {
    expect(refusal({ keep_n: 1 })).toBe('name_regex, name_regex_delete are missing, at least one parameter must be provided');
    expect(refusal({ name_regex_delete: '(' })).toMatch(/^name_regex_delete is an invalid regexp: /);
    expect(refusal({ name_regex: '(' })).toMatch(/^name_regex is an invalid regexp: /);
    expect(refusal({ name_regex: '(', name_regex_delete: '.*' })).toMatch(/^name_regex is an invalid regexp: /);
    expect(refusal({ name_regex_delete: '.*', name_regex_keep: '[' })).toMatch(/^name_regex_keep is an invalid regexp: /);
    expect(refusal({ name_regex_delete: '.*', older_than: 'a while' })).toBe('older_than is invalid');
    expect(refusal({ name_regex_delete: '.*', keep_n: -2 })).toBe('keep_n is invalid');
  });
});
