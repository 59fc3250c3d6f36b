import type { BlobDownload } from '@cargohold/storage';
import { parseDigest, RegistryError } from './domain';
import { ByteRange } from './domain/range';
import { LinkedBlob } from './data/blob.repository';
import { RegistryContext } from './registry-context';
import { findLinkedBlob } from './linked-blob-lookup';

/** Blob reads and deletes through a repository; a blob is served only by a repository that holds it. */
export class BlobService {
  constructor(private readonly ctx: RegistryContext) {}

  /** The blob as `repositoryPath` links it (findLinkedBlob: usually from the api's read cache). */
  async stat(repositoryPath: string, digest: string): Promise<LinkedBlob> {
    const parsed = parseDigest(digest);
    const blob = await findLinkedBlob(this.ctx, repositoryPath, parsed.value);
    if (!blob) throw new RegistryError('BLOB_UNKNOWN', undefined, { digest: parsed.value });
    return blob;
  }

  open(digest: string, range?: ByteRange): Promise<BlobDownload> {
    return this.ctx.store.openDownload(digest, range);
  }

  /** A presigned URL to serve the blob from, when the store offers one. */
  redirectUrl(digest: string): Promise<string | null> {
    return this.ctx.store.redirectUrl(digest, 1200);
  }

  /** Unlinks the blob from the repository; garbage collection removes the bytes once nothing links them. */
  async delete(repositoryPath: string, digest: string): Promise<void> {
    if (!this.ctx.settings.deleteEnabled) throw new RegistryError('UNSUPPORTED', 'deletes are disabled on this registry');
    const parsed = parseDigest(digest);
    const deleted = await this.ctx.db.transaction(async (db) => {
      const repository = await this.ctx.repositories.findByPath(db, repositoryPath);
      if (!repository) return false;
      return this.ctx.blobs.unlink(db, repository.id, parsed.value, this.ctx.settings.gcReviewDelay);
    });
    if (!deleted) throw new RegistryError('BLOB_UNKNOWN', undefined, { digest: parsed.value });
    // Before answering: caches (here at once, other replicas by message) stop serving the link.
    await this.ctx.changes.repositoriesChanged([repositoryPath]);
  }
}
