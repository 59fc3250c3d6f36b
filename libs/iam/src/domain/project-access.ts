import { AccessLevel } from './access-level';
import { Actor, RegistryAction } from './actor';
import { RegistryAccessLevel } from './registry-access-level';
import { deployTokenActions, intersectActions, roleActions, scopeActions } from './registry-actions';
import { Visibility } from './visibility';

/**
 * How the caller authenticated, as permission decisions tell credentials apart. `password` covers password logins
 * and web sessions opened with a password; `resource_access_token` is a project or group access token (its bot).
 */
export type CredentialKind = 'anonymous' | 'password' | 'personal_access_token' | 'resource_access_token' | 'deploy_token' | 'job_token';

export function credentialKind(actor: Actor | null): CredentialKind {
  if (!actor) return 'anonymous';
  if (actor.kind === 'deploy_token') return 'deploy_token';
  if (actor.kind === 'job') return 'job_token';
  if (actor.isBot) return 'resource_access_token';
  return actor.scopes === null ? 'password' : 'personal_access_token';
}

/** A real signed-in person (not anonymous, not a bot, not a machine token): sees `internal` resources. */
export function isSignedInUser(actor: Actor | null): boolean {
  return actor !== null && actor.kind === 'user' && !actor.isBot;
}

/**
 * What the database says about one project for a permission decision, all read by one statement
 * (ProjectAccessRepository) for one project or a whole list of them.
 */
export interface ProjectAccessFacts {
  projectId: number;
  namespaceId: number;
  visibility: Visibility;
  /** The project's container_registry_access_level. */
  registryAccess: RegistryAccessLevel;
  /** Deletion of the project (or its group) was requested. */
  pendingDelete: boolean;
  /**
   * The level of the caller's user (for a job token: the user who started the job) on the project: the highest
   * active membership, direct or inherited from ancestor groups; Owner for the owner of the user namespace and for
   * administrators; 0 without a user, or for a user who is not active.
   */
  userLevel: number;
  /** For a deploy token: its project, or a project in its group or below. */
  deployTokenCovers: boolean;
  /** For a job token: its own project, or one whose job token scope admits jobs of that project. */
  jobTokenAdmitted: boolean;
  /** For a job token: the job is running and has not timed out (its token works only then). */
  jobActive: boolean;
}

/**
 * The caller's effective access to one project's container registry: the one answer /v2/ (through the token
 * service), the REST API and the web UI act on. See RegistryPermissionService.effectiveAccess.
 */
export interface ProjectAccess {
  projectId: number;
  credential: CredentialKind;
  /** An administrator's own credential (password, personal access token): bypasses roles. Never set for job tokens. */
  isAdmin: boolean;
  /**
   * The role this credential acts with in the project (AccessLevel: 0 none, 10 Guest … 50 Owner), before token
   * scopes, visibility and the registry's settings narrow `actions`:
   * - users (password, personal access token, web session): their membership level; Owner for administrators;
   * - project and group access tokens: their bot's membership level;
   * - deploy tokens: Developer on every project they cover, else 0 (they hold no membership; scopes decide);
   * - CI job tokens: the starting user's level capped at Developer, where the token reaches (its running job's
   *   project, or a project admitting it through the job token scope), else 0;
   * - anonymous callers: 0.
   */
  role: number;
  /** What the credential may do on the project's images now: role, visibility, registry access level, token scopes and a pending deletion applied. */
  actions: RegistryAction[];
}

export interface RegistryAccessOptions {
  /**
   * Whether the token's registry scopes (read_registry, write_registry) cap the actions. True on /v2/; false on
   * /api/v4 and in the web UI, where the REST guard checked api/read_api instead. Deploy tokens are always capped by
   * their scopes: they hold no role.
   */
  applyTokenScopes: boolean;
}

/** On /v2/ (the token service): token scopes cap the actions. */
export const ON_REGISTRY: RegistryAccessOptions = Object.freeze({ applyTokenScopes: true });
/** On /api/v4 and in the web UI: the REST guard checked api/read_api; registry scopes do not apply. */
export const ON_REST: RegistryAccessOptions = Object.freeze({ applyTokenScopes: false });

/** The caller's effective access to a project's registry (ProjectAccess), decided from the facts of the project. */
export function effectiveRegistryAccess(actor: Actor | null, facts: ProjectAccessFacts, options: RegistryAccessOptions): ProjectAccess {
  const { role, actions } = roleAndActions(actor, facts, options);
  return {
    projectId: facts.projectId,
    credential: credentialKind(actor),
    isAdmin: actor?.kind === 'user' && actor.isAdmin,
    role,
    // A project being deleted (its group or owner is) still serves pulls until the worker removes it; nothing new goes in.
    actions: facts.pendingDelete ? intersectActions(actions, ['pull']) : actions,
  };
}

function roleAndActions(actor: Actor | null, facts: ProjectAccessFacts, options: RegistryAccessOptions): { role: number; actions: RegistryAction[] } {
  const { visibility, registryAccess: level } = facts;
  const none = { role: AccessLevel.NO_ACCESS, actions: [] };
  if (actor === null) return { role: AccessLevel.NO_ACCESS, actions: roleActions(AccessLevel.NO_ACCESS, visibility, false, level) };
  switch (actor.kind) {
    case 'deploy_token':
      if (!actor.deployToken || !facts.deployTokenCovers) return none;
      return { role: AccessLevel.DEVELOPER, actions: deployTokenActions(actor.scopes ?? [], level) };
    case 'job': {
      if (!actor.job || !facts.jobActive || !facts.jobTokenAdmitted) return none;
      const actions = roleActions(facts.userLevel, visibility, true, level);
      // Outside its own project a job token only pulls, as in GitLab.
      return {
        role: Math.min(facts.userLevel, AccessLevel.DEVELOPER),
        actions: actor.job.projectId === facts.projectId ? actions : intersectActions(actions, ['pull']),
      };
    }
    case 'user': {
      if (actor.userId === null) return none;
      const role = actor.isAdmin ? AccessLevel.OWNER : facts.userLevel;
      const actions = roleActions(role, visibility, isSignedInUser(actor), level);
      return { role, actions: options.applyTokenScopes ? intersectActions(actions, scopeActions(actor.scopes)) : actions };
    }
  }
}

/**
 * Whose role counts for the actor's level on a project in the REST API: nobody (anonymous callers, deploy tokens,
 * and job tokens outside their own project), an administrator (Owner, no lookup), or a user's memberships (a job
 * token acts with its starter's full level on its own project).
 */
export type RestLevelSource = { kind: 'none' } | { kind: 'admin' } | { kind: 'member'; userId: number };

export function restLevelSource(actor: Actor | null, projectId: number): RestLevelSource {
  if (!actor || actor.userId === null || actor.kind === 'deploy_token') return { kind: 'none' };
  if (actor.kind === 'job' && actor.job?.projectId !== projectId) return { kind: 'none' };
  if (actor.isAdmin) return { kind: 'admin' };
  return { kind: 'member', userId: actor.userId };
}

/**
 * What the REST API asks of a project's registry, as GitLab's abilities name them: `read` = read_container_image
 * (pull: Reporter, or anyone who sees a public or internal project), `destroy` = destroy_container_image (single
 * tag delete: Developer), `admin` = admin_container_image (repository delete, bulk delete, cleanup policies:
 * Maintainer).
 */
export type RegistryNeed = 'read' | 'destroy' | 'admin';

const NEED_LEVEL: Record<RegistryNeed, number> = { read: AccessLevel.NO_ACCESS, destroy: AccessLevel.DEVELOPER, admin: AccessLevel.MAINTAINER };

/**
 * Whether a REST caller holding `level` on the project (AccessService.projectLevel) may do `need` to its registry.
 * A disabled registry, or a private one for a non-Reporter, refuses even `read` (GitLab's 403 on read_container_image).
 */
export function restRegistryAllows(
  actor: Actor | null,
  project: { visibility: Visibility; containerRegistryAccessLevel: RegistryAccessLevel },
  level: number,
  need: RegistryNeed,
): boolean {
  if (!roleActions(level, project.visibility, isSignedInUser(actor), project.containerRegistryAccessLevel).includes('pull')) return false;
  return level >= NEED_LEVEL[need];
}

/** Maintainers (and above) may delete repositories: GitLab then shows `delete_api_path`. */
export function canAdminRegistry(level: number): boolean {
  return level >= NEED_LEVEL.admin;
}
