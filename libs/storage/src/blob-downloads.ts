import type { FileHandle } from 'node:fs/promises';
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { BlobDownload } from './blob-store';
import { ReadBufferPool } from './read-buffer-pool';

/** Reads in flight per download: one buffer being written to the socket while the next is read. */
const BUFFERS_PER_DOWNLOAD = 2;

/** A download fed by a stream (the S3 driver): the stream's chunks are the consumer's to keep. */
export function streamDownload(source: Readable): BlobDownload {
  const download = {
    sent: 0,
    async sendTo(destination: Writable): Promise<void> {
      source.on('data', (chunk: Buffer) => (download.sent += chunk.length));
      await pipeline(source, destination);
    },
  };
  return download;
}

/**
 * A download read from a file into reused buffers: a buffer goes back to the pool when the destination's write
 * callback says the bytes have left it (for a socket: copied into the kernel), so no read allocates.
 */
export class FileDownload implements BlobDownload {
  sent = 0;
  private started = false;

  constructor(
    private readonly handle: FileHandle,
    /** First byte to send. */
    private readonly start: number,
    /** Last byte to send (inclusive); the file's end comes first when it is shorter. */
    private readonly end: number,
    private readonly buffers: ReadBufferPool,
  ) {}

  async sendTo(destination: Writable): Promise<void> {
    if (this.started) throw new Error('a download is sent once');
    this.started = true;
    const writes = new BoundedWrites(destination, BUFFERS_PER_DOWNLOAD);
    try {
      let position = this.start;
      while (position <= this.end) {
        await writes.slot();
        const buffer = this.buffers.take();
        const length = await this.readInto(buffer, position);
        if (length === 0) break; // the end of the file
        writes.write(buffer.subarray(0, length), () => {
          this.sent += length;
          this.buffers.give(buffer);
        });
        position += length;
      }
      await writes.finish();
    } catch (error) {
      // Headers are out by now: a broken response is all a client can be told (as pipeline does).
      destination.destroy();
      throw error;
    } finally {
      writes.dispose();
      await this.handle.close();
    }
  }

  /** Reads at `position` into `buffer`; a buffer that got no bytes (the end, or an error) goes back to the pool. */
  private async readInto(buffer: Buffer, position: number): Promise<number> {
    let bytesRead = 0;
    try {
      ({ bytesRead } = await this.handle.read(buffer, 0, Math.min(buffer.length, this.end - position + 1), position));
      return bytesRead;
    } finally {
      if (bytesRead === 0) this.buffers.give(buffer);
    }
  }
}

/** Writes to a destination with at most `depth` writes unacknowledged, failing fast when it errors or closes. */
class BoundedWrites {
  private pending = 0;
  private failure?: Error;
  private wake?: () => void;
  private finished = false;

  constructor(
    private readonly destination: Writable,
    private readonly depth: number,
  ) {
    destination.on('error', this.fail);
    destination.on('close', this.onClose);
    destination.on('finish', this.onFinish);
  }

  /** Resolves when another write may start; rejects once the destination has failed. */
  async slot(): Promise<void> {
    while (!this.failure && this.pending >= this.depth) await new Promise<void>((resolve) => (this.wake = resolve));
    if (this.failure) throw this.failure;
  }

  write(chunk: Buffer, acknowledged: () => void): void {
    this.pending++;
    this.destination.write(chunk, (error?: Error | null) => {
      this.pending--;
      if (error) this.fail(error);
      else acknowledged();
      this.notify();
    });
  }

  /** Ends the destination and resolves when it has finished. */
  async finish(): Promise<void> {
    if (this.failure) throw this.failure;
    this.destination.end();
    while (!this.failure && !this.finished) await new Promise<void>((resolve) => (this.wake = resolve));
    if (this.failure) throw this.failure;
  }

  dispose(): void {
    this.destination.off('error', this.fail);
    this.destination.off('close', this.onClose);
    this.destination.off('finish', this.onFinish);
  }

  private readonly fail = (error: Error): void => {
    this.failure ??= error;
    this.notify();
  };

  private readonly onClose = (): void => {
    if (!this.finished) this.fail(prematureClose());
  };

  private readonly onFinish = (): void => {
    this.finished = true;
    this.notify();
  };

  private notify(): void {
    const wake = this.wake;
    this.wake = undefined;
    wake?.();
  }
}

function prematureClose(): Error {
  return Object.assign(new Error('the destination closed before the download finished'), { code: 'ERR_STREAM_PREMATURE_CLOSE' });
}
