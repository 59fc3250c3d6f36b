import pino from 'pino';
import { BatchedRedisHitCounter, HitCounter, PullRateLimiter, rateLimitHeaders, RedisCounterClient } from './pull-rate-limiter';

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

/** The few ioredis calls the counters make, against a map; `calls` records each transaction's commands. */
class FakeRedis implements RedisCounterClient {
  status = 'ready';
  readonly values = new Map<string, number>();
  readonly transactions: string[][] = [];
  fail = false;
  multi() {
    const commands: (() => [Error | null, unknown])[] = [];
    const names: string[] = [];
    const chain = {
      incrby: (key: string, by: number) => {
        names.push(`incrby ${key} ${by}`);
        commands.push(() => {
          const next = (this.values.get(key) ?? 0) + by;
          this.values.set(key, next);
          return [null, next];
        });
        return chain;
      },
      expire: (key: string) => {
        names.push(`expire ${key}`);
        commands.push(() => [null, 1]);
        return chain;
      },
      exec: async () => {
        this.transactions.push(names);
        if (this.fail) throw new Error('connection lost');
        return commands.map((command) => command());
      },
    };
    return chain;
  }
}

const flushed = () => new Promise((resolve) => setTimeout(resolve, 30));

describe('BatchedRedisHitCounter', () => {
  it('counts the first hit of a key in Redis at once, later ones locally, and flushes them in one INCRBY', async () => {
    const redis = new FakeRedis();
    const counter = new BatchedRedisHitCounter(redis, 'p', silent, { flushIntervalMs: 10 });
    expect(await counter.hit('user:a', 60, 7)).toBe(1);
    expect(redis.transactions).toEqual([['incrby p:ratelimit:pull:user:a:7 1', 'expire p:ratelimit:pull:user:a:7']]);
    expect([await counter.hit('user:a', 60, 7), await counter.hit('user:a', 60, 7), await counter.hit('user:a', 60, 7)]).toEqual([2, 3, 4]);
    expect(redis.transactions).toHaveLength(1);
    await flushed();
    expect(redis.transactions[1]).toEqual(['incrby p:ratelimit:pull:user:a:7 3', 'expire p:ratelimit:pull:user:a:7']);
    expect(redis.values.get('p:ratelimit:pull:user:a:7')).toBe(4);
  });

  it("learns other replicas' counts: from the first hit, then from every flush", async () => {
    const redis = new FakeRedis();
    redis.values.set('p:ratelimit:pull:ip:x:1', 10); // another replica counted 10
    const counter = new BatchedRedisHitCounter(redis, 'p', silent, { flushIntervalMs: 10 });
    expect(await counter.hit('ip:x', 60, 1)).toBe(11);
    expect(await counter.hit('ip:x', 60, 1)).toBe(12);
    redis.values.set('p:ratelimit:pull:ip:x:1', 20); // 8 more elsewhere meanwhile
    await flushed();
    expect(await counter.hit('ip:x', 60, 1)).toBe(22);
  });

  it('makes concurrent first hits wait for the first round trip, and flushes at once past flushHits', async () => {
    const redis = new FakeRedis();
    const counter = new BatchedRedisHitCounter(redis, 'p', silent, { flushIntervalMs: 60_000, flushHits: 3 });
    const counts = await Promise.all([1, 2, 3, 4].map(() => counter.hit('k', 60, 1)));
    expect(counts.sort()).toEqual([1, 2, 3, 4]);
    await flushed();
    expect(redis.values.get('p:ratelimit:pull:k:1')).toBe(4);
    expect(redis.transactions).toHaveLength(2);
  });

  it('fails (open) when Redis is not connected, and drops a failed flush', async () => {
    const redis = new FakeRedis();
    const counter = new BatchedRedisHitCounter(redis, 'p', silent, { flushIntervalMs: 10 });
    await counter.hit('k', 60, 1);
    redis.fail = true;
    expect(await counter.hit('k', 60, 1)).toBe(2);
    await flushed();
    redis.fail = false;
    expect(await counter.hit('k', 60, 1)).toBe(2);
    redis.status = 'reconnecting';
    await expect(counter.hit('k', 60, 1)).rejects.toThrow('redis is reconnecting');
    redis.status = 'ready';
    await counter.close();
  });
});
