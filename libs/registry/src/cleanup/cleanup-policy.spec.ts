import { DEFAULT_POLICY_RULES, nextRunAt } from './cleanup-policy';
import { applyPolicyChange, CleanupPolicyError } from './cleanup-policy-change';

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

describe('applyPolicyChange', () => {
  it('applies the change over the current rules', () => {
    const rules = applyPolicyChange(DEFAULT_POLICY_RULES, { enabled: true, cadence: '7d', keepN: 25, olderThan: '30d', nameRegexKeep: '^v.*' });
    expect(rules).toEqual({
      enabled: true,
      cadence: '7d',
      keepN: 25,
      olderThan: '30d',
      nameRegex: '.*',
      nameRegexKeep: '^v.*',
      keepNRecentlyPulled: null,
      keepPulledWithin: null,
    });
  });

  it('takes the pull rules (ours): a count from 1 to 100 and four windows, null clearing them', () => {
    const rules = applyPolicyChange(DEFAULT_POLICY_RULES, { keepNRecentlyPulled: 2, keepPulledWithin: '14d' });
    expect(rules).toMatchObject({ keepNRecentlyPulled: 2, keepPulledWithin: '14d', keepN: 10, olderThan: '90d' });
    expect(applyPolicyChange(DEFAULT_POLICY_RULES, { keepNRecentlyPulled: 100 }).keepNRecentlyPulled).toBe(100);
    expect(applyPolicyChange(rules, { keepNRecentlyPulled: null, keepPulledWithin: null })).toMatchObject({ keepNRecentlyPulled: null, keepPulledWithin: null });
  });

  it("accepts every one of GitLab's older_than values, 60d included", () => {
    for (const olderThan of ['7d', '14d', '30d', '60d', '90d']) expect(applyPolicyChange(DEFAULT_POLICY_RULES, { olderThan }).olderThan).toBe(olderThan);
  });

  it('clears fields set to null and keeps absent ones', () => {
    const rules = applyPolicyChange({ ...DEFAULT_POLICY_RULES, keepN: 10, olderThan: '7d' }, { nameRegex: 'b', keepN: null, olderThan: null, cadence: undefined });
    expect(rules).toMatchObject({ nameRegex: 'b', keepN: null, olderThan: null, cadence: DEFAULT_POLICY_RULES.cadence });
  });

  it.each([
    [{ cadence: '2d' }, 'cadence', 'must be one of: 1d, 7d, 14d, 1month, 3month'],
    [{ keepN: 3 }, 'keepN', 'must be one of: 1, 5, 10, 25, 50, 100'],
    [{ olderThan: '45d' }, 'olderThan', 'must be one of: 7d, 14d, 30d, 60d, 90d'],
    [{ keepNRecentlyPulled: 0 }, 'keepNRecentlyPulled', 'must be an integer from 1 to 100'],
    [{ keepNRecentlyPulled: 101 }, 'keepNRecentlyPulled', 'must be an integer from 1 to 100'],
    [{ keepPulledWithin: '1d' }, 'keepPulledWithin', 'must be one of: 7d, 14d, 30d, 90d'],
  ])('refuses %j naming the allowed values', (change, attribute, problem) => {
    expect(() => applyPolicyChange(DEFAULT_POLICY_RULES, change)).toThrow(CleanupPolicyError);
    expect(() => applyPolicyChange(DEFAULT_POLICY_RULES, change)).toThrow(expect.objectContaining({ code: 'INVALID_PARAMETER', attribute, problem }));
  });

  it('refuses regexes RE2 cannot compile (backreferences, lookaheads) without running them', () => {
    expect(() => applyPolicyChange(DEFAULT_POLICY_RULES, { nameRegex: '(a)\\1' })).toThrow(/^nameRegex is an invalid regexp/);
    expect(() => applyPolicyChange(DEFAULT_POLICY_RULES, { nameRegexKeep: '(?=x)' })).toThrow(/^nameRegexKeep is an invalid regexp/);
  });
});
