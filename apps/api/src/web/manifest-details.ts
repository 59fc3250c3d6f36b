/** Read-only views of stored manifests for the web UI's tag page. Payloads were validated on push. */

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
}

export interface ManifestView {
  media_type: string;
  artifact_type?: string;
  config: DescriptorView | null;
  layers: DescriptorView[];
  /** The entries of an image index or manifest list (child manifests, usually one per platform). */
  manifests: Array<DescriptorView & { platform: PlatformView['platform'] }>;
  subject?: DescriptorView;
  annotations?: Record<string, string>;
}

type Json = Record<string, unknown>;

export function parseManifestView(payload: Buffer, mediaType: string): ManifestView {
  const doc = JSON.parse(payload.toString('utf8')) as Json;
  const config = descriptor(doc.config);
  return {
    media_type: (typeof doc.mediaType === 'string' && doc.mediaType) || mediaType,
    ...(typeof doc.artifactType === 'string' ? { artifact_type: doc.artifactType } : config && isArtifactConfig(config) ? { artifact_type: config.media_type } : {}),
    config,
    layers: list(doc.layers ?? doc.blobs).map((entry) => descriptor(entry)!).filter(Boolean),
    manifests: list(doc.manifests)
      .map((entry) => {
        const view = descriptor(entry);
        return view ? { ...view, platform: platform((entry as Json).platform) } : null;
      })
      .filter((entry): entry is DescriptorView & { platform: PlatformView['platform'] } => entry !== null),
    ...(descriptor(doc.subject) ? { subject: descriptor(doc.subject)! } : {}),
    ...(annotations(doc.annotations) ? { annotations: annotations(doc.annotations) } : {}),
  };
}

/** Total bytes an image takes: the manifest, its config and layers (for an index: its children's views). */
export function imageSize(payloadSize: number, view: Pick<ManifestView, 'config' | 'layers'>): number {
  return payloadSize + (view.config?.size ?? 0) + view.layers.reduce((sum, layer) => sum + layer.size, 0);
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
