import { ImageRepositoryRow } from '../data/image-repository.repository';
import { Descriptor } from '../domain/descriptor';
import { RegistryError } from '../domain/errors';
import { parseManifest, ParsedManifest } from '../domain/manifest';
import { isValidTag } from '../domain/reference';
import { ManagementError } from '../management/management-error';
import { ManifestService } from '../manifest.service';
import { ReferrerDescriptor } from '../referrers-page';
import { RegistryContext } from '../registry-context';
import { describeManifest, imageSize, MANIFEST_DETAILS_LIMITS, ManifestDetails } from './manifest-details';

/** One entry of an index with what was read of the child it names. */
export interface PlatformDetails {
  /** The index's descriptor of the child (with its `platform`). */
  entry: Descriptor;
  /** The child, its layers cut at what was left of the view's budget; null when it was not read. */
  child: ManifestDetails | null;
  /** The child manifest, its config and all its layers; the descriptor's size alone when the child was not read. */
  totalSize: number;
}

/** What the tag page shows of a tag: the manifest, the platforms of an index, the referrers; every list bounded. */
export interface TagManifestDetails {
  digest: string;
  /** The stored bytes, exactly as pushed. */
  payload: Buffer;
  manifest: ManifestDetails;
  platforms: PlatformDetails[];
  /** An image: the manifest, its config and all its layers; an index: the manifest and every platform's total size. */
  totalSize: number;
  /** One page of the referrers API (signatures, SBOMs): at most MANIFEST_DETAILS_LIMITS.referrers. */
  referrers: ReferrerDescriptor[];
  /** Whether a list was cut or a child left unread. */
  truncated: boolean;
}

/**
 * The tag page's read model, from the stored manifests and the registry's one manifest parser. Bounded: at most
 * MANIFEST_DETAILS_LIMITS.children distinct children read, in one query that stops fetching payloads at
 * MANIFEST_DETAILS_LIMITS.childManifestBytes, at most MANIFEST_DETAILS_LIMITS.descriptors descriptors listed.
 */
export class TagManifestDetailsService {
  private readonly manifests: ManifestService;

  constructor(private readonly ctx: RegistryContext) {
    this.manifests = new ManifestService(ctx);
  }

  /** The image repository `repositoryId` if it belongs to project `projectId`; ManagementError NOT_FOUND otherwise. */
  async repositoryOf(projectId: number, repositoryId: number): Promise<ImageRepositoryRow> {
    const repository = await this.ctx.repositories.findById(this.ctx.db.manager, repositoryId);
    if (!repository || repository.projectId !== projectId) throw ManagementError.notFound('Repository');
    return repository;
  }

  /** The tag's details; ManagementError NOT_FOUND when the repository has no such tag. */
  async describe(repositoryPath: string, tag: string): Promise<TagManifestDetails> {
    if (!isValidTag(tag)) throw ManagementError.notFound('Tag');
    const stored = await this.manifests.get(repositoryPath, tag).catch((error: unknown) => {
      throw error instanceof RegistryError && error.code === 'MANIFEST_UNKNOWN' ? ManagementError.notFound('Tag') : error;
    });
    const limits = MANIFEST_DETAILS_LIMITS;
    const manifest = describeManifest(parseStored(stored.payload, stored.mediaType), limits.descriptors);
    const index = await this.platforms(repositoryPath, manifest.manifests, limits.descriptors);
    // One page of the referrers API: at most `limits.referrers`, and `next` says there are more.
    const referrers = await this.manifests.referrers(repositoryPath, stored.digest, { n: limits.referrers });
    return {
      digest: stored.digest,
      payload: stored.payload,
      manifest,
      platforms: index.platforms,
      totalSize: manifest.manifestsCount > 0 ? stored.payload.length + index.size : imageSize(stored.payload.length, manifest),
      referrers: referrers.descriptors,
      truncated:
        manifest.layers.length < manifest.layersCount || manifest.manifests.length < manifest.manifestsCount || index.truncated || referrers.next !== undefined,
    };
  }

  /**
   * The platforms of an index: each distinct child read once, at most `children` of them, payloads within the byte
   * budget, and at most `layerBudget` layers listed over all of them. What is cut is counted and reported as truncated.
   */
  private async platforms(repositoryPath: string, entries: Descriptor[], layerBudget: number): Promise<{ platforms: PlatformDetails[]; size: number; truncated: boolean }> {
    const distinct = [...new Map(entries.map((entry) => [entry.digest, entry])).values()];
    const selected = distinct.slice(0, MANIFEST_DETAILS_LIMITS.children);
    let truncated = distinct.length > selected.length;
    const digests = selected.map((entry) => entry.digest);
    const found = new Map(
      (await this.manifests.findManyWithinBudget(repositoryPath, digests, MANIFEST_DETAILS_LIMITS.childManifestBytes)).map((row) => [row.digest, row]),
    );
    let remaining = layerBudget;
    let size = 0;
    const platforms: PlatformDetails[] = [];
    for (const entry of selected) {
      const stored = found.get(entry.digest);
      if (!stored?.payload) {
        // Absent (nothing to show) or past the byte budget (left out: the view is truncated).
        if (stored) truncated = true;
        platforms.push({ entry, child: null, totalSize: entry.size });
        size += entry.size;
        continue;
      }
      const child = describeManifest(parseStored(stored.payload, stored.mediaType), remaining);
      remaining -= child.layers.length;
      if (child.layers.length < child.layersCount) truncated = true;
      const totalSize = imageSize(entry.size, child);
      platforms.push({ entry, child, totalSize });
      size += totalSize;
    }
    return { platforms, size, truncated };
  }
}

/**
 * A stored manifest, parsed as on push. One stored before a rule was tightened may not parse any more: it is shown
 * with its media type and no descriptors rather than failing the page.
 */
function parseStored(payload: Buffer, mediaType: string): ParsedManifest {
  try {
    return parseManifest(payload, mediaType);
  } catch (error) {
    if (!(error instanceof RegistryError)) throw error;
    return { mediaType, kind: 'image', layers: [], manifests: [] };
  }
}
