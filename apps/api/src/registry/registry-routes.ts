/**
 * Matches /v2/ paths with the OCI grammar's shapes, in the spec's fixed order. Repository names contain
 * slashes, so the name is whatever precedes the last fixed segment; it is validated separately, never decoded.
 */
export type RegistryRoute =
  | { kind: 'base' }
  | { kind: 'catalog' }
  | { kind: 'tags'; name: string }
  | { kind: 'manifest'; name: string; reference: string }
  | { kind: 'uploads'; name: string }
  | { kind: 'upload'; name: string; id: string }
  | { kind: 'blob'; name: string; digest: string }
  | { kind: 'referrers'; name: string; digest: string };

const PATTERNS: Array<[RegExp, (m: RegExpMatchArray) => RegistryRoute]> = [
  [/^\/v2\/?$/, () => ({ kind: 'base' })],
  [/^\/v2\/_catalog$/, () => ({ kind: 'catalog' })],
  [/^\/v2\/(.+)\/tags\/list$/, (m) => ({ kind: 'tags', name: m[1] })],
  [/^\/v2\/(.+)\/manifests\/([^/]+)$/, (m) => ({ kind: 'manifest', name: m[1], reference: m[2] })],
  [/^\/v2\/(.+)\/blobs\/uploads\/?$/, (m) => ({ kind: 'uploads', name: m[1] })],
  [/^\/v2\/(.+)\/blobs\/uploads\/([^/]+)$/, (m) => ({ kind: 'upload', name: m[1], id: m[2] })],
  [/^\/v2\/(.+)\/blobs\/([^/]+)$/, (m) => ({ kind: 'blob', name: m[1], digest: m[2] })],
  [/^\/v2\/(.+)\/referrers\/([^/]+)$/, (m) => ({ kind: 'referrers', name: m[1], digest: m[2] })],
];

export function matchRegistryRoute(pathname: string): RegistryRoute | null {
  for (const [pattern, build] of PATTERNS) {
    const match = pathname.match(pattern);
    if (match) return build(match);
  }
  return null;
}

/** The registry actions a request needs, as the token service names them. */
export type RegistryAction = 'pull' | 'push' | 'delete';

export function requiredActions(route: RegistryRoute, method: string): RegistryAction[] {
  switch (route.kind) {
    case 'base':
    case 'catalog':
      return [];
    case 'uploads':
    case 'upload':
      return ['pull', 'push'];
    case 'manifest':
    case 'blob':
      if (method === 'DELETE') return ['delete'];
      return method === 'PUT' ? ['pull', 'push'] : ['pull'];
    default:
      return ['pull'];
  }
}
