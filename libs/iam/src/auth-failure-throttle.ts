import { LRUCache } from 'lru-cache';
import { IamError } from './domain/iam-error';

/**
 * Slows down guessing: after a few failed authentications from one client address, every further attempt
 * from it waits a penalty that doubles per failure, up to a cap. Successes clear the record. Kept in memory,
 * so an attempt never waits on anything but its penalty; with a SharedFailureCounter, every failure is also
 * counted across replicas, and the count it returns raises this process's, so spreading guesses over N
 * replicas does not buy N times the free attempts. A restart forgives what only this process knew.
 * An address that is being penalised gets one attempt in flight at a time: further concurrent attempts are
 * refused at once (429), before any credential is looked at, so a parallel flood cannot queue up password checks.
 */
export interface AuthFailureThrottleOptions {
  /** Failures allowed without delay. */
  freeFailures: number;
  /** Penalty after the first failure beyond the free ones. */
  baseDelayMs: number;
  maxDelayMs: number;
  /** Failures older than this are forgotten. */
  windowMs: number;
  /** Most addresses tracked at once (oldest dropped first), so a flood of addresses cannot exhaust memory. */
  maxEntries: number;
}

export const DEFAULT_THROTTLE_OPTIONS: AuthFailureThrottleOptions = {
  freeFailures: 5,
  baseDelayMs: 250,
  maxDelayMs: 5_000,
  windowMs: 10 * 60_000,
  maxEntries: 10_000,
};

/** Failures counted across every api replica (Redis), per key, forgotten `windowMs` after the last one. */
export interface SharedFailureCounter {
  /** Counts one failure; resolves with the total within the window. */
  increment(key: string, windowMs: number): Promise<number>;
  clear(key: string): Promise<void>;
}

interface Entry {
  failures: number;
  lastFailureAt: number;
}

export class AuthFailureThrottle {
  /** Least recently failed first: a set on each failure is its use; reads `peek`, so they do not count as one. */
  private readonly entries: LRUCache<string, Entry>;
  /** Attempts in flight per penalised key (waiting their penalty or being checked); never more keys than attempts. */
  private readonly inFlight = new Map<string, number>();
  private readonly options: AuthFailureThrottleOptions;

  constructor(
    options: Partial<AuthFailureThrottleOptions> = {},
    private readonly now: () => number = Date.now,
    private readonly shared?: SharedFailureCounter,
  ) {
    this.options = { ...DEFAULT_THROTTLE_OPTIONS, ...options };
    this.entries = new LRUCache({ max: this.options.maxEntries });
  }

  /** Milliseconds the next attempt from `key` must wait. */
  penaltyMs(key: string): number {
    const entry = this.current(key);
    if (!entry) return 0;
    const excess = entry.failures - this.options.freeFailures;
    if (excess <= 0) return 0;
    return Math.min(this.options.baseDelayMs * 2 ** Math.min(excess - 1, 20), this.options.maxDelayMs);
  }

  recordFailure(key: string): void {
    const entry = this.current(key) ?? { failures: 0, lastFailureAt: 0 };
    entry.failures += 1;
    entry.lastFailureAt = this.now();
    this.entries.set(key, entry);
    // Not awaited: the response to this failure does not wait for Redis; the next attempt sees the total.
    this.shared
      ?.increment(key, this.options.windowMs)
      .then((total) => this.raiseTo(key, total))
      .catch(() => undefined);
  }

  /**
   * Forgets `key`'s failures here and, when this process knew of any, across replicas. A success from an address
   * this process has no failure for (every docker push and pull asks for a token) costs no Redis round trip; failures
   * only other replicas counted then stay until their window ends, so this is never more lenient than clearing.
   */
  recordSuccess(key: string): void {
    const knewFailures = this.entries.delete(key);
    if (knewFailures) this.shared?.clear(key).catch(() => undefined);
  }

  /**
   * One authentication attempt from `key`: waits out the penalty, runs `authenticate`, and records its outcome
   * (null is a failure). While `key` is penalised and another attempt from it is still in flight, refuses at once
   * with IamError TOO_MANY_REQUESTS (Retry-After: the penalty) without calling `authenticate`.
   */
  async attempt<T>(key: string, authenticate: () => Promise<T | null>): Promise<T | null> {
    const penalty = this.penaltyMs(key);
    if (penalty > 0 && (this.inFlight.get(key) ?? 0) > 0) {
      throw IamError.tooManyRequests('too many failed sign-in attempts from this address, retry later', Math.ceil(penalty / 1000));
    }
    this.inFlight.set(key, (this.inFlight.get(key) ?? 0) + 1);
    try {
      if (penalty > 0) await new Promise((resolve) => setTimeout(resolve, penalty));
      const result = await authenticate();
      if (result === null) this.recordFailure(key);
      else this.recordSuccess(key);
      return result;
    } finally {
      const left = (this.inFlight.get(key) ?? 1) - 1;
      if (left > 0) this.inFlight.set(key, left);
      else this.inFlight.delete(key);
    }
  }

  /** Waits out the current penalty for `key`. */
  async delay(key: string): Promise<void> {
    const ms = this.penaltyMs(key);
    if (ms > 0) await new Promise((resolve) => setTimeout(resolve, ms));
  }

  /** What other replicas counted: this process's record never says fewer failures than the shared total. */
  private raiseTo(key: string, total: number): void {
    const entry = this.current(key);
    if (entry && total > entry.failures) entry.failures = total;
  }

  private current(key: string): Entry | undefined {
    const entry = this.entries.peek(key);
    if (entry && this.now() - entry.lastFailureAt > this.options.windowMs) {
      this.entries.delete(key);
      return undefined;
    }
    return entry;
  }
}
