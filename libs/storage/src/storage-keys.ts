/**
 * Validation and key layout shared by every driver. Digests and upload ids come from clients,
 * so they are checked against a strict whitelist before they are ever joined into a path or an
 * object key: nothing like `..`, `/` or a NUL byte can get through.
 */

const DIGEST = /^(sha256:[a-f0-9]{64}|sha512:[a-f0-9]{128})$/;
const UPLOAD_ID = /^[A-Za-z0-9-]{1,64}$/;

/** The digest algorithms a committed blob may be addressed by. */
export const DIGEST_ALGORITHMS = ['sha256', 'sha512'] as const;

export function isValidDigest(digest: string): boolean {
  return typeof digest === 'string' && DIGEST.test(digest);
}

export function isValidUploadId(id: string): boolean {
  return typeof id === 'string' && UPLOAD_ID.test(id);
}

export function assertDigest(digest: string): void {
  if (!isValidDigest(digest)) throw new Error('invalid digest');
}

export function assertUploadId(id: string): void {
  if (!isValidUploadId(id)) throw new Error('invalid upload id');
}

/** `['blobs', '<algorithm>', '<first two hex>', '<hex>']` for a validated digest. */
export function blobKeySegments(digest: string): [string, string, string, string] {
  assertDigest(digest);
  const [algorithm, hex] = digest.split(':') as [string, string];
  return ['blobs', algorithm, hex.slice(0, 2), hex];
}

/** `['uploads', '<id>']` for a validated upload id. */
export function uploadKeySegments(id: string): [string, string] {
  assertUploadId(id);
  return ['uploads', id];
}

/** `blobs/<algorithm>/<2 hex>/<hex>`: a committed blob's object key (S3, Azure), for a validated digest. */
export function blobKey(digest: string): string {
  return blobKeySegments(digest).join('/');
}

/**
 * The digest a listed object key addresses, or null for anything that is not a blob at its proper address (stray
 * or foreign objects, which listings skip).
 */
export function digestOfBlobKey(key: string): string | null {
  const [root, algorithm, prefix, hex, ...rest] = key.split('/');
  const digest = `${algorithm}:${hex}`;
  return root === 'blobs' && rest.length === 0 && isValidDigest(digest) && hex.startsWith(prefix) ? digest : null;
}

/** An inclusive byte range of whole, non-negative offsets, start before end. */
export function assertByteRange(range: { start: number; end: number }): void {
  const { start, end } = range;
  if (!Number.isSafeInteger(start) || !Number.isSafeInteger(end) || start < 0 || end < start) {
    throw new RangeError('invalid byte range');
  }
}
