/**
 * What the web UI's tag page shows of a stored manifest, computed from the registry's one manifest parser
 * (domain/manifest.ts: the same validation every push went through). Every list is cut at a limit
 * (MANIFEST_DETAILS_LIMITS), because one stored manifest may name tens of thousands of descriptors and an index may
 * name the same big manifest hundreds of times: the work and size of a view must not grow with what a pusher wrote.
 */
import { Descriptor } from '../domain/descriptor';
import { ParsedManifest } from '../domain/manifest';
import { MEDIA_TYPE_DOCKER_CONFIG, MEDIA_TYPE_OCI_CONFIG } from '../domain/media-types';

/** The bounds of one tag view (docs/api.md, docs/security.md "Bounded manifest views and manifest strictness"). */
export const MANIFEST_DETAILS_LIMITS = Object.freeze({
  /** Distinct child manifests of an index read for one view (duplicates are read once). */
  children: 64,
  /** Descriptors listed in one view: the image's layers or all platforms' layers together; an index's entries. */
  descriptors: 1000,
  /** Bytes of child manifests read for one view: two manifests at the 4 MiB push limit. */
  childManifestBytes: 8 * 1024 * 1024,
  /** Referrers listed. */
  referrers: 100,
});

/** One manifest, its lists cut at a limit. Descriptors are the parser's, as validated on push. */
export interface ManifestDetails {
  mediaType: string;
  /** The manifest's artifactType, else its config's media type when that config is not an image's (nor empty). */
  artifactType?: string;
  config: Descriptor | null;
  /** The first `listLimit` layers. */
  layers: Descriptor[];
  /** All layers the manifest names. */
  layersCount: number;
  /** Sum of the sizes of all layers, listed or not. */
  layersSize: number;
  /** The first `listLimit` entries of an image index or manifest list (child manifests, usually one per platform). */
  manifests: Descriptor[];
  /** All entries the index names, duplicates included. */
  manifestsCount: number;
  subject?: Descriptor;
  /** As parsed: possibly empty. */
  annotations?: Record<string, string>;
}

const IMAGE_CONFIG_MEDIA_TYPES = new Set([MEDIA_TYPE_OCI_CONFIG, MEDIA_TYPE_DOCKER_CONFIG]);

/** The details of a parsed manifest, listing at most `listLimit` layers and `listLimit` index entries. */
export function describeManifest(parsed: ParsedManifest, listLimit: number): ManifestDetails {
  const config = parsed.config ?? null;
  // The parser reports an image's config media type as its artifact type; an image is no artifact, so the view does not.
  const imageConfigType = parsed.artifactType === config?.mediaType && IMAGE_CONFIG_MEDIA_TYPES.has(parsed.artifactType ?? '');
  return {
    mediaType: parsed.mediaType,
    ...(parsed.artifactType !== undefined && !imageConfigType ? { artifactType: parsed.artifactType } : {}),
    config,
    layers: parsed.layers.slice(0, listLimit),
    layersCount: parsed.layers.length,
    layersSize: parsed.layers.reduce((sum, layer) => sum + layer.size, 0),
    manifests: parsed.manifests.slice(0, listLimit),
    manifestsCount: parsed.manifests.length,
    ...(parsed.subject ? { subject: parsed.subject } : {}),
    ...(parsed.annotations ? { annotations: parsed.annotations } : {}),
  };
}

/** Total bytes an image takes: the manifest, its config and all its layers. */
export function imageSize(payloadSize: number, details: ManifestDetails): number {
  return payloadSize + (details.config?.size ?? 0) + details.layersSize;
}
