import { ManifestService } from '@cargohold/registry';
import { DescriptorView, imageSize, MANIFEST_VIEW_LIMITS, ManifestView, parseManifestView, PlatformView } from './manifest-details';

export interface PlatformViews {
  platforms: PlatformView[];
  /** Sum of the platforms' total sizes. */
  size: number;
  /** Whether a child, or some of a child's layers, was left out. */
  truncated: boolean;
}

type IndexEntry = ManifestView['manifests'][number];

/**
 * The platforms of an index for its tag view: each distinct child read once, at most MANIFEST_VIEW_LIMITS.children
 * of them, in one query that stops fetching payloads at MANIFEST_VIEW_LIMITS.childManifestBytes, and at most
 * `layerBudget` layers listed over all of them. Whatever is cut is counted (`layers_count`, `loaded`) and
 * reported as `truncated`, so the view's cost never grows with the number or size of entries a pusher wrote.
 */
export async function loadPlatformViews(manifests: ManifestService, repositoryPath: string, entries: IndexEntry[], layerBudget: number): Promise<PlatformViews> {
  const distinct = [...new Map(entries.map((entry) => [entry.digest, entry])).values()];
  const selected = distinct.slice(0, MANIFEST_VIEW_LIMITS.children);
  let truncated = distinct.length > selected.length;
  const found = new Map(
    (await manifests.findManyWithinBudget(repositoryPath, selected.map((entry) => entry.digest), MANIFEST_VIEW_LIMITS.childManifestBytes)).map((row) => [row.digest, row]),
  );

  let remaining = layerBudget;
  let size = 0;
  const platforms: PlatformView[] = [];
  for (const entry of selected) {
    const child = found.get(entry.digest);
    if (!child?.payload) {
      // Absent (nothing to show) or past the byte budget (left out: the view is truncated).
      if (child) truncated = true;
      platforms.push(unread(entry));
      size += entry.size;
      continue;
    }
    const parsed = parseManifestView(child.payload, child.mediaType, remaining);
    remaining -= parsed.view.layers.length;
    if (parsed.view.layers.length < parsed.view.layers_count) truncated = true;
    const total = imageSize(entry.size, parsed);
    platforms.push({ ...entry, config: parsed.view.config, layers: parsed.view.layers, layers_count: parsed.view.layers_count, total_size: total, loaded: true });
    size += total;
  }
  return { platforms, size, truncated };
}

function unread(entry: DescriptorView & { platform: PlatformView['platform'] }): PlatformView {
  return { ...entry, config: null, layers: [], layers_count: null, total_size: entry.size, loaded: false };
}
