import Redis from 'ioredis';
import pino from 'pino';
import { RedisCounters } from '@cargohold/platform';
import { connectTestRedis, TEST_REDIS_URL, TestRedis } from '@cargohold/testing';
import { BatchedRedisHitCounter } from './pull-rate-limiter';

/**
 * The batched pull counter against the machine's Redis, under a key prefix of this file's own (deleted after; never
 * a flush): what each replica sends, when, and what it learns from the others.
 */
describe('BatchedRedisHitCounter (Redis)', () => {
  const silent = pino({ level: 'silent' });
  const key = (name: string, window: number) => `${test.prefix}:ratelimit:pull:${name}:${window}`;
  const flushed = () => new Promise((resolve) => setTimeout(resolve, 500));
  let test: TestRedis;
  let redis: Redis;
  let counters: RedisCounters;

  beforeAll(async () => {
    test = await connectTestRedis('pulls');
    redis = test.redis;
    counters = new RedisCounters(redis, test.prefix);
  });

  afterAll(() => test?.close());

  it('counts the first hit of a key in Redis at once, later ones locally, then flushes them together', async () => {
    const counter = new BatchedRedisHitCounter(counters, silent, { flushIntervalMs: 300 });
    expect(await counter.hit('user:a', 60, 7)).toBe(1);
    expect(await redis.get(key('user:a', 7))).toBe('1');
    expect([await counter.hit('user:a', 60, 7), await counter.hit('user:a', 60, 7), await counter.hit('user:a', 60, 7)]).toEqual([2, 3, 4]);
    expect(await redis.get(key('user:a', 7))).toBe('1'); // not sent yet
    await flushed();
    expect(await redis.get(key('user:a', 7))).toBe('4');
    const ttl = await redis.pttl(key('user:a', 7));
    expect(ttl).toBeGreaterThan(100_000); // the window and a minute
    expect(ttl).toBeLessThanOrEqual(120_000);
    await counter.close();
  });

  it("learns other replicas' counts: from the first hit, then from every flush", async () => {
    await redis.set(key('ip:x', 1), '10'); // another replica counted 10
    const counter = new BatchedRedisHitCounter(counters, silent, { flushIntervalMs: 400 });
    expect(await counter.hit('ip:x', 60, 1)).toBe(11);
    expect(await counter.hit('ip:x', 60, 1)).toBe(12);
    await redis.incrby(key('ip:x', 1), 8); // 8 more elsewhere before our flush: 20 in all
    await new Promise((resolve) => setTimeout(resolve, 600));
    expect(await redis.get(key('ip:x', 1))).toBe('20');
    expect(await counter.hit('ip:x', 60, 1)).toBe(21);
    await counter.close();
  });

  it('makes concurrent first hits wait for the first round trip, and flushes at once past flushHits', async () => {
    const counter = new BatchedRedisHitCounter(counters, silent, { flushIntervalMs: 60_000, flushHits: 3 });
    const counts = await Promise.all([1, 2, 3, 4].map(() => counter.hit('k', 60, 1)));
    expect(counts.sort()).toEqual([1, 2, 3, 4]);
    await flushed();
    expect(await redis.get(key('k', 1))).toBe('4');
    await counter.close();
  });

  it('drops the hits of a flush Redis refused, and sends what is pending on close', async () => {
    const counter = new BatchedRedisHitCounter(counters, silent, { flushIntervalMs: 300 });
    expect(await counter.hit('drop', 60, 1)).toBe(1);
    expect(await counter.hit('drop', 60, 1)).toBe(2);
    await redis.set(key('drop', 1), 'not a number'); // INCRBY fails: the flush is refused
    await flushed();
    await redis.set(key('drop', 1), '1');
    expect(await counter.hit('drop', 60, 1)).toBe(2); // the refused hit is gone; this one is pending
    await counter.close();
    expect(await redis.get(key('drop', 1))).toBe('2');
  });

  it('fails (open) at once while Redis is not connected, even for keys it counts locally', async () => {
    const own = new Redis(TEST_REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 1 });
    await own.connect();
    const counter = new BatchedRedisHitCounter(new RedisCounters(own, test.prefix), silent, { flushIntervalMs: 20 });
    expect(await counter.hit('down', 60, 1)).toBe(1);
    const ended = new Promise((resolve) => own.once('end', resolve));
    own.disconnect();
    await ended;
    await expect(counter.hit('down', 60, 1)).rejects.toThrow('redis is end');
    await counter.close();
  });
});
