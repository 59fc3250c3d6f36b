import { CHILD_STOP_TIMEOUT_MS, Exit, ServiceProcess, startService, stopServices } from './children';
import type { ServiceEntry } from './modes';
import { RestartBackoff } from './restart-backoff';

/** What a supervisor reports; the launcher turns these into log lines. */
export interface SupervisorReports {
  started(name: string, pid: number | undefined, restarts: number): void;
  crashed(name: string, exit: Exit, ranForMs: number, restartInMs: number, attempt: number): void;
  forceKilled(name: string): void;
}

/**
 * Keeps one service (api or worker) running: starts it, and whenever it exits without having been asked
 * to (a crash, an OOM kill, kill -9, or even exit code 0: a service never ends by itself), starts it again
 * after the backoff's delay. stop() is the only way it ends: SIGTERM, the stop timeout, then SIGKILL.
 */
export class ServiceSupervisor {
  private current: ServiceProcess | undefined;
  private stopping = false;
  private cancelWait: (() => void) | undefined;
  private loop: Promise<void> | undefined;
  private restarts = 0;

  constructor(
    private readonly service: ServiceEntry,
    private readonly env: NodeJS.ProcessEnv,
    private readonly reports: SupervisorReports,
    private readonly backoff = new RestartBackoff(),
  ) {}

  start(): void {
    this.loop ??= this.run();
  }

  /** The running child's pid, if any (for tests and logs). */
  get pid(): number | undefined {
    return this.current?.process.pid;
  }

  async stop(timeoutMs = CHILD_STOP_TIMEOUT_MS): Promise<void> {
    this.stopping = true;
    this.cancelWait?.();
    if (this.current) await stopServices([this.current], (name) => this.reports.forceKilled(name), timeoutMs);
    await this.loop;
  }

  private async run(): Promise<void> {
    while (!this.stopping) {
      const startedAt = Date.now();
      const child = startService(this.service, this.env);
      this.current = child;
      this.reports.started(this.service.name, child.process.pid, this.restarts);
      const exit = await child.exited;
      if (this.stopping) return;
      const ranForMs = Date.now() - startedAt;
      const delay = this.backoff.nextDelay(ranForMs);
      this.reports.crashed(this.service.name, exit, ranForMs, delay, this.backoff.attempt);
      await this.wait(delay);
      this.restarts++;
    }
  }

  /** Sleeps, unless stop() comes first. */
  private wait(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, ms);
      this.cancelWait = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }
}
