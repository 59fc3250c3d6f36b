import { createServer, Server, Socket } from 'node:net';
import Redis from 'ioredis';
import { connectTestRedis, TEST_REDIS_URL, TestRedis } from '@cargohold/testing';
import { RedisCounters } from './redis-counters';

/** The counters against the machine's Redis, under a key prefix of this file's own (deleted after; never a flush). */
describe('RedisCounters (Redis)', () => {
  let test: TestRedis;
  let redis: Redis;
  let prefix: string;
  let counters: RedisCounters;

  beforeAll(async () => {
    test = await connectTestRedis('counters');
    ({ redis, prefix } = test);
    counters = new RedisCounters(redis, prefix);
  });

  afterAll(() => test?.close());

  it('adds several increments in one call and answers the totals, with each key expiring ttlMs after', async () => {
    await redis.set(`${prefix}:b`, '10');
    expect(await counters.increment([{ key: 'a', by: 1, ttlMs: 60_000 }, { key: 'b', by: 5, ttlMs: 5_000 }])).toEqual([1, 15]);
    expect(await counters.increment([{ key: 'a', by: 2, ttlMs: 60_000 }])).toEqual([3]);
    expect(await redis.get(`${prefix}:a`)).toBe('3');
    const [ttlA, ttlB] = await Promise.all([redis.pttl(`${prefix}:a`), redis.pttl(`${prefix}:b`)]);
    expect(ttlA).toBeGreaterThan(55_000);
    expect(ttlA).toBeLessThanOrEqual(60_000);
    expect(ttlB).toBeGreaterThan(0);
    expect(ttlB).toBeLessThanOrEqual(5_000);
  });

  it('pushes the expiry ahead on every increment, and the counter is gone once it passed', async () => {
    const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
    await counters.increment([{ key: 'sliding', by: 1, ttlMs: 600 }]);
    await sleep(400);
    expect(await counters.increment([{ key: 'sliding', by: 1, ttlMs: 600 }])).toEqual([2]);
    await sleep(400);
    expect(await redis.get(`${prefix}:sliding`)).toBe('2'); // 800 ms after the first, 400 after the second
    await sleep(400);
    expect(await redis.exists(`${prefix}:sliding`)).toBe(0);
  });

  it('grants a lease once until it is deleted or expires', async () => {
    expect(await counters.tryLease('lease', 60_000)).toBe(true);
    expect(await counters.tryLease('lease', 60_000)).toBe(false);
    await counters.delete('lease');
    expect(await counters.tryLease('lease', 100)).toBe(true);
    expect(await counters.tryLease('lease', 100)).toBe(false);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await counters.tryLease('lease', 100)).toBe(true);
  });

  it('fails at once while Redis is not connected', async () => {
    const idle = new Redis(TEST_REDIS_URL, { lazyConnect: true });
    const offline = new RedisCounters(idle, prefix);
    const started = Date.now();
    await expect(offline.increment([{ key: 'x', by: 1, ttlMs: 1000 }])).rejects.toThrow('redis is wait');
    await expect(offline.tryLease('x', 1000)).rejects.toThrow('redis is wait');
    await expect(offline.delete('x')).rejects.toThrow('redis is wait');
    expect(Date.now() - started).toBeLessThan(100);
    idle.disconnect();
  });

  it('gives up on a Redis that does not answer after the deadline', async () => {
    // A server that accepts connections and never answers: ioredis is "ready" (no ready check, no CLIENT SETINFO).
    const sockets: Socket[] = [];
    const silent: Server = createServer((socket) => void sockets.push(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const port = (silent.address() as { port: number }).port;
    const mute = new Redis({ host: '127.0.0.1', port, lazyConnect: true, enableReadyCheck: false, disableClientInfo: true, maxRetriesPerRequest: 0 });
    mute.on('error', () => undefined);
    await mute.connect();
    try {
      const started = Date.now();
      await expect(new RedisCounters(mute, prefix, 200).increment([{ key: 'x', by: 1, ttlMs: 1000 }])).rejects.toThrow('redis did not answer within 200 ms');
      await expect(new RedisCounters(mute, prefix).tryLease('x', 1000, 100)).rejects.toThrow('within 100 ms');
      expect(Date.now() - started).toBeLessThan(1000);
    } finally {
      mute.disconnect();
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => silent.close(resolve));
    }
  });
});
