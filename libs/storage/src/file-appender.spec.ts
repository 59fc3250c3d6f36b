import { randomBytes } from 'node:crypto';
import { promises as fsp } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { FileAppender } from './file-appender';
import { chunksOf } from './chunks.spec-helper';

const KiB = 1024;

/** Counts the real writev and datasync calls a handle makes (the calls still go to the file system). */
function observed(handle: fsp.FileHandle) {
  const calls = { writev: [] as number[], datasync: 0, closed: false };
  const writev = handle.writev.bind(handle);
  const datasync = handle.datasync.bind(handle);
  const close = handle.close.bind(handle);
  handle.writev = async (buffers: NodeJS.ArrayBufferView[], position?: number | null) => {
    calls.writev.push(buffers.reduce((sum, buffer) => sum + buffer.byteLength, 0));
    return writev(buffers, position);
  };
  handle.datasync = async () => {
    calls.datasync++;
    return datasync();
  };
  handle.close = async () => {
    calls.closed = true;
    return close();
  };
  return calls;
}

describe('FileAppender', () => {
  let dir: string;
  let file: string;

  beforeEach(async () => {
    dir = await fsp.mkdtemp(path.join(os.tmpdir(), 'cargohold-appender-'));
    file = path.join(dir, 'data');
  });

  afterEach(async () => {
    await fsp.rm(dir, { recursive: true, force: true });
  });

  it('writes every byte in order, in batches of the configured size rather than per chunk', async () => {
    const bytes = randomBytes(1000 * KiB + 123);
    await fsp.writeFile(file, '');
    const handle = await fsp.open(file, 'r+');
    const calls = observed(handle);
    const appender = new FileAppender(handle, 0, { batchBytes: 256 * KiB, syncBehindBytes: Number.MAX_SAFE_INTEGER });

    await pipeline(Readable.from(chunksOf(bytes, 16 * KiB)), appender);

    expect((await fsp.readFile(file)).equals(bytes)).toBe(true); // toEqual walks a Buffer byte by byte: seconds
    expect(appender.bytesWritten).toBe(bytes.length);
    // 63 socket-sized chunks went down in 4 writes: three full batches and the tail.
    expect(calls.writev).toEqual([256 * KiB, 256 * KiB, 256 * KiB, bytes.length - 768 * KiB]);
    expect(calls.datasync).toBe(0);
    expect(calls.closed).toBe(false); // the caller keeps the handle for the upload's next chunk
    await handle.close();
  });

  it('writes in place from its start offset, leaving the bytes before it alone', async () => {
    const head = randomBytes(300 * KiB);
    const tail = randomBytes(200 * KiB);
    await fsp.writeFile(file, head);
    const handle = await fsp.open(file, 'r+');
    const appender = new FileAppender(handle, head.length, { batchBytes: 64 * KiB, syncBehindBytes: 1 << 30 });

    await pipeline(Readable.from(chunksOf(tail, 10 * KiB)), appender);
    await handle.close();

    expect((await fsp.readFile(file)).equals(Buffer.concat([head, tail]))).toBe(true);
    expect(appender.bytesWritten).toBe(tail.length);
  });

  it('starts a background datasync every syncBehindBytes, counting unflushed bytes before its start', async () => {
    await fsp.writeFile(file, randomBytes(64 * KiB));
    const handle = await fsp.open(file, 'r+');
    const calls = observed(handle);
    const appender = new FileAppender(handle, 64 * KiB, { batchBytes: 64 * KiB, syncBehindBytes: 128 * KiB, unsyncedBefore: 64 * KiB });

    await pipeline(Readable.from(chunksOf(randomBytes(512 * KiB), 32 * KiB)), appender);

    // 64 KiB before + 512 KiB written, a sync whenever 128 KiB piled up since the last one began: at least
    // one (the first batch, with the earlier bytes), never one per batch.
    expect(calls.datasync).toBeGreaterThanOrEqual(1);
    expect(calls.datasync).toBeLessThanOrEqual(4);
    await handle.close();
    expect((await fsp.stat(file)).size).toBe(576 * KiB);
  });

  it('when the source fails, reports close only after the writes and syncs it started have settled', async () => {
    await fsp.writeFile(file, '');
    const handle = await fsp.open(file, 'r+');
    const calls = observed(handle);
    let inFlight = 0;
    const writev = handle.writev.bind(handle);
    handle.writev = async (buffers: NodeJS.ArrayBufferView[], position?: number | null) => {
      inFlight++;
      try {
        await new Promise((resolve) => setTimeout(resolve, 50)); // a slow disk: the failure arrives mid-write
        return await writev(buffers, position);
      } finally {
        inFlight--;
      }
    };
    const appender = new FileAppender(handle, 0, { batchBytes: 64 * KiB, syncBehindBytes: 64 * KiB });
    async function* failing() {
      yield randomBytes(200 * KiB);
      throw new Error('client hung up');
    }

    await expect(pipeline(Readable.from(failing()), appender)).rejects.toThrow('client hung up');
    await new Promise((resolve) => (appender.closed ? resolve(undefined) : appender.once('close', resolve)));

    expect(inFlight).toBe(0); // the caller may truncate now: nothing lands after it
    expect(calls.closed).toBe(false);
    // The first full batch was written before the failure; the caller truncates back to the start.
    expect((await fsp.stat(file)).size).toBeGreaterThanOrEqual(64 * KiB);
    await handle.close();
  });

  it('fails the append when a write fails, with the file system error', async () => {
    await fsp.writeFile(file, '');
    const handle = await fsp.open(file, 'r'); // read-only: every write is refused with EBADF
    const appender = new FileAppender(handle, 0, { batchBytes: 16 * KiB, syncBehindBytes: 1 << 30 });

    await expect(pipeline(Readable.from([randomBytes(64 * KiB)]), appender)).rejects.toMatchObject({ code: 'EBADF' });
    expect((await fsp.stat(file)).size).toBe(0);
    await handle.close();
  });
});
