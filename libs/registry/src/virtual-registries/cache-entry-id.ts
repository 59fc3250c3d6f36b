/**
 * GitLab's cache entry id: base64 of `<upstream id> <relative path>` (the entry's primary key), so an entry can be
 * named in a URL without a surrogate key.
 */
export function encodeCacheEntryId(upstreamId: number, relativePath: string): string {
  return Buffer.from(`${upstreamId} ${relativePath}`, 'utf8').toString('base64');
}

/** The entry's key, or null when `id` is not one (bad base64, no upstream id, empty path). */
export function decodeCacheEntryId(id: string): { upstreamId: number; relativePath: string } | null {
  if (!/^[A-Za-z0-9+/_-]+={0,2}$/.test(id) || id.length > 4096) return null;
  const text = Buffer.from(id.replace(/-/g, '+').replace(/_/g, '/'), 'base64').toString('utf8');
  const match = /^(\d{1,15}) (\S.*)$/s.exec(text);
  if (!match) return null;
  return { upstreamId: Number(match[1]), relativePath: match[2] };
}
