import { applyPolicyChange, DEFAULT_POLICY_RULES } from '@cargohold/registry';
import { RestValidationError } from '../rest/rest-errors';
import { policyChangeOf, withPolicyChange } from './cleanup-policy-params';

describe('cleanup policy parameters (GitLab container_expiration_policy_attributes)', () => {
  const refusal = (attributes: Parameters<typeof policyChangeOf>[0]) =>
    withPolicyChange(attributes, (change) => applyPolicyChange(DEFAULT_POLICY_RULES, change)).then(
      () => {
        throw new Error('expected a refusal');
      },
      (error: unknown) => {
        expect(error).toBeInstanceOf(RestValidationError);
        return (error as Error).message;
      },
    );

  it('maps the attributes to the domain change, preferring name_regex_delete over the older name_regex', () => {
    expect(policyChangeOf({ enabled: true, cadence: '7d', keep_n: 25, older_than: '30d', name_regex: 'a', name_regex_delete: 'b', name_regex_keep: null })).toEqual({
      enabled: true,
      cadence: '7d',
      keepN: 25,
      olderThan: '30d',
      nameRegex: 'b',
      nameRegexKeep: null,
    });
    expect(policyChangeOf({ name_regex: 'a' }).nameRegex).toBe('a');
  });

  it.each([
    [{ cadence: '2d' }, 'container_expiration_policy_attributes[cadence] must be one of: 1d, 7d, 14d, 1month, 3month'],
    [{ keep_n: 3 }, 'container_expiration_policy_attributes[keep_n] must be one of: 1, 5, 10, 25, 50, 100'],
    [{ older_than: '45d' }, 'container_expiration_policy_attributes[older_than] must be one of: 7d, 14d, 30d, 60d, 90d'],
  ])('refuses %j naming the GitLab attribute', async (attributes, message) => {
    expect(await refusal(attributes)).toBe(message);
  });

  it('names the regex attribute the client sent', async () => {
    expect(await refusal({ name_regex: '(a)\\1' })).toMatch(/^container_expiration_policy_attributes\[name_regex\] is an invalid regexp/);
    expect(await refusal({ name_regex_delete: '(a)\\1' })).toMatch(/^container_expiration_policy_attributes\[name_regex_delete\] is an invalid regexp/);
    expect(await refusal({ name_regex_keep: '(?=x)' })).toMatch(/^container_expiration_policy_attributes\[name_regex_keep\] is an invalid regexp/);
  });
});
