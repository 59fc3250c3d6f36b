import { spawn } from 'node:child_process';
import * as path from 'node:path';

/** Runs a script that calls the built stopWhenLauncherGone, with an IPC channel as the launcher gives. */
function child(body: string) {
  const helper = JSON.stringify(path.resolve(__dirname, '..', 'dist', 'parent-link.js'));
  const script = `require(${helper}).stopWhenLauncherGone(Number(process.argv[1])); ${body}; setInterval(() => undefined, 1000); process.send('up');`;
  return (deadlineMs: number) => {
    const proc = spawn(process.execPath, ['-e', script, String(deadlineMs)], { stdio: ['ignore', 'pipe', 'pipe', 'ipc'] });
    let output = '';
    proc.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    proc.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => proc.once('exit', (code) => resolve(code)));
    const up = new Promise((resolve) => proc.once('message', resolve));
    return { proc, exited, up, output: () => output };
  };
}

describe('stopWhenLauncherGone', () => {
  it('runs the SIGTERM shutdown when the launcher end of the channel closes', async () => {
    const run = child('process.on("SIGTERM", () => { process.stdout.write("graceful\\n"); process.exit(0); })')(30_000);
    await run.up;
    run.proc.disconnect(); // what the kernel does when the launcher dies
    expect(await run.exited).toBe(0);
    expect(run.output()).toContain('launcher (parent pid');
    expect(run.output()).toContain('graceful');
  });

  it('exits after the deadline when the shutdown hangs', async () => {
    const run = child('process.on("SIGTERM", () => undefined)')(500);
    await run.up;
    run.proc.disconnect();
    expect(await run.exited).toBe(1);
  });

  it('does not keep a process alive that would otherwise end', async () => {
    const helper = JSON.stringify(path.resolve(__dirname, '..', 'dist', 'parent-link.js'));
    const quiet = spawn(process.execPath, ['-e', `require(${helper}).stopWhenLauncherGone(30000)`], { stdio: ['ignore', 'ignore', 'ignore', 'ipc'] });
    // Nothing left to do and the channel unref'd: it ends by itself while the channel is still open.
    expect(await new Promise((resolve) => quiet.once('exit', resolve))).toBe(0);
    expect(quiet.connected).toBe(false);
  });
});
