import { CachedManifest, ManifestCache } from './manifest-cache';

const manifest = (digest: string, bytes = 10): CachedManifest => ({ id: 1, digest, mediaType: 'application/vnd.oci.image.manifest.v1+json', payload: Buffer.alloc(bytes) });

describe('ManifestCache', () => {
  it('serves by tag and by digest until the TTL, and per repository', () => {
    let now = 0;
    const cache = new ManifestCache({ ttlMs: 1000 }, () => now);
    cache.set('a/b', 'v1', manifest('sha256:1'), cache.begin('a/b'));
    expect(cache.byTag('a/b', 'v1')?.digest).toBe('sha256:1');
    expect(cache.byDigest('a/b', 'sha256:1')?.digest).toBe('sha256:1');
    expect(cache.byTag('a/c', 'v1')).toBeUndefined();
    expect(cache.byDigest('a/c', 'sha256:1')).toBeUndefined();
    now = 1000;
    expect(cache.byTag('a/b', 'v1')).toBeUndefined();
    expect(cache.byDigest('a/b', 'sha256:1')).toBeUndefined();
  });

  it("forgets a repository's tags and manifests on invalidation, and only that repository", () => {
    const cache = new ManifestCache();
    cache.set('a/b', 'v1', manifest('sha256:1'), cache.begin('a/b'));
    cache.set('a/c', 'v1', manifest('sha256:2'), cache.begin('a/c'));
    cache.invalidate(['a/b']);
    expect(cache.byTag('a/b', 'v1')).toBeUndefined();
    expect(cache.byDigest('a/b', 'sha256:1')).toBeUndefined();
    expect(cache.byTag('a/c', 'v1')?.digest).toBe('sha256:2');
    cache.invalidate('all');
    expect(cache.byTag('a/c', 'v1')).toBeUndefined();
    expect(cache.size).toEqual({ manifests: 0, tags: 0, blobs: 0, tagLists: 0, bytes: 0 });
  });

  it('forgets the manifests of a repository whose path starts with the letter t (key prefixes never collide)', () => {
    const cache = new ManifestCache();
    cache.set('team/app', 'v1', manifest('sha256:1', 100), cache.begin('team/app'));
    cache.set('team/app', null, manifest('sha256:2', 100), cache.begin('team/app'));
    cache.invalidate(['team/app']);
    expect(cache.byDigest('team/app', 'sha256:1')).toBeUndefined();
    expect(cache.byDigest('team/app', 'sha256:2')).toBeUndefined();
    expect(cache.size).toEqual({ manifests: 0, tags: 0, blobs: 0, tagLists: 0, bytes: 0 });
  });

  it('does not cache what a read found when the repository was invalidated while it read', () => {
    const cache = new ManifestCache();
    const before = cache.begin('a/b');
    cache.invalidate(['a/b']); // a write committed and was announced while the read ran
    cache.set('a/b', 'v1', manifest('sha256:old'), before);
    expect(cache.byTag('a/b', 'v1')).toBeUndefined();
    // Reads that started after the invalidation are cached; other repositories are unaffected.
    const other = cache.begin('a/c');
    cache.invalidate(['a/b']);
    cache.set('a/c', 'v1', manifest('sha256:2'), other);
    expect(cache.byTag('a/c', 'v1')?.digest).toBe('sha256:2');
    const after = cache.begin('a/b');
    cache.set('a/b', 'v1', manifest('sha256:new'), after);
    expect(cache.byTag('a/b', 'v1')?.digest).toBe('sha256:new');
    // Dropping everything (reconnect) refuses every read under way.
    const during = cache.begin('a/d');
    cache.setEnabled(true);
    cache.set('a/d', 'v1', manifest('sha256:3'), during);
    expect(cache.byTag('a/d', 'v1')).toBeUndefined();
  });

  it('serves linked blobs per repository until the TTL, and forgets them with the repository', () => {
    let now = 0;
    const cache = new ManifestCache({ ttlMs: 1000 }, () => now);
    const blob = { digest: 'sha256:b1', size: 42, mediaType: null };
    cache.setLinkedBlob('a/b', blob, cache.begin('a/b'));
    cache.setLinkedBlob('a/c', { ...blob, size: 7 }, cache.begin('a/c'));
    expect(cache.linkedBlob('a/b', 'sha256:b1')).toEqual(blob);
    expect(cache.linkedBlob('a/b', 'sha256:other')).toBeUndefined();
    // An unlink in a/b (blob or manifest delete, GC, repository delete) is announced for a/b only.
    cache.invalidate(['a/b']);
    expect(cache.linkedBlob('a/b', 'sha256:b1')).toBeUndefined();
    expect(cache.linkedBlob('a/c', 'sha256:b1')?.size).toBe(7);
    now = 1000;
    expect(cache.linkedBlob('a/c', 'sha256:b1')).toBeUndefined();
    expect(cache.size.blobs).toBe(0);
  });

  it('does not cache a link read while its repository was invalidated, nor while disabled', () => {
    const cache = new ManifestCache();
    const blob = { digest: 'sha256:b1', size: 42, mediaType: null };
    const before = cache.begin('b/c');
    cache.invalidate(['b/c']); // the link was removed and announced while the read ran
    cache.setLinkedBlob('b/c', blob, before);
    expect(cache.linkedBlob('b/c', 'sha256:b1')).toBeUndefined();
    cache.setEnabled(false);
    cache.setLinkedBlob('b/c', blob, cache.begin('b/c'));
    expect(cache.linkedBlob('b/c', 'sha256:b1')).toBeUndefined();
    cache.setEnabled(true);
    cache.setLinkedBlob('b/c', blob, cache.begin('b/c'));
    expect(cache.linkedBlob('b/c', 'sha256:b1')).toEqual(blob);
    // Blob keys of a path starting with b do not collide with other kinds of keys.
    cache.set('b/c', 'v1', manifest('sha256:m'), cache.begin('b/c'));
    cache.invalidate(['b/c']);
    expect(cache.size).toEqual({ manifests: 0, tags: 0, blobs: 0, tagLists: 0, bytes: 0 });
  });

  it('serves and stores nothing while disabled', () => {
    const cache = new ManifestCache();
    cache.setEnabled(false);
    cache.set('a/b', 'v1', manifest('sha256:1'), cache.begin('a/b'));
    expect(cache.byTag('a/b', 'v1')).toBeUndefined();
    cache.setEnabled(true);
    expect(cache.byTag('a/b', 'v1')).toBeUndefined();
  });

  it('evicts the least recently used manifests beyond maxBytes, and never keeps oversized ones', () => {
    const cache = new ManifestCache({ maxBytes: 30, maxEntryBytes: 20 });
    for (const d of ['1', '2', '3']) cache.set('r', d, manifest(`sha256:${d}`), cache.begin('r'));
    expect(cache.byDigest('r', 'sha256:1')).toBeDefined(); // now most recently used
    cache.set('r', '4', manifest('sha256:4'), cache.begin('r'));
    expect(cache.byDigest('r', 'sha256:2')).toBeUndefined();
    expect(cache.byTag('r', '2')).toBeUndefined();
    expect(cache.byDigest('r', 'sha256:1')).toBeDefined();
    expect(cache.size.bytes).toBe(30);
    cache.set('r', 'big', manifest('sha256:big', 21), cache.begin('r'));
    expect(cache.byTag('r', 'big')).toBeUndefined();
  });

  it('keeps at most 50 000 tags, forgetting the least recently used, and invalidation still reaches the rest', () => {
    const cache = new ManifestCache();
    for (let i = 0; i <= 50_000; i++) cache.set('r', `t${i}`, manifest('sha256:1'), cache.begin('r'));
    expect(cache.size.tags).toBe(50_000);
    expect(cache.byTag('r', 't0')).toBeUndefined();
    expect(cache.byTag('r', 't50000')?.digest).toBe('sha256:1');
    cache.invalidate(['r']);
    expect(cache.size).toEqual({ manifests: 0, tags: 0, blobs: 0, tagLists: 0, bytes: 0 });
  });

  it("serves a repository's tag list until the TTL, forgets it with the repository, and keeps key kinds apart", () => {
    let now = 0;
    const cache = new ManifestCache({ ttlMs: 1000 }, () => now);
    cache.setTagNameList('l/a', ['a', 'b'], cache.begin('l/a'));
    cache.setTagNameList('l/b', ['c'], cache.begin('l/b'));
    cache.set('l/a', 'a', manifest('sha256:1'), cache.begin('l/a'));
    expect(cache.tagNameList('l/a')).toEqual(['a', 'b']);
    expect(cache.tagNameList('l/c')).toBeUndefined();
    cache.invalidate(['l/a']); // a tag of l/a was created, moved or deleted
    expect(cache.tagNameList('l/a')).toBeUndefined();
    expect(cache.byTag('l/a', 'a')).toBeUndefined();
    expect(cache.tagNameList('l/b')).toEqual(['c']);
    now = 1000;
    expect(cache.tagNameList('l/b')).toBeUndefined();
    expect(cache.size).toEqual({ manifests: 0, tags: 0, blobs: 0, tagLists: 0, bytes: 0 });
  });

  it('does not cache a tag list read while its repository was invalidated, nor while disabled, nor beyond its bound', () => {
    const cache = new ManifestCache();
    const before = cache.begin('l/a');
    cache.invalidate(['l/a']);
    cache.setTagNameList('l/a', ['stale'], before);
    expect(cache.tagNameList('l/a')).toBeUndefined();
    cache.setEnabled(false);
    cache.setTagNameList('l/a', ['a'], cache.begin('l/a'));
    expect(cache.tagNameList('l/a')).toBeUndefined();
    cache.setEnabled(true);
    // Lists share a bound of 200 000 names: the least recently used go first, and a list over it is never kept.
    const names = (count: number, prefix: string) => Array.from({ length: count }, (_, i) => `${prefix}${i}`);
    cache.setTagNameList('l/a', names(150_000, 'a'), cache.begin('l/a'));
    cache.setTagNameList('l/b', names(60_000, 'b'), cache.begin('l/b'));
    expect(cache.tagNameList('l/a')).toBeUndefined();
    expect(cache.tagNameList('l/b')).toHaveLength(60_000);
    cache.setTagNameList('l/c', names(200_001, 'c'), cache.begin('l/c'));
    expect(cache.tagNameList('l/c')).toBeUndefined();
    expect(cache.tagNameList('l/b')).toHaveLength(60_000);
  });

  it('remembers a tag list too long to cache for a minute, through invalidations, and not while disabled', () => {
    let now = 0;
    const cache = new ManifestCache({ ttlMs: 1000 }, () => now);
    cache.markTagListTooLong('a/b');
    expect(cache.tagListTooLong('a/b')).toBe(true);
    expect(cache.tagListTooLong('a/c')).toBe(false);
    cache.invalidate(['a/b']);
    now = 59_999;
    expect(cache.tagListTooLong('a/b')).toBe(true);
    now = 60_000;
    expect(cache.tagListTooLong('a/b')).toBe(false);
    cache.markTagListTooLong('a/b');
    cache.setEnabled(false);
    expect(cache.tagListTooLong('a/b')).toBe(false);
    cache.markTagListTooLong('a/b');
    cache.setEnabled(true);
    expect(cache.tagListTooLong('a/b')).toBe(false);
  });
  it('keeps rank anchors for a minute, drops them with their repository, and not what a read saw across an invalidation', () => {
    let now = 0;
    const cache = new ManifestCache({ ttlMs: 1000 }, () => now);
    const anchors = { spacing: 1000, names: ['a', 'k'], complete: true };
    cache.setTagRankAnchors('r/a', anchors, cache.begin('r/a'));
    cache.setTagRankAnchors('r/b', anchors, cache.begin('r/b'));
    now = 59_999;
    expect(cache.tagRankAnchors('r/a')).toEqual(anchors);
    cache.invalidate(['r/a']);
    expect(cache.tagRankAnchors('r/a')).toBeUndefined();
    expect(cache.tagRankAnchors('r/b')).toEqual(anchors);
    const ticket = cache.begin('r/a');
    cache.invalidate(['r/a']);
    cache.setTagRankAnchors('r/a', anchors, ticket);
    expect(cache.tagRankAnchors('r/a')).toBeUndefined();
    now = 60_000;
    expect(cache.tagRankAnchors('r/b')).toBeUndefined();
  });
});
