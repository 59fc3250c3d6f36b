import { compareInventories, hasProblems } from './storage-check';

const NOW = new Date('2026-01-02T00:00:00Z');
const OLD = new Date('2026-01-01T00:00:00Z');
const d = (c: string) => `sha256:${c.repeat(64)}`;

describe('compareInventories', () => {
  it('finds nothing when every row has its file with the right size', () => {
    const report = compareInventories(new Map([[d('a'), 10], [d('b'), 20]]), [
      { digest: d('b'), size: 20, modifiedAt: OLD },
      { digest: d('a'), size: 10, modifiedAt: OLD },
    ], 3600, NOW);
    expect(report).toEqual({ blobsInDatabase: 2, filesInStore: 2, missing: [], sizeMismatches: [], orphans: [], pending: [] });
    expect(hasProblems(report)).toBe(false);
  });

  it('reports rows without bytes, and files of the wrong size', () => {
    const report = compareInventories(new Map([[d('c'), 10], [d('a'), 10], [d('b'), 5]]), [{ digest: d('b'), size: 4, modifiedAt: OLD }], 3600, NOW);
    expect(report.missing).toEqual([d('a'), d('c')]);
    expect(report.sizeMismatches).toEqual([{ digest: d('b'), expected: 5, actual: 4 }]);
    expect(hasProblems(report)).toBe(true);
  });

  it('splits files no row knows into orphans (older than the review delay) and pending ones', () => {
    const young = new Date(NOW.getTime() - 10_000);
    const report = compareInventories(new Map(), [
      { digest: d('e'), size: 1, modifiedAt: young },
      { digest: d('f'), size: 2, modifiedAt: OLD },
    ], 3600, NOW);
    expect(report.orphans.map((file) => file.digest)).toEqual([d('f')]);
    expect(report.pending.map((file) => file.digest)).toEqual([d('e')]);
    expect(hasProblems(report)).toBe(true);
    expect(hasProblems({ ...report, orphans: [] })).toBe(false);
  });
});
