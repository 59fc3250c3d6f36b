import { Readable } from 'node:stream';
import { BlobDownload } from '@cargohold/storage';

/**
 * The pull-through engine as the /v2/ routes use it (libs/upstream's PullThroughService, see
 * /work/wt/_notes/upstream-api.md): declared here by shape so the routes, the token scopes and the cache bookkeeping
 * stand on their own and the engine plugs in where the api module builds the router.
 */
export interface PullThroughUpstreamSpec {
  id: string;
  /** Stable per url and credentials: the engine caches upstream tokens under it. */
  key: string;
  url: string;
  username?: string;
  password?: string;
  cacheValidityHours: number;
}

export interface PullThroughSourceSpec {
  /** `vreg:<registry id>` or `dp:<group id>`: the cache namespace. */
  scope: string;
  /** In position order: the first that has the image wins. */
  upstreams: PullThroughUpstreamSpec[];
}

export interface ServedManifestShape {
  bytes: Buffer;
  digest: string;
  mediaType: string;
  /** Served stale because the upstream failed: sent as the `Warning` header. */
  warning?: string;
}

export type ServedBlobShape =
  | { kind: 'stored'; size: number; download: BlobDownload }
  | { kind: 'streaming'; size?: number; status: 200 | 206; contentRange?: string; body: Readable };

export interface PullThroughEngine {
  getManifest(source: PullThroughSourceSpec, image: string, reference: string, accept: string[]): Promise<ServedManifestShape>;
  getBlob(source: PullThroughSourceSpec, image: string, digest: string, range?: { start: number; end: number }): Promise<ServedBlobShape>;
  headBlob(source: PullThroughSourceSpec, image: string, digest: string): Promise<{ size: number }>;
}
