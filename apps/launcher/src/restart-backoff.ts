export interface RestartBackoffOptions {
  /** Delay before the first restart. */
  initialMs: number;
  /** The delay doubles with every crash in a row up to this. */
  maxMs: number;
  /** A run at least this long counts as healthy: the next crash starts again from initialMs. */
  resetAfterMs: number;
}

export const DEFAULT_RESTART_BACKOFF: RestartBackoffOptions = { initialMs: 1_000, maxMs: 30_000, resetAfterMs: 60_000 };

/**
 * When to restart a crashed service: 1 s, 2 s, 4 s... capped at 30 s while it keeps crashing, back to 1 s
 * once it has run healthy for a minute. A service that cannot start (port taken, database gone) is retried
 * forever but slowly, and its reason logged every time, rather than the whole platform being stopped.
 */
export class RestartBackoff {
  private crashesInARow = 0;

  constructor(private readonly options: RestartBackoffOptions = DEFAULT_RESTART_BACKOFF) {}

  /** Records a crash after a run of `ranForMs` and answers how long to wait before the next start. */
  nextDelay(ranForMs: number): number {
    if (ranForMs >= this.options.resetAfterMs) this.crashesInARow = 0;
    // Capping the exponent keeps 2 ** n finite however long the crash loop goes on.
    const delay = this.options.initialMs * 2 ** Math.min(this.crashesInARow, 30);
    this.crashesInARow++;
    return Math.min(delay, this.options.maxMs);
  }

  /** Crashes since the last healthy run, this one included (for the log). */
  get attempt(): number {
    return this.crashesInARow;
  }
}
