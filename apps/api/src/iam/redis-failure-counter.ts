import { createHash } from 'node:crypto';
import Redis from 'ioredis';
import { SharedFailureCounter } from '@cargohold/iam';

/**
 * Failed authentications per client address, counted in Redis for every api replica (AuthFailureThrottle).
 * Refuses at once while Redis is not connected rather than queueing behind an outage: the throttle then works
 * per process, as it does without Redis. Keys hold a digest of the address, not the address.
 */
export class RedisFailureCounter implements SharedFailureCounter {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  async increment(key: string, windowMs: number): Promise<number> {
    this.checkReady();
    const redisKey = this.keyOf(key);
    const replies = await this.redis.multi().incr(redisKey).pexpire(redisKey, windowMs).exec();
    const [error, count] = replies?.[0] ?? [new Error('no reply'), 0];
    if (error) throw error;
    return Number(count);
  }

  async clear(key: string): Promise<void> {
    this.checkReady();
    await this.redis.del(this.keyOf(key));
  }

  private checkReady(): void {
    if (this.redis.status !== 'ready') throw new Error(`redis is ${this.redis.status}`);
  }

  private keyOf(key: string): string {
    return `${this.prefix}:auth-failures:${createHash('sha256').update(key).digest('hex').slice(0, 32)}`;
  }
}
