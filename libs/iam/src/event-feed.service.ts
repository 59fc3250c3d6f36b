import { Actor } from './domain/actor';
import { EventAction, EventTargetType, registryEventNames } from './domain/event-actions';
import { restRegistryAllows } from './domain/project-access';
import { AuditEventRecord, AuditEventRepository } from './audit/audit-event.repository';
import { UserRecord } from './data/user.repository';
import { PageRequest, Paged } from './data/paging';
import { AccessService, ResourceRef, requireUser } from './access.service';
import { IamContext } from './iam-context';
import { RegistryPermissionService } from './registry-permission.service';

export interface EventQuery {
  action?: EventAction;
  targetType?: EventTargetType;
  /** YYYY-MM-DD */
  before?: string;
  /** YYYY-MM-DD */
  after?: string;
  sort?: 'asc' | 'desc';
  /** `all`: every event of the caller's projects, not only their own (GitLab's `scope=all` on `GET /events`). */
  scope?: 'all';
}

/** One event of the feed with its author's user row (null for deploy tokens and anonymous authors, or a deleted user). */
export interface FeedEvent {
  event: AuditEventRecord;
  author: UserRecord | null;
}

/**
 * GitLab's events API over the registry events the audit trail already holds (pushes and deletes): the caller's
 * own events, or a project's. Only events the caller could have seen happen are listed: those of projects whose
 * registry they may pull from (GitLab shows push events to those who may download the code).
 */
export class EventFeedService {
  private readonly trail = new AuditEventRepository();

  constructor(
    private readonly ctx: IamContext,
    private readonly access: AccessService,
    private readonly permissions: RegistryPermissionService,
  ) {}

  /** `GET /events`: what the caller did, or with `scope=all` what happened in the projects they may pull from as a member. */
  async ofCurrentUser(actor: Actor | null, query: EventQuery, page: PageRequest): Promise<Paged<FeedEvent>> {
    const user = requireUser(actor);
    const scope = query.scope === 'all' ? { projectIds: await this.permissions.pullableMemberProjectIds(user.userId) } : { authorId: user.userId };
    return this.feed(query, scope, page);
  }

  /** `GET /projects/:id/events`: a project the caller cannot see is NOT_FOUND; one whose registry they may not pull from has no visible events. */
  async ofProject(actor: Actor | null, ref: ResourceRef, query: EventQuery, page: PageRequest): Promise<Paged<FeedEvent>> {
    const { project, level } = await this.access.requireProject(actor, ref);
    if (!restRegistryAllows(actor, project, level, 'read')) return { items: [], total: 0 };
    return this.feed(query, { projectIds: [project.id] }, page);
  }

  private async feed(query: EventQuery, scope: { authorId?: number; projectIds?: number[] }, page: PageRequest): Promise<Paged<FeedEvent>> {
    // Registry events have no GitLab target type, as GitLab's push events have none: a target filter matches nothing.
    const eventNames = query.targetType ? [] : registryEventNames(query.action);
    if (eventNames.length === 0 || scope.projectIds?.length === 0) return { items: [], total: 0 };
    const events = await this.trail.feed(
      this.ctx.manager,
      { eventNames, ...scope, before: query.before, after: query.after, sort: query.sort ?? 'desc' },
      page,
    );
    const authorIds = [...new Set(events.items.map((event) => event.authorId).filter((id): id is number => id !== null))];
    const authors = new Map((await this.ctx.users.findByIds(this.ctx.manager, authorIds)).map((user) => [user.id, user]));
    return { items: events.items.map((event) => ({ event, author: event.authorId === null ? null : (authors.get(event.authorId) ?? null) })), total: events.total };
  }
}
