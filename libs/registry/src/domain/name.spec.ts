import fc from 'fast-check';
import { RegistryError } from './errors';
import {
  MAX_REPOSITORY_NAME_LENGTH,
  candidateProjectPaths,
  imageNameWithinProject,
  isValidRepositoryName,
  parseRepositoryName,
} from './name';
import { thrown } from './thrown.spec-helper';

describe('parseRepositoryName', () => {
  it.each([
    ['gitlab-org/gitlab', ['gitlab-org', 'gitlab']],
    ['group/sub/project/image', ['group', 'sub', 'project', 'image']],
    ['a/b', ['a', 'b']],
    ['my.group/my_project/some__image/v1-2--3', ['my.group', 'my_project', 'some__image', 'v1-2--3']],
    ['0/9', ['0', '9']],
  ])('accepts %s', (path, components) => {
    expect(parseRepositoryName(path)).toEqual({ path, components });
    expect(isValidRepositoryName(path)).toBe(true);
  });

  it('accepts exactly 255 characters', () => {
    const path = `a/${'b'.repeat(MAX_REPOSITORY_NAME_LENGTH - 2)}`;
    expect(path).toHaveLength(255);
    expect(parseRepositoryName(path).components[1]).toHaveLength(253);
  });

  it.each([
    ['empty', '', /empty/],
    ['a single component', 'project', /namespace and a project/],
    ['256 characters', `a/${'b'.repeat(254)}`, /longer than 255/],
    ['a ".." component', 'group/../etc', /"\.\."/],
    ['".." inside a component', 'group/a..b', /"\.\."/],
    ['an encoded slash', 'group%2fproject', /percent/],
    ['an encoded slash in caps', 'group/project%2Fimage', /percent/],
    ['uppercase', 'Group/project', /lowercase/],
    ['a NUL byte', 'group/pro\u0000ject', /control/],
    ['a newline', 'group/project\n', /control/],
    ['DEL', 'group/project\u007f', /control/],
    ['a trailing slash', 'group/project/', /slash/],
    ['a leading slash', '/group/project', /slash/],
    ['an empty component', 'group//project', /empty path components/],
    ['a leading separator', 'group/-project', /path component "-project"/],
    ['a trailing separator', 'group/project_', /path component "project_"/],
    ['three underscores', 'group/a___b', /path component "a___b"/],
    ['a dot component', 'group/./project', /path component "\."/],
    ['a space', 'group/my project', /path component/],
    ['a colon', 'group/project:tag', /path component/],
    ['non-ASCII', 'group/prøject', /path component/],
    ['a backslash', 'group\\project/x', /path component/],
  ])('rejects %s', (_label, input, message) => {
    const e = thrown(() => parseRepositoryName(input));
    expect(e.code).toBe('NAME_INVALID');
    expect(e.message).toMatch(message);
    expect(isValidRepositoryName(input)).toBe(false);
  });

  it('rejects non-strings', () => {
    expect(thrown(() => parseRepositoryName(undefined as unknown as string)).code).toBe('NAME_INVALID');
    expect(isValidRepositoryName(5)).toBe(false);
  });

  it('does not echo a huge name back', () => {
    const e = thrown(() => parseRepositoryName('a'.repeat(100_000)));
    expect(e.message.length).toBeLessThan(300);
  });

  describe('properties', () => {
    const alnum = fc.string({ unit: fc.constantFrom(...'abcdefghijklmnopqrstuvwxyz0123456789'), minLength: 1, maxLength: 8 });
    const separator = fc.constantFrom('.', '_', '__', '-', '--', '---');
    const component = fc
      .tuple(alnum, fc.array(fc.tuple(separator, alnum), { maxLength: 3 }))
      .map(([head, rest]) => head + rest.map(([s, a]) => s + a).join(''));
    const validName = fc
      .array(component, { minLength: 2, maxLength: 6 })
      .map((cs) => cs.join('/'))
      .filter((n) => n.length <= MAX_REPOSITORY_NAME_LENGTH);

    it('parses every generated valid name to its components', () => {
      fc.assert(
        fc.property(validName, (name) => {
          const parsed = parseRepositoryName(name);
          expect(parsed.path).toBe(name);
          expect(parsed.components.join('/')).toBe(name);
          expect(parsed.components.length).toBeGreaterThanOrEqual(2);
        }),
      );
    });

    it('throws only RegistryError(NAME_INVALID) on arbitrary strings', () => {
      const anyName = fc.oneof(
        fc.string(),
        fc.string({ unit: 'binary', maxLength: 300 }),
        fc.string({ unit: fc.constantFrom(...'aZ0./_-%\u0000'), maxLength: 300 }),
      );
      fc.assert(
        fc.property(anyName, (s) => {
          try {
            expect(parseRepositoryName(s).path).toBe(s);
          } catch (e) {
            expect(e).toBeInstanceOf(RegistryError);
            expect((e as RegistryError).code).toBe('NAME_INVALID');
          }
        }),
      );
    });

    it('accepted names never contain "..", "%", uppercase or empty components', () => {
      fc.assert(
        fc.property(fc.string({ unit: fc.constantFrom(...'aB0./_-%'), maxLength: 40 }), (s) => {
          if (!isValidRepositoryName(s)) return;
          expect(s).not.toMatch(/\.\.|%|[A-Z]|\/\/|^\/|\/$/);
        }),
      );
    });

    it('candidate project paths are prefixes, longest first, 2+ components, at most 3', () => {
      fc.assert(
        fc.property(validName, (name) => {
          const c = candidateProjectPaths(name);
          expect(c[0]).toBe(name);
          expect(c.length).toBeLessThanOrEqual(3);
          for (let i = 0; i < c.length; i++) {
            expect(name === c[i] || name.startsWith(`${c[i]}/`)).toBe(true);
            expect(c[i].split('/').length).toBeGreaterThanOrEqual(2);
            if (i > 0) expect(c[i].split('/').length).toBe(c[i - 1].split('/').length - 1);
          }
        }),
      );
    });
  });
});

describe('candidateProjectPaths', () => {
  it.each([
    ['a/b', ['a/b']],
    ['a/b/c', ['a/b/c', 'a/b']],
    ['a/b/c/d', ['a/b/c/d', 'a/b/c', 'a/b']],
    ['a/b/c/d/e', ['a/b/c/d/e', 'a/b/c/d', 'a/b/c']],
  ])('%s -> %j', (path, expected) => {
    expect(candidateProjectPaths(path)).toEqual(expected);
  });

  it('validates the path first', () => {
    expect(thrown(() => candidateProjectPaths('a/../b')).code).toBe('NAME_INVALID');
  });
});

describe('imageNameWithinProject', () => {
  it.each([
    ['group/project', 'group/project', ''],
    ['group/project/app', 'group/project', 'app'],
    ['group/sub/project/app/worker', 'group/sub/project', 'app/worker'],
  ])('%s in %s is "%s"', (path, project, name) => {
    expect(imageNameWithinProject(path, project)).toBe(name);
  });

  it.each([
    ['too deep', 'group/project/a/b/c', 'group/project'],
    ['another project', 'group/other/app', 'group/project'],
    ['a prefix that is not a component', 'group/projectx/app', 'group/project'],
    ['shorter than the project', 'group/project', 'group/project/app'],
  ])('rejects %s', (_label, path, project) => {
    expect(thrown(() => imageNameWithinProject(path, project)).code).toBe('NAME_INVALID');
  });
});
