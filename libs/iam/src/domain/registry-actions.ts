import { AccessLevel } from './access-level';
import { RegistryAction } from './actor';
import { RegistryAccessLevel } from './registry-access-level';
import { Visibility } from './visibility';

/**
 * What a role may do on a project's registry (CONTRACT.md "Roles"), before token scopes cap it.
 * `signedIn` is true for a real (non-bot) signed-in user, who may pull internal projects without membership.
 * `registryAccess` is the project's container_registry_access_level: `private` keeps non-members and Guests
 * out whatever the visibility, `disabled` allows nothing to anyone.
 */
export function roleActions(level: number, visibility: Visibility, signedIn: boolean, registryAccess: RegistryAccessLevel = 'enabled'): RegistryAction[] {
  if (registryAccess === 'disabled') return [];
  if (level >= AccessLevel.DEVELOPER) return ['pull', 'push', 'delete'];
  if (level >= AccessLevel.REPORTER) return ['pull'];
  if (registryAccess === 'private') return [];
  if (visibility === 'public') return ['pull'];
  // A Guest pulls internal projects; so does any signed-in user, as internal means "every signed-in user".
  if (visibility === 'internal' && (level >= AccessLevel.GUEST || signedIn)) return ['pull'];
  return [];
}

/** What the token's scopes allow on the registry at most; null scopes (a password login) allow everything. */
export function scopeActions(scopes: string[] | null): RegistryAction[] {
  if (scopes === null || scopes.includes('api')) return ['pull', 'push', 'delete'];
  const allowed = new Set<RegistryAction>();
  if (scopes.includes('read_registry')) allowed.add('pull');
  if (scopes.includes('write_registry')) {
    allowed.add('push');
    allowed.add('delete');
  }
  return (['pull', 'push', 'delete'] as const).filter((action) => allowed.has(action));
}

/** Actions in both lists, in the canonical order pull, push, delete. */
export function intersectActions(a: readonly RegistryAction[], b: readonly RegistryAction[]): RegistryAction[] {
  return (['pull', 'push', 'delete'] as const).filter((action) => a.includes(action) && b.includes(action));
}

/**
 * Deploy tokens carry no role: their scopes alone decide, unless the project's registry is disabled. A maintainer
 * granted the token explicitly, so a `private` registry still admits it (as GitLab's deploy_token_can_pull?).
 */
export function deployTokenActions(scopes: string[], registryAccess: RegistryAccessLevel = 'enabled'): RegistryAction[] {
  const actions: RegistryAction[] = [];
  if (registryAccess === 'disabled') return actions;
  if (scopes.includes('read_registry')) actions.push('pull');
  if (scopes.includes('write_registry')) actions.push('push', 'delete');
  return actions;
}
