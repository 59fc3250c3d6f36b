import { RegistryEventActor, SYSTEM_ACTOR } from '../events';
import { manifestDigestById } from '../data/event-facts';
import { queueManifestReview } from '../data/tag.repository';
import { isValidTag } from '../domain';
import { RegistryContext } from '../registry-context';
import { BulkDeleteRules } from './bulk-delete-rules';
import { ManagementError } from './management-error';
import { RegistryUsage, RepositoryFilter, RepositoryQueryRepository, RepositoryRecord } from './repository-query.repository';
import { RepositoryDeletionRepository } from './repository-deletion.repository';
import { BulkDeleteRequestRecord, BulkDeleteRequestRepository } from './bulk-delete-request.repository';
import { ProtectionGuard } from '../protection/protection-guard';
import { ProtectionError } from '../protection/protection-error';
import { ProjectProtection } from '../protection/protection-rules';
import { EntityManager } from 'typeorm';
import { TagRankAnchors } from './tag-rank-anchors';
import { KeysetRequest, TAG_COUNT_LIMIT, TagDetailsRecord, TagListItem, TagListOrder, TagQueryRepository } from './tag-query.repository';

export interface RepositoryView extends RepositoryRecord {
  tagsCount?: number;
  tags?: string[];
  size?: number;
}

/**
 * Tag names a repository view lists with `tags=true`: the first ones in tag-list order; the tags endpoint pages
 * through the rest (docs/api.md "Limits and pagination").
 */
export const REPOSITORY_VIEW_TAGS = 100;

export interface RepositoryExtras {
  tags?: boolean;
  tagsCount?: boolean;
  size?: boolean;
}

/** An offset page of tags: `total` null when more than TAG_COUNT_LIMIT match; `more` when a next page exists. */
export interface TagPage<T> {
  items: T[];
  total: number | null;
  more: boolean;
}

/** A repository's id, or its id and path: with the path, deep pages by name can use the read cache's rank anchors. */
export type TagListTarget = number | Pick<RepositoryRecord, 'id' | 'path'>;

export interface OffsetRequest {
  limit: number;
  offset: number;
}

/**
 * The registry management API's domain: listings, details, sizes, single tag deletes and scheduling the
 * asynchronous deletes. Callers have already decided who may see which project; this class never checks roles.
 */
export class RegistryManagementService {
  private readonly repositories = new RepositoryQueryRepository();
  private readonly tags = new TagQueryRepository();
  private readonly deletion = new RepositoryDeletionRepository();
  private readonly bulkDeletes = new BulkDeleteRequestRepository();
  private readonly rankAnchors: TagRankAnchors;

  private readonly protection: ProtectionGuard;

  constructor(private readonly ctx: RegistryContext) {
    this.protection = new ProtectionGuard(ctx);
    this.rankAnchors = new TagRankAnchors(ctx.manifestCache, this.tags);
  }

  async listRepositories(filter: RepositoryFilter, page: OffsetRequest, extras: RepositoryExtras = {}): Promise<{ items: RepositoryView[]; total: number }> {
    const { items, total } = await this.repositories.list(this.ctx.db.manager, filter, page.limit, page.offset);
    return { items: await this.withExtras(items, extras), total };
  }

  async findRepository(id: number): Promise<RepositoryRecord> {
    const repository = await this.repositories.findById(this.ctx.db.manager, id);
    if (!repository) throw ManagementError.notFound('Repository');
    return repository;
  }

  async describeRepository(repository: RepositoryRecord, extras: RepositoryExtras): Promise<RepositoryView> {
    const [view] = await this.withExtras([repository], extras);
    if (extras.size) view.size = await this.repositories.size(this.ctx.db.manager, repository.id);
    return view;
  }

  /**
   * An offset page of tags, with their details when asked (one query either way). `total` is null past
   * TAG_COUNT_LIMIT matching tags (counting further would scan them all on every page); `more` says whether a
   * next page exists, from one row read past the page.
   */
  async listTags(repository: TagListTarget, page: OffsetRequest, name?: string, order?: TagListOrder): Promise<TagPage<TagListItem>>;
  async listTags(repository: TagListTarget, page: OffsetRequest, name: string | undefined, order: TagListOrder | undefined, details: true): Promise<TagPage<TagDetailsRecord>>;
  async listTags(repository: TagListTarget, page: OffsetRequest, name?: string, order?: TagListOrder, details = false): Promise<TagPage<TagListItem>> {
    const db = this.ctx.db.manager;
    const target = typeof repository === 'number' ? { id: repository } : repository;
    const [rows, counted] = await Promise.all([this.tagRows(db, target, page, name, order, details), this.tags.count(db, target.id, name)]);
    return { items: rows.slice(0, page.limit), total: counted > TAG_COUNT_LIMIT ? null : counted, more: rows.length > page.limit };
  }

  /** The page's rows and one more; by name without a filter, deep pages start at a rank anchor (TagRankAnchors). */
  private async tagRows(db: EntityManager, repository: { id: number; path?: string }, page: OffsetRequest, name: string | undefined, order: TagListOrder | undefined, details: boolean): Promise<TagListItem[]> {
    const byNameUnfiltered = !name && (order === undefined || (order.by === 'name' && !order.desc));
    const { path } = repository;
    const start = path !== undefined && byNameUnfiltered ? await this.rankAnchors.start(db, { id: repository.id, path }, page.offset) : undefined;
    const read = details ? this.tags.detailedPage.bind(this.tags) : this.tags.page.bind(this.tags);
    return read(db, repository.id, page.limit + 1, start?.skip ?? page.offset, name, order, start?.name);
  }

  /** One keyset page (by name); `next` is the `last` of the following page when there is one. */
  async listTagsKeyset(repositoryId: number, request: KeysetRequest): Promise<{ items: TagListItem[]; next?: string }> {
    const found = await this.tags.keysetPage(this.ctx.db.manager, repositoryId, { ...request, limit: request.limit + 1 });
    if (found.length <= request.limit) return { items: found };
    const items = found.slice(0, request.limit);
    return { items, next: items[items.length - 1].name };
  }

  async tagDetails(repositoryId: number, name: string): Promise<TagDetailsRecord> {
    const details = isValidTag(name) ? await this.tags.details(this.ctx.db.manager, repositoryId, name) : null;
    if (!details) throw ManagementError.notFound('Tag');
    return details;
  }

  /**
   * As DELETE /v2/<name>/manifests/<tag>: the tag row goes, its manifest is queued for GC review. Protection rules
   * are judged for the caller at `accessLevel` in the transaction (ProtectionError PROTECTED, naming the rule).
   */
  async deleteTag(repositoryId: number, name: string, actor: RegistryEventActor = SYSTEM_ACTOR, accessLevel = 0): Promise<void> {
    if (!isValidTag(name)) throw ManagementError.notFound('Tag');
    const repository = await this.findRepository(repositoryId);
    const where = { projectId: repository.projectId, repositoryPath: repository.path, actor, via: 'api' as const };
    const recorded = await this.protection.reported(where, () => this.ctx.db.transaction(async (db) => {
      const protection = await this.protection.load(db, repository.projectId);
      const manifestId = await this.ctx.tags.delete(db, repositoryId, name, { how: 'api', actor });
      if (manifestId === null) throw ManagementError.notFound('Tag');
      const refusal = protection.judgeDelete(repository.path, name, accessLevel);
      if (refusal) throw ProtectionError.refused(refusal);
      await queueManifestReview(db, [manifestId], this.ctx.settings.gcReviewDelay, 'tag_deleted');
      const digest = await manifestDigestById(db, manifestId);
      // As /v2/ does: the audit row and webhook deliveries commit with the delete (the outbox).
      return this.ctx.events.tagDeleted(db, { projectId: repository.projectId, repositoryPath: repository.path, actor, occurredAt: new Date(), tag: name, digest });
    }));
    await this.ctx.changes.repositoriesChanged([repository.path]);
    await this.ctx.events.publish(recorded);
  }

  /**
   * Marks the repository `delete_scheduled`; the caller enqueues the job after this returns (after commit). Refused
   * (ProtectionError PROTECTED, naming the rule) when it holds a tag the caller at `accessLevel` may not delete, or a
   * repository rule keeps it from them: judged in the transaction that marks it.
   */
  async scheduleRepositoryDelete(repositoryId: number, actor: RegistryEventActor = SYSTEM_ACTOR, accessLevel = 0): Promise<void> {
    const found = await this.findRepository(repositoryId);
    const where = { projectId: found.projectId, repositoryPath: found.path, actor, via: 'api' as const };
    const marked = await this.protection.reported(where, () =>
      this.ctx.db.transaction(async (db) => {
        const protection = await this.protection.load(db, found.projectId);
        await this.judgeRepositoryDelete(db, protection, found, accessLevel);
        return this.deletion.markScheduled(db, repositoryId);
      }),
    );
    if (!marked) throw ManagementError.notFound('Repository');
    // A repository being deleted is no longer served (GETs check its status): caches must forget it now.
    const repository = await this.repositories.findById(this.ctx.db.manager, repositoryId);
    await this.ctx.changes.repositoriesChanged(repository ? [repository.path] : 'all');
  }

  /**
   * Records a bulk tag delete whose rules passed `validateBulkDelete`; the caller queues its job after this
   * returns. The row is what makes it happen: the worker's stranded-work requeuer queues requests whose job is
   * missing (Redis was down). `requesterAccessLevel` is the requester's protection level: the worker keeps the tags
   * a protection rule keeps from them.
   */
  async requestBulkDelete(repositoryId: number, rules: BulkDeleteRules, requestedBy: number | null, requesterAccessLevel = 0): Promise<BulkDeleteRequestRecord> {
    return this.bulkDeletes.insert(this.ctx.db.manager, repositoryId, rules, requestedBy, requesterAccessLevel);
  }

  /** The repository's own rules, then every tag it holds (read in pages by name): the first refusal is thrown. */
  private async judgeRepositoryDelete(db: EntityManager, protection: ProjectProtection, repository: RepositoryRecord, accessLevel: number): Promise<void> {
    if (protection.isEmpty) return;
    const own = protection.judgeDelete(repository.path, null, accessLevel);
    if (own) throw ProtectionError.refused(own);
    if (!protection.hasTagRules) return;
    for (let after: string | undefined; ; ) {
      const names = (await this.tags.keysetPage(db, repository.id, { limit: 10_000, desc: false, last: after })).map((tag) => tag.name);
      for (const name of names) {
        const refusal = protection.judgeDelete(repository.path, name, accessLevel);
        if (refusal) throw ProtectionError.refused(refusal);
      }
      if (names.length < 10_000) return;
      after = names[names.length - 1];
    }
  }

  async usage(projectIds: number[]): Promise<RegistryUsage> {
    return this.repositories.usage(this.ctx.db.manager, projectIds);
  }

  /** The projects' deduplicated bytes alone: what `usage` reports as `size`, without counting their tags. */
  async storedSize(projectIds: number[]): Promise<number> {
    return this.repositories.storedSize(this.ctx.db.manager, projectIds);
  }

  private async withExtras(items: RepositoryRecord[], extras: RepositoryExtras): Promise<RepositoryView[]> {
    const ids = items.map((item) => item.id);
    const db = this.ctx.db.manager;
    const [counts, names] = await Promise.all([
      extras.tagsCount ? this.repositories.tagCounts(db, ids) : undefined,
      extras.tags ? this.repositories.tagNames(db, ids, REPOSITORY_VIEW_TAGS) : undefined,
    ]);
    return items.map((item) => ({
      ...item,
      ...(counts ? { tagsCount: counts.get(item.id) ?? 0 } : {}),
      ...(names ? { tags: names.get(item.id) ?? [] } : {}),
    }));
  }
}
