/**
 * Registry errors as the OCI Distribution Specification defines them.
 *
 * Every failure the registry reports to a client goes through RegistryError so
 * that the HTTP layer can render the spec's body (`{"errors":[...]}`) and
 * status without knowing which domain rule was broken.
 */

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

export interface OciErrorInfo {
  readonly status: number;
  readonly message: string;
}

/** Default status and message per code (OCI distribution-spec, "Error Codes"). */
export const OCI_ERRORS: Readonly<Record<OciErrorCode, OciErrorInfo>> = Object.freeze({
  BLOB_UNKNOWN: { status: 404, message: 'blob unknown to registry' },
  BLOB_UPLOAD_INVALID: { status: 400, message: 'blob upload invalid' },
  BLOB_UPLOAD_UNKNOWN: { status: 404, message: 'blob upload unknown to registry' },
  DIGEST_INVALID: { status: 400, message: 'provided digest did not match uploaded content' },
  // 400 as in distribution: the request is wrong, the URL is not.
  MANIFEST_BLOB_UNKNOWN: {
    status: 400,
    message: 'manifest references a manifest or blob unknown to registry',
  },
  MANIFEST_INVALID: { status: 400, message: 'manifest invalid' },
  MANIFEST_UNKNOWN: { status: 404, message: 'manifest unknown to registry' },
  NAME_INVALID: { status: 400, message: 'invalid repository name' },
  NAME_UNKNOWN: { status: 404, message: 'repository name not known to registry' },
  SIZE_INVALID: { status: 400, message: 'provided length did not match content length' },
  UNAUTHORIZED: { status: 401, message: 'authentication required' },
  DENIED: { status: 403, message: 'requested access to the resource is denied' },
  UNSUPPORTED: { status: 405, message: 'the operation is unsupported' },
  TOOMANYREQUESTS: { status: 429, message: 'too many requests' },
  RANGE_INVALID: { status: 416, message: 'invalid content range' },
  UNAVAILABLE: { status: 503, message: 'service unavailable' },
  TAG_INVALID: { status: 400, message: 'invalid tag' },
  PAGINATION_NUMBER_INVALID: { status: 400, message: 'invalid number of results requested' },
  UNKNOWN: { status: 500, message: 'unknown error' },
});

export interface OciErrorEntry {
  code: OciErrorCode;
  message: string;
  detail?: unknown;
}

export interface OciErrorBody {
  errors: OciErrorEntry[];
}

export class RegistryError extends Error {
  /** HTTP status; defaults from OCI_ERRORS but some call sites need another (e.g. 413). */
  readonly status: number;

  constructor(
    readonly code: OciErrorCode,
    message?: string,
    readonly detail?: unknown,
    status?: number,
  ) {
    super(message ?? OCI_ERRORS[code].message);
    this.name = 'RegistryError';
    this.status = status ?? OCI_ERRORS[code].status;
  }

  /**
   * The body the spec requires, with all three fields the contract names: `detail` is `{}` when there is none
   * (distribution leaves it out then; clients accept either, and a fixed shape is easier to consume).
   */
  toOciBody(): OciErrorBody {
    const entry: OciErrorEntry = { code: this.code, message: this.message, detail: this.detail === undefined ? {} : this.detail };
    return { errors: [entry] };
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
