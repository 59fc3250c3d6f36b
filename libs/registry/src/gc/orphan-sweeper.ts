import { DataSource } from 'typeorm';
import { BlobInfo, BlobStore, UploadInfo } from '@cargohold/storage';
import { GcRepository } from './gc.repository';
import { emptyGcResult, GcOptions, GcResult, isOlderThan } from './gc-result';

const BATCH = 500;

/**
 * Removes bytes the database does not know about: committed files with no `blobs` row (an upload that
 * crashed between moving its bytes into place and committing the row) and uploads with no `uploads` row
 * (monolithic uploads cut off mid-request; session uploads are purged with their rows by the maintenance job).
 * Only entries older than their grace period are touched, and each blob file is claimed under the same row
 * a committing upload inserts, so an upload in flight is never mistaken for an orphan.
 */
export class OrphanSweeper {
  constructor(
    private readonly db: DataSource,
    private readonly store: BlobStore,
    private readonly options: GcOptions,
    private readonly sql: GcRepository,
  ) {}

  async sweep(now = new Date()): Promise<GcResult> {
    const result = emptyGcResult();
    await this.inBatches(this.store.list(), (info) => isOlderThan(info.modifiedAt, this.options.reviewDelaySeconds, now), (batch) =>
      this.sweepBlobs(batch, result),
    );
    await this.inBatches(this.store.listUploads(), (info) => isOlderThan(info.modifiedAt, this.options.uploadPurgeAgeSeconds, now), (batch) =>
      this.sweepUploads(batch, result),
    );
    return result;
  }

  private async inBatches<T>(source: AsyncIterable<T>, eligible: (item: T) => boolean, handle: (batch: T[]) => Promise<void>): Promise<void> {
    let batch: T[] = [];
    for await (const item of source) {
      if (!eligible(item)) continue;
      batch.push(item);
      if (batch.length >= BATCH) {
        await handle(batch);
        batch = [];
      }
    }
    if (batch.length > 0) await handle(batch);
  }

  private async sweepBlobs(files: BlobInfo[], result: GcResult): Promise<void> {
    const known = await this.sql.existingBlobs(this.db.manager, files.map((file) => file.digest));
    for (const file of files) {
      if (known.has(file.digest)) continue;
      await this.db.transaction(async (db) => {
        // The placeholder row makes a committing upload of this digest wait until we are done (or we wait for it).
        if (!(await this.sql.claimOrphan(db, file.digest, file.size))) return;
        await this.store.delete([file.digest]);
        await this.sql.deleteBlob(db, file.digest); // the placeholder
        result.orphanBlobsDeleted++;
        result.bytesReclaimed += file.size;
      });
    }
  }

  private async sweepUploads(uploads: UploadInfo[], result: GcResult): Promise<void> {
    const known = await this.sql.existingUploads(this.db.manager, uploads.map((upload) => upload.id));
    for (const upload of uploads) {
      if (known.has(upload.id)) continue;
      await this.store.abortUpload(upload.id);
      result.orphanUploadsAborted++;
      result.bytesReclaimed += upload.size;
    }
  }
}
