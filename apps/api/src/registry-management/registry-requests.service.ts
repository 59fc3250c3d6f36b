import { Inject, Injectable } from '@nestjs/common';
import { Logger } from '@cargohold/common';
import { LOGGER } from '@cargohold/platform';
import {
  AccessLevel,
  Actor,
  canAdminRegistry,
  IamError,
  IamServices,
  ON_REST,
  RegistryNeed,
  RegistryPermissionService,
  ResourceRef,
  restProtectionAccessLevel,
} from '@cargohold/iam';
import { bulkDeleteJobId, hasLiveJob, JOB_QUEUE, JobName, JobProducer, repositoryDeleteJobId } from '@cargohold/jobs';
import {
  RegistryEventActor,
  KeysetRequest,
  ManagementError,
  RegistryManagementService,
  ProtectionViewService,
  RegistryUsage,
  RepositoryExtras,
  RepositoryRecord,
  RepositoryView,
  TagDetailsRecord,
  TagListItem,
  TagListOrder,
  TagPage,
  TagProtectionView,
} from '@cargohold/registry';
import { OffsetPage } from '../rest/pagination';
import { queueOrDefer } from '../jobs/queue-or-defer';
import { BulkDeleteLease } from './bulk-delete-lease';
import { bulkDeleteRules } from './bulk-delete-rules';
import type { BulkDeleteTagsDto } from './dto/registry-management.dto';

export interface ShownRepository {
  repository: RepositoryView;
  /** Whether the caller may delete it: GitLab then adds `delete_api_path`. */
  canAdmin: boolean;
}

/** A tag as listed with its protection (the REST extension `protection`). */
export interface Protected {
  protection: TagProtectionView | null;
}

/** What an offset tag listing asks for: a name filter, an order, and whether each tag carries its details. */
export interface TagListing {
  name?: string;
  order?: TagListOrder;
  details?: boolean;
}

export const BULK_DELETE_REFUSED = 'This request has already been made. You can run this at most once an hour for a given container repository';

/**
 * The management API's use cases: who may (RegistryPermissionService), what happens (RegistryManagementService), and the
 * jobs that follow, enqueued after the database work has committed. Controllers only parse and present.
 */
@Injectable()
export class RegistryRequests {
  constructor(
    private readonly iam: IamServices,
    private readonly permissions: RegistryPermissionService,
    private readonly registry: RegistryManagementService,
    private readonly jobs: JobProducer,
    private readonly lease: BulkDeleteLease,
    private readonly protection: ProtectionViewService,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async projectRepositories(actor: Actor | null, ref: ResourceRef, page: OffsetPage, extras: RepositoryExtras) {
    const { project, level } = await this.permissions.requireProject(actor, ref, 'read');
    const { items, total } = await this.registry.listRepositories({ projectIds: [project.id] }, page, extras);
    return { items: items.map((repository) => ({ repository, canAdmin: canAdminRegistry(level) })), total };
  }

  /** Repositories of every project in the group and its subgroups that the caller may pull from. */
  async groupRepositories(actor: Actor | null, ref: ResourceRef, page: OffsetPage) {
    const { group } = await this.iam.access.requireGroup(actor, ref);
    const readable = await this.permissions.readableProjectIdsWithinGroup(actor, group.id);
    return this.withAdminFlags(actor, await this.registry.listRepositories({ projectIds: readable }, page));
  }

  /** Search by image path across everything the caller can pull from. */
  async searchRepositories(actor: Actor | null, search: string | undefined, page: OffsetPage, extras: RepositoryExtras) {
    const projectIds = await this.permissions.visibleProjectIds(actor, ON_REST);
    return this.withAdminFlags(actor, await this.registry.listRepositories({ projectIds, search }, page, extras));
  }

  async repository(actor: Actor | null, id: number, extras: RepositoryExtras): Promise<ShownRepository> {
    const repository = await this.registry.findRepository(id);
    const { level } = await this.permissions.requireProjectById(actor, repository.projectId, 'read', () => ManagementError.notFound('Repository'));
    return { repository: await this.registry.describeRepository(repository, extras), canAdmin: canAdminRegistry(level) };
  }

  /** A page of tags, each with its `protection` for this caller (null when no rule covers it). */
  /** A page of tags, each with its `protection` for this caller (null when no rule covers it), and its details when asked. */
  async tags(actor: Actor | null, ref: ResourceRef, repositoryId: number, page: OffsetPage, listing: TagListing) {
    const { repository, level } = await this.projectRepositoryAndLevel(actor, ref, repositoryId, 'read');
    const found: TagPage<TagListItem | TagDetailsRecord> = listing.details
      ? await this.registry.listTags(repository, page, listing.name, listing.order, true)
      : await this.registry.listTags(repository, page, listing.name, listing.order);
    return { repository, items: await this.withProtection(actor, repository, level, found.items), total: found.total, more: found.more };
  }

  async tagsKeyset(actor: Actor | null, ref: ResourceRef, repositoryId: number, request: KeysetRequest) {
    const { repository, level } = await this.projectRepositoryAndLevel(actor, ref, repositoryId, 'read');
    const found = await this.registry.listTagsKeyset(repository.id, request);
    return { repository, items: await this.withProtection(actor, repository, level, found.items), next: found.next };
  }

  async tagDetails(actor: Actor | null, ref: ResourceRef, repositoryId: number, tag: string): Promise<{ repository: RepositoryRecord; details: TagDetailsRecord & Protected }> {
    const { repository, level } = await this.projectRepositoryAndLevel(actor, ref, repositoryId, 'read');
    const [details] = await this.withProtection(actor, repository, level, [await this.registry.tagDetails(repository.id, tag)]);
    return { repository, details };
  }

  /** Refused with the rule's words (403) when a protection rule covers the tag for this caller. */
  async deleteTag(actor: Actor | null, ref: ResourceRef, repositoryId: number, tag: string): Promise<void> {
    const { repository, level } = await this.projectRepositoryAndLevel(actor, ref, repositoryId, 'destroy');
    await this.registry.deleteTag(repository.id, tag, eventActorOf(actor), restProtectionAccessLevel(actor, level));
  }

  private async withProtection<T extends TagListItem>(actor: Actor | null, repository: RepositoryRecord, level: number, items: T[]): Promise<Array<T & Protected>> {
    const views = await this.protection.forTags(repository.projectId, repository.path, items.map((item) => item.name), restProtectionAccessLevel(actor, level));
    return items.map((item) => ({ ...item, protection: views.get(item.name) ?? null }));
  }

  /**
   * Marks the repository delete_scheduled, then (committed) enqueues the worker's delete. The row is what makes
   * it happen: with Redis down the request still answers, and the stranded-work requeuer queues the job later.
   */
  async deleteRepository(actor: Actor | null, ref: ResourceRef, repositoryId: number): Promise<void> {
    const { repository, level } = await this.projectRepositoryAndLevel(actor, ref, repositoryId, 'admin');
    await this.registry.scheduleRepositoryDelete(repository.id, eventActorOf(actor), restProtectionAccessLevel(actor, level));
    // One job per repository at a time; a finished or failed one from an earlier request must not swallow this one.
    const jobId = repositoryDeleteJobId(repository.id);
    await queueOrDefer(this.logger, `repository delete ${repository.id}`, async () => {
      await this.jobs.bounded(hasLiveJob(this.jobs.queue(JOB_QUEUE[JobName.DeleteRepository]), jobId), 'looking up a repository delete job');
      await this.jobs.enqueue(JobName.DeleteRepository, { repositoryId: repository.id, requestedBy: actor?.userId ?? null }, { jobId });
    });
  }

  /**
   * Validates synchronously (400 on a bad regex), takes GitLab's hourly lease (not enforced while Redis is
   * unavailable), records the request and hands it to the worker; a request whose job cannot be queued now is
   * queued by the stranded-work requeuer.
   */
  async bulkDeleteTags(actor: Actor | null, ref: ResourceRef, repositoryId: number, params: BulkDeleteTagsDto): Promise<void> {
    const { project, level } = await this.permissions.requireProject(actor, ref, 'read');
    const rules = bulkDeleteRules(params);
    const repository = await this.repositoryOf(project.id, repositoryId);
    if (!canAdminRegistry(level)) throw IamError.forbidden();
    if (!(await this.lease.tryObtain(repository.id))) throw ManagementError.badRequest(BULK_DELETE_REFUSED);
    let recorded;
    try {
      recorded = await this.registry.requestBulkDelete(repository.id, rules, actor?.userId ?? null, restProtectionAccessLevel(actor, level));
    } catch (error) {
      await this.lease.release(repository.id);
      throw error;
    }
    const { id: requestId } = recorded;
    await queueOrDefer(this.logger, `bulk tag delete ${requestId}`, () =>
      this.jobs.enqueue(JobName.BulkDeleteTags, { repositoryId: repository.id, params: rules, requestedBy: recorded.requestedBy, requestId }, { jobId: bulkDeleteJobId(requestId) }),
    );
  }

  async projectUsage(actor: Actor | null, ref: ResourceRef): Promise<RegistryUsage> {
    const { project } = await this.permissions.requireProject(actor, ref, 'read');
    return this.registry.usage([project.id]);
  }

  /** A group's registry usage covers every project below it, so it takes a Reporter of the group (who reads them all). */
  async groupUsage(actor: Actor | null, ref: ResourceRef): Promise<RegistryUsage> {
    const { group } = await this.iam.access.requireGroup(actor, ref, AccessLevel.REPORTER);
    return this.registry.usage(await this.iam.projects.idsWithinGroup(group.id));
  }

  /** The repository, if it belongs to the project and the caller may do `need` there. */
  async projectRepository(actor: Actor | null, ref: ResourceRef, repositoryId: number, need: RegistryNeed): Promise<RepositoryRecord> {
    return (await this.projectRepositoryAndLevel(actor, ref, repositoryId, need)).repository;
  }

  /** The repository and the caller's level in its project (for protection rules). */
  async projectRepositoryAndLevel(actor: Actor | null, ref: ResourceRef, repositoryId: number, need: RegistryNeed) {
    const { project, level } = await this.permissions.requireProject(actor, ref, need);
    return { repository: await this.repositoryOf(project.id, repositoryId), level };
  }

  private async repositoryOf(projectId: number, repositoryId: number): Promise<RepositoryRecord> {
    const repository = await this.registry.findRepository(repositoryId);
    if (repository.projectId !== projectId) throw ManagementError.notFound('Repository');
    return repository;
  }

  private async withAdminFlags(actor: Actor | null, page: { items: RepositoryView[]; total: number }): Promise<{ items: ShownRepository[]; total: number }> {
    const levels = await this.permissions.restLevels(actor, page.items.map((item) => item.projectId));
    return {
      items: page.items.map((repository) => ({ repository, canAdmin: canAdminRegistry(levels.get(repository.projectId) ?? 0) })),
      total: page.total,
    };
  }
}

/** Who asked, as registry events name them (never a secret). */
export function eventActorOf(actor: Actor | null): RegistryEventActor {
  if (!actor) return { kind: 'anonymous', id: null, name: null };
  const id = actor.kind === 'deploy_token' ? (actor.deployToken?.id ?? null) : actor.kind === 'job' ? (actor.job?.id ?? null) : actor.userId;
  return { kind: actor.kind, id, name: actor.username };
}
