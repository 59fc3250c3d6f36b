import { DataSource, EntityManager } from 'typeorm';
import { BlobStore } from '@cargohold/storage';
import { queueBlobReview } from '../data/blob.repository';
import { queueManifestReview } from '../data/tag.repository';
import { RegistryChangeNotifier } from '../manifest-cache';
import { RegistryContext } from '../registry-context';
import { BatchOutcome, BatchReviewer, BlobBatchFailed } from './batch-review';
import { GcRepository } from './gc.repository';
import { addGcResults, emptyGcResult, GcLogger, GcOptions, GcResult, manifestVerdict } from './gc-result';
import { OrphanSweeper } from './orphan-sweeper';

export type { GcLogger } from './gc-result';

/** What the collector works with; all of it handed in, so a test can give it a real database and store. */
export interface GcCollaborators {
  db: DataSource;
  store: BlobStore;
  /** The collector's SQL: review queues, rechecks, deletes. */
  sql: GcRepository;
  /** Told after a manifest delete commits, so manifest caches stop serving it by digest. */
  changes: RegistryChangeNotifier;
  logger?: GcLogger;
}

type Outcome = 'done' | 'skipped';

/**
 * Items per batch transaction: enough to amortise its statements. A batch of manifests holds the rows of their
 * blobs, shared layers included, which a push of an image using them waits for: fewer. A batch of blobs holds
 * only rows nothing references any more.
 */
const MANIFEST_BATCH = 200;
const BLOB_BATCH = 500;
/** Blob batches in flight at once (each on its own connection): one's file deletes overlap another's statements. */
const BLOB_STREAMS = 2;

/**
 * Online garbage collection: reviews the queued manifests and blobs while pushes and pulls go on.
 *
 * Every item is rechecked under row locks in a short transaction (one per batch of items, BatchReviewer; one per
 * manifest when a manifest batch fails, one savepoint per blob when a blob batch's delete fails), so several
 * collectors (worker replicas, `pnpm cli gc:run`) may run at once, a crash loses nothing (the queue row stays until the
 * transaction that acted on it commits), and a push that references a blob again always wins: pushes lock
 * the same `blobs` row, and the collector deletes nothing that the recheck under that lock finds in use.
 */
export class GarbageCollector {
  private readonly db: DataSource;
  private readonly store: BlobStore;
  private readonly sql: GcRepository;
  private readonly changes: RegistryChangeNotifier;
  private readonly logger?: GcLogger;
  private readonly sweeper: OrphanSweeper;
  private readonly batches: BatchReviewer;

  constructor(
    collaborators: GcCollaborators,
    private readonly options: GcOptions,
  ) {
    this.db = collaborators.db;
    this.store = collaborators.store;
    this.sql = collaborators.sql;
    this.changes = collaborators.changes;
    this.logger = collaborators.logger;
    this.sweeper = new OrphanSweeper(this.db, this.store, options, this.sql);
    this.batches = new BatchReviewer(this.db, this.store, this.sql, options, this.logger);
  }

  /** The collector of a process: the registry context's database, store, GC SQL and change notifier. */
  static forContext(ctx: RegistryContext, options: GcOptions, logger?: GcLogger): GarbageCollector {
    return new GarbageCollector({ db: ctx.db, store: ctx.store, sql: ctx.gc, changes: ctx.changes, logger }, options);
  }

  /** Reviews and an orphan sweep: everything `pnpm cli gc:run` does. */
  async run(maxItems = Number.POSITIVE_INFINITY): Promise<GcResult> {
    const reviewed = await this.review(maxItems);
    return addGcResults(reviewed, await this.sweepOrphans());
  }

  /**
   * Reviews due manifests and, alongside on other connections, due blobs (BLOB_STREAMS batches at a time); then
   * once more the blobs that came due meanwhile (deleting manifests queues their blobs, so one run reclaims both
   * when the delay allows).
   * Stops after `maxItems` items so one run cannot go on forever under a steady stream of new garbage; the
   * next run continues.
   */
  async review(maxItems = Number.POSITIVE_INFINITY): Promise<GcResult> {
    const result = emptyGcResult();
    const budget = { left: maxItems };
    const skippedBlobs = new Set<string>();
    const blobs = () => Promise.all(Array.from({ length: this.options.blobStreams ?? BLOB_STREAMS }, () => this.drainBlobs(budget, skippedBlobs, result)));
    const manifests = this.drain<number>(
      (skip, limit) => this.sql.dueManifestReviews(this.db.manager, skip, limit),
      (ids) => this.batches.reviewManifests(ids),
      (id) => this.reviewManifest(id, result),
      { batchSize: this.options.batchSize ?? MANIFEST_BATCH, budget, skip: [] },
      result,
    );
    await Promise.all([manifests, blobs()]);
    await blobs();
    return result;
  }

  /** How much is queued, and how much of it is due (metrics, `gc:run` output). */
  queueDepths(): Promise<{ manifests: number; manifestsDue: number; blobs: number; blobsDue: number }> {
    return this.sql.queueDepths(this.db.manager);
  }

  /** Files with no `blobs` row and uploads with no `uploads` row (crashed or abandoned pushes). */
  async sweepOrphans(): Promise<GcResult> {
    return this.sweeper.sweep();
  }

  /**
   * Offers due items batch by batch until none is left or the budget is spent.
   * A batch is reviewed in one transaction; when it fails (a deadlock victim, a storage hiccup, one bad item) it
   * rolls back and its items are reviewed one by one, so only the failing item stays queued for the next run.
   */
  private async drain<K>(
    next: (skip: K[], limit: number) => Promise<K[]>,
    reviewBatch: (keys: K[]) => Promise<BatchOutcome<K>>,
    reviewOne: (key: K) => Promise<Outcome>,
    /** `budget` may be shared with a drain running alongside; `skip` with a later drain of the same queue. */
    limits: { batchSize: number; budget: { left: number }; skip: K[] },
    result: GcResult,
  ): Promise<void> {
    const { batchSize, budget, skip } = limits;
    while (budget.left > 0) {
      const batch = await next(skip, Math.min(batchSize, budget.left));
      if (batch.length === 0) break;
      budget.left -= batch.length;
      let outcome: BatchOutcome<K>;
      try {
        outcome = await reviewBatch(batch);
      } catch (error) {
        this.logger?.warn({ items: batch.length, err: error }, 'gc batch failed; reviewing its items one by one');
        await this.reviewOneByOne(batch, reviewOne, skip, result);
        continue;
      }
      Object.assign(result, addGcResults(result, outcome.result));
      skip.push(...outcome.skipped);
      result.skipped += outcome.skipped.length;
      // After the commit: manifest caches (api replicas) stop serving deleted manifests by digest.
      if (outcome.changedRepositories.length > 0) await this.changes.repositoriesChanged(outcome.changedRepositories);
    }
  }

  /**
   * One stream of blob batches: each batch claims its own due reviews (SKIP LOCKED), so streams running alongside
   * never offer each other's items, and one stream's file deletes overlap another's statements. Stops when a claim
   * finds nothing left or the budget is spent. A batch reviews its items one by one itself when its delete fails.
   */
  private async drainBlobs(budget: { left: number }, skip: Set<string>, result: GcResult): Promise<void> {
    const batchSize = this.options.batchSize ?? BLOB_BATCH;
    while (budget.left > 0) {
      // Reserved up front so streams running alongside cannot overspend it; what goes unclaimed is given back.
      const limit = Math.min(batchSize, budget.left);
      budget.left -= limit;
      let outcome: Awaited<ReturnType<BatchReviewer['reviewBlobs']>>;
      try {
        outcome = await this.batches.reviewBlobs([...skip], limit);
      } catch (error) {
        // The transaction itself failed (a lost connection, say): what it claimed stays queued for the next run.
        const claimed = error instanceof BlobBatchFailed ? error.claimed : [];
        budget.left += limit - claimed.length;
        this.logger?.warn({ items: claimed.length, err: error }, 'gc blob batch failed; its items stay queued');
        if (claimed.length === 0) return; // the claim itself failed: the next run tries again
        result.skipped += passOver(skip, claimed);
        continue;
      }
      budget.left += limit - outcome.claimed.length;
      if (outcome.claimed.length === 0) return;
      Object.assign(result, addGcResults(result, outcome.result));
      result.skipped += passOver(skip, outcome.skipped);
    }
  }

  private async reviewOneByOne<K>(keys: K[], reviewOne: (key: K) => Promise<Outcome>, skip: K[], result: GcResult): Promise<void> {
    for (const key of keys) {
      let outcome: Outcome;
      try {
        outcome = await reviewOne(key);
      } catch (error) {
        // The transaction rolled back; the item stays queued for the next run.
        this.logger?.warn({ item: String(key), err: error }, 'gc review failed; the item stays queued');
        outcome = 'skipped';
      }
      if (outcome === 'skipped') {
        skip.push(key);
        result.skipped++;
      }
    }
  }

  /**
   * Deletes the manifest if nothing keeps it alive. Locks, in the pushes' order: its blobs, then the
   * manifest row, then the queue row (SKIP LOCKED: another collector has it, or a push re-queued it).
   */
  private async reviewManifest(id: number, result: GcResult): Promise<Outcome> {
    // A manifest's blob list is immutable, so it can be read before taking the locks it tells us to take.
    const blobDigests = await this.sql.manifestBlobDigests(this.db.manager, id);
    let deletedFrom: string | undefined;
    const outcome = await this.db.transaction(async (db): Promise<Outcome> => {
      await this.sql.lockBlobs(db, blobDigests);
      const manifest = await this.sql.lockManifest(db, id);
      if (!manifest) return 'done'; // deleted meanwhile; its queue row went with it
      if (!(await this.sql.claimManifestReview(db, id))) return 'skipped';
      result.manifestsReviewed++;
      const facts = await this.sql.manifestFacts(db, manifest, this.options.reviewDelaySeconds);
      const verdict = manifestVerdict(facts);
      if (verdict === 'restorable_tag') {
        // Nothing else queues it when the window ends: look again then.
        await this.sql.postponeManifestReview(db, id, facts.restorableUntil!);
        return 'done';
      }
      if (verdict !== 'dangling') {
        // Whatever takes this away later (tag delete, tag move, index or subject deleted) queues it again.
        await this.sql.dropManifestReview(db, id);
        return 'done';
      }
      const dependants = await this.sql.dependants(db, manifest);
      await this.sql.deleteManifest(db, id);
      deletedFrom = manifest.repositoryPath;
      result.manifestsDeleted++;
      // An index's children and a subject's referrers may have lost what kept them.
      await queueManifestReview(db, dependants, this.options.reviewDelaySeconds, 'parent_deleted');
      await this.releaseBlobs(db, manifest.repositoryId, blobDigests, result);
      return 'done';
    });
    // After the commit: manifest caches (api replicas) stop serving it by digest.
    if (deletedFrom !== undefined) await this.changes.repositoriesChanged([deletedFrom]);
    return outcome;
  }

  /**
   * After a manifest is deleted: unlink each of its blobs from the repository unless another manifest there
   * still uses it or the link is fresh (an upload waiting for its manifest), and queue the blob for review.
   */
  private async releaseBlobs(db: EntityManager, repositoryId: number, digests: string[], result: GcResult): Promise<void> {
    for (const digest of digests) {
      result.linksRemoved += await this.sql.removeUnusedLink(db, repositoryId, digest, this.options.reviewDelaySeconds);
    }
    // Reviewed even when still linked elsewhere: the review rechecks and simply drops what is in use.
    await queueBlobReview(db, digests, this.options.reviewDelaySeconds, 'manifest_deleted');
  }
}

/**
 * Adds items a blob batch left queued to the run's skip set; returns how many were new. A queue row a batch left is
 * free again once it commits, so another stream's claim may take it before the set has it: counted once all the same.
 */
function passOver(skip: Set<string>, digests: string[]): number {
  const before = skip.size;
  for (const digest of digests) skip.add(digest);
  return skip.size - before;
}
