const STOP_SIGNALS: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];

/**
 * Turns the first SIGINT/SIGTERM/SIGHUP into a promise. Later signals are only reported: one Ctrl-C under
 * `pnpm start` arrives twice (from the terminal and forwarded by pnpm), so a repeat must not cut the
 * graceful shutdown short; the child stop timeout bounds it instead.
 */
export class StopSignals {
  readonly received: Promise<NodeJS.Signals>;
  private signal: NodeJS.Signals | undefined;
  private readonly handler: (signal: NodeJS.Signals) => void;

  constructor(onRepeat: (signal: NodeJS.Signals) => void) {
    let resolve!: (signal: NodeJS.Signals) => void;
    this.received = new Promise((r) => (resolve = r));
    this.handler = (signal) => {
      if (this.signal) return onRepeat(signal);
      this.signal = signal;
      resolve(signal);
    };
    for (const signal of STOP_SIGNALS) process.on(signal, this.handler);
  }

  /** The signal received so far, if any (checked between startup steps). */
  get stopRequested(): NodeJS.Signals | undefined {
    return this.signal;
  }

  dispose(): void {
    for (const signal of STOP_SIGNALS) process.removeListener(signal, this.handler);
  }
}
