import { randomBytes } from 'node:crypto';
import type Redis from 'ioredis';

/** A held lease: renewed while the work goes on, released when it ends. */
export interface FetchLease {
  /** Extends the lease; false when it was lost (expired and taken by another holder). */
  renew(): Promise<boolean>;
  release(): Promise<void>;
}

/**
 * Who downloads what from an upstream right now, shared by every api replica: one holder per key, the others wait
 * for what it stores. A lease expires by itself when its holder dies, so a crashed replica delays the next download
 * by at most the lease's lifetime.
 */
export interface FetchLeases {
  tryAcquire(key: string, ttlMs: number): Promise<FetchLease | null>;
  isHeld(key: string): Promise<boolean>;
}

// Compare-and-delete and compare-and-extend: only the holder (its random value) may release or renew.
const RELEASE = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end`;
const RENEW = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('pexpire', KEYS[1], ARGV[2]) else return 0 end`;

/** Leases as Redis keys under the platform's prefix (`SET NX PX`), released by compare-and-delete. */
export class RedisFetchLeases implements FetchLeases {
  constructor(
    private readonly redis: Redis,
    /** The platform's key prefix (REDIS_PREFIX): the keys are `<prefix>:pull-through:<key>`. */
    private readonly prefix: string,
  ) {}

  async tryAcquire(key: string, ttlMs: number): Promise<FetchLease | null> {
    const redisKey = this.key(key);
    const value = randomBytes(12).toString('hex');
    const set = await this.redis.set(redisKey, value, 'PX', ttlMs, 'NX');
    if (set !== 'OK') return null;
    return {
      renew: async () => (await this.redis.eval(RENEW, 1, redisKey, value, String(ttlMs))) === 1,
      release: async () => {
        await this.redis.eval(RELEASE, 1, redisKey, value);
      },
    };
  }

  async isHeld(key: string): Promise<boolean> {
    return (await this.redis.exists(this.key(key))) === 1;
  }

  private key(key: string): string {
    return `${this.prefix}:pull-through:${key}`;
  }
}
