/**
 * What the registry reports to a registry client, independent of HTTP.
 *
 * Every failure the registry reports goes through RegistryError with a code: the OCI Distribution
 * Specification's codes as they are, plus a few conditions the spec words with a shared code but that
 * clients tell apart (a manifest too large, a manifest an index still references). apps/api maps each code
 * once to the OCI error body and an HTTP status (apps/api/src/registry/oci-errors.ts).
 *
 * Adding a code: add it to RegistryErrorCode (an OCI code to OciErrorCode, a condition of ours to
 * RegistryCondition) with its default message in REGISTRY_ERROR_MESSAGES; the compiler then
 * points at the api's table, which must say the status (and, for a condition, the OCI code it is reported as).
 */

/** The codes an OCI error body may carry (`{"errors":[{"code": ...}]}`). */
export type OciErrorCode =
  | 'BLOB_UNKNOWN'
  | 'BLOB_UPLOAD_INVALID'
  | 'BLOB_UPLOAD_UNKNOWN'
  | 'DIGEST_INVALID'
  | 'MANIFEST_BLOB_UNKNOWN'
  | 'MANIFEST_INVALID'
  | 'MANIFEST_UNKNOWN'
  | 'NAME_INVALID'
  | 'NAME_UNKNOWN'
  | 'SIZE_INVALID'
  | 'UNAUTHORIZED'
  | 'DENIED'
  | 'UNSUPPORTED'
  | 'TOOMANYREQUESTS'
  | 'RANGE_INVALID'
  | 'UNAVAILABLE'
  // Not in the OCI table, but Docker's registry uses it and our contract names
  // tags separately from digests, so a bad tag gets its own code.
  | 'TAG_INVALID'
  // Docker's registry codes for a bad `n` and for failures with no better code.
  | 'PAGINATION_NUMBER_INVALID'
  | 'UNKNOWN';

/**
 * Conditions of ours that a client sees under an OCI code but must tell apart from that code's usual meaning
 * (the api reports them with another status).
 */
export type RegistryCondition =
  /** A manifest body over MAX_MANIFEST_BYTES: refused before it is read whole or parsed. */
  | 'MANIFEST_TOO_LARGE'
  /** A manifest delete refused because an index still references the manifest. */
  | 'MANIFEST_REFERENCED'
  /** A push refused because it would take a project or group over its storage limit (detail: limit, used, needed). */
  | 'QUOTA_EXCEEDED'
  /** A push or delete refused by a protection rule (a protected or immutable tag, a protected repository); the message names the rule. */
  | 'PROTECTED';

export type RegistryErrorCode = OciErrorCode | RegistryCondition;

/** Default message per code (for OCI codes, the spec's wording). */
export const REGISTRY_ERROR_MESSAGES: Readonly<Record<RegistryErrorCode, string>> = Object.freeze({
  BLOB_UNKNOWN: 'blob unknown to registry',
  BLOB_UPLOAD_INVALID: 'blob upload invalid',
  BLOB_UPLOAD_UNKNOWN: 'blob upload unknown to registry',
  DIGEST_INVALID: 'provided digest did not match uploaded content',
  MANIFEST_BLOB_UNKNOWN: 'manifest references a manifest or blob unknown to registry',
  MANIFEST_INVALID: 'manifest invalid',
  MANIFEST_UNKNOWN: 'manifest unknown to registry',
  NAME_INVALID: 'invalid repository name',
  NAME_UNKNOWN: 'repository name not known to registry',
  SIZE_INVALID: 'provided length did not match content length',
  UNAUTHORIZED: 'authentication required',
  DENIED: 'requested access to the resource is denied',
  UNSUPPORTED: 'the operation is unsupported',
  TOOMANYREQUESTS: 'too many requests',
  RANGE_INVALID: 'invalid content range',
  UNAVAILABLE: 'service unavailable',
  TAG_INVALID: 'invalid tag',
  PAGINATION_NUMBER_INVALID: 'invalid number of results requested',
  UNKNOWN: 'unknown error',
  MANIFEST_TOO_LARGE: 'manifest too large',
  MANIFEST_REFERENCED: 'the manifest is referenced by an index',
  QUOTA_EXCEEDED: 'storage limit exceeded',
  PROTECTED: 'refused by a protection rule',
});

export class RegistryError extends Error {
  /**
   * `detail` is the OCI body's `detail` as is. A RANGE_INVALID detail with a numeric `size` (the upload's recorded
   * size, or the blob's) also becomes the response's `Content-Range`, with that size as the complete length.
   */
  constructor(
    readonly code: RegistryErrorCode,
    message?: string,
    readonly detail?: unknown,
  ) {
    super(message ?? REGISTRY_ERROR_MESSAGES[code]);
    this.name = 'RegistryError';
  }
}

export function isRegistryError(e: unknown): e is RegistryError {
  return e instanceof RegistryError;
}

/**
 * Shortens untrusted input before it is echoed back in messages or details,
 * so a hostile multi-megabyte value cannot bloat error bodies or logs.
 */
export function truncateForMessage(value: string, max = 128): string {
  return value.length <= max ? value : `${value.slice(0, max)}…`;
}
