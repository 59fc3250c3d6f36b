/**
 * GitLab's `container_registry_access_level`: `enabled` lets the project's visibility decide who pulls,
 * `private` limits pulls to members with Reporter or more (even in a public project), `disabled` turns the
 * project's registry off for every credential, administrators included.
 */
export const REGISTRY_ACCESS_LEVELS = ['enabled', 'private', 'disabled'] as const;
export type RegistryAccessLevel = (typeof REGISTRY_ACCESS_LEVELS)[number];

/** GitLab's deprecated `container_registry_enabled` boolean, derived from the access level. */
export function registryEnabled(level: RegistryAccessLevel): boolean {
  return level !== 'disabled';
}
