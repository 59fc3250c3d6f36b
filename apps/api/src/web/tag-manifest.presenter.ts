import { Descriptor, MANIFEST_DETAILS_LIMITS, PlatformDetails, TagManifestDetails } from '@cargohold/registry';
import { DescriptorEntity, IndexEntryEntity, PlatformDetailsEntity, TagManifestEntity } from './tag-manifest.entity';

/** The tag page's JSON (docs/api.md): snake_case descriptors, an index's platforms, referrers, the raw manifest. */
export function presentTagManifest(
  details: TagManifestDetails,
  at: { repositoryPath: string; tag: string; host: string },
  canDelete: boolean,
): TagManifestEntity {
  const { repositoryPath, tag, host } = at;
  const { manifest } = details;
  return {
    name: tag,
    path: `${repositoryPath}:${tag}`,
    location: `${host}/${repositoryPath}:${tag}`,
    digest: details.digest,
    size: details.payload.length,
    total_size: details.totalSize,
    media_type: manifest.mediaType,
    ...(manifest.artifactType !== undefined ? { artifact_type: manifest.artifactType } : {}),
    config: manifest.config && presentDescriptor(manifest.config),
    layers: manifest.layers.map(presentDescriptor),
    layers_count: manifest.layersCount,
    manifests: manifest.manifests.map(presentIndexEntry),
    manifests_count: manifest.manifestsCount,
    ...(manifest.subject ? { subject: presentDescriptor(manifest.subject) } : {}),
    ...annotationsField(manifest.annotations),
    platforms: details.platforms.map(presentPlatform),
    referrers: details.referrers.map((r) => ({
      digest: r.digest,
      media_type: r.mediaType,
      artifact_type: r.artifactType ?? null,
      size: r.size,
      annotations: r.annotations ?? {},
    })),
    truncated: details.truncated,
    limits: {
      children: MANIFEST_DETAILS_LIMITS.children,
      descriptors: MANIFEST_DETAILS_LIMITS.descriptors,
      child_manifest_bytes: MANIFEST_DETAILS_LIMITS.childManifestBytes,
      referrers: MANIFEST_DETAILS_LIMITS.referrers,
    },
    pull_command: `docker pull ${host}/${repositoryPath}:${tag}`,
    pull_by_digest: `${host}/${repositoryPath}@${details.digest}`,
    can_delete: canDelete,
    raw: JSON.parse(details.payload.toString('utf8')),
  };
}

function presentDescriptor(descriptor: Descriptor): DescriptorEntity {
  return {
    digest: descriptor.digest,
    media_type: descriptor.mediaType,
    size: descriptor.size,
    ...(descriptor.artifactType !== undefined ? { artifact_type: descriptor.artifactType } : {}),
    ...annotationsField(descriptor.annotations),
  };
}

function presentIndexEntry(entry: Descriptor): IndexEntryEntity {
  const platform = entry.platform;
  return {
    ...presentDescriptor(entry),
    platform: platform
      ? {
          os: platform.os,
          architecture: platform.architecture,
          ...(platform.variant !== undefined ? { variant: platform.variant } : {}),
          ...(platform.osVersion !== undefined ? { os_version: platform.osVersion } : {}),
        }
      : null,
  };
}

/** `loaded: false` when the child was not read (absent, or past the view's byte budget). */
function presentPlatform(platform: PlatformDetails): PlatformDetailsEntity {
  const { child } = platform;
  return {
    ...presentIndexEntry(platform.entry),
    config: child?.config ? presentDescriptor(child.config) : null,
    layers: child ? child.layers.map(presentDescriptor) : [],
    layers_count: child ? child.layersCount : null,
    total_size: platform.totalSize,
    loaded: child !== null,
  };
}

/** Annotations are shown only when there are some. */
function annotationsField(annotations: Record<string, string> | undefined): { annotations?: Record<string, string> } {
  return annotations && Object.keys(annotations).length > 0 ? { annotations } : {};
}
