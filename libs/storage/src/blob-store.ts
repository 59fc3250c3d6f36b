import { Readable, Writable } from 'node:stream';

/** An inclusive byte range, as HTTP Range and Content-Range express it. */
export interface ByteRange {
  start: number;
  end: number;
}

export interface BlobInfo {
  digest: string;
  size: number;
  modifiedAt: Date;
}

export interface UploadInfo {
  id: string;
  size: number;
  modifiedAt: Date;
}

/** A committed blob opened for download (BlobStore.openDownload): sent once, then closed. */
export interface BlobDownload {
  /** Bytes the destination has accepted so far, also after a failure (for metrics). */
  readonly sent: number;
  /**
   * Writes the bytes into `destination` and ends it, resolving once it has finished. The destination must be
   * done with a chunk when it calls that write's callback (a socket or an HTTP response is: the bytes are in the
   * kernel by then; a PassThrough is not), because the chunk's buffer may be reused right after. Rejects with an error
   * whose code is ERR_STREAM_PREMATURE_CLOSE when the destination closes first (a client that hung up).
   */
  sendTo(destination: Writable): Promise<void>;
}

/**
 * Content-addressed byte storage. It knows nothing of repositories or the database:
 * PostgreSQL says what exists, the store only holds bytes.
 *
 * Committed blobs live at `blobs/<algorithm>/<first two hex>/<hex>` and are written once.
 * Uploads are written under `uploads/<id>` first and become visible only through publishUpload (or
 * commitUpload), so a reader never sees a half-written blob.
 */
export interface BlobStore {
  readonly driver: 'filesystem' | 's3' | 'azure';

  /** Size of a committed blob, or null when it is absent. */
  stat(digest: string): Promise<BlobInfo | null>;
  /** Streams a committed blob, or an inclusive range of it. Rejects with BlobNotFoundError when absent. */
  read(digest: string, range?: ByteRange): Promise<Readable>;
  /**
   * Opens a committed blob, or an inclusive range of it, for sending to one destination (a download).
   * Rejects with BlobNotFoundError when absent, before any byte moves. Drivers may send from reused buffers,
   * which `read` cannot do (a stream's consumer never says when it is done with a chunk).
   */
  openDownload(digest: string, range?: ByteRange): Promise<BlobDownload>;
  /** Removes committed blobs; absent ones are ignored. */
  delete(digests: string[]): Promise<void>;
  /** Every committed blob, for consistency checks and orphan collection. */
  list(): AsyncIterable<BlobInfo>;
  /** A time-limited URL the client may fetch the blob from directly, when the driver supports it. */
  redirectUrl(digest: string, expiresInSeconds: number): Promise<string | null>;

  /** Starts an empty upload. */
  createUpload(id: string): Promise<void>;
  /**
   * Writes the stream at `offset` (which must equal the upload's current size, or UploadOffsetError),
   * consuming it fully, and returns the upload's new size.
   */
  appendUpload(id: string, offset: number, data: Readable): Promise<number>;
  /** Current size of an upload. Rejects with UploadNotFoundError when absent. */
  uploadSize(id: string): Promise<number>;
  /** Streams the bytes written so far, from `start`, to rebuild a hash state on another replica. */
  readUpload(id: string, start?: number): Promise<Readable>;
  /**
   * Brings an upload back to bytes the store can vouch for, given the size the caller recorded for it, and returns
   * the size it holds now (the caller records that one when it differs). Called when a writer takes an upload over
   * (a new write lease), since the previous writer may have died mid-chunk: bytes past the recorded size are cut.
   * When the store holds fewer bytes than recorded (a writer that died after its size was recorded, before its last
   * bytes landed), the driver answers with the size it knows to be whole, which may be smaller still.
   */
  reconcileUpload(id: string, recordedSize: number): Promise<number>;
  /**
   * Writes the upload's bytes at the content address `digest` without removing the upload, so that it can be
   * published again if the blob is deleted before the caller has recorded it (abortUpload removes it afterwards).
   * This is the slow part of a commit on S3 (a multipart copy), meant to run outside any database transaction.
   * Idempotent: an existing blob is left as it is, even when the upload is gone. A published upload must take no
   * more appends (the filesystem store refuses them: its blob and its upload are one file until the upload goes).
   */
  publishUpload(id: string, digest: string): Promise<void>;
  /** publishUpload, then removes the upload. Idempotent when the blob exists. */
  commitUpload(id: string, digest: string): Promise<void>;
  /** Removes an upload and its bytes; absent ones are ignored. */
  abortUpload(id: string): Promise<void>;
  /** Every upload in progress, for purging abandoned ones. */
  listUploads(): AsyncIterable<UploadInfo>;
  /** Cheap reachability probe used by readiness checks. */
  ping(): Promise<void>;
}

export class BlobNotFoundError extends Error {
  constructor(readonly digest: string) {
    super(`blob ${digest} not found in storage`);
  }
}

export class UploadNotFoundError extends Error {
  constructor(readonly uploadId: string) {
    super(`upload ${uploadId} not found in storage`);
  }
}

export class UploadOffsetError extends Error {
  constructor(readonly uploadId: string, readonly expected: number, readonly actual: number) {
    super(`upload ${uploadId} is at offset ${actual}, not ${expected}`);
  }
}
