import { describeManifest, parseManifest, TagManifestDetails } from '@cargohold/registry';
import { presentTagManifest } from './tag-manifest.presenter';

const digest = (n: number) => `sha256:${n.toString(16).padStart(64, '0')}`;
const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
const OCI_INDEX = 'application/vnd.oci.image.index.v1+json';

/** The tag page's JSON is the web UI's contract (apps/web/src/api/types.ts TagManifest): names, order and absences. */
describe('presentTagManifest', () => {
  const at = { repositoryPath: 'group/app', tag: 'v1', host: 'registry.test:5000' };

  it('presents an index with a read and an unread platform, referrers and limits', () => {
    const doc = {
      schemaVersion: 2,
      mediaType: OCI_INDEX,
      manifests: [
        { mediaType: OCI_MANIFEST, digest: digest(1), size: 400, platform: { os: 'linux', architecture: 'arm64', variant: 'v8', 'os.version': '1', features: ['x'] } },
        { mediaType: OCI_MANIFEST, digest: digest(2), size: 300, annotations: {} },
      ],
    };
    const payload = Buffer.from(JSON.stringify(doc));
    const child = parseManifest(
      Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: OCI_MANIFEST, config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: digest(3), size: 50 }, layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', digest: digest(4), size: 1000, annotations: { k: 'v' } }] })),
      OCI_MANIFEST,
    );
    const manifest = describeManifest(parseManifest(payload, OCI_INDEX), 1000);
    const details: TagManifestDetails = {
      digest: digest(9),
      payload,
      manifest,
      platforms: [
        { entry: manifest.manifests[0], child: describeManifest(child, 1000), totalSize: 1450 },
        { entry: manifest.manifests[1], child: null, totalSize: 300 },
      ],
      totalSize: payload.length + 1750,
      referrers: [{ mediaType: OCI_MANIFEST, digest: digest(5), size: 600, artifactType: 'application/vnd.dev.cosign.artifact.sig.v1+json' }],
      truncated: false,
    };
    const platformOne = { digest: digest(1), media_type: OCI_MANIFEST, size: 400, platform: { os: 'linux', architecture: 'arm64', variant: 'v8', os_version: '1' } };
    const platformTwo = { digest: digest(2), media_type: OCI_MANIFEST, size: 300, platform: null };
    expect(JSON.stringify(presentTagManifest(details, at, true))).toBe(
      JSON.stringify({
        name: 'v1',
        path: 'group/app:v1',
        location: 'registry.test:5000/group/app:v1',
        digest: digest(9),
        size: payload.length,
        total_size: payload.length + 1750,
        media_type: OCI_INDEX,
        config: null,
        layers: [],
        layers_count: 0,
        manifests: [platformOne, platformTwo],
        manifests_count: 2,
        platforms: [
          {
            ...platformOne,
            config: { digest: digest(3), media_type: 'application/vnd.oci.image.config.v1+json', size: 50 },
            layers: [{ digest: digest(4), media_type: 'application/vnd.oci.image.layer.v1.tar+gzip', size: 1000, annotations: { k: 'v' } }],
            layers_count: 1,
            total_size: 1450,
            loaded: true,
          },
          { ...platformTwo, config: null, layers: [], layers_count: null, total_size: 300, loaded: false },
        ],
        referrers: [{ digest: digest(5), media_type: OCI_MANIFEST, artifact_type: 'application/vnd.dev.cosign.artifact.sig.v1+json', size: 600, annotations: {} }],
        truncated: false,
        limits: { children: 64, descriptors: 1000, child_manifest_bytes: 8 * 1024 * 1024, referrers: 100 },
        pull_command: 'docker pull registry.test:5000/group/app:v1',
        pull_by_digest: `registry.test:5000/group/app@${digest(9)}`,
        can_delete: true,
        raw: doc,
      }),
    );
  });

  it('presents an artifact with its type, subject and annotations, omitting what it does not have', () => {
    const doc = {
      schemaVersion: 2,
      mediaType: OCI_MANIFEST,
      artifactType: 'application/vnd.example.sbom',
      config: { mediaType: 'application/vnd.oci.empty.v1+json', digest: digest(1), size: 2 },
      layers: [],
      subject: { mediaType: OCI_MANIFEST, digest: digest(2), size: 10 },
      annotations: { created: 'now' },
    };
    const payload = Buffer.from(JSON.stringify(doc));
    const manifest = describeManifest(parseManifest(payload, OCI_MANIFEST), 1000);
    const presented = presentTagManifest({ digest: digest(3), payload, manifest, platforms: [], totalSize: payload.length + 2, referrers: [], truncated: true }, at, false);
    expect(presented).toMatchObject({
      artifact_type: 'application/vnd.example.sbom',
      subject: { digest: digest(2), media_type: OCI_MANIFEST, size: 10 },
      annotations: { created: 'now' },
      truncated: true,
      can_delete: false,
    });
    expect(Object.keys(presented).slice(6, 16)).toEqual([
      'media_type',
      'artifact_type',
      'config',
      'layers',
      'layers_count',
      'manifests',
      'manifests_count',
      'subject',
      'annotations',
      'platforms',
    ]);
    const plain = describeManifest(parseManifest(Buffer.from(JSON.stringify({ ...doc, artifactType: undefined, subject: undefined, annotations: {} })), OCI_MANIFEST), 1000);
    const bare = presentTagManifest({ digest: digest(3), payload, manifest: plain, platforms: [], totalSize: 0, referrers: [], truncated: false }, at, false);
    expect(bare).not.toHaveProperty('artifact_type');
    expect(bare).not.toHaveProperty('subject');
    expect(bare).not.toHaveProperty('annotations');
  });
});
