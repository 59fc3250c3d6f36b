import { EntityManager } from 'typeorm';
import { AccessLevel } from './domain/access-level';
import { Actor } from './domain/actor';
import { IamError } from './domain/iam-error';
import { isSignedInUser, restLevelSource } from './domain/project-access';
import { MemberSource } from './data/member.repository';
import { NamespaceRecord, Viewer } from './data/namespace.repository';
import { ProjectRecord } from './data/project.repository';
import { IamContext } from './iam-context';

/** A project or group as the REST API names it: numeric id, or full path. */
export type ResourceRef = number | string;

export function projectSource(project: ProjectRecord): MemberSource {
  return { type: 'project', id: project.id, namespaceId: project.namespaceId };
}

export function groupSource(group: NamespaceRecord): MemberSource {
  return { type: 'group', id: group.id };
}

export function viewerOf(actor: Actor | null): Viewer {
  // A job acts for its user, but only on its own project: it gets no listing powers of its own.
  const person = actor?.kind === 'user' ? actor : null;
  return { userId: person?.userId ?? null, isAdmin: person?.isAdmin ?? false, signedIn: isSignedInUser(actor) };
}

/**
 * Roles and visibility for the REST API: who may see a project or group, and at which level they act.
 * Hidden resources are reported as not found, so their existence does not leak.
 */
export class AccessService {
  constructor(private readonly ctx: IamContext) {}

  async findProject(ref: ResourceRef, db: EntityManager = this.ctx.manager): Promise<ProjectRecord | null> {
    const id = numericId(ref);
    return id !== null ? this.ctx.projects.findById(db, id) : this.ctx.projects.findByFullPath(db, String(ref));
  }

  async findGroup(ref: ResourceRef, db: EntityManager = this.ctx.manager): Promise<NamespaceRecord | null> {
    const id = numericId(ref);
    const ns = id !== null ? await this.ctx.namespaces.findById(db, id) : await this.ctx.namespaces.findByFullPath(db, String(ref));
    return ns?.kind === 'group' ? ns : null;
  }

  /**
   * The actor's effective level on the project for the REST API: the highest membership, direct or inherited, Owner
   * for the owner of its user namespace and for administrators (restLevelSource says whose role counts). The level
   * is read by the statement RegistryPermissionService uses for whole lists (ProjectAccessRepository), so both agree.
   */
  async projectLevel(actor: Actor | null, project: ProjectRecord, db: EntityManager = this.ctx.manager): Promise<number> {
    const source = restLevelSource(actor, project.id);
    if (source.kind === 'none') return AccessLevel.NO_ACCESS;
    if (source.kind === 'admin') return AccessLevel.OWNER;
    const [facts] = await this.ctx.projectAccess.facts(db, { ids: [project.id] }, { userId: source.userId });
    return facts?.userLevel ?? AccessLevel.NO_ACCESS;
  }

  async groupLevel(actor: Actor | null, group: NamespaceRecord, db: EntityManager = this.ctx.manager): Promise<number> {
    if (!actor || actor.kind !== 'user' || actor.userId === null) return AccessLevel.NO_ACCESS;
    if (actor.isAdmin) return AccessLevel.OWNER;
    return this.ctx.members.effectiveLevel(db, groupSource(group), actor.userId);
  }

  async canReadProject(actor: Actor | null, project: ProjectRecord, level?: number): Promise<boolean> {
    if (actor?.kind === 'deploy_token') return false;
    if (actor?.kind === 'job') return actor.job?.projectId === project.id;
    if (project.visibility === 'public') return true;
    if (project.visibility === 'internal' && isSignedInUser(actor)) return true;
    return (level ?? (await this.projectLevel(actor, project))) >= AccessLevel.GUEST;
  }

  async canReadGroup(actor: Actor | null, group: NamespaceRecord, level?: number): Promise<boolean> {
    if (actor !== null && actor.kind !== 'user') return false;
    if (group.visibility === 'public') return true;
    if (group.visibility === 'internal' && isSignedInUser(actor)) return true;
    if ((level ?? (await this.groupLevel(actor, group))) >= AccessLevel.GUEST) return true;
    // Members of a subgroup or of a project inside see the groups above them.
    return actor?.userId != null && this.ctx.namespaces.hasDescendantMembership(this.ctx.manager, group.id, actor.userId);
  }

  /** The project, if the actor may see it and holds at least `minLevel`; NOT_FOUND / FORBIDDEN otherwise. */
  async requireProject(actor: Actor | null, ref: ResourceRef, minLevel = 0): Promise<{ project: ProjectRecord; level: number }> {
    const project = await this.findProject(ref);
    if (!project) throw IamError.notFound('Project');
    const level = await this.projectLevel(actor, project);
    if (!(await this.canReadProject(actor, project, level))) throw IamError.notFound('Project');
    if (level < minLevel) throw IamError.forbidden();
    return { project, level };
  }

  async requireGroup(actor: Actor | null, ref: ResourceRef, minLevel = 0): Promise<{ group: NamespaceRecord; level: number }> {
    const group = await this.findGroup(ref);
    if (!group) throw IamError.notFound('Group');
    const level = await this.groupLevel(actor, group);
    if (!(await this.canReadGroup(actor, group, level))) throw IamError.notFound('Group');
    if (level < minLevel) throw IamError.forbidden();
    return { group, level };
  }
}

/** Authenticated as some user, i.e. not anonymous and not a deploy token. */
export function requireUser(actor: Actor | null): Actor & { userId: number } {
  if (!actor || actor.userId === null || actor.kind === 'deploy_token') throw IamError.unauthorized();
  return actor as Actor & { userId: number };
}

export function requireAdmin(actor: Actor | null): Actor & { userId: number } {
  const user = requireUser(actor);
  if (!user.isAdmin || user.kind !== 'user') throw IamError.forbidden();
  return user;
}

function numericId(ref: ResourceRef): number | null {
  if (typeof ref === 'number') return ref;
  return /^\d{1,15}$/.test(ref) ? Number(ref) : null;
}
