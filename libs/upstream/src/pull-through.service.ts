import { randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import type { Logger } from '@cargohold/common';
import { blobEntryPath, manifestEntryPath, parseReference, PullThroughCatalog, RegistryError, type CacheEntryRow, type UpstreamTarget as CatalogTarget } from '@cargohold/registry';
import type { BlobDownload, BlobStore } from '@cargohold/storage';
import { BlobTee } from './blob-tee';
import { isDigest } from './digests';
import { FetchLeases } from './fetch-leases';
import { DEFAULT_MANIFEST_ACCEPT } from './media-types';
import {
  pullThroughHits,
  pullThroughMisses,
  pullThroughRevalidations,
  pullThroughStaleServed,
  upstreamBytesFetched,
  upstreamErrors,
  upstreamRateLimitRemaining,
} from './pull-through-metrics';
import { UpstreamError } from './upstream-error';
import { UpstreamMeta, UpstreamRegistryClient } from './upstream-registry.client';
import { UpstreamTarget as ClientTarget } from './upstream-target';

/** What the engine needs of an upstream: the catalog's UpstreamTarget has it, in position order. */
export type PullThroughTarget = Pick<CatalogTarget, 'upstreamId' | 'url' | 'cacheValidityHours' | 'credentials' | 'libraryPrefix'>;

export interface ServedManifest {
  /** The bytes exactly as the upstream sent them. */
  bytes: Buffer;
  digest: string;
  mediaType: string;
  /** Set when the manifest is served past its validity because the upstreams failed: the `Warning` header's value. */
  warning?: string;
}

export type ServedBlob =
  /** From the content-addressed store: `download.sendTo(response)`. */
  | { kind: 'stored'; size: number; download: BlobDownload }
  /**
   * From an upstream as it arrives (a miss, or a range of one): pipe `body` to the response; an error on `body` means
   * the download failed and the response must be cut short (its Content-Length then tells the client).
   */
  | { kind: 'streaming'; status: 200 | 206; size?: number; contentRange?: string; body: Readable };

export interface PullThroughOptions {
  /** How long a download's lease lives without renewal (a crashed replica delays the next download by this). */
  leaseMs?: number;
  /** How long a pull waits for another pull's download of the same blob before it gives up. */
  followerWaitMs?: number;
  /** The clock validity is measured with (tests move it). */
  now?: () => number;
}

const WARNING_STALE = '110 - "Response is Stale: the upstream could not be reached"';
const MAX_CACHED_MANIFEST_BYTES = 4 * 1024 * 1024;
const RECORD_ATTEMPTS = 3;

/**
 * The pull-through cache: manifests and blobs of a virtual registry's upstreams (or a group's dependency proxy),
 * tried in position order, kept in the content-addressed store with a cache entry per upstream and path.
 *
 * - A tag younger than its upstream's cache_validity_hours is served from the cache, no upstream request; an older
 *   one costs one HEAD (same digest: only its checked time moves; another digest: the manifest is fetched,
 *   verified and stored byte for byte). By digest: the cache, or a fetch verified against the digest.
 * - Stale-if-error: when every upstream fails (down, timeout, 429, 5xx, refusing credentials), a cached manifest is
 *   served past its validity with a Warning; only what was never cached fails.
 * - A blob not cached is streamed to the client while it is hashed into an upload, published to the store only
 *   when its digest matched. One download per blob at a time across replicas (a Redis lease); the other pulls wait
 *   for it and read the stored blob.
 */
export class PullThroughService {
  private readonly leaseMs: number;
  private readonly followerWaitMs: number;
  private readonly now: () => number;
  /** This process's downloads in progress, by digest: local followers wait on the promise, not on Redis. */
  private readonly downloads = new Map<string, Promise<void>>();

  constructor(
    private readonly catalog: PullThroughCatalog,
    private readonly store: BlobStore,
    private readonly client: UpstreamRegistryClient,
    private readonly leases: FetchLeases,
    private readonly logger: Logger,
    options: PullThroughOptions = {},
  ) {
    this.leaseMs = options.leaseMs ?? 30_000;
    this.followerWaitMs = options.followerWaitMs ?? 10 * 60_000;
    this.now = options.now ?? Date.now;
  }

  /** A manifest by tag or digest through the upstreams (in position order). `accept`: the client's Accept values. */
  async manifest(targets: PullThroughTarget[], image: string, reference: string, accept: string[]): Promise<ServedManifest> {
    parseReference(reference);
    const wanted = accept.length > 0 ? accept : DEFAULT_MANIFEST_ACCEPT;
    const path = (target: PullThroughTarget) => manifestEntryPath(upstreamImage(target, image), reference);
    const cached = await this.cachedEntries(targets, path);
    const usable = cached.filter(({ entry }) => acceptable(wanted, entry.contentType));
    if (isDigest(reference)) {
      for (const { entry } of usable) {
        const served = await this.readManifest(entry);
        if (served) return this.hit('manifest', served, entry);
      }
    } else {
      for (const { target, entry } of usable) {
        if (!this.isValid(target, entry)) continue;
        const served = await this.readManifest(entry);
        if (served) return this.hit('manifest', served, entry);
      }
    }

    const failures: UpstreamError[] = [];
    for (const target of targets) {
      const entry = usable.find((candidate) => candidate.target === target)?.entry;
      try {
        if (entry && !isDigest(reference)) {
          const head = await this.client.headManifest(clientTarget(target), upstreamImage(target, image), reference, wanted);
          this.observe(target, head);
          if (head.digest === entry.digest) {
            const served = await this.readManifest(entry);
            if (served) {
              pullThroughRevalidations.inc({ result: 'unchanged' });
              await this.catalog.entries.markChecked(this.catalog.db.manager, target.upstreamId, path(target));
              return this.hit('manifest', served, entry);
            }
          }
          pullThroughRevalidations.inc({ result: 'changed' });
        }
        const fetched = await this.client.getManifest(clientTarget(target), upstreamImage(target, image), reference, wanted);
        this.observe(target, fetched);
        upstreamBytesFetched.inc(fetched.bytes.length);
        pullThroughMisses.inc({ kind: 'manifest' });
        await this.saveManifest(target, upstreamImage(target, image), reference, fetched);
        this.markDownloaded(target.upstreamId, path(target));
        return { bytes: fetched.bytes, digest: fetched.digest, mediaType: fetched.mediaType };
      } catch (error) {
        if (!(error instanceof UpstreamError)) throw error;
        if (error.kind === 'not_found') continue;
        if (entry) pullThroughRevalidations.inc({ result: 'failed' });
        upstreamErrors.inc({ kind: error.kind });
        failures.push(error);
        this.logger.warn({ upstreamId: target.upstreamId, image, reference, kind: error.kind, err: error.message }, 'pull-through: upstream failed');
      }
    }

    if (failures.length > 0) {
      for (const { target, entry } of usable) {
        const served = await this.readManifest(entry);
        if (!served) continue;
        pullThroughStaleServed.inc();
        this.logger.warn({ upstreamId: target.upstreamId, image, reference, digest: entry.digest }, 'pull-through: every upstream failed, serving the cached manifest past its validity');
        this.markDownloaded(target.upstreamId, path(target));
        return { ...served, warning: WARNING_STALE };
      }
      throw unavailable(failures, `${image}:${reference}`);
    }
    throw new RegistryError('MANIFEST_UNKNOWN', `no upstream of this registry has ${image}:${reference}`);
  }

  /** The size of a blob, from the cache or an upstream's HEAD (a HEAD caches nothing). */
  async blobSize(targets: PullThroughTarget[], image: string, digest: string): Promise<number> {
    checkDigest(digest);
    for (const { entry } of await this.cachedEntries(targets, (target) => blobEntryPath(upstreamImage(target, image), digest))) {
      if (await this.store.stat(digest)) return entry.size;
    }
    return this.firstUpstream(targets, digest, async (target) => {
      const head = await this.client.headBlob(clientTarget(target), upstreamImage(target, image), digest);
      this.observe(target, head);
      if (head.size === undefined) throw new UpstreamError('invalid', 'the upstream answered a blob HEAD without a Content-Length');
      return head.size;
    });
  }

  /**
   * A blob through the upstreams: from the store when cached; otherwise downloaded once (across replicas) and
   * streamed to the client while it is stored. A range of an uncached blob is passed through from the upstream
   * without caching (clients ask for ranges to resume, rarely on a first pull).
   */
  async blob(targets: PullThroughTarget[], image: string, digest: string, range?: { start: number; end: number }): Promise<ServedBlob> {
    checkDigest(digest);
    const path = (target: PullThroughTarget) => blobEntryPath(upstreamImage(target, image), digest);
    const deadline = this.now() + this.followerWaitMs;
    for (;;) {
      const stored = await this.storedBlob(targets, image, digest, path, range);
      if (stored) return stored;
      if (range) return this.passRange(targets, image, digest, range);
      const local = this.downloads.get(digest);
      if (local) {
        await local.catch(() => undefined);
        continue;
      }
      const lease = await this.leases.tryAcquire(`blob:${digest}`, this.leaseMs);
      if (lease) return this.download(targets, image, digest, lease);
      await this.waitForLease(`blob:${digest}`, deadline);
    }
  }

  /** Served from the store: an entry of one of the upstreams, or bytes another path stored whose upstream has them. */
  private async storedBlob(targets: PullThroughTarget[], image: string, digest: string, path: (target: PullThroughTarget) => string, range?: { start: number; end: number }): Promise<ServedBlob | null> {
    const entries = await this.cachedEntries(targets, path);
    if (!(await this.store.stat(digest))) return null;
    let entry = entries[0]?.entry;
    if (!entry) {
      // Stored for another project or cache: an upstream of this one must have it too (whoever pulls through here
      // must be able to get it from there), and then the bytes are shared, not downloaded again.
      const { target, size } = await this.firstUpstream(targets, digest, async (candidate) => {
        const head = await this.client.headBlob(clientTarget(candidate), upstreamImage(candidate, image), digest);
        this.observe(candidate, head);
        return { target: candidate, size: head.size };
      });
      const stat = await this.store.stat(digest);
      if (!stat || (size !== undefined && size !== stat.size)) return null;
      const content = { upstreamId: target.upstreamId, relativePath: path(target), digest, contentType: 'application/octet-stream', size: stat.size };
      if (!(await this.record(content))) return null;
      entry = { ...content, upstreamEtag: null } as CacheEntryRow;
    }
    try {
      const download = await this.store.openDownload(digest, range);
      pullThroughHits.inc({ kind: 'blob' });
      this.markDownloaded(entry.upstreamId, entry.relativePath);
      return { kind: 'stored', size: entry.size, download };
    } catch {
      return null;
    }
  }

  /** Leader: the first upstream that has the blob is streamed into the store and to this client. */
  private async download(targets: PullThroughTarget[], image: string, digest: string, lease: { renew(): Promise<boolean>; release(): Promise<void> }): Promise<ServedBlob> {
    let opened: { target: PullThroughTarget; blob: Awaited<ReturnType<UpstreamRegistryClient['getBlob']>> };
    try {
      opened = await this.firstUpstream(targets, digest, async (target) => {
        const blob = await this.client.getBlob(clientTarget(target), upstreamImage(target, image), digest);
        this.observe(target, blob);
        return { target, blob };
      });
    } catch (error) {
      await lease.release().catch(() => undefined);
      throw error;
    }
    pullThroughMisses.inc({ kind: 'blob' });
    const { target, blob } = opened;
    const uploadId = `pull-through-${randomUUID()}`;
    const renewal = setInterval(() => void lease.renew().catch(() => undefined), Math.max(1_000, this.leaseMs / 3));
    let tee: BlobTee;
    try {
      await this.store.createUpload(uploadId);
      tee = new BlobTee(this.store, uploadId, digest, blob.size, (bytes) => upstreamBytesFetched.inc(bytes));
    } catch (error) {
      clearInterval(renewal);
      blob.body.destroy();
      await lease.release().catch(() => undefined);
      throw error;
    }
    const path = blobEntryPath(upstreamImage(target, image), digest);
    const done = (async () => {
      try {
        const size = await tee.run(blob.body);
        await this.store.publishUpload(uploadId, digest);
        const content = { upstreamId: target.upstreamId, relativePath: path, digest, contentType: 'application/octet-stream', size };
        if (!(await this.record(content, () => this.store.publishUpload(uploadId, digest)))) {
          throw new Error(`the blob ${digest} kept disappearing from the store while it was recorded`);
        }
        this.markDownloaded(target.upstreamId, path);
      } catch (error) {
        // The bytes were verified when run() resolved: the client gets them even when caching them failed.
        upstreamErrors.inc({ kind: error instanceof UpstreamError ? error.kind : 'invalid' });
        this.logger.warn({ upstreamId: target.upstreamId, image, digest, err: (error as Error).message }, 'pull-through: blob download failed, nothing cached');
      } finally {
        tee.complete();
        clearInterval(renewal);
        await this.store.abortUpload(uploadId).catch(() => undefined);
        await lease.release().catch(() => undefined);
        this.downloads.delete(digest);
      }
    })();
    this.downloads.set(digest, done);
    return { kind: 'streaming', status: 200, size: blob.size, body: tee.client };
  }

  private async passRange(targets: PullThroughTarget[], image: string, digest: string, range: { start: number; end: number }): Promise<ServedBlob> {
    return this.firstUpstream(targets, digest, async (target) => {
      const blob = await this.client.getBlob(clientTarget(target), upstreamImage(target, image), digest, range);
      this.observe(target, blob);
      blob.body.on('data', (chunk: Buffer) => upstreamBytesFetched.inc(chunk.length));
      return { kind: 'streaming', status: blob.status, size: blob.size, contentRange: blob.contentRange, body: blob.body } as const;
    });
  }

  /** Waits while another replica holds the download's lease (it renews it as long as it downloads), bounded. */
  private async waitForLease(key: string, deadline: number): Promise<void> {
    let delay = 50;
    while (await this.leases.isHeld(key)) {
      if (this.now() > deadline) throw new RegistryError('UNAVAILABLE', 'another pull of this blob is still downloading it from the upstream: retry later');
      await new Promise((resolve) => setTimeout(resolve, delay));
      delay = Math.min(delay * 2, 500);
    }
  }

  /** `work` on each upstream in position order until one has it; not found everywhere, or every upstream failed. */
  private async firstUpstream<T>(targets: PullThroughTarget[], what: string, work: (target: PullThroughTarget) => Promise<T>): Promise<T> {
    const failures: UpstreamError[] = [];
    for (const target of targets) {
      try {
        return await work(target);
      } catch (error) {
        if (!(error instanceof UpstreamError)) throw error;
        if (error.kind === 'not_found') continue;
        upstreamErrors.inc({ kind: error.kind });
        failures.push(error);
        this.logger.warn({ upstreamId: target.upstreamId, what, kind: error.kind, err: error.message }, 'pull-through: upstream failed');
      }
    }
    if (failures.length > 0) throw unavailable(failures, what);
    throw new RegistryError('BLOB_UNKNOWN', `no upstream of this registry has ${what}`, { digest: what });
  }

  /** The cache entries of `path` of each upstream, in position order. */
  private async cachedEntries(targets: PullThroughTarget[], path: (target: PullThroughTarget) => string): Promise<Array<{ target: PullThroughTarget; entry: CacheEntryRow }>> {
    const found: Array<{ target: PullThroughTarget; entry: CacheEntryRow }> = [];
    for (const target of targets) {
      const entry = await this.catalog.entries.find(this.catalog.db.manager, target.upstreamId, path(target));
      if (entry) found.push({ target, entry });
    }
    return found;
  }

  private isValid(target: PullThroughTarget, entry: CacheEntryRow): boolean {
    return this.now() < entry.upstreamCheckedAt.getTime() + target.cacheValidityHours * 3_600_000;
  }

  /** A cached manifest's bytes from the store; null when GC took them (the entry is then a miss). */
  private async readManifest(entry: CacheEntryRow): Promise<ServedManifest | null> {
    try {
      const chunks: Buffer[] = [];
      let total = 0;
      for await (const chunk of await this.store.read(entry.digest)) {
        total += (chunk as Buffer).length;
        if (total > MAX_CACHED_MANIFEST_BYTES) return null;
        chunks.push(chunk as Buffer);
      }
      return { bytes: Buffer.concat(chunks), digest: entry.digest, mediaType: entry.contentType };
    } catch {
      return null;
    }
  }

  private hit(kind: 'manifest', served: ServedManifest, entry: CacheEntryRow): ServedManifest {
    pullThroughHits.inc({ kind });
    this.markDownloaded(entry.upstreamId, entry.relativePath);
    return served;
  }

  /** Stores manifest bytes at their digest, then records the tag's entry (when by tag) and the digest's. */
  private async saveManifest(target: PullThroughTarget, image: string, reference: string, fetched: { bytes: Buffer; digest: string; mediaType: string }): Promise<void> {
    const uploadId = `pull-through-${randomUUID()}`;
    const publish = async () => {
      if (await this.store.stat(fetched.digest)) return;
      await this.store.createUpload(uploadId).catch(() => undefined);
      const size = await this.store.uploadSize(uploadId);
      if (size === 0) await this.store.appendUpload(uploadId, 0, Readable.from([fetched.bytes]));
      await this.store.publishUpload(uploadId, fetched.digest);
    };
    try {
      await publish();
      const paths = [manifestEntryPath(image, reference)];
      if (!isDigest(reference)) paths.push(manifestEntryPath(image, fetched.digest));
      for (const relativePath of paths) {
        const content = { upstreamId: target.upstreamId, relativePath, digest: fetched.digest, contentType: fetched.mediaType, size: fetched.bytes.length };
        if (!(await this.record(content, publish))) throw new Error(`the manifest ${fetched.digest} kept disappearing from the store while it was recorded`);
      }
    } finally {
      await this.store.abortUpload(uploadId).catch(() => undefined);
    }
  }

  /**
   * Records an entry for bytes in the store. Under the blob row's lock (which GC takes too), bytes the row already
   * had are checked to still be there; if GC removed them in between, the transaction is rolled back, `republish`
   * puts them back, and it is tried again.
   */
  private async record(content: { upstreamId: number; relativePath: string; digest: string; contentType: string; size: number }, republish?: () => Promise<void>): Promise<boolean> {
    for (let attempt = 0; attempt < RECORD_ATTEMPTS; attempt++) {
      const recorded = await this.catalog.db.transaction(async (db) => {
        const { blobExisted } = await this.catalog.entries.record(db, content);
        if (blobExisted && !(await this.store.stat(content.digest))) throw new BytesGone();
        return true;
      }).catch((error: unknown) => {
        if (error instanceof BytesGone) return false;
        throw error;
      });
      if (recorded) return true;
      if (!republish) return false;
      await republish();
    }
    return false;
  }

  /** A served pull keeps its entry alive for the TTL policy; never fails the pull. */
  private markDownloaded(upstreamId: number, relativePath: string): void {
    this.catalog.entries.markDownloaded(this.catalog.db.manager, upstreamId, relativePath).catch((error: Error) => {
      this.logger.warn({ upstreamId, relativePath, err: error.message }, 'pull-through: could not record a download');
    });
  }

  /** Upstream rate limits, logged and exported. */
  private observe(target: PullThroughTarget, meta: UpstreamMeta): void {
    if (meta.rateLimitRemaining === undefined) return;
    upstreamRateLimitRemaining.set({ upstream: String(target.upstreamId) }, meta.rateLimitRemaining);
    const level = meta.rateLimitRemaining < 10 ? 'warn' : 'debug';
    this.logger[level]({ upstreamId: target.upstreamId, rateLimitRemaining: meta.rateLimitRemaining }, 'pull-through: upstream rate limit');
  }
}

class BytesGone extends Error {}

function clientTarget(target: PullThroughTarget): ClientTarget {
  return {
    key: `upstream:${target.upstreamId}`,
    url: target.url,
    ...(target.credentials ? { username: target.credentials.username, password: target.credentials.password } : {}),
  };
}

/** Docker Hub's rule for the dependency proxy: a one-segment name is an official image under `library/`. */
function upstreamImage(target: PullThroughTarget, image: string): string {
  return target.libraryPrefix && !image.includes('/') ? `library/${image}` : image;
}

function acceptable(accept: string[], mediaType: string): boolean {
  return accept.some((type) => type === '*/*' || type === mediaType);
}

function checkDigest(digest: string): void {
  if (!isDigest(digest)) throw new RegistryError('DIGEST_INVALID', 'invalid digest', { digest });
}

/** Every upstream failed: rate limits say so (with when to come back), anything else is unavailability. */
function unavailable(failures: UpstreamError[], what: string): RegistryError {
  const limited = failures.find((failure) => failure.kind === 'rate_limited');
  if (limited && failures.every((failure) => failure.kind === 'rate_limited')) {
    return new RegistryError('TOOMANYREQUESTS', `the upstream is rate limiting pulls of ${what} and it is not cached`, {
      retryAfterSeconds: limited.details.retryAfterSeconds,
    });
  }
  return new RegistryError('UNAVAILABLE', `no upstream could be reached for ${what} and it is not cached: ${failures.map((failure) => failure.message).join('; ')}`);
}
