import pino from 'pino';
import { HitCounter, PullRateLimiter, rateLimitHeaders } from './pull-rate-limiter';

class MemoryCounter implements HitCounter {
  readonly counts = new Map<string, number>();
  async hit(key: string, _window: number, index: number): Promise<number> {
    const full = `${key}:${index}`;
    const next = (this.counts.get(full) ?? 0) + 1;
    this.counts.set(full, next);
    return next;
  }
}

const silent = pino({ level: 'silent' });

describe('PullRateLimiter', () => {
  it('counts anonymous callers per address and signed-in callers per user, each against its own limit', async () => {
    let now = 1_000_000_000;
    const limiter = new PullRateLimiter({ anonymous: 2, authenticated: 3, windowSeconds: 60 }, new MemoryCounter(), silent, () => now);
    const anon = [await limiter.consume(null, '10.0.0.1'), await limiter.consume(null, '10.0.0.1'), await limiter.consume(null, '10.0.0.1')];
    expect(anon.map((v) => [v?.allowed, v?.remaining])).toEqual([[true, 1], [true, 0], [false, 0]]);
    expect((await limiter.consume(null, '10.0.0.2'))?.allowed).toBe(true);
    // The same address signed in is counted as the user, not as the address.
    for (let i = 0; i < 3; i++) expect((await limiter.consume('alice', '10.0.0.1'))?.allowed).toBe(true);
    expect((await limiter.consume('alice', '10.0.0.9'))?.allowed).toBe(false);
    now += 60_000;
    expect((await limiter.consume('alice', '10.0.0.1'))?.remaining).toBe(2);
  });

  it('applies no limit when disabled or when the counter fails', async () => {
    const disabled = new PullRateLimiter({ anonymous: 0, authenticated: 0, windowSeconds: 60 }, new MemoryCounter(), silent);
    expect(await disabled.consume(null, 'a')).toBeNull();
    const broken = new PullRateLimiter({ anonymous: 1, authenticated: 1, windowSeconds: 60 }, { hit: () => Promise.reject(new Error('down')) }, silent);
    expect(await broken.consume('bob', 'a')).toBeNull();
  });

  it("renders Docker Hub's header form and a Retry-After when refused", () => {
    expect(rateLimitHeaders({ allowed: true, limit: 100, remaining: 76, windowSeconds: 21600, resetSeconds: 5 })).toEqual({
      'RateLimit-Limit': '100;w=21600',
      'RateLimit-Remaining': '76;w=21600',
    });
    expect(rateLimitHeaders({ allowed: false, limit: 100, remaining: 0, windowSeconds: 21600, resetSeconds: 5 })['Retry-After']).toBe('5');
  });
});
