import { EntityManager } from 'typeorm';
import { AccessLevel } from './domain/access-level';
import { Actor } from './domain/actor';
import { IamError } from './domain/iam-error';
import { authorOf, ChangeOrigin } from './audit/audit-trail';
import { DeletionRequestRepository } from './data/deletion-request.repository';
import { AccessService, requireAdmin, ResourceRef } from './access.service';
import { IamContext } from './iam-context';

/** What the worker has to delete after the request committed: one job per namespace tree, one per user. */
export interface DeletionWork {
  namespaceIds: number[];
  userId: number | null;
}

export const SOLE_OWNER_MESSAGE = 'User cannot be removed while is the sole owner of a group';

/**
 * `DELETE /groups/:id` and `DELETE /users/:id`, the request half: authorisation, then one transaction that marks
 * everything to delete (so nothing new can be pushed and no credential of a deleted user works) and writes the
 * audit row. The worker does the rest (NamespaceDeletionService in libs/registry): repositories through the
 * repository-delete path, then the rows.
 */
export class DeletionRequestService {
  private readonly requests = new DeletionRequestRepository();

  constructor(
    private readonly ctx: IamContext,
    private readonly access: AccessService,
  ) {}

  /** GitLab: Owners of the group (and administrators). */
  async requestGroupDelete(actor: Actor | null, ref: ResourceRef, origin: ChangeOrigin): Promise<DeletionWork> {
    const { group } = await this.access.requireGroup(actor, ref, AccessLevel.OWNER);
    const requester = actor!;
    return this.ctx.transaction(async (db) => {
      await this.requests.markNamespaceTree(db, group.id, requester.userId);
      await this.record(db, requester, 'group_deletion_requested', { type: 'Group', id: group.id, path: group.fullPath }, origin, {});
      return { namespaceIds: [group.id], userId: null };
    });
  }

  /**
   * GitLab: administrators only; 409 while the user is the sole Owner of a group unless `hard_delete`, which
   * deletes those groups too. The personal namespace's projects go with the user.
   */
  async requestUserDelete(actor: Actor | null, userId: number, hardDelete: boolean, origin: ChangeOrigin): Promise<DeletionWork> {
    const admin = requireAdmin(actor);
    const user = await this.ctx.users.findById(this.ctx.manager, userId);
    if (!user) throw IamError.notFound('User');
    return this.ctx.transaction(async (db) => {
      const soloOwned = await this.requests.soloOwnedGroupIds(db, userId);
      if (soloOwned.length > 0 && !hardDelete) throw IamError.conflict(SOLE_OWNER_MESSAGE);
      const personal = await this.ctx.namespaces.findUserNamespace(db, userId);
      const roots = [...(personal ? [personal.id] : []), ...soloOwned];
      for (const namespaceId of roots) await this.requests.markNamespaceTree(db, namespaceId, admin.userId);
      await this.requests.markUser(db, userId, admin.userId);
      await this.record(db, admin, 'user_deletion_requested', { type: 'User', id: userId, path: user.username }, origin, {
        hard_delete: hardDelete,
        groups_deleted: soloOwned,
      });
      return { namespaceIds: soloOwned, userId };
    });
  }

  /** Whether nothing may be created in this namespace any more (it or an ancestor is being deleted). */
  namespacePendingDelete(db: EntityManager, namespaceId: number): Promise<boolean> {
    return this.requests.namespacePendingDelete(db, namespaceId);
  }

  private record(
    db: EntityManager,
    actor: Actor,
    eventName: string,
    entity: { type: 'Group' | 'User'; id: number; path: string },
    origin: ChangeOrigin,
    details: Record<string, unknown>,
  ): Promise<void> {
    // In the transaction of the mark: the request is in the trail exactly when it took effect.
    return this.ctx.audit.append(db, {
      author: authorOf(actor),
      eventName,
      entity,
      target: { type: entity.type, id: entity.id, details: entity.path },
      details,
      ipAddress: origin.ipAddress,
    });
  }
}
