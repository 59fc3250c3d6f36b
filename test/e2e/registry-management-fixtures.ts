import { randomBytes } from 'node:crypto';
import { digestOf, pushBlob, putManifest, RegistrySession } from '@cargohold/testing';

/**
 * Fixtures shared by the registry-management e2e specs: pushing images through the real /v2/ API and
 * waiting for the worker.
 */
export const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';

export interface PushedImage {
  digest: string;
  configDigest: string;
  layerDigest: string;
  configSize: number;
  layerSize: number;
  manifestSize: number;
}

/** Pushes one image (a random layer, so blobs are unique to it) and points every tag in `tags` at it. */
export async function pushImage(registry: RegistrySession, repository: string, tags: string[], layerSize = 2048): Promise<PushedImage> {
  const base = registry.baseUrl;
  const layer = randomBytes(layerSize);
  const layerDigest = await pushBlob(base, repository, layer, registry.fetch);
  const config = Buffer.from(JSON.stringify({ architecture: 'amd64', os: 'linux', rootfs: { type: 'layers', diff_ids: [] }, id: randomBytes(8).toString('hex') }));
  const configDigest = await pushBlob(base, repository, config, registry.fetch);
  const body = JSON.stringify({
    schemaVersion: 2,
    mediaType: OCI_MANIFEST,
    config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: configDigest, size: config.length },
    layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', digest: layerDigest, size: layer.length }],
  });
  for (const tag of tags) {
    const response = await putManifest(base, repository, tag, body, OCI_MANIFEST, registry.fetch);
    if (response.status !== 201) throw new Error(`push ${repository}:${tag}: ${response.status} ${await response.text()}`);
  }
  return { digest: digestOf(body), configDigest, layerDigest, configSize: config.length, layerSize: layer.length, manifestSize: Buffer.byteLength(body) };
}

/** Polls `check` until it returns a value other than undefined, or fails after `timeoutMs`. */
export async function waitFor<T>(what: string, check: () => Promise<T | undefined>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}
