/**
 * A descriptor names content by digest AND size; clients use the size to bound what they read and to preallocate.
 * A manifest whose descriptor size differs from the stored content would send every puller a wrong promise (a
 * verifying client fails the pull, a careless one reads past or short), so the push is refused instead.
 */
import { RegistryError } from './errors';
import { type ParsedManifest } from './manifest';
import { isNonDistributableLayerMediaType } from './media-types';

export interface SizeMismatch {
  /** The descriptor's place in the manifest: `config`, `layers[3]`, `manifests[0]`. */
  field: string;
  digest: string;
  /** What the descriptor says. */
  declared: number;
  /** What the registry holds: the blob's length, or a child manifest's payload length. */
  stored: number;
}

/**
 * The first descriptor of `manifest` whose size differs from the stored content's. `blobSizes` and
 * `manifestSizes` hold what the repository has; digests absent from them are reported elsewhere (as missing), as
 * are non-distributable layers with `urls`, which this registry does not hold.
 */
export function findSizeMismatch(manifest: ParsedManifest, blobSizes: ReadonlyMap<string, number>, manifestSizes: ReadonlyMap<string, number>): SizeMismatch | null {
  const check = (field: string, digest: string, declared: number, stored: number | undefined): SizeMismatch | null =>
    stored !== undefined && stored !== declared ? { field, digest, declared, stored } : null;
  if (manifest.config) {
    const mismatch = check('config', manifest.config.digest, manifest.config.size, blobSizes.get(manifest.config.digest));
    if (mismatch) return mismatch;
  }
  for (const [i, layer] of manifest.layers.entries()) {
    if (isNonDistributableLayerMediaType(layer.mediaType) && layer.urls && layer.urls.length > 0) continue;
    const mismatch = check(`layers[${i}]`, layer.digest, layer.size, blobSizes.get(layer.digest));
    if (mismatch) return mismatch;
  }
  for (const [i, child] of manifest.manifests.entries()) {
    const mismatch = check(`manifests[${i}]`, child.digest, child.size, manifestSizes.get(child.digest));
    if (mismatch) return mismatch;
  }
  return null;
}

/**
 * MANIFEST_BLOB_UNKNOWN, as for a descriptor naming nothing stored: a (digest, size) pair that matches no content
 * is an unknown reference. Neither distribution nor GitLab's registry compares sizes (both only check existence),
 * so this is the code their clients already handle for a bad reference.
 */
export function sizeMismatchError(mismatch: SizeMismatch): RegistryError {
  return new RegistryError(
    'MANIFEST_BLOB_UNKNOWN',
    `${mismatch.field} declares size ${mismatch.declared} for ${mismatch.digest}, but the registry holds ${mismatch.stored} bytes for it`,
    { digest: mismatch.digest, field: mismatch.field, declared: mismatch.declared, stored: mismatch.stored },
  );
}
