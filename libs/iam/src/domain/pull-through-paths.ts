/**
 * The two /v2/ repository-name shapes that pull through the cache instead of naming a project's image:
 * `virtual_registries/container/<registry id>/<image>` and `<top-level group>/dependency_proxy/containers/<image>`.
 * The image is what the upstream is asked for; for the dependency proxy, Docker Hub's rule puts a one-segment name
 * under `library/`.
 */
export type PullThroughPath =
  | { kind: 'virtual_registry'; registryId: number; image: string }
  | { kind: 'dependency_proxy'; groupPath: string; image: string };

const VIRTUAL_REGISTRY = /^virtual_registries\/container\/(\d{1,15})\/(.+)$/;
const DEPENDENCY_PROXY = /^([^/]+)\/dependency_proxy\/containers\/(.+)$/;

export function parsePullThroughPath(name: string): PullThroughPath | null {
  const virtual = VIRTUAL_REGISTRY.exec(name);
  if (virtual) return { kind: 'virtual_registry', registryId: Number(virtual[1]), image: virtual[2] };
  const proxy = DEPENDENCY_PROXY.exec(name);
  if (proxy) return { kind: 'dependency_proxy', groupPath: proxy[1], image: proxy[2].includes('/') ? proxy[2] : `library/${proxy[2]}` };
  return null;
}

/** Token scopes that let a user's token pull through the cache (GitLab: read_registry or read_virtual_registry; api). */
export function pullThroughScopeAllows(scopes: string[] | null): boolean {
  return scopes === null || ['api', 'read_registry', 'write_registry', 'read_virtual_registry', 'write_virtual_registry'].some((scope) => scopes.includes(scope));
}
