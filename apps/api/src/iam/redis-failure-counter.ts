import { createHash } from 'node:crypto';
import { SharedFailureCounter } from '@cargohold/iam';
import { RedisCounters } from '@cargohold/platform';

/**
 * Failed authentications per client address, counted in Redis for every api replica (AuthFailureThrottle); each
 * failure pushes the key's expiry `windowMs` ahead. Refuses at once while Redis is not connected rather than
 * queueing behind an outage: the throttle then works per process, as it does without Redis. Keys hold a digest of
 * the address, not the address.
 */
export class RedisFailureCounter implements SharedFailureCounter {
  constructor(private readonly counters: RedisCounters) {}

  async increment(key: string, windowMs: number): Promise<number> {
    const [count] = await this.counters.increment([{ key: this.keyOf(key), by: 1, ttlMs: windowMs }]);
    return count;
  }

  async clear(key: string): Promise<void> {
    await this.counters.delete(this.keyOf(key));
  }

  private keyOf(key: string): string {
    return `auth-failures:${createHash('sha256').update(key).digest('hex').slice(0, 32)}`;
  }
}
