import { AccessLevel } from './access-level';
import { Actor } from './actor';
import { ProjectAccess } from './project-access';

/**
 * The level protection rules (protected and immutable tags, protected repositories) compare with their
 * `minimum_access_level_for_push` / `_for_delete`: GitLab's 40 Maintainer, 50 Owner, 60 administrator.
 * Administrators count 60, so they pass every role rule (never immutability, which no level passes).
 */
export const ADMIN_PROTECTION_LEVEL = 60;

/**
 * On /v2/ (the token service carries it in the JWT): the role the credential acts with (ProjectAccess.role: users
 * their membership, project and group access tokens their bot's, deploy tokens and CI job tokens at most
 * Developer), or 60 for an administrator's own credential.
 */
export function protectionAccessLevel(access: Pick<ProjectAccess, 'isAdmin' | 'role'>): number {
  return access.isAdmin ? ADMIN_PROTECTION_LEVEL : access.role;
}

/**
 * On /api/v4 and in the web UI, from the caller's REST level on the project (AccessService.projectLevel): deploy
 * tokens and CI job tokens count at most Developer (a job token's REST level is its starter's, administrators
 * included), administrators 60, everyone else their level (a bot its own membership).
 */
export function restProtectionAccessLevel(actor: Actor | null, restLevel: number): number {
  if (!actor) return AccessLevel.NO_ACCESS;
  if (actor.kind === 'deploy_token' || actor.kind === 'job') return Math.min(restLevel, AccessLevel.DEVELOPER);
  return actor.isAdmin ? ADMIN_PROTECTION_LEVEL : restLevel;
}
