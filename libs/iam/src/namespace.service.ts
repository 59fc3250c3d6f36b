import { AccessLevel } from './domain/access-level';
import { Actor } from './domain/actor';
import { IamError } from './domain/iam-error';
import { NamespaceCounts, NamespaceRecord } from './data/namespace.repository';
import { PageRequest, Paged } from './data/paging';
import { AccessService, ResourceRef, requireUser } from './access.service';
import { IamContext } from './iam-context';

/** A namespace as the caller may see it; `counts` only for those who administer it (GitLab's admin_namespace). */
export interface NamespaceView {
  namespace: NamespaceRecord;
  counts: NamespaceCounts | null;
}

/**
 * GitLab's namespaces API: users' personal namespaces and groups in one list. A user sees their own namespace and
 * the groups they are a member of; administrators see every namespace.
 */
export class NamespaceService {
  constructor(
    private readonly ctx: IamContext,
    private readonly access: AccessService,
  ) {}

  async list(actor: Actor | null, filter: { search?: string; ownedOnly?: boolean }, page: PageRequest): Promise<Paged<NamespaceView>> {
    const user = requireUser(actor);
    const listed = await this.ctx.namespaces.listNamespaces(this.ctx.manager, { userId: user.isAdmin ? null : user.userId, ...filter }, page);
    const items: NamespaceView[] = [];
    for (const namespace of listed.items) items.push(await this.view(user, namespace));
    return { items, total: listed.total };
  }

  /**
   * By id or full path. GitLab's `read_namespace_via_membership`: the owner of a personal namespace, any member of a
   * group (inherited membership counts), administrators. Anything else reads as not found.
   */
  async get(actor: Actor | null, ref: ResourceRef): Promise<NamespaceView> {
    const user = requireUser(actor);
    const id = typeof ref === 'number' ? ref : null;
    const namespace = id !== null ? await this.ctx.namespaces.findById(this.ctx.manager, id) : await this.ctx.namespaces.findByFullPath(this.ctx.manager, ref as string);
    if (!namespace || !(await this.isMember(user, namespace))) throw IamError.notFound('Namespace');
    return this.view(user, namespace);
  }

  private async isMember(actor: Actor, namespace: NamespaceRecord): Promise<boolean> {
    if (actor.isAdmin && actor.kind === 'user') return true;
    if (namespace.kind === 'user') return namespace.ownerId === actor.userId;
    return (await this.access.groupLevel(actor, namespace)) >= AccessLevel.GUEST;
  }

  private async view(actor: Actor, namespace: NamespaceRecord): Promise<NamespaceView> {
    const administers =
      (actor.isAdmin && actor.kind === 'user') ||
      (namespace.kind === 'user' ? namespace.ownerId === actor.userId : (await this.access.groupLevel(actor, namespace)) >= AccessLevel.OWNER);
    return { namespace, counts: administers ? await this.ctx.namespaces.counts(this.ctx.manager, namespace.id) : null };
  }
}
