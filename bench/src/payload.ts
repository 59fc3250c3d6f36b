import { createCipheriv, createHash, Hash } from 'node:crypto';
import { Readable } from 'node:stream';

export const MiB = 1024 * 1024;
const CHUNK = MiB;
const POOL_SIZE = 16;

/**
 * Deterministic, incompressible layer bytes without ever holding a layer in memory: a pool of 16 pseudo-random
 * 1 MiB buffers (AES-CTR keystream of a fixed key) is replayed in a fixed order, and only the last MiB carries a
 * per-variant seed. The sha256 state after the shared prefix is computed once per size, so every variant's digest
 * costs one more MiB of hashing, and each push is a distinct blob (no server can skip bytes it already holds).
 */
const pool: Buffer[] = (() => {
  const cipher = createCipheriv('aes-128-ctr', Buffer.alloc(16, 7), Buffer.alloc(16, 0));
  return Array.from({ length: POOL_SIZE }, () => cipher.update(Buffer.alloc(CHUNK)));
})();

function poolIndex(chunk: number): number {
  return (chunk * 7 + (chunk >>> 4)) % POOL_SIZE;
}

/** The pool's buffers, for the raw sha256 and disk measurements. */
export function poolBuffer(i: number): Buffer {
  return pool[i % POOL_SIZE];
}

export class LayerFamily {
  private readonly chunks: number;
  private readonly prefixHash: Hash;

  constructor(readonly size: number) {
    if (size % CHUNK !== 0 || size < CHUNK) throw new Error('layer sizes are whole MiB');
    this.chunks = size / CHUNK;
    this.prefixHash = createHash('sha256');
    for (let i = 0; i < this.chunks - 1; i++) this.prefixHash.update(pool[poolIndex(i)]);
  }

  variant(seed: string): Layer {
    const last = Buffer.from(pool[poolIndex(this.chunks - 1)]);
    last.write(`cargohold-bench:${seed}:`.padEnd(64, '.'), 0, 'latin1');
    const digest = `sha256:${this.prefixHash.copy().update(last).digest('hex')}`;
    return new Layer(this.size, this.chunks, last, digest);
  }
}

export class Layer {
  constructor(
    readonly size: number,
    private readonly chunks: number,
    private readonly last: Buffer,
    readonly digest: string,
  ) {}

  private chunk(i: number): Buffer {
    return i === this.chunks - 1 ? this.last : pool[poolIndex(i)];
  }

  /** The bytes [start, start + length) as a stream of (sub)buffers; nothing is copied. */
  stream(start = 0, length = this.size - start): Readable {
    const chunkAt = (i: number) => this.chunk(i);
    function* bytes(): Generator<Buffer> {
      let at = start;
      const end = start + length;
      while (at < end) {
        const index = Math.floor(at / CHUNK);
        const within = at - index * CHUNK;
        const take = Math.min(CHUNK - within, end - at);
        const chunk = chunkAt(index);
        yield within === 0 && take === CHUNK ? chunk : chunk.subarray(within, within + take);
        at += take;
      }
    }
    return Readable.from(bytes(), { objectMode: false, highWaterMark: 4 * CHUNK });
  }
}
