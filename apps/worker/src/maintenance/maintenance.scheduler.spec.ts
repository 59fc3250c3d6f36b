import { pruneDeletedTagsEveryMs, strandedCheckEveryMs } from './maintenance.scheduler';

describe('strandedCheckEveryMs', () => {
  it('looks twice per STRANDED_WORK_AFTER, every 5 minutes with the default 600 s', () => {
    expect(strandedCheckEveryMs(600)).toBe(300_000);
    expect(strandedCheckEveryMs(60)).toBe(30_000);
  });

  it('never more often than every 5 s, never less often than every 5 minutes', () => {
    expect(strandedCheckEveryMs(1)).toBe(5_000);
    expect(strandedCheckEveryMs(86_400)).toBe(300_000);
  });
});

describe('pruneDeletedTagsEveryMs', () => {
  it('prunes once per GC_REVIEW_DELAY, between every minute and every hour', () => {
    expect(pruneDeletedTagsEveryMs(86_400)).toBe(3_600_000);
    expect(pruneDeletedTagsEveryMs(600)).toBe(600_000);
    expect(pruneDeletedTagsEveryMs(0)).toBe(60_000);
  });
});
