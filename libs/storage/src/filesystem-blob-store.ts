import { constants, Dirent, promises as fsp } from 'node:fs';
import path from 'node:path';
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import {
  BlobDownload,
  BlobInfo,
  BlobNotFoundError,
  BlobStore,
  ByteRange,
  UploadInfo,
  UploadNotFoundError,
  UploadOffsetError,
} from './blob-store';
import { AlignedStagingPool } from './aligned-staging';
import { FileDownload } from './blob-downloads';
import { DirectFileAppender } from './direct-file-appender';
import { FileAppender } from './file-appender';
import { KeyedMutex } from './keyed-mutex';
import { ReadBufferPool } from './read-buffer-pool';
import { closeAll, OpenUploadFiles, UploadHandles } from './open-upload-files';
import { mapLimit } from './s3-streams';
import {
  assertDigest,
  assertUploadId,
  blobKeySegments,
  DIGEST_ALGORITHMS,
  isValidDigest,
  isValidUploadId,
  uploadKeySegments,
} from './storage-keys';

const DATA_FILE = 'data';
/**
 * Upload writes go down in batches of this many bytes (one writev each), rather than one threadpool hand-off
 * per few socket chunks: see FileAppender. Memory per receiving upload is about twice this.
 */
const WRITE_BATCH_BYTES = 2 * 1024 * 1024;
/** A background fdatasync starts every this many bytes, so the commit's fsync has only a tail to flush. */
const SYNC_BEHIND_BYTES = 16 * 1024 * 1024;
/**
 * Read size for blob downloads. Uploads bypass the page cache (O_DIRECT), so the first pull of a blob reads
 * from the disk, where 1 MiB reads beat 256 KiB ones by 15-20% (first pulls in `BENCH_ONLY=pull`, 2 x 2 runs);
 * from the page cache both sizes measure the same. It bounds what one download holds in memory.
 */
const READ_BUFFER_BYTES = 1024 * 1024;
/**
 * What may be missing or torn at the end of an upload whose writer died while finishing a chunk: the appenders
 * have at most two batches of WRITE_BATCH_BYTES in flight (DirectFileAppender's two staging slices).
 */
const IN_FLIGHT_BYTES = 2 * WRITE_BATCH_BYTES;
/** Download buffers kept idle for reuse (see ReadBufferPool): 32 MiB after a burst. */
const IDLE_DOWNLOAD_BUFFERS = 32;

/**
 * Stores blobs as plain files under `root`:
 *
 *   <root>/blobs/<algorithm>/<2 hex>/<hex>   committed, immutable
 *   <root>/uploads/<id>/data                 in progress (from publishUpload until the upload is removed, a
 *                                            second link to the committed blob's file, which takes no writes)
 *
 * Bytes are only ever streamed, never buffered whole. The store does not verify digests: the
 * registry hashes uploads as they stream through and tells publishUpload which address to use.
 *
 * Appends, commits and aborts of one upload are serialised in-process; several processes sharing
 * one root must route an upload's requests to one process (or rely on the offset check, which
 * catches the common retry race but is not a cross-process lock).
 */
export class FilesystemBlobStore implements BlobStore {
  readonly driver = 'filesystem' as const;
  private readonly uploadLocks = new KeyedMutex();
  private readonly openFiles = new OpenUploadFiles();
  /** Staging for O_DIRECT uploads: two slices of WRITE_BATCH_BYTES per receiving upload. */
  private readonly staging = new AlignedStagingPool(WRITE_BATCH_BYTES);
  /** Download buffers, reused across downloads (a process has one store, so one pool). */
  private readonly downloadBuffers = new ReadBufferPool(READ_BUFFER_BYTES, IDLE_DOWNLOAD_BUFFERS);
  /** Whether uploads are written with O_DIRECT: until the file system says it cannot, unless told not to. */
  private directIo: boolean;

  constructor(
    private readonly root: string,
    options: { directIo?: boolean } = {},
  ) {
    this.directIo = options.directIo ?? true;
  }

  async stat(digest: string): Promise<BlobInfo | null> {
    const file = this.blobPath(digest);
    try {
      const stats = await fsp.stat(file);
      return stats.isFile() ? { digest, size: stats.size, modifiedAt: stats.mtime } : null;
    } catch (error) {
      if (isMissing(error)) return null;
      throw error;
    }
  }

  /** A range reaching past the end of the blob yields the bytes that exist, as S3 does. */
  async read(digest: string, range?: ByteRange): Promise<Readable> {
    const handle = await this.openCommitted(digest, range);
    return handle.createReadStream(range ? { start: range.start, end: range.end, highWaterMark: READ_BUFFER_BYTES } : { highWaterMark: READ_BUFFER_BYTES });
  }

  async openDownload(digest: string, range?: ByteRange): Promise<BlobDownload> {
    const handle = await this.openCommitted(digest, range);
    return new FileDownload(handle, range?.start ?? 0, range?.end ?? Number.POSITIVE_INFINITY, this.downloadBuffers);
  }

  /**
   * Opens a committed blob for reading. Opening eagerly turns a missing blob into a rejection here rather than a
   * stream error later, after the caller may already have sent response headers.
   */
  private async openCommitted(digest: string, range: ByteRange | undefined): Promise<fsp.FileHandle> {
    const file = this.blobPath(digest);
    if (range) assertRange(range);
    return openOr(file, 'r', () => new BlobNotFoundError(digest));
  }

  async delete(digests: string[]): Promise<void> {
    // Validate everything first so a bad entry cannot leave the batch half done.
    const files = digests.map((digest) => this.blobPath(digest));
    // A few unlinks in flight: GC deletes hundreds per batch, and one at a time each waits for the file system.
    await mapLimit(files, DELETES_IN_FLIGHT, async (file) => {
      try {
        await fsp.unlink(file);
      } catch (error) {
        if (!isMissing(error)) throw error;
      }
    });
    // Then each directory once (not once per file): most still hold other blobs and stay.
    for (const dir of new Set(files.map((file) => path.dirname(file)))) await removeIfEmpty(dir);
  }

  async *list(): AsyncIterable<BlobInfo> {
    const blobs = path.join(this.root, 'blobs');
    for (const algorithm of DIGEST_ALGORITHMS) {
      for await (const prefix of entries(path.join(blobs, algorithm))) {
        if (!prefix.isDirectory()) continue;
        for await (const entry of entries(path.join(blobs, algorithm, prefix.name))) {
          const digest = `${algorithm}:${entry.name}`;
          // Skip anything that is not a blob at its proper address (stray or foreign files).
          if (!entry.isFile() || !isValidDigest(digest) || !entry.name.startsWith(prefix.name)) continue;
          const info = await this.stat(digest);
          if (info) yield info; // null: deleted while we were walking
        }
      }
    }
  }

  async redirectUrl(digest: string, _expiresInSeconds: number): Promise<string | null> {
    assertDigest(digest);
    return null; // files are served by the application itself
  }

  async createUpload(id: string): Promise<void> {
    const dir = this.uploadDir(id);
    await fsp.mkdir(dir, { recursive: true });
    // 'wx': ids are meant to be fresh, and silently truncating someone's upload would lose data.
    const handle = await fsp.open(path.join(dir, DATA_FILE), 'wx');
    await handle.close();
  }

  /**
   * Writes in place at `offset` after checking it equals the current size.
   * On a precondition failure (unknown upload, wrong offset) `data` is left untouched for the
   * caller to drain or destroy. If `data` fails mid-way the upload is truncated back to `offset`
   * and the error is rethrown, so the client can resume from the size it last saw.
   */
  async appendUpload(id: string, offset: number, data: Readable): Promise<number> {
    if (!Number.isSafeInteger(offset) || offset < 0) throw new RangeError('invalid upload offset');
    return this.uploadLocks.run(id, async () => {
      const { size, ino, published } = await this.uploadStats(id);
      // Its file is also a committed blob now (publishUpload links it): writing would change the blob.
      if (published) throw new UploadNotFoundError(id);
      if (size !== offset) throw new UploadOffsetError(id, offset, size);

      const handles = await this.uploadHandles(id, ino);
      const { buffered, direct } = handles;
      const sink = direct
        ? new DirectFileAppender(buffered, direct, offset, this.staging)
        : // Earlier chunks of this upload may still be in the page cache: let the first sync-behind take them too.
          new FileAppender(buffered, offset, { batchBytes: WRITE_BATCH_BYTES, syncBehindBytes: SYNC_BEHIND_BYTES, unsyncedBefore: offset });
      try {
        await pipeline(data, sink);
      } catch (error) {
        await closed(sink); // every write has settled: none may land after the truncate
        await buffered.truncate(offset).catch(() => undefined); // best effort; the original error matters more
        await closeAll(handles);
        // A file system that opens with O_DIRECT but refuses the writes (a stricter alignment than 4 KiB): this
        // append fails, the client's retry and every later one go through the page cache.
        if (direct && (error as NodeJS.ErrnoException).code === 'EINVAL') this.directIo = false;
        throw isMissing(error) ? new UploadNotFoundError(id) : error;
      }
      await closed(sink);
      this.openFiles.put(id, handles, ino); // for the next chunk, and the ordinary handle for the commit's fsync
      return offset + sink.bytesWritten;
    });
  }

  async uploadSize(id: string): Promise<number> {
    return (await this.uploadStats(id)).size;
  }

  async readUpload(id: string, start = 0): Promise<Readable> {
    const file = this.uploadFile(id);
    if (!Number.isSafeInteger(start) || start < 0) throw new RangeError('invalid upload offset');
    const handle = await openOr(file, 'r', () => new UploadNotFoundError(id));
    return handle.createReadStream({ start });
  }

  /**
   * Cuts bytes past `recordedSize` (a chunk whose writer died before recording it). When the file is shorter than
   * recorded (the writer died after recording its chunk's size, before its last writes landed), the last writes
   * may have landed out of order, leaving a hole: an appender has at most two batches in flight
   * (DirectFileAppender), so the bytes before the last {@link IN_FLIGHT_BYTES} are whole and the rest is cut.
   */
  async reconcileUpload(id: string, recordedSize: number): Promise<number> {
    if (!Number.isSafeInteger(recordedSize) || recordedSize < 0) throw new RangeError('invalid upload size');
    return this.uploadLocks.run(id, async () => {
      const { size, published } = await this.uploadStats(id);
      if (size === recordedSize) return size;
      if (published) throw new UploadNotFoundError(id); // never cut a committed blob's file
      const whole = size > recordedSize ? recordedSize : Math.max(0, size - IN_FLIGHT_BYTES);
      // The handles kept from the previous writer's chunks (this process) are dropped: the next chunk opens afresh.
      await this.openFiles.discard(id);
      await truncateFile(this.uploadFile(id), whole, id);
      return whole;
    });
  }

  /**
   * Flushes the upload and hard-links it at its content address: cheap, atomic (readers see no blob or the whole
   * blob) and it keeps the upload, so a blob deleted before the caller recorded it can be published again. Where
   * the file system has no hard links, the upload is renamed into place instead (it is gone afterwards).
   */
  async publishUpload(id: string, digest: string): Promise<void> {
    const source = this.uploadFile(id);
    const target = this.blobPath(digest);
    await this.uploadLocks.run(id, async () => {
      // Same address means same bytes, so an existing blob makes this a no-op;
      // this also makes a retried commit succeed after the first one removed the upload.
      if (await this.stat(digest)) return;

      // Flush the bytes before the link publishes them, or a crash could expose a short blob.
      const { ino } = await this.uploadStats(id);
      const kept = await this.openFiles.take(id, ino);
      const handle = kept?.buffered ?? (await openOr(source, 'r+', () => new UploadNotFoundError(id)));
      try {
        await handle.sync();
      } finally {
        await closeAll(kept ?? { buffered: handle });
      }
      await placeFile(source, target, id);
      // A link keeps the upload's modification time: the orphan sweeper's grace period must start now.
      const now = new Date();
      await fsp.utimes(target, now, now).catch(() => undefined);
      await syncDirectory(path.dirname(target));
    });
  }

  async commitUpload(id: string, digest: string): Promise<void> {
    await this.publishUpload(id, digest);
    await this.abortUpload(id);
  }

  async abortUpload(id: string): Promise<void> {
    assertUploadId(id);
    await this.uploadLocks.run(id, () => this.removeUpload(id));
  }

  async *listUploads(): AsyncIterable<UploadInfo> {
    for await (const entry of entries(path.join(this.root, 'uploads'))) {
      if (!entry.isDirectory() || !isValidUploadId(entry.name)) continue;
      try {
        const stats = await fsp.stat(path.join(this.root, 'uploads', entry.name, DATA_FILE));
        yield { id: entry.name, size: stats.size, modifiedAt: stats.mtime };
      } catch (error) {
        if (!isMissing(error)) throw error; // committed or aborted while we were walking
      }
    }
  }

  async ping(): Promise<void> {
    await fsp.mkdir(this.root, { recursive: true });
    await fsp.access(this.root, constants.W_OK);
  }

  private blobPath(digest: string): string {
    return path.join(this.root, ...blobKeySegments(digest));
  }

  private uploadDir(id: string): string {
    return path.join(this.root, ...uploadKeySegments(id));
  }

  private uploadFile(id: string): string {
    return path.join(this.uploadDir(id), DATA_FILE);
  }

  /** `published`: the upload's file is also a committed blob (publishUpload linked it there). */
  private async uploadStats(id: string): Promise<{ size: number; ino: number; published: boolean }> {
    try {
      const { size, ino, nlink } = await fsp.stat(this.uploadFile(id));
      return { size, ino, published: nlink > 1 };
    } catch (error) {
      if (isMissing(error)) {
        await this.openFiles.discard(id); // aborted or committed by another process
        throw new UploadNotFoundError(id);
      }
      throw error;
    }
  }

  /**
   * The upload's file, open for writing: the handles kept from its previous chunk when the path still names that
   * file, else fresh ones. 'r+' writes in place and, unlike 'a', fails rather than creates when the upload was
   * aborted by another process in the meantime. The O_DIRECT handle (for DirectFileAppender) is left out where
   * the file system refuses O_DIRECT (EINVAL), after which this store writes through the page cache for good.
   */
  private async uploadHandles(id: string, ino: number): Promise<UploadHandles> {
    const kept = await this.openFiles.take(id, ino);
    if (kept && (kept.direct || !this.directIo)) return kept;
    const file = this.uploadFile(id);
    const buffered = kept?.buffered ?? (await openOr(file, 'r+', () => new UploadNotFoundError(id)));
    if (!this.directIo) return { buffered };
    try {
      return { buffered, direct: await fsp.open(file, constants.O_RDWR | constants.O_DIRECT) };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EINVAL') {
        this.directIo = false;
        return { buffered };
      }
      await buffered.close().catch(() => undefined);
      throw isMissing(error) ? new UploadNotFoundError(id) : error;
    }
  }

  /**
   * An upload's folder holds its one data file: unlink and rmdir are two system calls, where a recursive rm reads
   * the folder and stats each entry first (a third of a millisecond of CPU per small push's blob, measured). Anything
   * else found in the folder (left by another version) falls back to the recursive rm.
   */
  private async removeUpload(id: string): Promise<void> {
    await this.openFiles.discard(id);
    const dir = this.uploadDir(id);
    try {
      await fsp.unlink(path.join(dir, DATA_FILE)).catch((error: unknown) => {
        if (!isMissing(error)) throw error;
      });
      await fsp.rmdir(dir);
    } catch (error) {
      if (!isMissing(error)) await fsp.rm(dir, { recursive: true, force: true });
    }
  }
}

function isMissing(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException | null)?.code;
  return code === 'ENOENT' || code === 'ENOTDIR';
}

function assertRange(range: ByteRange): void {
  const { start, end } = range;
  if (!Number.isSafeInteger(start) || !Number.isSafeInteger(end) || start < 0 || end < start) {
    throw new RangeError('invalid byte range');
  }
}

async function openOr(file: string, flags: string, notFound: () => Error): Promise<fsp.FileHandle> {
  try {
    return await fsp.open(file, flags);
  } catch (error) {
    if (isMissing(error)) throw notFound();
    throw error;
  }
}

/** Resolves once the stream has released its file descriptor (pipeline may settle earlier). */
function closed(stream: Writable): Promise<void> {
  if (stream.closed) return Promise.resolve();
  return new Promise((resolve) => stream.once('close', () => resolve()));
}

/**
 * link(2) and rename(2) are atomic, so readers see either no blob or the whole blob. An existing target holds the
 * same bytes (same address) and is kept. delete() may remove the (momentarily empty) 2-hex directory between our
 * mkdir and our link, hence the retry. File systems without hard links get a rename.
 */
async function placeFile(source: string, target: string, id: string): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    await fsp.mkdir(path.dirname(target), { recursive: true });
    try {
      await fsp.link(source, target);
      return;
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'EEXIST') return;
      if (code === 'EPERM' || code === 'ENOTSUP' || code === 'EOPNOTSUPP' || code === 'ENOSYS' || code === 'EMLINK') {
        return renameIntoPlace(source, target, id);
      }
      if (!isMissing(error)) throw error;
      if (!(await exists(source))) throw new UploadNotFoundError(id);
      if (attempt >= 3) throw error;
    }
  }
}

async function renameIntoPlace(source: string, target: string, id: string): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    await fsp.mkdir(path.dirname(target), { recursive: true });
    try {
      await fsp.rename(source, target);
      return;
    } catch (error) {
      if (!isMissing(error)) throw error;
      if (!(await exists(source))) throw new UploadNotFoundError(id);
      if (attempt >= 3) throw error;
    }
  }
}

async function truncateFile(file: string, size: number, id: string): Promise<void> {
  try {
    await fsp.truncate(file, size);
  } catch (error) {
    throw isMissing(error) ? new UploadNotFoundError(id) : error;
  }
}

/** Makes a rename durable on Linux; some platforms cannot open directories, which is fine. */
async function syncDirectory(dir: string): Promise<void> {
  try {
    const handle = await fsp.open(dir, 'r');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  } catch {
    // best effort
  }
}

/** Removes a directory if it is empty; a racing writer or a missing directory is not an error. */
/** Unlinks in flight in one delete() call. */
const DELETES_IN_FLIGHT = 16;

async function removeIfEmpty(dir: string): Promise<void> {
  try {
    await fsp.rmdir(dir);
  } catch {
    // ENOTEMPTY, EEXIST, ENOENT: all mean "leave it"
  }
}

async function exists(file: string): Promise<boolean> {
  try {
    await fsp.access(file);
    return true;
  } catch {
    return false;
  }
}

/** Directory entries, streamed via opendir so huge directories are not read into one array. */
async function* entries(dir: string): AsyncIterable<Dirent> {
  let handle;
  try {
    handle = await fsp.opendir(dir);
  } catch (error) {
    if (isMissing(error)) return;
    throw error;
  }
  yield* handle; // the Dir closes itself when iteration ends or is abandoned
}
