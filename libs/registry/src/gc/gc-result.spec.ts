import { addGcResults, emptyGcResult, isOlderThan, manifestVerdict } from './gc-result';

describe('manifestVerdict', () => {
  it('deletes only a manifest that nothing keeps alive', () => {
    expect(manifestVerdict({ tagged: false, referencedByIndex: false, subjectExists: false })).toBe('dangling');
  });

  it('keeps tagged manifests, index children and referrers of an existing subject, in that order of precedence', () => {
    expect(manifestVerdict({ tagged: true, referencedByIndex: true, subjectExists: true })).toBe('tagged');
    expect(manifestVerdict({ tagged: false, referencedByIndex: true, subjectExists: true })).toBe('referenced_by_index');
    expect(manifestVerdict({ tagged: false, referencedByIndex: false, subjectExists: true })).toBe('referrer_of_existing_subject');
  });

  it('keeps a manifest a restorable deleted tag names, after every other reason', () => {
    const restorableUntil = new Date('2026-01-02T00:00:00Z');
    expect(manifestVerdict({ tagged: false, referencedByIndex: false, subjectExists: false, restorableUntil })).toBe('restorable_tag');
    expect(manifestVerdict({ tagged: true, referencedByIndex: false, subjectExists: false, restorableUntil })).toBe('tagged');
    expect(manifestVerdict({ tagged: false, referencedByIndex: false, subjectExists: false, restorableUntil: null })).toBe('dangling');
  });
});

describe('isOlderThan', () => {
  const now = new Date('2026-01-02T00:00:00Z');
  it('compares the age with the grace period, inclusive', () => {
    expect(isOlderThan(new Date('2026-01-01T00:00:00Z'), 86400, now)).toBe(true);
    expect(isOlderThan(new Date('2026-01-01T00:00:01Z'), 86400, now)).toBe(false);
  });
  it('treats a zero grace period as "anything already written"', () => {
    expect(isOlderThan(now, 0, now)).toBe(true);
  });
});

describe('addGcResults', () => {
  it('sums every field', () => {
    const a = { ...emptyGcResult(), manifestsDeleted: 2, bytesReclaimed: 100, skipped: 1 };
    const b = { ...emptyGcResult(), manifestsDeleted: 1, blobsDeleted: 4, bytesReclaimed: 50, orphanUploadsAborted: 3 };
    expect(addGcResults(a, b)).toEqual({ ...emptyGcResult(), manifestsDeleted: 3, blobsDeleted: 4, bytesReclaimed: 150, skipped: 1, orphanUploadsAborted: 3 });
  });
});
