import { EntityManager } from 'typeorm';
import { isValidTag } from '../domain';
import { RegistryEventActor } from '../events';
import { ManagementError } from '../management/management-error';
import type { RepositoryRecord } from '../management/repository-query.repository';
import { ProtectionError } from '../protection/protection-error';
import { ProtectionGuard } from '../protection/protection-guard';
import { RegistryContext } from '../registry-context';
import { DeletedTagRecord, DeletedTagRepository } from './deleted-tag.repository';
import { TagDeletionHow } from './tag-deletion';

/** A tag put back by a restore. */
export interface RestoredTag {
  projectId: number;
  repositoryId: number;
  repositoryPath: string;
  name: string;
  digest: string;
  /** How and when it had been deleted. */
  how: TagDeletionHow;
  deletedAt: Date;
}

export interface RestoreRequest {
  name: string;
  /** Restore the newest deletion of `name` at this digest rather than the newest deletion of `name`. */
  digest?: string;
  actor: RegistryEventActor;
  /**
   * The restorer's protection level (libs/iam restProtectionAccessLevel): a restore creates the tag as a push would,
   * so a tag protection rule's push level applies to it (0: refused wherever a rule protects pushes).
   */
  accessLevel?: number;
  /** Runs in the restore's transaction once the tag is back, so the caller's audit row commits with it or not at all. */
  audit?: (db: EntityManager, restored: RestoredTag) => Promise<void>;
}

/** Records kept this long after their window ended still answer a late restore with 410 rather than 404. */
const PRUNE_GRACE_MIN_SECONDS = 3600;
const PRUNE_BATCH = 10_000;

/** When a deleted tag record may be pruned: its window (GC_REVIEW_DELAY) and as long again, at least an hour, after. */
export function pruneAfterSeconds(reviewDelaySeconds: number): number {
  return reviewDelaySeconds + Math.max(reviewDelaySeconds, PRUNE_GRACE_MIN_SECONDS);
}

/**
 * Deleted tags: listing those still restorable, restoring one, and pruning the records. A tag is restorable while
 * its deletion is within the GC review window (GC_REVIEW_DELAY) and its manifest is still there; GC keeps such a
 * manifest (its recheck asks deleted_tags), so within the window only a delete by digest removes it.
 */
export class DeletedTagService {
  private readonly deleted = new DeletedTagRepository();
  private readonly protection: ProtectionGuard;

  constructor(private readonly ctx: RegistryContext) {
    this.protection = new ProtectionGuard(ctx);
  }

  /** The repository's deletions within the window, newest first, with the total (GitLab's X-Total). */
  async list(repositoryId: number, page: { limit: number; offset: number }, name?: string): Promise<{ items: DeletedTagRecord[]; total: number }> {
    const db = this.ctx.db.manager;
    const window = this.ctx.settings.gcReviewDelay;
    const [items, total] = await Promise.all([this.deleted.list(db, repositoryId, window, page, name), this.deleted.count(db, repositoryId, window, name)]);
    return { items, total };
  }

  /**
   * Puts the newest deleted tag of that name back where it pointed: NOT_FOUND when no such deletion is recorded,
   * GONE when its window has passed or its manifest was deleted, CONFLICT when the name is taken again. The tag
   * comes back as a push of it would (the same event: audit row and webhook deliveries, in the same transaction).
   */
  async restore(repository: RepositoryRecord, request: RestoreRequest): Promise<RestoredTag> {
    if (!isValidTag(request.name) || repository.status !== null) throw ManagementError.notFound('Deleted tag');
    const where = { projectId: repository.projectId, repositoryPath: repository.path, actor: request.actor, via: 'api' as const };
    const { restored, recorded } = await this.protection.reported(where, () => this.ctx.db.transaction(async (db) => {
      // The rules are read under the project's protection lock, as a push reads them (a rule created meanwhile applies).
      const protection = await this.protection.load(db, repository.projectId);
      // Taken out of the records at once; any refusal below rolls the transaction back and puts it back.
      const deletion = await this.deleted.takeNewest(db, repository.id, this.ctx.settings.gcReviewDelay, request.name, request.digest);
      if (!deletion) throw ManagementError.notFound('Deleted tag');
      if (!deletion.withinWindow) throw ManagementError.gone(`the tag ${request.name} was deleted too long ago to be restored (GC_REVIEW_DELAY)`);
      const target = await this.deleted.lockTarget(db, repository.id, deletion.digest);
      if (!target) throw ManagementError.gone(`the manifest ${deletion.digest} of the tag ${request.name} was deleted`);
      if (!(await this.ctx.tags.createIfAbsent(db, repository.id, request.name, target.id))) {
        throw ManagementError.conflict(`the tag ${request.name} exists again: delete it first to restore the deleted one`);
      }
      // A restore creates the tag (it never moves one: a taken name is the conflict above), so an immutable rule
      // allows it as it allows a new tag, and a push level applies as to a push.
      const refusal = protection.judgePush(repository.path, request.name, request.accessLevel ?? 0, false);
      if (refusal) throw ProtectionError.refused(refusal);
      const restored: RestoredTag = {
        projectId: repository.projectId,
        repositoryId: repository.id,
        repositoryPath: repository.path,
        name: request.name,
        digest: deletion.digest,
        how: deletion.how,
        deletedAt: deletion.deletedAt,
      };
      await request.audit?.(db, restored);
      // Receivers hear what a push of the tag would tell them (the outbox: delivery rows commit with the tag).
      const recorded = await this.ctx.events.manifestPushed(db, {
        projectId: repository.projectId,
        repositoryPath: repository.path,
        tag: request.name,
        digest: deletion.digest,
        mediaType: target.mediaType,
        size: target.totalSize,
        actor: request.actor,
        occurredAt: new Date(),
      });
      return { restored, recorded };
    }));
    await this.ctx.changes.repositoriesChanged([repository.path]);
    await this.ctx.events.publish(recorded);
    return restored;
  }

  /** Removes records past their window and grace (pruneAfterSeconds), in batches; returns how many went. */
  async prune(): Promise<number> {
    const olderThan = pruneAfterSeconds(this.ctx.settings.gcReviewDelay);
    let pruned = 0;
    for (;;) {
      const batch = await this.deleted.prune(this.ctx.db.manager, olderThan, PRUNE_BATCH);
      pruned += batch;
      if (batch < PRUNE_BATCH) return pruned;
    }
  }
}
