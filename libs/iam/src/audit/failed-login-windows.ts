import { createHash } from 'node:crypto';

/**
 * Names the audit row a failed login is counted in: one row per (client address, name tried) per window
 * (a minute by default), so a guessing flood writes one row with a count instead of one row per attempt. At most
 * `maxKeysPerWindow` distinct rows are opened per window in this process; beyond that, failures of the window
 * are counted together in one overflow row, so many addresses or names cannot multiply the rows either.
 */
export interface FailedLoginWindowOptions {
  windowMs: number;
  maxKeysPerWindow: number;
}

export const DEFAULT_FAILED_LOGIN_WINDOW: FailedLoginWindowOptions = { windowMs: 60_000, maxKeysPerWindow: 1_000 };

export interface FailedLoginSlot {
  /** The value of `audit_events.aggregate_key` (a digest: names tried can be long). */
  key: string;
  /** True when the per-window cap was reached and this failure goes to the shared overflow row. */
  overflow: boolean;
  windowStart: Date;
}

export class FailedLoginWindows {
  private windowStart = 0;
  private readonly keys = new Set<string>();
  private readonly options: FailedLoginWindowOptions;

  constructor(
    options: Partial<FailedLoginWindowOptions> = {},
    private readonly now: () => number = Date.now,
  ) {
    this.options = { ...DEFAULT_FAILED_LOGIN_WINDOW, ...options };
  }

  slotFor(address: string | null, username: string): FailedLoginSlot {
    const start = Math.floor(this.now() / this.options.windowMs) * this.options.windowMs;
    if (start !== this.windowStart) {
      this.windowStart = start;
      this.keys.clear();
    }
    const windowStart = new Date(start);
    const key = digest(['login_failed', address ?? '', username.toLowerCase(), windowStart.toISOString()]);
    if (this.keys.has(key)) return { key, overflow: false, windowStart };
    if (this.keys.size < this.options.maxKeysPerWindow) {
      this.keys.add(key);
      return { key, overflow: false, windowStart };
    }
    return { key: digest(['login_failed', '*', '*', windowStart.toISOString()]), overflow: true, windowStart };
  }
}

function digest(parts: string[]): string {
  return createHash('sha256').update(JSON.stringify(parts)).digest('hex');
}
