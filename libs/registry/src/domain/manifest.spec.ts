import fc from 'fast-check';
import { RegistryError } from './errors';
import { MAX_MANIFEST_BYTES, type ParsedManifest, parseManifest, referencedBlobs, referencedManifests } from './manifest';
import {
  MEDIA_TYPE_DOCKER_MANIFEST,
  MEDIA_TYPE_DOCKER_MANIFEST_LIST,
  MEDIA_TYPE_OCI_INDEX,
  MEDIA_TYPE_OCI_MANIFEST,
} from './media-types';
import { thrown } from './thrown.spec-helper';

const d = (c: string) => `sha256:${c.repeat(64 / c.length)}`;

// Docker schema2, as `docker push` sends it (from the Docker image manifest v2.2 spec).
const DOCKER_SCHEMA2 = {
  schemaVersion: 2,
  mediaType: 'application/vnd.docker.distribution.manifest.v2+json',
  config: {
    mediaType: 'application/vnd.docker.container.image.v1+json',
    size: 7023,
    digest: 'sha256:b5b2b2c507a0944348e0303114d8d93aaaa081732b86451d9bce1f432a537bc7',
  },
  layers: [
    {
      mediaType: 'application/vnd.docker.image.rootfs.diff.tar.gzip',
      size: 32654,
      digest: 'sha256:e692418e4cbaf90ca69d05a66403747baa33ee08806650b51fab815ad7fc331f',
    },
    {
      mediaType: 'application/vnd.docker.image.rootfs.diff.tar.gzip',
      size: 16724,
      digest: 'sha256:3c3a4604a545cdc127456d94e421cd355bca5b528f4a9c1905b15da2eb4a4c6b',
    },
    {
      mediaType: 'application/vnd.docker.image.rootfs.diff.tar.gzip',
      size: 73109,
      digest: 'sha256:ec4b8955958665577945c89419d1af06b5f7636b4ac3da7f12184802ad867736',
    },
  ],
};

// OCI image manifest (from the OCI image-spec example).
const OCI_MANIFEST = {
  schemaVersion: 2,
  mediaType: 'application/vnd.oci.image.manifest.v1+json',
  config: {
    mediaType: 'application/vnd.oci.image.config.v1+json',
    digest: 'sha256:b5b2b2c507a0944348e0303114d8d93aaaa081732b86451d9bce1f432a537bc7',
    size: 7023,
  },
  layers: [
    {
      mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip',
      digest: 'sha256:9834876dcfb05cb167a5c24953eba58c4ac89b1adf57f28f2f9d09af107ee8f0',
      size: 32654,
    },
    {
      mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip',
      digest: 'sha256:3c3a4604a545cdc127456d94e421cd355bca5b528f4a9c1905b15da2eb4a4c6b',
      size: 16724,
    },
  ],
  annotations: { 'com.example.key1': 'value1', 'com.example.key2': 'value2' },
};

// Multi-arch manifest list as `docker buildx --platform linux/amd64,linux/arm64` pushes it.
const DOCKER_MANIFEST_LIST = {
  schemaVersion: 2,
  mediaType: 'application/vnd.docker.distribution.manifest.list.v2+json',
  manifests: [
    {
      mediaType: 'application/vnd.docker.distribution.manifest.v2+json',
      size: 7143,
      digest: 'sha256:e692418e4cbaf90ca69d05a66403747baa33ee08806650b51fab815ad7fc331f',
      platform: { architecture: 'amd64', os: 'linux' },
    },
    {
      mediaType: 'application/vnd.docker.distribution.manifest.v2+json',
      size: 7682,
      digest: 'sha256:5b0bcabd1ed22e9fb1310cf6c2dec7cdef19f0ad69efa1f392e94a4333501270',
      platform: { architecture: 'arm64', os: 'linux', variant: 'v8' },
    },
  ],
};

// OCI index with a Windows entry (os.version / os.features) and an attestation manifest.
const OCI_INDEX = {
  schemaVersion: 2,
  mediaType: 'application/vnd.oci.image.index.v1+json',
  manifests: [
    {
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      size: 7143,
      digest: 'sha256:e692418e4cbaf90ca69d05a66403747baa33ee08806650b51fab815ad7fc331f',
      platform: { architecture: 'ppc64le', os: 'linux' },
    },
    {
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      size: 7682,
      digest: 'sha256:5b0bcabd1ed22e9fb1310cf6c2dec7cdef19f0ad69efa1f392e94a4333501270',
      platform: {
        architecture: 'amd64',
        os: 'windows',
        'os.version': '10.0.17763.1040',
        'os.features': ['win32k'],
      },
    },
    {
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      size: 566,
      digest: 'sha256:5b0bcabd1ed22e9fb1310cf6c2dec7cdef19f0ad69efa1f392e94a4333501270',
      annotations: {
        'vnd.docker.reference.digest': 'sha256:e692418e4cbaf90ca69d05a66403747baa33ee08806650b51fab815ad7fc331f',
        'vnd.docker.reference.type': 'attestation-manifest',
      },
      platform: { architecture: 'unknown', os: 'unknown' },
    },
  ],
  annotations: { 'com.example.key1': 'value1' },
};

// Cosign signature stored as an OCI 1.1 artifact: empty config, artifactType, subject.
const COSIGN_SIGNATURE = {
  schemaVersion: 2,
  mediaType: 'application/vnd.oci.image.manifest.v1+json',
  artifactType: 'application/vnd.dev.cosign.artifact.sig.v1+json',
  config: {
    mediaType: 'application/vnd.oci.empty.v1+json',
    digest: 'sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a',
    size: 2,
    data: 'e30=',
  },
  layers: [
    {
      mediaType: 'application/vnd.dev.cosign.simplesigning.v1+json',
      digest: 'sha256:7bfe3bfc3da4da1b5e0b1b0dc1c1b5cf1b0d4ba2e7ecf2ad2f1bb6d8f1b3c9a0',
      size: 241,
      annotations: {
        'dev.cosignproject.cosign/signature':
          'MEUCIQDdmIr0KSgUtpqjNYcnwHWcC0jtnL/Fqj2PzIk/zwO2YgIgYVRzyXWRrx3PCGzq5O+dhzIcSwLHh2bcPTjdI5N4VHU=',
      },
    },
  ],
  subject: {
    mediaType: 'application/vnd.oci.image.manifest.v1+json',
    digest: 'sha256:9834876dcfb05cb167a5c24953eba58c4ac89b1adf57f28f2f9d09af107ee8f0',
    size: 1234,
  },
  annotations: { 'org.opencontainers.image.created': '2024-05-01T12:00:00Z' },
};

// Docker schema1 (signed), as very old clients push it.
const SCHEMA1 = {
  schemaVersion: 1,
  name: 'library/hello-world',
  tag: 'latest',
  architecture: 'amd64',
  fsLayers: [{ blobSum: 'sha256:5f70bf18a086007016e948b04aed3b82103a36bea41755b6cddfaf10ace3c6ef' }],
  history: [{ v1Compatibility: '{"id":"e45a5af57b00862e5ef5782a9925979a02ba2b12dff832fd0991335f4a11e5c5"}' }],
  signatures: [
    {
      header: { jwk: { crv: 'P-256', kty: 'EC', x: 'x', y: 'y' }, alg: 'ES256' },
      signature: 'sig',
      protected: 'prot',
    },
  ],
};

const json = (v: unknown) => Buffer.from(JSON.stringify(v));
const clone = <T>(v: T): T => JSON.parse(JSON.stringify(v)) as T;

function invalid(bytes: Buffer, contentType?: string): RegistryError {
  const e = thrown(() => parseManifest(bytes, contentType));
  expect(e.code).toBe('MANIFEST_INVALID');
  return e;
}

describe('parseManifest: accepted manifests', () => {
  it('parses a Docker schema2 manifest', () => {
    const m = parseManifest(json(DOCKER_SCHEMA2), MEDIA_TYPE_DOCKER_MANIFEST);
    expect(m).toEqual<ParsedManifest>({
      mediaType: MEDIA_TYPE_DOCKER_MANIFEST,
      kind: 'image',
      config: DOCKER_SCHEMA2.config,
      layers: DOCKER_SCHEMA2.layers,
      manifests: [],
      artifactType: 'application/vnd.docker.container.image.v1+json',
    });
    expect(referencedBlobs(m)).toEqual([DOCKER_SCHEMA2.config.digest, ...DOCKER_SCHEMA2.layers.map((l) => l.digest)]);
    expect(referencedManifests(m)).toEqual([]);
  });

  it('parses pretty-printed bytes the same as compact ones', () => {
    const pretty = Buffer.from(JSON.stringify(DOCKER_SCHEMA2, null, 3));
    expect(parseManifest(pretty, MEDIA_TYPE_DOCKER_MANIFEST)).toEqual(parseManifest(json(DOCKER_SCHEMA2), undefined));
  });

  it('parses an OCI image manifest with annotations', () => {
    const m = parseManifest(json(OCI_MANIFEST), `${MEDIA_TYPE_OCI_MANIFEST}; charset=utf-8`);
    expect(m.mediaType).toBe(MEDIA_TYPE_OCI_MANIFEST);
    expect(m.kind).toBe('image');
    expect(m.config).toEqual(OCI_MANIFEST.config);
    expect(m.layers).toHaveLength(2);
    expect(m.annotations).toEqual(OCI_MANIFEST.annotations);
    expect(m.subject).toBeUndefined();
    expect(m.artifactType).toBe('application/vnd.oci.image.config.v1+json');
    expect(referencedBlobs(m)).toEqual([
      OCI_MANIFEST.config.digest,
      OCI_MANIFEST.layers[0].digest,
      OCI_MANIFEST.layers[1].digest,
    ]);
  });

  it('parses a Docker manifest list with amd64 and arm64', () => {
    const m = parseManifest(json(DOCKER_MANIFEST_LIST), MEDIA_TYPE_DOCKER_MANIFEST_LIST);
    expect(m.kind).toBe('index');
    expect(m.mediaType).toBe(MEDIA_TYPE_DOCKER_MANIFEST_LIST);
    expect(m.config).toBeUndefined();
    expect(m.layers).toEqual([]);
    expect(m.manifests.map((x) => x.platform)).toEqual([
      { architecture: 'amd64', os: 'linux' },
      { architecture: 'arm64', os: 'linux', variant: 'v8' },
    ]);
    expect(m.artifactType).toBeUndefined();
    expect(referencedManifests(m)).toEqual(DOCKER_MANIFEST_LIST.manifests.map((x) => x.digest));
    expect(referencedBlobs(m)).toEqual([]);
  });

  it('parses an OCI index, mapping platform fields and deduplicating references', () => {
    const m = parseManifest(json(OCI_INDEX), MEDIA_TYPE_OCI_INDEX);
    expect(m.kind).toBe('index');
    expect(m.manifests[1].platform).toEqual({
      architecture: 'amd64',
      os: 'windows',
      osVersion: '10.0.17763.1040',
      osFeatures: ['win32k'],
    });
    expect(m.manifests[2].annotations).toEqual(OCI_INDEX.manifests[2].annotations);
    expect(m.annotations).toEqual({ 'com.example.key1': 'value1' });
    expect(referencedManifests(m)).toEqual([OCI_INDEX.manifests[0].digest, OCI_INDEX.manifests[1].digest]);
  });

  it('parses a cosign signature artifact with subject and artifactType', () => {
    const m = parseManifest(json(COSIGN_SIGNATURE), MEDIA_TYPE_OCI_MANIFEST);
    expect(m.artifactType).toBe('application/vnd.dev.cosign.artifact.sig.v1+json');
    expect(m.subject).toEqual(COSIGN_SIGNATURE.subject);
    expect(m.config).toEqual({
      mediaType: 'application/vnd.oci.empty.v1+json',
      digest: COSIGN_SIGNATURE.config.digest,
      size: 2,
    });
    expect(m.layers[0].annotations).toEqual(COSIGN_SIGNATURE.layers[0].annotations);
    // The subject need not exist in the registry, so it is not a required reference.
    expect(referencedBlobs(m)).toEqual([COSIGN_SIGNATURE.config.digest, COSIGN_SIGNATURE.layers[0].digest]);
  });

  it('leaves artifactType unset for an empty-config artifact that does not declare one', () => {
    const doc = clone(COSIGN_SIGNATURE) as Partial<typeof COSIGN_SIGNATURE>;
    delete doc.artifactType;
    expect(parseManifest(json(doc), undefined).artifactType).toBeUndefined();
  });

  it('accepts an artifact with no layers', () => {
    const doc = { ...clone(COSIGN_SIGNATURE), layers: [] };
    const m = parseManifest(json(doc), MEDIA_TYPE_OCI_MANIFEST);
    expect(m.layers).toEqual([]);
    expect(referencedBlobs(m)).toEqual([COSIGN_SIGNATURE.config.digest]);
  });

  it('accepts an index with subject and artifactType (OCI 1.1)', () => {
    const doc = { ...clone(OCI_INDEX), artifactType: 'application/vnd.example.sbom', subject: COSIGN_SIGNATURE.subject };
    const m = parseManifest(json(doc), undefined);
    expect(m.artifactType).toBe('application/vnd.example.sbom');
    expect(m.subject?.digest).toBe(COSIGN_SIGNATURE.subject.digest);
  });

  it('skips non-distributable layers that have urls, but not those without', () => {
    const foreign = {
      mediaType: 'application/vnd.docker.image.rootfs.foreign.diff.tar.gzip',
      size: 1,
      digest: d('1'),
      urls: ['https://mcr.microsoft.com/v2/windows/servercore/blobs/sha256:111'],
    };
    const nondist = {
      mediaType: 'application/vnd.oci.image.layer.nondistributable.v1.tar+gzip',
      size: 1,
      digest: d('2'),
      urls: ['https://example.com/layer'],
    };
    const foreignNoUrls = { mediaType: foreign.mediaType, size: 1, digest: d('3') };
    const doc = { ...clone(DOCKER_SCHEMA2), layers: [foreign, nondist, foreignNoUrls, DOCKER_SCHEMA2.layers[0]] };
    const m = parseManifest(json(doc), undefined);
    expect(m.layers[0].urls).toEqual(foreign.urls);
    expect(referencedBlobs(m)).toEqual([DOCKER_SCHEMA2.config.digest, d('3'), DOCKER_SCHEMA2.layers[0].digest]);
  });

  it('deduplicates repeated layers in referencedBlobs', () => {
    const doc = { ...clone(OCI_MANIFEST), layers: [OCI_MANIFEST.layers[0], OCI_MANIFEST.layers[0]] };
    const m = parseManifest(json(doc), undefined);
    expect(m.layers).toHaveLength(2);
    expect(referencedBlobs(m)).toEqual([OCI_MANIFEST.config.digest, OCI_MANIFEST.layers[0].digest]);
  });

  describe('media type resolution', () => {
    it('uses the mediaType field when there is no Content-Type', () => {
      expect(parseManifest(json(DOCKER_SCHEMA2), undefined).mediaType).toBe(MEDIA_TYPE_DOCKER_MANIFEST);
    });

    it('uses the Content-Type when the field is absent', () => {
      const { mediaType: _omit, ...doc } = DOCKER_SCHEMA2;
      expect(parseManifest(json(doc), MEDIA_TYPE_DOCKER_MANIFEST).mediaType).toBe(MEDIA_TYPE_DOCKER_MANIFEST);
    });

    it('treats generic JSON content types as absent', () => {
      expect(parseManifest(json(DOCKER_SCHEMA2), 'application/json').mediaType).toBe(MEDIA_TYPE_DOCKER_MANIFEST);
      expect(parseManifest(json(DOCKER_SCHEMA2), 'application/octet-stream').mediaType).toBe(MEDIA_TYPE_DOCKER_MANIFEST);
    });

    it('compares case-insensitively and without parameters', () => {
      const m = parseManifest(json(OCI_MANIFEST), 'Application/VND.OCI.Image.Manifest.v1+json; charset=utf-8');
      expect(m.mediaType).toBe(MEDIA_TYPE_OCI_MANIFEST);
    });

    it('infers an OCI index from a manifests array', () => {
      const { mediaType: _omit, ...doc } = OCI_INDEX;
      const m = parseManifest(json(doc), undefined);
      expect(m.mediaType).toBe(MEDIA_TYPE_OCI_INDEX);
      expect(m.kind).toBe('index');
    });

    it('infers an OCI manifest from config and layers', () => {
      const { mediaType: _omit, ...doc } = OCI_MANIFEST;
      const m = parseManifest(json(doc), 'application/json');
      expect(m.mediaType).toBe(MEDIA_TYPE_OCI_MANIFEST);
      expect(m.kind).toBe('image');
    });
  });
});

describe('parseManifest: rejected manifests', () => {
  it('rejects schema1', () => {
    expect(invalid(json(SCHEMA1)).message).toBe('schema1 manifests are not supported');
    expect(invalid(json(SCHEMA1), 'application/vnd.docker.distribution.manifest.v1+prettyjws').message).toBe(
      'schema1 manifests are not supported',
    );
  });

  it('rejects a schema1 content type even with schemaVersion 2', () => {
    expect(invalid(json(OCI_MANIFEST), 'application/vnd.docker.distribution.manifest.v1+json').message).toMatch(/schema1/);
  });

  it.each([
    ['plain text', 'hello'],
    ['truncated JSON', JSON.stringify(OCI_MANIFEST).slice(0, -1)],
    ['empty body', ''],
    ['trailing garbage', `${JSON.stringify(OCI_MANIFEST)}x`],
  ])('rejects %s as not valid JSON', (_label, text) => {
    expect(invalid(Buffer.from(text)).message).toBe('manifest is not valid JSON');
  });

  it.each([
    ['an array', '[]'],
    ['null', 'null'],
    ['a number', '2'],
    ['a string', '"manifest"'],
  ])('rejects %s at the top level', (_label, text) => {
    expect(invalid(Buffer.from(text)).message).toMatch(/^manifest is not valid JSON/);
  });

  it('rejects invalid UTF-8', () => {
    const bytes = Buffer.concat([Buffer.from('{"schemaVersion":2,"x":"'), Buffer.from([0xc3, 0x28]), Buffer.from('"}')]);
    expect(invalid(bytes).message).toBe('manifest is not valid JSON');
  });

  it('rejects a UTF-8 byte order mark', () => {
    const bytes = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), json(OCI_MANIFEST)]);
    expect(invalid(bytes).message).toBe('manifest is not valid JSON');
  });

  it('rejects 1000-deep nested arrays quickly, before JSON.parse', () => {
    const body = Buffer.from(`{"schemaVersion":2,"x":${'['.repeat(1000)}${']'.repeat(1000)}}`);
    const parse = jest.spyOn(JSON, 'parse');
    try {
      const started = process.hrtime.bigint();
      expect(invalid(body).message).toMatch(/nests deeper than 64/);
      expect(Number(process.hrtime.bigint() - started) / 1e6).toBeLessThan(200);
      expect(parse).not.toHaveBeenCalled();
    } finally {
      parse.mockRestore();
    }
  });

  it('rejects a million-deep unbalanced nesting without a stack overflow', () => {
    expect(invalid(Buffer.from('['.repeat(1_000_000))).message).toMatch(/nests deeper/);
  });

  it('does not count brackets inside strings toward depth', () => {
    const doc = { ...clone(OCI_MANIFEST), annotations: { brackets: `${'['.repeat(500)}\\"{{{` } };
    expect(parseManifest(json(doc), undefined).annotations?.brackets).toBe(doc.annotations.brackets);
  });

  it('rejects manifests over the size limit as MANIFEST_TOO_LARGE', () => {
    const e = thrown(() => parseManifest(Buffer.alloc(MAX_MANIFEST_BYTES + 1, 0x20), undefined));
    expect(e.code).toBe('MANIFEST_TOO_LARGE');
    expect(e.detail).toEqual({ size: MAX_MANIFEST_BYTES + 1, limit: MAX_MANIFEST_BYTES });
  });

  it('rejects a mediaType that differs from Content-Type', () => {
    const e = invalid(json(DOCKER_SCHEMA2), MEDIA_TYPE_OCI_MANIFEST);
    expect(e.message).toMatch(/does not match Content-Type/);
    expect(e.detail).toEqual({ mediaType: MEDIA_TYPE_DOCKER_MANIFEST, contentType: MEDIA_TYPE_OCI_MANIFEST });
  });

  it('rejects an index body pushed as an image manifest', () => {
    invalid(json(OCI_INDEX), MEDIA_TYPE_OCI_MANIFEST);
    const { mediaType: _omit, ...doc } = OCI_INDEX;
    expect(invalid(json(doc), MEDIA_TYPE_OCI_MANIFEST).message).toMatch(/must not contain "manifests"/);
  });

  it('rejects a document that is both an index and an image (CVE-2021-41190)', () => {
    const both = { ...clone(OCI_INDEX), config: OCI_MANIFEST.config, layers: OCI_MANIFEST.layers };
    expect(invalid(json(both)).message).toMatch(/must not contain "config" or "layers"/);
  });

  it('rejects an unsupported media type', () => {
    expect(invalid(json({ ...OCI_MANIFEST, mediaType: 'application/vnd.example+json' })).message).toMatch(
      /unsupported manifest media type/,
    );
    const { mediaType: _omit, ...doc } = OCI_MANIFEST;
    expect(invalid(json(doc), 'text/html').message).toMatch(/unsupported manifest media type "text\/html"/);
  });

  it('rejects a manifest whose type cannot be determined', () => {
    expect(invalid(json({ schemaVersion: 2 })).message).toMatch(/cannot determine/);
  });

  it.each([
    ['missing', undefined],
    ['3', 3],
    ['"2"', '2'],
  ])('rejects schemaVersion %s', (_label, schemaVersion) => {
    expect(invalid(json({ ...OCI_MANIFEST, schemaVersion })).message).toBe('schemaVersion must be 2');
  });

  it('requires config in an image manifest', () => {
    const { config: _omit, ...doc } = OCI_MANIFEST;
    expect(invalid(json(doc)).message).toMatch(/^config: required/);
  });

  it('requires layers to be an array', () => {
    expect(invalid(json({ ...OCI_MANIFEST, layers: undefined })).message).toBe('layers: must be an array');
    expect(invalid(json({ ...OCI_MANIFEST, layers: {} })).message).toBe('layers: must be an array');
  });

  it('requires manifests to be an array in an index', () => {
    expect(invalid(json({ ...OCI_INDEX, manifests: null })).message).toBe('manifests: must be an array');
  });

  const layer = OCI_MANIFEST.layers[0];
  it.each<[string, unknown, RegExp]>([
    ['uppercase hex', { ...layer, digest: layer.digest.toUpperCase().replace('SHA256', 'sha256') }, /layers\[0\]\.digest: invalid sha256/],
    ['63-char sha256', { ...layer, digest: layer.digest.slice(0, -1) }, /layers\[0\]\.digest: invalid sha256/],
    ['wrong length', { ...layer, digest: `sha256:${'a'.repeat(128)}` }, /layers\[0\]\.digest/],
    ['md5', { ...layer, digest: 'md5:d41d8cd98f00b204e9800998ecf8427e' }, /unsupported digest algorithm "md5"/],
    ['no digest', { mediaType: layer.mediaType, size: 1 }, /layers\[0\]\.digest: must be a string/],
    ['negative size', { ...layer, size: -1 }, /layers\[0\]\.size/],
    ['fractional size', { ...layer, size: 1.5 }, /layers\[0\]\.size/],
    ['string size', { ...layer, size: '10' }, /layers\[0\]\.size/],
    ['unsafe size', { ...layer, size: 2 ** 53 }, /layers\[0\]\.size/],
    ['missing size', { mediaType: layer.mediaType, digest: layer.digest }, /layers\[0\]\.size/],
    ['empty mediaType', { ...layer, mediaType: '' }, /layers\[0\]\.mediaType/],
    ['malformed mediaType', { ...layer, mediaType: 'not a type' }, /layers\[0\]\.mediaType/],
    ['non-string annotation', { ...layer, annotations: { a: 1 } }, /layers\[0\]\.annotations/],
    ['array annotations', { ...layer, annotations: ['a'] }, /layers\[0\]\.annotations/],
    ['non-string urls', { ...layer, urls: [1] }, /layers\[0\]\.urls/],
    ['non-string data', { ...layer, data: 1 }, /layers\[0\]\.data/],
    ['bad artifactType', { ...layer, artifactType: 7 }, /layers\[0\]\.artifactType/],
    ['a non-object', 'sha256:abc', /layers\[0\]: must be a descriptor object/],
  ])('rejects a layer with %s', (_label, bad, message) => {
    const e = invalid(json({ ...OCI_MANIFEST, layers: [bad] }));
    expect(e.message).toMatch(message);
  });

  it('rejects a bad config descriptor and a bad subject', () => {
    expect(invalid(json({ ...OCI_MANIFEST, config: { ...OCI_MANIFEST.config, digest: 'sha256:xyz' } })).message).toMatch(
      /^config\.digest/,
    );
    expect(invalid(json({ ...COSIGN_SIGNATURE, subject: { mediaType: 'a/b', digest: 'x', size: 1 } })).message).toMatch(
      /^subject\.digest/,
    );
  });

  it.each<[string, unknown, RegExp]>([
    ['missing os', { architecture: 'amd64' }, /manifests\[0\]\.platform\.os/],
    ['numeric architecture', { architecture: 1, os: 'linux' }, /manifests\[0\]\.platform\.architecture/],
    ['bad os.features', { architecture: 'amd64', os: 'windows', 'os.features': 'win32k' }, /os\.features/],
    ['bad variant', { architecture: 'arm', os: 'linux', variant: 7 }, /variant/],
  ])('rejects a platform with %s', (_label, platform, message) => {
    const doc = clone(DOCKER_MANIFEST_LIST);
    (doc.manifests[0] as Record<string, unknown>).platform = platform;
    expect(invalid(json(doc)).message).toMatch(message);
  });

  it('rejects bad top-level annotations and artifactType', () => {
    expect(invalid(json({ ...OCI_MANIFEST, annotations: 'x' })).message).toMatch(/^annotations/);
    expect(invalid(json({ ...OCI_MANIFEST, artifactType: '' })).message).toMatch(/^artifactType/);
  });

  it('keeps an annotation named __proto__ as plain data', () => {
    const text = JSON.stringify(OCI_MANIFEST).replace('"com.example.key1"', '"__proto__"');
    const m = parseManifest(Buffer.from(text), undefined);
    expect(Object.getPrototypeOf(m.annotations)).toBe(Object.prototype);
    expect(Object.keys(m.annotations ?? {})).toEqual(['__proto__', 'com.example.key2']);
  });
});

describe('parseManifest: properties', () => {
  function onlyManifestInvalid(run: () => unknown): void {
    try {
      run();
    } catch (e) {
      expect(e).toBeInstanceOf(RegistryError);
      expect((e as RegistryError).code).toBe('MANIFEST_INVALID');
    }
  }

  it('throws only RegistryError(MANIFEST_INVALID) on arbitrary bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 512 }), fc.option(fc.string()), (bytes, ct) => {
        onlyManifestInvalid(() => parseManifest(Buffer.from(bytes), ct ?? undefined));
      }),
    );
  });

  it('throws only RegistryError(MANIFEST_INVALID) on arbitrary JSON', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (v) => {
        onlyManifestInvalid(() => parseManifest(json(v), undefined));
      }),
    );
  });

  it('throws only RegistryError(MANIFEST_INVALID) when fields of a real manifest are replaced by arbitrary JSON', () => {
    const fields = ['mediaType', 'config', 'layers', 'subject', 'annotations', 'artifactType', 'manifests'];
    fc.assert(
      fc.property(
        fc.constantFrom(OCI_MANIFEST, DOCKER_SCHEMA2, COSIGN_SIGNATURE, OCI_INDEX),
        fc.constantFrom(...fields),
        fc.jsonValue(),
        (base, field, value) => {
          onlyManifestInvalid(() => {
            const m = parseManifest(json({ ...base, [field]: value }), undefined);
            expect(['image', 'index']).toContain(m.kind);
          });
        },
      ),
    );
  });

  it('accepts generated image manifests and reports their blobs', () => {
    const hex = fc.string({ unit: fc.constantFrom(...'0123456789abcdef'), minLength: 64, maxLength: 64 });
    const descriptor = fc.record({
      mediaType: fc.constantFrom('application/vnd.oci.image.layer.v1.tar+gzip', 'application/vnd.example.thing+json'),
      digest: hex.map((h) => `sha256:${h}`),
      size: fc.nat(),
    });
    fc.assert(
      fc.property(descriptor, fc.array(descriptor, { maxLength: 10 }), (config, layers) => {
        const m = parseManifest(json({ schemaVersion: 2, config, layers }), MEDIA_TYPE_OCI_MANIFEST);
        expect(m.config).toEqual(config);
        expect(m.layers).toEqual(layers);
        expect(referencedBlobs(m)).toEqual([...new Set([config.digest, ...layers.map((l) => l.digest)])]);
      }),
    );
  });
});

describe('parseManifest: duplicate keys', () => {
  const text = JSON.stringify(OCI_MANIFEST);

  it.each([
    ['at the top level', text.replace('{"schemaVersion":2,', '{"schemaVersion":2,"schemaVersion":2,'), 'schemaVersion', ''],
    ['in the config', text.replace('"size":7023', '"size":7023,"size":1'), 'size', 'config'],
    ['in a layer', text.replace(/("digest":"sha256:9834876dcfb05cb167a5c24953eba58c4ac89b1adf57f28f2f9d09af107ee8f0")/, '$1,"digest":"sha256:9834876dcfb05cb167a5c24953eba58c4ac89b1adf57f28f2f9d09af107ee8f0"'), 'digest', 'layers[0]'],
    ['spelled with an escape', text.replace('{"schemaVersion":2,', '{"schemaVersion":2,"\\u0073chemaVersion":2,'), 'schemaVersion', ''],
  ])('refuses a key twice %s with MANIFEST_INVALID naming the key', (_label, body, key, path) => {
    expect(body).not.toBe(text);
    const e = thrown(() => parseManifest(Buffer.from(body), MEDIA_TYPE_OCI_MANIFEST));
    expect(e.code).toBe('MANIFEST_INVALID');
    expect(e.message).toContain(`"${key}"`);
    expect(e.detail).toEqual({ key, path });
  });

  it('accepts equal keys in different objects', () => {
    expect(parseManifest(Buffer.from(text), MEDIA_TYPE_OCI_MANIFEST).layers).toHaveLength(OCI_MANIFEST.layers.length);
  });
});
