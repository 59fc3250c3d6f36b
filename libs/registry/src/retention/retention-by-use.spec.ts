import { compileRetentionRules, judgeRetention, planRetention, RetainableTag, RetentionRules, selectTagsToDelete } from './retention-rules';

const NOW = new Date('2025-06-01T12:00:00Z');
const DAY = 86_400_000;
const daysAgo = (days: number) => new Date(NOW.getTime() - days * DAY);

/** A tag pushed `pushed` days before NOW and last pulled `pulled` days before it (null: never). */
function tag(name: string, pushed: number, pulled: number | null): RetainableTag {
  return { name, pushedAt: daysAgo(pushed), lastPulledAt: pulled === null ? null : daysAgo(pulled) };
}

const deleted = (tags: RetainableTag[], rules: RetentionRules) => selectTagsToDelete(tags, rules, NOW).map((t) => t.name).sort();
const reasons = (tags: RetainableTag[], rules: RetentionRules) =>
  Object.fromEntries(judgeRetention(tags, compileRetentionRules(rules), NOW).map((verdict) => [verdict.tag.name, verdict.keptBy]));

describe('retention by use: keep_n_recently_pulled and keep_pulled_within', () => {
  // Old builds; production runs b3 (pulled an hour ago) and b1 (pulled yesterday); b2 was pulled a month ago.
  const builds = [tag('b1', 90, 1), tag('b2', 60, 30), tag('b3', 45, 1 / 24), tag('b4', 20, null), tag('b5', 10, null)];

  it('keeps the N most recently pulled candidates; never-pulled tags are not among them', () => {
    expect(deleted(builds, { nameRegexDelete: '.*', keepNRecentlyPulled: 2 })).toEqual(['b2', 'b4', 'b5']);
    expect(deleted(builds, { nameRegexDelete: '.*', keepNRecentlyPulled: 1 })).toEqual(['b1', 'b2', 'b4', 'b5']);
    // More slots than pulled tags: the unpulled ones still go.
    expect(deleted(builds, { nameRegexDelete: '.*', keepNRecentlyPulled: 10 })).toEqual(['b4', 'b5']);
    expect(deleted(builds, { nameRegexDelete: '.*', keepNRecentlyPulled: 0 })).toEqual(['b1', 'b2', 'b3', 'b4', 'b5']);
  });

  it('keeps every candidate pulled within the window', () => {
    expect(deleted(builds, { nameRegexDelete: '.*', keepPulledWithin: '7d' })).toEqual(['b2', 'b4', 'b5']);
    expect(deleted(builds, { nameRegexDelete: '.*', keepPulledWithin: '90d' })).toEqual(['b4', 'b5']);
    expect(deleted(builds, { nameRegexDelete: '.*', keepPulledWithin: 3600 * 2 })).toEqual(['b1', 'b2', 'b4', 'b5']);
  });

  it('keeps a tag kept by ANY rule (Harbor-style union with GitLab keep_n and older_than)', () => {
    // keep_n 1 keeps b5 (newest push), older_than 15d keeps b5 too, keep_pulled_within 7d keeps b1 and b3.
    expect(deleted(builds, { nameRegexDelete: '.*', keepN: 1, olderThan: '15d', keepPulledWithin: '7d' })).toEqual(['b2', 'b4']);
    expect(reasons(builds, { nameRegexDelete: '.*', keepN: 1, olderThan: '30d', keepNRecentlyPulled: 1, keepPulledWithin: '7d' })).toEqual({
      b1: ['keep_pulled_within'],
      b2: [],
      b3: ['keep_n_recently_pulled', 'keep_pulled_within'],
      b4: ['older_than'],
      b5: ['keep_n', 'older_than'],
    });
  });

  it('judges pull rules among candidates only: latest and kept-by-name tags are not counted or judged', () => {
    const tags = [tag('latest', 100, 0), tag('stable', 100, 0), ...builds];
    const verdicts = reasons(tags, { nameRegexDelete: 'b.*|latest', nameRegexKeep: 'never', keepNRecentlyPulled: 1 });
    expect(verdicts.latest).toEqual(['latest']);
    expect(verdicts.stable).toEqual(['name_regex_delete']);
    expect(verdicts.b3).toEqual(['keep_n_recently_pulled']);
    expect(reasons([tag('keep-1', 1, 0)], { nameRegexDelete: '.*', nameRegexKeep: 'keep-.*' })['keep-1']).toEqual(['name_regex_keep']);
  });

  it('breaks ties in pull time by name, whatever the input order', () => {
    const tied = [tag('x', 5, 1), tag('y', 5, 1), tag('z', 5, 1)];
    expect(deleted(tied, { nameRegexDelete: '.*', keepNRecentlyPulled: 1 })).toEqual(['x', 'y']);
    expect(deleted([...tied].reverse(), { nameRegexDelete: '.*', keepNRecentlyPulled: 1 })).toEqual(['x', 'y']);
  });

  it('counts each kept tag once, under its first reason', () => {
    const plan = planRetention(builds, compileRetentionRules({ nameRegexDelete: '.*', keepN: 1, keepNRecentlyPulled: 2, keepPulledWithin: '7d' }), NOW);
    expect(plan.delete.map((t) => t.name).sort()).toEqual(['b2', 'b4']);
    expect(plan.kept).toEqual({ latest: 0, byName: 0, byKeepN: 1, byAge: 0, byRecentlyPulled: 2, byPulledWithin: 0 });
  });

  it('treats tags without pull statistics (callers that do not read them) as never pulled', () => {
    expect(deleted([{ name: 'a', pushedAt: daysAgo(1) }], { nameRegexDelete: '.*', keepPulledWithin: '90d', keepNRecentlyPulled: 5 })).toEqual(['a']);
  });

  it('judges 100 000 tags with every rule quickly', () => {
    const many = Array.from({ length: 100_000 }, (_, i) => tag(`build-${i}`, i / 1000, i % 3 === 0 ? i / 500 : null));
    const started = Date.now();
    const plan = planRetention(many, compileRetentionRules({ nameRegexDelete: 'build-\\d+', keepN: 10, olderThan: '30d', keepNRecentlyPulled: 100, keepPulledWithin: '14d' }), NOW);
    expect(plan.delete.length).toBeGreaterThan(0);
    expect(Date.now() - started).toBeLessThan(5000);
  });
});
