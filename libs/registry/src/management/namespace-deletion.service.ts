import { EntityManager } from 'typeorm';
import { SYSTEM_ACTOR } from '../events';
import { RegistryContext } from '../registry-context';
import { CacheEntryRepository } from '../virtual-registries/cache-entry.repository';
import { NamespaceDeletionRepository, StrandedDeletions } from './namespace-deletion.repository';
import { RegistryDeletionService } from './registry-deletion.service';

export interface NamespaceDeleteResult {
  outcome: 'deleted' | 'gone';
  repositories: number;
  projects: number;
}

/** Rounds of "delete the repositories, then try to drop the rows" before the job gives up and retries. */
const MAX_ROUNDS = 5;

/**
 * The worker half of `DELETE /groups/:id` and `DELETE /users/:id`: every registry repository of the marked
 * projects is deleted through the repository-delete path (tags, manifests, blob links to GC review, the
 * `repository_deleted` audit row and webhooks), then the group tree or the user's rows go, with their audit row
 * (the groups' pull-through cache entries with them, their blobs queued for GC review like any unlinked blob).
 * Idempotent: each run starts from the rows that are left.
 */
export class NamespaceDeletionService {
  private readonly rows = new NamespaceDeletionRepository();
  private readonly cacheEntries = new CacheEntryRepository();

  constructor(
    private readonly ctx: RegistryContext,
    private readonly repositories: RegistryDeletionService,
  ) {}

  async deleteGroup(namespaceId: number): Promise<NamespaceDeleteResult> {
    const namespace = await this.rows.namespace(this.ctx.db.manager, namespaceId);
    if (!namespace) return { outcome: 'gone', repositories: 0, projects: 0 };
    return this.deleteTree(namespaceId, namespace.requestedBy, (db, done) =>
      this.rows.recordDeleted(db, namespace.requestedBy, { type: 'Group', id: namespace.id, path: namespace.fullPath }, 'group_destroyed', done),
    );
  }

  /** The personal namespace's projects first, then the user row (tokens, CI jobs and sessions cascade). */
  async deleteUser(userId: number): Promise<NamespaceDeleteResult> {
    const user = await this.rows.user(this.ctx.db.manager, userId);
    if (!user) return { outcome: 'gone', repositories: 0, projects: 0 };
    const personal = await this.rows.personalNamespaceId(this.ctx.db.manager, userId);
    const tree = personal === null ? { outcome: 'gone' as const, repositories: 0, projects: 0 } : await this.deleteTree(personal, user.requestedBy);
    await this.ctx.db.transaction(async (db) => {
      if (!(await this.rows.deleteUser(db, userId))) return;
      await this.rows.recordDeleted(db, user.requestedBy, { type: 'User', id: user.id, path: user.username }, 'user_destroyed', {
        repositories: tree.repositories,
        projects: tree.projects,
      });
    });
    return { ...tree, outcome: 'deleted' };
  }

  strandedDeletions(olderThanSeconds: number, limit = 1000): Promise<StrandedDeletions> {
    return this.rows.listStranded(this.ctx.db.manager, olderThanSeconds, limit);
  }

  /** `onDeleted` runs in the transaction that removes the rows (the audit row commits with them or not at all). */
  private async deleteTree(
    namespaceId: number,
    requestedBy: number | null,
    onDeleted: (db: EntityManager, done: { repositories: number; projects: number }) => Promise<void> = async () => undefined,
  ): Promise<NamespaceDeleteResult> {
    const actor = requestedBy === null ? SYSTEM_ACTOR : { kind: 'user' as const, id: requestedBy, name: null };
    let repositories = 0;
    for (let round = 0; round < MAX_ROUNDS; round++) {
      for (const repositoryId of await this.rows.scheduleRepositories(this.ctx.db.manager, namespaceId)) {
        const deleted = await this.repositories.deleteRepository(repositoryId, actor);
        if (deleted.outcome === 'deleted') repositories++;
      }
      const { outcome, projects } = await this.ctx.db.transaction(async (db) => {
        // The groups' pull-through caches cascade with them: their entries go first so their blobs are queued for GC.
        const dropped = await this.rows.deleteTreeIfEmpty(db, namespaceId, (ids) => this.cacheEntries.deleteForGroups(db, ids, this.ctx.settings.gcReviewDelay));
        if (dropped.outcome === 'deleted') await onDeleted(db, { repositories, projects: dropped.projects });
        return dropped;
      });
      if (outcome === 'deleted') return { outcome, repositories, projects };
      if (outcome === 'gone') return { outcome, repositories, projects: 0 };
      // A push slipped in between: go round again.
    }
    throw new Error(`namespace ${namespaceId} keeps receiving content while being deleted; will retry`);
  }
}
