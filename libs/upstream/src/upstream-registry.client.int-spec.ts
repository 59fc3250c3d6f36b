import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { pushUpstreamImage, pushUpstreamManifest, startUpstreamDistribution, UpstreamAuthMode, UpstreamDistribution } from '@cargohold/testing';
import { UpstreamError } from './upstream-error';
import { UpstreamRegistryClient } from './upstream-registry.client';
import { UpstreamTarget } from './upstream-target';

async function sha256Of(body: Readable): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of body) hash.update(chunk as Buffer);
  return `sha256:${hash.digest('hex')}`;
}

async function rejection(promise: Promise<unknown>): Promise<UpstreamError> {
  const error = await promise.then(
    () => undefined,
    (failure: unknown) => failure,
  );
  expect(error).toBeInstanceOf(UpstreamError);
  return error as UpstreamError;
}

describe.each<UpstreamAuthMode>(['anonymous', 'basic', 'token'])('UpstreamRegistryClient against distribution (%s)', (mode) => {
  let upstream: UpstreamDistribution;
  let client: UpstreamRegistryClient;
  let target: UpstreamTarget;

  beforeAll(async () => {
    upstream = await startUpstreamDistribution(mode);
    client = new UpstreamRegistryClient({ connectTimeoutMs: 2_000, idleTimeoutMs: 5_000, allowLocalRequests: async () => true });
    target = mode === 'anonymous' ? { key: 'u1', url: upstream.url } : { key: 'u1', url: upstream.url, username: upstream.username, password: upstream.password };
  });

  afterAll(async () => {
    await client?.close();
    await upstream?.close();
  });

  it('gets manifests by tag and digest byte for byte, HEADs them, and streams blobs and ranges', async () => {
    const image = await pushUpstreamImage(upstream, 'library/app', 'v1', [200_000, 3_000]);

    const byTag = await client.getManifest(target, 'library/app', 'v1');
    expect(byTag.bytes.equals(image.manifest)).toBe(true);
    expect(byTag.digest).toBe(image.digest);
    expect(byTag.mediaType).toBe('application/vnd.oci.image.manifest.v1+json');

    const byDigest = await client.getManifest(target, 'library/app', image.digest);
    expect(byDigest.bytes.equals(image.manifest)).toBe(true);

    const head = await client.headManifest(target, 'library/app', 'v1');
    expect(head).toMatchObject({ digest: image.digest, size: image.manifest.length, mediaType: 'application/vnd.oci.image.manifest.v1+json' });

    const blob = await client.getBlob(target, 'library/app', image.layers[0].digest);
    expect(blob.status).toBe(200);
    expect(blob.size).toBe(200_000);
    expect(await sha256Of(blob.body)).toBe(image.layers[0].digest);

    const range = await client.getBlob(target, 'library/app', image.layers[0].digest, { start: 10, end: 19 });
    expect(range.status).toBe(206);
    const chunks: Buffer[] = [];
    for await (const chunk of range.body) chunks.push(chunk as Buffer);
    expect(Buffer.concat(chunks).equals(image.layers[0].bytes.subarray(10, 20))).toBe(true);

    expect(await client.headBlob(target, 'library/app', image.layers[1].digest)).toMatchObject({ size: 3_000 });
  });

  it('tells a missing tag, a missing blob and an unreachable upstream apart', async () => {
    await pushUpstreamImage(upstream, 'library/other', 'v1', [100]);
    expect((await rejection(client.getManifest(target, 'library/other', 'nope'))).kind).toBe('not_found');
    expect((await rejection(client.headManifest(target, 'library/other', 'nope'))).kind).toBe('not_found');
    expect((await rejection(client.getBlob(target, 'library/other', `sha256:${'0'.repeat(64)}`))).kind).toBe('not_found');
    const closed = await rejection(client.getManifest({ key: 'gone', url: 'http://127.0.0.1:9' }, 'library/other', 'v1'));
    expect(closed.kind).toBe('unavailable');
  });

  it('passes the Accept list through: an index is served only to a client that accepts one', async () => {
    const child = await pushUpstreamImage(upstream, 'multi/arch', 'amd64', [100]);
    const index = Buffer.from(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: 'application/vnd.oci.image.index.v1+json',
        manifests: [{ mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: child.digest, size: child.manifest.length, platform: { architecture: 'amd64', os: 'linux' } }],
      }),
    );
    const indexDigest = await pushUpstreamManifest(upstream, 'multi/arch', 'latest', index, 'application/vnd.oci.image.index.v1+json');
    const fetched = await client.getManifest(target, 'multi/arch', 'latest');
    expect(fetched).toMatchObject({ digest: indexDigest, mediaType: 'application/vnd.oci.image.index.v1+json' });
    expect(fetched.bytes.equals(index)).toBe(true);
    // distribution answers 404 for an OCI index to a client accepting only Docker schema 2 images.
    const error = await rejection(client.getManifest(target, 'multi/arch', 'latest', ['application/vnd.docker.distribution.manifest.v2+json']));
    expect(error.kind).toBe('not_found');
  });

  if (mode !== 'anonymous') {
    it('refuses with unauthorized without credentials or with wrong ones', async () => {
      await pushUpstreamImage(upstream, 'private/app', 'v1', [100]);
      expect((await rejection(client.getManifest({ key: 'anon', url: upstream.url }, 'private/app', 'v1'))).kind).toBe('unauthorized');
      const wrong = { key: 'wrong', url: upstream.url, username: upstream.username, password: 'not-it' };
      expect((await rejection(client.getManifest(wrong, 'private/app', 'v1'))).kind).toBe('unauthorized');
    });
  }

  if (mode === 'token') {
    it('caches a token for its lifetime per upstream and repository', async () => {
      await pushUpstreamImage(upstream, 'cached/token', 'v1', [100]);
      const fresh = new UpstreamRegistryClient({ allowLocalRequests: async () => true });
      try {
        const before = upstream.tokensIssued();
        for (let i = 0; i < 3; i++) await fresh.getManifest(target, 'cached/token', 'v1');
        await fresh.headManifest(target, 'cached/token', 'v1');
        expect(upstream.tokensIssued() - before).toBe(1);
        await fresh.getManifest(target, 'library/app', 'v1');
        expect(upstream.tokensIssued() - before).toBe(2);
      } finally {
        await fresh.close();
      }
    });
  }
});

describe('UpstreamRegistryClient SSRF guard at connection time', () => {
  let upstream: UpstreamDistribution;
  let allowLocal = false;
  const client = new UpstreamRegistryClient({ connectTimeoutMs: 2_000, allowLocalRequests: async () => allowLocal });
  afterAll(async () => {
    await client.close();
    await upstream?.close();
  });

  it('refuses a name that resolves to loopback when the connection is made, and a loopback address, unless local requests are allowed', async () => {
    upstream = await startUpstreamDistribution('anonymous');
    const image = await pushUpstreamImage(upstream, 'guarded/app', 'v1', [100]);
    // `localhost` stands for a name that passed the check when the upstream was saved and now resolves to loopback.
    const byName = { key: 'by-name', url: upstream.url.replace('127.0.0.1', 'localhost') };
    const byAddress = { key: 'by-address', url: upstream.url };
    for (const target of [byName, byAddress]) {
      const refused = await rejection(client.getManifest(target, 'guarded/app', 'v1'));
      expect(refused.kind).toBe('unavailable');
      expect(refused.message).toMatch(/is blocked: Requests to localhost are not allowed/);
    }
    expect(upstream.requests().filter((line) => /^(GET|HEAD) \/v2\/guarded\/app\/manifests/.test(line))).toEqual([]);

    allowLocal = true;
    for (const target of [byName, byAddress]) expect((await client.getManifest(target, 'guarded/app', 'v1')).digest).toBe(image.digest);
  });
});

describe('UpstreamRegistryClient bounds', () => {
  let upstream: UpstreamDistribution;
  afterAll(async () => upstream?.close());

  it('refuses a manifest over the size limit', async () => {
    upstream = await startUpstreamDistribution('anonymous');
    const image = await pushUpstreamImage(upstream, 'big/manifest', 'v1', [100]);
    const client = new UpstreamRegistryClient({ maxManifestBytes: image.manifest.length - 1, allowLocalRequests: async () => true });
    try {
      const error = await client.getManifest({ key: 'u', url: upstream.url }, 'big/manifest', 'v1').catch((failure: unknown) => failure);
      expect(error).toBeInstanceOf(UpstreamError);
      expect((error as UpstreamError).kind).toBe('invalid');
    } finally {
      await client.close();
    }
  });
});
