/**
 * What a stopping service may need beyond SHUTDOWN_GRACE_SECONDS (the api's drain, the worker's jobs in
 * hand): closing its pools, queues and connections afterwards.
 */
export const SHUTDOWN_CLOSE_MARGIN_MS = 10_000;

/** The longest a service takes to stop after SIGTERM, given the shutdown grace: past it, it exits regardless. */
export function serviceStopDeadlineMs(shutdownGraceMs: number): number {
  return shutdownGraceMs + SHUTDOWN_CLOSE_MARGIN_MS;
}

/**
 * For a service started by the launcher (which gives it an IPC channel): when that channel closes, the
 * launcher is gone, however it died (kill -9, OOM killer, crash), because the kernel closes its end of the
 * socket. The service then stops as if it had been sent SIGTERM, running whatever graceful shutdown it
 * installed for SIGTERM (or the default: exit), and exits regardless after `deadlineMs`
 * (serviceStopDeadlineMs of the shutdown grace).
 *
 * A no-op when the process has no IPC channel (started by hand, by a test, or by another supervisor).
 * The channel is unref'd: it must neither keep the process alive nor be used for anything else.
 */
export function stopWhenLauncherGone(deadlineMs: number): void {
  const channel = process.channel;
  if (!channel) return;
  channel.unref();
  process.once('disconnect', () => {
    // stderr, not the logger: this runs before the service's logger exists when the launcher dies during startup.
    process.stderr.write(`launcher (parent pid ${process.ppid}) is gone: shutting down\n`);
    setTimeout(() => process.exit(1), deadlineMs).unref();
    process.kill(process.pid, 'SIGTERM');
  });
}
