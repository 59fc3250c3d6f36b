import { Injectable } from '@nestjs/common';
import { AccessLevel, Actor, IamError, IamServices, isSignedInUser, NamespaceRecord, ProjectRecord, ResourceRef, roleActions } from '@cargohold/iam';

/**
 * What the management API asks of a project's registry, as GitLab's abilities name them:
 * `read` = read_container_image (pull: Reporter, or anyone who sees a public/internal project),
 * `destroy` = destroy_container_image (single tag delete: Developer), `admin` = admin_container_image
 * (repository delete, bulk delete: Maintainer).
 */
export type RegistryNeed = 'read' | 'destroy' | 'admin';

const NEED_LEVEL: Record<Exclude<RegistryNeed, 'read'>, number> = { destroy: AccessLevel.DEVELOPER, admin: AccessLevel.MAINTAINER };

export interface ProjectAccess {
  project: ProjectRecord;
  level: number;
}

/**
 * Roles for the registry management API, over the identity services. Token scopes (api/read_api) were already
 * checked by RestAuthGuard; roles and visibility are decided here. A project the caller cannot see is 404,
 * one they see but may not act on is 403.
 */
@Injectable()
export class RegistryAccess {
  constructor(private readonly iam: IamServices) {}

  async project(actor: Actor | null, ref: ResourceRef, need: RegistryNeed): Promise<ProjectAccess> {
    const { project, level } = await this.iam.access.requireProject(actor, ref);
    this.check(actor, project, level, need);
    return { project, level };
  }

  /** For routes that start from a repository id: an invisible project reads as a missing repository. */
  async projectById(actor: Actor | null, projectId: number, need: RegistryNeed, notFound: () => Error): Promise<ProjectAccess> {
    const project = await this.iam.access.findProject(projectId);
    if (!project) throw notFound();
    const level = await this.iam.access.projectLevel(actor, project);
    if (!(await this.iam.access.canReadProject(actor, project, level))) throw notFound();
    this.check(actor, project, level, need);
    return { project, level };
  }

  async group(actor: Actor | null, ref: ResourceRef, minLevel = 0): Promise<{ group: NamespaceRecord; level: number }> {
    return this.iam.access.requireGroup(actor, ref, minLevel);
  }

  /** Maintainers (and above) see `delete_api_path` and may delete repositories. */
  canAdmin(level: number): boolean {
    return level >= AccessLevel.MAINTAINER;
  }

  /** The caller's level on each of the projects (for per-item `delete_api_path` in cross-project listings). */
  async levels(actor: Actor | null, projectIds: number[]): Promise<Map<number, number>> {
    const levels = new Map<number, number>();
    for (const id of new Set(projectIds)) {
      const project = await this.iam.access.findProject(id);
      levels.set(id, project ? await this.iam.access.projectLevel(actor, project) : AccessLevel.NO_ACCESS);
    }
    return levels;
  }

  /**
   * Projects whose images the caller may pull, as the /v2/ catalog computes them; undefined = all (admins).
   * Registry scopes do not apply on /api/v4 (api/read_api were checked already), hence `scopes: null`.
   */
  async readableProjectIds(actor: Actor | null): Promise<number[] | undefined> {
    return this.iam.registryPermissions.visibleProjectIds(actor && { ...actor, scopes: null });
  }

  async projectIdsWithinGroup(groupId: number): Promise<number[]> {
    return this.iam.ctx.projects.idsWithinGroup(this.iam.ctx.manager, groupId);
  }

  private check(actor: Actor | null, project: ProjectRecord, level: number, need: RegistryNeed): void {
    // A disabled registry, or a private one for a non-Reporter, is GitLab's 403 on read_container_image.
    if (!roleActions(level, project.visibility, isSignedInUser(actor), project.containerRegistryAccessLevel).includes('pull')) {
      throw IamError.forbidden();
    }
    if (need !== 'read' && level < NEED_LEVEL[need]) throw IamError.forbidden();
  }
}
