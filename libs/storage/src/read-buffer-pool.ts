/**
 * Read buffers for blob downloads, reused from one read to the next and across downloads.
 *
 * A fresh 1 MiB buffer per read is a fresh mmap once glibc's mmap threshold is pinned (the services run with
 * MALLOC_TRIM_THRESHOLD_ set, which pins it at 128 KiB): every page of it faults in, zeroed, and on a VM that
 * hands freed memory back to the host, backed again by the host. Measured after 1 GiB pushes: ~2 s of server CPU
 * per GiB pulled with fresh buffers, ~0.35 s with reused ones (docs/performance.md, fifth session).
 */
export class ReadBufferPool {
  private readonly free: Buffer[] = [];

  constructor(
    readonly bufferBytes: number,
    /** Buffers kept for reuse at most; the rest of a burst's buffers are left to the garbage collector. */
    private readonly maxFree: number,
  ) {
    if (!Number.isSafeInteger(bufferBytes) || bufferBytes <= 0) throw new RangeError('read buffers need a positive size');
  }

  take(): Buffer {
    // allocUnsafeSlow: a buffer of its own, not a slice of Node's shared pool, so it can be reused safely.
    return this.free.pop() ?? Buffer.allocUnsafeSlow(this.bufferBytes);
  }

  give(buffer: Buffer): void {
    if (this.free.length < this.maxFree) this.free.push(buffer);
  }

  /** Buffers waiting for reuse (for tests). */
  get idle(): number {
    return this.free.length;
  }
}
