import { judgePush, LimitedNamespace, refusalDetail, refusalMessage } from './storage-quota';

const project = (limit: number, used: number): LimitedNamespace => ({ kind: 'project', id: 1, fullPath: 'top/app', limit, used });
const group = (limit: number, used: number): LimitedNamespace => ({ kind: 'group', id: 2, fullPath: 'top', limit, used });

describe('judgePush', () => {
  it('admits what fits, up to the limit exactly', () => {
    expect(judgePush([project(100, 40)], 60).refusedBy).toBeNull();
  });

  it('refuses one byte over, naming the first namespace that has no room (project before groups)', () => {
    expect(judgePush([project(100, 40), group(50, 45)], 61).refusedBy).toMatchObject({ kind: 'project' });
    expect(judgePush([project(100, 40), group(50, 45)], 10).refusedBy).toMatchObject({ kind: 'group', fullPath: 'top' });
  });

  it('lets through anything that costs nothing, even in a namespace already over its limit', () => {
    expect(judgePush([project(100, 140)], 0)).toEqual({ refusedBy: null, crossed: [] });
  });

  it('reports crossing 85 % once: from below to at or above', () => {
    expect(judgePush([project(100, 80)], 5).crossed).toHaveLength(1);
    expect(judgePush([project(100, 80)], 4).crossed).toEqual([]);
    expect(judgePush([project(100, 85)], 5).crossed).toEqual([]);
    expect(judgePush([project(100, 50), group(1000, 820)], 40).crossed.map((ns) => ns.kind)).toEqual(['project', 'group']);
  });

  it('says limit, used and needed, and names the namespace', () => {
    expect(refusalDetail(group(50, 45), 10)).toEqual({ limit: 50, used: 45, needed: 10, namespace: 'top', namespace_kind: 'group' });
    expect(refusalMessage(group(50, 45), 10)).toContain('group top');
  });
});
