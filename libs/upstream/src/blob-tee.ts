import { createHash } from 'node:crypto';
import { PassThrough, Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { BlobStore } from '@cargohold/storage';
import { algorithmOf } from './digests';

const CHUNK_BUFFER = 1 << 20;

/** Why a tee failed: the upstream's bytes are not the blob asked for. */
export class BlobDigestMismatchError extends Error {}

/**
 * Copies an upstream blob into a store upload and to a client at once, hashing as the bytes go: the client reads
 * them as they arrive, never waiting for the whole layer. The last chunk is held back from the client until the
 * digest is verified, so a client can never receive a complete blob that is not the one it asked for: on a mismatch
 * its stream fails short of the end (its download fails) and the upload is removed. The client's stream going away
 * (a client that hung up) does not stop the copy into the store.
 *
 * Both destinations pace the copy: a chunk is taken from the upstream when the store and the client have room.
 */
export class BlobTee {
  /** What the client reads. An error on it means the download failed and must be cut short. */
  readonly client = new PassThrough({ highWaterMark: CHUNK_BUFFER });

  constructor(
    private readonly store: BlobStore,
    private readonly uploadId: string,
    private readonly digest: string,
    /** The upstream's Content-Length, when it sent one: more or fewer bytes is a failure too. */
    private readonly expectedSize: number | undefined,
    /** Told the length of each chunk taken from the upstream (the bytes-fetched metric). */
    private readonly onBytes: (bytes: number) => void = () => undefined,
  ) {}

  private held: Buffer | null = null;

  /**
   * Runs the copy; resolves with the size once every byte is in the upload and the digest matched (the upload is
   * then ready for publishUpload), the client still short of its last chunk: {@link complete} sends it. Rejects
   * after failing the client's stream and removing the upload.
   */
  async run(source: Readable): Promise<number> {
    const storage = new PassThrough({ highWaterMark: CHUNK_BUFFER });
    const hash = createHash(algorithmOf(this.digest));
    let size = 0;
    const client = this.client;
    client.on('error', () => undefined);
    const appended = this.store.appendUpload(this.uploadId, 0, storage);
    const sink = new Writable({
      highWaterMark: CHUNK_BUFFER,
      write: (chunk: Buffer, _encoding, callback) => {
        hash.update(chunk);
        size += chunk.length;
        this.onBytes(chunk.length);
        if (this.expectedSize !== undefined && size > this.expectedSize) {
          callback(new BlobDigestMismatchError(`the upstream sent more than the ${this.expectedSize} bytes it announced`));
          return;
        }
        const waits: Promise<void>[] = [];
        if (!storage.write(chunk)) waits.push(roomIn(storage));
        if (this.held && !client.destroyed && !client.write(this.held)) waits.push(roomIn(client));
        this.held = chunk;
        Promise.all(waits).then(() => callback(), callback);
      },
    });
    // A store that fails stops the copy at once (its PassThrough would otherwise never drain).
    const storeFailed = appended.then(
      () => undefined,
      (error: Error) => {
        sink.destroy(error);
        throw error;
      },
    );
    storeFailed.catch(() => undefined);
    try {
      await pipeline(source, sink);
      const actual = `${algorithmOf(this.digest)}:${hash.digest('hex')}`;
      if (actual !== this.digest) throw new BlobDigestMismatchError(`the upstream's bytes have digest ${actual}, not ${this.digest}`);
      if (this.expectedSize !== undefined && size !== this.expectedSize) {
        throw new BlobDigestMismatchError(`the upstream sent ${size} bytes, not the ${this.expectedSize} it announced`);
      }
      storage.end();
      await appended;
    } catch (error) {
      client.destroy(error as Error);
      storage.destroy();
      await appended.catch(() => undefined);
      await this.store.abortUpload(this.uploadId).catch(() => undefined);
      throw error;
    }
    return size;
  }

  /**
   * Sends the client its last chunk and ends its stream: called once the blob is in the store and recorded, so a
   * client whose download completed finds it cached on its next request.
   */
  complete(): void {
    if (!this.client.destroyed) this.client.end(this.held ?? undefined);
    this.held = null;
  }
}

/** Resolves when a stream can take more (drain) or will take nothing more (closed): a waiter never hangs. */
function roomIn(stream: Writable): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      stream.off('drain', done);
      stream.off('close', done);
      resolve();
    };
    stream.on('drain', done);
    stream.on('close', done);
  });
}
