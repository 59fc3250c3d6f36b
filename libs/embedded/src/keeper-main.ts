import { appendFileSync, readFileSync, rmSync } from 'node:fs';
import { isAlive, sleep, stopPid } from './local-process';
import type { KeeperMessage, KeeperOptions } from './server-keeper';

/**
 * The keeper: a tiny Node process the launcher starts next to each embedded server (redis-server, the
 * postmaster), connected to it by an IPC channel. Neither server can be told to die with its parent, and
 * a launcher killed with SIGKILL runs no cleanup; but the kernel closes the channel whatever kills the
 * launcher. On that 'disconnect' the keeper stops the server the way its own stop() would (PostgreSQL:
 * SIGINT, fast shutdown with a checkpoint; Redis: SIGTERM, which flushes the append-only file), escalating
 * only if it hangs, then exits. The launcher 'release's it after stopping the server itself.
 *
 * Like the launcher's own shutdown, it stops the server only after the services using it (whose pids the
 * launcher sends as they start) have exited, so a worker finishing its jobs or an api draining its
 * requests still has its database and queues; bounded by the wait the launcher sends with them (they
 * exit by themselves within their shutdown grace plus a margin).
 *
 * It also exits when the server goes away on its own, so it never outlives what it keeps.
 */
const DEFAULT_POLL_MS = 1_000;

function main(): void {
  const options = JSON.parse(process.argv[2] ?? '') as KeeperOptions;
  const log = (line: string) => {
    try {
      appendFileSync(options.logFile, `${new Date().toISOString()} keeper ${process.pid}: ${line}\n`);
    } catch {
      // a log line is not worth failing the stop for
    }
  };
  // The marker is not ours to remove when we exit: the launcher withdraws it before it releases us, and one left
  // by a keeper that exited names a dead pid, which liveKeeper ignores. A released keeper handles the release only
  // once it has booted (100 ms and more under load), by when the next start in the folder may have written its own
  // marker; removing it then, even after checking its content, could delete that newer marker between the check
  // and the removal, and the start after would stop the running server as an orphan.
  const finish = (code: number) => {
    clearInterval(poll);
    process.exit(code);
  };

  // Detached from the terminal's process group already; a stray SIGINT/SIGHUP must not leave the server unguarded.
  process.on('SIGINT', () => undefined);
  process.on('SIGHUP', () => undefined);

  let released = false;
  let dependents: { pids: number[]; waitMs: number } = { pids: [], waitMs: 0 };
  process.on('message', (message: KeeperMessage) => {
    if (message.type === 'dependents') dependents = { pids: message.pids, waitMs: message.waitMs };
    if (message.type !== 'release') return;
    released = true;
    finish(0);
  });
  process.once('disconnect', () => {
    if (released) return;
    // From here on the stop below decides when the keeper exits. The poll must not: it would see the server gone
    // (stopped by our own signal, or by itself) between two of stopPid's checks and exit before the outcome is logged.
    clearInterval(poll);
    // The marker goes first: a launcher starting meanwhile must not reuse a server that is stopping. Our server
    // normally still runs here, and no start writes a marker while it does, so the check-and-delete does not race one.
    removeMarker(options.markerFile);
    void (async () => {
      const deadline = Date.now() + dependents.waitMs;
      const { pids } = dependents;
      if (pids.some(isAlive)) log(`launcher is gone: waiting for its services (pids ${pids.join(', ')}) to stop first`);
      // Still never outliving the server: one that goes away meanwhile ends the wait (and the keeper).
      while (pids.some(isAlive) && isAlive(options.pid) && Date.now() < deadline) await sleep(100);
      if (!isAlive(options.pid)) {
        log(`embedded ${options.name} (pid ${options.pid}) is gone already`);
        finish(0);
        return;
      }
      log(`launcher is gone: stopping embedded ${options.name} (pid ${options.pid}) with ${options.steps[0].signal}`);
      const stopped = await stopPid(options.pid, options.steps);
      log(stopped ? `embedded ${options.name} stopped` : `embedded ${options.name} (pid ${options.pid}) did not stop`);
      finish(stopped ? 0 : 1);
    })();
  });
  const poll = setInterval(() => {
    if (!isAlive(options.pid)) finish(0);
  }, options.pollMs ?? DEFAULT_POLL_MS);
}

/** Removes the marker only while it still names this keeper (a successor may have written its own); not atomic, see above. */
function removeMarker(markerFile: string): void {
  try {
    if (readFileSync(markerFile, 'utf8').trim() === String(process.pid)) rmSync(markerFile, { force: true });
  } catch {
    // already gone
  }
}

main();
