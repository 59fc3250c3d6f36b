import { DataSource, EntityManager } from 'typeorm';
import { execute } from '@cargohold/db';
import { BlobStore } from '@cargohold/storage';
import { queueManifestReview } from '../data/tag.repository';
import { ClaimedBlob, GcBatchRepository } from './gc-batch.repository';
import { GcRepository, ManifestUnderReview } from './gc.repository';
import { emptyGcResult, GcLogger, GcOptions, GcResult, manifestVerdict } from './gc-result';

/** What one committed batch did, which of its items it left queued, and which repositories lost manifests. */
export interface BatchOutcome<K> {
  result: GcResult;
  skipped: K[];
  changedRepositories: string[];
}

/**
 * The reviews of GarbageCollector, a batch of items per transaction and a handful of statements per batch instead
 * of a handful per item: the same rechecks under the same locks, taken in the same order (see GcRepository). The
 * collector falls back to its one-item reviews when a batch fails, so one bad item cannot hold the rest back.
 */
export class BatchReviewer {
  private readonly batch = new GcBatchRepository();

  constructor(
    private readonly db: DataSource,
    private readonly store: BlobStore,
    private readonly sql: GcRepository,
    private readonly options: GcOptions,
    private readonly logger?: GcLogger,
  ) {}

  /**
   * Deletes those of the manifests nothing keeps alive. Locks all their blobs first (waiting, in digest order, as
   * pushes lock them), then tries the manifest rows and queue rows without waiting: what a push or another
   * collector holds is left queued.
   */
  async reviewManifests(ids: number[]): Promise<BatchOutcome<number>> {
    const delay = this.options.reviewDelaySeconds;
    const result = emptyGcResult();
    const lists = await this.batch.blobLists(this.db.manager, ids);
    const digests = [...new Set([...lists.values()].flat())].sort();
    const changed = new Set<string>();
    const skipped = await this.db.transaction(async (db) => {
      await this.sql.lockBlobs(db, digests);
      // Left: a push or another collector holds the manifest or its queue row. Gone: deleted meanwhile, queue row too.
      const { under, left } = await this.batch.lockAndClaimManifests(db, ids);
      result.manifestsReviewed += under.length;
      const facts = await this.batch.manifestFacts(db, under.map((m) => m.id), delay);
      const kept: number[] = [];
      const postponed: Array<{ id: number; until: Date }> = [];
      const dangling: ManifestUnderReview[] = [];
      for (const manifest of under) {
        const verdict = manifestVerdict(facts.get(manifest.id)!);
        if (verdict === 'dangling') dangling.push(manifest);
        else if (verdict === 'restorable_tag') postponed.push({ id: manifest.id, until: facts.get(manifest.id)!.restorableUntil! });
        else kept.push(manifest.id);
      }
      await this.batch.dropManifestReviews(db, kept);
      await this.batch.postponeManifestReviews(db, postponed);
      if (dangling.length > 0) await this.deleteManifests(db, dangling, lists, result);
      for (const manifest of dangling) changed.add(manifest.repositoryPath);
      return left;
    });
    return { result, skipped, changedRepositories: [...changed] };
  }

  private async deleteManifests(db: EntityManager, dangling: ManifestUnderReview[], lists: Map<number, string[]>, result: GcResult): Promise<void> {
    const delay = this.options.reviewDelaySeconds;
    const ids = dangling.map((m) => m.id);
    const dependants = await this.batch.deleteManifests(db, ids);
    result.manifestsDeleted += ids.length;
    // After the kept items' queue rows were dropped: a child kept by an index deleted here is queued again.
    await queueManifestReview(db, dependants, delay, 'parent_deleted');
    const pairs = dangling.flatMap((m) => lists.get(m.id)!.map((digest) => ({ repositoryId: m.repositoryId, digest })));
    // Reviewed even when still linked elsewhere: the review rechecks and simply drops what is in use.
    result.linksRemoved += await this.batch.releaseBlobs(db, pairs, delay);
  }

  /**
   * Claims up to `limit` due blob reviews (none of `skip`) and deletes those of the blobs nothing holds, in one
   * transaction of two statements: the claim, which takes the queue rows and tries the blob rows without waiting (a
   * push holding one wins; the item stays queued), and the delete of the unheld rows. The bytes of what it deleted
   * are removed after that statement and before COMMIT, still under the row locks, deliberately: a push of the same
   * digest waits on that lock, then re-inserts the row and finds its bytes gone (and publishes them again). Deleting
   * the files after COMMIT instead could remove the bytes of such a push. Several batches may run at once: each
   * claims other queue rows.
   *
   * When the delete or a file delete fails, the batch goes back to a savepoint after the claim and reviews its items
   * one by one, each under its own savepoint, still holding the claim: a failing item stays queued (and is reported
   * skipped) and no other stream can take the others meanwhile. A failure of the transaction itself rolls everything
   * back and throws a BlobBatchFailed naming what was claimed (none when the claim failed).
   */
  async reviewBlobs(skip: string[], limit: number): Promise<BatchOutcome<string> & { claimed: string[] }> {
    let claimed: ClaimedBlob[] = [];
    try {
      const outcome = await this.db.transaction(async (db) => {
        claimed = await this.batch.claimBlobBatch(db, skip, limit);
        const result = emptyGcResult();
        const locked = new Set(claimed.filter((blob) => blob.size !== null).map((blob) => blob.digest));
        const reviewed = claimed.filter((blob) => !blob.held).map((blob) => blob.digest);
        const held = claimed.filter((blob) => blob.held).map((blob) => blob.digest);
        if (await this.deleteBlobs(db, reviewed, [...locked], result)) return { result, skipped: held };
        const failed: string[] = [];
        for (const digest of reviewed) {
          if (!(await this.deleteBlobs(db, [digest], locked.has(digest) ? [digest] : [], result))) failed.push(digest);
        }
        return { result, skipped: [...held, ...failed] };
      });
      return { ...outcome, changedRepositories: [], claimed: claimed.map((blob) => blob.digest) };
    } catch (error) {
      throw new BlobBatchFailed(claimed.map((blob) => blob.digest), error);
    }
  }

  /**
   * Under a savepoint: drops the reviews of `reviewed`, deletes the rows of those of `locked` nothing holds and then
   * their files. False (back at the savepoint, nothing counted) when the statement or a file delete failed.
   */
  private async deleteBlobs(db: EntityManager, reviewed: string[], locked: string[], result: GcResult): Promise<boolean> {
    if (reviewed.length === 0) return true;
    await execute(db, `SAVEPOINT gc_blob_delete`);
    try {
      const deleted = await this.batch.deleteUnheldBlobs(db, reviewed, locked);
      await this.store.delete(deleted.map((blob) => blob.digest));
      await execute(db, `RELEASE SAVEPOINT gc_blob_delete`);
      result.blobsReviewed += reviewed.length;
      result.blobsDeleted += deleted.length;
      for (const blob of deleted) result.bytesReclaimed += blob.size;
      return true;
    } catch (error) {
      this.logger?.warn({ items: reviewed.length, err: error }, 'gc blob delete failed; the items stay queued unless reviewed one by one');
      await execute(db, `ROLLBACK TO SAVEPOINT gc_blob_delete`);
      return false;
    }
  }
}

/** A blob batch whose transaction failed and rolled back; `claimed` are the reviews it had claimed (they stay queued). */
export class BlobBatchFailed extends Error {
  constructor(
    readonly claimed: string[],
    cause: unknown,
  ) {
    super(`gc blob batch failed: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
  }
}
