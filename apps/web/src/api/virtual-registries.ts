import { del, enc, get, getAll, patch, post, put } from './client';

/**
 * GitLab's container virtual registry API (doc/api/container_virtual_registries.md) and the group dependency proxy
 * settings, hand-typed as the api presents them (apps/api/src/virtual-registries/*.presenter.ts, the controllers).
 */

export interface VirtualRegistry {
  id: number;
  group_id: number;
  name: string;
  description: string | null;
  created_at: string;
  updated_at: string;
}

/** The password is never returned: `username` non-null means credentials (both together) are set. */
export interface Upstream {
  id: number;
  group_id: number;
  url: string;
  name: string;
  description: string | null;
  cache_validity_hours: number;
  username: string | null;
  created_at: string;
  updated_at: string;
}

/** An upstream of a registry, with its place in the registry's order (1 is tried first). */
export interface RegistryUpstream extends Upstream {
  registry_upstream: { id: number; registry_id: number; position: number };
}

/** A cached manifest or blob: `relative_path` is `<image>/manifests/<tag or digest>` or `<image>/blobs/<digest>`. */
export interface CacheEntry {
  id: string;
  group_id: number;
  upstream_id: number;
  upstream_checked_at: string;
  digest: string;
  size: number;
  relative_path: string;
  content_type: string | null;
  downloads_count: number;
  downloaded_at: string;
  created_at: string;
  updated_at: string;
}

export interface DependencyProxySettings {
  enabled: boolean;
  identity: string | null;
  image_ttl_policy: { enabled: boolean; ttl: number };
  image_prefix: string;
  total_size_bytes: number;
}

export interface RegistryInput {
  name: string;
  description: string;
}

/**
 * An upstream's fields as a form sends them. `credentials` undefined leaves them as they are (an edit); `null`
 * removes them; otherwise both are sent (the API wants both or neither).
 */
export interface UpstreamInput {
  url: string;
  name: string;
  description: string;
  cache_validity_hours: number;
  credentials?: { username: string; password: string } | null;
}

const VR = '/virtual_registries/container';
const groupVr = (groupId: number | string) => `/groups/${enc(groupId)}/-/virtual_registries/container`;

export const listRegistries = (groupId: number | string) => get<VirtualRegistry[]>(`${groupVr(groupId)}/registries`);
export const createRegistry = (groupId: number | string, input: RegistryInput) => post<VirtualRegistry>(`${groupVr(groupId)}/registries`, input);
export const updateRegistry = (id: number, input: RegistryInput) => patch<VirtualRegistry>(`${VR}/registries/${enc(id)}`, input);
export const deleteRegistry = (id: number) => del(`${VR}/registries/${enc(id)}`);
export const purgeRegistryCache = (id: number) => del(`${VR}/registries/${enc(id)}/cache`);

export const listRegistryUpstreams = (registryId: number) => get<RegistryUpstream[]>(`${VR}/registries/${enc(registryId)}/upstreams`);

export function createUpstream(registryId: number, input: UpstreamInput) {
  return post<RegistryUpstream>(`${VR}/registries/${enc(registryId)}/upstreams`, upstreamBody(input));
}

export function updateUpstream(id: number, input: UpstreamInput) {
  return patch<Upstream>(`${VR}/upstreams/${enc(id)}`, upstreamBody(input));
}

export const deleteUpstream = (id: number) => del(`${VR}/upstreams/${enc(id)}`);

/** Moves an upstream within its registry's order; the others shift (positions stay 1..n). */
export const moveUpstream = (registryUpstreamId: number, position: number) => patch(`${VR}/registry_upstreams/${enc(registryUpstreamId)}`, { position });

/** Up to `limit` entries of one upstream's cache. */
export const listCacheEntries = (upstreamId: number, limit: number) => getAll<CacheEntry>(`${VR}/upstreams/${enc(upstreamId)}/cache_entries`, {}, limit);

/** The id is base64 and may hold `/`, which the route takes as it is. */
export const deleteCacheEntry = (id: string) => del(`${VR}/cache_entries/${id.split('/').map(encodeURIComponent).join('/')}`);

export const getDependencyProxy = (groupId: number | string) => get<DependencyProxySettings>(`/groups/${enc(groupId)}/dependency_proxy`);

export function updateDependencyProxy(groupId: number | string, input: { enabled: boolean; ttlEnabled: boolean; ttl: number }) {
  return put<DependencyProxySettings>(`/groups/${enc(groupId)}/dependency_proxy`, {
    enabled: input.enabled,
    image_ttl_policy: { enabled: input.ttlEnabled, ttl: input.ttl },
  });
}

export const purgeDependencyProxy = (groupId: number | string) => del(`/groups/${enc(groupId)}/dependency_proxy/cache`);

function upstreamBody(input: UpstreamInput): Record<string, unknown> {
  const body: Record<string, unknown> = {
    url: input.url,
    name: input.name,
    description: input.description,
    cache_validity_hours: input.cache_validity_hours,
  };
  if (input.credentials === null) Object.assign(body, { username: '', password: '' });
  else if (input.credentials) Object.assign(body, input.credentials);
  return body;
}
