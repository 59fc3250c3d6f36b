import {
  _Object,
  DeleteObjectCommand,
  DeleteObjectsCommand,
  DeleteObjectsCommandOutput,
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { Readable } from 'node:stream';
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
import { streamDownload } from './blob-downloads';
import { KeyedMutex } from './keyed-mutex';
import { assembleObject, PartCopySupport } from './s3-assemble';
import { createS3Client } from './s3-client';
import { S3BlobStoreConfig } from './s3-config';
import { isInvalidRange, isNoSuchKey, isNotImplemented } from './s3-errors';
import { mapLimit, rechunk, takeBytes, toBuffer } from './s3-streams';
import { chunkKey, EMPTY_UPLOAD, parseUploadState, stateKey, UploadChunk, UploadState, uploadPrefix } from './s3-upload-state';
import { assertByteRange, blobKey, digestOfBlobKey, isValidUploadId } from './storage-keys';

/** S3's minimum size of every multipart part but the last. */
export const MIN_PART_SIZE = 5 * 1024 * 1024;
/** Bytes buffered per append before they are written out as one chunk object. */
export const DEFAULT_CHUNK_SIZE = 8 * 1024 * 1024;
/** S3's limit of parts per multipart upload, hence of chunks per upload: 10 000 x 8 MiB ≈ 78 GiB. */
const MAX_CHUNKS = 10_000;
/** DeleteObjects takes at most 1000 keys per call. */
const DELETE_BATCH = 1000;
/** Single deletes in flight at once, on servers without DeleteObjects. */
const SINGLE_DELETES_IN_FLIGHT = 16;
/** How long a publish waits for a blob key of the wrong size to settle (another writer's) before writing it itself. */
const PUBLISH_SETTLE_MS = 10_000;
/** Writes of the blob one publish makes at most, when the key keeps disappearing. */
const PUBLISH_WRITES = 5;
/** The longest validity SigV4 allows for a presigned URL (7 days). */
const MAX_PRESIGN_SECONDS = 7 * 24 * 3600;

export interface S3BlobStoreOptions {
  /** A ready client (tests, custom middleware); by default one is built from the config. */
  client?: S3Client;
  /** Size of the chunk objects an append is cut into; at least MIN_PART_SIZE. */
  chunkSize?: number;
}

/**
 * Stores blobs in one S3 bucket (AWS, MinIO, Ceph, R2, ...):
 *
 *   blobs/<algorithm>/<2 hex>/<hex>        committed, immutable
 *   uploads/<id>/state.json                an upload: its size and its chunk objects, in order
 *   uploads/<id>/chunks/<offset>-<random>  the upload's bytes, as ordinary objects
 *
 * Why chunk objects rather than an S3 multipart upload opened at createUpload: the bytes of an
 * unfinished multipart upload cannot be read back, yet readUpload must stream them (another replica
 * rebuilds its hash state from them, sha512 digests are verified from them). So each append is cut
 * into chunk objects of `chunkSize` bytes (8 MiB: the most one append holds in memory; nothing
 * touches local disk), and publishUpload assembles them with a multipart upload whose parts are
 * server-side copies (UploadPartCopy), so committing moves no bytes through this process.
 *
 * Multipart parts must be at least 5 MiB except the last, so every chunk but the last is kept at
 * least MIN_PART_SIZE: when an append ends with a shorter chunk (the "tail"), the next append reads
 * the tail back and rewrites it merged with its own first bytes.
 *
 * Everything an upload is lives in the bucket, so any replica can continue it. An append writes its
 * chunk objects first and the state object last; the state is the only thing that makes bytes part
 * of the upload, so an interrupted append leaves the previous state intact (its chunks are deleted,
 * or removed with the upload later). There is no lock across processes: the caller must not run two
 * appends of one upload at once on different replicas (within one process they are serialised here).
 */
export class S3BlobStore implements BlobStore {
  readonly driver = 's3' as const;
  private readonly client: S3Client;
  private readonly bucket: string;
  private readonly chunkSize: number;
  private readonly uploadLocks = new KeyedMutex();
  /** Publishes of one blob key, so that this process never overwrites a blob it is writing. */
  private readonly blobLocks = new KeyedMutex();
  private readonly partCopy: PartCopySupport = {};
  /** Whether the server takes DeleteObjects: unknown until the first delete. */
  private multiDelete?: boolean;

  constructor(
    private readonly config: S3BlobStoreConfig,
    options: S3BlobStoreOptions = {},
  ) {
    if (!config.bucket) throw new Error('the s3 storage driver needs a bucket (S3_BUCKET)');
    this.bucket = config.bucket;
    this.client = options.client ?? createS3Client(config);
    this.chunkSize = options.chunkSize ?? DEFAULT_CHUNK_SIZE;
    if (!Number.isSafeInteger(this.chunkSize) || this.chunkSize < MIN_PART_SIZE) {
      throw new RangeError(`chunkSize must be at least ${MIN_PART_SIZE} bytes`);
    }
  }

  async stat(digest: string): Promise<BlobInfo | null> {
    const head = await this.head(blobKey(digest));
    return head && { digest, size: head.size, modifiedAt: head.modifiedAt };
  }

  /** A range reaching past the end yields the bytes that exist; one starting past it yields none. */
  async read(digest: string, range?: ByteRange): Promise<Readable> {
    const key = blobKey(digest);
    if (range) assertByteRange(range);
    try {
      // Awaiting the response turns a missing blob into a rejection before any header is sent.
      const body = await this.getObject(key, range);
      return range ? takeBytes(body, range.end - range.start + 1) : body;
    } catch (error) {
      if (isNoSuchKey(error)) throw new BlobNotFoundError(digest);
      if (range && isInvalidRange(error)) return Readable.from([], { objectMode: false });
      throw error;
    }
  }

  async openDownload(digest: string, range?: ByteRange): Promise<BlobDownload> {
    return streamDownload(await this.read(digest, range));
  }

  async delete(digests: string[]): Promise<void> {
    // Validate everything first so a bad entry cannot leave the batch half done.
    await this.deleteKeys(digests.map(blobKey));
  }

  async *list(): AsyncIterable<BlobInfo> {
    for await (const object of this.listObjects('blobs/')) {
      const digest = digestOfBlobKey(object.Key ?? '');
      if (!digest) continue;
      yield { digest, size: object.Size ?? 0, modifiedAt: object.LastModified ?? new Date(0) };
    }
  }

  /** A presigned GET when S3_REDIRECT is on. The URL is signed for the configured endpoint, which clients must be able to reach. */
  async redirectUrl(digest: string, expiresInSeconds: number): Promise<string | null> {
    const key = blobKey(digest);
    if (!this.config.redirect) return null;
    const expiresIn = Math.min(Math.max(Math.floor(expiresInSeconds), 1), MAX_PRESIGN_SECONDS);
    return getSignedUrl(this.client, new GetObjectCommand({ Bucket: this.bucket, Key: key }), { expiresIn });
  }

  async createUpload(id: string): Promise<void> {
    const key = stateKey(id);
    // Ids are meant to be fresh; silently resetting someone's upload would lose data.
    if (await this.head(key)) throw new Error(`upload ${id} already exists`);
    await this.writeState(id, EMPTY_UPLOAD);
  }

  /**
   * Streams `data` into chunk objects after checking `offset` equals the current size. On a
   * precondition failure (unknown upload, wrong offset) `data` is left untouched for the caller.
   * If `data` fails mid-way the upload keeps its previous size and the error is rethrown.
   */
  async appendUpload(id: string, offset: number, data: Readable): Promise<number> {
    stateKey(id);
    if (!Number.isSafeInteger(offset) || offset < 0) throw new RangeError('invalid upload offset');
    return this.uploadLocks.run(id, async () => {
      const { state } = await this.readState(id);
      if (state.size !== offset) throw new UploadOffsetError(id, offset, state.size);

      const last = state.chunks[state.chunks.length - 1];
      const tail = last && last.size < MIN_PART_SIZE ? last : undefined;
      const kept = tail ? state.chunks.slice(0, -1) : state.chunks;
      const written: UploadChunk[] = [];
      let received = 0;
      let at = offset - (tail?.size ?? 0);

      // The tail is only read back once the client has actually sent something.
      const openTail = () => this.getObject(tail!.key);
      const input = (async function* () {
        let tailPending = tail !== undefined;
        for await (const chunk of data) {
          const bytes = toBuffer(chunk);
          if (bytes.length === 0) continue;
          if (tailPending) {
            tailPending = false;
            yield* await openTail();
          }
          received += bytes.length;
          yield bytes;
        }
      })();

      try {
        for await (const piece of rechunk(input, this.chunkSize)) {
          if (kept.length + written.length >= MAX_CHUNKS) {
            throw new Error(`upload ${id} exceeds the s3 driver's limit of ${MAX_CHUNKS} chunks of ${this.chunkSize} bytes`);
          }
          const chunk = { key: chunkKey(id, at), size: piece.length };
          written.push(chunk); // before the PUT: a response lost after success still gets cleaned up
          await this.client.send(new PutObjectCommand({ Bucket: this.bucket, Key: chunk.key, Body: piece, ContentLength: piece.length }));
          at += piece.length;
        }
        if (received === 0) return offset;
        await this.writeState(id, { version: 1, size: offset + received, chunks: [...kept, ...written] });
      } catch (error) {
        await this.deleteKeys(written.map((chunk) => chunk.key)).catch(() => undefined);
        throw error;
      }
      // No longer referenced; if this fails it goes when the upload is committed or aborted.
      if (tail) await this.deleteKeys([tail.key]).catch(() => undefined);
      return offset + received;
    });
  }

  async uploadSize(id: string): Promise<number> {
    stateKey(id);
    return (await this.readState(id)).state.size;
  }

  async readUpload(id: string, start = 0): Promise<Readable> {
    stateKey(id);
    if (!Number.isSafeInteger(start) || start < 0) throw new RangeError('invalid upload offset');
    const { state } = await this.readState(id);
    const pieces: Array<{ key: string; from: number; size: number }> = [];
    let at = 0;
    for (const chunk of state.chunks) {
      if (at + chunk.size > start) pieces.push({ key: chunk.key, from: Math.max(0, start - at), size: chunk.size });
      at += chunk.size;
    }
    // Chunks are fetched one after the other as the consumer reads, never all at once.
    const open = async (piece: (typeof pieces)[number]) => {
      try {
        const range = piece.from > 0 ? { start: piece.from, end: piece.size - 1 } : undefined;
        const body = await this.getObject(piece.key, range);
        return range ? takeBytes(body, piece.size - piece.from) : body;
      } catch (error) {
        throw isNoSuchKey(error) ? new UploadNotFoundError(id) : error; // committed or aborted meanwhile
      }
    };
    return Readable.from(
      (async function* () {
        for (const piece of pieces) yield* await open(piece);
      })(),
      { objectMode: false },
    );
  }

  /**
   * The state object is the upload's whole truth (an append writes it last, after all its chunk objects, and only
   * when its body ended whole), so the store holds exactly `state.size` good bytes whatever the recorded size says:
   * more (a writer that died after writing its state, before recording its size) or fewer (one that died after
   * recording, before writing its state). Nothing is cut; chunk objects of an interrupted append, which no state
   * names, go when the upload is committed or aborted.
   */
  async reconcileUpload(id: string, recordedSize: number): Promise<number> {
    stateKey(id);
    if (!Number.isSafeInteger(recordedSize) || recordedSize < 0) throw new RangeError('invalid upload size');
    return this.uploadLocks.run(id, async () => (await this.readState(id)).state.size);
  }

  /**
   * Assembles the chunk objects at the blob's key (a multipart copy: up to 10 000 part copies); the chunks stay.
   *
   * Other uploads of the same digest (replicas pushing one layer at once) may publish to the same key meanwhile.
   * On AWS and MinIO an overwrite is atomic, but some S3-compatible servers (s3rver among them) write objects in
   * place: a CopyObject unlinks the target first, a PutObject or CompleteMultipartUpload truncates it and writes
   * it out, so for a moment the key is absent or short. Hence: a key of the wrong size is not taken for a corrupt
   * blob and deleted (it is another upload's write in flight, and the blob may already be committed with it);
   * publishing waits for the key to settle at the upload's size, writing again if it is absent or stays short. Within one
   * process publishes of one digest are serialised, so they do not overwrite each other at all.
   */
  async publishUpload(id: string, digest: string): Promise<void> {
    const target = blobKey(digest);
    stateKey(id);
    await this.uploadLocks.run(id, () =>
      this.blobLocks.run(target, async () => {
        // Same address means same bytes, so an existing blob makes this a no-op;
        // this also makes a retried commit succeed after the first one removed the upload.
        const existing = await this.head(target);
        let expected: number;
        try {
          expected = (await this.readState(id)).state.size;
        } catch (error) {
          if (existing && error instanceof UploadNotFoundError) return;
          throw error;
        }
        if (existing?.size === expected) return;

        let writes = 0;
        let deadline = Date.now() + PUBLISH_SETTLE_MS;
        const write = async () => {
          writes += 1;
          deadline = Date.now() + PUBLISH_SETTLE_MS;
          await this.assemble(id, target);
        };
        if (!existing) await write();
        for (let delay = 20; ; delay = Math.min(delay * 2, 500)) {
          const seen = await this.head(target);
          if (seen?.size === expected) return;
          if (writes >= PUBLISH_WRITES) {
            throw new Error(`committing upload ${id}: ${digest} holds ${seen?.size ?? 'no'} bytes after ${writes} writes, expected ${expected}`);
          }
          // Absent: deleted meanwhile (garbage collection) or another writer's overwrite in flight; write it again.
          // Short for longer than any write takes: left so by a writer that died mid-way; write it whole.
          if (!seen || Date.now() >= deadline) {
            await write();
            continue;
          }
          await new Promise((resolve) => setTimeout(resolve, delay)); // another writer is still at it
        }
      }),
    );
  }

  private async assemble(id: string, target: string): Promise<void> {
    const { state } = await this.readState(id);
    await assembleObject(this.client, this.bucket, target, state.chunks, this.partCopy);
  }

  async commitUpload(id: string, digest: string): Promise<void> {
    await this.publishUpload(id, digest);
    await this.abortUpload(id);
  }

  async abortUpload(id: string): Promise<void> {
    stateKey(id);
    await this.uploadLocks.run(id, () => this.removeUpload(id));
  }

  async *listUploads(): AsyncIterable<UploadInfo> {
    let token: string | undefined;
    do {
      const page = await this.client.send(
        new ListObjectsV2Command({ Bucket: this.bucket, Prefix: 'uploads/', Delimiter: '/', ContinuationToken: token }),
      );
      for (const { Prefix } of page.CommonPrefixes ?? []) {
        const id = (Prefix ?? '').slice('uploads/'.length, -1);
        if (!isValidUploadId(id)) continue;
        try {
          const { state, modifiedAt } = await this.readState(id);
          yield { id, size: state.size, modifiedAt };
        } catch (error) {
          if (!(error instanceof UploadNotFoundError)) throw error; // committed or aborted while we were walking
        }
      }
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
  }

  async ping(): Promise<void> {
    await this.client.send(new HeadBucketCommand({ Bucket: this.bucket }));
  }

  private async getObject(key: string, range?: ByteRange): Promise<Readable> {
    const { Body } = await this.client.send(
      new GetObjectCommand({ Bucket: this.bucket, Key: key, Range: range && `bytes=${range.start}-${range.end}` }),
    );
    if (!(Body instanceof Readable)) throw new Error(`GetObject ${key} returned no stream`);
    return Body;
  }

  private async head(key: string): Promise<{ size: number; modifiedAt: Date } | null> {
    try {
      const head = await this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: key }));
      return { size: head.ContentLength ?? 0, modifiedAt: head.LastModified ?? new Date(0) };
    } catch (error) {
      if (isNoSuchKey(error)) return null;
      throw error;
    }
  }

  private async readState(id: string): Promise<{ state: UploadState; modifiedAt: Date }> {
    try {
      const response = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: stateKey(id) }));
      const text = await response.Body!.transformToString();
      return { state: parseUploadState(text, id), modifiedAt: response.LastModified ?? new Date(0) };
    } catch (error) {
      if (isNoSuchKey(error)) throw new UploadNotFoundError(id);
      throw error;
    }
  }

  private async writeState(id: string, state: UploadState): Promise<void> {
    const body = Buffer.from(JSON.stringify(state));
    await this.client.send(
      new PutObjectCommand({ Bucket: this.bucket, Key: stateKey(id), Body: body, ContentLength: body.length, ContentType: 'application/json' }),
    );
  }

  /** Chunks first, the state last: until the state is gone the upload still exists and a retry finishes the job. */
  private async removeUpload(id: string): Promise<void> {
    const state = stateKey(id);
    const keys: string[] = [];
    for await (const object of this.listObjects(uploadPrefix(id))) {
      if (object.Key && object.Key !== state) keys.push(object.Key);
    }
    await this.deleteKeys(keys);
    await this.deleteKeys([state]);
  }

  /**
   * DeleteObjects in batches of 1000. Servers without it (Google Cloud Storage's XML API answers `501 NotImplemented`
   * to `POST ?delete`) get one DeleteObject per key instead, from then on.
   */
  private async deleteKeys(keys: string[]): Promise<void> {
    if (this.multiDelete === false) {
      await mapLimit(keys, SINGLE_DELETES_IN_FLIGHT, (Key) => this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key })));
      return;
    }
    for (let i = 0; i < keys.length; i += DELETE_BATCH) {
      const batch = keys.slice(i, i + DELETE_BATCH);
      let Errors: DeleteObjectsCommandOutput['Errors'];
      try {
        ({ Errors } = await this.client.send(
          new DeleteObjectsCommand({ Bucket: this.bucket, Delete: { Objects: batch.map((Key) => ({ Key })), Quiet: true } }),
        ));
        this.multiDelete = true;
      } catch (error) {
        if (this.multiDelete === true || !isNotImplemented(error)) throw error;
        this.multiDelete = false;
        return this.deleteKeys(keys.slice(i));
      }
      // Absent keys are not errors in S3; anything reported here is real (permissions, throttling).
      if (Errors && Errors.length > 0) {
        const first = Errors[0];
        throw new Error(`could not delete ${Errors.length} object(s), first ${first.Key}: ${first.Code} ${first.Message ?? ''}`.trim());
      }
    }
  }

  private async *listObjects(prefix: string): AsyncIterable<_Object> {
    let token: string | undefined;
    do {
      const page = await this.client.send(new ListObjectsV2Command({ Bucket: this.bucket, Prefix: prefix, ContinuationToken: token }));
      yield* page.Contents ?? [];
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
  }
}
