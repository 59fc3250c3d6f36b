import { randomBytes } from 'node:crypto';

/** Azure's limit of committed blocks per block blob, hence of blocks per upload: 50 000 x 8 MiB ≈ 390 GiB. */
export const MAX_COMMITTED_BLOCKS = 50_000;

/**
 * An upload's block blob as its committed block list describes it: the only thing that makes bytes part of the
 * upload. Blocks staged by an append that never committed stay uncommitted (unreadable, dropped by the next commit,
 * or by Azure after a week), so a process that dies mid-append leaves the upload exactly as its last commit left it.
 */
export interface UploadBlocks {
  size: number;
  /** Committed block ids, in byte order. */
  blockIds: string[];
  /** The blob's ETag at that commit: the next commit is conditional on it (one writer at a time across replicas). */
  etag: string;
}

/**
 * A fresh block id for bytes starting at `offset`. Azure wants every id of a blob to have the same length (here 40
 * base64 characters); the random suffix keeps a retried append's blocks apart from an interrupted one's.
 */
export function blockId(offset: number): string {
  return Buffer.from(`${String(offset).padStart(16, '0')}-${randomBytes(6).toString('hex')}`).toString('base64');
}
