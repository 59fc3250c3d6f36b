import { candidateProjectPaths, isValidPath, pathFromName } from './paths';

describe('paths', () => {
  it('accepts OCI name components only', () => {
    expect(isValidPath('my-project')).toBe(true);
    expect(isValidPath('a.b_c__d')).toBe(true);
    expect(isValidPath('My-Project')).toBe(false);
    expect(isValidPath('-lead')).toBe(false);
    expect(isValidPath('trail.')).toBe(false);
    expect(isValidPath('a/b')).toBe(false);
    expect(isValidPath('')).toBe(false);
  });

  it('derives a path from a display name', () => {
    expect(pathFromName('My Cool Project')).toBe('my-cool-project');
    expect(pathFromName('  Ops & Infra!  ')).toBe('ops-infra');
  });

  it('lists owning project candidates longest first, at most two levels below the project', () => {
    expect(candidateProjectPaths('group/project')).toEqual(['group/project']);
    expect(candidateProjectPaths('g/sub/p/img')).toEqual(['g/sub/p/img', 'g/sub/p', 'g/sub']);
    expect(candidateProjectPaths('a/b/c/d/e')).toEqual(['a/b/c/d/e', 'a/b/c/d', 'a/b/c']);
  });

  it('has no candidates for invalid image names', () => {
    expect(candidateProjectPaths('single')).toEqual([]);
    expect(candidateProjectPaths('Upper/case')).toEqual([]);
    expect(candidateProjectPaths('a//b')).toEqual([]);
    expect(candidateProjectPaths(`a/${'b'.repeat(300)}`)).toEqual([]);
  });
});
