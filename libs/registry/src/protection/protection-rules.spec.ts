import { ProjectProtection, ProtectionPatternCache, repositoryPatternProblem, tagPatternProblem, TagProtectionRule, RepositoryProtectionRule } from './protection-rules';

const tagRule = (id: number, pattern: string, push: number | null, del: number | null): TagProtectionRule => ({
  id,
  projectId: 1,
  tagNamePattern: pattern,
  minimumAccessLevelForPush: push,
  minimumAccessLevelForDelete: del,
});
const repoRule = (id: number, pattern: string, push: number | null, del: number | null): RepositoryProtectionRule => ({
  id,
  projectId: 1,
  repositoryPathPattern: pattern,
  minimumAccessLevelForPush: push,
  minimumAccessLevelForDelete: del,
});
const protect = (tags: TagProtectionRule[], repos: RepositoryProtectionRule[] = []) => new ProjectProtection(tags, repos, new ProtectionPatternCache());

describe('protection rules', () => {
  it('matches tag patterns anywhere in the name (GitLab), anchors when asked', () => {
    const p = protect([tagRule(1, 'v.+', 40, 50)]);
    expect(p.forTag('ns/app', 'v1.2.3').minimumAccessLevelForPush).toBe(40);
    expect(p.forTag('ns/app', 'dev1').minimumAccessLevelForPush).toBe(40);
    expect(p.forTag('ns/app', 'latest').minimumAccessLevelForPush).toBeNull();
    const anchored = protect([tagRule(1, '^v[0-9]', 40, 50)]);
    expect(anchored.forTag('ns/app', 'dev1').minimumAccessLevelForPush).toBeNull();
    expect(anchored.forTag('ns/app', 'v1').minimumAccessLevelForPush).toBe(40);
  });

  it('refuses below the level with the rule named, and lets administrators (60) through', () => {
    const p = protect([tagRule(1, '^v', 40, 50)]);
    expect(p.judgePush('ns/app', 'v1.2.3', 30, false)?.message).toBe('tag "v1.2.3" is protected: pushing requires Maintainer');
    expect(p.judgePush('ns/app', 'v1.2.3', 40, true)).toBeNull();
    expect(p.judgeDelete('ns/app', 'v1.2.3', 40)?.message).toBe('tag "v1.2.3" is protected: deleting requires Owner');
    expect(p.judgeDelete('ns/app', 'v1.2.3', 50)).toBeNull();
    expect(p.judgeDelete('ns/app', 'v1.2.3', 60)).toBeNull();
  });

  it('takes the most restrictive of several matching rules', () => {
    const p = protect([tagRule(1, '^v', 40, 40), tagRule(2, '^v1', 50, null)]);
    const effective = p.forTag('ns/app', 'v1.0');
    expect(effective.minimumAccessLevelForPush).toBe(50);
    expect(effective.minimumAccessLevelForDelete).toBe(40);
    expect(p.judgePush('ns/app', 'v1.0', 40, false)?.message).toBe('tag "v1.0" is protected: pushing requires Owner');
  });

  it('immutable: creating and identical re-push pass, moving and deleting are refused for everyone', () => {
    const p = protect([tagRule(1, '^v', null, null)]);
    expect(p.judgePush('ns/app', 'v1', 30, false)).toBeNull();
    expect(p.judgePush('ns/app', 'v1', 60, true)?.message).toBe('tag "v1" is immutable');
    expect(p.judgeDelete('ns/app', 'v1', 60)?.message).toBe('tag "v1" is immutable');
    expect(p.judgeDelete('ns/app', 'latest', 30)).toBeNull();
  });

  it('repository rules match the whole path with * wildcards', () => {
    const p = protect([], [repoRule(1, 'ns/proj/prod/*', 40, 40)]);
    expect(p.judgePush('ns/proj/prod/api', 'x', 30, false)?.message).toBe('repository "ns/proj/prod/api" is protected: pushing requires Maintainer');
    expect(p.judgePush('ns/proj/dev/api', 'x', 30, false)).toBeNull();
    expect(p.judgePush('ns/proj/production', null, 30, false)).toBeNull();
    expect(p.judgeDelete('ns/proj/prod/api', null, 40)).toBeNull();
  });

  it('validates patterns', () => {
    expect(tagPatternProblem('v.+')).toBeNull();
    expect(tagPatternProblem('(')).toMatch(/RE2/);
    expect(tagPatternProblem('a'.repeat(101))).toMatch(/too long/);
    expect(tagPatternProblem('')).toMatch(/empty/);
    expect(repositoryPatternProblem('ns/proj/prod/*', 'ns/proj')).toBeNull();
    expect(repositoryPatternProblem('ns/proj', 'ns/proj')).toBeNull();
    expect(repositoryPatternProblem('ns/projx/*', 'ns/proj')).toMatch(/full path/);
    expect(repositoryPatternProblem('ns/proj/(a)', 'ns/proj')).toMatch(/valid/);
  });
});
