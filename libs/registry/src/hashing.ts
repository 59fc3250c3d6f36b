import { createHash, Hash } from 'node:crypto';
import { Readable, Transform, TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';

/** Passes bytes through unchanged while feeding a hash and counting them: the digest is known when the write ends. */
export class HashingStream extends Transform {
  bytes = 0;

  constructor(
    readonly hash: Hash,
    /** Called once the source has ended and every byte went through, before the destination has them all. */
    private readonly onEnd?: (bytes: number) => void,
  ) {
    super({ highWaterMark: 1 << 20 });
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.hash.update(chunk);
    this.bytes += chunk.length;
    callback(null, chunk);
  }

  override _flush(callback: TransformCallback): void {
    this.onEnd?.(this.bytes);
    callback();
  }
}

/** Feeds a whole stream into a hash (used to rebuild a hash state from bytes already stored). */
export async function hashStream(source: Readable, hash: Hash): Promise<number> {
  let bytes = 0;
  await pipeline(source, async (chunks: AsyncIterable<Buffer>) => {
    for await (const chunk of chunks) {
      hash.update(chunk);
      bytes += chunk.length;
    }
  });
  return bytes;
}

export function newHash(algorithm: 'sha256' | 'sha512'): Hash {
  return createHash(algorithm);
}
