import type Redis from 'ioredis';
import type { Logger } from '@cargohold/common';

/** Counts hits per key in fixed windows; returns the count after this hit. */
export interface HitCounter {
  hit(key: string, windowSeconds: number, windowIndex: number): Promise<number>;
}

export interface PullRateLimits {
  /** Manifest GETs per window for anonymous callers, counted per client address; 0 = unlimited. */
  anonymous: number;
  /** Manifest GETs per window for signed-in callers, counted per user; 0 = unlimited. */
  authenticated: number;
  windowSeconds: number;
}

export interface RateLimitVerdict {
  allowed: boolean;
  limit: number;
  remaining: number;
  windowSeconds: number;
  /** Seconds until the current window ends (Retry-After when refused). */
  resetSeconds: number;
}

/**
 * Docker Hub style pull limits: every manifest GET (not HEAD) costs one pull, counted in fixed windows.
 * Anonymous callers are counted per client address, signed-in ones per user, so a CI fleet behind one NAT
 * that logs in is not throttled by its neighbours.
 */
export class PullRateLimiter {
  constructor(
    private readonly limits: PullRateLimits,
    private readonly counter: HitCounter,
    private readonly log: Logger,
    private readonly now: () => number = Date.now,
  ) {}

  /** The verdict for one pull, or null when no limit applies (disabled, or the counter is unavailable). */
  async consume(subject: string | null, address: string): Promise<RateLimitVerdict | null> {
    const limit = subject === null ? this.limits.anonymous : this.limits.authenticated;
    if (limit <= 0) return null;
    const window = this.limits.windowSeconds;
    const nowSeconds = this.now() / 1000;
    const index = Math.floor(nowSeconds / window);
    const key = subject === null ? `ip:${address}` : `user:${subject}`;
    let count: number;
    try {
      count = await this.counter.hit(key, window, index);
    } catch (error) {
      // Fail open: a Redis outage must not stop pulls of images production depends on.
      this.log.warn({ err: error }, 'pull rate limit not applied: counter unavailable');
      return null;
    }
    return {
      allowed: count <= limit,
      limit,
      remaining: Math.max(0, limit - count),
      windowSeconds: window,
      resetSeconds: Math.max(1, Math.ceil((index + 1) * window - nowSeconds)),
    };
  }
}

/** The response headers of a verdict, in Docker Hub's form (`ratelimit-limit: 100;w=21600`). */
export function rateLimitHeaders(verdict: RateLimitVerdict): Record<string, string> {
  const headers: Record<string, string> = {
    'RateLimit-Limit': `${verdict.limit};w=${verdict.windowSeconds}`,
    'RateLimit-Remaining': `${verdict.remaining};w=${verdict.windowSeconds}`,
  };
  if (!verdict.allowed) headers['Retry-After'] = String(verdict.resetSeconds);
  return headers;
}

/**
 * Counters in Redis under the platform's key prefix. When Redis is not connected the hit fails at once
 * instead of waiting in ioredis' offline queue, and a slow Redis is given up on after `timeoutMs`.
 */
export class RedisHitCounter implements HitCounter {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly timeoutMs = 500,
  ) {}

  async hit(key: string, windowSeconds: number, windowIndex: number): Promise<number> {
    if (this.redis.status !== 'ready') throw new Error(`redis is ${this.redis.status}`);
    const fullKey = `${this.prefix}:ratelimit:pull:${key}:${windowIndex}`;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`redis did not answer within ${this.timeoutMs} ms`)), this.timeoutMs);
    });
    try {
      const result = await Promise.race([this.redis.multi().incr(fullKey).expire(fullKey, windowSeconds + 60).exec(), timeout]);
      const [incrError, count] = result?.[0] ?? [new Error('empty transaction result'), null];
      if (incrError) throw incrError;
      return Number(count);
    } finally {
      clearTimeout(timer);
    }
  }
}
