import { NOTHING_RECORDED, RegistryEventActor, SYSTEM_ACTOR } from '../events';
import { EntityManager } from 'typeorm';
import { queueBlobReview } from '../data/blob.repository';
import { queueManifestReview } from '../data/tag.repository';
import { RegistryContext } from '../registry-context';
import { compileRetentionRules, planRetention, RetentionPlan } from '../retention/retention-rules';
import { TagDeletion } from '../deleted-tags/tag-deletion';
import { BulkDeleteRules } from './bulk-delete-rules';
import { RepositoryDeletionRepository } from './repository-deletion.repository';
import { BulkDeleteRequestRecord, BulkDeleteRequestRepository } from './bulk-delete-request.repository';
import { RepositoryQueryRepository } from './repository-query.repository';
import { TagCandidate, TagQueryRepository } from './tag-query.repository';
import { ProtectionGuard } from '../protection/protection-guard';
import { noSkips, ProtectionSkips, withoutProtected } from '../protection/protection-rules';

export interface BulkDeleteResult {
  /** False when the repository is gone or being deleted: nothing to do. */
  ran: boolean;
  deleted: number;
  kept?: RetentionPlan<TagCandidate>['kept'];
  /** Tags the rules chose that protection rules kept (protected for the deleter, or immutable). */
  skipped?: ProtectionSkips;
}

export interface RepositoryDeleteResult {
  outcome: 'deleted' | 'gone' | 'not_scheduled';
  tags: number;
  manifests: number;
  blobs: number;
}

/** A bulk delete asked for through the REST API by `requestedBy` (a user id; null: unknown). */
export function bulkDeletion(requestedBy: number | null): TagDeletion {
  return { how: 'bulk_delete', actor: requestedBy === null ? SYSTEM_ACTOR : { kind: 'user', id: requestedBy, name: null } };
}

/** Rounds of "delete what is left, then try to drop the row" before giving up and letting the job retry. */
const MAX_ROUNDS = 5;

/**
 * The asynchronous deletes the management API schedules, run by the worker. Every operation is idempotent:
 * it works from the current database state, in short batched transactions, so a retry or a second run
 * after a crash finishes the work without harm.
 */
export class RegistryDeletionService {
  private readonly repositories = new RepositoryQueryRepository();
  private readonly tags = new TagQueryRepository();
  private readonly deletion = new RepositoryDeletionRepository();
  private readonly bulkRequests = new BulkDeleteRequestRepository();
  private readonly protection: ProtectionGuard;

  constructor(
    private readonly ctx: RegistryContext,
    private readonly batchSize = 500,
  ) {
    this.protection = new ProtectionGuard(ctx);
  }

  /**
   * Applies GitLab's bulk delete rules at `now` (the time the request was made, so a retry judges ages the same
   * way). Only tags still pointing where they pointed when judged are deleted; their manifests go to GC review.
   * Tags a protection rule keeps from a deleter at `protectionLevel` (0: every tag a rule protects from deletion,
   * as cleanup policies judge) stay and are counted; each batch reads the rules in its own transaction.
   */
  async bulkDeleteTags(repositoryId: number, rules: BulkDeleteRules, now: Date, deletion: TagDeletion, protectionLevel = 0): Promise<BulkDeleteResult> {
    const repository = await this.repositories.findById(this.ctx.db.manager, repositoryId);
    if (!repository || repository.status !== null) return { ran: false, deleted: 0 };
    const compiled = compileRetentionRules(rules);
    const candidates = await this.tags.candidates(this.ctx.db.manager, repositoryId);
    const plan = planRetention(candidates, compiled, now);
    let deleted = 0;
    const skipped = noSkips();
    for (let start = 0; start < plan.delete.length; start += this.batchSize) {
      const chosen = plan.delete.slice(start, start + this.batchSize);
      const batchDeleted = await this.ctx.db.transaction(async (db) => {
        const protection = await this.protection.load(db, repository.projectId);
        const batch = withoutProtected(protection, repository.path, chosen, protectionLevel, skipped);
        const gone = await this.tags.deleteUnmoved(db, repositoryId, batch, deletion);
        await queueManifestReview(db, gone.manifestIds, this.ctx.settings.gcReviewDelay, 'tag_deleted');
        return gone.deleted;
      });
      // Announced per batch, not once at the end: a run over a million tags takes seconds, and the apis' cached
      // tag lists and rank anchors must not describe the repository as it was before its first batch until then.
      if (batchDeleted > 0) await this.ctx.changes.repositoriesChanged([repository.path]);
      deleted += batchDeleted;
    }
    return { ran: true, deleted, kept: plan.kept, skipped };
  }

  /**
   * Runs a recorded bulk delete request (bulk_tag_delete_requests), judged at the time it was made, then removes
   * the request. A request already gone was run before (a job queued twice): nothing to do.
   */
  async runBulkDeleteRequest(requestId: number): Promise<BulkDeleteResult> {
    const request = await this.bulkRequests.find(this.ctx.db.manager, requestId);
    if (!request) return { ran: false, deleted: 0 };
    const deletion = bulkDeletion(request.requestedBy);
    const result = await this.bulkDeleteTags(request.repositoryId, request.params, new Date(request.requestedAt), deletion, request.requesterAccessLevel ?? 0);
    await this.reportSkipped(request.repositoryId, deletion.actor, result.skipped);
    await this.bulkRequests.delete(this.ctx.db.manager, requestId);
    return result;
  }

  /** A bulk delete that kept protected tags says so: one `protected_delete_refused` audit row and webhook event. */
  private async reportSkipped(repositoryId: number, actor: RegistryEventActor, skipped: ProtectionSkips | undefined): Promise<void> {
    if (!skipped || skipped.protected + skipped.immutable === 0) return;
    const repository = await this.repositories.findById(this.ctx.db.manager, repositoryId);
    if (!repository) return;
    const message = `${skipped.protected} protected and ${skipped.immutable} immutable tags were kept`;
    const recorded = await this.ctx.db.transaction((db) =>
      this.ctx.events.protectionRefused(db, {
        projectId: repository.projectId,
        repositoryPath: repository.path,
        actor,
        occurredAt: new Date(),
        action: 'delete',
        reason: skipped.immutable > 0 && skipped.protected === 0 ? 'immutable' : 'protected',
        tag: null,
        digest: null,
        via: 'bulk_delete',
        message,
        skipped,
      }),
    );
    await this.ctx.events.publish(recorded);
  }

  /** After the last attempt failed: the request is dropped (it is logged), as a failed job is. */
  async dropBulkDeleteRequest(requestId: number): Promise<void> {
    await this.bulkRequests.delete(this.ctx.db.manager, requestId);
  }

  /** Bulk delete requests untouched for `olderThanSeconds` (see BulkDeleteRequestRepository.listStranded). */
  async strandedBulkDeleteRequests(olderThanSeconds: number, limit = 1000): Promise<BulkDeleteRequestRecord[]> {
    return this.bulkRequests.listStranded(this.ctx.db.manager, olderThanSeconds, limit);
  }

  /**
   * Removes a repository scheduled for deletion: tags, then manifests (indexes before their children), then its
   * blob links, each blob queued for GC review; finally the row itself once nothing is left in it.
   */
  async deleteRepository(repositoryId: number, actor: RegistryEventActor = SYSTEM_ACTOR): Promise<RepositoryDeleteResult> {
    const result: RepositoryDeleteResult = { outcome: 'gone', tags: 0, manifests: 0, blobs: 0 };
    const repository = await this.repositories.findById(this.ctx.db.manager, repositoryId);
    if (!repository) return result;
    if (repository.status === null) return { ...result, outcome: 'not_scheduled' };
    await this.deletion.setStatus(this.ctx.db.manager, repositoryId, 'delete_ongoing');
    // The api forgot it when the delete was scheduled; again here for a cache that refilled from a lost message.
    await this.ctx.changes.repositoriesChanged([repository.path]);

    for (let round = 0; round < MAX_ROUNDS; round++) {
      result.tags += await this.drain((db) => this.deletion.deleteTagsBatch(db, repositoryId, this.batchSize));
      result.manifests += await this.drain((db) => this.deletion.deleteManifestsBatch(db, repositoryId, this.batchSize));
      result.blobs += await this.drain(async (db) => {
        const digests = await this.deletion.unlinkBlobsBatch(db, repositoryId, this.batchSize);
        await queueBlobReview(db, digests, this.ctx.settings.gcReviewDelay, 'repository_deleted');
        return digests.length;
      });
      const { outcome, recorded } = await this.ctx.db.transaction(async (db) => {
        const dropped = await this.deletion.deleteIfEmpty(db, repositoryId);
        // The outbox: the event commits with the row's removal, or not at all.
        const event = { projectId: repository.projectId, repositoryPath: repository.path, actor, occurredAt: new Date() };
        return { outcome: dropped, recorded: dropped === 'deleted' ? await this.ctx.events.repositoryDeleted(db, event) : NOTHING_RECORDED };
      });
      await this.ctx.changes.repositoriesChanged([repository.path]);
      await this.ctx.events.publish(recorded);
      if (outcome !== 'not_empty') return { ...result, outcome: outcome === 'deleted' ? 'deleted' : 'gone' };
      // A push slipped in between the batches: go round again.
    }
    throw new Error(`repository ${repositoryId} keeps receiving content while being deleted; will retry`);
  }

  /** After the last attempt failed: GitLab shows `delete_failed`, and a new DELETE request may schedule it again. */
  /** Repositories whose delete has not moved for `olderThanSeconds` (see RepositoryDeletionRepository.listStranded). */
  async strandedRepositoryDeletes(olderThanSeconds: number, limit = 1000): Promise<number[]> {
    return this.deletion.listStranded(this.ctx.db.manager, olderThanSeconds, limit);
  }

  async markDeleteFailed(repositoryId: number): Promise<void> {
    await this.deletion.setStatus(this.ctx.db.manager, repositoryId, 'delete_failed');
  }

  /** Runs a batch step in its own transaction until it reports nothing done; returns the total. */
  private async drain(step: (db: EntityManager) => Promise<number>): Promise<number> {
    let total = 0;
    for (let done = await this.ctx.db.transaction(step); done > 0; done = await this.ctx.db.transaction(step)) total += done;
    return total;
  }
}
