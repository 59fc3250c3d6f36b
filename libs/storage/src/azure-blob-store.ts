import { BlobSASPermissions, BlockBlobClient, ContainerClient, CopyStatusType, SASProtocol } from '@azure/storage-blob';
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
import { createAzureContainerClient } from './azure-client';
import { AzureBlobStoreConfig } from './azure-config';
import { azureCode, isBlobNotFound, isConditionFailed, isInvalidRange } from './azure-errors';
import { blockId, MAX_COMMITTED_BLOCKS, UploadBlocks } from './azure-upload-blocks';
import { KeyedMutex } from './keyed-mutex';
import { mapLimit, regroup } from './s3-streams';
import { assertByteRange, blobKey, digestOfBlobKey, isValidUploadId, uploadKeySegments } from './storage-keys';

/** Bytes buffered per staged block: the most one append holds in memory, twice (one block staging, the next filling). */
export const DEFAULT_BLOCK_SIZE = 8 * 1024 * 1024;
/** Azure's largest block (service version 2019-12-12 and later). */
const MAX_BLOCK_SIZE = 4000 * 1024 * 1024;
/** Blocks staged at once by one append. */
const STAGING_IN_FLIGHT = 2;
/** Deletes in flight at once (Azure deletes one blob per request). */
const DELETE_CONCURRENCY = 16;
/** How long a publish waits for a pending server-side copy to finish (its own or another replica's). */
const COPY_WAIT_MS = 10 * 60_000;
/** Rounds of look, copy, check one publish makes at most when other writers and deletes keep getting in the way. */
const PUBLISH_ROUNDS = 8;
/** The longest a redirect's SAS URL lives, whatever the caller asks: it is a bearer credential for the blob. */
const MAX_SAS_SECONDS = 3600;

export interface AzureBlobStoreOptions {
  /** A ready container client (tests); by default one is built from the config. */
  container?: ContainerClient;
  /** Size of the blocks an append is staged in. */
  blockSize?: number;
}

interface BlobProperties {
  size: number;
  modifiedAt: Date;
  etag: string;
  copyStatus?: CopyStatusType;
}

/**
 * Stores blobs in one Azure Blob Storage container, in Azure's own terms:
 *
 *   blobs/<algorithm>/<2 hex>/<hex>   committed block blobs, immutable
 *   uploads/<id>                      an upload: one block blob whose committed block list is the upload
 *
 * An append stages the request's bytes as blocks of `blockSize` (Put Block) on the upload's blob and, once the
 * body has ended whole, commits the block list it had plus the new blocks (Put Block List, on the ETag it read),
 * so the blob always holds exactly the upload's bytes: any replica, or this one after a restart, reads the size
 * and the block list back from Azure, and can read the bytes themselves (to rebuild a hash state, or to verify a
 * sha512 digest). Blocks of an append that never committed (a client that hung up, a process killed) stay
 * uncommitted and invisible; the next commit drops them. The commit is conditional on the ETag the append
 * started from, so two writers on different replicas cannot both win: the loser's append fails as an offset
 * mismatch. No S3-style tail juggling is needed: blocks have no minimum size.
 *
 * Publishing copies the upload's blob to its content address inside the account (Copy Blob: the service moves
 * the bytes, never this process), with `If-None-Match: *` so an existing blob is never overwritten, and from the
 * upload's ETag so exactly the measured bytes are copied. A blob whose copy is pending or failed is not visible:
 * stat, read and list treat it as absent, so nothing half-written is ever served from a content address.
 */
export class AzureBlobStore implements BlobStore {
  readonly driver = 'azure' as const;
  private readonly container: ContainerClient;
  private readonly blockSize: number;
  private readonly uploadLocks = new KeyedMutex();
  /** Publishes of one blob key within this process, so that they wait for each other instead of racing. */
  private readonly blobLocks = new KeyedMutex();

  constructor(
    private readonly config: AzureBlobStoreConfig,
    options: AzureBlobStoreOptions = {},
  ) {
    if (!config.container) throw new Error('the azure storage driver needs a container (AZURE_CONTAINER)');
    this.container = options.container ?? createAzureContainerClient(config);
    this.blockSize = options.blockSize ?? DEFAULT_BLOCK_SIZE;
    if (!Number.isSafeInteger(this.blockSize) || this.blockSize < 1 || this.blockSize > MAX_BLOCK_SIZE) {
      throw new RangeError(`blockSize must be between 1 and ${MAX_BLOCK_SIZE} bytes`);
    }
  }

  async stat(digest: string): Promise<BlobInfo | null> {
    const properties = await this.properties(blobKey(digest));
    return properties && isSettled(properties.copyStatus) ? { digest, size: properties.size, modifiedAt: properties.modifiedAt } : null;
  }

  /** A range reaching past the end yields the bytes that exist; one starting past it yields none. */
  async read(digest: string, range?: ByteRange): Promise<Readable> {
    const key = blobKey(digest);
    if (range) assertByteRange(range);
    try {
      // Awaiting the response turns a missing blob into a rejection before any header is sent.
      const response = await this.blob(key).download(range?.start ?? 0, range && range.end - range.start + 1);
      const body = response.readableStreamBody as Readable;
      if (!isSettled(response.copyStatus)) {
        body.destroy();
        throw new BlobNotFoundError(digest); // a copy still running (or failed) at this address: not a blob yet
      }
      return body;
    } catch (error) {
      if (isBlobNotFound(error)) throw new BlobNotFoundError(digest);
      if (range && isInvalidRange(error)) return Readable.from([], { objectMode: false });
      throw error;
    }
  }

  async openDownload(digest: string, range?: ByteRange): Promise<BlobDownload> {
    return streamDownload(await this.read(digest, range));
  }

  async delete(digests: string[]): Promise<void> {
    // Validate everything first so a bad entry cannot leave the batch half done.
    const keys = digests.map(blobKey);
    await mapLimit(keys, DELETE_CONCURRENCY, (key) => this.blob(key).deleteIfExists({ deleteSnapshots: 'include' }));
  }

  async *list(): AsyncIterable<BlobInfo> {
    for await (const item of this.container.listBlobsFlat({ prefix: 'blobs/', includeCopy: true })) {
      const digest = digestOfBlobKey(item.name);
      // Skip anything that is not a blob at its proper address (stray or foreign blobs), and copies not finished.
      if (!digest || !isSettled(item.properties.copyStatus)) continue;
      yield { digest, size: item.properties.contentLength ?? 0, modifiedAt: item.properties.lastModified };
    }
  }

  /**
   * A read-only service SAS for this one blob when AZURE_REDIRECT is on, signed with the account key (no request
   * to Azure), valid from now for at most an hour; HTTPS only unless the endpoint itself is plain HTTP (Azurite).
   * Clients must be able to reach the endpoint.
   */
  async redirectUrl(digest: string, expiresInSeconds: number): Promise<string | null> {
    const blob = this.blob(blobKey(digest));
    if (!this.config.redirect) return null;
    const seconds = Math.min(Math.max(Math.floor(expiresInSeconds), 1), MAX_SAS_SECONDS);
    return blob.generateSasUrl({
      permissions: BlobSASPermissions.parse('r'),
      expiresOn: new Date(Date.now() + seconds * 1000),
      protocol: blob.url.startsWith('https:') ? SASProtocol.Https : SASProtocol.HttpsAndHttp,
    });
  }

  async createUpload(id: string): Promise<void> {
    try {
      // An empty committed block list: the upload exists, holds 0 bytes, and has an ETag for the first append.
      await this.upload(id).commitBlockList([], { conditions: { ifNoneMatch: '*' } });
    } catch (error) {
      // Ids are meant to be fresh; silently resetting someone's upload would lose data.
      if (isConditionFailed(error)) throw new Error(`upload ${id} already exists`);
      throw error;
    }
  }

  /**
   * Stages `data` as blocks after checking `offset` equals the committed size, then commits the block list. On a
   * precondition failure (unknown upload, wrong offset) `data` is left untouched for the caller. If `data` fails
   * mid-way nothing is committed: the upload keeps its previous size and the error is rethrown.
   */
  async appendUpload(id: string, offset: number, data: Readable): Promise<number> {
    const client = this.upload(id);
    if (!Number.isSafeInteger(offset) || offset < 0) throw new RangeError('invalid upload offset');
    return this.uploadLocks.run(id, async () => {
      const current = await this.readBlocks(id);
      if (current.size !== offset) throw new UploadOffsetError(id, offset, current.size);

      const staged: string[] = [];
      let at = offset;
      const stage = async ({ pieces, length }: { pieces: Buffer[]; length: number }) => {
        if (current.blockIds.length + staged.length >= MAX_COMMITTED_BLOCKS) {
          throw new Error(`upload ${id} exceeds the azure driver's limit of ${MAX_COMMITTED_BLOCKS} blocks`);
        }
        const block = blockId(at);
        staged.push(block);
        at += length;
        // The block's bytes as the request received them, sent as a stream (made again if the SDK retries): no copy.
        return client.stageBlock(block, () => Readable.from(pieces, { objectMode: false }), length);
      };
      await inFlight(regroup(data, this.blockSize), STAGING_IN_FLIGHT, stage);
      if (staged.length === 0) return offset;

      try {
        await client.commitBlockList([...current.blockIds, ...staged], { conditions: { ifMatch: current.etag } });
      } catch (error) {
        if (isBlobNotFound(error)) throw new UploadNotFoundError(id); // aborted or committed meanwhile
        // Another writer (a replica that took the upload over) committed since we read the list.
        if (isConditionFailed(error)) throw new UploadOffsetError(id, offset, (await this.readBlocks(id)).size);
        throw error;
      }
      return at;
    });
  }

  async uploadSize(id: string): Promise<number> {
    const properties = await this.properties(uploadKey(id));
    if (!properties) throw new UploadNotFoundError(id);
    return properties.size;
  }

  async readUpload(id: string, start = 0): Promise<Readable> {
    const client = this.upload(id);
    if (!Number.isSafeInteger(start) || start < 0) throw new RangeError('invalid upload offset');
    try {
      const response = await client.download(start);
      return response.readableStreamBody as Readable;
    } catch (error) {
      if (isBlobNotFound(error)) throw new UploadNotFoundError(id);
      if (isInvalidRange(error)) {
        await this.uploadSize(id); // 416 from the end of an existing upload; UploadNotFoundError otherwise
        return Readable.from([], { objectMode: false });
      }
      throw error;
    }
  }

  /**
   * The committed block list is the upload's whole truth (an append commits only when its body ended whole), so
   * the store holds exactly that many good bytes whatever the recorded size says: more (a writer that died after
   * committing, before recording its size) or fewer (one that died after recording, before committing). Nothing is
   * cut; blocks an interrupted append staged are uncommitted and go with the next commit.
   */
  async reconcileUpload(id: string, recordedSize: number): Promise<number> {
    uploadKey(id);
    if (!Number.isSafeInteger(recordedSize) || recordedSize < 0) throw new RangeError('invalid upload size');
    return this.uploadLocks.run(id, async () => (await this.readBlocks(id)).size);
  }

  /**
   * Copies the upload's blob to the blob's address inside the account; the upload stays. Idempotent: a finished
   * blob of the upload's size is left as it is, even when the upload is gone. Another replica's copy of the same
   * digest in flight is waited for; a failed one, or a blob of the wrong size, is replaced (deleted on its ETag, so
   * only what was seen goes). Garbage collection may delete the blob at any point: the next round copies again.
   */
  async publishUpload(id: string, digest: string): Promise<void> {
    const target = blobKey(digest);
    const source = this.upload(id);
    await this.uploadLocks.run(id, () =>
      this.blobLocks.run(target, async () => {
        for (let round = 1; round <= PUBLISH_ROUNDS; round++) {
          const existing = await this.settledProperties(target);
          const upload = await this.properties(uploadKey(id));
          if (!upload) {
            if (existing && isSettled(existing.copyStatus)) return; // committed before, the upload removed since
            throw new UploadNotFoundError(id);
          }
          if (existing && isSettled(existing.copyStatus) && existing.size === upload.size) return;
          if (existing) {
            // A failed copy, or a blob that cannot hold these bytes: replace exactly what was seen.
            await this.blob(target).deleteIfExists({ conditions: { ifMatch: existing.etag } }).catch((error: unknown) => {
              if (!isConditionFailed(error)) throw error;
            });
            continue;
          }
          try {
            // Only starts the copy (one request); a copy the service leaves pending is waited for in the next round.
            const copy = await this.blob(target).beginCopyFromURL(source.url, {
              conditions: { ifNoneMatch: '*' },
              sourceConditions: { ifMatch: upload.etag },
            });
            if (copy.isDone() && copy.getResult()?.copyStatus === 'success') return;
          } catch (error) {
            // Another writer created the blob first, or the upload changed or went: look again.
            if (isConditionFailed(error) || isBlobNotFound(error) || azureCode(error) === 'CannotVerifyCopySource') continue;
            throw error;
          }
        }
        throw new Error(`committing upload ${id}: ${digest} could not be published after ${PUBLISH_ROUNDS} rounds`);
      }),
    );
  }

  async commitUpload(id: string, digest: string): Promise<void> {
    await this.publishUpload(id, digest);
    await this.abortUpload(id);
  }

  /** Deleting the blob also drops every block its appends staged, committed or not. */
  async abortUpload(id: string): Promise<void> {
    const client = this.upload(id);
    await this.uploadLocks.run(id, () => client.deleteIfExists({ deleteSnapshots: 'include' }));
  }

  async *listUploads(): AsyncIterable<UploadInfo> {
    for await (const item of this.container.listBlobsFlat({ prefix: 'uploads/' })) {
      const id = item.name.slice('uploads/'.length);
      if (!isValidUploadId(id)) continue;
      yield { id, size: item.properties.contentLength ?? 0, modifiedAt: item.properties.lastModified };
    }
  }

  async ping(): Promise<void> {
    await this.container.getProperties();
  }

  private blob(key: string): BlockBlobClient {
    return this.container.getBlockBlobClient(key);
  }

  private upload(id: string): BlockBlobClient {
    return this.blob(uploadKey(id));
  }

  private async properties(key: string): Promise<BlobProperties | null> {
    try {
      const p = await this.blob(key).getProperties();
      return { size: p.contentLength ?? 0, modifiedAt: p.lastModified ?? new Date(0), etag: p.etag ?? '', copyStatus: p.copyStatus };
    } catch (error) {
      if (isBlobNotFound(error)) return null;
      throw error;
    }
  }

  /** The blob's properties once no copy is pending at it: one still running (this replica's or another's) is waited for. */
  private async settledProperties(key: string): Promise<BlobProperties | null> {
    const deadline = Date.now() + COPY_WAIT_MS;
    for (let delay = 50; ; delay = Math.min(delay * 2, 1000)) {
      const properties = await this.properties(key);
      if (properties?.copyStatus !== 'pending') return properties;
      if (Date.now() >= deadline) throw new Error(`the copy to ${key} has been pending for more than ${COPY_WAIT_MS / 1000} s`);
      await new Promise((resolve) => setTimeout(resolve, delay));
    }
  }

  private async readBlocks(id: string): Promise<UploadBlocks> {
    try {
      const list = await this.upload(id).getBlockList('committed');
      return { size: list.blobContentLength ?? 0, blockIds: (list.committedBlocks ?? []).map((block) => block.name), etag: list.etag ?? '' };
    } catch (error) {
      if (isBlobNotFound(error)) throw new UploadNotFoundError(id);
      throw error;
    }
  }
}

/** A copy still running, failed or aborted leaves a blob that must not be taken for the content. */
function isSettled(copyStatus: CopyStatusType | undefined): boolean {
  return copyStatus === undefined || copyStatus === 'success';
}

/**
 * Runs `task` on each item of `source` in order with at most `limit` in flight, reading the next item while earlier
 * ones run (the source is the request body: reading it on while a block uploads keeps both sides busy). Stops
 * reading at the first failure and rethrows it once every task in flight has settled.
 */
async function inFlight<T>(source: AsyncIterable<T>, limit: number, task: (item: T) => Promise<unknown>): Promise<void> {
  const running = new Set<Promise<unknown>>();
  let failure: { error: unknown } | undefined;
  try {
    for await (const item of source) {
      const run: Promise<unknown> = task(item).then(
        () => running.delete(run),
        (error: unknown) => {
          running.delete(run);
          failure ??= { error };
        },
      );
      running.add(run);
      if (running.size >= limit) await Promise.race(running);
      if (failure) break;
    }
  } finally {
    await Promise.all(running);
  }
  if (failure) throw failure.error;
}

function uploadKey(id: string): string {
  return uploadKeySegments(id).join('/');
}
