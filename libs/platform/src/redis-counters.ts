import type Redis from 'ioredis';

/** What one `increment` adds: `by` to `key`, whose expiry is then set `ttlMs` ahead. */
export interface CounterIncrement {
  key: string;
  by: number;
  ttlMs: number;
}

/**
 * Counters and leases in Redis, under the platform's key prefix, shared by every api replica: the pull rate limit's
 * window counters, the failed sign-in counter, the bulk delete lease. One implementation of the Redis side for all of
 * them: each call fails at once while Redis is not connected (rather than queueing behind an outage in ioredis'
 * offline queue) and gives up after its deadline. Callers decide what failing means for them (all of ours fail
 * open).
 */
export class RedisCounters {
  constructor(
    private readonly redis: Pick<Redis, 'status' | 'multi' | 'set' | 'del'>,
    private readonly prefix: string,
    /** The longest a call waits for Redis unless it says otherwise. */
    private readonly timeoutMs = 2000,
  ) {}

  /**
   * Adds each increment and sets its key's expiry, all in one transaction (MULTI: INCRBY, PEXPIRE per key);
   * resolves with the totals after, in order.
   */
  async increment(increments: readonly CounterIncrement[], timeoutMs = this.timeoutMs): Promise<number[]> {
    this.requireReady();
    const transaction = this.redis.multi();
    for (const { key, by, ttlMs } of increments) transaction.incrby(this.keyOf(key), by).pexpire(this.keyOf(key), ttlMs);
    const replies = await this.withDeadline(transaction.exec(), timeoutMs);
    if (!replies) throw new Error('redis transaction aborted');
    return increments.map((_, i) => {
      const [error, total] = replies[2 * i] ?? [new Error('missing transaction reply'), null];
      if (error) throw error;
      return Number(total);
    });
  }

  /** Takes the lease `key` for `ttlMs` if nobody holds it (SET NX PX); true when this caller got it. */
  async tryLease(key: string, ttlMs: number, timeoutMs = this.timeoutMs): Promise<boolean> {
    this.requireReady();
    return (await this.withDeadline(this.redis.set(this.keyOf(key), '1', 'PX', ttlMs, 'NX'), timeoutMs)) === 'OK';
  }

  /** Removes a counter or a lease. */
  async delete(key: string, timeoutMs = this.timeoutMs): Promise<void> {
    this.requireReady();
    await this.withDeadline(this.redis.del(this.keyOf(key)), timeoutMs);
  }

  private keyOf(key: string): string {
    return `${this.prefix}:${key}`;
  }

  /** Throws at once while Redis is not connected. */
  requireReady(): void {
    if (this.redis.status !== 'ready') throw new Error(`redis is ${this.redis.status}`);
  }

  private async withDeadline<T>(work: Promise<T>, timeoutMs: number): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`redis did not answer within ${timeoutMs} ms`)), timeoutMs);
    });
    try {
      return await Promise.race([work, deadline]);
    } finally {
      clearTimeout(timer);
    }
  }
}
