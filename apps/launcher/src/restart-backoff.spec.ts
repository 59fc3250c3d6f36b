import { DEFAULT_RESTART_BACKOFF, RestartBackoff } from './restart-backoff';

describe('RestartBackoff', () => {
  it('doubles from 1 s up to a 30 s cap while the service keeps crashing', () => {
    const backoff = new RestartBackoff();
    const delays = Array.from({ length: 8 }, () => backoff.nextDelay(500));
    expect(delays).toEqual([1_000, 2_000, 4_000, 8_000, 16_000, 30_000, 30_000, 30_000]);
    expect(backoff.attempt).toBe(8);
  });

  it('starts again from 1 s after a run of a minute or more', () => {
    const backoff = new RestartBackoff();
    backoff.nextDelay(100);
    backoff.nextDelay(100);
    expect(backoff.nextDelay(100)).toBe(4_000);
    expect(backoff.nextDelay(DEFAULT_RESTART_BACKOFF.resetAfterMs)).toBe(1_000);
    expect(backoff.attempt).toBe(1);
    expect(backoff.nextDelay(59_999)).toBe(2_000);
  });

  it('keeps the delay finite and capped however long the crash loop lasts', () => {
    const backoff = new RestartBackoff({ initialMs: 10, maxMs: 50, resetAfterMs: 1_000 });
    let last = 0;
    for (let i = 0; i < 2_000; i++) last = backoff.nextDelay(0);
    expect(last).toBe(50);
  });
});
