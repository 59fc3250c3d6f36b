/**
 * Read-only views of stored manifests for the web UI's tag page. Payloads were validated on push. Every list a
 * view shows is cut at a limit (MANIFEST_VIEW_LIMITS), because one stored manifest may name tens of thousands of
 * descriptors and an index may name the same big manifest hundreds of times: the view's work and size must not
 * grow with what a pusher chose to write.
 */

/** The bounds of one tag view (docs/api.md, docs/security.md "Bounded manifest views and manifest strictness"). */
export const MANIFEST_VIEW_LIMITS = Object.freeze({
  /** Distinct child manifests of an index read for one view (duplicates are read once). */
  children: 64,
  /** Descriptors listed in one view: the image's layers or all platforms' layers together; an index's entries. */
  descriptors: 1000,
  /** Bytes of child manifests read for one view: two manifests at the 4 MiB push limit. */
  childManifestBytes: 8 * 1024 * 1024,
  /** Referrers listed. */
  referrers: 100,
});

export interface DescriptorView {
  digest: string;
  media_type: string;
  size: number;
  artifact_type?: string;
  annotations?: Record<string, string>;
}

export interface PlatformView extends DescriptorView {
  platform: { os: string; architecture: string; variant?: string; os_version?: string } | null;
  config: DescriptorView | null;
  layers: DescriptorView[];
  /** Layers the child names, listed or not; null when the child was not read. */
  layers_count: number | null;
  /** The child manifest, its config and all its layers; the descriptor's size alone when the child was not read. */
  total_size: number;
  /** False when the child was not read: absent, or past the view's byte budget. */
  loaded: boolean;
}

export interface ManifestView {
  media_type: string;
  artifact_type?: string;
  config: DescriptorView | null;
  /** The first `listLimit` layers. */
  layers: DescriptorView[];
  /** All layers the manifest names. */
  layers_count: number;
  /** The first `listLimit` entries of an image index or manifest list (child manifests, usually one per platform). */
  manifests: Array<DescriptorView & { platform: PlatformView['platform'] }>;
  /** All entries the index names, duplicates included. */
  manifests_count: number;
  subject?: DescriptorView;
  annotations?: Record<string, string>;
}

type Json = Record<string, unknown>;

export interface ParsedManifestView {
  view: ManifestView;
  /** Sum of the sizes of all layers, listed or not. */
  layersSize: number;
}

/** Parses a stored manifest into its view, listing at most `listLimit` layers and `listLimit` index entries. */
export function parseManifestView(payload: Buffer, mediaType: string, listLimit: number): ParsedManifestView {
  const doc = JSON.parse(payload.toString('utf8')) as Json;
  const config = descriptor(doc.config);
  const layers = list(doc.layers ?? doc.blobs);
  const entries = list(doc.manifests);
  const view: ManifestView = {
    media_type: (typeof doc.mediaType === 'string' && doc.mediaType) || mediaType,
    ...(typeof doc.artifactType === 'string' ? { artifact_type: doc.artifactType } : config && isArtifactConfig(config) ? { artifact_type: config.media_type } : {}),
    config,
    layers: layers
      .slice(0, listLimit)
      .map((entry) => descriptor(entry)!)
      .filter(Boolean),
    layers_count: layers.length,
    manifests: entries
      .slice(0, listLimit)
      .map((entry) => {
        const view = descriptor(entry);
        return view ? { ...view, platform: platform((entry as Json).platform) } : null;
      })
      .filter((entry): entry is DescriptorView & { platform: PlatformView['platform'] } => entry !== null),
    manifests_count: entries.length,
    ...(descriptor(doc.subject) ? { subject: descriptor(doc.subject)! } : {}),
    ...(annotations(doc.annotations) ? { annotations: annotations(doc.annotations) } : {}),
  };
  return { view, layersSize: layers.reduce((sum: number, entry) => sum + sizeOf(entry), 0) };
}

/** Total bytes an image takes: the manifest, its config and all its layers. */
export function imageSize(payloadSize: number, parsed: ParsedManifestView): number {
  return payloadSize + (parsed.view.config?.size ?? 0) + parsed.layersSize;
}

function sizeOf(entry: unknown): number {
  const size = entry && typeof entry === 'object' ? (entry as Json).size : undefined;
  return typeof size === 'number' ? size : 0;
}

function isArtifactConfig(config: DescriptorView): boolean {
  return !/^application\/vnd\.(oci\.image\.config|docker\.container\.image)\.v1\+json$/.test(config.media_type) && config.media_type !== 'application/vnd.oci.empty.v1+json';
}

function list(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

function descriptor(value: unknown): DescriptorView | null {
  if (!value || typeof value !== 'object') return null;
  const entry = value as Json;
  if (typeof entry.digest !== 'string') return null;
  const view: DescriptorView = {
    digest: entry.digest,
    media_type: typeof entry.mediaType === 'string' ? entry.mediaType : '',
    size: typeof entry.size === 'number' ? entry.size : 0,
  };
  if (typeof entry.artifactType === 'string') view.artifact_type = entry.artifactType;
  const notes = annotations(entry.annotations);
  if (notes) view.annotations = notes;
  return view;
}

function platform(value: unknown): PlatformView['platform'] {
  if (!value || typeof value !== 'object') return null;
  const p = value as Json;
  return {
    os: String(p.os ?? ''),
    architecture: String(p.architecture ?? ''),
    ...(typeof p.variant === 'string' ? { variant: p.variant } : {}),
    ...(typeof p['os.version'] === 'string' ? { os_version: p['os.version'] as string } : {}),
  };
}

function annotations(value: unknown): Record<string, string> | undefined {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return undefined;
  const entries = Object.entries(value as Json).filter(([, v]) => typeof v === 'string') as Array<[string, string]>;
  return entries.length > 0 ? Object.fromEntries(entries) : undefined;
}
