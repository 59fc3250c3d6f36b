import { AccessLevel } from './domain/access-level';
import { Actor } from './domain/actor';
import { IamError } from './domain/iam-error';
import { PageRequest, Paged } from './data/paging';
import { ProjectRecord } from './data/project.repository';
import { AccessService, ResourceRef, viewerOf } from './access.service';
import { IamContext } from './iam-context';

/** GitLab's CI/CD job token inbound allowlist of a project: whose jobs may use their token on it. */
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
}
