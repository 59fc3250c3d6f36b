/**
 * Slows down guessing: after a few failed authentications from one client address, every further attempt
 * from it waits a penalty that doubles per failure, up to a cap. Successes clear the record. In memory and
 * per process: cheap, and enough to make online guessing impractical; a restart forgives.
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

interface Entry {
  failures: number;
  lastFailureAt: number;
}

export class AuthFailureThrottle {
  private readonly entries = new Map<string, Entry>();
  private readonly options: AuthFailureThrottleOptions;

  constructor(
    options: Partial<AuthFailureThrottleOptions> = {},
    private readonly now: () => number = Date.now,
  ) {
    this.options = { ...DEFAULT_THROTTLE_OPTIONS, ...options };
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
    // Re-insert so Map order is least-recently-failed first.
    this.entries.delete(key);
    this.entries.set(key, entry);
    while (this.entries.size > this.options.maxEntries) this.entries.delete(this.entries.keys().next().value as string);
  }

  recordSuccess(key: string): void {
    this.entries.delete(key);
  }

  /** Waits out the current penalty for `key`. */
  async delay(key: string): Promise<void> {
    const ms = this.penaltyMs(key);
    if (ms > 0) await new Promise((resolve) => setTimeout(resolve, ms));
  }

  private current(key: string): Entry | undefined {
    const entry = this.entries.get(key);
    if (entry && this.now() - entry.lastFailureAt > this.options.windowMs) {
      this.entries.delete(key);
      return undefined;
    }
    return entry;
  }
}
