import { compileRetentionRules, planRetention, RetainableTag, RetentionRuleError, RetentionRules, selectTagsToDelete } from './retention-rules';

const NOW = new Date('2025-06-01T12:00:00Z');
const DAY = 86_400_000;

/** A tag pushed `days` days before NOW. */
function tag(name: string, days: number | null): RetainableTag {
  return { name, pushedAt: days === null ? null : new Date(NOW.getTime() - days * DAY) };
}

function deleted(tags: RetainableTag[], rules: RetentionRules): string[] {
  return selectTagsToDelete(tags, rules, NOW).map((t) => t.name).sort();
}

describe('retention rules (GitLab bulk delete and cleanup policies)', () => {
  const tenVersions = Array.from({ length: 10 }, (_, i) => tag(`v${String(i + 1).padStart(2, '0')}`, 10 - i));

  it('deletes every matching tag with only a delete regex', () => {
    expect(deleted(tenVersions, { nameRegexDelete: '.*' })).toEqual(tenVersions.map((t) => t.name));
  });

  it('never deletes latest, however old and whatever matches', () => {
    const tags = [...tenVersions, tag('latest', 400)];
    expect(deleted(tags, { nameRegexDelete: '.*' })).not.toContain('latest');
    expect(deleted(tags, { nameRegexDelete: 'latest' })).toEqual([]);
    expect(deleted(tags, { nameRegexDelete: 'latest', keepLatest: false })).toEqual(['latest']);
  });

  it('matches the whole name: a pattern matching a prefix deletes nothing more', () => {
    const tags = [tag('dev', 5), tag('dev-1', 5), tag('feature-dev', 5)];
    expect(deleted(tags, { nameRegexDelete: 'dev' })).toEqual(['dev']);
    expect(deleted(tags, { nameRegexDelete: 'dev.*' })).toEqual(['dev', 'dev-1']);
  });

  it('lets the keep regex win over the delete regex', () => {
    const tags = [tag('stable-1', 5), tag('stable-2', 5), tag('main-1', 5), tag('main-2', 5)];
    expect(deleted(tags, { nameRegexDelete: '.*', nameRegexKeep: 'stable.*' })).toEqual(['main-1', 'main-2']);
    // GitLab: "setting name_regex_keep to .* results in a no-op".
    expect(deleted(tags, { nameRegexDelete: '.*', nameRegexKeep: '.*' })).toEqual([]);
  });

  it('keeps the N newest matching tags, ordered by push time, not by name', () => {
    const tags = [tag('b', 1), tag('a', 2), tag('z', 3), tag('c', 4)];
    expect(deleted(tags, { nameRegexDelete: '.*', keepN: 2 })).toEqual(['c', 'z']);
    expect(deleted(tags, { nameRegexDelete: '.*', keepN: 0 })).toEqual(['a', 'b', 'c', 'z']);
    expect(deleted(tags, { nameRegexDelete: '.*', keepN: 10 })).toEqual([]);
  });

  it('counts keep_n among candidates only: latest and kept-by-name tags do not use up the quota', () => {
    const tags = [tag('latest', 0), tag('stable', 0.5), tag('x1', 1), tag('x2', 2), tag('x3', 3)];
    expect(deleted(tags, { nameRegexDelete: '.*', nameRegexKeep: 'stable', keepN: 1 })).toEqual(['x2', 'x3']);
  });

  it('deletes only tags older than older_than', () => {
    expect(deleted(tenVersions, { nameRegexDelete: '.*', olderThan: '7d' })).toEqual(['v01', 'v02', 'v03']);
    expect(deleted(tenVersions, { nameRegexDelete: '.*', olderThan: 7 * 86_400 })).toEqual(['v01', 'v02', 'v03']);
    expect(deleted(tenVersions, { nameRegexDelete: '.*', olderThan: '1month' })).toEqual([]);
  });

  it('applies keep_n before older_than (the documentation example: keep 5, older than 7d)', () => {
    const tags = [tag('latest', 30), ...[10, 9, 8, 6, 5, 4, 3, 2, 1, 0.5].map((days, i) => tag(`v${String(i + 1).padStart(2, '0')}`, days))];
    expect(deleted(tags, { nameRegexDelete: '.*', keepN: 5, olderThan: '7d' })).toEqual(['v01', 'v02', 'v03']);
    // With keep_n larger than the young tags, keep_n protects old ones too.
    expect(deleted(tags, { nameRegexDelete: '.*', keepN: 8, olderThan: '7d' })).toEqual(['v01', 'v02']);
  });

  it('treats a tag without a push time as newest and never as old', () => {
    const tags = [tag('unknown', null), tag('old', 100), tag('older', 200)];
    expect(deleted(tags, { nameRegexDelete: '.*', keepN: 1 })).toEqual(['old', 'older']);
    expect(deleted(tags, { nameRegexDelete: '.*', olderThan: '1d' })).toEqual(['old', 'older']);
  });

  it('breaks ties in push time by name so the outcome never depends on input order', () => {
    const tags = [tag('a', 1), tag('b', 1), tag('c', 1)];
    const forward = deleted(tags, { nameRegexDelete: '.*', keepN: 1 });
    const backward = deleted([...tags].reverse(), { nameRegexDelete: '.*', keepN: 1 });
    expect(forward).toEqual(['a', 'b']);
    expect(backward).toEqual(forward);
  });

  it('reports why tags were kept', () => {
    const tags = [tag('latest', 9), tag('keep-me', 9), tag('n1', 1), tag('young', 2), tag('old', 20)];
    const plan = planRetention(tags, compileRetentionRules({ nameRegexDelete: '.*', nameRegexKeep: 'keep-.*', keepN: 1, olderThan: '7d' }), NOW);
    expect(plan.delete.map((t) => t.name)).toEqual(['old']);
    expect(plan.kept).toEqual({ latest: 1, byName: 1, byKeepN: 1, byAge: 1, byRecentlyPulled: 0, byPulledWithin: 0 });
  });

  it('does not reorder or mutate the caller\'s list', () => {
    const tags = [tag('a', 3), tag('b', 1), tag('c', 2)];
    const copy = [...tags];
    selectTagsToDelete(tags, { nameRegexDelete: '.*', keepN: 1 }, NOW);
    expect(tags).toEqual(copy);
  });

  it.each<[RetentionRules, string]>([
    [{ nameRegexDelete: '[' }, 'nameRegexDelete'],
    [{ nameRegexDelete: '.*', nameRegexKeep: '(' }, 'nameRegexKeep'],
    [{ nameRegexDelete: '.*', keepN: -1 }, 'keepN'],
    [{ nameRegexDelete: '.*', keepN: 1.5 }, 'keepN'],
    [{ nameRegexDelete: '.*', olderThan: 'soon' }, 'olderThan'],
    [{ nameRegexDelete: '.*', olderThan: -5 }, 'olderThan'],
    [{ nameRegexDelete: '.*', keepNRecentlyPulled: -1 }, 'keepNRecentlyPulled'],
    [{ nameRegexDelete: '.*', keepNRecentlyPulled: 2.5 }, 'keepNRecentlyPulled'],
    [{ nameRegexDelete: '.*', keepPulledWithin: 'lately' }, 'keepPulledWithin'],
    [{ nameRegexDelete: '.*', keepPulledWithin: 0 }, 'keepPulledWithin'],
  ])('refuses %j naming the rule %s', (rules, rule) => {
    let thrown: unknown;
    try {
      compileRetentionRules(rules);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(RetentionRuleError);
    expect((thrown as RetentionRuleError).rule).toBe(rule);
  });

  it('explains a bad regex with RE2\'s message, in GitLab\'s wording', () => {
    expect(() => compileRetentionRules({ nameRegexDelete: '(a' })).toThrow(/is an invalid regexp: .*missing closing \)/);
  });

  it('treats an empty keep regex as no keep regex', () => {
    expect(deleted([tag('a', 1)], { nameRegexDelete: '.*', nameRegexKeep: '' })).toEqual(['a']);
  });

  it('plans 100 000 tags quickly', () => {
    const many = Array.from({ length: 100_000 }, (_, i) => tag(`build-${i}`, i / 1000));
    const started = Date.now();
    const plan = planRetention(many, compileRetentionRules({ nameRegexDelete: 'build-\\d+', keepN: 10, olderThan: '30d' }), NOW);
    expect(plan.delete.length).toBe(many.filter((t) => t.pushedAt!.getTime() < NOW.getTime() - 30 * DAY).length);
    expect(Date.now() - started).toBeLessThan(5000);
  });
});
