import { promises as fsp } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { OpenUploadFiles } from './open-upload-files';

describe('OpenUploadFiles', () => {
  let dir: string;

  beforeEach(async () => {
    dir = await fsp.mkdtemp(path.join(os.tmpdir(), 'cargohold-open-files-'));
  });

  afterEach(async () => {
    await fsp.rm(dir, { recursive: true, force: true });
  });

  async function openFile(name: string): Promise<{ handle: fsp.FileHandle; ino: number }> {
    const file = path.join(dir, name);
    await fsp.writeFile(file, name);
    const handle = await fsp.open(file, 'r+');
    return { handle, ino: (await handle.stat()).ino };
  }

  /** A closed FileHandle reports fd -1. */
  const isClosed = (handle: fsp.FileHandle) => handle.fd === -1;

  it('hands a handle back once, for the inode it was opened on', async () => {
    const files = new OpenUploadFiles();
    const { handle, ino } = await openFile('a');
    files.put('a', { buffered: handle }, ino);

    expect((await files.take('a', ino))?.buffered).toBe(handle);
    expect(await files.take('a', ino)).toBeUndefined(); // taken: in use, not cached
    expect(isClosed(handle)).toBe(false);
    await handle.close();
  });

  it('closes a handle whose inode no longer matches the path (renamed into a blob, recreated)', async () => {
    const files = new OpenUploadFiles();
    const { handle, ino } = await openFile('a');
    files.put('a', { buffered: handle }, ino);

    expect(await files.take('a', ino + 1)).toBeUndefined();
    expect(isClosed(handle)).toBe(true);
  });

  it('closes the oldest idle handle beyond its capacity, and any handle idle too long', async () => {
    const files = new OpenUploadFiles(2, 100);
    const opened = await Promise.all(['a', 'b', 'c'].map(openFile));
    files.put('a', { buffered: opened[0].handle }, opened[0].ino);
    files.put('b', { buffered: opened[1].handle }, opened[1].ino);
    files.put('c', { buffered: opened[2].handle }, opened[2].ino);
    await new Promise((resolve) => setImmediate(resolve));

    expect(isClosed(opened[0].handle)).toBe(true);
    expect(files.size).toBe(2);
    await new Promise((resolve) => setTimeout(resolve, 250));
    expect(files.size).toBe(0);
    expect(opened.every(({ handle }) => isClosed(handle))).toBe(true);
  });

  it('discards (closes) both handles on request, and putting a second set for one upload closes the first', async () => {
    const files = new OpenUploadFiles();
    const first = await openFile('a');
    const second = await openFile('b');
    const third = await openFile('c');
    files.put('x', { buffered: first.handle }, first.ino);
    files.put('x', { buffered: second.handle, direct: third.handle }, second.ino);
    await new Promise((resolve) => setImmediate(resolve));
    expect(isClosed(first.handle)).toBe(true);

    await files.discard('x');
    expect(isClosed(second.handle)).toBe(true);
    expect(isClosed(third.handle)).toBe(true); // both handles of an upload go together
    expect(files.size).toBe(0);
  });
});
