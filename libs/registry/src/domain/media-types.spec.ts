import {
  MANIFEST_MEDIA_TYPES,
  MEDIA_TYPE_DOCKER_FOREIGN_LAYER,
  MEDIA_TYPE_DOCKER_LAYER,
  MEDIA_TYPE_DOCKER_MANIFEST,
  MEDIA_TYPE_DOCKER_MANIFEST_LIST,
  MEDIA_TYPE_DOCKER_MANIFEST_V1,
  MEDIA_TYPE_DOCKER_MANIFEST_V1_SIGNED,
  MEDIA_TYPE_OCI_EMPTY,
  MEDIA_TYPE_OCI_INDEX,
  MEDIA_TYPE_OCI_LAYER_GZIP,
  MEDIA_TYPE_OCI_MANIFEST,
  isImageManifestMediaType,
  isIndexMediaType,
  isManifestMediaType,
  isNonDistributableLayerMediaType,
  isSchema1MediaType,
  normalizeMediaType,
} from './media-types';

describe('media types', () => {
  it('has the registered values', () => {
    expect(MEDIA_TYPE_DOCKER_MANIFEST).toBe('application/vnd.docker.distribution.manifest.v2+json');
    expect(MEDIA_TYPE_DOCKER_MANIFEST_LIST).toBe('application/vnd.docker.distribution.manifest.list.v2+json');
    expect(MEDIA_TYPE_OCI_MANIFEST).toBe('application/vnd.oci.image.manifest.v1+json');
    expect(MEDIA_TYPE_OCI_INDEX).toBe('application/vnd.oci.image.index.v1+json');
    expect(MEDIA_TYPE_OCI_EMPTY).toBe('application/vnd.oci.empty.v1+json');
    expect(MEDIA_TYPE_DOCKER_MANIFEST_V1_SIGNED).toBe('application/vnd.docker.distribution.manifest.v1+prettyjws');
    expect(MANIFEST_MEDIA_TYPES).toHaveLength(4);
  });

  it('normalizes header values', () => {
    expect(normalizeMediaType(' Application/VND.OCI.image.manifest.v1+JSON ; charset=utf-8')).toBe(MEDIA_TYPE_OCI_MANIFEST);
    expect(normalizeMediaType(undefined)).toBe('');
    expect(normalizeMediaType(null)).toBe('');
  });

  it.each([
    [MEDIA_TYPE_OCI_INDEX, true, false],
    [MEDIA_TYPE_DOCKER_MANIFEST_LIST, true, false],
    [MEDIA_TYPE_OCI_MANIFEST, false, true],
    [MEDIA_TYPE_DOCKER_MANIFEST, false, true],
    [`${MEDIA_TYPE_DOCKER_MANIFEST}; charset=utf-8`, false, true],
    [MEDIA_TYPE_DOCKER_MANIFEST_V1_SIGNED, false, false],
    [MEDIA_TYPE_OCI_EMPTY, false, false],
    ['application/json', false, false],
    [undefined, false, false],
  ])('%s: index=%s image=%s', (mt, index, image) => {
    expect(isIndexMediaType(mt)).toBe(index);
    expect(isImageManifestMediaType(mt)).toBe(image);
    expect(isManifestMediaType(mt)).toBe(index || image);
  });

  it('recognises schema1', () => {
    expect(isSchema1MediaType(MEDIA_TYPE_DOCKER_MANIFEST_V1)).toBe(true);
    expect(isSchema1MediaType(MEDIA_TYPE_DOCKER_MANIFEST_V1_SIGNED)).toBe(true);
    expect(isSchema1MediaType(MEDIA_TYPE_DOCKER_MANIFEST)).toBe(false);
  });

  it('recognises non-distributable layers', () => {
    expect(isNonDistributableLayerMediaType(MEDIA_TYPE_DOCKER_FOREIGN_LAYER)).toBe(true);
    expect(isNonDistributableLayerMediaType('application/vnd.oci.image.layer.nondistributable.v1.tar+gzip')).toBe(true);
    expect(isNonDistributableLayerMediaType(MEDIA_TYPE_OCI_LAYER_GZIP)).toBe(false);
    expect(isNonDistributableLayerMediaType(MEDIA_TYPE_DOCKER_LAYER)).toBe(false);
  });
});
