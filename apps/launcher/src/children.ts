import { ChildProcess, spawn } from 'node:child_process';
import type { ServiceEntry } from './modes';

/** The default stop timeout (tests); the launcher derives its own from SHUTDOWN_GRACE_SECONDS. */
export const CHILD_STOP_TIMEOUT_MS = 30_000;

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface ServiceProcess {
  name: string;
  process: ChildProcess;
  /** Settles when the process has exited (also when it failed to spawn). */
  exited: Promise<Exit>;
}

/**
 * Starts `node <script>` with our stdio. Each child gets its own process group (detached): a Ctrl-C in
 * the terminal then reaches only the launcher, which sends exactly one SIGTERM. The services stop on
 * the first SIGINT or SIGTERM they see; getting both (terminal + launcher) would run their shutdown twice.
 *
 * The IPC channel carries no messages: it is the child's lifeline. The kernel closes it when the launcher
 * dies, however it dies, and the service then shuts itself down (stopWhenLauncherGone in @cargohold/common),
 * so a killed launcher never leaves an api holding the port.
 */
export function startService(service: ServiceEntry, env: NodeJS.ProcessEnv): ServiceProcess {
  const child = spawn(process.execPath, [service.script], { env, stdio: ['inherit', 'inherit', 'inherit', 'ipc'], detached: true });
  const exited = new Promise<Exit>((resolve) => {
    child.once('exit', (code, signal) => resolve({ code, signal }));
    child.once('error', () => resolve({ code: child.exitCode ?? 127, signal: null }));
  });
  return { name: service.name, process: child, exited };
}

function running(child: ServiceProcess): boolean {
  return child.process.exitCode === null && child.process.signalCode === null && child.process.pid !== undefined;
}

/** SIGTERM to every running child, SIGKILL to those still there after the timeout; resolves when all exited. */
export async function stopServices(
  children: ServiceProcess[],
  onForceKill: (name: string) => void,
  timeoutMs = CHILD_STOP_TIMEOUT_MS,
): Promise<void> {
  for (const child of children) if (running(child)) child.process.kill('SIGTERM');
  const allExited = Promise.all(children.map((child) => child.exited));
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<true>((resolve) => (timer = setTimeout(() => resolve(true), timeoutMs)));
  try {
    if ((await Promise.race([allExited, timedOut])) === true) {
      for (const child of children) {
        if (!running(child)) continue;
        onForceKill(child.name);
        // The whole group: whatever the service spawned goes too.
        try {
          process.kill(-child.process.pid!, 'SIGKILL');
        } catch {
          child.process.kill('SIGKILL');
        }
      }
      await allExited;
    }
  } finally {
    clearTimeout(timer);
  }
}
