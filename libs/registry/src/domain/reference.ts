/**
 * The `<reference>` of `/v2/<name>/manifests/<reference>`: a tag or a digest.
 */
import { parseDigest, type ParsedDigest } from './digest';
import { RegistryError, truncateForMessage } from './errors';

export type ParsedReference = { kind: 'tag'; tag: string } | { kind: 'digest'; digest: ParsedDigest };

const TAG = /^[A-Za-z0-9_][A-Za-z0-9._-]{0,127}$/;

export function isValidTag(tag: unknown): tag is string {
  return typeof tag === 'string' && TAG.test(tag);
}

export function parseTag(tag: string): string {
  if (!isValidTag(tag)) {
    const shown = truncateForMessage(String(tag));
    throw new RegistryError('TAG_INVALID', `invalid tag "${shown}"`, { tag: shown });
  }
  return tag;
}

export function parseReference(ref: string): ParsedReference {
  // A colon can never appear in a tag, so its presence decides: the client
  // meant a digest, and a malformed one should be reported as DIGEST_INVALID.
  if (typeof ref === 'string' && ref.includes(':')) return { kind: 'digest', digest: parseDigest(ref) };
  return { kind: 'tag', tag: parseTag(ref) };
}

/**
 * A reference to look up (GET, HEAD, DELETE). A string that is neither a valid tag nor a valid digest cannot name
 * a stored manifest, so it is not found: the distribution spec requires 404 MANIFEST_UNKNOWN for a manifest that
 * does not exist (its conformance suite asks for `.INVALID_MANIFEST_NAME`), and distribution's router answers 404
 * too. Only a PUT, which would create something under the name, reports TAG_INVALID or DIGEST_INVALID.
 */
export function parseLookupReference(ref: string): ParsedReference {
  try {
    return parseReference(ref);
  } catch (error) {
    if (!(error instanceof RegistryError)) throw error;
    const shown = truncateForMessage(String(ref));
    throw new RegistryError('MANIFEST_UNKNOWN', `no manifest is named "${shown}": it is neither a valid tag nor a valid digest`, { reference: shown });
  }
}
