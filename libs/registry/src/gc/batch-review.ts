import { DataSource, EntityManager } from 'typeorm';
import { BlobStore } from '@cargohold/storage';
import { queueBlobReview } from '../data/blob.repository';
import { queueManifestReview } from '../data/tag.repository';
import { GcBatchRepository } from './gc-batch.repository';
import { GcRepository, ManifestUnderReview } from './gc.repository';
import { emptyGcResult, GcOptions, GcResult, manifestVerdict } from './gc-result';

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
      const locked = await this.batch.tryLockManifests(db, ids);
      const lockedIds = new Set(locked.map((m) => m.id));
      const claimed = await this.batch.claimManifestReviews(db, [...lockedIds]);
      // Not locked and still there: a push holds it. Gone: deleted meanwhile, its queue row with it.
      const held = await this.batch.existingManifests(db, ids.filter((id) => !lockedIds.has(id)));
      const left = [...held, ...locked.filter((m) => !claimed.has(m.id)).map((m) => m.id)];
      const under = locked.filter((m) => claimed.has(m.id));
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
    const dependants = await this.batch.dependants(db, ids);
    await this.batch.deleteManifests(db, ids);
    result.manifestsDeleted += ids.length;
    // After the kept items' queue rows were dropped: a child kept by an index deleted here is queued again.
    await queueManifestReview(db, dependants, delay, 'parent_deleted');
    const pairs = dangling.flatMap((m) => lists.get(m.id)!.map((digest) => ({ repositoryId: m.repositoryId, digest })));
    result.linksRemoved += await this.batch.removeUnusedLinks(db, pairs, delay);
    await queueBlobReview(db, [...new Set(pairs.map((p) => p.digest))].sort(), delay, 'manifest_deleted');
  }

  /**
   * Deletes those of the blobs nothing holds. Claims the queue rows, then tries the blob rows without waiting (a
   * push holding one wins; the item stays queued). Bytes are deleted inside the transaction, under the row locks,
   * for the reason GarbageCollector.reviewBlob gives.
   */
  async reviewBlobs(digests: string[]): Promise<BatchOutcome<string>> {
    const result = emptyGcResult();
    const skipped = await this.db.transaction(async (db) => {
      const claimed = await this.batch.claimBlobReviews(db, digests);
      const claimedSet = new Set(claimed);
      const locked = await this.batch.tryLockBlobs(db, claimed);
      const unlocked = claimed.filter((digest) => !locked.has(digest));
      const held = await this.sql.existingBlobs(db, unlocked);
      const vanished = unlocked.filter((digest) => !held.has(digest));
      result.blobsReviewed += locked.size + vanished.length;
      const free = await this.batch.unheldBlobs(db, [...locked.keys()]);
      await this.store.delete(free);
      await this.batch.finishBlobReviews(db, [...locked.keys(), ...vanished], free);
      result.blobsDeleted += free.length;
      for (const digest of free) result.bytesReclaimed += locked.get(digest)!;
      return [...digests.filter((digest) => !claimedSet.has(digest)), ...held];
    });
    return { result, skipped, changedRepositories: [] };
  }
}
