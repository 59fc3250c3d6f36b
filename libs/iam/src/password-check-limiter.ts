import { IamError } from './domain/iam-error';

/**
 * How many password checks (scrypt) may run at once in this process. scrypt runs on libuv's thread pool
 * (4 threads unless UV_THREADPOOL_SIZE says otherwise), the same pool that serves blob file reads and writes;
 * a flood of wrong passwords that occupied every thread would stall every download. With at most
 * `concurrency` checks running, the rest of the pool always stays free for storage I/O.
 */
export interface PasswordCheckLimits {
  /** Checks running at once. Keep it below the thread pool size. */
  concurrency: number;
  /** Checks waiting for a slot; one more is refused at once. */
  queueLength: number;
  /** Longest a check waits in the queue before it is refused. */
  maxWaitMs: number;
}

export const DEFAULT_PASSWORD_CHECK_LIMITS: PasswordCheckLimits = { concurrency: 2, queueLength: 16, maxWaitMs: 2_000 };

/** Seconds a refused client is told to wait (Retry-After). */
export const PASSWORD_CHECK_RETRY_AFTER_SECONDS = 1;

interface Waiter {
  start: () => void;
  timer: NodeJS.Timeout;
}

/** A counting semaphore with a short, bounded queue: excess checks are refused with IamError.tooManyRequests. */
export class PasswordCheckLimiter {
  private running = 0;
  private readonly waiting: Waiter[] = [];
  private readonly limits: PasswordCheckLimits;

  constructor(limits: Partial<PasswordCheckLimits> = {}) {
    this.limits = { ...DEFAULT_PASSWORD_CHECK_LIMITS, ...limits };
  }

  /** Runs `check` when a slot is free; throws IamError (TOO_MANY_REQUESTS) when the queue is full or the wait too long. */
  async run<T>(check: () => Promise<T>): Promise<T> {
    await this.acquire();
    try {
      return await check();
    } finally {
      this.release();
    }
  }

  /** For metrics and tests. */
  get load(): { running: number; waiting: number } {
    return { running: this.running, waiting: this.waiting.length };
  }

  private acquire(): Promise<void> {
    if (this.running < this.limits.concurrency) {
      this.running += 1;
      return Promise.resolve();
    }
    if (this.waiting.length >= this.limits.queueLength) return Promise.reject(busy());
    return new Promise<void>((resolve, reject) => {
      const waiter: Waiter = {
        // The slot is handed over by release(): `running` stays counted for the waiter.
        start: () => {
          clearTimeout(waiter.timer);
          resolve();
        },
        timer: setTimeout(() => {
          const index = this.waiting.indexOf(waiter);
          if (index >= 0) this.waiting.splice(index, 1);
          reject(busy());
        }, this.limits.maxWaitMs),
      };
      this.waiting.push(waiter);
    });
  }

  private release(): void {
    const next = this.waiting.shift();
    if (next) next.start();
    else this.running -= 1;
  }
}

function busy(): IamError {
  return IamError.tooManyRequests('too many sign-in attempts are being checked, retry later', PASSWORD_CHECK_RETRY_AFTER_SECONDS);
}
