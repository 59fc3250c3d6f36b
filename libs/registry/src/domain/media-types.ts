/**
 * Media types the registry understands. Manifests are accepted in both the
 * Docker and OCI dialects because real clients push both.
 */

export const MEDIA_TYPE_DOCKER_MANIFEST = 'application/vnd.docker.distribution.manifest.v2+json';
export const MEDIA_TYPE_DOCKER_MANIFEST_LIST = 'application/vnd.docker.distribution.manifest.list.v2+json';
export const MEDIA_TYPE_OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
export const MEDIA_TYPE_OCI_INDEX = 'application/vnd.oci.image.index.v1+json';
/** Config of artifacts that have no config; such manifests should say `artifactType`. */
export const MEDIA_TYPE_OCI_EMPTY = 'application/vnd.oci.empty.v1+json';

// Docker schema1: recognised only so it can be refused with a clear message.
export const MEDIA_TYPE_DOCKER_MANIFEST_V1 = 'application/vnd.docker.distribution.manifest.v1+json';
export const MEDIA_TYPE_DOCKER_MANIFEST_V1_SIGNED = 'application/vnd.docker.distribution.manifest.v1+prettyjws';

export const MEDIA_TYPE_DOCKER_CONFIG = 'application/vnd.docker.container.image.v1+json';
export const MEDIA_TYPE_OCI_CONFIG = 'application/vnd.oci.image.config.v1+json';
export const MEDIA_TYPE_DOCKER_LAYER = 'application/vnd.docker.image.rootfs.diff.tar.gzip';
export const MEDIA_TYPE_OCI_LAYER = 'application/vnd.oci.image.layer.v1.tar';
export const MEDIA_TYPE_OCI_LAYER_GZIP = 'application/vnd.oci.image.layer.v1.tar+gzip';
export const MEDIA_TYPE_OCI_LAYER_ZSTD = 'application/vnd.oci.image.layer.v1.tar+zstd';

// Layers that live outside the registry (e.g. Windows base layers) and are
// fetched from their `urls`, so a push need not upload them.
export const MEDIA_TYPE_DOCKER_FOREIGN_LAYER = 'application/vnd.docker.image.rootfs.foreign.diff.tar.gzip';
export const MEDIA_TYPE_OCI_NONDISTRIBUTABLE_LAYER_PREFIX = 'application/vnd.oci.image.layer.nondistributable.';

export const INDEX_MEDIA_TYPES: readonly string[] = [MEDIA_TYPE_OCI_INDEX, MEDIA_TYPE_DOCKER_MANIFEST_LIST];
export const IMAGE_MANIFEST_MEDIA_TYPES: readonly string[] = [MEDIA_TYPE_OCI_MANIFEST, MEDIA_TYPE_DOCKER_MANIFEST];
/** Everything a manifest PUT may carry and a GET may be asked for (`Accept`). */
export const MANIFEST_MEDIA_TYPES: readonly string[] = [...IMAGE_MANIFEST_MEDIA_TYPES, ...INDEX_MEDIA_TYPES];

/**
 * `Type/Subtype; param=x` -> `type/subtype`. Header values carry parameters
 * and any casing (RFC 9110), while comparisons need the bare type.
 */
export function normalizeMediaType(value: string | undefined | null): string {
  if (typeof value !== 'string') return '';
  const semi = value.indexOf(';');
  return (semi === -1 ? value : value.slice(0, semi)).trim().toLowerCase();
}

export function isIndexMediaType(mediaType: string | undefined | null): boolean {
  return INDEX_MEDIA_TYPES.includes(normalizeMediaType(mediaType));
}

export function isImageManifestMediaType(mediaType: string | undefined | null): boolean {
  return IMAGE_MANIFEST_MEDIA_TYPES.includes(normalizeMediaType(mediaType));
}

export function isManifestMediaType(mediaType: string | undefined | null): boolean {
  return MANIFEST_MEDIA_TYPES.includes(normalizeMediaType(mediaType));
}

export function isSchema1MediaType(mediaType: string | undefined | null): boolean {
  const t = normalizeMediaType(mediaType);
  return t === MEDIA_TYPE_DOCKER_MANIFEST_V1 || t === MEDIA_TYPE_DOCKER_MANIFEST_V1_SIGNED;
}

export function isNonDistributableLayerMediaType(mediaType: string | undefined | null): boolean {
  const t = normalizeMediaType(mediaType);
  return t === MEDIA_TYPE_DOCKER_FOREIGN_LAYER || t.startsWith(MEDIA_TYPE_OCI_NONDISTRIBUTABLE_LAYER_PREFIX);
}
