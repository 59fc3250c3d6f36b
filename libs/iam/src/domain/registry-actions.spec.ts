import { deployTokenActions, intersectActions, roleActions, scopeActions } from './registry-actions';
import { Visibility } from './visibility';

const NONE: string[] = [];
const PULL = ['pull'];
const ALL = ['pull', 'push', 'delete'];

describe('roleActions (CONTRACT.md roles table)', () => {
  // [level, visibility, signed-in non-member may see internal, expected]
  const matrix: Array<[number, Visibility, boolean, string[]]> = [
    // No membership
    [0, 'private', true, NONE],
    [0, 'internal', true, PULL],
    [0, 'internal', false, NONE],
    [0, 'public', false, PULL],
    [0, 'public', true, PULL],
    // Guest
    [10, 'private', true, NONE],
    [10, 'internal', true, PULL],
    [10, 'internal', false, PULL],
    [10, 'public', true, PULL],
    // Reporter
    [20, 'private', true, PULL],
    [20, 'internal', true, PULL],
    [20, 'public', true, PULL],
    // Developer, Maintainer, Owner
    [30, 'private', true, ALL],
    [30, 'public', true, ALL],
    [40, 'private', true, ALL],
    [40, 'internal', false, ALL],
    [50, 'private', true, ALL],
    [50, 'public', false, ALL],
  ];

  it.each(matrix)('level %i on a %s project (signed in: %s) may %j', (level, visibility, signedIn, expected) => {
    expect(roleActions(level, visibility, signedIn)).toEqual(expected);
  });
});

describe('scopeActions', () => {
  it.each<[string[] | null, string[]]>([
    [null, ALL],
    [['api'], ALL],
    [['read_registry'], PULL],
    [['write_registry'], ['push', 'delete']],
    [['read_registry', 'write_registry'], ALL],
    [['read_api'], NONE],
    [['read_user', 'read_repository'], NONE],
    [[], NONE],
  ])('scopes %j cap registry actions to %j', (scopes, expected) => {
    expect(scopeActions(scopes)).toEqual(expected);
  });
});

describe('role × visibility × scope', () => {
  const levels = [0, 10, 20, 30, 40, 50];
  const visibilities: Visibility[] = ['private', 'internal', 'public'];
  const scopeSets: Array<string[] | null> = [null, ['api'], ['read_registry'], ['write_registry'], ['read_api']];

  it('never grants more than either the role or the scopes allow', () => {
    for (const level of levels) {
      for (const visibility of visibilities) {
        for (const scopes of scopeSets) {
          const role = roleActions(level, visibility, true);
          const cap = scopeActions(scopes);
          const result = intersectActions(role, cap);
          expect(result.every((a) => role.includes(a) && cap.includes(a))).toBe(true);
          expect(role.filter((a) => cap.includes(a))).toEqual(result);
        }
      }
    }
  });

  it('a Reporter with read_registry pulls a private project but cannot push even with write_registry', () => {
    expect(intersectActions(roleActions(20, 'private', true), scopeActions(['read_registry', 'write_registry']))).toEqual(PULL);
  });

  it('a Developer token with only read_registry pulls but does not push', () => {
    expect(intersectActions(roleActions(30, 'private', true), scopeActions(['read_registry']))).toEqual(PULL);
  });
});

describe('deployTokenActions', () => {
  it.each<[string[], string[]]>([
    [['read_registry'], PULL],
    [['write_registry'], ['push', 'delete']],
    [['read_registry', 'write_registry'], ALL],
    [['read_repository'], NONE],
  ])('%j → %j', (scopes, expected) => {
    expect(deployTokenActions(scopes)).toEqual(expected);
  });
});

describe('container_registry_access_level', () => {
  it.each<[number, Visibility, boolean, string[]]>([
    [0, 'public', false, NONE],
    [0, 'public', true, NONE],
    [0, 'internal', true, NONE],
    [10, 'public', true, NONE],
    [20, 'public', true, PULL],
    [20, 'private', true, PULL],
    [30, 'public', true, ALL],
    [50, 'private', true, ALL],
  ])('private: level %i on a %s project (signed in: %s) may %j', (level, visibility, signedIn, expected) => {
    expect(roleActions(level, visibility, signedIn, 'private')).toEqual(expected);
  });

  it.each([0, 10, 20, 30, 40, 50])('disabled: level %i may do nothing, even on a public project', (level) => {
    expect(roleActions(level, 'public', true, 'disabled')).toEqual(NONE);
  });

  it('deploy tokens keep their scopes on a private registry and lose them on a disabled one', () => {
    expect(deployTokenActions(['read_registry', 'write_registry'], 'private')).toEqual(ALL);
    expect(deployTokenActions(['read_registry', 'write_registry'], 'disabled')).toEqual(NONE);
  });
});
