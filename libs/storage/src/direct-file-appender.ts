import { promises as fsp } from 'node:fs';
import { Writable } from 'node:stream';
import { AlignedStagingPool, DIRECT_IO_ALIGNMENT } from './aligned-staging';

/**
 * Writes a stream into a file from `start` with O_DIRECT: bytes are copied into two page-aligned staging
 * buffers taken in turn, and each full buffer goes to the disk straight from there while the other fills.
 *
 * Why: a buffered write copies every byte into the page cache on the core that also receives and hashes it,
 * and then ext4 allocates and writes it back; on a VM, page-cache pages that were not used lately cost up to
 * four times a plain copy. Staging into the same resident buffers and writing them directly takes that off the
 * api's core (docs/performance.md). O_DIRECT needs aligned offsets and lengths, so the unaligned head of a chunk
 * (up to the next 4 KiB boundary) and its unaligned tail go through `buffered`, an ordinary handle on the
 * same file; the kernel keeps the two kinds of write coherent, and the fsync at commit flushes both.
 *
 * The caller keeps both handles. Once the stream has finished or closed, every write it started has settled.
 */
export class DirectFileAppender extends Writable {
  bytesWritten = 0;
  private readonly stages: Buffer[];
  private which = 0;
  private fill = 0;
  /** File offset of the current stage's first byte (aligned once the head is written). */
  private position: number;
  private head: Buffer[] = [];
  private headLeft: number;
  private writing: Promise<void> | undefined;
  /** The _write or _final at work: one call may issue several writes, and a destroy must wait for all of them. */
  private working: Promise<void> | undefined;
  private released = false;

  constructor(
    private readonly buffered: fsp.FileHandle,
    private readonly direct: fsp.FileHandle,
    private readonly start: number,
    private readonly pool: AlignedStagingPool,
  ) {
    super({ highWaterMark: pool.sliceBytes, decodeStrings: true });
    this.stages = [pool.take(), pool.take()];
    const misalignment = start % DIRECT_IO_ALIGNMENT;
    this.headLeft = misalignment === 0 ? 0 : DIRECT_IO_ALIGNMENT - misalignment;
    this.position = start + this.headLeft;
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    this.working = this.take(chunk);
    this.working.then(() => callback(), callback);
  }

  override _final(callback: (error?: Error | null) => void): void {
    this.working = this.finish();
    this.working.then(() => callback(), callback);
  }

  /**
   * Holds 'close' back until the call at work has stopped (it issues no write once destroyed) and the writes in
   * flight have settled, then returns the staging buffers.
   */
  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    const settle = (work: Promise<void> | undefined) => (work ?? Promise.resolve()).catch(() => undefined);
    void settle(this.working)
      .then(() => settle(this.writing))
      .then(() => {
        if (!this.released) this.stages.forEach((stage) => this.pool.give(stage));
        this.released = true;
        callback(error);
      });
  }

  private async take(chunk: Buffer): Promise<void> {
    let at = 0;
    if (this.headLeft > 0) {
      const part = chunk.subarray(0, this.headLeft);
      this.head.push(part);
      this.headLeft -= part.length;
      at = part.length;
      if (this.headLeft === 0) await this.writeHead();
    }
    while (at < chunk.length) {
      const stage = this.stages[this.which];
      const copied = chunk.copy(stage, this.fill, at);
      this.fill += copied;
      at += copied;
      if (this.fill === stage.length) await this.flushStage();
    }
  }

  /** Sends the full stage to the disk and switches to the other one, once that one's write has finished. */
  private async flushStage(): Promise<void> {
    this.checkLive();
    const previous = this.writing;
    const write = writeFully(this.direct, this.stages[this.which], 0, this.fill, this.position);
    write.catch(() => undefined); // awaited below or on the next flush, finish or destroy; never unhandled
    this.writing = write;
    this.position += this.fill;
    this.bytesWritten += this.fill;
    this.which ^= 1;
    this.fill = 0;
    await previous;
  }

  private async finish(): Promise<void> {
    if (this.head.length > 0) await this.writeHead(); // the whole stream was shorter than the head
    await this.writing;
    this.checkLive();
    const stage = this.stages[this.which];
    const aligned = this.fill - (this.fill % DIRECT_IO_ALIGNMENT);
    if (aligned > 0) await writeFully(this.direct, stage, 0, aligned, this.position);
    if (this.fill > aligned) await writeFully(this.buffered, stage, aligned, this.fill - aligned, this.position + aligned);
    this.position += this.fill;
    this.bytesWritten += this.fill;
    this.fill = 0;
  }

  /** After a destroy (the source failed, the caller gave up) no further write may start: the caller truncates. */
  private checkLive(): void {
    if (this.destroyed) throw new AppendAbortedError();
  }

  private async writeHead(): Promise<void> {
    this.checkLive();
    const bytes = Buffer.concat(this.head);
    this.head = [];
    await writeFully(this.buffered, bytes, 0, bytes.length, this.start);
    this.bytesWritten += bytes.length;
  }
}

export class AppendAbortedError extends Error {
  constructor() {
    super('the append was aborted');
  }
}

async function writeFully(handle: fsp.FileHandle, buffer: Buffer, offset: number, length: number, position: number): Promise<void> {
  let done = 0;
  while (done < length) {
    const { bytesWritten } = await handle.write(buffer, offset + done, length - done, position + done);
    if (bytesWritten === 0) throw new Error('the file system accepted no bytes');
    done += bytesWritten;
  }
}
