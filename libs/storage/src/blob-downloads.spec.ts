import { randomBytes } from 'node:crypto';
import { promises as fsp } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { FileDownload } from './blob-downloads';
import { ReadBufferPool } from './read-buffer-pool';

const KiB = 1024;

/** A destination that copies what it is given when its write completes, on a later turn (as a socket does). */
function copyingDestination(): { destination: Writable; received: () => Buffer; buffersSeen: Set<ArrayBufferLike> } {
  const parts: Buffer[] = [];
  const buffersSeen = new Set<ArrayBufferLike>();
  const destination = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      buffersSeen.add(chunk.buffer);
      // Like a socket whose write completes later: the chunk must stay intact until the callback.
      setImmediate(() => {
        parts.push(Buffer.from(chunk));
        callback();
      });
    },
  });
  return { destination, received: () => Buffer.concat(parts), buffersSeen };
}

describe('FileDownload', () => {
  let dir: string;
  let file: string;
  const bytes = randomBytes(10 * 64 * KiB + 123);

  beforeAll(async () => {
    dir = await fsp.mkdtemp(path.join(os.tmpdir(), 'cargohold-download-'));
    file = path.join(dir, 'blob');
    await fsp.writeFile(file, bytes);
  });

  afterAll(() => fsp.rm(dir, { recursive: true, force: true }));

  it('sends every byte through two reused buffers, and gives them back', async () => {
    const pool = new ReadBufferPool(64 * KiB, 8);
    const download = new FileDownload(await fsp.open(file, 'r'), 0, Number.POSITIVE_INFINITY, pool);
    const { destination, received, buffersSeen } = copyingDestination();

    await download.sendTo(destination);

    expect(received().equals(bytes)).toBe(true);
    expect(download.sent).toBe(bytes.length);
    // Eleven reads, yet only two buffers ever existed: one being written while the next was read.
    expect(buffersSeen.size).toBe(2);
    expect(pool.idle).toBe(2);
    expect(destination.writableFinished).toBe(true);
  });

  it('sends an inclusive range', async () => {
    const pool = new ReadBufferPool(64 * KiB, 8);
    const download = new FileDownload(await fsp.open(file, 'r'), 100, 200 * KiB, pool);
    const { destination, received } = copyingDestination();

    await download.sendTo(destination);

    expect(received().equals(bytes.subarray(100, 200 * KiB + 1))).toBe(true);
    expect(download.sent).toBe(200 * KiB - 99);
  });

  it('destroys the destination and closes the file when a read fails', async () => {
    const pool = new ReadBufferPool(64 * KiB, 8);
    const handle = await fsp.open(file, 'r');
    const download = new FileDownload(handle, 0, Number.POSITIVE_INFINITY, pool);
    const { destination } = copyingDestination();
    await handle.close(); // every read now fails with EBADF

    await expect(download.sendTo(destination)).rejects.toMatchObject({ code: 'EBADF' });

    expect(destination.destroyed).toBe(true);
    expect(download.sent).toBe(0);
    expect(pool.idle).toBe(1); // the buffer of the failed read came back
  });

  it('is sent once', async () => {
    const download = new FileDownload(await fsp.open(file, 'r'), 0, 10, new ReadBufferPool(64 * KiB, 8));
    await download.sendTo(copyingDestination().destination);
    await expect(download.sendTo(copyingDestination().destination)).rejects.toThrow('a download is sent once');
  });
});

describe('ReadBufferPool', () => {
  it('keeps at most maxFree idle buffers', () => {
    const pool = new ReadBufferPool(4 * KiB, 2);
    const taken = [pool.take(), pool.take(), pool.take()];
    expect(new Set(taken).size).toBe(3);
    for (const buffer of taken) pool.give(buffer);
    expect(pool.idle).toBe(2);
    expect(taken).toContain(pool.take());
  });
});
