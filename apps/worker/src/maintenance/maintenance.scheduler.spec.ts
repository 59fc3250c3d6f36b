import { strandedCheckEveryMs } from './maintenance.scheduler';

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
