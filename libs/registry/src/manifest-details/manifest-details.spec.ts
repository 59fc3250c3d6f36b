import { parseManifest } from '../domain/manifest';
import { describeManifest, imageSize } from './manifest-details';

const digest = (n: number) => `sha256:${n.toString(16).padStart(64, '0')}`;
const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
const OCI_INDEX = 'application/vnd.oci.image.index.v1+json';
const OCI_CONFIG = 'application/vnd.oci.image.config.v1+json';
const LAYER = 'application/vnd.oci.image.layer.v1.tar+gzip';

function parsed(doc: object, contentType = OCI_MANIFEST) {
  return parseManifest(Buffer.from(JSON.stringify({ schemaVersion: 2, ...doc })), contentType);
}

const image = (layers: number, extra: object = {}) =>
  parsed({
    mediaType: OCI_MANIFEST,
    config: { mediaType: OCI_CONFIG, digest: digest(0), size: 100 },
    layers: Array.from({ length: layers }, (_, i) => ({ mediaType: LAYER, digest: digest(i + 1), size: 10 * (i + 1) })),
    ...extra,
  });

describe('describeManifest', () => {
  it('lists at most the limit of layers, and counts and sums them all', () => {
    const details = describeManifest(image(5), 2);
    expect(details.layers.map((layer) => layer.digest)).toEqual([digest(1), digest(2)]);
    expect(details).toMatchObject({ mediaType: OCI_MANIFEST, layersCount: 5, layersSize: 150, manifests: [], manifestsCount: 0 });
    expect(details.config).toEqual({ mediaType: OCI_CONFIG, digest: digest(0), size: 100 });
    expect(imageSize(1000, details)).toBe(1000 + 100 + 150);
  });

  it('reports an artifact type for artifacts, never an image config’s media type', () => {
    expect(describeManifest(image(1), 10).artifactType).toBeUndefined();
    expect(describeManifest(image(1, { artifactType: 'application/vnd.example.sbom' }), 10).artifactType).toBe('application/vnd.example.sbom');
    const signature = parsed({
      mediaType: OCI_MANIFEST,
      config: { mediaType: 'application/vnd.dev.cosign.artifact.sig.v1+json', digest: digest(0), size: 2 },
      layers: [],
    });
    expect(describeManifest(signature, 10).artifactType).toBe('application/vnd.dev.cosign.artifact.sig.v1+json');
    const empty = parsed({ mediaType: OCI_MANIFEST, config: { mediaType: 'application/vnd.oci.empty.v1+json', digest: digest(0), size: 2 }, layers: [] });
    expect(describeManifest(empty, 10).artifactType).toBeUndefined();
  });

  it('lists at most the limit of index entries, with their platforms, and counts them all', () => {
    const entries = Array.from({ length: 3 }, (_, i) => ({ mediaType: OCI_MANIFEST, digest: digest(i), size: 500, platform: { os: 'linux', architecture: `arch${i}` } }));
    const details = describeManifest(parsed({ mediaType: OCI_INDEX, manifests: entries, annotations: { a: 'b' } }, OCI_INDEX), 2);
    expect(details.manifests).toHaveLength(2);
    expect(details.manifests[1].platform).toEqual({ os: 'linux', architecture: 'arch1' });
    expect(details).toMatchObject({ mediaType: OCI_INDEX, config: null, layers: [], layersCount: 0, manifestsCount: 3, annotations: { a: 'b' } });
  });

  it('keeps the subject of a referrer', () => {
    const subject = { mediaType: OCI_MANIFEST, digest: digest(9), size: 7 };
    expect(describeManifest(image(0, { subject }), 10).subject).toEqual(subject);
  });
});
