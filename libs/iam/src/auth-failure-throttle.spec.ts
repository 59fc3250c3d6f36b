import { AuthFailureThrottle, SharedFailureCounter } from './auth-failure-throttle';

describe('AuthFailureThrottle', () => {
  let clock = 0;
  const make = () => new AuthFailureThrottle({ freeFailures: 2, baseDelayMs: 100, maxDelayMs: 1000, windowMs: 60_000, maxEntries: 3 }, () => clock);

  beforeEach(() => (clock = 1_000_000));

  it('lets a few failures pass, then doubles the penalty up to the cap', () => {
    const throttle = make();
    const penalties: number[] = [];
    for (let i = 0; i < 8; i++) {
      throttle.recordFailure('1.2.3.4');
      penalties.push(throttle.penaltyMs('1.2.3.4'));
    }
    expect(penalties).toEqual([0, 0, 100, 200, 400, 800, 1000, 1000]);
    expect(throttle.penaltyMs('5.6.7.8')).toBe(0);
  });

  it('forgives after a success or after the window', () => {
    const throttle = make();
    for (let i = 0; i < 4; i++) throttle.recordFailure('a');
    expect(throttle.penaltyMs('a')).toBe(200);
    throttle.recordSuccess('a');
    expect(throttle.penaltyMs('a')).toBe(0);
    for (let i = 0; i < 4; i++) throttle.recordFailure('b');
    clock += 60_001;
    expect(throttle.penaltyMs('b')).toBe(0);
  });

  it('bounds memory by dropping the oldest addresses', () => {
    const throttle = make();
    for (const key of ['a', 'b', 'c', 'd']) for (let i = 0; i < 3; i++) throttle.recordFailure(key);
    expect(throttle.penaltyMs('a')).toBe(0);
    expect(throttle.penaltyMs('d')).toBe(100);
  });

  it('takes the count shared by other replicas into its own, and forgets it on a success', async () => {
    const counts = new Map<string, number>();
    const shared: SharedFailureCounter = {
      increment: async (key) => {
        counts.set(key, (counts.get(key) ?? 0) + 1);
        return counts.get(key)!;
      },
      clear: async (key) => void counts.delete(key),
    };
    const options = { freeFailures: 2, baseDelayMs: 100, maxDelayMs: 1000, windowMs: 60_000, maxEntries: 10 };
    const [a, b] = [new AuthFailureThrottle(options, () => clock, shared), new AuthFailureThrottle(options, () => clock, shared)];
    for (let i = 0; i < 4; i++) (i % 2 === 0 ? a : b).recordFailure('1.2.3.4');
    await new Promise((resolve) => setImmediate(resolve));
    // Each saw two failures (both free on its own), but each learnt the running total at its last one: 3 and 4.
    expect([a.penaltyMs('1.2.3.4'), b.penaltyMs('1.2.3.4')]).toEqual([100, 200]);
    a.recordSuccess('1.2.3.4');
    await new Promise((resolve) => setImmediate(resolve));
    expect(counts.has('1.2.3.4')).toBe(false);
  });

  it('leaves the shared count alone on a success from an address it knows no failure of', async () => {
    const calls: string[] = [];
    const counts = new Map<string, number>([['5.6.7.8', 3]]);
    const shared: SharedFailureCounter = {
      increment: async (key) => {
        counts.set(key, (counts.get(key) ?? 0) + 1);
        return counts.get(key)!;
      },
      clear: async (key) => {
        calls.push(key);
        counts.delete(key);
      },
    };
    const options = { freeFailures: 2, baseDelayMs: 100, maxDelayMs: 1000, windowMs: 60_000, maxEntries: 10 };
    const throttle = new AuthFailureThrottle(options, () => clock, shared);
    throttle.recordSuccess('5.6.7.8');
    await new Promise((resolve) => setImmediate(resolve));
    // No Redis call for the common case (a login with nothing to forget here), and the other replicas' failures stay.
    expect(calls).toEqual([]);
    throttle.recordFailure('5.6.7.8');
    await new Promise((resolve) => setImmediate(resolve));
    expect(counts.get('5.6.7.8')).toBe(4);
    expect(throttle.penaltyMs('5.6.7.8')).toBe(200);
  });

  it('works on its own when the shared counter fails', async () => {
    const failing: SharedFailureCounter = { increment: async () => Promise.reject(new Error('redis is reconnecting')), clear: async () => Promise.reject(new Error('down')) };
    const throttle = new AuthFailureThrottle({ freeFailures: 1, baseDelayMs: 100, maxDelayMs: 1000, windowMs: 60_000, maxEntries: 10 }, () => clock, failing);
    throttle.recordFailure('k');
    throttle.recordFailure('k');
    await new Promise((resolve) => setImmediate(resolve));
    expect(throttle.penaltyMs('k')).toBe(100);
    expect(() => throttle.recordSuccess('k')).not.toThrow();
    expect(throttle.penaltyMs('k')).toBe(0);
  });
});

describe('AuthFailureThrottle.attempt', () => {
  it('records outcomes, and refuses concurrent attempts from a penalised address before checking anything', async () => {
    const throttle = new AuthFailureThrottle({ freeFailures: 1, baseDelayMs: 50, maxDelayMs: 50, windowMs: 60_000, maxEntries: 10 });
    expect(await throttle.attempt('a', async () => null)).toBeNull();
    expect(await throttle.attempt('a', async () => null)).toBeNull();
    expect(throttle.penaltyMs('a')).toBe(50);
    let checks = 0;
    const slow = throttle.attempt('a', async () => {
      checks += 1;
      return null;
    });
    await expect(throttle.attempt('a', async () => (checks += 1))).rejects.toMatchObject({ code: 'TOO_MANY_REQUESTS', retryAfterSeconds: 1 });
    // Another address is not affected.
    expect(await throttle.attempt('b', async () => 'ok')).toBe('ok');
    await slow;
    expect(checks).toBe(1);
    // One at a time still goes through (after its wait), and a success clears the record.
    expect(await throttle.attempt('a', async () => 'ok')).toBe('ok');
    expect(throttle.penaltyMs('a')).toBe(0);
  });
});
