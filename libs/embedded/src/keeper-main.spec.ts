import { ChildProcess, spawn } from 'node:child_process';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { isAlive, settlesWithin, sleep } from './local-process';
import type { KeeperMessage, KeeperOptions } from './server-keeper';

jest.setTimeout(60_000);

/** The built keeper, as startKeeper runs it (build before running this spec). */
const KEEPER_SCRIPT = path.resolve(__dirname, '..', 'dist', 'keeper-main.js');

/**
 * The keeper run directly, guarding a `sleep` that stands for the server (it exits on SIGTERM); the test
 * holds the other end of its IPC channel, so disconnecting it is the launcher going away.
 */
describe('keeper-main', () => {
  let dir: string;
  const spawned: ChildProcess[] = [];

  beforeAll(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'cargohold-keeper-'));
  });
  afterAll(async () => {
    for (const child of spawned) if (child.pid !== undefined && isAlive(child.pid)) child.kill('SIGKILL');
    await fs.rm(dir, { recursive: true, force: true });
  });

  function startKept(name: string, pollMs: number) {
    const server = spawn('sleep', ['600'], { stdio: 'ignore' });
    const options: KeeperOptions = {
      name: 'Test',
      pid: server.pid!,
      steps: [{ signal: 'SIGTERM', waitMs: 20_000 }, { signal: 'SIGKILL', waitMs: 5_000 }],
      markerFile: path.join(dir, `${name}.keeper`),
      logFile: path.join(dir, `${name}.log`),
      pollMs,
    };
    const keeper = spawn(process.execPath, [KEEPER_SCRIPT, JSON.stringify(options)], { stdio: ['ignore', 'ignore', 'ignore', 'ipc'] });
    spawned.push(server, keeper);
    const exited = new Promise<number | null>((resolve) => keeper.once('exit', (code) => resolve(code)));
    const send = (message: KeeperMessage) => new Promise<void>((resolve) => keeper.send(message, () => resolve()));
    return { server, keeper, exited, send, markerFile: options.markerFile, log: () => fs.readFile(options.logFile, 'utf8').catch(() => '') };
  }

  /** Whether the log matches `pattern` within `ms`, read every 50 ms. */
  async function logShows(log: () => Promise<string>, pattern: RegExp, ms: number): Promise<boolean> {
    for (const deadline = Date.now() + ms; Date.now() < deadline; await sleep(50)) if (pattern.test(await log())) return true;
    return pattern.test(await log());
  }

  it('logs how its stop ended before it exits, even when its poll sees the server gone first', async () => {
    // A poll far more frequent than stopPid's 100 ms checks: before the fix, the poll noticed the server gone
    // (killed by the keeper's own SIGTERM) and exited between two checks, so "stopped" was never logged.
    const kept = Array.from({ length: 8 }, (_, i) => startKept(`race-${i}`, 10));
    await sleep(1_500); // every keeper is up and polling
    for (const { keeper } of kept) keeper.disconnect();
    for (const { server, exited, log } of kept) {
      expect(await settlesWithin(exited, 30_000)).toBe(true);
      expect(await exited).toBe(0);
      expect(isAlive(server.pid!)).toBe(false);
      expect(await log()).toMatch(/stopping embedded Test \(pid \d+\) with SIGTERM\n.*embedded Test stopped\n$/);
    }
  });

  it('exits on release without touching the marker (the launcher withdrew its own; one there now is a later start\'s)', async () => {
    const { server, keeper, exited, send, markerFile } = startKept('released', 10);
    // Even one naming this keeper stays: between reading and removing it, a later start could replace it.
    await fs.writeFile(markerFile, `${keeper.pid}\n`);
    await send({ type: 'release' });
    expect(await settlesWithin(exited, 30_000)).toBe(true);
    expect(await exited).toBe(0);
    expect(isAlive(server.pid!)).toBe(true); // released: the server is not the keeper's to stop any more
    expect(await fs.readFile(markerFile, 'utf8')).toBe(`${keeper.pid}\n`);
    server.kill('SIGKILL');
  });

  it('stops waiting for the services and exits when the server goes away meanwhile', async () => {
    // The service it waits for is this test process: certain to outlive the wait. A spawned `sleep` standing
    // for it was once seen gone within 400 ms in a parallel unit run, which ended the wait the wrong way.
    const service = { pid: process.pid };
    const { server, keeper, exited, send, log } = startKept('gone', 10);
    await send({ type: 'dependents', pids: [service.pid], waitMs: 60_000 });
    keeper.disconnect();
    // Polled, not a fixed wait: on a loaded machine the keeper took over 500 ms to log it (seen in CI).
    expect(await logShows(log, /waiting for its services/, 20_000)).toBe(true);
    server.kill('SIGKILL');
    expect(await settlesWithin(exited, 30_000)).toBe(true);
    expect(await exited).toBe(0);
    expect(await log()).toMatch(/embedded Test \(pid \d+\) is gone already\n$/);
    expect(isAlive(service.pid)).toBe(true); // a service is never the keeper's to stop
  });
});
