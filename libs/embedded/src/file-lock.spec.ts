import { promises as fs } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { withFileLock } from './local-process';

describe('withFileLock', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await fs.mkdtemp(path.join(tmpdir(), 'file-lock-'));
  });
  afterEach(() => fs.rm(dir, { recursive: true, force: true }));

  it('runs two holders in this process one after the other', async () => {
    const lock = path.join(dir, 'a.lock');
    const events: string[] = [];
    const hold = (name: string) =>
      withFileLock(lock, async () => {
        events.push(`${name} in`);
        await new Promise((resolve) => setTimeout(resolve, 300));
        events.push(`${name} out`);
      });
    await Promise.all([hold('first'), hold('second')]);
    expect(events).toEqual(['first in', 'first out', 'second in', 'second out']);
    await expect(fs.stat(lock)).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('takes over a lock that carries our pid but was left by an earlier process', async () => {
    const lock = path.join(dir, 'b.lock');
    await fs.writeFile(lock, `${process.pid}\n`);
    await expect(withFileLock(lock, async () => 'ran', 1_000)).resolves.toBe('ran');
  });

  it('waits for a lock a live process holds, up to the timeout', async () => {
    const lock = path.join(dir, 'c.lock');
    await fs.writeFile(lock, `${process.ppid}\nsomeone-else\n`);
    await expect(withFileLock(lock, async () => 'ran', 500)).rejects.toThrow(`held by pid ${process.ppid}`);
  });
});
