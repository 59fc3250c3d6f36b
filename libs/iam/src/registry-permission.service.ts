import { AccessLevel } from './domain/access-level';
import { Actor, RegistryAction } from './domain/actor';
import { candidateProjectPaths } from './domain/paths';
import { deployTokenActions, intersectActions, roleActions, scopeActions } from './domain/registry-actions';
import { VISIBILITIES, Visibility } from './domain/visibility';
import { AccessService, isSignedInUser } from './access.service';
import { IamContext } from './iam-context';
import { OwningProjectRecord } from './data/project.repository';

export interface RegistryPermission {
  projectId: number;
  actions: RegistryAction[];
}

/** What an actor may do on container images: the token service narrows JWT `access` claims with it. */
export class RegistryPermissionService {
  constructor(
    private readonly ctx: IamContext,
    private readonly access: AccessService,
  ) {}

  /**
   * The project owning the image path and the actions the actor may perform on it (possibly none);
   * null when no project owns the path (then nothing is allowed, not even a push that would create it).
   */
  async actionsFor(actor: Actor | null, repositoryPath: string): Promise<RegistryPermission | null> {
    const project = await this.ctx.projects.findOwning(this.ctx.manager, candidateProjectPaths(repositoryPath));
    if (!project) return null;
    const actions = await this.projectActions(actor, project);
    // A project being deleted (its group or owner is) still serves pulls until the worker removes it; nothing new goes in.
    return { projectId: project.id, actions: project.pendingDelete ? intersectActions(actions, ['pull']) : actions };
  }

  /** Projects whose images the actor may pull (catalog filtering); undefined means every project (administrators). */
  async visibleProjectIds(actor: Actor | null): Promise<number[] | undefined> {
    const db = this.ctx.manager;
    // A disabled registry is invisible to everyone; a private one only to its Reporters (and deploy tokens).
    if (actor === null) return this.ctx.projects.idsByVisibility(db, ['public'], ['enabled']);
    const disabled = new Set(await this.ctx.projects.idsWithRegistryDisabled(db));
    const withoutDisabled = (ids: number[]) => ids.filter((id) => !disabled.has(id));
    switch (actor.kind) {
      case 'deploy_token': {
        const token = actor.deployToken;
        if (!token || !deployTokenActions(actor.scopes ?? []).includes('pull')) return [];
        return withoutDisabled(token.projectId !== null ? [token.projectId] : await this.ctx.projects.idsWithinGroup(db, token.groupId!));
      }
      case 'job': {
        if (!actor.job) return [];
        const candidates = [actor.job.projectId, ...(await this.ctx.jobTokenScope.projectsAdmittingJobsOf(db, actor.job.projectId))];
        const visible: number[] = [];
        for (const id of candidates) {
          const project = await this.ctx.projects.findById(db, id);
          if (project && (await this.projectActions(actor, project)).includes('pull')) visible.push(id);
        }
        return visible;
      }
      case 'user': {
        if (!scopeActions(actor.scopes).includes('pull') || actor.userId === null) return [];
        if (actor.isAdmin) {
          return disabled.size === 0 ? undefined : this.ctx.projects.idsByVisibility(db, [...VISIBILITIES], ['enabled', 'private']);
        }
        const visibilities: Visibility[] = isSignedInUser(actor) ? ['public', 'internal'] : ['public'];
        const [open, internal, guestOf, reporterOf] = await Promise.all([
          this.ctx.projects.idsByVisibility(db, visibilities, ['enabled']),
          this.ctx.projects.idsByVisibility(db, ['internal'], ['enabled']),
          this.ctx.projects.memberProjectIds(db, actor.userId, AccessLevel.GUEST),
          this.ctx.projects.memberProjectIds(db, actor.userId, AccessLevel.REPORTER),
        ]);
        // Guests pull internal projects (bots included, as members); private ones take a Reporter.
        const guestSet = new Set(guestOf);
        const ids = new Set([...open, ...withoutDisabled(reporterOf), ...internal.filter((id) => guestSet.has(id))]);
        return [...ids].sort((a, b) => a - b);
      }
    }
  }

  private async projectActions(actor: Actor | null, project: Omit<OwningProjectRecord, 'pendingDelete'>): Promise<RegistryAction[]> {
    const db = this.ctx.manager;
    const registryAccess = project.containerRegistryAccessLevel;
    if (actor === null) return roleActions(AccessLevel.NO_ACCESS, project.visibility, false, registryAccess);
    switch (actor.kind) {
      case 'deploy_token': {
        const token = actor.deployToken;
        if (!token) return [];
        const covers =
          token.projectId !== null ? token.projectId === project.id : await this.ctx.namespaces.isWithin(db, project.namespaceId, token.groupId!);
        return covers ? deployTokenActions(actor.scopes ?? [], registryAccess) : [];
      }
      case 'job': {
        const job = actor.job;
        if (!job || !(await this.ctx.ciJobs.isActive(db, job.id))) return [];
        const own = job.projectId === project.id;
        if (!own && !(await this.ctx.jobTokenScope.admitsJobsOf(db, project.id, job.projectId))) return [];
        const level = await this.access.userProjectLevel(db, job.userId, project);
        const actions = roleActions(level, project.visibility, true, registryAccess);
        // Outside its own project a job token only pulls, as in GitLab.
        return own ? actions : intersectActions(actions, ['pull']);
      }
      case 'user': {
        if (actor.userId === null) return [];
        const level = actor.isAdmin ? AccessLevel.OWNER : await this.access.userProjectLevel(db, actor.userId, project);
        return intersectActions(roleActions(level, project.visibility, isSignedInUser(actor), registryAccess), scopeActions(actor.scopes));
      }
    }
  }
}
