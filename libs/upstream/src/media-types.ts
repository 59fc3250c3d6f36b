/** The manifest types asked for when the client named none: images and indexes, OCI and Docker (schema 2). */
export const DEFAULT_MANIFEST_ACCEPT = [
  'application/vnd.oci.image.index.v1+json',
  'application/vnd.oci.image.manifest.v1+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
  'application/vnd.docker.distribution.manifest.v2+json',
];

/** Index types: their children are manifests, fetched on demand when a client asks for one by digest. */
export const INDEX_MEDIA_TYPES = new Set(['application/vnd.oci.image.index.v1+json', 'application/vnd.docker.distribution.manifest.list.v2+json']);

/** The type to record for manifest bytes: the upstream's Content-Type, else the document's own `mediaType`. */
export function manifestMediaType(contentType: string | undefined, bytes: Buffer): string {
  const declared = contentType?.split(';')[0].trim();
  if (declared && declared !== 'application/json' && declared !== 'text/plain' && declared !== 'application/octet-stream') return declared;
  try {
    const parsed = JSON.parse(bytes.toString('utf8')) as { mediaType?: unknown; manifests?: unknown };
    if (typeof parsed.mediaType === 'string' && parsed.mediaType) return parsed.mediaType;
    return Array.isArray(parsed.manifests) ? 'application/vnd.oci.image.index.v1+json' : 'application/vnd.oci.image.manifest.v1+json';
  } catch {
    return declared || 'application/vnd.oci.image.manifest.v1+json';
  }
}
