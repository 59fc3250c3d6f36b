import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CopyObjectCommand,
  CreateMultipartUploadCommand,
  GetObjectCommand,
  PutObjectCommand,
  S3Client,
  UploadPartCommand,
  UploadPartCopyCommand,
} from '@aws-sdk/client-s3';
import { Readable } from 'node:stream';
import { isNotImplemented } from './s3-errors';
import { mapLimit } from './s3-streams';
import { UploadChunk } from './s3-upload-state';

/** Part requests in flight while assembling one blob. */
const PART_CONCURRENCY = 4;

/**
 * Whether the server implements UploadPartCopy. AWS, MinIO, Ceph and R2 do; s3rver and some
 * gateways answer 501, and then parts are streamed through this process instead (slower, same
 * result). Learned once per store.
 */
export interface PartCopySupport {
  supported?: boolean;
}

/**
 * Writes the concatenation of `chunks` to `target` in one atomic step: readers of `target` see
 * nothing or everything, because an object only appears when PutObject, CopyObject or
 * CompleteMultipartUpload succeeds. Bytes stay on the server except in the UploadPartCopy fallback.
 */
export async function assembleObject(
  client: S3Client,
  bucket: string,
  target: string,
  chunks: UploadChunk[],
  partCopy: PartCopySupport,
): Promise<void> {
  if (chunks.length === 0) {
    await client.send(new PutObjectCommand({ Bucket: bucket, Key: target, Body: Buffer.alloc(0), ContentLength: 0 }));
    return;
  }
  if (chunks.length === 1) {
    // Chunks are at most a few MiB, far below CopyObject's 5 GiB limit.
    await client.send(new CopyObjectCommand({ Bucket: bucket, Key: target, CopySource: copySource(bucket, chunks[0].key) }));
    return;
  }
  const { UploadId } = await client.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: target }));
  if (!UploadId) throw new Error('CreateMultipartUpload returned no upload id');
  try {
    const etags = await mapLimit(chunks, PART_CONCURRENCY, (chunk, index) =>
      copyPart(client, bucket, target, UploadId, index + 1, chunk, partCopy),
    );
    await client.send(
      new CompleteMultipartUploadCommand({
        Bucket: bucket,
        Key: target,
        UploadId,
        MultipartUpload: { Parts: etags.map((ETag, index) => ({ ETag, PartNumber: index + 1 })) },
      }),
    );
  } catch (error) {
    // Parts of an abandoned multipart upload are billed until aborted.
    await client.send(new AbortMultipartUploadCommand({ Bucket: bucket, Key: target, UploadId })).catch(() => undefined);
    throw error;
  }
}

async function copyPart(
  client: S3Client,
  bucket: string,
  target: string,
  uploadId: string,
  partNumber: number,
  chunk: UploadChunk,
  partCopy: PartCopySupport,
): Promise<string> {
  const base = { Bucket: bucket, Key: target, UploadId: uploadId, PartNumber: partNumber };
  if (partCopy.supported !== false) {
    try {
      const { CopyPartResult } = await client.send(new UploadPartCopyCommand({ ...base, CopySource: copySource(bucket, chunk.key) }));
      partCopy.supported = true;
      return requireEtag(CopyPartResult?.ETag);
    } catch (error) {
      if (!isNotImplemented(error)) throw error;
      partCopy.supported = false;
    }
  }
  const { Body } = await client.send(new GetObjectCommand({ Bucket: bucket, Key: chunk.key }));
  if (!(Body instanceof Readable)) throw new Error(`GetObject ${chunk.key} returned no stream`);
  try {
    const { ETag } = await client.send(new UploadPartCommand({ ...base, Body, ContentLength: chunk.size }));
    return requireEtag(ETag);
  } finally {
    Body.destroy(); // a failed UploadPart may leave the download half read, holding its connection
  }
}

/** `bucket/key` for x-amz-copy-source, URL-encoded as S3 requires (our keys are plain ASCII anyway). */
function copySource(bucket: string, key: string): string {
  return `${bucket}/${key.split('/').map(encodeURIComponent).join('/')}`;
}

function requireEtag(etag: string | undefined): string {
  if (!etag) throw new Error('the server returned a part without an ETag');
  return etag;
}
