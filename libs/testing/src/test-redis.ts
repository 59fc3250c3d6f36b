import { randomBytes } from 'node:crypto';
import Redis from 'ioredis';
import { TEST_REDIS_URL } from './test-database';

export interface TestRedis {
  /** A connection to the machine's Redis. Write keys under `prefix` only: `close` deletes exactly those. */
  redis: Redis;
  /** Unique to this connection, without a trailing separator. */
  prefix: string;
  /** The keys under the prefix now. */
  keys(): Promise<string[]>;
  /** Deletes the keys under the prefix (never a flush: the machine's Redis is shared) and disconnects. */
  close(): Promise<void>;
}

/** A connection to the machine's Redis and a key prefix of the caller's own, for specs that run against Redis. */
export async function connectTestRedis(name = 'test'): Promise<TestRedis> {
  const prefix = `ch-${name}-${randomBytes(6).toString('hex')}`;
  const redis = new Redis(TEST_REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 1 });
  await redis.connect();
  const keys = async () => {
    const found: string[] = [];
    for await (const batch of redis.scanStream({ match: `${prefix}:*`, count: 500 }) as AsyncIterable<string[]>) found.push(...batch);
    return found;
  };
  return {
    redis,
    prefix,
    keys,
    close: async () => {
      const mine = await keys();
      if (mine.length > 0) await redis.unlink(...mine);
      await redis.quit();
    },
  };
}
