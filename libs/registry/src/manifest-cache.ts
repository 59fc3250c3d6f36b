import { LRUCache } from 'lru-cache';

/**
 * What manifest GETs and blob HEADs/GETs may answer from memory, and how writers say that a repository's tags or manifests changed.
 *
 * The registry lib stays framework-free: the cache is a plain class, and the cross-process part (Redis pub/sub
 * in the api, a publisher in the worker) is an implementation of RegistryChangeNotifier that the apps hand to
 * their RegistryContext.
 */

/** A manifest as served: `payload` byte for byte. */
export interface CachedManifest {
  id: number;
  digest: string;
  mediaType: string;
  payload: Buffer;
}

/**
 * Told after a commit that moved, created or deleted tags or deleted manifests, or changed whether a repository
 * is served (repository or project deletes). 'all' when the writer cannot name the repositories.
 * Implementations invalidate this process's cache synchronously before resolving, then tell the other
 * processes; they never throw (the write has committed: a lost message is covered by the cache's TTL).
 */
export interface RegistryChangeNotifier {
  repositoriesChanged(paths: readonly string[] | 'all'): Promise<void>;
}

/** Nobody to tell: processes without manifest caches to keep coherent (tests, the CLI's cleanup:run). */
export const NO_REGISTRY_CHANGES: RegistryChangeNotifier = { repositoriesChanged: async () => undefined };

export interface ManifestCacheOptions {
  /** Payload bytes kept at most (least recently used evicted first). */
  maxBytes: number;
  /** How long an entry is served without asking PostgreSQL again: the bound on staleness if a message is lost. */
  ttlMs: number;
  /** A manifest larger than this is never cached. */
  maxEntryBytes: number;
}

interface ManifestEntry {
  path: string;
  manifest: CachedManifest;
  expiresAt: number;
}

/** A blob a repository links (what a blob HEAD or GET answers from): digest, size, media type if recorded. */
export interface CachedBlob {
  digest: string;
  size: number;
  mediaType: string | null;
}

interface BlobEntry {
  path: string;
  blob: CachedBlob;
  expiresAt: number;
}

interface TagEntry {
  path: string;
  digest: string;
  expiresAt: number;
}

interface TagNamesEntry {
  path: string;
  /** Every tag of the repository, sorted as tags/list answers them. */
  names: readonly string[];
  expiresAt: number;
}

/** Rank anchors of a repository's tag names (see TagRankAnchors): the name at every `spacing`-th rank from 0. */
export interface TagRankAnchorList {
  /** Ranks between two anchors: a list is only good for readers of the same spacing. */
  spacing: number;
  names: readonly string[];
  /** The list reaches the repository's last anchor (a longer walk found no more). */
  complete: boolean;
}

interface TagRankAnchorsEntry {
  path: string;
  anchors: TagRankAnchorList;
  expiresAt: number;
}

/** A read's ticket: what the invalidation counter was when the read started (see `begin`). */
export type CacheTicket = number;

const SEP = '\u0000';
/**
 * Key prefixes that no repository path can start with (paths are lowercase letters and digits), so a path's
 * index can tell its tag, manifest, blob and tag-list keys apart.
 */
const TAG_KEY = 'T';
const MANIFEST_KEY = 'M';
const BLOB_KEY = 'B';
const TAG_NAMES_KEY = 'L';
const RANK_ANCHORS_KEY = 'A';
const manifestKey = (path: string, digest: string) => MANIFEST_KEY + path + SEP + digest;
const tagKey = (path: string, tag: string) => TAG_KEY + path + SEP + tag;
const blobKey = (path: string, digest: string) => BLOB_KEY + path + SEP + digest;
const tagNamesKey = (path: string) => TAG_NAMES_KEY + path;
const rankAnchorsKey = (path: string) => RANK_ANCHORS_KEY + path;
const MAX_TAG_ENTRIES = 50_000;
const MAX_BLOB_ENTRIES = 100_000;
/** Tag names kept at most over all repositories' lists (a list counts its length; ~10-20 MiB at this bound). */
const MAX_LISTED_TAG_NAMES = 200_000;
/**
 * How long a repository whose tag list was found too long to cache is remembered as such. Not dropped by tag writes:
 * the mark only spares the first page of a walk the read of a whole list it cannot keep (the page itself is always
 * read from PostgreSQL), so a repository that shrank meanwhile is at worst paged uncached for this long.
 */
const TOO_LONG_REMEMBERED_MS = 60_000;
/**
 * How long rank anchors live. Longer than the other entries' TTL: like them they are dropped when their repository
 * is announced, and one that outlived a lost announcement only shifts an offset page by the tags written meanwhile,
 * which any offset page read a moment earlier would show too.
 */
const RANK_ANCHORS_TTL_MS = 60_000;
/** Repositories whose rank anchors are kept at most (a list is a thousandth of its repository's tag names). */
const MAX_RANK_ANCHOR_LISTS = 1_000;
const MAX_TOO_LONG_ENTRIES = 10_000;

/**
 * Manifests by (repository path, digest), bounded by payload bytes with LRU eviction, tag → digest by
 * (repository path, tag), and linked blobs by (repository path, digest) — what a blob HEAD or GET asks PostgreSQL,
 * the HEAD every client sends for every layer of every push — both bounded by count. Invalidation is per
 * repository path and drops all three: every write that unlinks a blob from a repository (blob DELETE, manifest
 * delete, GC, repository delete) announces the repository, as tag writes do. Only links are cached, never their
 * absence: a blob pushed a moment ago is found at once.
 *
 * The read-then-set race (a read that started before a write committed must not cache what it read after the
 * invalidation for that write already happened) is guarded by an epoch: `begin(path)` before reading the
 * database, `set(..., ticket)` caches only if `path` was not invalidated since.
 */
export class ManifestCache {
  private readonly manifests: LRUCache<string, ManifestEntry>;
  private readonly tags: LRUCache<string, TagEntry>;
  private readonly blobs: LRUCache<string, BlobEntry>;
  private readonly tagNames: LRUCache<string, TagNamesEntry>;
  private readonly rankAnchors: LRUCache<string, TagRankAnchorsEntry>;
  /** Repositories whose whole tag list was longer than a cached one may be, until when (see TOO_LONG_REMEMBERED_MS). */
  private readonly tooLongTagLists = new LRUCache<string, { expiresAt: number }>({ max: MAX_TOO_LONG_ENTRIES });
  /** Every key (manifest and tag) cached for a path, so invalidation finds them; kept in step by `dispose`. */
  private readonly keysByPath = new Map<string, Set<string>>();
  private epoch = 0;
  /** Epoch of each path's last invalidation; forgotten in bulk (raising `floor`) when it grows large. */
  private readonly invalidatedAt = new Map<string, number>();
  private floor = 0;
  private enabled = true;
  private readonly options: ManifestCacheOptions;

  constructor(
    options: Partial<ManifestCacheOptions> = {},
    private readonly now: () => number = Date.now,
  ) {
    this.options = { maxBytes: 64 * 1024 * 1024, ttlMs: 3000, maxEntryBytes: 1024 * 1024, ...options };
    // Entries expire by their own `expiresAt` (read with the injected clock); the caches only bound and order them.
    // A tag whose manifest was evicted stays and misses (byDigest), then reads the database.
    const unindex = (entry: { path: string }, key: string, reason: LRUCache.DisposeReason) => {
      if (reason !== 'set') this.unindex(entry.path, key);
    };
    this.manifests = new LRUCache<string, ManifestEntry>({ maxSize: this.options.maxBytes, sizeCalculation: (entry) => Math.max(1, entry.manifest.payload.length), dispose: unindex });
    this.tags = new LRUCache<string, TagEntry>({ max: MAX_TAG_ENTRIES, dispose: unindex });
    this.blobs = new LRUCache<string, BlobEntry>({ max: MAX_BLOB_ENTRIES, dispose: unindex });
    this.tagNames = new LRUCache<string, TagNamesEntry>({ maxSize: MAX_LISTED_TAG_NAMES, sizeCalculation: (entry) => Math.max(1, entry.names.length), dispose: unindex });
    this.rankAnchors = new LRUCache<string, TagRankAnchorsEntry>({ max: MAX_RANK_ANCHOR_LISTS, dispose: unindex });
  }

  get size(): { manifests: number; tags: number; blobs: number; tagLists: number; bytes: number } {
    return { manifests: this.manifests.size, tags: this.tags.size, blobs: this.blobs.size, tagLists: this.tagNames.size, bytes: this.manifests.calculatedSize };
  }

  /**
   * Every tag name of `path`, sorted, if a read saw the whole list within the TTL and nothing about `path` changed
   * since: the pages of a tags/list walk after its first come from here. Every tag write announces its repository,
   * a new tag included, so a cached list never lacks a committed tag for longer than the announcement takes.
   */
  tagNameList(path: string): readonly string[] | undefined {
    return this.fresh(this.tagNames, tagNamesKey(path))?.names;
  }

  /** Caches a repository's whole tag list (its ticket from `begin`), unless `path` was invalidated since. */
  setTagNameList(path: string, names: readonly string[], ticket: CacheTicket): void {
    if (!this.admits(path, ticket) || names.length > MAX_LISTED_TAG_NAMES) return;
    const key = tagNamesKey(path);
    this.index(path, key);
    this.tagNames.set(key, { path, names, expiresAt: this.now() + this.options.ttlMs });
  }

  /** The rank anchors of `path`'s tag names, if read within RANK_ANCHORS_TTL_MS and nothing about `path` changed since. */
  tagRankAnchors(path: string): TagRankAnchorList | undefined {
    return this.fresh(this.rankAnchors, rankAnchorsKey(path))?.anchors;
  }

  /** Caches rank anchors (the ticket from `begin` before the read that made them), unless `path` was invalidated since. */
  setTagRankAnchors(path: string, anchors: TagRankAnchorList, ticket: CacheTicket): void {
    if (!this.admits(path, ticket)) return;
    const key = rankAnchorsKey(path);
    this.index(path, key);
    this.rankAnchors.set(key, { path, anchors, expiresAt: this.now() + RANK_ANCHORS_TTL_MS });
  }

  /** Whether a read of `path`'s whole tag list found it too long to cache, within TOO_LONG_REMEMBERED_MS. */
  tagListTooLong(path: string): boolean {
    return this.fresh(this.tooLongTagLists, path) !== undefined;
  }

  /** Remembers that `path` has more tags than a cached list holds, so first pages stop reading its whole list. */
  markTagListTooLong(path: string): void {
    if (this.enabled) this.tooLongTagLists.set(path, { expiresAt: this.now() + TOO_LONG_REMEMBERED_MS });
  }

  /** The blob, if `path` was seen linking it within the TTL and nothing about `path` changed since. */
  linkedBlob(path: string, digest: string): CachedBlob | undefined {
    return this.fresh(this.blobs, blobKey(path, digest))?.blob;
  }

  /** Caches a link a read found (its ticket from `begin`), unless `path` was invalidated since. */
  setLinkedBlob(path: string, blob: CachedBlob, ticket: CacheTicket): void {
    if (!this.admits(path, ticket)) return;
    const key = blobKey(path, blob.digest);
    this.index(path, key);
    this.blobs.set(key, { path, blob, expiresAt: this.now() + this.options.ttlMs });
  }

  byDigest(path: string, digest: string): CachedManifest | undefined {
    return this.fresh(this.manifests, manifestKey(path, digest))?.manifest;
  }

  byTag(path: string, tag: string): CachedManifest | undefined {
    const entry = this.fresh(this.tags, tagKey(path, tag));
    return entry && this.byDigest(path, entry.digest);
  }

  /** The entry under `key` while the cache is on and the entry within its TTL (an expired one is dropped). */
  private fresh<Entry extends { expiresAt: number }>(entries: LRUCache<string, Entry>, key: string): Entry | undefined {
    if (!this.enabled) return undefined;
    const entry = entries.get(key); // LRU: a hit is a use
    if (!entry) return undefined;
    if (entry.expiresAt <= this.now()) {
      entries.delete(key);
      return undefined;
    }
    return entry;
  }

  /** Call before reading the database for `path`; pass the ticket to `set`. */
  begin(_path: string): CacheTicket {
    return this.epoch;
  }

  /** Caches what a read found, unless `path` was invalidated (or the cache dropped) since `ticket`. */
  set(path: string, tag: string | null, manifest: CachedManifest, ticket: CacheTicket): void {
    if (!this.admits(path, ticket)) return;
    if (manifest.payload.length > this.options.maxEntryBytes) return;
    const expiresAt = this.now() + this.options.ttlMs;
    const key = manifestKey(path, manifest.digest);
    this.index(path, key);
    this.manifests.set(key, { path, manifest, expiresAt }); // evicts the least recently used beyond maxBytes
    if (tag !== null) {
      const key = tagKey(path, tag);
      this.index(path, key);
      this.tags.set(key, { path, digest: manifest.digest, expiresAt });
    }
  }

  /** Forgets everything about these repositories; reads under way will not cache what they read. */
  invalidate(paths: readonly string[] | 'all'): void {
    this.epoch++;
    if (paths === 'all') return this.clear();
    for (const path of paths) {
      this.invalidatedAt.set(path, this.epoch);
      for (const key of [...(this.keysByPath.get(path) ?? [])]) {
        if (key.startsWith(TAG_KEY)) this.tags.delete(key);
        else if (key.startsWith(BLOB_KEY)) this.blobs.delete(key);
        else if (key.startsWith(TAG_NAMES_KEY)) this.tagNames.delete(key);
        else if (key.startsWith(RANK_ANCHORS_KEY)) this.rankAnchors.delete(key);
        else this.manifests.delete(key);
      }
      this.keysByPath.delete(path);
    }
    if (this.invalidatedAt.size > 10_000) {
      // Bounded memory: forget per-path epochs, and refuse every read that started before now instead.
      this.invalidatedAt.clear();
      this.floor = this.epoch + 1;
      this.epoch++;
    }
  }

  /**
   * While invalidations may be missed (the subscriber is disconnected) the cache serves and stores nothing;
   * turning it back on starts from empty.
   */
  setEnabled(enabled: boolean): void {
    this.epoch++;
    this.clear();
    this.enabled = enabled;
  }

  /** Whether a read that started at `ticket` may cache what it found for `path`. */
  private admits(path: string, ticket: CacheTicket): boolean {
    return this.enabled && ticket >= this.floor && (this.invalidatedAt.get(path) ?? -1) <= ticket;
  }

  private clear(): void {
    this.manifests.clear();
    this.tags.clear();
    this.blobs.clear();
    this.tagNames.clear();
    this.rankAnchors.clear();
    this.tooLongTagLists.clear();
    this.keysByPath.clear();
    this.invalidatedAt.clear();
    this.floor = this.epoch + 1;
    this.epoch++;
  }

  private index(path: string, key: string): void {
    let keys = this.keysByPath.get(path);
    if (!keys) this.keysByPath.set(path, (keys = new Set()));
    keys.add(key);
  }

  private unindex(path: string, key: string): void {
    const keys = this.keysByPath.get(path);
    keys?.delete(key);
    if (keys && keys.size === 0) this.keysByPath.delete(path);
  }
}
