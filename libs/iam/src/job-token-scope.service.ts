import { AccessLevel } from './domain/access-level';
import { Actor } from './domain/actor';
import { IamError } from './domain/iam-error';
import { PageRequest, Paged } from './data/paging';
import { NamespaceRecord } from './data/namespace.repository';
import { ProjectRecord } from './data/project.repository';
import { AccessService, ResourceRef, viewerOf } from './access.service';
import { IamContext } from './iam-context';

/**
 * GitLab's CI/CD job token scope of a project: whose jobs may use their token on it. With "Limit access to this
 * project" (`inbound_enabled`) on, only its own jobs, those of allowlisted projects and those of projects inside
 * allowlisted groups (subgroups included); off, jobs of any project (still bounded by the job user's role).
 * RegistryPermissionService enforces it through JobTokenScopeRepository.admitsJobsOf.
 */
export class JobTokenScopeService {
  constructor(
    private readonly ctx: IamContext,
    private readonly access: AccessService,
  ) {}

  async list(actor: Actor | null, ref: ResourceRef, page: PageRequest): Promise<Paged<ProjectRecord>> {
    const { project } = await this.access.requireProject(actor, ref, AccessLevel.MAINTAINER);
    const targets = await this.ctx.jobTokenAllowlist.listTargets(this.ctx.manager, project.id, page);
    // The caller already holds Maintainer on the source, so the listed projects are loaded without a visibility filter.
    const unfiltered = { ...viewerOf(null), isAdmin: true };
    const projects = await this.ctx.projects.list(this.ctx.manager, unfiltered, { ids: targets.items }, { by: 'id', desc: false }, { limit: page.limit, offset: 0 });
    return { items: projects.items, total: targets.total };
  }

  async add(actor: Actor | null, ref: ResourceRef, targetProjectId: number): Promise<{ sourceProjectId: number; targetProjectId: number }> {
    const { project } = await this.access.requireProject(actor, ref, AccessLevel.MAINTAINER);
    // The caller must be able to see the project they let in.
    const { project: target } = await this.access.requireProject(actor, targetProjectId);
    if (!(await this.ctx.jobTokenAllowlist.add(this.ctx.manager, project.id, target.id))) {
      throw IamError.unprocessable('Target project is already in the job token scope');
    }
    return { sourceProjectId: project.id, targetProjectId: target.id };
  }

  async remove(actor: Actor | null, ref: ResourceRef, targetProjectId: number): Promise<void> {
    const { project } = await this.access.requireProject(actor, ref, AccessLevel.MAINTAINER);
    if (!(await this.ctx.jobTokenAllowlist.remove(this.ctx.manager, project.id, targetProjectId))) {
      throw IamError.invalid('Target project is not in the job token scope');
    }
  }

  /** `GET /projects/:id/job_token_scope`; the outbound scope is gone in GitLab 18 and always off here. */
  async settings(actor: Actor | null, ref: ResourceRef): Promise<{ inboundEnabled: boolean; outboundEnabled: false }> {
    const { project } = await this.access.requireProject(actor, ref, AccessLevel.MAINTAINER);
    return { inboundEnabled: await this.ctx.jobTokenScope.inboundEnabled(this.ctx.manager, project.id), outboundEnabled: false };
  }

  /** `PATCH /projects/:id/job_token_scope` with `enabled`. */
  async setInboundEnabled(actor: Actor | null, ref: ResourceRef, enabled: boolean): Promise<void> {
    const { project } = await this.access.requireProject(actor, ref, AccessLevel.MAINTAINER);
    await this.ctx.jobTokenScope.setInboundEnabled(this.ctx.manager, project.id, enabled);
  }

  async listGroups(actor: Actor | null, ref: ResourceRef, page: PageRequest): Promise<Paged<NamespaceRecord>> {
    const { project } = await this.access.requireProject(actor, ref, AccessLevel.MAINTAINER);
    const ids = await this.ctx.jobTokenScope.listGroups(this.ctx.manager, project.id, page);
    const groups: NamespaceRecord[] = [];
    for (const id of ids.items) {
      const group = await this.ctx.namespaces.findById(this.ctx.manager, id);
      if (group) groups.push(group);
    }
    return { items: groups, total: ids.total };
  }

  async addGroup(actor: Actor | null, ref: ResourceRef, targetGroupId: number): Promise<{ sourceProjectId: number; targetGroupId: number }> {
    const { project } = await this.access.requireProject(actor, ref, AccessLevel.MAINTAINER);
    // The caller must be able to see the group they let in.
    const { group } = await this.access.requireGroup(actor, targetGroupId);
    if (!(await this.ctx.jobTokenScope.addGroup(this.ctx.manager, project.id, group.id))) {
      throw IamError.unprocessable('Target group is already in the job token scope');
    }
    return { sourceProjectId: project.id, targetGroupId: group.id };
  }

  async removeGroup(actor: Actor | null, ref: ResourceRef, targetGroupId: number): Promise<void> {
    const { project } = await this.access.requireProject(actor, ref, AccessLevel.MAINTAINER);
    if (!(await this.ctx.jobTokenScope.removeGroup(this.ctx.manager, project.id, targetGroupId))) {
      throw IamError.invalid('Target group is not in the job token scope');
    }
  }
}
