/** Scopes a personal, project or group access token may carry (GitLab's names). */
export const TOKEN_SCOPES = [
  'api',
  'read_api',
  'read_user',
  'read_repository',
  'write_repository',
  'read_registry',
  'write_registry',
  'read_virtual_registry',
  'write_virtual_registry',
  'create_runner',
  'manage_runner',
  'k8s_proxy',
  'self_rotate',
] as const;

/** Scopes for project and group access tokens: everything a personal token has except user-level ones. */
export const RESOURCE_TOKEN_SCOPES = TOKEN_SCOPES.filter((scope) => scope !== 'read_user');

/** Scopes a deploy token may carry. Only the registry ones mean anything here; the others are accepted as GitLab does. */
export const DEPLOY_TOKEN_SCOPES = [
  'read_repository',
  'read_registry',
  'write_registry',
  'read_package_registry',
  'write_package_registry',
  'read_virtual_registry',
  'write_virtual_registry',
] as const;

/** The scopes the bootstrap administrator token gets (CONTRACT.md). */
export const BOOTSTRAP_TOKEN_SCOPES = ['api', 'read_registry', 'write_registry'];

export function allIn(values: string[], allowed: readonly string[]): boolean {
  return values.length > 0 && values.every((value) => allowed.includes(value));
}
