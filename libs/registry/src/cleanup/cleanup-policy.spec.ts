import { ManagementError } from '../management/management-error';
import { DEFAULT_POLICY_RULES, nextRunAt } from './cleanup-policy';
import { applyPolicyAttributes } from './cleanup-policy-attributes';

describe('nextRunAt', () => {
  const from = new Date('2026-01-31T10:00:00Z');
  it.each([
    ['1d', '2026-02-01T10:00:00.000Z'],
    ['7d', '2026-02-07T10:00:00.000Z'],
    ['14d', '2026-02-14T10:00:00.000Z'],
    ['1month', '2026-03-03T10:00:00.000Z'],
    ['3month', '2026-05-01T10:00:00.000Z'],
  ] as const)('%s after %s', (cadence, expected) => {
    expect(nextRunAt(cadence, from).toISOString()).toBe(expected);
  });
});

describe('applyPolicyAttributes', () => {
  it('applies GitLab attributes over the current rules', () => {
    const rules = applyPolicyAttributes(DEFAULT_POLICY_RULES, { enabled: true, cadence: '7d', keep_n: 25, older_than: '30d', name_regex_keep: '^v.*' });
    expect(rules).toEqual({ enabled: true, cadence: '7d', keepN: 25, olderThan: '30d', nameRegex: '.*', nameRegexKeep: '^v.*' });
  });

  it('prefers name_regex_delete over the older name_regex, and clears fields set to null', () => {
    const rules = applyPolicyAttributes(DEFAULT_POLICY_RULES, { name_regex: 'a', name_regex_delete: 'b', keep_n: null, older_than: null });
    expect(rules).toMatchObject({ nameRegex: 'b', keepN: null, olderThan: null });
  });

  it.each([
    [{ cadence: '2d' }, 'container_expiration_policy_attributes[cadence] must be one of: 1d, 7d, 14d, 1month, 3month'],
    [{ keep_n: 3 }, 'container_expiration_policy_attributes[keep_n] must be one of: 1, 5, 10, 25, 50, 100'],
    [{ older_than: '60d' }, 'container_expiration_policy_attributes[older_than] must be one of: 7d, 14d, 30d, 90d'],
  ])('refuses %j naming the allowed values', (attributes, message) => {
    expect(() => applyPolicyAttributes(DEFAULT_POLICY_RULES, attributes)).toThrow(new ManagementError('INVALID_PARAMETER' as never, message));
  });

  it('refuses regexes RE2 cannot compile (backreferences, lookaheads) without running them', () => {
    expect(() => applyPolicyAttributes(DEFAULT_POLICY_RULES, { name_regex: '(a)\\1' })).toThrow(/name_regex\] is an invalid regexp/);
    expect(() => applyPolicyAttributes(DEFAULT_POLICY_RULES, { name_regex_keep: '(?=x)' })).toThrow(/name_regex_keep\] is an invalid regexp/);
  });
});
