import { IamError, IamErrorCode } from './domain/iam-error';
import { PasswordCheckLimiter } from './password-check-limiter';

function deferred() {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

describe('PasswordCheckLimiter', () => {
  it('runs at most `concurrency` checks, queues a few, refuses the rest with TOO_MANY_REQUESTS and a Retry-After', async () => {
    const limiter = new PasswordCheckLimiter({ concurrency: 2, queueLength: 1, maxWaitMs: 10_000 });
    const gates = [deferred(), deferred(), deferred()];
    let running = 0;
    let peak = 0;
    const check = (i: number) => async () => {
      running += 1;
      peak = Math.max(peak, running);
      await gates[i].promise;
      running -= 1;
      return i;
    };
    const runs = [0, 1, 2].map((i) => limiter.run(check(i)));
    const refused = limiter.run(async () => 99).catch((error: unknown) => error);
    const error = (await refused) as IamError;
    expect(error).toBeInstanceOf(IamError);
    expect(error.code).toBe(IamErrorCode.TOO_MANY_REQUESTS);
    expect(error.retryAfterSeconds).toBeGreaterThan(0);
    expect(limiter.load).toEqual({ running: 2, waiting: 1 });
    gates.forEach((gate) => gate.resolve());
    expect(await Promise.all(runs)).toEqual([0, 1, 2]);
    expect(peak).toBe(2);
    expect(limiter.load).toEqual({ running: 0, waiting: 0 });
  });

  it('refuses a queued check that waited too long, and frees its slot when a check throws', async () => {
    const limiter = new PasswordCheckLimiter({ concurrency: 1, queueLength: 5, maxWaitMs: 30 });
    const gate = deferred();
    const first = limiter.run(() => gate.promise);
    await expect(limiter.run(async () => 1)).rejects.toMatchObject({ code: IamErrorCode.TOO_MANY_REQUESTS });
    gate.resolve();
    await first;
    await expect(limiter.run(async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(await limiter.run(async () => 2)).toBe(2);
    expect(limiter.load).toEqual({ running: 0, waiting: 0 });
  });
});
