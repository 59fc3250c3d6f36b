import { CacheEntryRow, encodeCacheEntryId, RegistryUpstreamRow, UpstreamRow, VirtualRegistryRow } from '@cargohold/registry';

/** GitLab's container virtual registry entities (doc/api/container_virtual_registries.md). */
export function presentRegistry(registry: VirtualRegistryRow) {
  return {
    id: registry.id,
    group_id: registry.groupId,
    name: registry.name,
    description: registry.description,
    created_at: registry.createdAt.toISOString(),
    updated_at: registry.updatedAt.toISOString(),
  };
}

/** The password is never part of it. */
export function presentUpstream(upstream: UpstreamRow) {
  return {
    id: upstream.id,
    group_id: upstream.groupId,
    url: upstream.url,
    name: upstream.name,
    description: upstream.description,
    cache_validity_hours: upstream.cacheValidityHours,
    username: upstream.username,
    created_at: upstream.createdAt.toISOString(),
    updated_at: upstream.updatedAt.toISOString(),
  };
}

export function presentAssociation(association: RegistryUpstreamRow) {
  return { id: association.id, registry_id: association.registryId, upstream_id: association.upstreamId, position: association.position };
}

export function presentCacheEntry(entry: CacheEntryRow, groupId: number) {
  return {
    id: encodeCacheEntryId(entry.upstreamId, entry.relativePath),
    group_id: groupId,
    upstream_id: entry.upstreamId,
    upstream_checked_at: entry.upstreamCheckedAt.toISOString(),
    // GitLab's checksums of the cached file; the content is addressed by its sha256 digest here, which `digest` says.
    file_md5: null,
    file_sha1: null,
    digest: entry.digest,
    size: entry.size,
    relative_path: entry.relativePath,
    content_type: entry.contentType,
    upstream_etag: entry.upstreamEtag,
    created_at: entry.createdAt.toISOString(),
    updated_at: entry.updatedAt.toISOString(),
    downloads_count: entry.downloadsCount,
    downloaded_at: entry.downloadedAt.toISOString(),
  };
}
