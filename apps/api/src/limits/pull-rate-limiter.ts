import type { Logger } from '@cargohold/common';
import type { CounterIncrement, RedisCounters } from '@cargohold/platform';

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

interface PendingCount {
  windowSeconds: number;
  windowIndex: number;
  /** The key's total in Redis as of our last increment there (it includes every increment we flushed). */
  known: number;
  /** Hits counted here, not yet sent. */
  pending: number;
  /** Hits sent in the flush under way. */
  inflight: number;
  /** Set while the key's first hit is being counted in Redis; hits arriving meanwhile wait for it. */
  first?: Promise<void>;
  lastHit: number;
}

export interface BatchedCounterOptions {
  /** Flush pending hits at least this often (ms). */
  flushIntervalMs: number;
  /** Flush at once when this many hits are pending in total. */
  flushHits: number;
  /** A key with nothing pending and no hit for this long is forgotten (its next hit asks Redis again). */
  idleMs: number;
  /** The longest a hit or a flush waits for Redis. */
  timeoutMs: number;
}

/**
 * Counts hits in the process and sends them to Redis in batches (INCRBY + PEXPIRE per key, all keys in one
 * transaction, every `flushIntervalMs` or `flushHits` hits), so a manifest GET does not wait on Redis.
 *
 * A key's first hit in this process (per window) is counted in Redis before answering, which tells the process
 * the total other replicas have reached; later hits are decided against that last known total plus the hits
 * counted here since. The limit is therefore exact on one replica and approximate across replicas: each other
 * replica may allow up to one flush interval of pulls beyond it before the total reaches everyone. Increments of
 * a failed flush are dropped (failing open, as a hit does while Redis is not connected).
 */
export class BatchedRedisHitCounter implements HitCounter {
  private readonly counts = new Map<string, PendingCount>();
  private pendingTotal = 0;
  private timer?: NodeJS.Timeout;
  private flushing?: Promise<void>;
  private readonly options: BatchedCounterOptions;

  constructor(
    /** The platform's Redis counters (under its key prefix). */
    private readonly redis: RedisCounters,
    private readonly log: Logger,
    options: Partial<BatchedCounterOptions> = {},
    private readonly now: () => number = Date.now,
  ) {
    this.options = { flushIntervalMs: 250, flushHits: 100, idleMs: 60_000, timeoutMs: 500, ...options };
  }

  async hit(key: string, windowSeconds: number, windowIndex: number): Promise<number> {
    this.redis.requireReady(); // while Redis is down, no limit applies (not even what this process counted)
    const fullKey = counterKey(key, windowIndex);
    let count = this.counts.get(fullKey);
    if (!count) {
      // First hit here: count it in Redis now, which also tells us what the other replicas counted.
      const created: PendingCount = { windowSeconds, windowIndex, known: 0, pending: 0, inflight: 0, lastHit: this.now() };
      let total = 0;
      created.first = this.redis.increment([increment(fullKey, 1, windowSeconds)], this.options.timeoutMs).then(([value]) => {
        total = value;
        created.known = Math.max(created.known, value);
      });
      this.counts.set(fullKey, created);
      try {
        await created.first;
      } catch (error) {
        if (this.counts.get(fullKey) === created && created.pending === 0 && created.inflight === 0) this.counts.delete(fullKey);
        throw error;
      } finally {
        created.first = undefined;
      }
      return total;
    }
    if (count.first) {
      await count.first; // rejects (fails open) when the first hit could not be counted
      count = this.counts.get(fullKey) ?? count;
    }
    count.pending += 1;
    count.lastHit = this.now();
    this.pendingTotal += 1;
    this.schedule();
    return count.known + count.inflight + count.pending;
  }

  /** Sends what is pending (on shutdown). */
  async close(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    await this.flushing;
    if (this.pendingTotal > 0) await this.flush();
  }

  private schedule(): void {
    if (this.flushing) return; // the flush under way reschedules when it ends
    if (this.pendingTotal >= this.options.flushHits) {
      clearTimeout(this.timer);
      this.timer = undefined;
      void this.flush();
    } else if (!this.timer) {
      this.timer = setTimeout(() => {
        this.timer = undefined;
        void this.flush();
      }, this.options.flushIntervalMs);
      this.timer.unref();
    }
  }

  private flush(): Promise<void> {
    const batch: [string, PendingCount, number][] = [];
    const now = this.now();
    for (const [key, count] of this.counts) {
      if (count.pending > 0) {
        batch.push([key, count, count.pending]);
        count.inflight += count.pending;
        count.pending = 0;
      } else if (count.inflight === 0 && !count.first && (now - count.lastHit > this.options.idleMs || (count.windowIndex + 1) * count.windowSeconds * 1000 <= now)) {
        this.counts.delete(key); // idle, or its window is over
      }
    }
    this.pendingTotal = 0;
    if (batch.length === 0) return Promise.resolve();
    const run = this.redis
      .increment(batch.map(([key, count, sent]) => increment(key, sent, count.windowSeconds)), this.options.timeoutMs)
      .then(
        (totals) => batch.forEach(([, count, sent], i) => {
          count.inflight -= sent;
          count.known = Math.max(count.known, totals[i]);
        }),
        (error: unknown) => {
          for (const [, count, sent] of batch) count.inflight -= sent;
          this.log.warn({ err: error, keys: batch.length }, 'pull rate limit: pending counts not sent to redis, dropped');
        },
      )
      .finally(() => {
        this.flushing = undefined;
        if (this.pendingTotal > 0) this.schedule();
      });
    this.flushing = run;
    return run;
  }
}

function counterKey(key: string, windowIndex: number): string {
  return `ratelimit:pull:${key}:${windowIndex}`;
}

/** A window's counter outlives its window by a minute, for clocks that disagree a little between replicas. */
function increment(key: string, by: number, windowSeconds: number): CounterIncrement {
  return { key, by, ttlMs: (windowSeconds + 60) * 1000 };
}
