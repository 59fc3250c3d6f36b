import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { startService, stopServices } from './children';

describe('service children', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'cargohold-launcher-'));
  });
  afterAll(() => fs.rm(dir, { recursive: true, force: true }));

  async function script(name: string, body: string): Promise<string> {
    const file = path.join(dir, `${name}.js`);
    await fs.writeFile(file, body);
    return file;
  }

  it('passes the environment and reports the exit status', async () => {
    const file = await script('exits', 'process.exit(process.env.CARGOHOLD_MIGRATED === "1" ? 7 : 1)');
    const child = startService({ name: 'api', script: file }, { ...process.env, CARGOHOLD_MIGRATED: '1' });
    expect(await child.exited).toEqual({ code: 7, signal: null });
  });

  it('gives the child an IPC channel that closes when the launcher goes', async () => {
    const file = await script('lifeline', 'process.channel.unref(); process.on("disconnect", () => process.exit(3)); setInterval(() => {}, 1000)');
    const child = startService({ name: 'worker', script: file }, process.env);
    expect(child.process.connected).toBe(true);
    child.process.disconnect(); // what the kernel does when the launcher dies
    expect(await child.exited).toEqual({ code: 3, signal: null });
  });

  it('stops children with SIGTERM', async () => {
    const file = await script('polite', 'process.on("SIGTERM", () => process.exit(0)); setInterval(() => {}, 1000); process.send?.("up")');
    const child = startService({ name: 'worker', script: file }, process.env);
    await new Promise((resolve) => child.process.once('message', resolve)); // its SIGTERM handler is installed
    await stopServices([child], () => undefined);
    expect(await child.exited).toEqual({ code: 0, signal: null });
  });

  it('kills a child that ignores SIGTERM once the timeout passes', async () => {
    const file = await script('stubborn', 'process.on("SIGTERM", () => {}); setInterval(() => {}, 1000); process.send("up")');
    const child = startService({ name: 'api', script: file }, process.env);
    await new Promise((resolve) => child.process.once('message', resolve)); // its SIGTERM handler is installed
    const killed: string[] = [];
    await stopServices([child], (name) => killed.push(name), 500);
    expect(killed).toEqual(['api']);
    expect((await child.exited).signal).toBe('SIGKILL');
  });
});
