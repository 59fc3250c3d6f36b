import { Readable } from 'node:stream';

/**
 * The first `length` bytes of `source`. S3 honours ranges exactly, but some compatible servers
 * answer `bytes=0-0` with the whole object; a ranged read must never yield more than was asked.
 * Stopping early destroys the source, which releases the HTTP connection.
 */
export function takeBytes(source: Readable, length: number): Readable {
  return Readable.from(
    (async function* () {
      let left = length;
      if (left <= 0) return;
      for await (const chunk of source) {
        const bytes = toBuffer(chunk);
        const piece = bytes.length > left ? bytes.subarray(0, left) : bytes;
        left -= piece.length;
        yield piece;
        if (left === 0) return;
      }
    })(),
    { objectMode: false },
  );
}

/**
 * Regroups a byte stream into buffers of exactly `size` bytes, the last one possibly shorter and
 * never empty. At most `size` bytes (plus one incoming chunk) are held at a time; the consumer's
 * pace is the source's pace, so a slow upload to S3 throttles the client, not our memory.
 */
export async function* rechunk(source: AsyncIterable<unknown>, size: number): AsyncGenerator<Buffer> {
  for await (const group of regroup(source, size)) yield Buffer.concat(group.pieces, group.length);
}

/**
 * The same grouping as `rechunk`, without copying: each group is the incoming chunks (or views of them) that make up
 * its `size` bytes. For a consumer that can send a list of buffers (a stream body), this saves the copy into a fresh
 * buffer per group, whose page faults and garbage cost more CPU than the network write itself.
 */
export async function* regroup(source: AsyncIterable<unknown>, size: number): AsyncGenerator<{ pieces: Buffer[]; length: number }> {
  let pending: Buffer[] = [];
  let pendingLength = 0;
  for await (const chunk of source) {
    let bytes = toBuffer(chunk);
    while (bytes.length > 0) {
      const room = size - pendingLength;
      const piece = bytes.length > room ? bytes.subarray(0, room) : bytes;
      pending.push(piece);
      pendingLength += piece.length;
      bytes = bytes.subarray(piece.length);
      if (pendingLength === size) {
        const group = { pieces: pending, length: pendingLength };
        pending = [];
        pendingLength = 0;
        yield group;
      }
    }
  }
  if (pendingLength > 0) yield { pieces: pending, length: pendingLength };
}

export function toBuffer(chunk: unknown): Buffer {
  if (Buffer.isBuffer(chunk)) return chunk;
  if (chunk instanceof Uint8Array) return Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
  if (typeof chunk === 'string') return Buffer.from(chunk);
  throw new TypeError('expected a byte stream');
}

/** Runs `task` over `items` with at most `limit` in flight; results keep the items' order. */
export async function mapLimit<T, R>(items: readonly T[], limit: number, task: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  let failed = false;
  const workers = Array.from({ length: Math.min(limit, items.length) }, async () => {
    // After a failure the others stop taking work: the caller is about to clean up.
    while (!failed && next < items.length) {
      const index = next++;
      try {
        results[index] = await task(items[index], index);
      } catch (error) {
        failed = true;
        throw error;
      }
    }
  });
  await Promise.all(workers);
  return results;
}
