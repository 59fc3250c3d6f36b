import { spawn } from 'node:child_process';
import * as path from 'node:path';
import { promises as fs } from 'node:fs';
import { commandLine, isAlive, readPid, StopStep, writePrivateFile } from './local-process';

/** What keeper-main.ts is given (as JSON in argv[2]). */
export interface KeeperOptions {
  /** For log lines: "PostgreSQL", "Redis". */
  name: string;
  /** The server process to stop when the launcher is gone. */
  pid: number;
  /** How to stop it: the graceful signal first. */
  steps: StopStep[];
  /** Holds the keeper's pid while it guards the server: how a later launcher tells a kept server from an orphan. */
  markerFile: string;
  logFile: string;
  /** How often it checks that the server still runs (default 1 s); tests shorten it to make races with the stop show. */
  pollMs?: number;
}

/** Between the launcher and a keeper, over the IPC channel. */
export type KeeperMessage = { type: 'dependents'; pids: number[]; waitMs: number } | { type: 'release' };

export interface Keeper {
  /** The services using the server: if the launcher dies, the keeper stops the server only once they are gone (or after waitMs). */
  setDependents(pids: number[], waitMs: number): void;
  /**
   * Takes the marker away (while it still names this keeper), so later starts no longer see the server as kept.
   * The launcher calls it before it stops the server itself: while the server still runs no other start can
   * have written a newer marker, so the check-and-delete cannot remove a successor's (see keeper-main.ts).
   */
  withdraw(): Promise<void>;
  /** Tells the keeper the launcher stopped the server itself (or is leaving it on purpose): it exits without acting. */
  release(): void;
}

/**
 * The built keeper script. Resolved through the package's dist folder, so this works both from the build
 * (dist/server-keeper.js) and from the sources under ts-jest (src/server-keeper.ts), once built.
 */
const KEEPER_SCRIPT = path.resolve(__dirname, '..', 'dist', 'keeper-main.js');

/** Starts a keeper for a server this launcher just started (see keeper-main.ts). */
export async function startKeeper(options: KeeperOptions): Promise<Keeper> {
  const child = spawn(process.execPath, [KEEPER_SCRIPT, JSON.stringify(options)], {
    // Its own process group: a Ctrl-C reaches the launcher, which stops the servers in order itself.
    detached: true,
    stdio: ['ignore', 'ignore', 'ignore', 'ipc'],
  });
  child.once('error', () => undefined); // a keeper that cannot start leaves the server as it was before keepers existed
  // The keeper must never hold the launcher (or a test process) open.
  child.unref();
  child.channel?.unref();
  if (child.pid !== undefined) await writePrivateFile(options.markerFile, `${child.pid}\n`);
  const send = (message: KeeperMessage, then?: () => void) => {
    if (!child.connected) return;
    try {
      child.send(message, then);
    } catch {
      // the keeper is gone already (it exits by itself once the server is gone)
    }
  };
  return {
    setDependents: (pids, waitMs) => send({ type: 'dependents', pids, waitMs }),
    withdraw: async () => {
      if (child.pid !== undefined && (await readPid(options.markerFile)) === child.pid) await fs.rm(options.markerFile, { force: true });
    },
    release: () => send({ type: 'release' }, () => child.connected && child.disconnect()),
  };
}

/** The pid of the live keeper named in markerFile, if there is one: the server is kept by a running launcher. */
export async function liveKeeper(markerFile: string): Promise<number | undefined> {
  const pid = await readPid(markerFile);
  if (pid === undefined || !isAlive(pid)) return undefined;
  const command = await commandLine(pid);
  return command?.includes('keeper-main') && command.includes(markerFile) ? pid : undefined;
}
