import { AccessLevel } from './domain/access-level';
import { Actor } from './domain/actor';
import { IamError } from './domain/iam-error';
import { isValidPath, PATH_MESSAGE, pathFromName } from './domain/paths';
import { isMoreVisible, Visibility } from './domain/visibility';
import { PageRequest, Paged } from './data/paging';
import { ProjectFilter, ProjectOrder, ProjectRecord } from './data/project.repository';
import { AccessService, ResourceRef, requireUser, viewerOf } from './access.service';
import { IamContext } from './iam-context';

export interface NewProjectInput {
  name?: string;
  path?: string;
  /** Defaults to the actor's personal namespace. */
  namespaceId?: number;
  visibility?: Visibility;
  description?: string;
}

/** Projects, in a user's namespace or in a group. */
export class ProjectService {
  constructor(
    private readonly ctx: IamContext,
    private readonly access: AccessService,
  ) {}

  async create(actor: Actor | null, input: NewProjectInput): Promise<ProjectRecord> {
    const user = requireUser(actor);
    if (user.kind !== 'user') throw IamError.forbidden();
    if (!input.name && !input.path) throw IamError.invalid('name or path is required');
    const namespace =
      input.namespaceId !== undefined
        ? await this.ctx.namespaces.findById(this.ctx.manager, input.namespaceId)
        : await this.ctx.namespaces.findUserNamespace(this.ctx.manager, user.userId);
    if (!namespace) throw IamError.notFound('Namespace');
    if (namespace.kind === 'group') {
      // GitLab's default project creation level: Maintainers (and Owners) of the group.
      await this.access.requireGroup(user, namespace.id, AccessLevel.MAINTAINER);
    } else if (namespace.ownerId !== user.userId && !user.isAdmin) {
      throw IamError.notFound('Namespace');
    }
    const path = input.path ?? pathFromName(input.name!);
    if (!isValidPath(path)) throw IamError.invalid(PATH_MESSAGE, 'path');
    const visibility = input.visibility ?? 'private';
    if (namespace.kind === 'group' && isMoreVisible(visibility, namespace.visibility)) {
      throw IamError.invalid(`${visibility} is not allowed in a ${namespace.visibility} group.`, 'visibility_level');
    }
    const fullPath = `${namespace.fullPath}/${path}`;
    return this.ctx.transaction(async (db) => {
      await this.ctx.namespaces.lockPath(db, fullPath);
      if (await this.ctx.namespaces.pathTaken(db, fullPath)) throw IamError.invalid('has already been taken', 'path');
      const project = await this.ctx.projects.insert(db, {
        namespaceId: namespace.id,
        name: input.name ?? path,
        path,
        fullPath,
        description: input.description ?? '',
        visibility,
        creatorId: user.userId,
      });
      if (namespace.kind === 'user' && namespace.ownerId !== null) {
        // The namespace owner is the project's Owner; recording it lists them among the members, as GitLab does.
        await this.ctx.members.insert(db, { type: 'project', id: project.id, namespaceId: namespace.id }, {
          userId: namespace.ownerId,
          accessLevel: AccessLevel.OWNER,
          expiresAt: null,
          createdById: user.userId,
        });
      }
      return project;
    });
  }

  async get(actor: Actor | null, ref: ResourceRef): Promise<{ project: ProjectRecord; level: number }> {
    return this.access.requireProject(actor, ref);
  }

  async list(
    actor: Actor | null,
    filter: ProjectFilter,
    order: { by: ProjectOrder; desc: boolean },
    page: PageRequest,
  ): Promise<Paged<ProjectRecord>> {
    const viewer = viewerOf(actor);
    // Membership filters make no sense for anonymous callers; GitLab ignores them there too.
    const scoped = viewer.userId === null ? { ...filter, minAccessLevel: undefined } : filter;
    return this.ctx.projects.list(this.ctx.manager, viewer, scoped, order, page);
  }

  /**
   * The visible projects of a group (GitLab's GroupProjectsFinder): those directly in it, or in it and every
   * subgroup with `includeSubgroups`. A group the caller cannot see is NOT_FOUND.
   */
  async listInGroup(
    actor: Actor | null,
    groupRef: ResourceRef,
    filter: ProjectFilter & { includeSubgroups?: boolean },
    order: { by: ProjectOrder; desc: boolean },
    page: PageRequest,
  ): Promise<Paged<ProjectRecord>> {
    const { group } = await this.access.requireGroup(actor, groupRef);
    const { includeSubgroups, ...rest } = filter;
    const namespaceIds = includeSubgroups ? [group.id, ...(await this.ctx.namespaces.descendantIds(this.ctx.manager, group.id))] : [group.id];
    return this.list(actor, { ...rest, namespaceIds }, order, page);
  }

  /** Owners (and administrators) delete projects; the database cascades to members, tokens, jobs and repositories. */
  async delete(actor: Actor | null, ref: ResourceRef): Promise<void> {
    requireUser(actor);
    const { project } = await this.access.requireProject(actor, ref, AccessLevel.OWNER);
    await this.ctx.transaction((db) => this.ctx.projects.delete(db, project.id));
  }
}
