import { EntityManager } from 'typeorm';
import { AccessLevel } from './domain/access-level';
import { Actor } from './domain/actor';
import { IamError } from './domain/iam-error';
import { isValidPath, PATH_MESSAGE, pathFromName } from './domain/paths';
import { RegistryAccessLevel } from './domain/registry-access-level';
import { isMoreVisible, Visibility } from './domain/visibility';
import { PageRequest, Paged } from './data/paging';
import { ProjectChanges, ProjectFilter, ProjectOrder, ProjectRecord } from './data/project.repository';
import { AccessService, ResourceRef, requireUser, viewerOf } from './access.service';
import { IamContext } from './iam-context';

export interface NewProjectInput {
  name?: string;
  path?: string;
  /** Defaults to the actor's personal namespace. */
  namespaceId?: number;
  visibility?: Visibility;
  description?: string;
  containerRegistryAccessLevel?: RegistryAccessLevel;
}

/** GitLab's editable project attributes (PUT /projects/:id); absent ones stay as they are. */
export interface ProjectEdit {
  name?: string;
  path?: string;
  description?: string;
  visibility?: Visibility;
  containerRegistryAccessLevel?: RegistryAccessLevel;
}

/** GitLab's wording (Projects::UpdateService) for a path change refused because of registry images. */
export const RENAME_WITH_REGISTRY_MESSAGE = 'Cannot rename project because it contains container registry tags!';

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
        containerRegistryAccessLevel: input.containerRegistryAccessLevel,
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

  /**
   * GitLab's project edit. Maintainers edit; renaming (`name`) and `visibility` take an Owner, as GitLab's
   * rename_project and change_visibility_level abilities. A project whose registry holds repositories keeps its
   * path: the images are stored under it (GitLab's rule; see docs/api.md).
   */
  async update(actor: Actor | null, ref: ResourceRef, edit: ProjectEdit): Promise<{ project: ProjectRecord; level: number }> {
    requireUser(actor);
    const { project, level } = await this.access.requireProject(actor, ref, AccessLevel.MAINTAINER);
    if ((edit.name !== undefined || edit.visibility !== undefined) && level < AccessLevel.OWNER) throw IamError.forbidden();
    if (edit.path !== undefined && !isValidPath(edit.path)) throw IamError.invalid(PATH_MESSAGE, 'path');
    if (edit.name !== undefined && edit.name.trim() === '') throw IamError.invalid("can't be blank", 'name');
    if (edit.visibility !== undefined && project.namespace.kind === 'group') {
      const group = await this.ctx.namespaces.findById(this.ctx.manager, project.namespaceId);
      if (group && isMoreVisible(edit.visibility, group.visibility)) {
        throw IamError.invalid(`${edit.visibility} is not allowed in a ${group.visibility} group.`, 'visibility_level');
      }
    }
    const changes: ProjectChanges = {
      name: edit.name,
      description: edit.description,
      visibility: edit.visibility,
      containerRegistryAccessLevel: edit.containerRegistryAccessLevel,
    };
    const renaming = edit.path !== undefined && edit.path !== project.path;
    await this.ctx.transaction(async (db) => {
      await this.ctx.projects.lockForUpdate(db, project.id);
      if (renaming) {
        const fullPath = `${project.namespace.fullPath}/${edit.path}`;
        if (await this.ctx.projects.hasContainerRepositories(db, project.id)) throw IamError.invalid(RENAME_WITH_REGISTRY_MESSAGE, 'base');
        await this.ctx.namespaces.lockPath(db, fullPath);
        if (await this.ctx.namespaces.pathTaken(db, fullPath)) throw IamError.invalid('has already been taken', 'path');
        Object.assign(changes, { path: edit.path, fullPath });
      }
      await this.ctx.projects.update(db, project.id, changes);
    });
    return { project: (await this.ctx.projects.findById(this.ctx.manager, project.id))!, level };
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

  /** Ids of every project in the group and its subgroups, whoever may see them (the caller has checked the group). */
  async idsWithinGroup(groupId: number): Promise<number[]> {
    return this.ctx.projects.idsWithinGroup(this.ctx.manager, groupId);
  }

  /**
   * Owners (and administrators) delete projects; the database cascades to members, tokens, jobs and repositories.
   * `beforeDelete` runs in the same transaction once the caller is authorised, before the rows go (the registry
   * queues the project's blobs for GC review there).
   */
  async delete(actor: Actor | null, ref: ResourceRef, beforeDelete?: (db: EntityManager, projectId: number) => Promise<void>): Promise<void> {
    requireUser(actor);
    const { project } = await this.access.requireProject(actor, ref, AccessLevel.OWNER);
    await this.ctx.transaction(async (db) => {
      await beforeDelete?.(db, project.id);
      await this.ctx.projects.delete(db, project.id);
    });
  }
}
