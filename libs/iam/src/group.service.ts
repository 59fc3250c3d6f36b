import { AccessLevel } from './domain/access-level';
import { Actor } from './domain/actor';
import { IamError } from './domain/iam-error';
import { isValidPath, PATH_MESSAGE, pathFromName } from './domain/paths';
import { isMoreVisible, Visibility } from './domain/visibility';
import { GroupFilter, NamespaceRecord } from './data/namespace.repository';
import { PageRequest, Paged } from './data/paging';
import { AccessService, ResourceRef, requireUser, viewerOf } from './access.service';
import { IamContext } from './iam-context';

export interface NewGroupInput {
  name: string;
  path?: string;
  parentId?: number | null;
  visibility?: Visibility;
  description?: string;
}

/** Groups and nested subgroups. */
export class GroupService {
  constructor(
    private readonly ctx: IamContext,
    private readonly access: AccessService,
  ) {}

  async create(actor: Actor | null, input: NewGroupInput): Promise<NamespaceRecord> {
    const user = requireUser(actor);
    if (user.kind !== 'user' || user.isBot) throw IamError.forbidden();
    // GitLab's default: Maintainers of a group may create subgroups in it.
    const parent = input.parentId != null ? (await this.access.requireGroup(user, input.parentId, AccessLevel.MAINTAINER)).group : null;
    const path = input.path ?? pathFromName(input.name);
    if (!isValidPath(path)) throw IamError.invalid(PATH_MESSAGE, 'path');
    const visibility = input.visibility ?? 'private';
    if (parent && isMoreVisible(visibility, parent.visibility)) {
      throw IamError.invalid(`${visibility} is not allowed since the parent group has a ${parent.visibility} visibility.`, 'visibility_level');
    }
    const fullPath = parent ? `${parent.fullPath}/${path}` : path;
    return this.ctx.transaction(async (db) => {
      await this.ctx.namespaces.lockPath(db, fullPath);
      if (await this.ctx.namespaces.pathTaken(db, fullPath)) throw IamError.invalid('has already been taken', 'path');
      const group = await this.ctx.namespaces.insert(db, {
        kind: 'group',
        name: input.name,
        path,
        fullPath,
        parentId: parent?.id ?? null,
        ownerId: null,
        visibility,
        description: input.description ?? '',
      });
      // The creator owns the new group, as in GitLab (administrators included).
      await this.ctx.members.insert(db, { type: 'group', id: group.id }, { userId: user.userId, accessLevel: AccessLevel.OWNER, expiresAt: null, createdById: user.userId });
      return group;
    });
  }

  async get(actor: Actor | null, ref: ResourceRef): Promise<NamespaceRecord> {
    return (await this.access.requireGroup(actor, ref)).group;
  }

  async list(actor: Actor | null, filter: GroupFilter, page: PageRequest): Promise<Paged<NamespaceRecord>> {
    return this.ctx.namespaces.listGroups(this.ctx.manager, viewerOf(actor), filter, page);
  }

  /** Every visible group below this one, at any depth (GitLab's descendant_groups). */
  async descendants(actor: Actor | null, ref: ResourceRef, filter: GroupFilter, page: PageRequest): Promise<Paged<NamespaceRecord>> {
    const { group } = await this.access.requireGroup(actor, ref);
    const ids = await this.ctx.namespaces.descendantIds(this.ctx.manager, group.id);
    return this.ctx.namespaces.listGroups(this.ctx.manager, viewerOf(actor), { ...filter, ids, topLevelOnly: false }, page);
  }

  async subgroups(actor: Actor | null, ref: ResourceRef, filter: GroupFilter, page: PageRequest): Promise<Paged<NamespaceRecord>> {
    const { group } = await this.access.requireGroup(actor, ref);
    return this.ctx.namespaces.listGroups(this.ctx.manager, viewerOf(actor), { ...filter, parentId: group.id, topLevelOnly: false }, page);
  }
}
