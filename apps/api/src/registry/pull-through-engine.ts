import { Readable } from 'node:stream';
import { UpstreamTarget } from '@cargohold/registry';
import { BlobDownload } from '@cargohold/storage';

/**
 * The pull-through engine as the /v2/ routes use it: libs/upstream's PullThroughService (see
 * /work/wt/_notes/upstream-api.md), declared here by shape so the routes and token scopes stand on their own and the
 * engine plugs in where the api module provides PULL_THROUGH_ENGINE. Upstreams come in position order.
 */
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
  manifest(targets: UpstreamTarget[], image: string, reference: string, accept: string[]): Promise<ServedManifestShape>;
  blobSize(targets: UpstreamTarget[], image: string, digest: string): Promise<number>;
  blob(targets: UpstreamTarget[], image: string, digest: string, range?: { start: number; end: number }): Promise<ServedBlobShape>;
}
