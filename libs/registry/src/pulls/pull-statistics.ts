import type { Logger } from '@cargohold/common';
import { PullBatch, PullBatchSkipped, PullTally } from './pull-tally';

/** Where a batch goes (PostgreSQL in production, PullStatisticsRepository; a fake in unit tests). */
export interface PullBatchWriter {
  write(batch: PullBatch): Promise<PullBatchSkipped>;
}

export interface PullStatisticsOptions {
  /** Write what was counted at least this often. */
  flushIntervalMs: number;
  /** Write at once when this many distinct manifests and tags are waiting. */
  flushKeys: number;
  /** Beyond this many waiting (a write is slow or failing), new ones are not counted: memory stays bounded. */
  maxKeys: number;
}

/**
 * Pull statistics (last pull time and count per tag and per manifest), counted in the api's memory and written
 * to PostgreSQL in batches, as the pull rate limiter counts in memory and sends to Redis in batches: a manifest
 * GET only updates a map entry and never waits on the database.
 *
 * Every `flushIntervalMs` (or sooner when `flushKeys` are waiting) the tally is swapped for an empty one and
 * written in two statements whatever its size. A write that fails is put back and tried with the next one; a
 * crash of the process loses at most one interval of counts, which statistics can afford.
 */
export class PullStatistics {
  private tally = new PullTally();
  private timer?: NodeJS.Timeout;
  private writing?: Promise<void>;
  private dropped = 0;
  private closed = false;
  private readonly options: PullStatisticsOptions;

  constructor(
    private readonly writer: PullBatchWriter,
    private readonly log: Logger,
    options: Partial<PullStatisticsOptions> = {},
    private readonly now: () => number = Date.now,
  ) {
    this.options = { flushIntervalMs: 10_000, flushKeys: 10_000, maxKeys: 100_000, ...options };
  }

  /** Starts the periodic writes. */
  start(): this {
    this.timer = setInterval(() => void this.flush(), this.options.flushIntervalMs);
    this.timer.unref();
    return this;
  }

  /** One manifest GET that was answered: by `tag`, or by digest when `tag` is null. */
  record(manifestId: number, tag: string | null): void {
    const tally = this.tally;
    if (tally.size >= this.options.maxKeys) {
      this.dropped++;
      return;
    }
    tally.add(manifestId, tag, this.now());
    if (tally.size >= this.options.flushKeys && !this.writing && !this.closed) void this.flush();
  }

  /** Writes what is waiting; concurrent calls share the write under way and then write what came meanwhile. */
  async flush(): Promise<void> {
    while (this.writing) await this.writing;
    if (this.tally.size === 0) return;
    const tally = this.tally;
    this.tally = new PullTally();
    const batch = tally.toBatch();
    this.writing = this.writer.write(batch).then(
      (skipped) => this.tally.addSkipped(skipped),
      (error: unknown) => {
        this.log.warn({ err: error, keys: tally.size }, 'pull statistics not written; trying again with the next write');
        this.tally.addBatch(batch);
      },
    );
    try {
      await this.writing;
    } finally {
      this.writing = undefined;
    }
    if (this.dropped > 0) {
      this.log.warn({ dropped: this.dropped, maxKeys: this.options.maxKeys }, 'pull statistics: pulls not counted while too many were waiting');
      this.dropped = 0;
    }
  }

  /** On shutdown, after the last request: stops the timer and writes what is left (once; a failure is logged). */
  async close(): Promise<void> {
    this.closed = true;
    clearInterval(this.timer);
    this.timer = undefined;
    await this.flush();
  }
}
