import { reviewInterval } from './gc.scheduler';

describe('reviewInterval', () => {
  it('runs every minute with the production review delay, sooner (not below 5 s) when the delay is shorter', () => {
    expect(reviewInterval(86400)).toBe(60);
    expect(reviewInterval(20)).toBe(20);
    expect(reviewInterval(0)).toBe(5);
  });
});
