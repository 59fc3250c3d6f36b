import { promises as fsp } from 'node:fs';
import { Writable } from 'node:stream';

export interface FileAppenderOptions {
  /** Bytes gathered before one positioned writev goes to the threadpool. */
  batchBytes: number;
  /**
   * Start a background fdatasync once this many bytes were written since the last one began. The caller's
   * final fsync (at commit) then has only the tail left to flush, instead of the whole file.
   */
  syncBehindBytes: number;
  /** Bytes before `start` that may still be unflushed (earlier chunks of the same upload). */
  unsyncedBefore?: number;
}

/** writev takes at most IOV_MAX (1024) buffers per call on Linux; libuv loops past it, but keep batches sane. */
const MAX_BATCH_BUFFERS = 512;

/**
 * Writes a stream into an open file from `start`, in place, in large batches.
 *
 * Why not fs.createWriteStream: it hands every few socket chunks (~256 KiB) to the threadpool as they come,
 * and each hand-off is a pair of thread wake-ups on the core that also receives and hashes the bytes. Here
 * chunks are only collected (no copy: writev takes them as they are) until `batchBytes` are pending, so a
 * 256 MiB layer costs a few dozen threadpool round trips instead of a thousand.
 *
 * It also flushes behind itself: while the next bytes stream in, the ones already written are being pushed
 * to disk by a background fdatasync, so the fsync that publishes the blob waits for a short tail only.
 *
 * The caller keeps the handle (it may reuse it for the upload's next chunk). Once the stream has finished or
 * closed, every write and sync the appender started has settled, so no write can land after the caller
 * truncates on failure.
 */
export class FileAppender extends Writable {
  bytesWritten = 0;
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  private position: number;
  private unsynced: number;
  private writing: Promise<void> | undefined;
  private syncing: Promise<void> | undefined;
  private syncError: Error | undefined;

  constructor(
    private readonly handle: fsp.FileHandle,
    start: number,
    private readonly options: FileAppenderOptions,
  ) {
    // The stream's own buffer only matters while a batch is on its way to disk.
    super({ highWaterMark: options.batchBytes, decodeStrings: true });
    this.position = start;
    this.unsynced = start > 0 ? (options.unsyncedBefore ?? 0) : 0;
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    this.pending.push(chunk);
    this.pendingBytes += chunk.length;
    if (this.pendingBytes < this.options.batchBytes && this.pending.length < MAX_BATCH_BUFFERS) return callback();
    this.track(this.flush()).then(() => callback(), callback);
  }

  override _final(callback: (error?: Error | null) => void): void {
    // The last batch, then whatever sync is still running: its error (EIO) must fail this append.
    this.track(this.flush())
      .then(() => this.syncing)
      .then(() => callback(this.syncError), callback);
  }

  /** Holds 'close' back until the write and the sync in flight have settled (their outcome no longer matters). */
  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    const settle = (work: Promise<void> | undefined) => (work ?? Promise.resolve()).catch(() => undefined);
    void settle(this.writing)
      .then(() => settle(this.syncing))
      .then(() => callback(error));
  }

  private track(write: Promise<void>): Promise<void> {
    this.writing = write;
    return write.finally(() => {
      if (this.writing === write) this.writing = undefined;
    });
  }

  private async flush(): Promise<void> {
    if (this.pendingBytes === 0) return;
    const buffers = this.pending;
    const bytes = this.pendingBytes;
    this.pending = [];
    this.pendingBytes = 0;
    let written = 0;
    // writev may write less than asked (a full disk reports ENOSPC only on the next call): carry on from there.
    while (written < bytes) {
      const { bytesWritten } = await this.handle.writev(remaining(buffers, written), this.position + written);
      if (bytesWritten === 0) throw new Error('the file system accepted no bytes');
      written += bytesWritten;
    }
    this.position += bytes;
    this.bytesWritten += bytes;
    this.unsynced += bytes;
    this.syncBehind();
  }

  private syncBehind(): void {
    if (this.syncing || this.syncError || this.unsynced < this.options.syncBehindBytes) return;
    this.unsynced = 0;
    this.syncing = this.handle
      .datasync()
      .catch((error: Error) => {
        this.syncError = error;
      })
      .finally(() => {
        this.syncing = undefined;
      });
  }
}

/** The buffers after the first `skip` bytes (subarrays, not copies). */
function remaining(buffers: Buffer[], skip: number): Buffer[] {
  if (skip === 0) return buffers;
  const rest: Buffer[] = [];
  for (const buffer of buffers) {
    if (skip >= buffer.length) {
      skip -= buffer.length;
      continue;
    }
    rest.push(skip > 0 ? buffer.subarray(skip) : buffer);
    skip = 0;
  }
  return rest;
}
