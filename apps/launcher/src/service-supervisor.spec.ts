import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Exit } from './children';
import { RestartBackoff } from './restart-backoff';
import { ServiceSupervisor, SupervisorReports } from './service-supervisor';

describe('ServiceSupervisor', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'cargohold-supervisor-'));
  });
  afterAll(() => fs.rm(dir, { recursive: true, force: true }));

  function recorder() {
    const events: { started: number[]; crashes: { exit: Exit; restartInMs: number; attempt: number }[]; killed: string[] } = {
      started: [],
      crashes: [],
      killed: [],
    };
    const reports: SupervisorReports = {
      started: (_name, pid) => events.started.push(pid ?? -1),
      crashed: (_name, exit, _ran, restartInMs, attempt) => events.crashes.push({ exit, restartInMs, attempt }),
      forceKilled: (name) => events.killed.push(name),
    };
    return { events, reports };
  }

  const until = async (condition: () => boolean, timeoutMs = 10_000) => {
    const deadline = Date.now() + timeoutMs;
    while (!condition()) {
      if (Date.now() > deadline) throw new Error('condition not met in time');
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  };

  it('restarts a crashing service with growing delays and reports why', async () => {
    const file = path.join(dir, 'crash.js');
    await fs.writeFile(file, 'process.exit(3)');
    const { events, reports } = recorder();
    const supervisor = new ServiceSupervisor({ name: 'api', script: file }, process.env, reports, new RestartBackoff({ initialMs: 50, maxMs: 200, resetAfterMs: 60_000 }));
    supervisor.start();
    await until(() => events.crashes.length >= 3);
    await supervisor.stop(1_000);
    expect(events.crashes.slice(0, 3)).toEqual([
      { exit: { code: 3, signal: null }, restartInMs: 50, attempt: 1 },
      { exit: { code: 3, signal: null }, restartInMs: 100, attempt: 2 },
      { exit: { code: 3, signal: null }, restartInMs: 200, attempt: 3 },
    ]);
    expect(events.started.length).toBeGreaterThanOrEqual(3);
  });

  it('restarts a service killed by a signal, and stop() ends it for good', async () => {
    const file = path.join(dir, 'steady.js');
    await fs.writeFile(file, 'process.on("SIGTERM", () => process.exit(0)); setInterval(() => {}, 1000)');
    const { events, reports } = recorder();
    const supervisor = new ServiceSupervisor({ name: 'worker', script: file }, process.env, reports, new RestartBackoff({ initialMs: 50, maxMs: 50, resetAfterMs: 60_000 }));
    supervisor.start();
    await until(() => events.started.length === 1);
    process.kill(events.started[0], 'SIGKILL');
    await until(() => events.started.length === 2);
    expect(events.crashes).toEqual([{ exit: { code: null, signal: 'SIGKILL' }, restartInMs: 50, attempt: 1 }]);
    const second = events.started[1];
    await supervisor.stop(5_000);
    expect(() => process.kill(second, 0)).toThrow();
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(events.started).toHaveLength(2); // no restart after stop()
    expect(events.killed).toEqual([]);
  });

  it('stop() during the backoff wait cancels the pending restart at once', async () => {
    const file = path.join(dir, 'crash-once.js');
    await fs.writeFile(file, 'process.exit(1)');
    const { events, reports } = recorder();
    const supervisor = new ServiceSupervisor({ name: 'api', script: file }, process.env, reports, new RestartBackoff({ initialMs: 60_000, maxMs: 60_000, resetAfterMs: 60_000 }));
    supervisor.start();
    await until(() => events.crashes.length === 1);
    const began = Date.now();
    await supervisor.stop(1_000);
    expect(Date.now() - began).toBeLessThan(5_000);
    expect(events.started).toHaveLength(1);
  });
});
