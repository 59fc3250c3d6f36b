import { findSizeMismatch, sizeMismatchError } from './descriptor-sizes';
import { type ParsedManifest } from './manifest';

const d = (c: string) => `sha256:${c.repeat(64)}`;
const LAYER = 'application/vnd.oci.image.layer.v1.tar+gzip';

const image: ParsedManifest = {
  mediaType: 'application/vnd.oci.image.manifest.v1+json',
  kind: 'image',
  config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: d('c'), size: 10 },
  layers: [
    { mediaType: LAYER, digest: d('a'), size: 100 },
    { mediaType: LAYER, digest: d('b'), size: 200 },
  ],
  manifests: [],
};

const index: ParsedManifest = {
  mediaType: 'application/vnd.oci.image.index.v1+json',
  kind: 'index',
  layers: [],
  manifests: [{ mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: d('1'), size: 500 }],
};

describe('findSizeMismatch', () => {
  const stored = new Map([
    [d('c'), 10],
    [d('a'), 100],
    [d('b'), 200],
  ]);

  it('finds none when every size matches', () => {
    expect(findSizeMismatch(image, stored, new Map())).toBeNull();
    expect(findSizeMismatch(index, new Map(), new Map([[d('1'), 500]]))).toBeNull();
  });

  it('names the config, a layer or a child whose size differs', () => {
    expect(findSizeMismatch(image, new Map([...stored, [d('c'), 11]]), new Map())).toEqual({ field: 'config', digest: d('c'), declared: 10, stored: 11 });
    expect(findSizeMismatch(image, new Map([...stored, [d('b'), 1]]), new Map())).toEqual({ field: 'layers[1]', digest: d('b'), declared: 200, stored: 1 });
    expect(findSizeMismatch(index, new Map(), new Map([[d('1'), 499]]))).toEqual({ field: 'manifests[0]', digest: d('1'), declared: 500, stored: 499 });
  });

  it('checks every descriptor of a digest named twice', () => {
    const twice = { ...image, layers: [...image.layers, { mediaType: LAYER, digest: d('a'), size: 101 }] };
    expect(findSizeMismatch(twice, stored, new Map())).toEqual({ field: 'layers[2]', digest: d('a'), declared: 101, stored: 100 });
  });

  it('skips non-distributable layers hosted elsewhere and digests it was not given', () => {
    const foreign = { mediaType: 'application/vnd.oci.image.layer.nondistributable.v1.tar+gzip', digest: d('f'), size: 1, urls: ['https://example.com/f'] };
    expect(findSizeMismatch({ ...image, layers: [...image.layers, foreign] }, new Map([...stored, [d('f'), 2]]), new Map())).toBeNull();
    expect(findSizeMismatch(image, new Map(), new Map())).toBeNull();
  });

  it('renders MANIFEST_BLOB_UNKNOWN with what was declared and what is stored', () => {
    const error = sizeMismatchError({ field: 'layers[1]', digest: d('b'), declared: 200, stored: 1 });
    expect(error.code).toBe('MANIFEST_BLOB_UNKNOWN');
    expect(error.detail).toEqual({ digest: d('b'), field: 'layers[1]', declared: 200, stored: 1 });
    expect(error.message).toContain('200');
  });
});
