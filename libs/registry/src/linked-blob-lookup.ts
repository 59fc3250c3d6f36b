import { LinkedBlob } from './data/blob.repository';
import { RegistryContext } from './registry-context';

/**
 * The blob as `repositoryPath` links it, or null. From the api's read cache when the link was seen within its TTL
 * (a few seconds; every unlinking write invalidates the repository): a push HEADs every layer and mounts the ones
 * another repository has, and a pull GETs each. Only links are cached, never their absence.
 */
export async function findLinkedBlob(ctx: RegistryContext, repositoryPath: string, digest: string): Promise<LinkedBlob | null> {
  const cache = ctx.manifestCache;
  const hit = cache?.linkedBlob(repositoryPath, digest);
  if (hit) return hit;
  const ticket = cache?.begin(repositoryPath);
  const blob = await ctx.blobs.findLinked(ctx.db.manager, repositoryPath, digest);
  if (blob && cache && ticket !== undefined) cache.setLinkedBlob(repositoryPath, blob, ticket);
  return blob;
}
