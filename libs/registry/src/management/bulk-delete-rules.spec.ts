import { RetentionRuleError } from '../retention/retention-rules';
import { validateBulkDelete } from './bulk-delete-rules';

describe('validateBulkDelete', () => {
  it('returns the rules with older_than in seconds', () => {
    expect(validateBulkDelete({ nameRegexDelete: '.*', nameRegexKeep: 'stable.*', keepN: 5, olderThan: '1h' })).toEqual({
      nameRegexDelete: '.*',
      nameRegexKeep: 'stable.*',
      keepN: 5,
      olderThan: 3600,
    });
  });

  it('names the first bad rule in domain terms, as a domain error with a code', () => {
    const refusal = (run: () => unknown) => {
      try {
        run();
      } catch (error) {
        return error as RetentionRuleError;
      }
      throw new Error('expected a refusal');
    };
    const badRegex = refusal(() => validateBulkDelete({ nameRegexDelete: '(' }));
    expect(badRegex).toBeInstanceOf(RetentionRuleError);
    expect(badRegex).toMatchObject({ code: 'INVALID_PARAMETER', rule: 'nameRegexDelete', field: 'nameRegexDelete' });
    expect(refusal(() => validateBulkDelete({ nameRegexDelete: '.*', olderThan: 'a while' }))).toMatchObject({ rule: 'olderThan', reason: 'is invalid' });
    expect(refusal(() => validateBulkDelete({ nameRegexDelete: '.*', keepN: -1 }))).toMatchObject({ rule: 'keepN', reason: 'is invalid' });
  });
});
