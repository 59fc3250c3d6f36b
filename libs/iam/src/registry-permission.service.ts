import { AccessLevel } from './domain/access-level';
import { protectionAccessLevel } from './domain/protection-access-level';
import { Actor, RegistryAction } from './domain/actor';
import { IamError } from './domain/iam-error';
import { candidateProjectPaths } from './domain/paths';
import {
  effectiveRegistryAccess,
  isSignedInUser,
  ON_REGISTRY,
  ON_REST,
  ProjectAccess,
  ProjectAccessFacts,
  RegistryAccessOptions,
  RegistryNeed,
  restLevelSource,
  restRegistryAllows,
} from './domain/project-access';
import { deployTokenActions, scopeActions } from './domain/registry-actions';
import { parsePullThroughPath, pullThroughScopeAllows, PullThroughPath } from './domain/pull-through-paths';
import { VISIBILITIES, Visibility } from './domain/visibility';
import { AccessService, ResourceRef } from './access.service';
import { IamContext } from './iam-context';
import { AccessSubject, ProjectSelector } from './data/project-access.repository';
import { ProjectRecord } from './data/project.repository';

export interface RegistryPermission {
  projectId: number;
  actions: RegistryAction[];
}

/**
 * The one place that decides what a caller may do to a project's container registry, whatever the door: `/v2/`
 * (through the token service, which narrows JWT `access` claims with effectiveAccess), the REST API (registry
 * management, cleanup policies, events) and the web UI. Every credential is handled here: users (administrators
 * bypass roles), personal access tokens (scopes), project and group access tokens (their bot's role), deploy tokens
 * (their scopes, on the projects they cover) and CI job tokens (the job token scope allowlist).
 *
 * Decisions are pure functions (domain/project-access.ts) of facts read in one statement per call, for one project
 * or a whole list (ProjectAccessRepository), so list endpoints never query per project.
 */
export class RegistryPermissionService {
  constructor(
    private readonly ctx: IamContext,
    private readonly access: AccessService,
  ) {}

  /**
   * The caller's effective access to the project owning the image path, or null when no project owns it (then nothing
   * is allowed, not even a push that would create it). This is "the effective role of this credential in this
   * project" for rules that compare roles, such as protected tags: `role` is the AccessLevel the credential acts with
   * (users: their membership, Owner for administrators; project and group access tokens: their bot's; deploy tokens:
   * Developer on the projects they cover; CI job tokens: their starter's, at most Developer; anonymous: 0), `isAdmin`
   * says an administrator's own credential (the bypass), `credential` how the caller authenticated, and `actions`
   * what it may do on `/v2/` now (role, visibility, container_registry_access_level, token scopes, pending deletion).
   * One query. `options` default to `/v2/`'s: token scopes apply.
   */
  async effectiveAccess(actor: Actor | null, repositoryPath: string, options: RegistryAccessOptions = ON_REGISTRY): Promise<ProjectAccess | null> {
    const [access] = await this.decide(actor, { owningOneOf: candidateProjectPaths(repositoryPath) }, options);
    return access ?? null;
  }

  /** As effectiveAccess, for a project by id; null when there is no such project. One query. */
  async effectiveAccessToProject(actor: Actor | null, projectId: number, options: RegistryAccessOptions = ON_REGISTRY): Promise<ProjectAccess | null> {
    return (await this.effectiveAccessToProjects(actor, [projectId], options)).get(projectId) ?? null;
  }

  /** As effectiveAccess, for each of the projects (missing ones are left out), in one query. */
  async effectiveAccessToProjects(actor: Actor | null, projectIds: number[], options: RegistryAccessOptions = ON_REGISTRY): Promise<Map<number, ProjectAccess>> {
    const decided = await this.decide(actor, { ids: [...new Set(projectIds)] }, options);
    return new Map(decided.map((access) => [access.projectId, access]));
  }

  /**
   * What the caller may do on a pull-through path (pullThroughActions), else on the project owning the image path
   * (effectiveAccess). For the token service: one answer for every repository name a client may ask about.
   */
  async registryActionsFor(actor: Actor | null, repositoryPath: string): Promise<RegistryAction[]> {
    return (await this.registryGrantFor(actor, repositoryPath)).actions;
  }

  /**
   * As registryActionsFor, with the level protection rules compare on the owning project (protectionAccessLevel;
   * null on pull-through paths, which take no pushes), which the token carries as `access[].meta.access_level`.
   */
  async registryGrantFor(actor: Actor | null, repositoryPath: string): Promise<{ actions: RegistryAction[]; protectionLevel: number | null }> {
    const pullThrough = parsePullThroughPath(repositoryPath);
    if (pullThrough) return { actions: await this.pullThroughActions(actor, pullThrough), protectionLevel: null };
    const access = await this.effectiveAccess(actor, repositoryPath);
    return { actions: access?.actions ?? [], protectionLevel: access ? protectionAccessLevel(access) : null };
  }

  /**
   * Pulls through a virtual registry or a group's dependency proxy (GitLab): pull only, for members with Guest or
   * above of the top-level group (users and group access tokens, with read_registry, read_virtual_registry or api),
   * that group's own deploy tokens (read_registry or read_virtual_registry) and CI job tokens of its projects.
   * Anonymous callers never pull through the cache, whatever the group's visibility.
   */
  async pullThroughActions(actor: Actor | null, path: PullThroughPath): Promise<RegistryAction[]> {
    if (!actor) return [];
    const db = this.ctx.manager;
    const groupId =
      path.kind === 'virtual_registry'
        ? await this.ctx.pullThroughAccess.groupOfVirtualRegistry(db, path.registryId)
        : await this.ctx.pullThroughAccess.topLevelGroupByPath(db, path.groupPath);
    if (groupId === null) return [];
    switch (actor.kind) {
      case 'deploy_token': {
        const scopes = actor.scopes ?? [];
        return actor.deployToken?.groupId === groupId && (scopes.includes('read_registry') || scopes.includes('read_virtual_registry')) ? ['pull'] : [];
      }
      case 'job':
        return actor.job && (await this.ctx.pullThroughAccess.projectWithinGroup(db, actor.job.projectId, groupId)) ? ['pull'] : [];
      case 'user': {
        if (!pullThroughScopeAllows(actor.scopes)) return [];
        const group = await this.access.findGroup(groupId);
        return group && (await this.access.groupLevel(actor, group)) >= AccessLevel.GUEST ? ['pull'] : [];
      }
    }
  }

  /** The owning project of the image path and what the caller may do on it on `/v2/` (effectiveAccess, narrowed). */
  async actionsFor(actor: Actor | null, repositoryPath: string): Promise<RegistryPermission | null> {
    const access = await this.effectiveAccess(actor, repositoryPath);
    return access && { projectId: access.projectId, actions: access.actions };
  }

  /**
   * Projects whose images the caller may pull (catalog and search filtering); undefined means every project
   * (administrators, while no registry is disabled). Set-based: a few queries whatever the number of projects.
   */
  async visibleProjectIds(actor: Actor | null, options: RegistryAccessOptions = ON_REGISTRY): Promise<number[] | undefined> {
    const db = this.ctx.manager;
    // A disabled registry is invisible to everyone; a private one only to its Reporters (and deploy tokens).
    if (actor === null) return this.ctx.projects.idsByVisibility(db, ['public'], ['enabled']);
    switch (actor.kind) {
      case 'deploy_token': {
        const token = actor.deployToken;
        if (!token || !deployTokenActions(actor.scopes ?? []).includes('pull')) return [];
        const disabled = new Set(await this.ctx.projects.idsWithRegistryDisabled(db));
        const covered = token.projectId !== null ? [token.projectId] : await this.ctx.projects.idsWithinGroup(db, token.groupId!);
        return covered.filter((id) => !disabled.has(id));
      }
      case 'job': {
        if (!actor.job) return [];
        const candidates = [actor.job.projectId, ...(await this.ctx.jobTokenScope.projectsAdmittingJobsOf(db, actor.job.projectId))];
        const access = await this.effectiveAccessToProjects(actor, candidates, options);
        return candidates.filter((id) => access.get(id)?.actions.includes('pull'));
      }
      case 'user': {
        if ((options.applyTokenScopes && !scopeActions(actor.scopes).includes('pull')) || actor.userId === null) return [];
        const disabled = new Set(await this.ctx.projects.idsWithRegistryDisabled(db));
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
        const ids = new Set([...open, ...reporterOf.filter((id) => !disabled.has(id)), ...internal.filter((id) => guestSet.has(id))]);
        return [...ids].sort((a, b) => a - b);
      }
    }
  }

  /** Projects of the group and its subgroups whose images the REST caller may list (group repositories), in one query. */
  async readableProjectIdsWithinGroup(actor: Actor | null, groupId: number): Promise<number[]> {
    const decided = await this.decide(actor, { withinGroup: groupId }, ON_REST);
    return decided.filter((access) => access.actions.includes('pull')).map((access) => access.projectId);
  }

  /**
   * Projects the user is a member of and may pull from (GitLab's `GET /events?scope=all`): Reporter and up (unless
   * the registry is disabled), or Guest of a public or internal project whose registry is `enabled`.
   */
  async pullableMemberProjectIds(userId: number): Promise<number[]> {
    const db = this.ctx.manager;
    const [reporter, guest, open, disabled] = await Promise.all([
      this.ctx.projects.memberProjectIds(db, userId, AccessLevel.REPORTER),
      this.ctx.projects.memberProjectIds(db, userId, AccessLevel.GUEST),
      this.ctx.projects.idsByVisibility(db, ['public', 'internal'], ['enabled']),
      this.ctx.projects.idsWithRegistryDisabled(db),
    ]);
    const openSet = new Set(open);
    const disabledSet = new Set(disabled);
    return [...new Set([...reporter.filter((id) => !disabledSet.has(id)), ...guest.filter((id) => openSet.has(id))])];
  }

  /**
   * For the REST API: the project, if the caller may see it (NOT_FOUND otherwise) and may do `need` to its registry
   * (FORBIDDEN otherwise), with the caller's REST level on it (AccessService.projectLevel).
   */
  async requireProject(actor: Actor | null, ref: ResourceRef, need: RegistryNeed): Promise<{ project: ProjectRecord; level: number }> {
    const { project, level } = await this.access.requireProject(actor, ref);
    if (!restRegistryAllows(actor, project, level, need)) throw IamError.forbidden();
    return { project, level };
  }

  /** As requireProject, for routes that start from a repository id: a project the caller cannot see is `notFound()`. */
  async requireProjectById(actor: Actor | null, projectId: number, need: RegistryNeed, notFound: () => Error): Promise<{ project: ProjectRecord; level: number }> {
    const project = await this.access.findProject(projectId);
    if (!project) throw notFound();
    const level = await this.access.projectLevel(actor, project);
    if (!(await this.access.canReadProject(actor, project, level))) throw notFound();
    if (!restRegistryAllows(actor, project, level, need)) throw IamError.forbidden();
    return { project, level };
  }

  /** The REST caller's level (AccessService.projectLevel) on each of the projects, in at most one query. */
  async restLevels(actor: Actor | null, projectIds: number[]): Promise<Map<number, number>> {
    const ids = [...new Set(projectIds)];
    const levels = new Map<number, number>(ids.map((id) => [id, AccessLevel.NO_ACCESS]));
    const counted = ids.filter((id) => restLevelSource(actor, id).kind !== 'none');
    for (const facts of await this.factsFor(actor, { ids: counted })) {
      levels.set(facts.projectId, restLevelSource(actor, facts.projectId).kind === 'admin' ? AccessLevel.OWNER : facts.userLevel);
    }
    return levels;
  }

  private async decide(actor: Actor | null, selector: ProjectSelector, options: RegistryAccessOptions): Promise<ProjectAccess[]> {
    return (await this.factsFor(actor, selector)).map((facts) => effectiveRegistryAccess(actor, facts, options));
  }

  private factsFor(actor: Actor | null, selector: ProjectSelector): Promise<ProjectAccessFacts[]> {
    return this.ctx.projectAccess.facts(this.ctx.manager, selector, subjectOf(actor));
  }
}

function subjectOf(actor: Actor | null): AccessSubject {
  if (!actor) return { userId: null };
  switch (actor.kind) {
    case 'deploy_token':
      return { userId: null, deployToken: actor.deployToken };
    case 'job':
      return { userId: actor.job?.userId ?? null, job: actor.job && { id: actor.job.id, projectId: actor.job.projectId } };
    case 'user':
      return { userId: actor.userId };
  }
}
