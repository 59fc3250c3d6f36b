import { PullThroughService, PullThroughTarget } from '@cargohold/upstream';
import { PullThroughEngine, PullThroughSourceSpec, ServedBlobShape, ServedManifestShape } from './pull-through-engine';

/**
 * The /v2/ routes' PullThroughEngine over libs/upstream's PullThroughService: the source's upstreams become the
 * engine's targets, in the same order. The image arrives with `library/` already added for the dependency proxy
 * (parsePullThroughPath), so the targets ask for no prefix. The engine throws RegistryError, which the router maps.
 */
export class PullThroughEngineAdapter implements PullThroughEngine {
  constructor(private readonly service: PullThroughService) {}

  getManifest(source: PullThroughSourceSpec, image: string, reference: string, accept: string[]): Promise<ServedManifestShape> {
    return this.service.manifest(targets(source), image, reference, accept);
  }

  getBlob(source: PullThroughSourceSpec, image: string, digest: string, range?: { start: number; end: number }): Promise<ServedBlobShape> {
    return this.service.blob(targets(source), image, digest, range);
  }

  async headBlob(source: PullThroughSourceSpec, image: string, digest: string): Promise<{ size: number }> {
    return { size: await this.service.blobSize(targets(source), image, digest) };
  }
}

function targets(source: PullThroughSourceSpec): PullThroughTarget[] {
  return source.upstreams.map((upstream) => ({
    upstreamId: Number(upstream.id),
    url: upstream.url,
    cacheValidityHours: upstream.cacheValidityHours,
    credentials: upstream.username !== undefined && upstream.password !== undefined ? { username: upstream.username, password: upstream.password } : null,
    libraryPrefix: false,
  }));
}
