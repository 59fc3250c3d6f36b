import { constants, promises as fsp } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { AlignedStagingPool } from './aligned-staging';
import { DirectFileAppender } from './direct-file-appender';
import { chunksOf } from './chunks.spec-helper';

const KiB = 1024;
const pool = new AlignedStagingPool(64 * KiB, 2);

/** Deterministic bytes that differ at every offset, so a misplaced block shows. */
function pattern(length: number, seed: number): Buffer {
  const bytes = Buffer.alloc(length);
  for (let i = 0; i < length; i++) bytes[i] = (i * 31 + seed * 7 + (i >> 12)) & 0xff;
  return bytes;
}

describe('DirectFileAppender', () => {
  let dir: string;
  let file: string;

  beforeAll(async () => {
    dir = await fsp.mkdtemp(path.join(os.tmpdir(), 'cargohold-direct-'));
  });

  afterAll(async () => {
    await fsp.rm(dir, { recursive: true, force: true });
  });

  /** Appends `chunks` at `start` of a file already holding `before`, through both handles as the store does. */
  async function append(before: Buffer, start: number, chunks: Buffer[]): Promise<number> {
    file = path.join(dir, `data-${before.length}-${start}-${chunks.length}`);
    await fsp.writeFile(file, before);
    const buffered = await fsp.open(file, 'r+');
    const direct = await fsp.open(file, constants.O_RDWR | constants.O_DIRECT);
    try {
      const appender = new DirectFileAppender(buffered, direct, start, pool);
      await pipeline(Readable.from(chunks), appender);
      return appender.bytesWritten;
    } finally {
      await buffered.close();
      await direct.close();
    }
  }

  // Offsets on and off the 4 KiB grid, chunks smaller and larger than a block and than a stage (64 KiB here),
  // totals shorter than the head, exactly a stage, and several stages with a ragged tail.
  it.each([
    [0, 1, 1],
    [0, 4096, 4096],
    [0, 64 * KiB, 64 * KiB],
    [0, 300 * KiB + 17, 65_536],
    [0, 300 * KiB + 17, 1000],
    [100, 50, 7],
    [100, 4096, 4096],
    [4095, 200 * KiB, 3000],
    [5000, 129 * KiB + 1, 200 * KiB],
    [64 * KiB, 64 * KiB * 3, 16 * KiB],
    [70_000, 1, 1],
  ])('appends at %i a stream of %i bytes in chunks of %i, byte for byte', async (start, length, chunkSize) => {
    const before = pattern(start, 1);
    const data = pattern(length, 2);
    const written = await append(before, start, chunksOf(data, chunkSize));
    expect(written).toBe(length);
    const stored = await fsp.readFile(file);
    expect(stored.length).toBe(start + length);
    expect(stored.subarray(0, start).equals(before)).toBe(true);
    expect(stored.subarray(start).equals(data)).toBe(true);
  });

  it('reports close only after its writes settled when the source fails, and gives its staging back', async () => {
    file = path.join(dir, 'failing');
    await fsp.writeFile(file, '');
    const buffered = await fsp.open(file, 'r+');
    const direct = await fsp.open(file, constants.O_RDWR | constants.O_DIRECT);
    const appender = new DirectFileAppender(buffered, direct, 0, pool);
    async function* failing() {
      yield pattern(200 * KiB, 3);
      throw new Error('client hung up');
    }
    await expect(pipeline(Readable.from(failing()), appender)).rejects.toThrow('client hung up');
    await new Promise((resolve) => (appender.closed ? resolve(undefined) : appender.once('close', resolve)));
    // Whatever went down before the failure is a correct prefix, and nothing lands after 'close' (the store
    // truncates back to the start then).
    const atClose = await fsp.readFile(file);
    expect(atClose.length % (64 * KiB)).toBe(0);
    expect(atClose.equals(pattern(200 * KiB, 3).subarray(0, atClose.length))).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect((await fsp.stat(file)).size).toBe(atClose.length);
    await buffered.close();
    await direct.close();
    // Both stages are back: two more appenders get the same two pairs without the pool growing.
    const taken = [pool.take(), pool.take()];
    expect(taken.every((slice) => slice.length === 64 * KiB)).toBe(true);
    taken.forEach((slice) => pool.give(slice));
  });
});
