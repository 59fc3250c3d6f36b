import { InvalidTagRegexError, MAX_TAG_REGEX_LENGTH, TagNameRegex } from './tag-name-regex';

describe('TagNameRegex', () => {
  it('matches the whole tag name, never a part of it', () => {
    const regex = TagNameRegex.compile('v\\d+');
    expect(regex.matches('v1')).toBe(true);
    expect(regex.matches('v12')).toBe(true);
    expect(regex.matches('v1-rc')).toBe(false);
    expect(regex.matches('xv1')).toBe(false);
  });

  it('anchors alternations as a whole (unlike GitLab\'s \\A...\\z concatenation)', () => {
    const regex = TagNameRegex.compile('dev|stable');
    expect(regex.matches('dev')).toBe(true);
    expect(regex.matches('stable')).toBe(true);
    expect(regex.matches('dev-1')).toBe(false);
    expect(regex.matches('old-stable')).toBe(false);
  });

  it('accepts GitLab documentation patterns', () => {
    expect(TagNameRegex.compile('[0-9a-z]{40}').matches('a'.repeat(40))).toBe(true);
    expect(TagNameRegex.compile('.*').matches('anything.at-all_1')).toBe(true);
    expect(TagNameRegex.compile('stable.*').matches('stable-2024')).toBe(true);
    expect(TagNameRegex.compile('dev-.+').matches('dev-')).toBe(false);
  });

  it.each(['[', '(a', 'a{1001}', '(?=lookahead)', '\\1', '*'])('refuses %j with RE2\'s reason', (pattern) => {
    expect(() => TagNameRegex.compile(pattern)).toThrow(InvalidTagRegexError);
    try {
      TagNameRegex.compile(pattern);
    } catch (error) {
      expect((error as InvalidTagRegexError).reason).toMatch(/\S/);
    }
  });

  it('refuses overly long patterns before compiling them', () => {
    expect(() => TagNameRegex.compile('a'.repeat(MAX_TAG_REGEX_LENGTH + 1))).toThrow(/longer than/);
  });

  it('runs a catastrophic-backtracking pattern in linear time', () => {
    const regex = TagNameRegex.compile('(a+)+$');
    const hostile = `${'a'.repeat(100_000)}!`;
    const started = Date.now();
    expect(regex.matches(hostile)).toBe(false);
    // A backtracking engine takes longer than the age of the universe here; RE2 takes milliseconds.
    expect(Date.now() - started).toBeLessThan(2000);
  });
});
