import { OciErrorCode, RegistryError, RegistryErrorCode } from '@cargohold/registry';

/** How one registry error code goes on the wire; a condition of ours also names the OCI code it is reported as. */
type OciWire<C extends RegistryErrorCode> = C extends OciErrorCode ? { status: number } : { status: number; reportedAs: OciErrorCode };

/**
 * The one OCI error table: the HTTP status of every registry error code (OCI distribution-spec, "Error Codes").
 * Typed over every code, so a code added in libs/registry without a row here fails to compile.
 */
export const OCI_ERRORS: Readonly<{ [C in RegistryErrorCode]: OciWire<C> }> = Object.freeze({
  BLOB_UNKNOWN: { status: 404 },
  BLOB_UPLOAD_INVALID: { status: 400 },
  BLOB_UPLOAD_UNKNOWN: { status: 404 },
  DIGEST_INVALID: { status: 400 },
  // 400 as in distribution: the request is wrong, the URL is not.
  MANIFEST_BLOB_UNKNOWN: { status: 400 },
  MANIFEST_INVALID: { status: 400 },
  MANIFEST_UNKNOWN: { status: 404 },
  NAME_INVALID: { status: 400 },
  NAME_UNKNOWN: { status: 404 },
  SIZE_INVALID: { status: 400 },
  UNAUTHORIZED: { status: 401 },
  DENIED: { status: 403 },
  UNSUPPORTED: { status: 405 },
  TOOMANYREQUESTS: { status: 429 },
  RANGE_INVALID: { status: 416 },
  UNAVAILABLE: { status: 503 },
  TAG_INVALID: { status: 400 },
  PAGINATION_NUMBER_INVALID: { status: 400 },
  UNKNOWN: { status: 500 },
  MANIFEST_TOO_LARGE: { status: 413, reportedAs: 'SIZE_INVALID' },
  // A conflict with the repository's state, not a permission problem: 409, as distribution answers.
  MANIFEST_REFERENCED: { status: 409, reportedAs: 'DENIED' },
  // Harbor and GitLab answer a push over quota with 403 DENIED; the detail carries limit, used and needed.
  QUOTA_EXCEEDED: { status: 403, reportedAs: 'DENIED' },
  // GitLab's registry answers a protected or immutable tag with 403 DENIED; the message names the rule.
  PROTECTED: { status: 403, reportedAs: 'DENIED' },
});

export interface OciErrorEntry {
  code: OciErrorCode;
  message: string;
  detail?: unknown;
}

export interface OciErrorBody {
  errors: OciErrorEntry[];
}

/** An error as /v2/ answers it. */
export interface OciErrorResponse {
  status: number;
  headers: Record<string, string>;
  body: OciErrorBody;
}

/**
 * The body the spec requires, with all three fields the contract names: `detail` is `{}` when there is none
 * (distribution leaves it out then; clients accept either, and a fixed shape is easier to consume).
 */
export function ociErrorBody(code: OciErrorCode, message: string, detail?: unknown): OciErrorBody {
  return { errors: [{ code, message, detail: detail === undefined ? {} : detail }] };
}

/** Status, headers and body of a registry error: the one place /v2/ errors are rendered. */
export function ociErrorFor(error: RegistryError): OciErrorResponse {
  const wire: { status: number; reportedAs?: OciErrorCode } = OCI_ERRORS[error.code];
  const headers: Record<string, string> = {};
  // RFC 9110: a 416 says the current length, so a client can continue an upload or fix its Range.
  const size = sizeIn(error.detail);
  if (wire.status === 416 && size !== undefined) headers['Content-Range'] = `bytes */${size}`;
  return { status: wire.status, headers, body: ociErrorBody(wire.reportedAs ?? (error.code as OciErrorCode), error.message, error.detail) };
}

function sizeIn(detail: unknown): number | undefined {
  const size = typeof detail === 'object' && detail !== null ? (detail as { size?: unknown }).size : undefined;
  return typeof size === 'number' && Number.isSafeInteger(size) && size >= 0 ? size : undefined;
}
