/** How long a service may take over its graceful shutdown once its launcher is gone, before it exits anyway. */
export const ORPHAN_EXIT_DEADLINE_MS = 30_000;

/**
 * For a service started by the launcher (which gives it an IPC channel): when that channel closes, the
 * launcher is gone, however it died (kill -9, OOM killer, crash), because the kernel closes its end of the
 * socket. The service then stops as if it had been sent SIGTERM, running whatever graceful shutdown it
 * installed for SIGTERM (or the default: exit), and exits regardless after `deadlineMs`.
 *
 * A no-op when the process has no IPC channel (started by hand, by a test, or by another supervisor).
 * The channel is unref'd: it must neither keep the process alive nor be used for anything else.
 */
export function stopWhenLauncherGone(deadlineMs = ORPHAN_EXIT_DEADLINE_MS): void {
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
